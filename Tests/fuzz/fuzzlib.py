"""What the fuzz targets share: the case context (resources closed at the
end of a case, calls checked against the exceptions they may raise), hostile
argument values and loopback-only peers.

A case is a function of one random.Random: run_case(rng, case).  Everything
random in it comes from that generator, so `run.py --target T --seed N
--case K` makes the same calls again (timing-dependent outcomes, such as
how much a nonblocking send takes, may still differ).

Only loopback is ever a destination: connect(), sendto(), ActiveOpen and
Write get 127.0.0.0/8, ::1, AF_UNIX paths in a private directory, or
addresses that must be refused before any packet leaves (wrong types, bad
ports, NULs).  Names that could reach a resolver are never used, and the
runner puts the workers in a private network namespace holding only
loopback when it can (see run.py).
"""
from __future__ import print_function

import array
import errno
import gc
import os
import signal
import sys
import tempfile

PY3 = sys.version_info[0] >= 3
if PY3:
    long = int  # noqa: A001 (2.7's name, for the values below)
    text_type = str
else:
    text_type = unicode  # noqa: F821


class FuzzFailure(Exception):
    """A call broke its contract: an undocumented exception type, a
    SystemError, or a result of the wrong kind."""


class Wakeup(Exception):
    """Raised by the case's interval-timer handler: a signal whose handler
    raises, landing in whatever call is running."""


# -- hostile values ---------------------------------------------------------

BIG_INTS = [0, 1, -1, 2, 255, 256, 65535, 65536, -65536, 2 ** 15, 2 ** 16 + 1,
            2 ** 31 - 1, 2 ** 31, -2 ** 31, -2 ** 31 - 1, 2 ** 32 - 1, 2 ** 32,
            2 ** 63 - 1, 2 ** 63, -2 ** 63, -2 ** 63 - 1, 2 ** 64, 2 ** 64 + 1,
            10 ** 30, -10 ** 30]


class Index(object):
    """An integer through __index__ only (as operator.index accepts)."""

    def __init__(self, value):
        self.value = value

    def __index__(self):
        return self.value

    def __repr__(self):
        return "Index(%r)" % (self.value,)


class BadIndex(object):
    """__index__ and __int__ that raise or return a non-integer."""

    def __init__(self, mode):
        self.mode = mode

    def __index__(self):
        if self.mode == "raise":
            raise ZeroDivisionError("hostile __index__")
        return "not an int"

    __int__ = __index__

    def __repr__(self):
        return "BadIndex(%r)" % (self.mode,)


class SideEffect(object):
    """An integer or float whose conversion first does something to the
    case's objects (closes the socket being called, drops a file, runs the
    garbage collector): the call must not use what it had looked up
    before converting."""

    def __init__(self, action, value):
        self.action = action
        self.value = value

    def _convert(self):
        try:
            self.action()
        except Exception:
            pass  # the action's own failure is not the call's
        return self.value

    def __index__(self):
        return self._convert()

    __int__ = __index__

    def __float__(self):
        return float(self._convert())

    def __repr__(self):
        return "SideEffect(%s, %r)" % (getattr(self.action, "__name__", "?"),
                                       self.value)


# The case being run (hostile_value draws side effects from it).
CURRENT = [None]


class BadStr(str):
    """A str subclass whose methods misbehave."""

    def encode(self, *args):
        raise ZeroDivisionError("hostile encode")

    def __hash__(self):
        raise ZeroDivisionError("hostile hash")

    def __eq__(self, other):
        raise ZeroDivisionError("hostile eq")


# The exception raised by the hostile objects' methods: allowed to come out
# of any call that invoked them.
HOSTILE_ERRORS = (ZeroDivisionError,)


def random_int(rng):
    choice = rng.random()
    if choice < 0.5:
        return rng.choice(BIG_INTS)
    if choice < 0.8:
        return rng.randint(-5, 70000)
    return rng.randint(-2 ** 70, 2 ** 70)


def random_size(rng):
    """A byte count: mostly small, sometimes zero, negative or enormous."""
    choice = rng.random()
    if choice < 0.6:
        return rng.choice([0, 1, 2, 7, 100, 1024, 4096, 65536, 65537])
    if choice < 0.8:
        return rng.randint(-3, 100000)
    if choice < 0.82:
        # Allocations that succeed and are slow (a second each under ASan).
        return rng.choice([2 ** 31 - 1, 2 ** 31, 2 ** 32])
    return rng.choice([-1, -2 ** 31, 2 ** 40, 2 ** 62, 2 ** 63 - 1, 2 ** 63,
                       2 ** 64, -2 ** 63])


def random_bytes(rng, limit=4096):
    size = rng.choice([0, 1, 2, 10, 100, rng.randint(0, limit)])
    return bytes(bytearray(rng.randint(0, 255) for _ in range(size)))


def random_text(rng, limit=40):
    alphabet = u"abc.:/%-_ \x00\u00e9\u4e2d\U0001f600\udc80"
    size = rng.randint(0, limit)
    return u"".join(rng.choice(alphabet) for _ in range(size))


def random_buffer(rng, limit=4096, writable=False):
    """bytes, bytearray, memoryview (readonly, sliced, strided, cast),
    array.array: objects supporting the buffer protocol in their various
    shapes."""
    data = random_bytes(rng, limit)
    kind = rng.randint(0, 7 if PY3 else 4)
    if kind == 0 and not writable:
        return data
    if kind == 1:
        return bytearray(data)
    if kind == 2:
        return memoryview(bytearray(data))
    if kind == 3:
        view = memoryview(bytearray(data))
        start = rng.randint(0, len(data))
        return view[start:]
    if kind == 4:
        return array.array("b" if PY3 else "c", data) if not PY3 else \
            array.array("b", [b - 256 if b > 127 else b
                              for b in bytearray(data)])
    if kind == 5 and not writable:
        return memoryview(data)  # readonly
    if kind == 6:
        # Strided: not C-contiguous.
        return memoryview(bytearray(data))[::2]
    if kind == 7:
        raw = bytearray(data[:len(data) // 4 * 4])
        return memoryview(raw).cast("i")
    return bytearray(data)


def hostile_value(rng):
    """Any value of a kind a caller should not pass, or an odd legal one."""
    kind = rng.randint(0, 17)
    if kind == 0:
        return None
    if kind == 1:
        return random_int(rng)
    if kind == 2:
        return rng.choice([0.0, -0.0, 1.5, -1.5, float("nan"), float("inf"),
                           -float("inf"), 1e308, 1e-308, 2.0 ** 63])
    if kind == 3:
        return random_bytes(rng, 64)
    if kind == 4:
        return random_text(rng)
    if kind == 5:
        return bytearray(random_bytes(rng, 64))
    if kind == 6:
        return Index(random_int(rng))
    if kind == 7:
        return BadIndex(rng.choice(["raise", "type"]))
    if kind == 8:
        return ()
    if kind == 9:
        return tuple(hostile_value_flat(rng) for _ in range(rng.randint(1, 5)))
    if kind == 10:
        return [hostile_value_flat(rng)]
    if kind == 11:
        return object()
    if kind == 12:
        return True
    if kind == 13:
        return u"x" * rng.choice([100, 255, 256, 1024, 70000])
    if kind == 14:
        return BadStr("127.0.0.1")
    if kind == 15:
        return memoryview(bytearray(random_bytes(rng, 16)))
    if kind == 16:
        return {1: 2}
    case = CURRENT[0]
    if case is not None and case.side_effects and rng.random() < 0.7:
        return SideEffect(rng.choice(case.side_effects),
                          rng.choice([0, 1, 2, 80, 4096, 65535]))
    return 1j


def hostile_value_flat(rng):
    """hostile_value without containers (keeps nesting bounded)."""
    value = hostile_value(rng)
    if isinstance(value, (tuple, list, dict)):
        return random_int(rng)
    return value


# -- addresses: loopback only -----------------------------------------------

LOOPBACK4 = ["127.0.0.1", "127.0.0.2", "127.1", "127.255.255.254",
             u"127.0.0.1", b"127.0.0.1", bytearray(b"127.0.0.1")]
LOOPBACK6 = ["::1", "0:0:0:0:0:0:0:1", u"::1", b"::1", "::ffff:127.0.0.1"]
# Parsed without a lookup and refused before anything is sent.
REFUSED_HOSTS = ["1.2.3.4\x00", "\x00", "127.0.0.1\x00evil", u"\u4e2d.\x00",
                 b"\x00\xff", "::1%", "::1%99999", "fe80::1%lo\x00"]


BAD_PORTS = [-1, 65536, 2 ** 31, 2 ** 32 + 80, -2 ** 63, 2 ** 64, Index(-1),
             Index(2 ** 70), BadIndex("raise"), BadIndex("type"), 80.0, "80",
             None]


def random_port(rng, case=None):
    """A port: 0, one of the case's own listeners (other programs on this
    machine's loopback are never a destination, nor is a port taken that
    they may want), or a value that must be refused."""
    choice = rng.random()
    if choice < 0.45 and case is not None and case.ports:
        return rng.choice(case.ports)
    if choice < 0.75:
        return rng.choice([0, Index(0), 0 if PY3 else long(0)])
    return rng.choice(BAD_PORTS)


# label -> {outcome: count} when run.py --stats asks for it.
STATS = None


def _count(label, outcome):
    if STATS is not None:
        outcomes = STATS.setdefault(label.split("(")[0], {})
        outcomes[outcome] = outcomes.get(outcome, 0) + 1


class Case(object):
    """One case: the resources it opened (closed at its end, whatever
    happened) and the checked calls it made."""

    def __init__(self, rng, name, expected):
        self.rng = rng
        self.name = name
        self.expected = expected
        self.resources = []
        self.calls = 0
        self.tmpdir = None
        self.ports = []
        self.helpers = []
        self.side_effects = [gc.collect]
        CURRENT[0] = self

    def keep(self, obj):
        self.resources.append(obj)
        return obj

    def unix_path(self, name=None):
        """A path in this case's private directory (AF_UNIX addresses)."""
        if self.tmpdir is None:
            self.tmpdir = tempfile.mkdtemp(prefix="csfuzz.")
        return os.path.join(self.tmpdir, name or "s%d" % self.rng.randint(0, 3))

    def call(self, label, function, *args, **kwargs):
        """Calls function; returns (True, result) or (False, exception) for
        an exception the call may raise.  Anything else is a failure.
        _interrupt=pick_interrupt(...) lets SIGALRM land during the call."""
        self.calls += 1
        interrupt = kwargs.pop("_interrupt", None)
        try:
            try:
                if interrupt is not None:
                    _arm(interrupt)
                result = function(*args, **kwargs)
                _count(label, "ok")
                return True, result
            finally:
                if interrupt is not None:
                    ARMED[0] = False
                    _disarm()
        except SystemError:
            raise FuzzFailure("%s: SystemError\n  call: %s" % (
                self.name, describe(label, args, kwargs)))
        except Wakeup as exc:
            if interrupt is not None:
                # It may have come before the finally clause had disarmed.
                ARMED[0] = False
                _disarm()
            _count(label, "Wakeup")
            return False, exc
        except HOSTILE_ERRORS as exc:
            _count(label, "hostile")
            return False, exc
        except self.expected as exc:
            _count(label, type(exc).__name__)
            return False, exc
        except KeyboardInterrupt:
            raise
        except BaseException as exc:
            raise FuzzFailure("%s: %s: %s\n  call: %s" % (
                self.name, type(exc).__name__, shorten(exc),
                describe(label, args, kwargs)))

    def close(self):
        """Closes what the case opened, newest first; failures here are
        failures too (close() must not raise undocumented errors).  Helper
        threads are joined first."""
        error = None
        # The side effects hold the case's objects.
        self.side_effects = []
        CURRENT[0] = None
        while self.helpers:
            helper = self.helpers.pop()
            try:
                helper.join()
            except FuzzFailure as exc:
                error = error or exc
        while self.resources:
            obj = self.resources.pop()
            closer = getattr(obj, "close", None)
            try:
                if closer is not None:
                    closer()
            except self.expected + HOSTILE_ERRORS:
                pass
            except Exception as exc:
                if error is None:
                    error = FuzzFailure("%s: close() of %r raised %s: %s" % (
                        self.name, type(obj).__name__, type(exc).__name__,
                        shorten(exc)))
        if self.tmpdir is not None:
            for name in os.listdir(self.tmpdir):
                try:
                    os.unlink(os.path.join(self.tmpdir, name))
                except OSError:
                    pass
            os.rmdir(self.tmpdir)
            self.tmpdir = None
        gc.collect()
        if error is not None:
            raise error


def shorten(value, limit=200):
    try:
        text = repr(value)
    except Exception as exc:
        text = "<repr raised %s>" % type(exc).__name__
    if len(text) > limit:
        text = text[:limit] + "...(%d chars)" % len(text)
    return text


def describe(label, args, kwargs):
    parts = [shorten(a, 80) for a in args]
    parts += ["%s=%s" % (k, shorten(v, 80)) for k, v in sorted(kwargs.items())]
    return "%s(%s)" % (label, ", ".join(parts))


# -- signals landing in calls -----------------------------------------------

# Whether the raising handler raises: cleared first thing when a call's
# interruption ends, so that a signal handled a moment later (the handler
# runs at the next check of the interpreter, which may be inside the
# disarming code itself) cannot raise outside the call or leave the timer
# running.
ARMED = [False]


def _raise_wakeup(signum, frame):
    if ARMED[0]:
        raise Wakeup()


def _ignore(signum, frame):
    pass


def quiet_alarms():
    """No timer, and SIGALRM's handler between interruptions: a late
    signal does nothing."""
    ARMED[0] = False
    if hasattr(signal, "setitimer"):
        signal.setitimer(signal.ITIMER_REAL, 0, 0)
        signal.signal(signal.SIGALRM, _ignore)


def pick_interrupt(rng, blocking):
    """How a call is interrupted: None, or (handler raises?, delay,
    interval).  A call that may block for good always gets a raising one,
    so that it ends."""
    if not hasattr(signal, "setitimer"):
        return None
    if blocking:
        # Repeated: a signal that lands before the call starts to wait
        # (during a slow allocation, say) would otherwise be its only one.
        return (True, rng.choice([0.005, 0.02, 0.05]), 0.05)
    if rng.random() < 0.7:
        return None
    if rng.random() < 0.5:
        return (True, rng.choice([0.0005, 0.002, 0.01]), 0)
    return (False, rng.choice([0.0005, 0.002]), rng.choice([0, 0.001, 0.003]))


def _arm(interrupt):
    raises, delay, interval = interrupt
    ARMED[0] = raises
    signal.signal(signal.SIGALRM, _raise_wakeup if raises else _ignore)
    signal.setitimer(signal.ITIMER_REAL, delay, interval)


def _disarm():
    ARMED[0] = False
    signal.setitimer(signal.ITIMER_REAL, 0, 0)
    signal.signal(signal.SIGALRM, _ignore)


def errno_of(exc):
    return getattr(exc, "errno", None) or (
        exc.args[0] if getattr(exc, "args", None) else None)


def is_eagain(exc):
    return errno_of(exc) in (errno.EAGAIN, errno.EWOULDBLOCK)


def random_host(rng, family, bind=False):
    """A host that is parsed without a lookup: loopback, a wildcard, a
    numeric address that bind() refuses (for bind only), one refused
    outright, or a value of the wrong type.  Never a name a resolver would
    be asked."""
    choice = rng.random()
    if choice < 0.55:
        return rng.choice(LOOPBACK6 if family == AF_INET6 else LOOPBACK4)
    if choice < 0.65:
        return rng.choice(["", u"", b""])
    if choice < 0.75:
        return rng.choice(REFUSED_HOSTS)
    if choice < 0.82 and bind:
        # Numeric and not ours: bind() refuses it (EADDRNOTAVAIL).
        return rng.choice(["192.0.2.1", "::ffff:192.0.2.1", "2001:db8::1",
                           "fe80::1%1", "fe80::1"])
    value = hostile_value_flat(rng)
    if isinstance(value, (bytes, bytearray, text_type, str, memoryview)):
        return rng.choice(REFUSED_HOSTS)
    return value


def random_address(rng, family, case=None, bind=False):
    """An address for bind (bind=True) or connect/sendto on a socket of
    `family`: destinations are loopback and the case's own ports only."""
    if family == AF_UNIX:
        choice = rng.random()
        if choice < 0.5 and case is not None:
            return case.unix_path()
        if choice < 0.7:
            return b"\x00csfuzz-%d-%d" % (os.getpid(), rng.randint(0, 3)) \
                if PY3 else "\x00csfuzz-%d-%d" % (os.getpid(), rng.randint(0, 3))
        if choice < 0.8 and case is not None:
            # Paths at and past sockaddr_un's 108 bytes, in the private
            # directory (a relative path would land in the current one).
            base = case.unix_path("")
            size = rng.choice([106, 107, 108, 109, 300])
            path = base + "x" * max(1, size - len(base))
            return rng.choice([path, path.encode("ascii"),
                               bytearray(path.encode("ascii"))])
        if choice < 0.85:
            return rng.choice(["", b"", "a\x00b", b"\x00" * 108,
                               b"\x00" * 109, b"\x00" + b"\xff" * 100])
        value = hostile_value_flat(rng)
        if isinstance(value, (bytes, bytearray, text_type, str, memoryview)):
            # A relative path would land in the current directory.
            return rng.choice(["a\x00b", b"\x00" * 109])
        return value
    if rng.random() < 0.1:
        return hostile_value_flat(rng) if rng.random() < 0.5 else \
            tuple(random_host(rng, family, bind)
                  for _ in range(rng.randint(0, 6)))
    items = [random_host(rng, family, bind), random_port(rng, case)]
    if family == AF_INET6:
        extra = rng.randint(0, 3)
        if extra >= 1:
            items.append(rng.choice([0, 1, 1048575, 1048576, -1, 2 ** 32,
                                     Index(0)]))
        if extra >= 2:
            items.append(rng.choice([0, 1, 2 ** 32 - 1, 2 ** 32, -1,
                                     BadIndex("raise")]))
        if extra == 3 and rng.random() < 0.3:
            items.append(0)
    elif rng.random() < 0.05:
        items.append(0)
    return tuple(items)


AF_INET = 2
AF_INET6 = 10
AF_UNIX = 1


# -- sockets of every kind the targets work on -------------------------------

SOCKET_KINDS = ["tcp", "tcp6", "listener", "conn", "udp", "udp6", "unixpair",
                "unixdgram", "seqpacket", "closed", "c_socket", "dup",
                "fromfd", "pair_of_c"]


def socket_errors():
    """What socket calls may raise.  BufferError: a buffer that cannot be
    exported as one contiguous block (a strided memoryview) is refused by
    the buffer protocol itself, as with the interpreters' own module."""
    import socket
    return (socket.error, TypeError, ValueError, OverflowError, MemoryError,
            BufferError)


def set_random_timeout(case, sock):
    value = case.rng.choice([0.0, 0.001, 0.02, None, 0.05, 0.0])
    if case.rng.random() < 0.2:
        sock.setblocking(case.rng.randint(0, 1))
    else:
        sock.settimeout(value)


def open_socket(case, kind=None):
    """A socket object of a random kind (or of `kind`), registered with the
    case; returns (socket, peer or None).  Every destination is one of the
    case's own sockets."""
    import socket
    import _socket
    rng = case.rng
    kind = kind or rng.choice(SOCKET_KINDS)
    peer = None
    if kind in ("tcp", "tcp6", "udp", "udp6"):
        family = socket.AF_INET6 if kind.endswith("6") else socket.AF_INET
        stype = socket.SOCK_STREAM if kind.startswith("tcp") else \
            socket.SOCK_DGRAM
        sock = case.keep(socket.socket(family, stype))
        if kind.startswith("udp"):
            sock.bind(("::1" if family == socket.AF_INET6 else "127.0.0.1", 0))
            case.ports.append(sock.getsockname()[1])
    elif kind == "listener":
        sock = case.keep(socket.socket())
        sock.bind(("127.0.0.1", 0))
        sock.listen(rng.choice([0, 1, 5]))
        case.ports.append(sock.getsockname()[1])
    elif kind == "conn":
        listener = case.keep(socket.socket())
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        sock = case.keep(socket.create_connection(listener.getsockname(), 5))
        peer = case.keep(listener.accept()[0])
        peer.settimeout(5)
        listener.close()
    elif kind in ("unixpair", "unixdgram", "seqpacket"):
        stype = {"unixpair": socket.SOCK_STREAM,
                 "unixdgram": socket.SOCK_DGRAM,
                 "seqpacket": socket.SOCK_SEQPACKET}[kind]
        sock, peer = socket.socketpair(socket.AF_UNIX, stype)
        case.keep(sock)
        case.keep(peer)
        peer.settimeout(5)
    elif kind == "closed":
        sock = case.keep(socket.socket(rng.choice([socket.AF_INET,
                                                   socket.AF_UNIX])))
        sock.close()
        return sock, None
    elif kind == "c_socket":
        sock = case.keep(_socket.socket(rng.choice([socket.AF_INET,
                                                    socket.AF_INET6]),
                                        rng.choice([socket.SOCK_STREAM,
                                                    socket.SOCK_DGRAM])))
    elif kind == "pair_of_c":
        sock, peer = _socket.socketpair()
        case.keep(sock)
        case.keep(peer)
        peer.settimeout(5)
    elif kind == "dup":
        original, peer = socket.socketpair()
        case.keep(original)
        case.keep(peer)
        peer.settimeout(5)
        sock = case.keep(original.dup())
        if rng.random() < 0.5:
            original.close()
    else:  # fromfd
        original, peer = socket.socketpair()
        case.keep(original)
        case.keep(peer)
        peer.settimeout(5)
        sock = case.keep(socket.fromfd(original.fileno(), socket.AF_UNIX,
                                       socket.SOCK_STREAM))
    set_random_timeout(case, sock)
    # What a hostile argument's conversion may do meanwhile.
    case.side_effects.append(sock.close)
    if peer is not None:
        case.side_effects.append(peer.close)
    if hasattr(sock, "_sock") and case.rng.random() < 0.3:
        case.side_effects.append(lambda: setattr(sock, "_sock", _socket.socket()))
    return sock, peer


def may_block(sock):
    """Whether a call on sock (or on a file made from it) could wait for
    long: blocking mode, or a mode that cannot be read (a closed socket's
    files keep the mode it last had)."""
    try:
        timeout = sock.gettimeout()
    except Exception:
        return True
    return timeout is None or timeout > 0.1


def family_of(sock):
    """The socket's family; AF_INET when it cannot be read (a closed
    socket raises EBADF for its attributes)."""
    try:
        family = sock.family
    except Exception:
        return AF_INET
    return family if isinstance(family, int) else AF_INET


# -- another thread acting on the same objects --------------------------------

class Helper(object):
    """A thread that makes a few calls on the case's objects while the main
    thread is in a call of its own: close() or Abort() under a blocked
    recv, a timeout changed mid-call, buffers resized during a send.  The
    calls are drawn by the main thread beforehand; each is checked like the
    main thread's.  Case.close() joins it."""

    def __init__(self, case, actions):
        import threading
        self.case = case
        self.actions = actions  # [(delay, label, function, args)]
        self.failure = None
        self.thread = threading.Thread(target=self.run)
        self.thread.daemon = True
        case.helpers.append(self)
        self.thread.start()

    def run(self):
        import select
        try:
            for delay, label, function, args in self.actions:
                if delay:
                    select.select([], [], [], delay)
                self.case.call("thread " + label, function, *args)
        except FuzzFailure as exc:
            self.failure = exc
        except BaseException as exc:
            self.failure = FuzzFailure("%s: helper thread: %s: %s" % (
                self.case.name, type(exc).__name__, shorten(exc)))

    def join(self, timeout=20.0):
        self.thread.join(timeout)
        if self.thread.is_alive():
            raise FuzzFailure("%s: a helper thread's call did not end in "
                              "%.0f s" % (self.case.name, timeout))
        if self.failure is not None:
            raise self.failure

"""Reference-leak run: loops every public operation of _socket, socket and
mactcp (and macdnr once it exists) and fails on per-iteration growth of the
interpreter's total reference count, of its allocated memory blocks or of
the open descriptors.

    python3.11-dbg -m classicsocket Tools/refleak.py       # the CI run
    python3.11-dbg -m classicsocket Tools/refleak.py --only makefile -v
    python3.11-dbg -m classicsocket Tools/refleak.py --list

Run it on a debug build of CPython (sys.gettotalrefcount exists only
there; Debian's python3.11-dbg is one): Tools/refleak.sh installs that
interpreter when missing, builds the extensions for it and runs this.  On
another interpreter the references are not counted and the run says so.

Each operation is a generator: the code before its `yield` sets up what
the loop needs (a connected pair, a listening stream), the function it
yields is one iteration, and the code after the yield cleans up.  An
operation runs WARMUP iterations, then ROUNDS rounds of LOOPS iterations;
each round's growth of a counter is measured after a garbage collection.
A counter that grew in every round grows with the iterations: a leak.
One that grows in some rounds only is noise (a cache filling, a list
resizing) and is shown with -v.

Every operation names the public names it calls.  Names of the modules
that no operation calls fail the run (coverage), so a method added to a
module without an operation here is noticed.  A module that cannot be
imported (macdnr today) is skipped with a message; its operations are
listed in OPS like any other and are picked up once it imports.

KNOWN lists the operations whose growth is a known defect being fixed
elsewhere: reported as expected, not failing the run; when one stops
growing the run says to take it off the list.
"""
from __future__ import print_function

import argparse
import errno
import gc
import os
import select
import signal
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LIB = os.path.join(ROOT, "Lib")

# name of the operation -> why it grows (issue and state of its fix)
KNOWN = {
    "makefile": "issue 14: socket._files keeps one weak reference per "
                "makefile() until a timeout change prunes them (fix in "
                "Modules/_socket/ on another branch)",
}

WARMUP = 8
ROUNDS = 5
LOOPS = 12

LOOPBACK = 0x7F000001
OPS = []


def op(name, *covers, **options):
    """Registers an operation that calls the public names `covers`
    ("module.name" or "module.Type.method").  module="macdnr" makes it
    depend on that module; loops=N changes LOOPS for a slow one."""
    def register(function):
        OPS.append(dict(name=name, covers=covers, function=function,
                        module=options.get("module"),
                        loops=options.get("loops", LOOPS)))
        return function
    return register


def expect(exc_types, function, *args, **kwargs):
    """Calls function, which must raise one of exc_types (error paths
    leak as well as successful ones)."""
    try:
        function(*args, **kwargs)
    except exc_types:
        return
    raise AssertionError("%s%r did not raise %s" % (
        getattr(function, "__name__", function), args, exc_types))


def wait_for(predicate, timeout=10.0):
    deadline = time.time() + timeout
    while not predicate():
        if time.time() >= deadline:
            raise AssertionError("timed out waiting")
        select.select([], [], [], 0.001)


# -- _socket: the C socket ---------------------------------------------------

def csock_ops():
    import _socket
    C = "_socket.socket."

    @op("c.create-close", "_socket.socket", C + "close", C + "fileno",
        C + "__repr__", C + "family", C + "type", C + "proto", C + "timeout",
        "_socket.SocketType")
    def _():
        def once():
            s = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
            s.fileno()
            repr(s)
            (s.family, s.type, s.proto, s.timeout)
            s.close()
            expect(_socket.error, s.getsockname)
            expect(TypeError, _socket.socket, "x")
            expect(_socket.error, _socket.socket, 12345)
        yield once

    @op("c.bind-listen-accept-connect", C + "bind", C + "listen",
        C + "accept", C + "connect", C + "connect_ex", C + "getsockname",
        C + "getpeername")
    def _():
        srv = _socket.socket()
        srv.bind(("127.0.0.1", 0))
        srv.listen(5)
        addr = srv.getsockname()

        def once():
            c = _socket.socket()
            c.connect(addr)
            s, peer = srv.accept()
            c.getpeername()
            s.getsockname()
            s.close()
            c.close()
            c = _socket.socket()
            c.connect_ex(addr)
            srv.accept()[0].close()
            c.close()
            c = _socket.socket()
            expect(_socket.error, c.getpeername)
            expect(OverflowError, c.bind, ("127.0.0.1", 70000))
            expect(TypeError, c.connect, "x")
            c.close()
        yield once
        srv.close()

    @op("c.data", C + "send", C + "recv", C + "sendall", C + "recv_into",
        C + "sendto", C + "recvfrom", C + "recvfrom_into", C + "shutdown")
    def _():
        a, b = _socket.socketpair()
        u = _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)
        u.bind(("127.0.0.1", 0))
        dest = u.getsockname()
        buf = bytearray(64)

        def once():
            a.send(b"ping")
            b.recv(16)
            a.sendall(b"x" * 100)
            b.recv_into(buf, 64)
            b.recv_into(memoryview(buf)[:36])
            u.sendto(b"dgram", dest)
            u.recvfrom(16)
            u.sendto(b"dgram", 0, dest)
            u.recvfrom_into(buf)
            expect(TypeError, a.send, 5)
            expect(ValueError, b.recv, -1)
            expect(TypeError, b.recv_into, b"readonly")
            expect(_socket.error, b.recv, 1, 0x40)  # MSG_DONTWAIT: EAGAIN
            c, d = _socket.socketpair()
            c.shutdown(_socket.SHUT_RDWR)
            c.close()
            d.close()
        yield once
        for s in (a, b, u):
            s.close()

    @op("c.options", C + "setsockopt", C + "getsockopt", C + "settimeout",
        C + "gettimeout", C + "setblocking", "_socket.setdefaulttimeout",
        "_socket.getdefaulttimeout")
    def _():
        s = _socket.socket()

        def once():
            s.setsockopt(_socket.SOL_SOCKET, _socket.SO_REUSEADDR, 1)
            s.getsockopt(_socket.SOL_SOCKET, _socket.SO_REUSEADDR)
            s.setsockopt(_socket.SOL_SOCKET, _socket.SO_LINGER,
                         b"\0" * 8)
            s.getsockopt(_socket.SOL_SOCKET, _socket.SO_LINGER, 8)
            expect(_socket.error, s.getsockopt, 12345, 1)
            s.settimeout(0.5)
            s.gettimeout()
            s.setblocking(1)
            s.settimeout(None)
            expect(ValueError, s.settimeout, -1)
            _socket.setdefaulttimeout(2.5)
            _socket.getdefaulttimeout()
            _socket.setdefaulttimeout(None)
        yield once
        s.close()

    @op("c.dup-fromfd-socketpair", C + "dup", "_socket.fromfd",
        "_socket.socketpair")
    def _():
        def once():
            a, b = _socket.socketpair()
            c = a.dup()
            d = _socket.fromfd(b.fileno(), _socket.AF_UNIX,
                               _socket.SOCK_STREAM)
            for s in (a, b, c, d):
                s.close()
            expect(_socket.error, _socket.fromfd, -1, 1, 1)
        yield once

    @op("c.timeouts-and-signals", "_socket.timeout")
    def _():
        a, b = _socket.socketpair()
        a.settimeout(0.001)

        def interrupted(signum, frame):
            raise KeyboardInterrupt

        def once():
            expect(_socket.timeout, a.recv, 1)
            previous = signal.signal(signal.SIGALRM, interrupted)
            b.settimeout(None)
            signal.setitimer(signal.ITIMER_REAL, 0.002, 0.01)
            try:
                expect(KeyboardInterrupt, b.recv, 1)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0, 0)
                signal.signal(signal.SIGALRM, previous)
        yield once
        a.close()
        b.close()


# -- _socket: module functions ----------------------------------------------

def module_ops():
    import _socket
    M = "_socket."

    @op("resolver", M + "getaddrinfo", M + "getnameinfo", M + "gethostbyname",
        M + "gethostbyname_ex", M + "gethostbyaddr", M + "gethostname",
        M + "gaierror", M + "herror")
    def _():
        def once():
            # Loopback and numeric forms only: nothing leaves this machine.
            _socket.getaddrinfo("127.0.0.1", 80, 0, _socket.SOCK_STREAM)
            _socket.getaddrinfo("::1", "80", _socket.AF_INET6, 0, 0,
                                _socket.AI_NUMERICHOST)
            expect(_socket.gaierror, _socket.getaddrinfo, "not numeric", 80,
                   0, 0, 0, _socket.AI_NUMERICHOST)
            _socket.getnameinfo(("127.0.0.1", 80), _socket.NI_NUMERICHOST)
            _socket.getnameinfo(("127.0.0.1", 80), 0)
            expect(TypeError, _socket.getnameinfo, "x", 0)
            _socket.gethostbyname("127.0.0.1")
            _socket.gethostbyname("localhost")
            _socket.gethostbyname_ex("localhost")
            _socket.gethostbyaddr("127.0.0.1")
            _socket.gethostname()
        yield once

    @op("services", M + "getservbyname", M + "getservbyport",
        M + "getprotobyname")
    def _():
        def once():
            _socket.getservbyname("http", "tcp")
            _socket.getservbyport(80)
            expect(_socket.error, _socket.getservbyname, "no-such-service")
            expect(OverflowError, _socket.getservbyport, 70000)
            _socket.getprotobyname("tcp")
            expect(_socket.error, _socket.getprotobyname, "no-such-proto")
        yield once

    @op("inet-conversions", M + "inet_aton", M + "inet_ntoa", M + "inet_pton",
        M + "inet_ntop", M + "htons", M + "htonl", M + "ntohs", M + "ntohl")
    def _():
        def once():
            _socket.inet_ntoa(_socket.inet_aton("127.0.0.1"))
            expect(_socket.error, _socket.inet_aton, "x")
            packed = _socket.inet_pton(_socket.AF_INET6, "::1")
            _socket.inet_ntop(_socket.AF_INET6, packed)
            expect(ValueError, _socket.inet_ntop, _socket.AF_INET, b"12345")
            expect(_socket.error, _socket.inet_pton, _socket.AF_INET, "x")
            _socket.htons(80)
            _socket.ntohs(80)
            _socket.htonl(80)
            _socket.ntohl(80)
            expect(OverflowError, _socket.htons, 70000)
        yield once


# -- socket.py: the 2.7-style socket object and file object ------------------

def socketobject_ops():
    import socket
    import _socket
    S = "_socket._socketobject."

    @op("object.create-close", "socket.socket", "socket.SocketType",
        "_socket._socketobject", S + "close", S + "fileno", S + "family",
        S + "type", S + "proto", S + "_sock", S + "__enter__", S + "__exit__",
        S + "_files", "_socket._closedsocket", "socket._socketobject")
    def _():
        def once():
            s = socket.socket()
            (s.family, s.type, s.proto, s._sock, s._files)
            s.fileno()
            with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as t:
                t.fileno()
            s.close()
            expect(socket.error, s.recv, 1)
            expect(socket.error, s.fileno)
            w = socket.socket(_sock=_socket.socket())
            w._sock = _socket.socket()
            w.close()
        yield once

    @op("object.connect-accept", S + "bind", S + "listen", S + "accept",
        S + "connect", S + "connect_ex", S + "getsockname", S + "getpeername",
        S + "dup", "socket.create_connection", "socket.fromfd",
        "socket.socketpair")
    def _():
        srv = socket.socket()
        srv.bind(("127.0.0.1", 0))
        srv.listen(5)
        addr = srv.getsockname()

        def once():
            c = socket.create_connection(addr, 5)
            s, _ = srv.accept()
            c.getpeername()
            d = s.dup()
            d.close()
            s.close()
            c.close()
            c = socket.socket()
            c.connect(addr)
            srv.accept()[0].close()
            c.close()
            c = socket.socket()
            c.connect_ex(("127.0.0.1", addr[1]))
            srv.accept()[0].close()
            c.close()
            c = socket.socket()
            c.bind("127.0.0.1", 0)           # the 1998 form
            c.close()
            a, b = socket.socketpair()
            f = socket.fromfd(a.fileno(), socket.AF_UNIX, socket.SOCK_STREAM)
            for x in (a, b, f):
                x.close()
            expect(socket.error, socket.create_connection,
                   ("127.0.0.1", 1), 5)
        yield once
        srv.close()

    @op("object.data", S + "send", S + "recv", S + "sendall", S + "recv_into",
        S + "sendto", S + "recvfrom", S + "recvfrom_into", S + "shutdown",
        S + "settimeout", S + "gettimeout", S + "setblocking",
        S + "setsockopt", S + "getsockopt")
    def _():
        a, b = socket.socketpair()
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind(("127.0.0.1", 0))
        dest = u.getsockname()
        buf = bytearray(64)

        def once():
            a.send(b"ping")
            b.recv(16)
            a.sendall(b"y" * 300)
            while b.recv_into(buf) == 64:
                pass
            u.sendto(b"dgram", dest)
            u.recvfrom(16)
            u.sendto(b"dgram", dest)
            u.recvfrom_into(buf, 10)
            a.settimeout(1.0)
            a.gettimeout()
            a.setblocking(1)
            a.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536)
            a.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
            expect(TypeError, a.sendall, 5)
            c, d = socket.socketpair()
            c.shutdown(socket.SHUT_WR)
            d.recv(1)
            c.close()
            d.close()
        yield once
        for s in (a, b, u):
            s.close()

    @op("makefile", S + "makefile", "socket._fileobject",
        "_socket._fileobject", "_socket._fileobject.read",
        "_socket._fileobject.readline", "_socket._fileobject.readlines",
        "_socket._fileobject.write", "_socket._fileobject.writelines",
        "_socket._fileobject.flush", "_socket._fileobject.close",
        "_socket._fileobject.fileno", "_socket._fileobject.closed",
        "_socket._fileobject.__iter__", "_socket._fileobject.next",
        "_socket._fileobject.__next__", "_socket._fileobject.readinto",
        "_socket._fileobject.__enter__", "_socket._fileobject.__exit__",
        "_socket._fileobject._sock", "_socket._fileobject.bufsize",
        "_socket._fileobject.mode", "_socket._fileobject.softspace")
    def _():
        # makefile() on one long-lived socket object, as a server that
        # serves many requests on one connection does.
        a, b = socket.socketpair()

        def once():
            w = a.makefile("wb")
            r = b.makefile("rb")
            w.write(b"one\ntwo\n")
            w.writelines([b"three\n", b"four"])
            w.flush()
            w.fileno()
            r.readline()
            r.read(4)
            next(iter(r))
            w.write(b"\n")
            w.flush()
            r.readlines(4)
            w.write(b"12345")
            w.flush()
            r.readinto(bytearray(5))
            (r._sock, r.bufsize, r.mode, r.softspace)
            with w:
                w.closed
            r.close()
            expect(ValueError, r.read)
        yield once
        a.close()
        b.close()

    @op("fileobject.direct", "socket._fileobject")
    def _():
        # A _fileobject over a socket it closes, made and dropped whole.
        def once():
            a, b = socket.socketpair()
            f = socket._fileobject(b, "rb", 0, True)
            a.sendall(b"line\n")
            f.readline()
            a.close()
            f.read()
            f.close()
        yield once


def getfqdn_ops():
    import socket

    @op("getfqdn", "socket.getfqdn")
    def _():
        def once():
            socket.getfqdn("127.0.0.1")   # /etc/hosts: no lookup leaves
        yield once


# -- mactcp -------------------------------------------------------------------

def mactcp_ops():
    import mactcp
    T = "mactcp.TCPStream."
    U = "mactcp.UDPStream."

    def pair(size=8192):
        server = mactcp.TCPCreate(size)
        server.PassiveOpen(0)
        client = mactcp.TCPCreate(size)
        client.ActiveOpen(0, LOOPBACK, server.GetSockName()[1])
        server.wait()
        return server, client

    @op("mactcp.interface", "mactcp.MTU", "mactcp.IPAddr", "mactcp.NetMask",
        "mactcp.error")
    def _():
        def once():
            mactcp.MTU()
            mactcp.IPAddr()
            mactcp.NetMask()
            expect(mactcp.error, mactcp.TCPCreate, 100)
        yield once

    @op("mactcp.create-delete", "mactcp.TCPCreate", "mactcp.UDPCreate",
        "mactcp.TCPStream", "mactcp.UDPStream")
    def _():
        # The driver thread starts with the first stream and stops with the
        # last, every iteration.
        def once():
            t = mactcp.TCPCreate(4096)
            u = mactcp.UDPCreate(4096, 0)
            del t, u
            expect(TypeError, mactcp.TCPCreate, "x")
            expect(OverflowError, mactcp.TCPCreate, 2 ** 64)
        yield once

    @op("mactcp.tcp-open-close", T + "PassiveOpen", T + "ActiveOpen",
        T + "wait", T + "isdone", T + "GetSockName", T + "Close",
        T + "Abort", T + "Status", "mactcp.TCPStatus")
    def _():
        anchor = mactcp.TCPCreate(4096)   # keeps the driver up

        def once():
            server, client = pair()
            server.isdone()
            client.GetSockName()
            status = client.Status()
            (status.remoteHost, status.connectionState, status.srtt)
            client.Close()
            server.Close()
            expect(mactcp.error, client.Send, b"late")
            other, peer = pair()
            other.Abort()
            expect(mactcp.error, other.Abort)
            del peer
            refused = mactcp.TCPCreate(4096)
            refused.PassiveOpen(0)
            port = refused.GetSockName()[1]
            refused.Close()
            expect(mactcp.error, refused.wait)
            expect(mactcp.error, refused.ActiveOpen, 0, LOOPBACK, port)
        yield once
        del anchor

    @op("mactcp.tcp-data", T + "Send", T + "Rcv")
    def _():
        server, client = pair()

        def once():
            client.Send(b"hello")
            server.Rcv(5)
            client.Send(b"!", 0, 1)       # urgent
            server.Rcv(5)
            expect(mactcp.error, server.Rcv, 0.001)   # commandTimeout
            expect(ValueError, server.Rcv, -1)
            expect(mactcp.error, client.Send, b"")
        yield once
        server = client = None

    @op("mactcp.asr", T + "asr", U + "asr")
    def _():
        server, client = pair()
        events = []

        def asr(*args):
            events.append(args)

        def raising(*args):
            raise ZeroDivisionError("asr")

        def once():
            del events[:]
            server.asr = asr
            client.Send(b"x")
            wait_for(lambda: events)
            server.Rcv(1)
            server.asr = raising
            # The asr's exception comes out wherever the main thread is
            # when it runs (in Send, or while waiting).
            try:
                client.Send(b"y")
                wait_for(lambda: False, 2.0)
            except ZeroDivisionError:
                pass
            except AssertionError:
                raise AssertionError("the asr's exception was not raised")
            server.asr = None
            server.Rcv(1)
            expect(TypeError, setattr, server, "asr", 5)
        yield once
        server.asr = None
        server = client = None

    @op("mactcp.udp", U + "Read", U + "Write", U + "port")
    def _():
        one = mactcp.UDPCreate(4096, 0)
        two = mactcp.UDPCreate(4096, 0)

        def once():
            one.Write(LOOPBACK, two.port, b"datagram")
            two.Read(5)
            expect(mactcp.error, two.Read, 0.001)
            expect(ValueError, two.Read, -2)
            expect(TypeError, one.Write, LOOPBACK, two.port, 5)
        yield once
        one = two = None


# -- macdnr (when it exists) --------------------------------------------------

def macdnr_ops():
    """macdnr's operations: add one @op per call, with module="macdnr"."""
    import macdnr  # noqa: F401  (the run skips this module when missing)


# -- the run ------------------------------------------------------------------

MODULES = [("_socket", [csock_ops, module_ops]),
           ("socket", [socketobject_ops, getfqdn_ops]),
           ("mactcp", [mactcp_ops]),
           ("macdnr", [macdnr_ops])]


def fd_count():
    return len(os.listdir("/proc/self/fd"))


def counters():
    gc.collect()
    if hasattr(sys, "_clear_type_cache"):
        sys._clear_type_cache()
    refs = sys.gettotalrefcount() if hasattr(sys, "gettotalrefcount") else 0
    blocks = sys.getallocatedblocks() if hasattr(sys, "getallocatedblocks") \
        else 0
    return refs, blocks, fd_count()


def measure(entry):
    """Runs one operation; returns the growth per round of (refs, blocks,
    fds), ROUNDS tuples."""
    gen = entry["function"]()
    once = next(gen)
    try:
        for _ in range(WARMUP):
            once()
        deltas = []
        for _ in range(ROUNDS):
            before = counters()
            for _ in range(entry["loops"]):
                once()
            after = counters()
            deltas.append(tuple(a - b for a, b in zip(after, before)))
        return deltas
    finally:
        gen.close()


def grows(deltas, index):
    """Growth in every round: the counter follows the iterations."""
    return all(d[index] > 0 for d in deltas)


def check_ours(name, module):
    """The module guard: the module must be this tree's (Lib/) or the
    installed classicsocket's, never the interpreter's own."""
    path = getattr(module, "__file__", None)
    if not path:
        raise SystemExit("refleak: %s is built into this interpreter: run "
                         "with 'python -m classicsocket Tools/refleak.py'"
                         % name)
    path = os.path.realpath(path)
    allowed = [os.path.realpath(LIB)]
    try:
        import classicsocket
        allowed.append(os.path.dirname(os.path.realpath(
            classicsocket.__file__)))
    except ImportError:
        pass
    if os.path.dirname(path) not in allowed:
        raise SystemExit("refleak: %s is %s, not classicsocket's" % (name,
                                                                     path))
    return path


def public_names(name, module):
    """The public operations of a module: its functions and classes, and
    the methods and attributes of its classes."""
    found = set()
    for attr in dir(module):
        if attr.startswith("__"):
            continue
        value = getattr(module, attr)
        if isinstance(value, type) and issubclass(value, BaseException):
            continue
        if not callable(value) or isinstance(value, type(sys)):
            continue
        if attr.startswith("_") and attr not in ("_socketobject",
                                                 "_fileobject",
                                                 "_closedsocket"):
            continue
        found.add("%s.%s" % (name, attr))
        if isinstance(value, type) and getattr(value, "__module__", "") in (
                name, "_socket", "mactcp", "macdnr"):
            for member in vars(value):
                if member.startswith("_") and member not in (
                        "__enter__", "__exit__", "__iter__", "__next__",
                        "_sock", "_files", "__repr__"):
                    continue
                if member in ("default_bufsize", "name"):
                    continue  # class data, not operations
                found.add("%s.%s.%s" % (name, attr, member))
    return found


def resolve(name):
    """The object a dotted public name stands for (None if not found)."""
    parts = name.split(".")
    obj = sys.modules.get(parts[0])
    for part in parts[1:]:
        if isinstance(obj, type) and part in vars(obj):
            obj = vars(obj)[part]
        else:
            obj = getattr(obj, part, None)
    return obj


def stream_types(mactcp):
    """The stream and status types, which the module does not export."""
    tcp = mactcp.TCPCreate(4096)
    udp = mactcp.UDPCreate(4096, 0)
    names = set()
    for obj, label in ((tcp, "TCPStream"), (udp, "UDPStream")):
        names.add("mactcp." + label)
        for member in dir(type(obj)):
            if not member.startswith("_"):
                names.add("mactcp.%s.%s" % (label, member))
    del tcp, udp
    names.add("mactcp.TCPStatus")
    return names


def main(argv=None):
    global ROUNDS, LOOPS
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="operations whose name contains this")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("-v", "--verbose", action="store_true")
    options = parser.parse_args(argv)
    ROUNDS = options.rounds
    debug = hasattr(sys, "gettotalrefcount")
    print("refleak: %s %s" % (sys.executable, sys.version.split()[0]))
    if not debug:
        print("refleak: not a debug build: references are not counted, "
              "only %sdescriptors" % ("memory blocks and " if hasattr(
                  sys, "getallocatedblocks") else ""))
    status = 0
    covered = set()
    public = set()
    for module_name, registrars in MODULES:
        try:
            module = __import__(module_name)
        except ImportError as exc:
            print("refleak: module %s skipped: %s" % (module_name, exc))
            continue
        print("refleak: %s from %s" % (module_name,
                                       check_ours(module_name, module)))
        public |= public_names(module_name, module)
        if module_name == "mactcp":
            public |= stream_types(module)
        before = len(OPS)
        for registrar in registrars:
            registrar()
        for entry in OPS[before:]:
            entry["module"] = entry["module"] or module_name
    if options.list:
        for entry in OPS:
            print("%-32s %s" % (entry["name"], " ".join(entry["covers"])))
        return 0
    import socket
    import _socket
    for entry in OPS:
        covered.update(entry["covers"])
    # socket re-exports _socket's functions: one operation covers both.
    for name in list(public):
        if name.startswith("socket."):
            attr = name.split(".")[1]
            if getattr(socket, attr, None) is getattr(_socket, attr, 0):
                covered.add(name)
            if "." in name[len("socket."):]:
                covered.add(name)  # methods of _socket's types, seen there
    # Aliases (SocketType is socket) are covered through their object.
    covered_objects = [resolve(name) for name in covered]
    missing = sorted(name for name in public - covered
                     if not any(resolve(name) is obj
                                for obj in covered_objects))
    if missing:
        print("refleak: FAIL: public names no operation calls: %s"
              % ", ".join(missing))
        status = 1
    started = time.time()
    threads = threading.active_count()
    results = []
    for entry in OPS:
        if options.only and options.only not in entry["name"]:
            continue
        try:
            deltas = measure(entry)
        except Exception as exc:
            print("refleak: FAIL %s raised %s: %s" % (entry["name"],
                                                      type(exc).__name__, exc))
            status = 1
            continue
        leaks = [label for index, label in enumerate(("references", "blocks",
                                                      "descriptors"))
                 if grows(deltas, index) and (index or debug)]
        known = KNOWN.get(entry["name"])
        if leaks and known:
            verdict = "grows (known: %s)" % known
        elif leaks:
            verdict = "LEAK"
            status = 1
        elif known and debug:
            verdict = "0 growth: now fixed, take it off KNOWN"
        else:
            verdict = "0 growth"
        results.append((entry["name"], deltas, leaks, verdict))
        line = "%-30s %s" % (entry["name"], verdict)
        if leaks or options.verbose:
            line += "  refs %s blocks %s fds %s per %d iterations" % tuple(
                [[d[i] for d in deltas] for i in range(3)] + [entry["loops"]])
        print(line)
        sys.stdout.flush()
    if threading.active_count() > threads:
        print("refleak: FAIL: threads left running")
        status = 1
    grew = [r for r in results if r[2]]
    print("refleak: %d operations in %.0f s: %d without growth, %d growing "
          "(%d of them known)" % (len(results), time.time() - started,
                                  len(results) - len(grew), len(grew),
                                  len([r for r in grew if KNOWN.get(r[0])])))
    return status


if __name__ == "__main__":
    sys.exit(main())

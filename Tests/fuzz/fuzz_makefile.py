"""Target `makefile`: file objects from makefile() and _fileobject() in
every mode and buffer size (0, 1, small, default, negative, huge), with
reads, readline/readlines with size hints, readinto, iteration, writes,
writelines, flush and close in any order, the socket closed, replaced
(_sock), switched between blocking, timeout and nonblocking mode under
them, and a peer that sends lines, partial lines or closes."""
from __future__ import print_function

from fuzzlib import (FuzzFailure, Helper, hostile_value, may_block, open_socket, pick_interrupt,
                     random_buffer, random_bytes, random_size, socket_errors)

MODES = ["r", "rb", "w", "wb", "r+b", "rw", "a", "", "x", "rb\x00",
         u"r", b"rb"]
SIZES = [-1, 0, 1, 2, 3, 7, 64, 8192, 65536, -2, 2 ** 31, 2 ** 63 - 1]


class Recorder(object):
    """A stand-in _sock of Python code: recv/sendall forwarded to a real
    socket, sometimes failing in odd ways."""

    def __init__(self, rng, sock):
        self.rng = rng
        self.sock = sock

    def recv(self, size):
        choice = self.rng.random()
        if choice < 0.05:
            return u"text, not bytes"
        if choice < 0.1:
            return None
        if choice < 0.13:
            raise ZeroDivisionError("hostile recv")
        return self.sock.recv(size)

    def sendall(self, data):
        if self.rng.random() < 0.1:
            raise ZeroDivisionError("hostile sendall")
        return self.sock.sendall(data)

    def close(self):
        self.sock.close()

    def fileno(self):
        return self.sock.fileno()


def new_file(case, sock):
    import socket
    rng = case.rng
    mode = rng.choice(MODES)
    size = rng.choice(SIZES)
    if rng.random() < 0.7 and hasattr(sock, "makefile"):
        args = [mode, size][:rng.randint(0, 2)]
        ok, got = case.call("makefile", sock.makefile, *args)
    else:
        target = sock if rng.random() < 0.6 else Recorder(rng, sock)
        args = [target, mode, size, rng.choice([True, False, 0, 2, None])]
        ok, got = case.call("_fileobject", socket._fileobject,
                            *args[:rng.randint(1, 4)])
    return case.keep(got) if ok else None


def file_call(case, f, sock):
    rng = case.rng
    name = rng.choice(["read", "read", "readline", "readline", "readlines",
                       "readinto", "write", "write", "writelines", "flush",
                       "close", "next", "iter", "fileno", "attrs"])
    blocking = may_block(sock)
    if name in ("read", "readline"):
        args = [] if rng.random() < 0.3 else [random_size(rng)
                                              if rng.random() < 0.5
                                              else rng.choice([0, 1, 5, 100])]
    elif name == "readlines":
        args = [] if rng.random() < 0.5 else [random_size(rng)]
    elif name == "readinto":
        args = [random_buffer(rng, rng.choice([0, 1, 10, 5000]),
                              writable=True)
                if rng.random() < 0.9 else hostile_value(rng)]
    elif name == "write":
        args = [random_buffer(rng, rng.choice([1, 100, 20000]))
                if rng.random() < 0.85 else hostile_value(rng)]
    elif name == "writelines":
        args = [[random_bytes(rng, 50) for _ in range(rng.randint(0, 4))]
                if rng.random() < 0.8 else hostile_value(rng)]
    else:
        args = []
    if name == "next":
        method = getattr(f, "next", None) or getattr(f, "__next__")
        try:
            case.call("file.next", method, _interrupt=pick_interrupt(rng,
                                                                     blocking))
        except FuzzFailure as exc:
            if "StopIteration" not in str(exc).split("\n")[0]:
                raise  # the end of the file ends iteration; nothing else
        return
    if name == "iter":
        def first_lines():
            count = 0
            for _line in f:
                count += 1
                if count >= 3:
                    break
        case.call("iter(file)", first_lines,
                  _interrupt=pick_interrupt(rng, blocking))
        return
    if name == "attrs":
        for attr in ("closed", "mode", "name", "bufsize", "softspace",
                     "_sock", "_rbufsize", "_wbufsize", "_close"):
            case.call("file." + attr, getattr, f, attr, None)
        if rng.random() < 0.3:
            case.call("file.softspace=", setattr, f, "softspace",
                      hostile_value(rng))
        return
    method = getattr(f, name, None)
    if method is None:      # 3.x's text files (io.TextIOWrapper): no readinto
        return
    case.call("file.%s" % name, method, *args,
              _interrupt=pick_interrupt(rng, blocking and
                                        name not in ("close", "fileno")))


def concurrent(case, f, sock, peer):
    """Another thread closes the socket or the file, or changes the
    socket's mode, while this one reads or writes the file."""
    rng = case.rng
    delay = rng.choice([0, 0.001, 0.005])
    what = rng.choice(["sock.close", "file.close", "settimeout",
                       "setblocking", "peer.sendall"])
    if what == "sock.close":
        action = (delay, what, sock.close, ())
    elif what == "file.close":
        action = (delay, what, f.close, ())
    elif what == "settimeout":
        action = (delay, what, sock.settimeout, (rng.choice([0.0, 0.01]),))
    elif what == "setblocking":
        action = (delay, what, sock.setblocking, (0,))
    elif peer is not None:
        action = (delay, what, peer.send, (b"line\n" * 50, 0x40))
    else:
        action = (delay, "sock.close", sock.close, ())
    Helper(case, [action])
    name = rng.choice(["read", "readline", "readlines", "write", "flush"])
    args = (b"w" * rng.choice([1, 9000]),) if name == "write" else ()
    case.call("file.%s" % name, getattr(f, name), *args,
              _interrupt=pick_interrupt(rng, True))


def peer_action(case, peer):
    rng = case.rng
    choice = rng.random()
    if choice < 0.6:
        lines = [random_bytes(rng, 30) + b"\n" for _ in range(rng.randint(0, 5))]
        tail = random_bytes(rng, 30) if rng.random() < 0.5 else b""
        case.call("peer.sendall", peer.sendall, b"".join(lines) + tail,
                  _interrupt=pick_interrupt(rng, may_block(peer)))
    elif choice < 0.75:
        case.call("peer.sendall", peer.sendall,
                  b"y" * rng.choice([1, 8191, 8192, 8193, 100000]),
                  _interrupt=pick_interrupt(rng, may_block(peer)))
    elif choice < 0.85:
        case.call("peer.recv", peer.recv, 1 << 20,
                  _interrupt=pick_interrupt(rng, may_block(peer)))
    elif choice < 0.95:
        case.call("peer.shutdown", peer.shutdown, rng.choice([0, 1, 2]))
    else:
        case.call("peer.close", peer.close)


def run_case(case):
    rng = case.rng
    case.expected = socket_errors()
    sock, peer = open_socket(case, rng.choice(["conn", "unixpair", "dup",
                                               "fromfd", "pair_of_c",
                                               "closed", "unixpair"]))
    if peer is not None:
        peer.settimeout(rng.choice([0.0, 0.01, 0.05]))
    files = [f for f in (new_file(case, sock) for _ in range(rng.randint(1, 3)))
             if f is not None]
    for _ in range(rng.randint(1, 14)):
        what = rng.random()
        if what < 0.55 and files:
            file_call(case, rng.choice(files), sock)
        elif what < 0.75 and peer is not None:
            peer_action(case, peer)
        elif what < 0.79:
            case.call("settimeout", sock.settimeout,
                      rng.choice([0.0, 0.001, 0.02, None]))
        elif what < 0.82 and files:
            concurrent(case, rng.choice(files), sock, peer)
        elif what < 0.86:
            case.call("sock.close", sock.close)
        elif what < 0.9 and files:
            f = rng.choice(files)
            # 2.7's test suite replaces a file's _sock; so may users.
            value = rng.choice([sock, peer, None, hostile_value(rng),
                                Recorder(rng, sock)])
            ok, _ = case.call("file._sock=", setattr, f, "_sock", value)
            if ok and not hasattr(value, "recv"):
                # Its calls then fail as 2.7's Python class's did.
                case.expected += (AttributeError,)
        elif what < 0.94 and files:
            f = files.pop(rng.randrange(len(files)))
            if rng.random() < 0.5:
                case.resources.remove(f)
                del f  # collected without close()
        else:
            f = new_file(case, sock)
            if f is not None:
                files.append(f)

"""Python 3.8+: the audit events (PEP 578, sys.addaudithook) of socket.

The same script runs in a child interpreter on our Lib/ and in one on the
standard library's socket; each prints, per call, what the call returned
and the socket.* events its hook saw.  The two outputs must be equal: the
event names, their arguments and the point at which they are raised (a
call that fails on its arguments raises none).  In "stop" mode the hook
raises at every socket.* event and the script prints what the aborted call
left behind (descriptors, binding, connection, data sent, host name): the
call must stop before it acts, on ours as on the standard library's.

The hook always raises at socket.sethostname, so that the tests never
change this machine's host name (they run as root in some containers)."""
from __future__ import print_function

import subprocess
import sys

import pytest

import support

if not support.PY3 or sys.version_info < (3, 8):
    pytest.skip("audit hooks are Python 3.8+", allow_module_level=True)

SCRIPT = r'''
import _socket, errno, os, socket, sys

MODE = sys.argv[1]
PORTS = {}
events = []


class Stop(Exception):
    pass


def norm(obj):
    if isinstance(obj, _socket.socket):
        return "<socket>"
    if isinstance(obj, tuple):
        return tuple(norm(x) for x in obj)
    if isinstance(obj, int) and obj in PORTS:
        return PORTS[obj]
    return obj


def hook(event, args):
    if not event.startswith("socket."):
        return
    events.append((event, norm(args)))
    if MODE == "stop" or event == "socket.sethostname":
        raise Stop(event)


def fds():
    return len(os.listdir("/proc/self/fd"))


def case(label, fn):
    del events[:]
    try:
        result = norm(fn())
        if isinstance(result, socket.socket):
            result.close()
        result = "->" if MODE == "record" else result
    except Exception as e:
        result = type(e).__name__
    print(label, result, events, sep=" | ", flush=True)


srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0)
srv.bind(("127.0.0.1", 0))
srv.listen(5)
srv.settimeout(20)
PORTS[srv.getsockname()[1]] = "TCP_PORT"
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, 0)
udp.bind(("127.0.0.1", 0))
udp.setblocking(False)
UDP = udp.getsockname()
PORTS[UDP[1]] = "UDP_PORT"
TCP = srv.getsockname()
sys.addaudithook(hook)

if MODE == "record":
    case("new", lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0))
    case("new udp", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM,
                                          0))
    case("new raw _socket", lambda: socket._socket.socket())
    case("new _socket bad family", lambda: socket._socket.socket(12345))
    case("new _socket negative fileno",
         lambda: socket._socket.socket(fileno=-1))
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0)
    case("bind", lambda: c.bind(("127.0.0.1", 0)))
    case("bind bad", lambda: c.bind(("127.0.0.1", "x")))
    case("connect", lambda: c.connect(TCP))
    held = []       # the accepted ends stay open: no EPIPE by timing
    case("accept", lambda: held.append(srv.accept()[0]))
    c2 = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0)
    case("connect_ex", lambda: c2.connect_ex(TCP))
    case("connect bad", lambda: c2.connect(("127.0.0.1", "x")))
    held.append(srv.accept()[0])
    case("send", lambda: c.send(b"x"))
    case("sendall", lambda: c.sendall(b"x"))
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, 0)
    case("sendto", lambda: u.sendto(b"x", UDP))
    case("sendto flags", lambda: u.sendto(b"x", 0, UDP))
    case("sendto bad address", lambda: u.sendto(b"x", ("127.0.0.1", "p")))
    case("sendto bad data", lambda: u.sendto("x", UDP))
    case("sendmsg", lambda: u.sendmsg([b"x"], [], 0, UDP))
    case("sendmsg no address", lambda: c.sendmsg([b"x"]))
    case("sendmsg bad data", lambda: u.sendmsg(["x"], [], 0, UDP))
    case("sendmsg bad address", lambda: u.sendmsg([b"x"], [], 0, ("a", "p")))
    case("recvfrom", lambda: udp.recvfrom(10))
    case("getaddrinfo", lambda: socket.getaddrinfo(
        "localhost", 80, socket.AF_INET, socket.SOCK_STREAM, 6, 0))
    case("getaddrinfo service", lambda: socket.getaddrinfo("127.0.0.1",
                                                           "http"))
    case("getaddrinfo bytes", lambda: socket.getaddrinfo(b"127.0.0.1", b"80"))
    case("getaddrinfo none", lambda: socket.getaddrinfo(None, 0))
    case("getaddrinfo keywords", lambda: socket.getaddrinfo(
        host="127.0.0.1", port=None, type=socket.SOCK_DGRAM))
    case("getaddrinfo bad port", lambda: socket.getaddrinfo("localhost", 1.5))
    case("getaddrinfo bad host", lambda: socket.getaddrinfo(5, 80))
    case("gethostbyname", lambda: socket.gethostbyname("localhost"))
    case("gethostbyname bytes", lambda: socket.gethostbyname(b"127.0.0.1"))
    case("gethostbyname bad", lambda: socket.gethostbyname(5))
    case("gethostbyname_ex", lambda: socket.gethostbyname_ex("localhost"))
    case("gethostbyname_ex bad", lambda: socket.gethostbyname_ex(5))
    case("gethostbyaddr", lambda: socket.gethostbyaddr("127.0.0.1"))
    case("gethostbyaddr bad", lambda: socket.gethostbyaddr(5))
    case("getfqdn", lambda: socket.getfqdn("localhost"))
    case("gethostname", lambda: socket.gethostname())
    case("sethostname", lambda: socket.sethostname("x"))
    case("sethostname bytes", lambda: socket.sethostname(b"x"))
    case("sethostname bad", lambda: socket.sethostname(5))
    case("getnameinfo", lambda: socket.getnameinfo(("127.0.0.1", 80), 0))
    case("getnameinfo 6", lambda: socket.getnameinfo(("::1", 80, 0, 0), 0))
    case("getnameinfo bad", lambda: socket.getnameinfo(("127.0.0.1",), 0))
    case("getnameinfo bad flags", lambda: socket.getnameinfo(
        ("127.0.0.1", 80), "x"))
    case("getservbyname", lambda: socket.getservbyname("http", "tcp"))
    case("getservbyname no proto", lambda: socket.getservbyname("http"))
    case("getservbyname unknown", lambda: socket.getservbyname("nosuchsvc",
                                                               "tcp"))
    case("getservbyname bad", lambda: socket.getservbyname(5))
    case("getservbyport", lambda: socket.getservbyport(80, "tcp"))
    case("getservbyport no proto", lambda: socket.getservbyport(80))
    case("getservbyport bad", lambda: socket.getservbyport(70000))
    case("create_connection", lambda: socket.create_connection(TCP))
    held.append(srv.accept()[0])
    case("socketpair", lambda: [x.close() for x in socket.socketpair()])
    case("fromfd", lambda: socket.fromfd(c.fileno(), socket.AF_INET,
                                         socket.SOCK_STREAM))
    case("dup", lambda: c.dup())
    case("fileno", lambda: socket.socket(fileno=os.dup(c.fileno())))
    case("if_nameindex", lambda: len(socket.if_nameindex()) > 0)
    case("close", lambda: c.close())
else:
    before = fds()
    case("new", lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0))
    case("new _socket", lambda: socket._socket.socket())
    print("new: descriptors left", fds() - before)
    sys.addaudithook(lambda e, a: None)     # a second hook: no difference
    MODE = "record"
    b = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0)
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, 0)
    MODE = "stop"
    case("bind", lambda: b.bind(("127.0.0.1", 0)))
    print("bind: port", b.getsockname()[1])
    case("connect", lambda: c.connect(TCP))
    case("connect_ex", lambda: c.connect_ex(TCP))
    try:
        c.getpeername()
    except OSError as e:
        print("connect: getpeername", errno.errorcode[e.errno])
    case("sendto", lambda: u.sendto(b"x", UDP))
    case("sendmsg", lambda: u.sendmsg([b"x"], [], 0, UDP))
    try:
        print("sendto: received", udp.recvfrom(10))
    except BlockingIOError:
        print("sendto: nothing received")
    for label, fn in [
            ("getaddrinfo", lambda: socket.getaddrinfo("localhost", 80)),
            ("gethostbyname", lambda: socket.gethostbyname("localhost")),
            ("gethostbyname_ex", lambda: socket.gethostbyname_ex("localhost")),
            ("gethostbyaddr", lambda: socket.gethostbyaddr("127.0.0.1")),
            ("gethostname", lambda: socket.gethostname()),
            ("sethostname", lambda: socket.sethostname("x")),
            ("getnameinfo", lambda: socket.getnameinfo(("127.0.0.1", 80), 0)),
            ("getservbyname", lambda: socket.getservbyname("http", "tcp")),
            ("getservbyport", lambda: socket.getservbyport(80, "tcp")),
            ("create_connection", lambda: socket.create_connection(TCP))]:
        case(label, fn)
    print("all: descriptors left", fds() - before - 3)
'''


def run(mode, ours):
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, mode], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=support.our_env() if ours else support.other_interpreter_env())
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err.decode("utf-8", "replace")
    return out.decode().splitlines()


def check_same(mode):
    ours = run(mode, True)
    theirs = run(mode, False)
    # line by line, so that a failure names the call
    for mine, std in zip(ours, theirs):
        assert mine == std
    assert len(ours) == len(theirs)
    return ours


def test_events_are_the_standard_library_ones():
    lines = check_same("record")
    text = "\n".join(lines)
    for event in ("__new__", "bind", "connect", "sendto", "sendmsg",
                  "getaddrinfo", "gethostbyname", "gethostbyaddr",
                  "gethostname", "sethostname", "getnameinfo",
                  "getservbyname", "getservbyport"):
        assert "'socket.%s'" % event in text, event


def test_a_raising_hook_stops_each_call():
    lines = check_same("stop")
    assert "new: descriptors left 0" in lines
    assert "bind: port 0" in lines
    assert "connect: getpeername ENOTCONN" in lines
    assert "sendto: nothing received" in lines
    assert "all: descriptors left 0" in lines
    stopped = [line.split(" | ") for line in lines if " | " in line]
    assert len(stopped) == 17
    assert [call for call, result, _ in stopped if result != "Stop"] == []


# socket.socket(family, type): the Python class puts in the defaults before
# the C type sees them, as the standard library's does; the event shows them.
def test_new_event_with_the_defaults_of_python_socket():
    code = ("import socket, sys\n"
            "seen = []\n"
            "sys.addaudithook(lambda e, a: seen.append(a[1:])"
            " if e == 'socket.__new__' else None)\n"
            "socket.socket().close()\n"
            "socket.socket(socket.AF_INET6).close()\n"
            "print(seen)\n")
    ours = subprocess.check_output([sys.executable, "-c", code],
                                   env=support.our_env())
    theirs = subprocess.check_output([sys.executable, "-c", code],
                                     env=support.other_interpreter_env())
    assert ours == theirs

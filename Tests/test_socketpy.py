"""The Python layer Lib/socket.py: socket objects wrapping the C socket
(delegation, close, accept, dup, context manager), fromfd/socketpair,
getfqdn, create_connection, and the module's names against Python 2.7's
socket module.

Peers on the other end of a connection are child processes running the
standard library's socket module (support.Peer)."""
from __future__ import print_function

import errno
import json
import os
import subprocess
import sys
import weakref

import pytest

import _socket
import socket

import support

PY27 = "/root/.pyenv/versions/2.7.18/bin/python"

# A stdlib client: connects to the port in argv[1], reports its own address,
# sends 'ping', then echoes whatever it receives until EOF.
ECHO_CLIENT = r"""
import socket, sys
c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
c.settimeout(30)
c.connect(('127.0.0.1', int(sys.argv[1])))
print('READY %d' % c.getsockname()[1])
sys.stdout.flush()
c.sendall(b'ping')
while True:
    data = c.recv(65536)
    if not data:
        break
    c.sendall(data)
c.close()
"""

# A stdlib server for one connection: prints its port, then reports the
# address of the client and echoes until EOF.
ECHO_SERVER = r"""
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(('127.0.0.1', 0))
s.listen(1)
print('READY %d' % s.getsockname()[1])
sys.stdout.flush()
c, addr = s.accept()
s.close()
c.settimeout(30)
print('PEER %s %d' % addr)
sys.stdout.flush()
while True:
    data = c.recv(65536)
    if not data:
        break
    c.sendall(data)
c.close()
"""

# A stdlib server that takes connections one after the other (as many as
# argv[1] says), staying silent on each until the client closes it.
SILENT_SERVER = r"""
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(('127.0.0.1', 0))
s.listen(5)
print('READY %d' % s.getsockname()[1])
sys.stdout.flush()
for _ in range(int(sys.argv[1])):
    c, addr = s.accept()
    c.settimeout(30)
    while c.recv(1024):
        pass
    c.close()
s.close()
"""


def recv_exactly(sock, size):
    chunks = []
    while size:
        data = sock.recv(size)
        if not data:
            break
        chunks.append(data)
        size -= len(data)
    return b"".join(chunks)


def finish(peer):
    """Waits for a peer to end; it must succeed."""
    try:
        status, out, err = peer.finish()
    except BaseException:
        peer.close()
        raise
    assert status == 0, err
    return out


@pytest.fixture
def listener():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    yield s
    s.close()


# -- the socket object --------------------------------------------------------

def test_socket_is_the_wrapper_class():
    assert socket.socket is socket.SocketType is socket._socketobject
    assert socket._realsocket is _socket.socket
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        assert type(s) is socket._socketobject
        assert type(s._sock) is _socket.socket
        assert isinstance(s, socket.SocketType)
        assert socket.socket.__doc__ == _socket.socket.__doc__
        ref = weakref.ref(s)
        assert ref() is s
    finally:
        s.close()


def test_defaults_and_keyword_arguments():
    s = socket.socket()
    try:
        assert (s.family, s.type, s.proto) == (socket.AF_INET,
                                               socket.SOCK_STREAM, 0)
    finally:
        s.close()
    s = socket.socket(family=socket.AF_UNIX, type=socket.SOCK_DGRAM)
    try:
        assert (s.family, s.type) == (socket.AF_UNIX, socket.SOCK_DGRAM)
        assert s.family == s._sock.family and s.type == s._sock.type
        assert s.proto == s._sock.proto
    finally:
        s.close()


def test_wrapping_an_existing_c_socket():
    raw = _socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s = socket.socket(_sock=raw)
    try:
        assert s._sock is raw
        assert s.fileno() == raw.fileno()
        assert s.type == socket.SOCK_DGRAM
    finally:
        s.close()
    assert raw.fileno() == -1 or _closed_fd(raw)


def _closed_fd(raw):
    try:
        raw.fileno()
    except socket.error:
        return True
    return False


def test_data_methods_are_the_c_sockets_own():
    s = socket.socket()
    try:
        for name in socket._delegate_methods:
            method = getattr(s, name)
            assert method.__self__ is s._sock, name
            assert method.__name__ == name
        assert set(socket._delegate_methods) == set(
            ["recv", "recvfrom", "recv_into", "recvfrom_into", "send",
             "sendto"])
    finally:
        s.close()


def test_other_methods_delegate_with_the_c_docstrings():
    for name in socket._socketmethods:
        method = getattr(socket.socket, name)
        assert method.__name__ == name
        assert method.__doc__ == getattr(_socket.socket, name).__doc__


def test_delegated_methods_work_against_a_stdlib_peer(listener):
    port = listener.getsockname()[1]
    peer = support.Peer(ECHO_CLIENT, [port])
    try:
        conn, addr = listener.accept()
        try:
            assert addr == ("127.0.0.1", int(peer.ready))
            assert conn.getpeername() == addr
            assert conn.getsockname() == ("127.0.0.1", port)
            assert conn.fileno() >= 0
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            assert conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
            conn.settimeout(20.0)
            assert conn.gettimeout() == pytest.approx(20.0)
            assert recv_exactly(conn, 4) == b"ping"
            assert conn.send(b"abc") == 3
            assert recv_exactly(conn, 3) == b"abc"
            conn.sendall(b"x" * 100000)
            assert recv_exactly(conn, 100000) == b"x" * 100000
            buf = bytearray(5)
            conn.sendall(b"hello")
            got = 0
            while got < 5:
                got += conn.recv_into(memoryview(buf)[got:])
            assert bytes(buf) == b"hello"
            conn.sendall(b"there")
            data, who = conn.recvfrom(5)
            assert data and b"there".startswith(data)
            conn.shutdown(socket.SHUT_WR)
            rest = b"".join(iter(lambda: conn.recv(100), b""))
            assert data + rest == b"there"
        finally:
            conn.close()
    finally:
        finish(peer)


# -- close --------------------------------------------------------------------

def _ebadf(call, *args):
    with pytest.raises(socket.error) as info:
        call(*args)
    assert info.value.args[0] == errno.EBADF
    assert info.value.args[1] == "Bad file descriptor"


def test_close_makes_every_method_fail_with_ebadf():
    a, b = socket.socketpair()
    try:
        fd = a.fileno()
        a.close()
        for name in ("recv", "recv_into", "recvfrom", "recvfrom_into"):
            _ebadf(getattr(a, name), 1)
        _ebadf(a.send, b"x")
        _ebadf(a.sendto, b"x", "/nonexistent")
        _ebadf(a.sendall, b"x")
        _ebadf(a.fileno)
        _ebadf(a.getsockname)
        _ebadf(a.setsockopt, socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        _ebadf(a.settimeout, 1.0)
        _ebadf(a.accept)
        _ebadf(a.dup)
        _ebadf(a.makefile)
        _ebadf(getattr, a, "family")
        a.close()  # a second close is harmless
        # The descriptor itself is closed: the other end sees EOF.
        assert b.recv(10) == b""
        with pytest.raises(OSError) as info:
            os.fstat(fd)
        assert info.value.errno == errno.EBADF
    finally:
        b.close()


def test_close_after_the_data_methods_were_used():
    # The data methods are bound on first use; close() must replace those
    # already bound as well as keep the others failing.
    a, b = socket.socketpair()
    try:
        raw = a._sock
        a.send(b"x")
        assert b.recv(1) == b"x"
        b.send(b"y")
        assert a.recv(1) == b"y"
        assert a.send.__self__ is raw and a.recv.__self__ is raw
        a.close()
        for name in ("recv", "recv_into", "recvfrom", "recvfrom_into"):
            method = getattr(a, name)
            assert getattr(method, "__self__", None) is not raw
            _ebadf(method, 1)
        _ebadf(a.send, b"x")
        _ebadf(a.sendto, b"x", "/nonexistent")
        assert b.recv(10) == b""
    finally:
        b.close()


def test_missing_attributes_raise_attribute_error():
    s = socket.socket()
    try:
        assert not hasattr(s, "no_such_method")
        with pytest.raises(AttributeError) as info:
            s.no_such_method
        assert "no_such_method" in str(info.value)
        s.close()
        assert not hasattr(s, "no_such_method")
    finally:
        s.close()


def test_context_manager_closes():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        assert s.fileno() >= 0
    _ebadf(s.fileno)


# -- accept, dup --------------------------------------------------------------

def test_accept_returns_a_wrapped_socket(listener):
    peer = support.Peer(ECHO_CLIENT, [listener.getsockname()[1]])
    try:
        conn, addr = listener.accept()
        try:
            assert type(conn) is socket.socket
            assert addr[0] == "127.0.0.1"
            assert recv_exactly(conn, 4) == b"ping"
            f = conn.makefile("rb")
            conn.sendall(b"line\n")
            assert f.readline() == b"line\n"
            f.close()
        finally:
            conn.close()
    finally:
        finish(peer)


def test_dup_is_an_independent_descriptor():
    a, b = socket.socketpair()
    try:
        a.settimeout(7.5)
        c = a.dup()
        try:
            assert type(c) is socket.socket
            assert c.fileno() != a.fileno()
            assert (c.family, c.type) == (a.family, a.type)
            assert c.gettimeout() == a.gettimeout() == pytest.approx(7.5)
            a.close()
            # c still works, and the connection is still open.
            c.sendall(b"via dup")
            assert recv_exactly(b, 7) == b"via dup"
            b.sendall(b"back")
            assert recv_exactly(c, 4) == b"back"
        finally:
            c.close()
        assert b.recv(1) == b""
    finally:
        b.close()


def test_subclass_can_replace_the_data_methods():
    # What Python 2.7's ssl.SSLSocket does: share the C socket, then drop
    # the per-object data methods so that its own class's methods apply.
    class Wrapped(socket.socket):
        def __init__(self, sock):
            socket.socket.__init__(self, _sock=sock._sock)
            for name in socket._delegate_methods:
                try:
                    delattr(self, name)
                except AttributeError:
                    pass

        def recv(self, size, flags=0):
            return self._sock.recv(size, flags).upper()

    a, b = socket.socketpair()
    try:
        w = Wrapped(a)
        b.sendall(b"quiet")
        assert recv_exactly(w, 5) == b"QUIET"
        assert w.fileno() == a.fileno()
        w.close()
        assert b.recv(1) == b""
    finally:
        b.close()


# -- fromfd, socketpair -------------------------------------------------------

def test_socketpair_returns_wrapped_sockets():
    a, b = socket.socketpair()
    try:
        for s in (a, b):
            assert type(s) is socket.socket
            assert s.family == socket.AF_UNIX
            assert s.type == socket.SOCK_STREAM
        a.sendall(b"one")
        assert recv_exactly(b, 3) == b"one"
    finally:
        a.close()
        b.close()
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        assert a.type == socket.SOCK_DGRAM
        a.send(b"datagram")
        assert b.recv(100) == b"datagram"
    finally:
        a.close()
        b.close()


def test_fromfd_returns_a_wrapped_socket_on_a_new_descriptor():
    a, b = socket.socketpair()
    try:
        c = socket.fromfd(a.fileno(), socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            assert type(c) is socket.socket
            assert c.fileno() != a.fileno()
            c.sendall(b"from fd")
            assert recv_exactly(b, 7) == b"from fd"
            f = c.makefile("rb")
            b.sendall(b"a line\n")
            assert f.readline() == b"a line\n"
            f.close()
        finally:
            c.close()
        # a's descriptor was not taken over.
        a.sendall(b"still")
        assert recv_exactly(b, 5) == b"still"
    finally:
        a.close()
        b.close()


# -- getfqdn ------------------------------------------------------------------

def test_getfqdn_matches_the_standard_library():
    names = ["", "localhost", "127.0.0.1", "  localhost  ", "0.0.0.0"]
    code = ("import json, socket, sys\n"
            "print(json.dumps([socket.getfqdn(n) for n in "
            "json.loads(sys.argv[1])]))\n")
    out = subprocess.check_output([sys.executable, "-c", code,
                                   json.dumps(names)],
                                  env=support.stdlib_env())
    expected = json.loads(out.decode("ascii"))
    assert [socket.getfqdn(n) for n in names] == expected
    assert socket.getfqdn() == socket.getfqdn("")


def test_getfqdn_picks_the_first_name_with_a_dot(monkeypatch):
    answers = {}
    asked = []

    def gethostbyaddr(name):
        asked.append(name)
        if name not in answers:
            raise socket.herror(1, "Unknown host")
        return answers[name]

    monkeypatch.setattr(socket, "gethostbyaddr", gethostbyaddr)
    monkeypatch.setattr(socket, "gethostname", lambda: "thishost")
    answers["a"] = ("a", ["b", "c.example", "d.example"], ["10.0.0.1"])
    assert socket.getfqdn("a") == "c.example"
    answers["a"] = ("a.example.org", ["b.example"], ["10.0.0.1"])
    assert socket.getfqdn(" a ") == "a.example.org"
    answers["a"] = ("a", ["b"], ["10.0.0.1"])
    assert socket.getfqdn("a") == "a"
    answers["x"] = ("primary", [], [])
    assert socket.getfqdn("x") == "primary"
    # A failed lookup gives back the name; '' and 0.0.0.0 mean this host.
    assert socket.getfqdn("unknown") == "unknown"
    assert socket.getfqdn() == "thishost"
    answers["thishost"] = ("thishost.example.net", [], [])
    assert socket.getfqdn("0.0.0.0") == "thishost.example.net"
    assert asked[-1] == "thishost"


# -- create_connection --------------------------------------------------------

def test_create_connection_to_a_stdlib_server():
    peer = support.Peer(ECHO_SERVER)
    try:
        s = socket.create_connection(("127.0.0.1", peer.port))
        try:
            assert type(s) is socket.socket
            assert s.getpeername() == ("127.0.0.1", peer.port)
            assert s.gettimeout() is None
            s.sendall(b"echo me")
            assert recv_exactly(s, 7) == b"echo me"
            line = peer.readline()
            assert line == "PEER 127.0.0.1 %d" % s.getsockname()[1]
        finally:
            s.close()
    finally:
        finish(peer)


def test_create_connection_by_name():
    peer = support.Peer(ECHO_SERVER)
    try:
        s = socket.create_connection(("localhost", peer.port), 10)
        try:
            assert s.getpeername()[1] == peer.port
            assert s.gettimeout() == pytest.approx(10.0)
        finally:
            s.close()
    finally:
        finish(peer)


def test_create_connection_source_address():
    peer = support.Peer(ECHO_SERVER)
    try:
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        s = socket.create_connection(("127.0.0.1", peer.port),
                                     source_address=("127.0.0.1", port))
        try:
            assert s.getsockname() == ("127.0.0.1", port)
            assert peer.readline() == "PEER 127.0.0.1 %d" % port
        finally:
            s.close()
    finally:
        finish(peer)


def test_create_connection_timeouts():
    old = socket.getdefaulttimeout()
    peer = support.Peer(SILENT_SERVER, [3])
    try:
        socket.setdefaulttimeout(3.0)
        try:
            s = socket.create_connection(("127.0.0.1", peer.port))
            assert s.gettimeout() == pytest.approx(3.0)
            s.close()
            # An explicit None means blocking, whatever the default.
            s = socket.create_connection(("127.0.0.1", peer.port), None)
            assert s.gettimeout() is None
            s.close()
        finally:
            socket.setdefaulttimeout(old)
        s = socket.create_connection(("127.0.0.1", peer.port), 0.05)
        try:
            assert s.gettimeout() == pytest.approx(0.05)
            with pytest.raises(socket.timeout):
                s.recv(10)
        finally:
            s.close()
    finally:
        finish(peer)


def _refused_port():
    """A port on which nothing listens, kept bound (not listening) so that
    no one else takes it while it is used."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    return s, s.getsockname()[1]


def test_create_connection_refused():
    holder, port = _refused_port()
    try:
        with pytest.raises(socket.error) as info:
            socket.create_connection(("127.0.0.1", port))
        assert info.value.args[0] == errno.ECONNREFUSED
    finally:
        holder.close()


def test_create_connection_tries_each_address(monkeypatch):
    holder, dead = _refused_port()
    peer = support.Peer(ECHO_SERVER)
    try:
        asked = []

        def getaddrinfo(host, port, family=0, socktype=0, proto=0, flags=0):
            asked.append((host, port, family, socktype))
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "",
                     ("127.0.0.1", dead)),
                    (socket.AF_INET, socket.SOCK_STREAM, 6, "",
                     ("127.0.0.1", peer.port))]

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        s = socket.create_connection(("somewhere", 1234))
        try:
            assert s.getpeername() == ("127.0.0.1", peer.port)
        finally:
            s.close()
        assert asked == [("somewhere", 1234, 0, socket.SOCK_STREAM)]
        monkeypatch.setattr(socket, "getaddrinfo", lambda *args: [])
        with pytest.raises(socket.error) as info:
            socket.create_connection(("somewhere", 1234))
        assert "empty list" in str(info.value)
    finally:
        holder.close()
        finish(peer)


# -- the module's names -------------------------------------------------------

def _python27_socket_all():
    if not os.path.exists(PY27):
        pytest.skip("no Python 2.7 at %s" % PY27)
    code = ("import json, socket\n"
            "assert 'site-packages' in socket.__file__ or "
            "'python2.7' in socket.__file__, socket.__file__\n"
            "print(json.dumps(sorted(socket.__all__)))\n")
    out = subprocess.check_output([PY27, "-c", code],
                                  env=support.other_interpreter_env(), cwd="/")
    return json.loads(out.decode("ascii"))


def test_every_name_of_python27s_socket_module_exists():
    names = _python27_socket_all()
    assert len(names) >= 240
    missing = [name for name in names if not hasattr(socket, name)]
    assert not missing
    assert set(names) <= set(socket.__all__)
    for private in ("_fileobject", "_socketobject", "_GLOBAL_DEFAULT_TIMEOUT",
                    "_delegate_methods", "_realsocket", "_closedsocket",
                    "_socketmethods"):
        assert hasattr(socket, private), private


def test_all_lists_the_c_modules_public_names_and_exists():
    public = [n for n in dir(_socket) if not n.startswith("_")]
    assert set(public) <= set(socket.__all__)
    assert "getfqdn" in socket.__all__
    assert "create_connection" in socket.__all__
    for name in socket.__all__:
        assert hasattr(socket, name), name
    assert "ssl" not in socket.__all__
    namespace = {}
    exec("from socket import *", namespace)
    assert namespace["socket"] is socket.socket
    assert namespace["SocketType"] is socket.socket
    assert namespace["error"] is _socket.error


def test_errno_names():
    assert socket.EBADF == errno.EBADF
    assert socket.EINTR == errno.EINTR

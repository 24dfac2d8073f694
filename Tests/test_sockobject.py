"""The _socket.socket type: creation, names, close/dup/fromfd/socketpair,
options, addresses over AF_INET, AF_INET6 and AF_UNIX, and error paths.
The C type is tested directly (import _socket), peers are real."""
import errno
import fcntl
import gc
import os
import shutil
import sys
import tempfile

import pytest

import _socket
import support

PY3 = sys.version_info[0] >= 3
INT_TYPES = (int,) if PY3 else (int, long)  # noqa: F821

ECHO_SERVER = """
import socket, sys
family = getattr(socket, sys.argv[1])
srv = socket.socket(family, socket.SOCK_STREAM)
srv.bind((sys.argv[2], 0))
srv.listen(1)
print('READY %d' % srv.getsockname()[1])
conn, addr = srv.accept()
sys.stdout.write('PEER %s %d\\n' % (addr[0], addr[1]))
while True:
    data = conn.recv(65536)
    if not data:
        break
    conn.sendall(data)
conn.close()
"""

CLIENT = """
import socket, sys
family = getattr(socket, sys.argv[1])
c = socket.socket(family, socket.SOCK_STREAM)
print('READY')
c.connect((sys.argv[2], int(sys.argv[3])))
sys.stdout.write('NAME %s %d\\n' % c.getsockname()[:2])
c.sendall(b'ping')
assert c.recv(10) == b'pong'
c.close()
"""


def stop(peer):
    """Kills the peer unless finish() already reaped it (a second
    communicate() fails on 2.7)."""
    if not peer.proc.stdout.closed:
        peer.close()


def is_open(fd):
    try:
        os.fstat(fd)
    except OSError as e:
        assert e.errno == errno.EBADF
        return False
    return True


def cloexec(sock):
    return bool(fcntl.fcntl(sock.fileno(), fcntl.F_GETFD) & fcntl.FD_CLOEXEC)


def nonblocking(sock):
    return bool(fcntl.fcntl(sock.fileno(), fcntl.F_GETFL) & os.O_NONBLOCK)


def error_errno(excinfo):
    return excinfo.value.args[0]


@pytest.fixture
def tmpdir_path():
    path = tempfile.mkdtemp(prefix="cs-sockobj-")
    yield path
    shutil.rmtree(path, ignore_errors=True)


# ---- the type -------------------------------------------------------------

def test_type_names():
    assert _socket.SocketType is _socket.socket
    assert _socket.socket.__name__ == "socket"
    assert _socket.socket.__module__ == "_socket"
    assert _socket.socket.__doc__.startswith("socket([family[, type[, proto]]])")


def test_defaults():
    s = _socket.socket()
    try:
        assert s.family == _socket.AF_INET
        assert s.type == _socket.SOCK_STREAM
        assert s.proto == 0
        assert type(s.fileno()) is int
        assert s.fileno() >= 0
        assert s.timeout == -1.0
        assert s.gettimeout() is None
        assert cloexec(s)
        assert not nonblocking(s)
        # each line's own wording: 'proto=' on 3.x, 'protocol=' on 2.7
        text = "<socket object, fd=%d, family=%d, type=%d, " + (
            "proto=0>" if support.PY3 else "protocol=0>")
        assert repr(s) == text % (s.fileno(), _socket.AF_INET,
                                  _socket.SOCK_STREAM)
    finally:
        s.close()


def test_keywords_and_positional():
    s = _socket.socket(family=_socket.AF_INET, type=_socket.SOCK_DGRAM,
                       proto=0)
    t = _socket.socket(_socket.AF_UNIX, _socket.SOCK_DGRAM)
    try:
        assert (s.family, s.type) == (_socket.AF_INET, _socket.SOCK_DGRAM)
        assert (t.family, t.type) == (_socket.AF_UNIX, _socket.SOCK_DGRAM)
        assert s.getsockopt(_socket.SOL_SOCKET, _socket.SO_TYPE) == \
            _socket.SOCK_DGRAM
    finally:
        s.close()
        t.close()


def test_members_are_read_only():
    s = _socket.socket()
    try:
        for name in ("family", "type", "proto", "timeout"):
            with pytest.raises((AttributeError, TypeError)):
                setattr(s, name, 5)
    finally:
        s.close()


@pytest.mark.parametrize("args,kwargs", [
    (("a",), {}),
    # a fourth argument is Python 3's fileno
    ((1, 2, 3, None, 5) if support.PY3 else (1, 2, 3, 4), {}),
    ((), {"family": "x"}),
    ((), {"nonsense": 1}),
])
def test_bad_constructor_arguments(args, kwargs):
    with pytest.raises(TypeError):
        _socket.socket(*args, **kwargs)


def test_unsupported_family_raises_error():
    with pytest.raises(_socket.error) as info:
        _socket.socket(12345, _socket.SOCK_STREAM)
    assert error_errno(info) in (errno.EAFNOSUPPORT, errno.EINVAL)


def test_reinit_replaces_and_closes_old_fd():
    s = _socket.socket()
    old = s.fileno()
    s.__init__(_socket.AF_UNIX, _socket.SOCK_DGRAM)
    try:
        assert (s.family, s.type) == (_socket.AF_UNIX, _socket.SOCK_DGRAM)
        assert s.getsockopt(_socket.SOL_SOCKET, _socket.SO_TYPE) == \
            _socket.SOCK_DGRAM
        if s.fileno() != old:
            assert not is_open(old)
    finally:
        s.close()


def test_new_without_init_is_closed():
    s = _socket.socket.__new__(_socket.socket)
    assert s.fileno() == -1
    assert s.gettimeout() is None
    with pytest.raises(_socket.error) as info:
        s.getsockname()
    assert error_errno(info) == errno.EBADF


# ---- close, GC, dup, fromfd, socketpair ------------------------------------

def test_close_is_idempotent_and_later_calls_raise_ebadf():
    s = _socket.socket()
    fd = s.fileno()
    s.close()
    s.close()
    assert s.fileno() == -1
    assert not is_open(fd)
    assert "fd=-1," in repr(s)
    calls = [
        lambda: s.recv(1), lambda: s.send(b"x"), lambda: s.sendall(b"x"),
        lambda: s.getsockname(), lambda: s.getpeername(),
        lambda: s.listen(1), lambda: s.shutdown(0), lambda: s.dup(),
        lambda: s.accept(), lambda: s.bind(("127.0.0.1", 0)),
        lambda: s.connect(("127.0.0.1", 9)),
        lambda: s.getsockopt(_socket.SOL_SOCKET, _socket.SO_TYPE),
        lambda: s.setsockopt(_socket.SOL_SOCKET, _socket.SO_REUSEADDR, 1),
        lambda: s.recv_into(bytearray(4)),
        lambda: s.recvfrom(4),
        lambda: s.sendto(b"x", ("127.0.0.1", 9)),
    ]
    for call in calls:
        with pytest.raises(_socket.error) as info:
            call()
        assert info.value.args == (errno.EBADF, os.strerror(errno.EBADF))
    assert s.connect_ex(("127.0.0.1", 9)) == errno.EBADF
    # the timeout can still be set and read, as in 2.7
    s.settimeout(1.5)
    assert s.gettimeout() == 1.5
    s.setblocking(True)
    assert s.gettimeout() is None


def test_close_with_timeout_raises_ebadf_not_timeout():
    s = _socket.socket()
    s.settimeout(5.0)
    s.close()
    with pytest.raises(_socket.error) as info:
        s.accept()
    assert error_errno(info) == errno.EBADF


def test_garbage_collection_closes_fd():
    s = _socket.socket()
    fd = s.fileno()
    del s
    gc.collect()
    assert not is_open(fd)


def test_dup():
    a, b = _socket.socketpair()
    try:
        a.settimeout(2.5)
        c = a.dup()
        try:
            assert c.fileno() not in (a.fileno(), -1)
            assert (c.family, c.type, c.proto) == (a.family, a.type, a.proto)
            assert c.gettimeout() == 2.5
            assert cloexec(c)
            a.close()
            c.sendall(b"via dup")
            assert b.recv(100) == b"via dup"
        finally:
            c.close()
    finally:
        a.close()
        b.close()


def test_fromfd():
    a, b = _socket.socketpair()
    try:
        c = _socket.fromfd(a.fileno(), _socket.AF_UNIX, _socket.SOCK_STREAM)
        try:
            assert c.fileno() != a.fileno()
            assert (c.family, c.type, c.proto) == (_socket.AF_UNIX,
                                                   _socket.SOCK_STREAM, 0)
            assert cloexec(c)
            assert c.gettimeout() is None
            a.close()
            c.send(b"from fd")
            assert b.recv(100) == b"from fd"
        finally:
            c.close()
        d = _socket.fromfd(b.fileno(), _socket.AF_UNIX, _socket.SOCK_STREAM, 0)
        d.close()
        assert is_open(b.fileno())
    finally:
        a.close()
        b.close()


def test_fromfd_errors():
    with pytest.raises(_socket.error) as info:
        _socket.fromfd(-1, _socket.AF_INET, _socket.SOCK_STREAM)
    assert error_errno(info) == errno.EBADF
    with pytest.raises(TypeError):
        _socket.fromfd(0, _socket.AF_INET)
    with pytest.raises(TypeError):
        _socket.fromfd("0", _socket.AF_INET, _socket.SOCK_STREAM)


def test_socketpair_defaults_and_forms():
    a, b = _socket.socketpair()
    try:
        assert type(a) is _socket.socket
        assert (a.family, a.type, b.family, b.type) == (
            _socket.AF_UNIX, _socket.SOCK_STREAM,
            _socket.AF_UNIX, _socket.SOCK_STREAM)
        assert cloexec(a) and cloexec(b)
        a.sendall(b"hello")
        assert b.recv(5) == b"hello"
        b.sendall(b"back")
        assert a.recv(4) == b"back"
    finally:
        a.close()
        b.close()
    a, b = _socket.socketpair(_socket.AF_UNIX, _socket.SOCK_DGRAM, 0)
    try:
        assert a.type == _socket.SOCK_DGRAM
        a.send(b"one")
        a.send(b"two")
        assert b.recv(100) == b"one"
        assert b.recv(100) == b"two"
    finally:
        a.close()
        b.close()
    with pytest.raises(TypeError):
        _socket.socketpair(1, 1, 0, 0)
    with pytest.raises(_socket.error):
        _socket.socketpair(_socket.AF_INET)


# ---- options ---------------------------------------------------------------

def test_getsockopt_and_setsockopt_int():
    s = _socket.socket()
    try:
        assert s.getsockopt(_socket.SOL_SOCKET, _socket.SO_REUSEADDR) == 0
        s.setsockopt(_socket.SOL_SOCKET, _socket.SO_REUSEADDR, 1)
        value = s.getsockopt(_socket.SOL_SOCKET, _socket.SO_REUSEADDR)
        assert value == 1 and type(value) is int
        # buflen 0 is the integer form, as in 2.7
        assert s.getsockopt(_socket.SOL_SOCKET, _socket.SO_REUSEADDR, 0) == 1
        s.setsockopt(_socket.IPPROTO_TCP, _socket.TCP_NODELAY, True)
        assert s.getsockopt(_socket.IPPROTO_TCP, _socket.TCP_NODELAY) == 1
    finally:
        s.close()


def test_getsockopt_and_setsockopt_buffer():
    import struct
    s = _socket.socket()
    try:
        s.setsockopt(_socket.SOL_SOCKET, _socket.SO_LINGER,
                     struct.pack("ii", 1, 7))
        raw = s.getsockopt(_socket.SOL_SOCKET, _socket.SO_LINGER, 8)
        assert isinstance(raw, bytes) and struct.unpack("ii", raw) == (1, 7)
        # the buffer is cut to the length the kernel reports
        raw = s.getsockopt(_socket.SOL_SOCKET, _socket.SO_REUSEADDR, 64)
        assert len(raw) == 4
        s.setsockopt(_socket.SOL_SOCKET, _socket.SO_REUSEADDR,
                     bytearray(struct.pack("i", 1)))
        assert s.getsockopt(_socket.SOL_SOCKET, _socket.SO_REUSEADDR) == 1
    finally:
        s.close()


def test_getsockopt_buflen_out_of_range():
    s = _socket.socket()
    try:
        for buflen in (-1, 1025, 100000):
            with pytest.raises(_socket.error) as info:
                s.getsockopt(_socket.SOL_SOCKET, _socket.SO_REUSEADDR, buflen)
            assert info.value.args == ("getsockopt buflen out of range",)
        assert len(s.getsockopt(_socket.SOL_SOCKET, _socket.SO_REUSEADDR,
                                1024)) == 4
    finally:
        s.close()


def test_sockopt_bad_arguments():
    s = _socket.socket()
    try:
        for value in (1.5, None, object()):
            with pytest.raises(TypeError):
                s.setsockopt(_socket.SOL_SOCKET, _socket.SO_REUSEADDR, value)
        with pytest.raises(TypeError):
            s.setsockopt("x", _socket.SO_REUSEADDR, 1)
        with pytest.raises(TypeError):
            s.getsockopt(_socket.SOL_SOCKET)
        with pytest.raises(TypeError):
            s.getsockopt(_socket.SOL_SOCKET, "x")
        with pytest.raises(_socket.error) as info:
            s.getsockopt(_socket.SOL_SOCKET, 98765)
        assert error_errno(info) == errno.ENOPROTOOPT
        with pytest.raises(_socket.error) as info:
            s.setsockopt(_socket.SOL_SOCKET, _socket.SO_REUSEADDR, b"")
        assert error_errno(info) == errno.EINVAL
    finally:
        s.close()


# ---- addresses, listen/accept/connect --------------------------------------

def test_inet_server_accepts_stdlib_client():
    srv = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
    try:
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)
        host, port = srv.getsockname()
        assert host == "127.0.0.1" and port > 0
        peer = support.Peer(CLIENT, args=("AF_INET", "127.0.0.1", port))
        try:
            conn, addr = srv.accept()
            try:
                assert type(conn) is _socket.socket
                assert (conn.family, conn.type) == (_socket.AF_INET,
                                                    _socket.SOCK_STREAM)
                assert cloexec(conn)
                assert conn.gettimeout() is None
                assert conn.getpeername() == addr
                assert conn.getsockname() == ("127.0.0.1", port)
                name = peer.readline().split()
                assert name == ["NAME", addr[0], str(addr[1])]
                data = b""
                while len(data) < 4:
                    chunk = conn.recv(4 - len(data))
                    assert chunk
                    data += chunk
                assert data == b"ping"
                conn.sendall(b"pong")
            finally:
                conn.close()
            status, out, err = peer.finish()
            assert status == 0, err
        finally:
            stop(peer)
    finally:
        srv.close()


def test_inet_client_connects_to_stdlib_server():
    peer = support.Peer(ECHO_SERVER, args=("AF_INET", "127.0.0.1"))
    try:
        c = _socket.socket()
        try:
            c.connect(("127.0.0.1", peer.port))
            assert c.getpeername() == ("127.0.0.1", peer.port)
            own = c.getsockname()
            assert peer.readline() == "PEER %s %d" % own
            c.sendall(b"echo me")
            assert c.recv(100) == b"echo me"
            c.shutdown(_socket.SHUT_WR)
            assert c.recv(100) == b""
        finally:
            c.close()
        status, out, err = peer.finish()
        assert status == 0, err
    finally:
        stop(peer)


def test_connect_ex():
    peer = support.Peer(ECHO_SERVER, args=("AF_INET", "127.0.0.1"))
    try:
        c = _socket.socket()
        try:
            rc = c.connect_ex(("127.0.0.1", peer.port))
            assert rc == 0 and type(rc) is int
            c.sendall(b"x")
            assert c.recv(1) == b"x"
        finally:
            c.close()
        peer.finish()
    finally:
        stop(peer)
    # a port nobody listens on: bound but not listening
    holder = _socket.socket()
    holder.bind(("127.0.0.1", 0))
    c = _socket.socket()
    try:
        assert c.connect_ex(holder.getsockname()) == errno.ECONNREFUSED
        with pytest.raises(_socket.error) as info:
            _socket.socket().connect(holder.getsockname())
        assert info.value.args == (errno.ECONNREFUSED,
                                   os.strerror(errno.ECONNREFUSED))
    finally:
        c.close()
        holder.close()


def test_inet6_loopback():
    if not _socket.has_ipv6:
        pytest.skip("no IPv6")
    srv = _socket.socket(_socket.AF_INET6, _socket.SOCK_STREAM)
    try:
        try:
            srv.bind(("::1", 0))
        except _socket.error:
            pytest.skip("no ::1 on this machine")
        srv.listen(1)
        name = srv.getsockname()
        assert name[0] == "::1" and len(name) == 4
        peer = support.Peer(CLIENT, args=("AF_INET6", "::1", name[1]))
        try:
            conn, addr = srv.accept()
            try:
                assert addr[0] == "::1" and len(addr) == 4
                assert conn.family == _socket.AF_INET6
                assert conn.recv(4) == b"ping"
                conn.sendall(b"pong")
            finally:
                conn.close()
            status, out, err = peer.finish()
            assert status == 0, err
        finally:
            stop(peer)
        # and our client to a stdlib IPv6 server
        peer = support.Peer(ECHO_SERVER, args=("AF_INET6", "::1"))
        try:
            c = _socket.socket(_socket.AF_INET6)
            try:
                c.connect(("::1", peer.port))
                assert c.getpeername()[:2] == ("::1", peer.port)
                c.sendall(b"six")
                assert c.recv(3) == b"six"
            finally:
                c.close()
            peer.finish()
        finally:
            stop(peer)
    finally:
        srv.close()


def test_unix_path(tmpdir_path):
    path = os.path.join(tmpdir_path, "sock")
    srv = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    c = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        assert c.getsockname() in ("", b"", None)
        srv.bind(path)
        srv.listen(1)
        assert srv.getsockname() == path
        c.connect(path)
        conn, addr = srv.accept()
        try:
            assert conn.family == _socket.AF_UNIX
            assert c.getpeername() == path
            assert conn.getsockname() == path
            c.sendall(b"unix")
            assert conn.recv(10) == b"unix"
        finally:
            conn.close()
        with pytest.raises(_socket.error) as info:
            _socket.socket(_socket.AF_UNIX).bind(path)
        assert error_errno(info) == errno.EADDRINUSE
    finally:
        c.close()
        srv.close()


def test_unix_abstract_namespace():
    name = b"\0classicsocket-test-%d" % os.getpid() if PY3 else \
        "\0classicsocket-test-%d" % os.getpid()
    srv = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    c = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        srv.bind(name)
        srv.listen(1)
        assert srv.getsockname() == name
        c.connect(name)
        conn, addr = srv.accept()
        try:
            assert c.getpeername() == name
            conn.sendall(b"abstract")
            assert c.recv(20) == b"abstract"
        finally:
            conn.close()
    finally:
        c.close()
        srv.close()


def test_listen_backlog_forms():
    s = _socket.socket()
    try:
        s.bind(("127.0.0.1", 0))
        s.listen(-3)        # negative counts as 0, as in 2.7
        s.listen(0)
        with pytest.raises(TypeError):
            s.listen("x")
        with pytest.raises(TypeError):
            s.listen()
    finally:
        s.close()


def test_shutdown_forms():
    a, b = _socket.socketpair()
    try:
        a.shutdown(_socket.SHUT_WR)
        assert b.recv(10) == b""
        with pytest.raises(_socket.error) as info:
            a.send(b"x")
        assert error_errno(info) == errno.EPIPE
        with pytest.raises(_socket.error) as info:
            a.shutdown(7)
        assert error_errno(info) == errno.EINVAL
        with pytest.raises(TypeError):
            a.shutdown("x")
    finally:
        a.close()
        b.close()


def test_not_connected_errors():
    s = _socket.socket()
    try:
        with pytest.raises(_socket.error) as info:
            s.getpeername()
        assert error_errno(info) == errno.ENOTCONN
        with pytest.raises(_socket.error) as info:
            s.accept()
        assert error_errno(info) == errno.EINVAL
        assert isinstance(info.value, (IOError, OSError))
    finally:
        s.close()


def test_bad_addresses_raise_type_error():
    s = _socket.socket()
    try:
        for bad in (None, 5, ("127.0.0.1",), ("127.0.0.1", "x")):
            with pytest.raises(TypeError):
                s.bind(bad)
            with pytest.raises(TypeError):
                s.connect(bad)
        with pytest.raises(OverflowError):
            s.bind(("127.0.0.1", 70000))
    finally:
        s.close()


# ---- default timeout and new sockets ---------------------------------------

@pytest.fixture
def default_timeout():
    old = _socket.getdefaulttimeout()
    yield
    _socket.setdefaulttimeout(old)


def test_new_sockets_get_default_timeout(default_timeout):
    srv = _socket.socket()
    try:
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)
        srv.settimeout(30.0)
        _socket.setdefaulttimeout(2.5)
        made = []
        try:
            made.append(_socket.socket())
            made.extend(_socket.socketpair())
            made.append(_socket.fromfd(srv.fileno(), _socket.AF_INET,
                                       _socket.SOCK_STREAM))
            client = _socket.socket()
            made.append(client)
            client.connect(srv.getsockname())
            conn, addr = srv.accept()
            made.append(conn)
            for s in made:
                assert s.gettimeout() == 2.5
                assert s.timeout == 2.5
                assert nonblocking(s)
            # accept: the default, not the listener's timeout (as 2.7)
            assert conn.gettimeout() == 2.5
            _socket.setdefaulttimeout(None)
            blocking = _socket.socket()
            made.append(blocking)
            assert blocking.gettimeout() is None and not nonblocking(blocking)
        finally:
            for s in made:
                s.close()
    finally:
        srv.close()


# ---- subclassing -----------------------------------------------------------

class Sub(_socket.socket):
    def __init__(self, *args, **kwargs):
        _socket.socket.__init__(self, *args, **kwargs)
        self.note = "sub"

    def describe(self):
        return "%s:%d" % (self.note, self.family)


def test_subclass():
    s = Sub(_socket.AF_INET, _socket.SOCK_STREAM)
    try:
        assert isinstance(s, _socket.socket)
        assert s.describe() == "sub:%d" % _socket.AF_INET
        s.extra = 1
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        c = _socket.socket()
        try:
            c.connect(s.getsockname())
            conn, addr = s.accept()
            assert type(conn) is _socket.socket     # as in 2.7
            conn.close()
        finally:
            c.close()
        d = s.dup()
        assert type(d) is _socket.socket
        d.close()
    finally:
        s.close()
    if support.PY3:
        # as the interpreter's own type's: a subclass's object collected
        # open warns (the C type's own objects are the 2.x layer's _sock,
        # which closes silently)
        with pytest.warns(ResourceWarning):
            fd = Sub().fileno()
    else:
        fd = Sub().fileno()
    gc.collect()
    assert not is_open(fd)


def test_subclass_with_slots_and_cycle():
    class Cyclic(_socket.socket):
        pass
    s = Cyclic()
    fd = s.fileno()
    s.me = s
    del s
    if support.PY3:
        with pytest.warns(ResourceWarning):    # as in test_subclass
            gc.collect()
    else:
        gc.collect()
    assert not is_open(fd)


def test_layer_wraps_this_type():
    import socket
    s = socket.socket()
    try:
        inner = getattr(s, "_sock", s)
        assert isinstance(inner, _socket.socket)
    finally:
        s.close()


def test_int_results_are_int():
    a, b = _socket.socketpair()
    try:
        for value in (a.fileno(), a.send(b"ab"), b.recv_into(bytearray(2)),
                      a.getsockopt(_socket.SOL_SOCKET, _socket.SO_TYPE)):
            assert type(value) is int
        assert isinstance(a.fileno(), INT_TYPES)
    finally:
        a.close()
        b.close()


def test_weak_references():
    import weakref
    s = _socket.socket()
    ref = weakref.ref(s)
    proxy = weakref.proxy(s)
    assert ref() is s
    assert proxy.family == _socket.AF_INET
    fd = s.fileno()
    del s
    gc.collect()
    assert ref() is None
    assert not is_open(fd)
    with pytest.raises(ReferenceError):
        proxy.family
    sub = Sub()
    ref = weakref.ref(sub)
    sub.close()
    del sub
    gc.collect()
    assert ref() is None

"""Every address form (Modules/sockaddr.c) through bind, connect, accept,
sendto/recvfrom, getsockname and getpeername on real loopback sockets, with
peers running the standard library's socket module where a second party is
needed."""
import contextlib
import errno
import os
import sys
import tempfile

import pytest

import socket
import support

PY2 = sys.version_info[0] == 2
native_str = str

CLIENT_PEER = r"""
import socket, sys
family = int(sys.argv[2])
host = '127.0.0.1' if family == socket.AF_INET else '::1'
c = socket.socket(family, socket.SOCK_STREAM)
c.connect((host, int(sys.argv[1])))
print('READY %d' % c.getsockname()[1])
sys.stdout.flush()
c.recv(1)
c.close()
"""

SERVER_PEER = r"""
import socket, sys
family = int(sys.argv[1])
host = '127.0.0.1' if family == socket.AF_INET else '::1'
s = socket.socket(family, socket.SOCK_STREAM)
s.bind((host, 0))
s.listen(1)
print('READY %d' % s.getsockname()[1])
sys.stdout.flush()
c, a = s.accept()
print(repr(a))
sys.stdout.flush()
c.recv(1)
c.close()
s.close()
"""


@contextlib.contextmanager
def stdlib_peer(code, *args):
    """A support.Peer running the standard library's socket; the test body
    ends by calling peer.finish(), and an early failure kills it."""
    peer = support.Peer(code, args=list(args))
    try:
        yield peer
    finally:
        if not peer.proc.stdout.closed:
            peer.close()


def ipv6_loopback():
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    try:
        s.bind(("::1", 0))
        return True
    except socket.error:
        return False
    finally:
        s.close()


needs_ipv6 = pytest.mark.skipif(not ipv6_loopback(),
                                reason="no IPv6 loopback here")


@pytest.fixture
def sockets():
    made = []

    def make(family=socket.AF_INET, kind=socket.SOCK_STREAM):
        s = socket.socket(family, kind)
        made.append(s)
        return s
    yield make
    for s in made:
        s.close()


def accept_and_close(listener):
    conn, addr = listener.accept()
    conn.close()
    return addr


# ---- AF_INET -------------------------------------------------------------

def test_inet_bind_and_getsockname(sockets):
    s = sockets()
    assert s.getsockname() == ("0.0.0.0", 0)
    s.bind(("127.0.0.1", 0))
    host, port = s.getsockname()
    assert host == "127.0.0.1" and 0 < port < 65536
    assert type(host) is native_str and type(port) is int


def test_inet_special_hosts(sockets):
    s = sockets()
    s.bind(("", 0))
    assert s.getsockname()[0] == "0.0.0.0"
    u = sockets(socket.AF_INET, socket.SOCK_DGRAM)
    u.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    u.connect(("<broadcast>", 9))
    assert u.getpeername() == ("255.255.255.255", 9)
    n = sockets()
    n.bind(("localhost", 0))
    assert n.getsockname()[0] == "127.0.0.1"


def test_inet_host_forms(sockets):
    for host in (b"127.0.0.1", u"127.0.0.1", bytearray(b"127.0.0.1"),
                 "127.1"):
        s = sockets()
        s.bind((host, 0))
        assert s.getsockname()[0] == "127.0.0.1", host


def test_inet_connect_to_a_standard_library_server(sockets):
    with stdlib_peer(SERVER_PEER, socket.AF_INET) as peer:
        s = sockets()
        s.connect(("127.0.0.1", peer.port))
        assert s.getpeername() == ("127.0.0.1", peer.port)
        mine = s.getsockname()
        assert peer.readline() == repr(mine)
        s.close()
        assert peer.finish()[0] == 0


def test_inet_accept_from_a_standard_library_client(sockets):
    lst = sockets()
    lst.bind(("127.0.0.1", 0))
    lst.listen(1)
    with stdlib_peer(CLIENT_PEER, lst.getsockname()[1],
                     socket.AF_INET) as peer:
        conn, addr = lst.accept()
        try:
            assert addr == ("127.0.0.1", peer.port)
            assert conn.getpeername() == addr
            assert conn.getsockname() == lst.getsockname()
        finally:
            conn.close()
        assert peer.finish()[0] == 0


def test_1998_two_argument_forms(sockets):
    lst = sockets()
    lst.bind("127.0.0.1", 0)
    lst.listen(1)
    port = lst.getsockname()[1]
    c = sockets()
    c.connect("127.0.0.1", port)
    assert c.getpeername() == ("127.0.0.1", port)
    accept_and_close(lst)
    d = sockets()
    assert d.connect_ex("127.0.0.1", port) == 0
    assert accept_and_close(lst) == d.getsockname()


def test_udp_sendto_and_recvfrom_addresses(sockets):
    a = sockets(socket.AF_INET, socket.SOCK_DGRAM)
    b = sockets(socket.AF_INET, socket.SOCK_DGRAM)
    a.bind(("127.0.0.1", 0))
    b.bind(("127.0.0.1", 0))
    assert a.sendto(b"ping", b.getsockname()) == 4
    data, addr = b.recvfrom(16)
    assert data == b"ping" and addr == a.getsockname()
    b.sendto(b"pong", 0, addr)
    assert a.recvfrom(16) == (b"pong", b.getsockname())


def test_connect_ex_reports_refusal(sockets):
    probe = sockets()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()           # nobody listens on that port now
    s = sockets()
    assert s.connect_ex(("127.0.0.1", port)) == errno.ECONNREFUSED


@pytest.mark.parametrize("port", [-1, 65536, 1 << 40])
def test_port_out_of_range_is_overflow_error_naming_the_call(sockets, port):
    s = sockets()
    with pytest.raises(OverflowError) as info:
        s.bind(("127.0.0.1", port))
    assert str(info.value) == "bind(): port must be 0-65535."
    with pytest.raises(OverflowError) as info:
        s.connect(("127.0.0.1", port))
    assert "connect()" in str(info.value)
    u = sockets(socket.AF_INET, socket.SOCK_DGRAM)
    with pytest.raises(OverflowError):
        u.sendto(b"x", ("127.0.0.1", port))


def test_inet_bad_address_types(sockets):
    s = sockets()
    for bad in (["127.0.0.1", 0], "127.0.0.1", ("127.0.0.1",),
                ("127.0.0.1", 0, 0), None):
        with pytest.raises(TypeError) as info:
            s.bind(bad)
        assert "bind()" in str(info.value)
    for bad in (("127.0.0.1", "80"), ("127.0.0.1", 1.5), (1, 0),
                ("127.0.0.1\0", 0)):
        with pytest.raises(TypeError):
            s.bind(bad)
    with pytest.raises(TypeError) as info:
        s.bind("127.0.0.1", 0, 0)
    assert "bind()" in str(info.value)
    with pytest.raises(TypeError):
        s.bind()


def test_unknown_host_is_gaierror(sockets):
    s = sockets()
    with pytest.raises(socket.gaierror) as info:
        s.connect(("no-such-host.invalid", 80))
    assert len(info.value.args) == 2


# ---- AF_INET6 --------------------------------------------------------------

@needs_ipv6
def test_inet6_bind_and_getsockname(sockets):
    s = sockets(socket.AF_INET6)
    s.bind(("::1", 0))
    host, port, flowinfo, scope_id = s.getsockname()
    assert (host, flowinfo, scope_id) == ("::1", 0, 0) and port > 0
    t = sockets(socket.AF_INET6)
    t.bind(("::1", 0, 0, 0))
    assert t.getsockname()[0] == "::1"
    w = sockets(socket.AF_INET6)
    w.bind(("", 0))
    assert w.getsockname()[0] == "::"


@needs_ipv6
def test_inet6_connect_and_accept_with_standard_library_peers(sockets):
    with stdlib_peer(SERVER_PEER, socket.AF_INET6) as peer:
        s = sockets(socket.AF_INET6)
        s.connect(("::1", peer.port))
        assert s.getpeername() == ("::1", peer.port, 0, 0)
        assert peer.readline() == repr(s.getsockname())
        s.close()
        assert peer.finish()[0] == 0
    lst = sockets(socket.AF_INET6)
    lst.bind(("::1", 0))
    lst.listen(1)
    with stdlib_peer(CLIENT_PEER, lst.getsockname()[1],
                     socket.AF_INET6) as peer:
        assert accept_and_close(lst) == ("::1", peer.port, 0, 0)
        assert peer.finish()[0] == 0


def test_inet6_argument_errors(sockets):
    s = sockets(socket.AF_INET6)
    with pytest.raises(OverflowError) as info:
        s.bind(("::1", 0, -10))             # 2.7's test_flowinfo
    assert str(info.value) == "bind(): flowinfo must be 0-1048575."
    with pytest.raises(OverflowError):
        s.bind(("::1", 0, 1 << 20))
    with pytest.raises(OverflowError):
        s.bind(("::1", 70000))
    with pytest.raises(OverflowError):
        s.bind(("::1", 0, 0, -1))
    with pytest.raises(TypeError):
        s.bind(("::1",))
    with pytest.raises(TypeError):
        s.bind(("::1", 0, 0, 0, 0))
    with pytest.raises(socket.gaierror):
        s.bind(("127.0.0.1", 0))            # not an IPv6 address
    with pytest.raises(socket.error):
        s.bind(("<broadcast>", 0))          # no broadcast in IPv6


# ---- AF_UNIX ---------------------------------------------------------------

@pytest.fixture
def tmpdir_path():
    path = tempfile.mkdtemp(prefix="cs-sockaddr-")
    yield path
    for name in os.listdir(path):
        os.unlink(os.path.join(path, name))
    os.rmdir(path)


def test_unix_path_round_trip(sockets, tmpdir_path):
    path = os.path.join(tmpdir_path, "server")
    srv = sockets(socket.AF_UNIX)
    srv.bind(path)
    assert srv.getsockname() == path
    assert type(srv.getsockname()) is native_str
    srv.listen(1)
    cli = sockets(socket.AF_UNIX)
    assert cli.getsockname() == ""          # unbound: unnamed
    cli.connect(path)
    assert cli.getpeername() == path
    conn, addr = srv.accept()
    try:
        assert addr == ""                   # the client has no name
        assert conn.getsockname() == path
    finally:
        conn.close()


def test_unix_bytes_path(sockets, tmpdir_path):
    path = os.path.join(tmpdir_path, "bytes")
    s = sockets(socket.AF_UNIX)
    s.bind(path.encode("ascii"))
    assert s.getsockname() == path
    t = sockets(socket.AF_UNIX)
    t.bind(bytearray((path + "2").encode("ascii")))
    assert t.getsockname() == path + "2"


@pytest.mark.skipif(PY2, reason="3.x: str paths in the file-system encoding")
def test_unix_non_ascii_path(sockets, tmpdir_path):
    path = os.path.join(tmpdir_path, u"caf\xe9")
    try:
        os.fsencode(path)
    except UnicodeError:
        pytest.skip("file-system encoding cannot encode the name")
    s = sockets(socket.AF_UNIX)
    s.bind(path)
    assert s.getsockname() == path
    assert os.path.exists(path)


def test_unix_abstract_namespace(sockets):
    name = b"\0classicsocket-%d-abstract" % os.getpid() if not PY2 else \
        "\0classicsocket-%d-abstract" % os.getpid()
    srv = sockets(socket.AF_UNIX)
    srv.bind(name)
    assert srv.getsockname() == name
    assert type(srv.getsockname()) is bytes
    srv.listen(1)
    cli = sockets(socket.AF_UNIX)
    cli.connect(name)
    assert cli.getpeername() == name
    accept_and_close(srv)


def test_unix_abstract_name_of_full_length(sockets):
    # CPython 2.7's testMaxName: a leading NUL plus 107 bytes fits
    name = b"\0" + b"h" * 107
    s = sockets(socket.AF_UNIX)
    s.bind(name)
    assert s.getsockname() == name


def test_unix_unnamed_socketpair():
    a, b = socket.socketpair()
    try:
        assert a.getsockname() == ""
        assert b.getpeername() == ""
    finally:
        a.close()
        b.close()


@pytest.mark.parametrize("path", ["a" * 108, "a" * 200, b"\0" + b"h" * 108])
def test_unix_path_too_long_is_both_value_error_and_socket_error(
        sockets, path):
    s = sockets(socket.AF_UNIX)
    with pytest.raises(ValueError) as info:
        s.bind(path)
    assert str(info.value) == "AF_UNIX path too long"
    assert isinstance(info.value, socket.error)
    with pytest.raises(socket.error):
        s.connect(path)
    # the class is not a public name of the module
    assert not [n for n in dir(socket)
                if getattr(socket, n) is type(info.value)]


def test_unix_path_errors(sockets, tmpdir_path):
    s = sockets(socket.AF_UNIX)
    with pytest.raises(ValueError):
        s.bind(os.path.join(tmpdir_path, "a\0b"))
    for bad in (1, None, ("path",), ["path"]):
        with pytest.raises(TypeError) as info:
            s.bind(bad)
        assert "bind()" in str(info.value)
    with pytest.raises(socket.error) as info:
        s.connect(os.path.join(tmpdir_path, "nobody-listens"))
    assert info.value.args[0] == errno.ENOENT

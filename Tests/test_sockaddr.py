"""Every address form (Modules/_socket/sockaddr.c) through bind, connect, accept,
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
    # plain ints: an enum member (Python 3) prints as its name before 3.11
    peer = support.Peer(code, args=[int(a) if isinstance(a, int) else a
                                    for a in args])
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


# ---- sendto and recvfrom remember their last address -------------------------
# A socket keeps the address of its last sendto() to a numeric host and the
# (immutable) address object of its last recvfrom().  Whatever changes from
# one call to the next must show.

def link_local_address():
    """(host, scope_id, interface name) of a link-local IPv6 address of
    this machine, or None."""
    try:
        with open("/proc/net/if_inet6") as f:
            lines = f.read().split("\n")
    except (IOError, OSError):
        return None
    for line in lines:
        fields = line.split()
        if len(fields) == 6 and fields[0].startswith("fe80"):
            raw = fields[0]
            host = ":".join(raw[i:i + 4] for i in range(0, 32, 4))
            packed = socket.inet_pton(socket.AF_INET6, host)
            return (socket.inet_ntop(socket.AF_INET6, packed),
                    int(fields[1], 16), fields[5])
    return None


def receivers(sockets, count, family=socket.AF_INET, host="127.0.0.1"):
    made = []
    for _ in range(count):
        r = sockets(family, socket.SOCK_DGRAM)
        r.bind((host, 0))
        r.settimeout(10.0)      # a lost datagram fails, never hangs
        made.append(r)
    return made


def test_recvfrom_address_follows_the_sender(sockets):
    r, s1, s2 = receivers(sockets, 3)
    to = r.getsockname()
    seen = []
    for sender in (s1, s1, s2, s1, s2, s2):
        sender.sendto(b"x", to)
        data, addr = r.recvfrom(8)
        assert data == b"x"
        seen.append(addr)
    one, two = s1.getsockname(), s2.getsockname()
    assert seen == [one, one, two, one, two, two]
    # recvfrom_into shares the memory of the last sender
    buf = bytearray(8)
    s2.sendto(b"yz", to)
    assert r.recvfrom_into(buf) == (2, two)
    s1.sendto(b"w", to)
    assert r.recvfrom_into(buf) == (1, one)


def test_recvfrom_address_of_a_new_sender_on_the_same_port(sockets):
    # Same port, other source address: the whole sockaddr counts.
    r, s1 = receivers(sockets, 2)
    port = s1.getsockname()[1]
    s2 = sockets(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s2.bind(("127.0.0.2", port))
    except socket.error:
        pytest.skip("127.0.0.2 not usable here")
    to = r.getsockname()
    for sender, host in ((s1, "127.0.0.1"), (s2, "127.0.0.2"),
                         (s1, "127.0.0.1")):
        sender.sendto(b"x", to)
        assert r.recvfrom(8) == (b"x", (host, port))


@needs_ipv6
def test_recvfrom_inet6_address_follows_the_sender(sockets):
    r, s1, s2 = receivers(sockets, 3, socket.AF_INET6, "::1")
    to = r.getsockname()
    for sender in (s1, s2, s2, s1):
        sender.sendto(b"x", to)
        data, addr = r.recvfrom(8)
        assert addr == sender.getsockname()
        assert addr[0] == "::1" and addr[2:] == (0, 0)


@needs_ipv6
def test_inet6_scope_id_is_sent_and_received_exactly(sockets):
    found = link_local_address()
    if found is None:
        pytest.skip("no link-local IPv6 address here")
    host, scope, ifname = found
    r = sockets(socket.AF_INET6, socket.SOCK_DGRAM)
    try:
        r.bind((host, 0, 0, scope))
    except socket.error:
        pytest.skip("cannot bind the link-local address")
    r.settimeout(10.0)
    s = sockets(socket.AF_INET6, socket.SOCK_DGRAM)
    s.bind((host, 0, 0, scope))
    u = sockets(socket.AF_INET6, socket.SOCK_DGRAM)
    port = r.getsockname()[1]
    # 2.7 names the scope in the host, as getnameinfo() does
    text = host + "%" + ifname if PY2 else host
    for sender in (s, u, s, u):
        assert sender.sendto(b"x", (host, port, 0, scope)) == 1
        data, addr = r.recvfrom(8)
        assert addr == (text, sender.getsockname()[1], 0, scope)
    # a scoped sender, then one on the loopback (scope 0), to one receiver
    lo = sockets(socket.AF_INET6, socket.SOCK_DGRAM)
    lo.bind(("::1", 0))
    r2 = sockets(socket.AF_INET6, socket.SOCK_DGRAM)
    r2.bind(("::", 0))
    r2.settimeout(10.0)
    s.sendto(b"a", (host, r2.getsockname()[1], 0, scope))
    assert r2.recvfrom(8)[1][1:] == (s.getsockname()[1], 0, scope)
    lo.sendto(b"b", ("::1", r2.getsockname()[1]))
    assert r2.recvfrom(8)[1] == ("::1", lo.getsockname()[1], 0, 0)


def test_sendto_same_host_object_to_other_ports(sockets):
    r1, r2, s = receivers(sockets, 3)
    host = r1.getsockname()[0]
    for r, tag in ((r1, b"a"), (r2, b"b"), (r2, b"c"), (r1, b"d")):
        assert s.sendto(tag, (host, r.getsockname()[1])) == 1
    assert [r1.recvfrom(8)[0] for _ in range(2)] == [b"a", b"d"]
    assert [r2.recvfrom(8)[0] for _ in range(2)] == [b"b", b"c"]


def test_sendto_follows_a_changed_host(sockets):
    r1 = sockets(socket.AF_INET, socket.SOCK_DGRAM)
    r1.bind(("127.0.0.1", 0))
    port = r1.getsockname()[1]
    r2 = sockets(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        r2.bind(("127.0.0.2", port))
    except socket.error:
        pytest.skip("127.0.0.2 not usable here")
    r1.settimeout(10.0)
    r2.settimeout(10.0)
    s = sockets(socket.AF_INET, socket.SOCK_DGRAM)
    # equal strings built anew, other strings, bytes, and a bytearray
    # changed in place between two calls
    one = "".join(["127.0.0.", "1"])
    two = "".join(["127.0.0.", "2"])
    mutable = bytearray(b"127.0.0.1")
    s.sendto(b"a", (one, port))
    s.sendto(b"b", ("".join(["127.0.", "0.1"]), port))
    s.sendto(b"c", (two, port))
    s.sendto(b"d", (b"127.0.0.1", port))
    s.sendto(b"e", (b"127.0.0.2", port))
    s.sendto(b"f", (mutable, port))
    mutable[-1:] = b"2"
    s.sendto(b"g", (mutable, port))
    s.sendto(b"h", ("localhost", port))
    s.sendto(b"i", (one, port))
    got1 = [r1.recvfrom(8)[0] for _ in range(6)]
    got2 = [r2.recvfrom(8)[0] for _ in range(3)]
    assert got1 == [b"a", b"b", b"d", b"f", b"h", b"i"]
    assert got2 == [b"c", b"e", b"g"]


def test_sendto_same_tuple_with_a_changing_port_object(sockets):
    # The same tuple object gives the same address only when nothing in it
    # can change: a port given by __index__ is converted every time.
    r1, r2, s = receivers(sockets, 3)

    class Port(object):
        value = r1.getsockname()[1]

        def __index__(self):
            return self.value
    port = Port()
    to = ("127.0.0.1", port)
    s.sendto(b"a", to)
    s.sendto(b"b", to)
    port.value = r2.getsockname()[1]
    s.sendto(b"c", to)
    plain = ("127.0.0.1", r1.getsockname()[1])
    s.sendto(b"d", plain)
    s.sendto(b"e", plain)
    assert [r1.recvfrom(8)[0] for _ in range(4)] == [b"a", b"b", b"d", b"e"]
    assert r2.recvfrom(8)[0] == b"c"


def test_sendto_same_tuple_after_init_changed_to_inet6(sockets):
    r, s = receivers(sockets, 2)
    to = r.getsockname()
    s.sendto(b"x", to)
    s.sendto(b"y", to)
    assert [r.recvfrom(8)[0] for _ in range(2)] == [b"x", b"y"]
    raw = s._sock if hasattr(s, "_sock") else s
    raw.__init__(socket.AF_INET6, socket.SOCK_DGRAM)
    fresh = sockets(socket.AF_INET6, socket.SOCK_DGRAM)
    try:
        fresh.sendto(b"z", to)
    except Exception as e:  # noqa: B902 - whatever a new socket does
        expected = type(e)
    else:
        expected = None
    if expected is None:
        raw.sendto(b"z", to)
    else:
        with pytest.raises(expected):
            raw.sendto(b"z", to)


def test_sendto_checks_the_port_of_a_remembered_host(sockets):
    r, s = receivers(sockets, 2)
    to = r.getsockname()
    s.sendto(b"x", to)
    assert r.recvfrom(8)[0] == b"x"
    for port in (-1, 65536):
        with pytest.raises(OverflowError) as info:
            s.sendto(b"x", (to[0], port))
        assert str(info.value) == "sendto(): port must be 0-65535."
    with pytest.raises(TypeError):
        s.sendto(b"x", (to[0], "80"))
    with pytest.raises(TypeError):
        s.sendto(b"x", (to[0],))
    s.sendto(b"y", to)
    assert r.recvfrom(8) == (b"y", s.getsockname())


@needs_ipv6
def test_sendto_inet6_checks_flowinfo_and_scope_each_time(sockets):
    r, s = receivers(sockets, 2, socket.AF_INET6, "::1")
    port = r.getsockname()[1]
    assert s.sendto(b"a", ("::1", port)) == 1
    with pytest.raises(OverflowError) as info:
        s.sendto(b"x", ("::1", port, 1 << 20))
    assert str(info.value) == "sendto(): flowinfo must be 0-1048575."
    with pytest.raises(OverflowError):
        s.sendto(b"x", ("::1", port, 0, -1))
    assert s.sendto(b"b", ("::1", port, 0, 0)) == 1
    assert [r.recvfrom(8)[0] for _ in range(2)] == [b"a", b"b"]


def test_sendto_after_init_changed_the_family(sockets):
    r, s = receivers(sockets, 2)
    to = r.getsockname()
    s.sendto(b"x", to)
    assert r.recvfrom(8)[0] == b"x"
    raw = s._sock if hasattr(s, "_sock") else s
    raw.__init__(socket.AF_UNIX, socket.SOCK_DGRAM)
    # the numeric host remembered for AF_INET means nothing now
    with pytest.raises(TypeError):
        raw.sendto(b"x", to)

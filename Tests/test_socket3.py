"""Python 3: `import socket` gives the running interpreter's own module in
API and behaviour (issue 10): socket.socket is a Python class over the C
type _socket.socket, makefile() returns io objects, the constants are
enums, socket.error is OSError; the 2.x extras that do not conflict stay.

Real sockets on loopback; the peers of the stream tests are the other end
of a socketpair or a connection accepted in the same process."""
from __future__ import print_function

import errno
import gc
import io
import os
import sys
import tempfile
import warnings

import pytest

import support

if not support.PY3:
    pytest.skip("Python 3's socket module", allow_module_level=True)

import _socket  # noqa: E402
import enum  # noqa: E402
import socket  # noqa: E402

V = sys.version_info


@pytest.fixture
def tcp_pair():
    srv = socket.create_server(("127.0.0.1", 0))
    c = socket.create_connection(srv.getsockname(), timeout=20)
    a, _addr = srv.accept()
    srv.close()
    a.settimeout(20)
    yield a, c
    a.close()
    c.close()


# -- the class ----------------------------------------------------------------

def test_socket_is_a_python_subclass_of_the_c_type():
    assert socket.socket.__mro__[1] is _socket.socket
    assert socket.SocketType is _socket.socket
    assert socket.socket.__module__ == "socket"
    assert "_io_refs" in socket.socket.__slots__
    s = socket.socket()
    try:
        assert isinstance(s, _socket.socket)
        with pytest.raises(AttributeError):
            s.anything = 1          # slots: no __dict__
        import weakref
        assert weakref.ref(s)() is s
    finally:
        s.close()


def test_constructor_defaults_and_fileno_reads_the_parameters():
    s = socket.socket()
    assert (s.family, s.type, s.proto) == (socket.AF_INET,
                                           socket.SOCK_STREAM, 0)
    s.close()
    s = socket.socket(-1, -1, -1)
    assert (s.family, s.type) == (socket.AF_INET, socket.SOCK_STREAM)
    s.close()
    u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    fd = u.detach()
    assert u.fileno() == -1
    v = socket.socket(fileno=fd)        # SO_DOMAIN, SO_TYPE, SO_PROTOCOL
    try:
        assert v.fileno() == fd
        assert v.family is socket.AF_INET6
        assert v.type is socket.SOCK_DGRAM
        assert v.proto == socket.IPPROTO_UDP
    finally:
        v.close()
    with pytest.raises(ValueError):
        socket.socket(fileno=-5)
    # The C type's positional form with fileno None (socket.socket's
    # __init__ passes all four) and enum or other int-subclass arguments
    # gives what the keyword form gives.
    class Int(int):
        def __index__(self):
            return 99
    for args in [(socket.AF_INET6, socket.SOCK_DGRAM, 0, None),
                 (Int(socket.AF_INET6), Int(socket.SOCK_DGRAM), False, None),
                 (-1, -1, -1, None)]:
        c = _socket.socket(*args)
        try:
            kw = _socket.socket(family=args[0], type=args[1], proto=args[2])
            assert (c.family, c.type, c.proto) == (kw.family, kw.type,
                                                   kw.proto)
            kw.close()
        finally:
            c.close()
    with pytest.raises(TypeError):
        _socket.socket(socket.AF_INET, 1.0, 0, None)
    with pytest.raises(OverflowError):
        _socket.socket(socket.AF_INET, 1 << 40, 0, None)
    r, w = os.pipe()
    try:
        with pytest.raises(OSError) as info:
            socket.socket(fileno=r)
        assert info.value.errno == errno.ENOTSOCK
    finally:
        os.close(r)
        os.close(w)


def test_enums():
    assert issubclass(socket.AddressFamily, enum.IntEnum)
    assert issubclass(socket.SocketKind, enum.IntEnum)
    assert issubclass(socket.MsgFlag, enum.IntFlag)
    assert issubclass(socket.AddressInfo, enum.IntFlag)
    assert socket.AF_INET is socket.AddressFamily.AF_INET
    assert socket.SOCK_DGRAM is socket.SocketKind.SOCK_DGRAM
    assert socket.MSG_PEEK is socket.MsgFlag.MSG_PEEK
    assert socket.AI_PASSIVE is socket.AddressInfo.AI_PASSIVE
    assert socket.AF_INET == _socket.AF_INET == 2
    infos = socket.getaddrinfo("127.0.0.1", 80, type=socket.SOCK_STREAM)
    assert infos[0][0] is socket.AF_INET
    assert infos[0][1] is socket.SOCK_STREAM
    # the 2.x keyword stays
    assert socket.getaddrinfo("127.0.0.1", 80,
                              socktype=socket.SOCK_STREAM) == infos


def test_exceptions_are_the_interpreters():
    assert socket.error is OSError
    assert _socket.error is OSError
    assert issubclass(socket.herror, OSError)
    assert issubclass(socket.gaierror, OSError)
    if V >= (3, 10):
        assert socket.timeout is TimeoutError
    else:
        assert issubclass(socket.timeout, OSError)
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))       # bound, not listening: refused
    s = socket.socket()
    try:
        with pytest.raises(ConnectionRefusedError) as info:
            s.connect(holder.getsockname())
        assert type(info.value) is ConnectionRefusedError
        assert info.value.args == (errno.ECONNREFUSED, "Connection refused")
    finally:
        s.close()
        holder.close()
    a, b = socket.socketpair()
    try:
        a.setblocking(False)
        with pytest.raises(BlockingIOError):
            a.recv(1)
        a.settimeout(0.01)
        with pytest.raises(socket.timeout) as info:
            a.recv(1)
        assert info.value.args == ("timed out",)
    finally:
        a.close()
        b.close()


def test_context_manager_close_detach_and_repr():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        text = repr(s)
        assert text.startswith("<socket.socket fd=%d, family=" % s.fileno())
        assert "laddr=('127.0.0.1', %d)" % s.getsockname()[1] in text
    assert s.fileno() == -1
    assert repr(s).startswith("<socket.socket [closed] fd=-1, family=")
    assert s.family is socket.AF_INET       # still readable
    with pytest.raises(OSError) as info:
        s.getsockname()
    assert info.value.errno == errno.EBADF


def test_listen_default_backlog_and_accept(tcp_pair):
    a, c = tcp_pair
    assert type(a) is socket.socket
    assert a.gettimeout() == 20
    c.sendall(b"x")
    assert a.recv(1) == b"x"
    srv = socket.socket()
    try:
        srv.bind(("127.0.0.1", 0))
        srv.listen()
        srv.settimeout(5)
        c2 = socket.create_connection(srv.getsockname())
        conn, _addr = srv.accept()
        # a listening socket's timeout does not pass on (Python 3)
        assert conn.gettimeout() is None and conn.getblocking()
        conn.close()
        c2.close()
    finally:
        srv.close()


def test_timeout_attribute_blocking_and_inheritable():
    s = socket.socket()
    try:
        assert s.timeout is None and s.getblocking()
        s.settimeout(2.5)
        assert s.timeout == 2.5 and s.getblocking()
        s.setblocking(False)
        assert s.timeout == 0.0 and not s.getblocking()
        assert s.get_inheritable() is False
        s.set_inheritable(True)
        assert s.get_inheritable() is True
    finally:
        s.close()


def test_dup_and_module_level_dup_close():
    s = socket.socket()
    s.settimeout(3)
    d = s.dup()
    try:
        assert type(d) is socket.socket
        assert d.fileno() != s.fileno()
        assert d.gettimeout() == 3
    finally:
        d.close()
        s.close()
    a, b = socket.socketpair()
    fd = socket.dup(a.fileno())
    assert not os.get_inheritable(fd)
    socket.close(fd)
    with pytest.raises(OSError):
        socket.close(fd)
    f = socket.fromfd(a.fileno(), socket.AF_UNIX, socket.SOCK_STREAM)
    assert type(f) is socket.socket and f.fileno() != a.fileno()
    for x in (f, a, b):
        x.close()


def test_resource_warning_for_an_unclosed_socket():
    s = socket.socket()
    fd = s.fileno()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del s
        gc.collect()
    assert [w.category for w in caught] == [ResourceWarning]
    assert "unclosed <socket.socket fd=%d" % fd in str(caught[0].message)
    with pytest.raises(OSError):
        os.fstat(fd)                    # closed as well


# -- makefile -----------------------------------------------------------------

def test_makefile_text_mode_gives_str(tcp_pair):
    a, c = tcp_pair
    f = a.makefile("r", encoding="utf-8", newline=None)
    w = c.makefile("w", encoding="utf-8")
    try:
        assert isinstance(f, io.TextIOWrapper) and f.mode == "r"
        w.write(u"caf\u00e9\r\nline two\n")
        w.flush()
        assert f.readline() == u"caf\u00e9\n"
        assert f.readline() == u"line two\n"
    finally:
        f.close()
        w.close()


def test_makefile_binary_modes_and_buffering(tcp_pair):
    a, c = tcp_pair
    rb = a.makefile("rb")
    assert isinstance(rb, io.BufferedReader)
    raw = c.makefile("wb", buffering=0)
    assert isinstance(raw, socket.SocketIO)
    assert raw.mode == "wb" and raw.name == c.fileno()
    rw = c.makefile("rwb")
    assert isinstance(rw, io.BufferedRWPair)
    assert raw.write(b"abc\n") == 4
    assert rb.readline() == b"abc\n"
    with pytest.raises(ValueError):
        a.makefile("r", buffering=0)
    with pytest.raises(ValueError):
        a.makefile("rx")
    for f in (rb, raw, rw):
        f.close()


def test_makefile_keeps_the_descriptor_until_the_files_close(tcp_pair):
    a, c = tcp_pair
    f = a.makefile("rb")
    fd = a.fileno()
    a.close()
    assert a.fileno() == fd             # a file still uses it
    c.sendall(b"still here")
    c.shutdown(socket.SHUT_WR)
    assert f.read() == b"still here"
    f.close()
    assert a.fileno() == -1


def test_socketio_after_a_timeout(tcp_pair):
    a, c = tcp_pair
    a.settimeout(0.05)
    f = a.makefile("rb")
    with pytest.raises(socket.timeout):
        f.read(1)
    with pytest.raises(OSError):
        f.read(1)
    f.close()


# -- sendfile -----------------------------------------------------------------

def _receive_all(sock, size):
    chunks = []
    while size:
        data = sock.recv(min(size, 65536))
        if not data:
            break
        chunks.append(data)
        size -= len(data)
    return b"".join(chunks)


@pytest.mark.parametrize("timeout", [None, 10.0])
def test_sendfile_regular_file(tcp_pair, timeout):
    a, c = tcp_pair
    data = os.urandom(200000)
    c.settimeout(timeout)
    with tempfile.TemporaryFile() as f:
        f.write(data)
        f.seek(0)
        import threading
        got = []
        reader = threading.Thread(
            target=lambda: got.append(_receive_all(a, len(data) - 1000)))
        reader.start()
        try:
            assert c.sendfile(f, 1000) == len(data) - 1000
        finally:
            reader.join()
        assert got == [data[1000:]]
        assert f.tell() == len(data)
        f.seek(0)
        assert c.sendfile(f, 10, 5) == 5
        assert a.recv(5) == data[10:15]
        assert f.tell() == 15


def test_sendfile_falls_back_to_send_for_other_files(tcp_pair):
    a, c = tcp_pair
    f = io.BytesIO(b"from memory")
    assert c.sendfile(f) == 11
    assert _receive_all(a, 11) == b"from memory"
    with tempfile.TemporaryFile("w+") as text:
        with pytest.raises(ValueError):     # not binary
            c.sendfile(text)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        with pytest.raises(ValueError):
            u.sendfile(io.BytesIO(b"x"))
    finally:
        u.close()


# -- module functions ---------------------------------------------------------

def test_create_server_and_dualstack():
    with socket.create_server(("127.0.0.1", 0), backlog=3) as srv:
        assert srv.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR)
        assert srv.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)
    if socket.has_dualstack_ipv6():
        with socket.create_server(("::", 0), family=socket.AF_INET6,
                                  dualstack_ipv6=True) as srv:
            port = srv.getsockname()[1]
            with socket.create_connection(("127.0.0.1", port)) as c:
                conn, addr = srv.accept()
                assert addr[0] == "::ffff:127.0.0.1"
                conn.close()
    with pytest.raises(ValueError):
        socket.create_server(("127.0.0.1", 0), dualstack_ipv6=True)


@pytest.mark.skipif(V < (3, 11), reason="all_errors is 3.11's")
def test_create_connection_all_errors():
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    try:
        with pytest.raises(ExceptionGroup) as info:  # noqa: F821
            socket.create_connection(holder.getsockname(), all_errors=True)
        assert [type(e) for e in info.value.exceptions] == \
            [ConnectionRefusedError]
    finally:
        holder.close()


def test_socketpair_and_the_2x_extras():
    a, b = socket.socketpair()
    try:
        assert type(a) is socket.socket and a.family is socket.AF_UNIX
    finally:
        a.close()
        b.close()
    s = socket.socket()
    try:
        s.bind("127.0.0.1", 0)              # the 1998 two-argument form
        assert s.getsockname()[0] == "127.0.0.1"
    finally:
        s.close()
    assert socket._fileobject is not None and socket._socketobject
    w = socket._socketobject()
    try:
        assert type(w._sock) is _socket.socket
    finally:
        w.close()


def test_all_names_exist():
    for name in socket.__all__:
        assert hasattr(socket, name), name
    for name in ("socket", "SocketType", "AddressFamily", "SocketKind",
                 "create_server", "has_dualstack_ipv6", "fromfd",
                 "socketpair", "getfqdn", "create_connection", "dup",
                 "close"):
        assert name in dir(socket), name


def test_interface_names_and_indexes():
    pairs = socket.if_nameindex()
    assert pairs
    for index, name in pairs:
        assert type(index) is int and index > 0 and type(name) is str
        assert socket.if_nametoindex(name) == index
        assert socket.if_nametoindex(name.encode()) == index
        assert socket.if_indextoname(index) == name
    assert "lo" in [name for _index, name in pairs]
    with pytest.raises(OSError):
        socket.if_nametoindex("_no_such_if_")
    with pytest.raises(OSError):
        socket.if_indextoname(0)
    with pytest.raises(TypeError):
        socket.if_indextoname("lo")
    with pytest.raises(TypeError):
        socket.if_nametoindex(0)


def test_sethostname_arguments():
    # Setting the name it has changes nothing for the other programs on
    # this machine; without the privilege it is EPERM.
    name = socket.gethostname()
    try:
        socket.sethostname(name)
    except OSError as exc:
        assert exc.errno == errno.EPERM
    assert socket.gethostname() == name
    with pytest.raises(TypeError):
        socket.sethostname(5)


def test_vsock_constants():
    assert socket.AF_VSOCK == 40
    assert socket.VMADDR_CID_ANY == socket.VMADDR_PORT_ANY == 0xFFFFFFFF
    assert socket.VMADDR_CID_HOST == 2
    assert socket.VM_SOCKETS_INVALID_VERSION == 0xFFFFFFFF
    assert socket.IOCTL_VM_SOCKETS_GET_LOCAL_CID == 0x7B9

"""The Python layer Lib/socket.py: socket objects wrapping the C socket
(delegation, close, accept, dup, context manager), fromfd/socketpair,
getfqdn, create_connection, and the module's names against Python 2.7's
socket module.

Peers on the other end of a connection are child processes running the
standard library's socket module (support.Peer)."""
from __future__ import print_function

import errno
import gc
import json
import os
import subprocess
import sys
import threading
import weakref

import pytest

import _socket
import support

# The 2.x layer (on 3.x: the wrapper class socket._socketobject).
socket = support.classic_socket()

PY27 = support.find_python("2.7")

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
    assert socket._socketobject.__bases__ == (_socket._socketobject,)
    assert socket._closedsocket is _socket._closedsocket
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
            assert method.__doc__ == getattr(_socket.socket, name).__doc__
            assert getattr(s, name) is method      # stored on the object
        assert set(socket._delegate_methods) == set(
            ["recv", "recvfrom", "recv_into", "recvfrom_into", "send",
             "sendto"])
    finally:
        s.close()


def test_data_methods_can_be_replaced_and_follow_sock():
    a, b = socket.socketpair()
    try:
        s = socket.socket(_sock=a._sock)
        first = s.recv
        assert first.__self__ is a._sock
        s.recv = b.recv                 # per object, as 2.7's slots allow
        assert s.recv is b.recv
        del s.recv
        assert s.recv.__self__ is a._sock and s.recv is not first
        with pytest.raises(AttributeError):
            del s.send                  # nothing stored yet
        s.recv = "replaced"
        s._sock = b._sock               # a new _sock: stored ones dropped
        assert s.recv.__self__ is b._sock
        assert s.send.__self__ is b._sock
        s.__init__(_sock=a._sock)
        assert s.send.__self__ is a._sock
    finally:
        a.close()
        b.close()


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
        bound = dict((name, getattr(a, name))
                     for name in socket._delegate_methods)
        a.close()
        assert raw.fileno() == -1
        for name in ("recv", "recv_into", "recvfrom", "recvfrom_into"):
            method = getattr(a, name)
            assert getattr(method, "__self__", None) is not raw
            arg = bytearray(1) if name.endswith("_into") else 1
            _ebadf(method, arg)
            _ebadf(bound[name], arg)    # the C socket's, closed
        for send in (a.send, bound["send"]):
            _ebadf(send, b"x")
        for sendto in (a.sendto, bound["sendto"]):
            _ebadf(sendto, b"x", "/nonexistent")
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


# -- the C type (Modules/_socket/sockwrap.c): _sock, subclasses, arguments ------------

class FakeSock(object):
    """A stand-in for the C socket: records every call it gets."""

    family = 1234
    type = 5678
    proto = 9

    def __init__(self):
        self.calls = []

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)

        def method(*args, **kwargs):
            self.calls.append((name, args, kwargs))
            return (name, args)
        return method


def test_sock_is_shared_by_objects_made_with_it():
    a, b = socket.socketpair()
    try:
        twin = socket.socket(_sock=a._sock)
        assert twin._sock is a._sock
        assert twin.fileno() == a.fileno()
        twin.sendall(b"from twin")
        assert recv_exactly(b, 9) == b"from twin"
        b.sendall(b"to a")
        assert recv_exactly(a, 4) == b"to a"
        # Closing one closes the C socket they share, as before.
        twin.close()
        _ebadf(twin.fileno)
        assert a.fileno() == -1
        assert b.recv(1) == b""
    finally:
        a.close()
        b.close()


def test_sock_can_be_any_object_and_is_writable():
    s = socket.socket()
    raw = s._sock
    try:
        fake = FakeSock()
        s._sock = fake
        assert s._sock is fake
        assert s.bind(("x", 1)) == ("bind", (("x", 1),))
        assert s.connect_ex("addr") == ("connect_ex", ("addr",))
        assert s.getsockopt(1, 2, 3) == ("getsockopt", (1, 2, 3))
        assert s.fileno() == ("fileno", ())
        assert s.recv(10, flags=1) == ("recv", (10,))
        assert s.recv_into(bytearray(3), nbytes=2) == ("recv_into",
                                                        (bytearray(3),))
        assert s.sendto(b"x", ("h", 1)) == ("sendto", (b"x", ("h", 1)))
        assert s.settimeout(timeout=2.5) is None
        assert s.setblocking(0) is None
        assert (s.family, s.type, s.proto) == (1234, 5678, 9)
        assert fake.calls == [
            ("bind", (("x", 1),), {}), ("connect_ex", ("addr",), {}),
            ("getsockopt", (1, 2, 3), {}), ("fileno", (), {}),
            ("recv", (10,), {"flags": 1}),
            ("recv_into", (bytearray(3),), {"nbytes": 2}),
            ("sendto", (b"x", ("h", 1)), {}), ("settimeout", (2.5,), {}),
            ("setblocking", (0,), {})]
        # The C socket again: straight back to C.
        s._sock = raw
        assert s.fileno() == raw.fileno() >= 0
        # close() closes whatever _sock holds, through its close().
        s._sock = fake
        s.close()
        assert fake.calls[-1] == ("close", (), {})
        assert isinstance(s._sock, socket._closedsocket)
        _ebadf(s.fileno)
    finally:
        raw.close()


def test_deleted_or_unset_sock_is_an_attribute_error():
    s = socket.socket()
    raw = s._sock
    try:
        del s._sock
        with pytest.raises(AttributeError):
            s._sock
        with pytest.raises(AttributeError):
            del s._sock
        for call in (s.close, s.fileno, s.dup, s.accept, s.makefile,
                     lambda: s.recv(1), lambda: s.settimeout(1.0),
                     lambda: s.family):
            with pytest.raises(AttributeError) as info:
                call()
            assert "_sock" in str(info.value)
    finally:
        raw.close()

    class NoInit(socket.socket):
        def __init__(self):
            pass

    obj = NoInit()
    with pytest.raises(AttributeError):
        obj.fileno()
    bare = socket.socket.__new__(socket.socket)
    with pytest.raises(AttributeError):
        bare.close()


def test_init_again_replaces_the_sock():
    s = socket.socket()
    raw = s._sock
    try:
        s.__init__(socket.AF_UNIX, socket.SOCK_DGRAM)
        assert s._sock is not raw
        assert (s.family, s.type) == (socket.AF_UNIX, socket.SOCK_DGRAM)
        assert raw.fileno() >= 0        # still open: we hold it
        socket.socket.__init__(s, _sock=raw)
        assert s._sock is raw
    finally:
        s.close()
    assert raw.fileno() == -1


def test_constructor_arguments():
    cases = [
        ((), {}, (socket.AF_INET, socket.SOCK_STREAM, 0)),
        ((socket.AF_INET6,), {}, (socket.AF_INET6, socket.SOCK_STREAM, 0)),
        ((socket.AF_INET, socket.SOCK_DGRAM, 0), {},
         (socket.AF_INET, socket.SOCK_DGRAM, 0)),
        ((), {"type": socket.SOCK_DGRAM},
         (socket.AF_INET, socket.SOCK_DGRAM, 0)),
        ((socket.AF_UNIX,), {"_sock": None},
         (socket.AF_UNIX, socket.SOCK_STREAM, 0)),
        ((socket.AF_UNIX, socket.SOCK_STREAM, 0, None), {},
         (socket.AF_UNIX, socket.SOCK_STREAM, 0)),
        ((True, socket.SOCK_STREAM), {}, (1, socket.SOCK_STREAM, 0)),
    ]
    for args, kwargs, expected in cases:
        s = socket.socket(*args, **kwargs)
        try:
            assert type(s._sock) is _socket.socket
            assert (s.family, s.type, s.proto) == expected, (args, kwargs)
        finally:
            s.close()
    raw = _socket.socket()
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM, 0, raw)
    assert s._sock is raw and s.family == socket.AF_INET
    s.close()


def test_constructor_with_a_default_timeout():
    old = socket.getdefaulttimeout()
    socket.setdefaulttimeout(2.5)
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    finally:
        socket.setdefaulttimeout(old)
    try:
        assert s.gettimeout() == pytest.approx(2.5)
        assert s._sock.gettimeout() == pytest.approx(2.5)
    finally:
        s.close()


def test_fast_and_general_constructors_agree():
    # sockwrap.c's fast path: socket(family, type[, proto]) with plain ints
    # and no keywords; the same call spelled with keywords or _sock=None,
    # or on a subclass with an __init__ of its own, goes the general way.
    class Own(socket.socket):
        __slots__ = ()

        def __init__(self, *args, **kwargs):
            socket.socket.__init__(self, *args, **kwargs)

    def describe(make):
        try:
            s = make()
        except Exception as e:
            return type(e), e.args
        try:
            return (type(s._sock), s.family, s.type, s.proto, s.gettimeout(),
                    s._sock.gettimeout())
        finally:
            s.close()

    calls = [(), (socket.AF_INET,), (socket.AF_INET6, socket.SOCK_DGRAM),
             (socket.AF_UNIX, socket.SOCK_STREAM, 0),
             (socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP),
             (-1,), (socket.AF_INET, 9999), (socket.AF_INET, 2 ** 40)]
    old = socket.getdefaulttimeout()
    try:
        for default in (None, 1.5, 0.0):
            socket.setdefaulttimeout(default)
            for args in calls:
                names = ("family", "type", "proto")[:len(args)]
                fast = describe(lambda: socket.socket(*args))
                for general in (
                        lambda: socket.socket(**dict(zip(names, args))),
                        lambda: socket.socket(*args, _sock=None),
                        lambda: Own(*args)):
                    assert describe(general) == fast, (args, default)
    finally:
        socket.setdefaulttimeout(old)


def _refcount_kept(obj, call):
    """Calls call(obj) many times, each raising TypeError/ValueError/
    OverflowError; obj's reference count must come back as it was."""
    before = sys.getrefcount(obj)
    for _ in range(200):
        with pytest.raises((TypeError, ValueError, OverflowError)):
            call(obj)
    assert sys.getrefcount(obj) == before


def test_bad_arguments_raise_and_leak_nothing():
    s = socket.socket()
    try:
        bad = object()
        text = "not a number"
        for call in (
                lambda x: socket.socket(x),
                lambda x: socket.socket(socket.AF_INET, x),
                lambda x: socket.socket(1, 2, 3, None, x),
                lambda x: socket.socket(family=x),
                lambda x: socket.socket(nonsense=x),
                lambda x: s.settimeout(x),
                lambda x: s.settimeout(timeout=x, other=1),
                lambda x: s.setblocking(x, 1),
                lambda x: s.fileno(x),
                lambda x: s.fileno(key=x),
                lambda x: s.bind(x),
                lambda x: s.listen(x),
                lambda x: s.recv(x),
                lambda x: s.recv(1, nonsense=x),
                lambda x: s.send(b"", x),
                lambda x: s.makefile("r", 1, x),
                lambda x: s.makefile(nonsense=x),
                lambda x: s.close(x),
                lambda x: s.accept(x),
                lambda x: s.dup(x)):
            _refcount_kept(bad, call)
            _refcount_kept(text, call)
        with pytest.raises(TypeError):
            s.settimeout()
        with pytest.raises(TypeError):
            s.setblocking()
        with pytest.raises(TypeError):
            s.bind()
        with pytest.raises(ValueError):
            s.settimeout(-1.0)
        with pytest.raises(OverflowError):
            s.bind(("127.0.0.1", 70000))
        with pytest.raises(AttributeError):
            s.family = 3
        with pytest.raises(AttributeError):
            s.no_such_attribute = 1
        assert s.fileno() >= 0          # none of it harmed the socket
    finally:
        s.close()


def test_wrong_arity_errors_are_the_c_sockets():
    s = socket.socket()
    try:
        for name, args in (("fileno", (1,)), ("listen", ()),
                           ("listen", (1, 2)), ("shutdown", ()),
                           ("getsockname", (1,)), ("recv", ())):
            with pytest.raises(TypeError) as ours:
                getattr(s, name)(*args)
            with pytest.raises(TypeError) as theirs:
                getattr(s._sock, name)(*args)
            assert str(ours.value) == str(theirs.value), name
    finally:
        s.close()


def test_every_method_fails_with_ebadf_after_close():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    a, b = socket.socketpair()
    try:
        for s in (listener, a):
            s.close()
            s.close()
            assert isinstance(s._sock, socket._closedsocket)
            for name in socket._socketmethods:
                args = {"bind": (("127.0.0.1", 0),),
                        "connect": (("127.0.0.1", 1),),
                        "connect_ex": (("127.0.0.1", 1),),
                        "listen": (1,), "getsockopt": (1, 2),
                        "setsockopt": (1, 2, 3), "sendall": (b"x",),
                        "shutdown": (socket.SHUT_RDWR,)}.get(name, ())
                _ebadf(getattr(s, name), *args)
            for name in ("recv", "recvfrom"):
                _ebadf(getattr(s, name), 1)
            for name in ("recv_into", "recvfrom_into"):
                _ebadf(getattr(s, name), bytearray(1))
            _ebadf(s.send, b"x")
            _ebadf(s.sendto, b"x", ("127.0.0.1", 1))
            for name in ("accept", "dup", "makefile"):
                _ebadf(getattr(s, name))
            _ebadf(s.settimeout, None)
            _ebadf(s.setblocking, True)
            for name in ("family", "type", "proto"):
                _ebadf(getattr, s, name)
            with s:             # __exit__'s close() is harmless too
                pass
        assert b.recv(1) == b""
    finally:
        b.close()


def test_close_keeps_dup_and_file_open():
    a, b = socket.socketpair()
    try:
        c = a.dup()
        f = a.makefile("rb")
        a.close()
        b.sendall(b"one\n")
        assert f.readline() == b"one\n"
        b.sendall(b"two")
        assert recv_exactly(c, 3) == b"two"
        f.close()
        c.sendall(b"back")
        assert recv_exactly(b, 4) == b"back"
        c.close()
        assert b.recv(1) == b""
    finally:
        b.close()


def test_closedsocket_itself():
    closed = socket._closedsocket()
    for name in socket._delegate_methods:
        _ebadf(getattr(closed, name))
    _ebadf(lambda: closed._dummy(1, x=2))
    _ebadf(getattr, closed, "fileno")
    _ebadf(getattr, closed, "family")


def test_accept_returns_the_base_type_from_a_subclass():
    class Listener(socket.socket):
        pass

    lst = Listener()
    try:
        lst.bind(("127.0.0.1", 0))
        lst.listen(1)
        c = socket.create_connection(lst.getsockname())
        try:
            conn, addr = lst.accept()
            try:
                assert type(conn) is socket.socket
                assert type(conn._sock) is _socket.socket
                assert addr == c.getsockname()
            finally:
                conn.close()
        finally:
            c.close()
    finally:
        lst.close()


def test_accept_through_a_python_sock():
    a, b = socket.socketpair()

    class Accepting(object):
        def accept(self):
            return [a._sock, "peer"]

    s = socket.socket(_sock=Accepting())
    try:
        conn, addr = s.accept()
        assert type(conn) is socket.socket
        assert conn._sock is a._sock and addr == "peer"
        Accepting.accept = lambda self: (1, 2, 3)
        with pytest.raises(ValueError):
            s.accept()
    finally:
        a.close()
        b.close()


def test_subclass_methods_and_context_manager():
    closed = []

    class Recording(socket.socket):
        def close(self):
            closed.append(self)
            socket.socket.close(self)

        def sendall(self, data, flags=0):
            return socket.socket.sendall(self, data.upper(), flags)

    a, b = socket.socketpair()
    try:
        w = Recording(_sock=a._sock)
        w.extra = "subclasses have a __dict__"
        with w as entered:
            assert entered is w
            w.sendall(b"shout")
            assert recv_exactly(b, 5) == b"SHOUT"
        assert closed == [w]
        _ebadf(w.fileno)
        with pytest.raises(AttributeError):     # nothing stored
            delattr(socket.socket(_sock=a._sock), "recv")
    finally:
        a.close()
        b.close()


def test_weak_references_and_collection():
    s = socket.socket()
    gone = []
    ref = weakref.ref(s, gone.append)
    raw = weakref.ref(s._sock)
    assert ref() is s
    del s
    assert ref() is None and gone == [ref]
    assert raw() is None                # the C socket went with it
    # A cycle through _sock is collected.
    s = socket.socket()
    raw_sock = s._sock
    holder = FakeSock()
    holder.owner = s
    s._sock = holder
    ref = weakref.ref(s)
    del s, holder
    gc.collect()
    assert ref() is None
    raw_sock.close()


def test_repr_and_docs():
    s = socket.socket()
    try:
        assert repr(s).startswith("<socket._socketobject object at ")
        assert socket.socket.__name__ == "_socketobject"
        assert socket.socket.__module__ == "socket"
        assert socket.socket.__doc__ == _socket.socket.__doc__
        for name in ("close", "accept", "dup", "makefile", "settimeout",
                     "setblocking"):
            assert getattr(socket.socket, name).__doc__.startswith(name)
    finally:
        s.close()


def test_class_attributes_can_be_patched(monkeypatch):
    calls = []
    original = socket.socket.connect_ex

    def connect_ex(self, address):
        calls.append(address)
        return original(self, address)

    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket.socket, "marker", "set on the class",
                        raising=False)
    s = socket.socket()
    try:
        assert s.marker == "set on the class"
        holder, port = _refused_port()
        try:
            assert s.connect_ex(("127.0.0.1", port)) == errno.ECONNREFUSED
        finally:
            holder.close()
        assert calls == [("127.0.0.1", port)]
    finally:
        s.close()


def test_patched_init_and_class_apply_to_new_objects(monkeypatch):
    made = []
    original = socket.socket.__init__

    def __init__(self, *args, **kwargs):
        made.append(args)
        original(self, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "__init__", __init__)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        assert made == [(socket.AF_INET, socket.SOCK_DGRAM)]
        assert s.type == socket.SOCK_DGRAM
        c = s.dup()             # _socketobject(_sock=...) as 2.7 makes it
        assert made[-1] == () and type(c) is socket.socket
        c.close()
    finally:
        s.close()
    monkeypatch.undo()

    class Other(socket.socket):
        pass

    monkeypatch.setattr(socket, "_socketobject", Other)
    s = socket.socket()
    try:
        assert type(s) is socket.socket
        c = s.dup()
        assert type(c) is Other
        c.close()
    finally:
        s.close()


def test_makefile_takes_the_current_fileobject_and_files_follow(monkeypatch):
    made = []

    class Recorder(object):
        def __init__(self, sock, mode="rb", bufsize=-1, close=False):
            made.append((sock, mode, bufsize, close))

    a, b = socket.socketpair()
    try:
        monkeypatch.setattr(socket, "_fileobject", Recorder)
        assert a._files is None
        a.makefile()
        a.makefile("wb", 0)
        a.makefile(bufsize=5, mode="r+b")
        assert [m[1:] for m in made] == [("r", -1, True), ("wb", 0, True),
                                         ("r+b", 5, True)]
        socks = [m[0] for m in made]
        for sock in socks:
            assert type(sock) is _socket.socket
            assert sock.fileno() not in (-1, a.fileno())
        assert len(a._files) == 3
        a.settimeout(4.0)
        assert [sock.gettimeout() for sock in socks] == [4.0] * 3
        socks[0].close()
        a.setblocking(False)
        assert [sock.gettimeout() for sock in socks[1:]] == [0.0] * 2
        assert len(a._files) == 2
        del made[:]
        for sock in socks:
            sock.close()
        del socks, sock
        a.settimeout(None)
        assert a._files == []
        monkeypatch.delattr(socket, "_fileobject")
        with pytest.raises(NameError):      # as a global of socket.py
            a.makefile()
    finally:
        a.close()
        b.close()


def test_makefile_failure_closes_the_duplicate(monkeypatch):
    made = []

    def failing(sock, *args, **kwargs):
        made.append(sock)
        raise RuntimeError("no file today")

    a, b = socket.socketpair()
    try:
        monkeypatch.setattr(socket, "_fileobject", failing)
        with pytest.raises(RuntimeError):
            a.makefile()
        assert made[0].fileno() == -1
        assert not a._files
    finally:
        a.close()
        b.close()


def test_dup_through_a_python_sock():
    a, b = socket.socketpair()
    a.settimeout(3.0)

    class Duplicating(object):
        def dup(self):
            return a._sock.dup()

        def gettimeout(self):
            return 1.5

    try:
        s = socket.socket(_sock=Duplicating())
        c = s.dup()
        try:
            assert type(c) is socket.socket
            assert c.gettimeout() == 1.5        # the Python sock's timeout
            c.sendall(b"dup")
            assert recv_exactly(b, 3) == b"dup"
        finally:
            c.close()
    finally:
        a.close()
        b.close()


def test_close_from_another_thread_during_recv():
    a, b = socket.socketpair()
    outcome = []
    started = threading.Event()

    def reader():
        started.set()
        try:
            outcome.append(a.recv(10))
        except socket.error as exc:
            outcome.append(exc.args[0])

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        started.wait(10)
        a.close()
        try:
            b.sendall(b"x")     # wakes a recv() that began before close()
        except socket.error as exc:
            assert exc.args[0] == errno.EPIPE   # it had not begun
    finally:
        thread.join(10)
        b.close()
    assert not thread.is_alive()
    assert outcome in ([b"x"], [errno.EBADF])


@pytest.mark.skipif(support.PY3, reason="Python 2.7's ssl module")
def test_python27_ssl_sockets_on_our_socket_objects():
    import ssl
    cert = os.path.join(os.path.dirname(os.__file__), "test", "keycert.pem")
    if not os.path.exists(cert):
        pytest.skip("no test certificate at %s" % cert)
    a, b = socket.socketpair()
    server = client = None
    try:
        server = ssl.wrap_socket(a, server_side=True, certfile=cert,
                                 do_handshake_on_connect=False)
        client = ssl.wrap_socket(b, cert_reqs=ssl.CERT_NONE,
                                 do_handshake_on_connect=False)
        assert server._sock is a._sock and client._sock is b._sock
        # ssl.py's own data methods, not ours
        assert server.recv.__func__ is ssl.SSLSocket.__dict__["recv"]
        errors = []

        def handshake():
            try:
                server.do_handshake()
            except Exception as exc:
                errors.append(exc)

        thread = threading.Thread(target=handshake)
        thread.start()
        client.do_handshake()
        thread.join(10)
        assert not errors
        client.sendall(b"secret")
        assert server.recv(6) == b"secret"
        f = server.makefile("wb")
        f.write(b"a line\n")
        f.close()
        g = client.makefile("rb")
        assert g.readline() == b"a line\n"
        g.close()
        assert server.fileno() == a.fileno() >= 0
    finally:
        for s in (server, client, a, b):
            if s is not None:
                s.close()


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
            # the module's own class: on 3.x Python 3's (not the 2.x layer)
            assert type(s) is (socket._module.socket if support.PY3
                               else socket.socket)
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
    if PY27 is None:
        pytest.fail("Python 2.7 is required (Tools/pyfind.sh found none)")
    code = ("import json, socket\n"
            "assert 'site-packages' in socket.__file__ or "
            "'python2.7' in socket.__file__, socket.__file__\n"
            "print(json.dumps(sorted(socket.__all__)))\n")
    out = subprocess.check_output([PY27, "-c", code],
                                  env=support.other_interpreter_env(), cwd="/")
    return json.loads(out.decode("ascii"))


# Names of 2.7's socket module that its __all__ leaves out: ssl() and what
# it took from _ssl (Tests/test_ssl.py compares their values), and meth.
PY27_NAMES_NOT_IN_ALL = [
    "ssl", "sslerror", "RAND_add", "RAND_status", "SSL_ERROR_ZERO_RETURN",
    "SSL_ERROR_WANT_READ", "SSL_ERROR_WANT_WRITE",
    "SSL_ERROR_WANT_X509_LOOKUP", "SSL_ERROR_SYSCALL", "SSL_ERROR_SSL",
    "SSL_ERROR_WANT_CONNECT", "SSL_ERROR_EOF", "SSL_ERROR_INVALID_ERROR_CODE",
    "meth"]


def test_every_name_of_python27s_socket_module_exists():
    names = _python27_socket_all()
    assert len(names) >= 240
    missing = [name for name in names + PY27_NAMES_NOT_IN_ALL
               if not hasattr(socket, name)]
    assert not missing
    assert set(names) <= set(socket.__all__)
    assert not set(PY27_NAMES_NOT_IN_ALL) & set(names)
    assert not set(PY27_NAMES_NOT_IN_ALL) & set(socket.__all__)
    for private in ("_fileobject", "_socketobject", "_GLOBAL_DEFAULT_TIMEOUT",
                    "_delegate_methods", "_realsocket", "_closedsocket",
                    "_socketmethods"):
        assert hasattr(socket, private), private


def test_all_lists_the_c_modules_public_names_and_exists():
    public = [n for n in dir(_socket) if not n.startswith("_")
              and n not in PY27_NAMES_NOT_IN_ALL]
    assert set(public) <= set(socket.__all__)
    assert "getfqdn" in socket.__all__
    assert "create_connection" in socket.__all__
    for name in socket.__all__:
        assert hasattr(socket, name), name
    assert "ssl" not in socket.__all__
    namespace = {}
    exec("from socket import *", namespace)
    if support.PY3:
        # Python 3's names (Tests/test_socket3.py)
        assert namespace["socket"] is socket._module.socket
        assert namespace["SocketType"] is _socket.socket
        assert namespace["error"] is _socket.error is OSError
    else:
        assert namespace["socket"] is socket.socket
        assert namespace["SocketType"] is socket.socket
        assert namespace["error"] is _socket.error


def test_errno_names():
    assert socket.EBADF == errno.EBADF
    assert socket.EINTR == errno.EINTR

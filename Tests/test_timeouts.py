"""Timeouts and non-blocking mode of _socket.socket, as CPython 2.7
documents them: None blocks, 0.0 is non-blocking, > 0 waits in poll() up to
the timeout and raises socket.timeout.  Timing asserts have a strict lower
bound and a generous upper bound."""
import errno
import fcntl
import hashlib
import math
import os
import time

import pytest

import _socket
import support

clock = getattr(time, "monotonic", time.time)

# slack for comparing our CLOCK_MONOTONIC deadline with the test's clock
EPSILON = 0.002
UPPER = 10.0

EAGAIN = (errno.EAGAIN, errno.EWOULDBLOCK)

ECHO_SERVER = """
import socket
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.bind(('127.0.0.1', 0))
srv.listen(1)
print('READY %d' % srv.getsockname()[1])
conn, addr = srv.accept()
while True:
    data = conn.recv(65536)
    if not data:
        break
    conn.sendall(data)
conn.close()
"""


def nonblocking(sock):
    return bool(fcntl.fcntl(sock.fileno(), fcntl.F_GETFL) & os.O_NONBLOCK)


def stop(peer):
    if not peer.proc.stdout.closed:
        peer.close()


def payload(count):
    block = bytes(bytearray(i % 253 for i in range(65536)))
    return (block * (count // len(block) + 1))[:count]


def drain(sock):
    """Everything already queued on sock, without waiting for more."""
    sock.setblocking(False)
    chunks = []
    while True:
        try:
            data = sock.recv(1 << 20)
        except _socket.error as e:
            assert e.args[0] in EAGAIN
            break
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks)


def full_backlog():
    """A listener whose accept queue is full, so that a further connect()
    gets no answer (its SYN is dropped).  Returns (listener, fillers)."""
    srv = _socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(0)
    fillers = []
    for _ in range(32):
        c = _socket.socket()
        c.settimeout(0.25)
        try:
            c.connect(srv.getsockname())
        except _socket.timeout:
            c.close()
            return srv, fillers
        fillers.append(c)
    for c in fillers:
        c.close()
    srv.close()
    pytest.skip("could not fill the listen backlog")


def close_all(*socks):
    for s in socks:
        if isinstance(s, list):
            close_all(*s)
        else:
            s.close()


def timed(call, *args):
    start = clock()
    try:
        call(*args)
    except Exception as e:  # noqa: B902
        return e, clock() - start
    return None, clock() - start


@pytest.fixture
def pair():
    a, b = _socket.socketpair()
    yield a, b
    a.close()
    b.close()


@pytest.fixture
def default_timeout():
    old = _socket.getdefaulttimeout()
    yield
    _socket.setdefaulttimeout(old)


# ---- values ---------------------------------------------------------------

def test_settimeout_values(pair):
    a, b = pair
    assert a.gettimeout() is None and a.timeout == -1.0
    assert not nonblocking(a)
    a.settimeout(2.5)
    assert a.gettimeout() == 2.5 and a.timeout == 2.5
    assert type(a.gettimeout()) is float
    assert nonblocking(a)
    a.settimeout(3)
    assert a.gettimeout() == 3.0 and type(a.gettimeout()) is float
    a.settimeout(0)
    assert a.gettimeout() == 0.0 and nonblocking(a)
    a.settimeout(None)
    assert a.gettimeout() is None and a.timeout == -1.0
    assert not nonblocking(a)
    a.settimeout(1e-9)
    assert 0 < a.gettimeout() <= 1e-8


def test_settimeout_bad_values(pair):
    a, b = pair
    a.settimeout(1.0)
    for bad in (-1, -0.5, -1e-9):
        with pytest.raises(ValueError) as info:
            a.settimeout(bad)
        assert str(info.value) == "Timeout value out of range"
    with pytest.raises(ValueError):
        a.settimeout(float("nan"))
    with pytest.raises(OverflowError):
        a.settimeout(1e300)
    for bad in ("1", [], object()):
        with pytest.raises(TypeError):
            a.settimeout(bad)
    with pytest.raises(TypeError):
        a.settimeout()
    assert a.gettimeout() == 1.0        # unchanged by the failures


def test_setblocking(pair):
    a, b = pair
    a.setblocking(False)
    assert a.gettimeout() == 0.0 and nonblocking(a)
    a.setblocking(True)
    assert a.gettimeout() is None and not nonblocking(a)
    a.setblocking(0)
    assert a.gettimeout() == 0.0
    a.setblocking(1)
    assert a.gettimeout() is None
    a.settimeout(4.0)
    a.setblocking(True)
    assert a.gettimeout() is None and not nonblocking(a)
    with pytest.raises(TypeError):
        a.setblocking("yes")
    with pytest.raises(TypeError):
        a.setblocking()


def test_default_timeout_values(default_timeout):
    assert _socket.getdefaulttimeout() is None
    _socket.setdefaulttimeout(0.25)
    assert _socket.getdefaulttimeout() == 0.25
    _socket.setdefaulttimeout(0)
    assert _socket.getdefaulttimeout() == 0.0
    s = _socket.socket()
    try:
        assert s.gettimeout() == 0.0 and nonblocking(s)
    finally:
        s.close()
    _socket.setdefaulttimeout(None)
    assert _socket.getdefaulttimeout() is None
    with pytest.raises(ValueError) as info:
        _socket.setdefaulttimeout(-1)
    assert str(info.value) == "Timeout value out of range"
    with pytest.raises(TypeError):
        _socket.setdefaulttimeout("x")
    assert _socket.getdefaulttimeout() is None


def test_timeout_is_a_socket_error():
    assert issubclass(_socket.timeout, _socket.error)


# ---- timeouts raised ----------------------------------------------------------

@pytest.mark.parametrize("timeout", [0.3, 0.05])
def test_recv_times_out(pair, timeout):
    a, b = pair
    b.settimeout(timeout)
    err, elapsed = timed(b.recv, 10)
    assert isinstance(err, _socket.timeout), err
    assert err.args == ("timed out",) and str(err) == "timed out"
    assert timeout - EPSILON <= elapsed < UPPER
    # the socket is still usable afterwards
    a.sendall(b"late")
    assert b.recv(10) == b"late"


def test_tiny_timeout_still_waits_for_it(pair):
    a, b = pair
    b.settimeout(0.001)
    err, elapsed = timed(b.recv, 1)
    assert isinstance(err, _socket.timeout)
    assert 0.001 - EPSILON <= elapsed < UPPER


def test_other_receives_time_out(pair):
    a, b = pair
    b.settimeout(0.1)
    for call, args in ((b.recv_into, (bytearray(4),)),
                       (b.recvfrom, (4,)),
                       (b.recvfrom_into, (bytearray(4),))):
        err, elapsed = timed(call, *args)
        assert isinstance(err, _socket.timeout), (call, err)
        assert 0.1 - EPSILON <= elapsed < UPPER


def test_accept_times_out():
    srv = _socket.socket()
    try:
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)
        srv.settimeout(0.3)
        err, elapsed = timed(srv.accept)
        assert isinstance(err, _socket.timeout), err
        assert 0.3 - EPSILON <= elapsed < UPPER
        # and accepts within the timeout when a client comes
        c = _socket.socket()
        try:
            c.connect(srv.getsockname())
            conn, addr = srv.accept()
            assert addr == c.getsockname()
            assert conn.gettimeout() is None    # the default, as 2.7
            conn.close()
        finally:
            c.close()
    finally:
        srv.close()


def test_connect_times_out_on_full_backlog():
    srv, fillers = full_backlog()
    c = _socket.socket()
    try:
        c.settimeout(0.4)
        err, elapsed = timed(c.connect, srv.getsockname())
        assert isinstance(err, _socket.timeout), err
        assert 0.4 - EPSILON <= elapsed < UPPER
    finally:
        close_all(c, fillers, srv)


def test_connect_ex_timeout_returns_ewouldblock():
    srv, fillers = full_backlog()
    c = _socket.socket()
    try:
        c.settimeout(0.3)
        start = clock()
        rc = c.connect_ex(srv.getsockname())
        elapsed = clock() - start
        assert rc == errno.EWOULDBLOCK      # as CPython 2.7
        assert 0.3 - EPSILON <= elapsed < UPPER
    finally:
        close_all(c, fillers, srv)


def test_connect_with_timeout_succeeds_and_fails_normally():
    srv = _socket.socket()
    try:
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)
        c = _socket.socket()
        try:
            c.settimeout(5.0)
            c.connect(srv.getsockname())
            assert c.getpeername() == srv.getsockname()
            conn, addr = srv.accept()
            conn.close()
        finally:
            c.close()
    finally:
        srv.close()
    holder = _socket.socket()
    holder.bind(("127.0.0.1", 0))   # bound, not listening: refused
    try:
        c = _socket.socket()
        c.settimeout(5.0)
        with pytest.raises(_socket.error) as info:
            c.connect(holder.getsockname())
        assert info.value.args[0] == errno.ECONNREFUSED
        assert not isinstance(info.value, _socket.timeout)
        c.close()
        c = _socket.socket()
        c.settimeout(5.0)
        assert c.connect_ex(holder.getsockname()) == errno.ECONNREFUSED
        c.close()
    finally:
        holder.close()


def test_recv_waits_for_data_within_timeout():
    peer = support.Peer(ECHO_SERVER)
    try:
        c = _socket.socket()
        try:
            c.settimeout(UPPER)
            c.connect(("127.0.0.1", peer.port))
            for i in range(20):
                text = str(i).encode("ascii")
                c.sendall(text)
                start = clock()
                assert c.recv(10) == text
                assert clock() - start < UPPER
        finally:
            c.close()
        peer.finish()
    finally:
        stop(peer)


def test_send_times_out_when_buffer_full(pair):
    a, b = pair
    a.setsockopt(_socket.SOL_SOCKET, _socket.SO_SNDBUF, 4096)
    total = 0
    try:
        while True:
            total += a.send(b"f" * 65536, _socket.MSG_DONTWAIT)
    except _socket.error as e:
        assert e.args[0] in EAGAIN
    a.settimeout(0.2)
    err, elapsed = timed(a.send, b"more")
    assert isinstance(err, _socket.timeout), err
    assert 0.2 - EPSILON <= elapsed < UPPER
    assert drain(b) == b"f" * total


# Calls on a socket with a timeout are first made with the GIL held
# (Modules/_socket/sockcall.h); one that cannot go at once waits in poll() for the
# rest of the timeout, as before.

def fill(sock):
    total = 0
    while True:
        try:
            total += sock.send(b"f" * 1024, _socket.MSG_DONTWAIT)
        except _socket.error as e:
            assert e.args[0] in EAGAIN
            return total


@pytest.mark.parametrize("kind", [_socket.SOCK_STREAM, _socket.SOCK_DGRAM])
def test_small_send_on_full_buffer_times_out_or_waits_for_room(kind):
    import threading
    a, b = _socket.socketpair(_socket.AF_UNIX, kind)
    try:
        queued = fill(a)
        a.settimeout(0.2)
        for call in (a.send, a.sendall):
            err, elapsed = timed(call, b"x")
            assert isinstance(err, _socket.timeout), err
            assert 0.2 - EPSILON <= elapsed < UPPER
        # room made while it waits: it sends within the timeout
        a.settimeout(UPPER)
        result = []
        thread = threading.Thread(target=lambda: result.append(
            a.send(b"small")))
        thread.start()
        thread.join(0.2)
        assert thread.is_alive()
        b.settimeout(UPPER)
        for _ in range(queued // 1024 if kind == _socket.SOCK_DGRAM else 1):
            b.recv(queued)
        thread.join(UPPER)
        assert result == [5]
    finally:
        close_all(a, b)


def test_datagram_recv_times_out_then_gets_what_comes():
    a = _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)
    b = _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)
    try:
        a.bind(("127.0.0.1", 0))
        b.bind(("127.0.0.1", 0))
        b.settimeout(0.1)
        for call, args in ((b.recv, (8,)), (b.recvfrom, (8,)),
                           (b.recvfrom_into, (bytearray(8),))):
            err, elapsed = timed(call, *args)
            assert isinstance(err, _socket.timeout), (call, err)
            assert 0.1 - EPSILON <= elapsed < UPPER
        b.settimeout(UPPER)
        for i in range(3):
            a.sendto(("d%d" % i).encode("ascii"), b.getsockname())
        assert b.recvfrom(8) == (b"d0", a.getsockname())
        assert b.recv(8) == b"d1"
        assert b.recvfrom_into(bytearray(8)) == (2, a.getsockname())
        b.settimeout(0.1)
        err, elapsed = timed(b.recv, 8)     # nothing left: waits again
        assert isinstance(err, _socket.timeout), err
        assert 0.1 - EPSILON <= elapsed < UPPER
    finally:
        close_all(a, b)


# ---- sendall: timeouts with `sent`, nothing lost or duplicated --------------

def test_sendall_timeout_reports_sent_and_loses_nothing(pair):
    a, b = pair
    data = payload(16 * 1024 * 1024)
    a.settimeout(0.3)
    err, elapsed = timed(a.sendall, data)
    assert isinstance(err, _socket.timeout), err
    assert 0.3 - EPSILON <= elapsed < UPPER
    assert type(err.sent) is int
    assert 0 < err.sent < len(data)
    received = drain(b)
    assert len(received) == err.sent
    assert received == data[:err.sent]


def test_sendall_timeout_against_stdlib_peer():
    data = payload(32 * 1024 * 1024)
    peer = support.Peer(support.SINK, args=("hold",))
    try:
        c = _socket.socket()
        try:
            c.connect(("127.0.0.1", peer.port))
            assert peer.readline() == "ACCEPTED"
            c.settimeout(0.5)
            err, elapsed = timed(c.sendall, data)
            assert isinstance(err, _socket.timeout), err
            assert 0.5 - EPSILON <= elapsed < UPPER
            sent = err.sent
            assert 0 < sent < len(data)
        finally:
            c.close()
        peer.proc.stdin.write(b"go\n")
        peer.proc.stdin.flush()
        line = peer.readline(timeout=60)
        expected = data[:sent]
        assert line == "GOT %d %s" % (len(expected),
                                       hashlib.md5(expected).hexdigest())
        status, out, err = peer.finish()
        assert status == 0, err
    finally:
        stop(peer)


def test_sendall_nonblocking_raises_eagain_with_sent(pair):
    a, b = pair
    data = payload(16 * 1024 * 1024)
    a.setblocking(False)
    with pytest.raises(_socket.error) as info:
        a.sendall(data)
    assert info.value.args[0] in EAGAIN
    assert not isinstance(info.value, _socket.timeout)
    sent = info.value.sent
    assert 0 < sent < len(data)
    assert drain(b) == data[:sent]


# ---- non-blocking mode --------------------------------------------------------

def test_nonblocking_mode_raises_eagain():
    a, b = _socket.socketpair()
    srv = _socket.socket()
    try:
        a.setblocking(False)
        with pytest.raises(_socket.error) as info:
            a.recv(10)
        assert info.value.args[0] in EAGAIN
        assert info.value.args[1] == os.strerror(info.value.args[0])
        assert not isinstance(info.value, _socket.timeout)
        a.settimeout(0.0)
        with pytest.raises(_socket.error) as info:
            a.recv_into(bytearray(3))
        assert info.value.args[0] in EAGAIN
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)
        srv.setblocking(False)
        start = clock()
        with pytest.raises(_socket.error) as info:
            srv.accept()
        assert info.value.args[0] in EAGAIN
        assert clock() - start < UPPER
        b.sendall(b"ready")
        assert a.recv(10) == b"ready"
    finally:
        close_all(a, b, srv)


def test_nonblocking_connect():
    srv = _socket.socket()
    try:
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)
        c = _socket.socket()
        c.setblocking(False)
        with pytest.raises(_socket.error) as info:
            c.connect(srv.getsockname())
        assert info.value.args[0] == errno.EINPROGRESS
        c.close()
        c = _socket.socket()
        c.setblocking(False)
        try:
            rc = c.connect_ex(srv.getsockname())
            assert rc in (0, errno.EINPROGRESS)
            srv.settimeout(UPPER)
            conn, addr = srv.accept()
            conn.close()
        finally:
            c.close()
    finally:
        srv.close()


def test_timeout_follows_dup(pair):
    a, b = pair
    a.settimeout(0.2)
    c = a.dup()
    try:
        assert c.gettimeout() == 0.2
        err, elapsed = timed(c.recv, 1)
        assert isinstance(err, _socket.timeout)
        assert 0.2 - EPSILON <= elapsed < UPPER
    finally:
        c.close()


def test_nan_or_inf_default_rejected(default_timeout):
    with pytest.raises(ValueError):
        _socket.setdefaulttimeout(float("nan"))
    with pytest.raises(OverflowError):
        _socket.setdefaulttimeout(float("inf"))
    assert not math.isnan(_socket.getdefaulttimeout() or 0.0)


def test_blocking_socket_waits_when_a_dup_made_the_file_non_blocking(pair):
    # A dup() shares the open file, and with it O_NONBLOCK: a timeout set on
    # one makes the descriptor non-blocking for both.  The other, still in
    # blocking mode, must wait for data rather than raise EAGAIN.
    import threading
    a, b = pair
    c = a.dup()
    try:
        a.settimeout(5.0)
        assert fcntl.fcntl(c.fileno(), fcntl.F_GETFL) & os.O_NONBLOCK
        assert c.gettimeout() is None
        result = []

        def reader():
            try:
                result.append(c.recv(5))
            except Exception as exc:  # reported by the assert below
                result.append(exc)

        thread = threading.Thread(target=reader)
        thread.start()
        thread.join(0.3)            # the reader is blocked, not failed
        assert thread.is_alive(), result
        b.sendall(b"hello")
        thread.join(UPPER)
        assert result == [b"hello"]
    finally:
        c.close()


def test_blocking_socket_still_reports_so_rcvtimeo(pair):
    # EAGAIN from a descriptor that really is blocking comes from the
    # caller's own SO_RCVTIMEO: it is raised, not waited out.
    import struct
    a, b = pair
    a.setsockopt(_socket.SOL_SOCKET, _socket.SO_RCVTIMEO,
                 struct.pack("ll", 0, 100000))
    err, elapsed = timed(a.recv, 1)
    assert isinstance(err, _socket.error)
    assert err.args[0] in EAGAIN
    assert elapsed < UPPER

"""send/recv family of _socket.socket: recv, recv_into, recvfrom,
recvfrom_into, send, sendall and sendto, with and without flags, with
bytes-like inputs and bad inputs, against real peers on loopback."""
import array
import errno
import hashlib
import os
import sys

import pytest

import _socket
import support

PY3 = sys.version_info[0] >= 3

# Sends `count` bytes of a known pattern, then closes.
SOURCE = """
import socket, sys
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.bind(('127.0.0.1', 0))
srv.listen(1)
print('READY %d' % srv.getsockname()[1])
conn, addr = srv.accept()
count = int(sys.argv[1])
block = bytes(bytearray(i % 251 for i in range(65536)))
sent = 0
while sent < count:
    chunk = block[:min(len(block), count - sent)]
    conn.sendall(chunk)
    sent += len(chunk)
conn.close()
"""

# A UDP echo peer: echoes each datagram back to its sender, until 'quit'.
UDP_ECHO = """
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', 0))
print('READY %d' % s.getsockname()[1])
while True:
    data, addr = s.recvfrom(65536)
    if data == b'quit':
        break
    s.sendto(data, addr)
"""


def pattern(count):
    block = bytes(bytearray(i % 251 for i in range(65536)))
    return (block * (count // len(block) + 1))[:count]


def stop(peer):
    if not peer.proc.stdout.closed:
        peer.close()


@pytest.fixture
def pair():
    a, b = _socket.socketpair()
    yield a, b
    a.close()
    b.close()


@pytest.fixture
def tcp_pair():
    srv = _socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    c = _socket.socket()
    c.connect(srv.getsockname())
    conn, addr = srv.accept()
    srv.close()
    yield c, conn
    c.close()
    conn.close()


def recv_exactly(sock, count):
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        assert chunk, "EOF after %d of %d bytes" % (len(data), count)
        data += chunk
    return data


# ---- recv -------------------------------------------------------------------

def test_send_recv_basic(tcp_pair):
    c, s = tcp_pair
    n = c.send(b"hello world")
    assert n == 11 and type(n) is int
    assert recv_exactly(s, 11) == b"hello world"
    s.send(b"abcdef")
    assert recv_exactly(c, 3) == b"abc"
    assert c.recv(100) == b"def"


def test_recv_returns_bytes_and_short_reads(pair):
    a, b = pair
    a.sendall(b"0123456789")
    first = b.recv(4)
    assert first == b"0123" and type(first) is bytes
    assert b.recv(100) == b"456789"
    # recv(0) makes the call (as 2.7, it waits for data) and consumes nothing
    a.sendall(b"more")
    assert b.recv(0) == b""
    assert b.recv(100) == b"more"


def test_recv_eof(tcp_pair):
    c, s = tcp_pair
    c.sendall(b"last")
    c.close()
    assert recv_exactly(s, 4) == b"last"
    assert s.recv(10) == b""
    assert s.recv(10) == b""


def test_recv_flags_peek_and_dontwait(pair):
    a, b = pair
    with pytest.raises(_socket.error) as info:
        b.recv(10, _socket.MSG_DONTWAIT)
    assert info.value.args[0] in (errno.EAGAIN, errno.EWOULDBLOCK)
    a.sendall(b"peekaboo")
    assert b.recv(4, _socket.MSG_PEEK) == b"peek"
    assert b.recv(100, _socket.MSG_PEEK) == b"peekaboo"
    assert b.recv(100) == b"peekaboo"


def test_recv_bad_arguments(pair):
    a, b = pair
    with pytest.raises(ValueError) as info:
        b.recv(-1)
    assert str(info.value) == "negative buffersize in recv"
    with pytest.raises(TypeError):
        b.recv("10")
    with pytest.raises(TypeError):
        b.recv()
    with pytest.raises(TypeError):
        b.recv(1, 0, 0)
    with pytest.raises(TypeError):
        b.recv(1, flags=0)      # no keywords, as in 2.7
    with pytest.raises((OverflowError, MemoryError)):
        b.recv(2 ** 70)
    with pytest.raises(ValueError) as info:
        b.recvfrom(-5)
    assert str(info.value) == "negative buffersize in recvfrom"


def test_large_recv_from_stdlib_source():
    count = 3 * 1024 * 1024 + 17
    peer = support.Peer(SOURCE, args=(count,))
    try:
        c = _socket.socket()
        try:
            c.connect(("127.0.0.1", peer.port))
            chunks = []
            while True:
                data = c.recv(1 << 20)
                if not data:
                    break
                chunks.append(data)
            assert b"".join(chunks) == pattern(count)
        finally:
            c.close()
        status, out, err = peer.finish()
        assert status == 0, err
    finally:
        stop(peer)


# ---- recv_into --------------------------------------------------------------

def test_recv_into_buffers(pair):
    a, b = pair
    buf = bytearray(10)
    a.sendall(b"abcdef")
    n = b.recv_into(buf)
    assert n == 6 and type(n) is int
    assert bytes(buf) == b"abcdef\0\0\0\0"

    a.sendall(b"0123456789")
    buf = bytearray(b"." * 10)
    assert b.recv_into(buf, 4) == 4
    assert bytes(buf) == b"0123......"
    view = memoryview(buf)[5:8]
    assert b.recv_into(view) == 3
    assert bytes(buf) == b"0123.456.."
    assert b.recv_into(buffer=buf, nbytes=2, flags=0) == 2
    assert bytes(buf) == b"78" + b"23.456.."
    assert b.recv(1) == b"9"
    arr = array.array("b", [0] * 4)
    a.sendall(b"\x01\x02\x03")
    assert b.recv_into(arr) == 3
    assert list(arr) == [1, 2, 3, 0]


def test_recv_into_peek(pair):
    a, b = pair
    a.sendall(b"look")
    buf = bytearray(4)
    assert b.recv_into(buf, 0, _socket.MSG_PEEK) == 4
    assert b.recv(4) == b"look"


def test_recv_into_bad_arguments(pair):
    a, b = pair
    with pytest.raises(ValueError) as info:
        b.recv_into(bytearray(3), 5)
    assert str(info.value) == "buffer too small for requested bytes"
    with pytest.raises(ValueError) as info:
        b.recv_into(bytearray(3), -1)
    assert str(info.value) == "negative buffersize in recv_into"
    with pytest.raises(TypeError):
        b.recv_into(b"read-only")
    with pytest.raises(TypeError):
        b.recv_into(10)
    with pytest.raises(TypeError):
        b.recv_into()


# ---- datagrams: sendto/recvfrom/recvfrom_into ------------------------------

def test_udp_sendto_recvfrom_with_stdlib_echo():
    peer = support.Peer(UDP_ECHO)
    u = _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", 0))
        dest = ("127.0.0.1", peer.port)
        n = u.sendto(b"datagram one", dest)
        assert n == 12 and type(n) is int
        data, addr = u.recvfrom(100)
        assert (data, addr) == (b"datagram one", dest)
        assert u.sendto(b"with flags", 0, dest) == 10
        buf = bytearray(64)
        n, addr = u.recvfrom_into(buf)
        assert (bytes(buf[:n]), addr) == (b"with flags", dest)
        u.sendto(b"peek at me", dest)
        data, addr = u.recvfrom(4, _socket.MSG_PEEK)
        assert data == b"peek" and addr == dest
        buf = bytearray(64)
        n, addr = u.recvfrom_into(buf, 6, 0)
        assert n == 6 and bytes(buf[:6]) == b"peek a" and addr == dest
        u.sendto(b"quit", dest)
        status, out, err = peer.finish()
        assert status == 0, err
    finally:
        u.close()
        stop(peer)


def test_udp_connected_send_recv():
    a = _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)
    b = _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)
    try:
        a.bind(("127.0.0.1", 0))
        b.bind(("127.0.0.1", 0))
        a.connect(b.getsockname())
        a.send(b"x" * 100)
        # a datagram is cut to the buffer; the rest is lost
        assert b.recv(10) == b"x" * 10
        a.send(b"second")
        data, addr = b.recvfrom(100)
        assert data == b"second" and addr == a.getsockname()
        b.sendto(b"reply", a.getsockname())
        assert a.recv(100) == b"reply"
    finally:
        a.close()
        b.close()


def test_unix_datagram_recvfrom():
    a, b = _socket.socketpair(_socket.AF_UNIX, _socket.SOCK_DGRAM)
    try:
        a.send(b"anon")
        data, addr = b.recvfrom(10)
        assert data == b"anon"
        assert addr in (None, "", b"")     # an unnamed sender, as 2.7
    finally:
        a.close()
        b.close()


def test_sendto_bad_arguments():
    u = _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)
    try:
        with pytest.raises(TypeError) as info:
            u.sendto(b"x")
        assert "sendto() takes 2 or 3 arguments (1 given)" in str(info.value)
        with pytest.raises(TypeError) as info:
            u.sendto(b"x", 1, 2, 3)
        assert "(4 given)" in str(info.value)
        with pytest.raises(TypeError):
            u.sendto(b"x", "notflags", ("127.0.0.1", 9))
        with pytest.raises(TypeError):
            u.sendto(b"x", "not an address")
        with pytest.raises(TypeError):
            u.sendto(5, ("127.0.0.1", 9))
        with pytest.raises(OverflowError):
            u.sendto(b"x", ("127.0.0.1", 65536))
        with pytest.raises(ValueError):
            u.recvfrom_into(bytearray(2), 3)
        with pytest.raises(ValueError) as info:
            u.recvfrom_into(bytearray(2), -1)
        assert str(info.value) == "negative buffersize in recvfrom_into"
    finally:
        u.close()


# ---- send / sendall -----------------------------------------------------------

def test_send_flags_and_partial_nonblocking(pair):
    a, b = pair
    assert a.send(b"flagged", 0) == 7
    assert b.recv(10) == b"flagged"
    # MSG_DONTWAIT on a blocking socket: a big send goes out partly, then
    # EAGAIN once the buffer is full; nothing is lost on the way.
    big = b"z" * (8 * 1024 * 1024)
    total = 0
    with pytest.raises(_socket.error) as info:
        while True:
            n = a.send(big, _socket.MSG_DONTWAIT)
            assert 0 < n <= len(big)
            total += n
    assert info.value.args[0] in (errno.EAGAIN, errno.EWOULDBLOCK)
    assert total > 0
    b.setblocking(False)
    got = 0
    while True:
        try:
            data = b.recv(1 << 20)
        except _socket.error as e:
            assert e.args[0] in (errno.EAGAIN, errno.EWOULDBLOCK)
            break
        assert data == b"z" * len(data)
        got += len(data)
    assert got == total


def test_sendall_several_megabytes_to_stdlib_sink():
    count = 6 * 1024 * 1024 + 5
    payload = pattern(count)
    peer = support.Peer(support.SINK)
    try:
        c = _socket.socket()
        try:
            c.connect(("127.0.0.1", peer.port))
            assert c.sendall(payload) is None
        finally:
            c.close()
        line = peer.readline()
        assert line == "GOT %d %s" % (count, hashlib.md5(payload).hexdigest())
        status, out, err = peer.finish()
        assert status == 0, err
    finally:
        stop(peer)


def test_sendall_empty_and_flags(pair):
    a, b = pair
    assert a.sendall(b"") is None
    assert a.sendall(b"abc", 0) is None
    assert b.recv(10) == b"abc"
    with pytest.raises(TypeError):
        a.sendall(b"abc", flags=0)


def test_bytes_like_inputs(pair):
    a, b = pair
    inputs = [b"bytes", bytearray(b"bytearray"), memoryview(b"memoryview"),
              memoryview(b"..slice..")[2:7]]
    if PY3:
        inputs.append(array.array("i", [1, 2, 3]))
    else:
        inputs.append(buffer("old buffer"))  # noqa: F821
    for data in inputs:
        if PY3 or not isinstance(data, buffer):  # noqa: F821
            expected = memoryview(data).tobytes()
        else:
            expected = str(data)
        assert a.send(data) == len(expected)
        assert recv_exactly(b, len(expected)) == expected
        a.sendall(data)
        assert recv_exactly(b, len(expected)) == expected


def test_bad_send_inputs(pair):
    a, b = pair
    bad = [5, None, object(), 1.5]
    if PY3:
        bad.append(u"text is not bytes")
        bad.append(memoryview(b"abcdef")[::2])  # not contiguous
    for data in bad:
        with pytest.raises((TypeError, BufferError, ValueError)):
            a.send(data)
        with pytest.raises((TypeError, BufferError, ValueError)):
            a.sendall(data)
        with pytest.raises((TypeError, BufferError, ValueError)):
            a.sendto(data, b"")
    with pytest.raises(TypeError):
        a.send()
    with pytest.raises(TypeError):
        a.send(b"x", "flags")
    with pytest.raises(TypeError):
        a.send(b"x", 0, 0)


def test_send_to_closed_peer_raises_epipe(pair):
    a, b = pair
    b.close()
    with pytest.raises(_socket.error) as info:
        a.sendall(b"nobody" * 1000)
    assert info.value.args[0] in (errno.EPIPE, errno.ECONNRESET)
    assert info.value.sent == 0


def test_no_buffer_leak_on_bad_address():
    u = _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)
    try:
        data = bytearray(b"keep me resizable")
        with pytest.raises(TypeError):
            u.sendto(data, "bad")
        # the buffer export was released: the bytearray can still resize
        data.extend(b"!")
        buf = bytearray(8)
        with pytest.raises(ValueError):
            u.recv_into(buf, 9)
        buf.extend(b"!")
    finally:
        u.close()


def test_msg_trunc_never_returns_more_than_asked():
    a = _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)
    b = _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)
    try:
        b.bind(("127.0.0.1", 0))
        data = bytes(bytearray(range(100)))
        a.sendto(data, b.getsockname())
        # the kernel reports the datagram's full length; recv keeps only
        # the bytes that were received
        assert b.recv(10, _socket.MSG_TRUNC) == data[:10]
        a.sendto(data, b.getsockname())
        buf = bytearray(10)
        assert b.recv_into(buf, 0, _socket.MSG_TRUNC) == 100
        assert bytes(buf) == data[:10]
        a.sendto(data, b.getsockname())
        got, addr = b.recvfrom(10, _socket.MSG_TRUNC)
        assert got == data[:10] and addr[0] == "127.0.0.1"
    finally:
        a.close()
        b.close()


# ---- calls tried first without releasing the GIL (Modules/_socket/sockcall.h) --------
# A small send, and a datagram receive, first go out with MSG_DONTWAIT while
# the GIL is held; only when that would block does the usual call follow.
# What a blocking, non-blocking or timeout socket does must not change.

EAGAIN = (errno.EAGAIN, errno.EWOULDBLOCK)
UPPER = 20.0


def fill(sock):
    """Sends with MSG_DONTWAIT until the socket's buffer (or its peer's
    datagram queue) is full; returns the number of bytes queued."""
    total = 0
    while True:
        try:
            total += sock.send(b"f" * 1024, _socket.MSG_DONTWAIT)
        except _socket.error as e:
            assert e.args[0] in EAGAIN
            return total


def in_thread(call, *args):
    """Starts call(*args) in a thread; returns (thread, result list)."""
    import threading
    result = []

    def run():
        try:
            result.append(call(*args))
        except Exception as exc:  # noqa: B902 - checked by the caller
            result.append(exc)
    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


def receive_all(sock, count):
    chunks = []
    while count > 0:
        data = sock.recv(count)
        assert data
        chunks.append(data)
        count -= len(data)
    return b"".join(chunks)


@pytest.mark.parametrize("kind", [_socket.SOCK_STREAM, _socket.SOCK_DGRAM])
def test_small_send_on_a_full_buffer_blocks_until_room(kind):
    a, b = _socket.socketpair(_socket.AF_UNIX, kind)
    try:
        queued = fill(a)
        thread, result = in_thread(a.send, b"small")
        thread.join(0.3)
        assert thread.is_alive(), result       # blocked, not refused
        if kind == _socket.SOCK_STREAM:
            assert receive_all(b, queued) == b"f" * queued
        else:
            # the writer wakes once most of its memory is free again
            for _ in range(queued // 1024):
                assert b.recv(2048) == b"f" * 1024
        thread.join(UPPER)
        assert result == [5]
        assert receive_all(b, 5) == b"small"
    finally:
        a.close()
        b.close()


@pytest.mark.parametrize("kind", [_socket.SOCK_STREAM, _socket.SOCK_DGRAM])
def test_small_send_on_a_full_buffer_without_blocking_raises_eagain(kind):
    a, b = _socket.socketpair(_socket.AF_UNIX, kind)
    try:
        fill(a)
        a.setblocking(False)
        for call, args in ((a.send, (b"x",)), (a.sendall, (b"x",)),
                           (a.send, (b"x", _socket.MSG_DONTWAIT))):
            with pytest.raises(_socket.error) as info:
                call(*args)
            assert info.value.args[0] in EAGAIN
        a.setblocking(True)
        with pytest.raises(_socket.error) as info:
            a.send(b"x", _socket.MSG_DONTWAIT)  # the caller's own flag
        assert info.value.args[0] in EAGAIN
    finally:
        a.close()
        b.close()


def test_small_send_with_room_for_part_of_it_sends_it_all():
    # A blocking send returns once all its data is queued.  With a small
    # send buffer partly used, a non-blocking try queues only part of a
    # page; the rest must follow as a blocking send would send it.
    a, b = _socket.socketpair()
    try:
        a.setsockopt(_socket.SOL_SOCKET, _socket.SO_SNDBUF, 4096)
        first = a.send(b"y" * 3000)
        data = bytes(bytearray(i % 249 for i in range(4096)))
        thread, result = in_thread(receive_all, b, first + len(data))
        assert a.send(data) == len(data)
        thread.join(UPPER)
        assert result == [b"y" * first + data]
    finally:
        a.close()
        b.close()


def test_datagram_receives_block_again_once_the_data_ran_out():
    # Blocking datagram receives are tried first while data is waiting;
    # when none is, they block as before, round after round.
    a, b = _socket.socketpair(_socket.AF_UNIX, _socket.SOCK_DGRAM)
    try:
        for rnd in range(12):
            for i in range(3):
                a.send(b"%d-%d" % (rnd, i) if PY3 else "%d-%d" % (rnd, i))
            got = [b.recv(16) for _ in range(3)]
            assert got == [("%d-%d" % (rnd, i)).encode() for i in range(3)]
            call = b.recvfrom if rnd % 2 else b.recv
            thread, result = in_thread(call, 16)
            thread.join(0.05 if rnd else 0.3)
            a.send(b"late")
            thread.join(UPPER)
            assert result and result[0] in (b"late", (b"late", None),
                                            (b"late", ""), (b"late", b""))
        with pytest.raises(_socket.error) as info:
            b.recv(16, _socket.MSG_DONTWAIT)
        assert info.value.args[0] in EAGAIN
        b.settimeout(0.0)
        with pytest.raises(_socket.error) as info:
            b.recvfrom(16)
        assert info.value.args[0] in EAGAIN
    finally:
        a.close()
        b.close()


def test_datagram_error_is_reported_once_by_the_tried_receive():
    # A refused datagram leaves ECONNREFUSED on the socket: the receive that
    # finds it raises it, and the next one waits for data as usual.
    import select
    probe = _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    closed = probe.getsockname()
    probe.close()
    u = _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)
    v = _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)
    try:
        v.bind(("127.0.0.1", 0))
        u.connect(closed)
        assert u.send(b"x") == 1
        poller = select.poll()
        poller.register(u.fileno(), select.POLLERR)
        assert poller.poll(UPPER * 1000)
        with pytest.raises(_socket.error) as info:
            u.recv(16)
        assert info.value.args[0] == errno.ECONNREFUSED
        u.connect(v.getsockname())
        v.sendto(b"back", u.getsockname())
        assert u.recv(16) == b"back"
    finally:
        u.close()
        v.close()

"""socket.makefile() and the file objects it returns (socket._fileobject):
reading, writing, buffering modes, close=True, and the independence of the
file and the socket that the reference promises ("the file object
references a dup()ped version of the socket file descriptor, so the file
object and socket object may be closed or garbage-collected
independently").

Buffering is checked in-process on a socketpair, where what was sent is in
the other end's queue at once (so "not sent yet" is observable without
waiting); bulk transfers go to and from a child running the standard
library's socket module."""
from __future__ import print_function

import errno
import gc
import hashlib
import os
import random
import select
import signal
import sys
import threading
import time
import weakref

import pytest

import support

# The 2.x layer (on 3.x: the wrapper class socket._socketobject).
socket = support.classic_socket()

clock = getattr(time, "monotonic", time.time)

# slack for comparing the module's CLOCK_MONOTONIC deadline with clock()
EPSILON = 0.002
UPPER = 10.0


@pytest.fixture
def pair():
    a, b = socket.socketpair()
    b.settimeout(20.0)
    yield a, b
    a.close()
    b.close()


def pending(sock):
    """Whatever is queued on sock right now, without waiting ('<EOF>' marks
    the end of the stream)."""
    chunks = []
    while select.select([sock], [], [], 0)[0]:
        data = sock.recv(65536)
        if not data:
            chunks.append(b"<EOF>")
            break
        chunks.append(data)
    return b"".join(chunks)


def recv_exactly(sock, size):
    chunks = []
    while size:
        data = sock.recv(size)
        assert data, "early EOF"
        chunks.append(data)
        size -= len(data)
    return b"".join(chunks)


# -- attributes, closing ------------------------------------------------------

def test_attributes(pair):
    a, b = pair
    f = a.makefile()
    try:
        assert isinstance(f, socket._fileobject)
        assert f.mode == "r"
        assert f.bufsize == socket._fileobject.default_bufsize == 8192
        assert f.name == "<socket>"
        assert f.softspace is False
        assert f.closed is False
        assert f.fileno() != a.fileno()
    finally:
        f.close()
    assert f.closed is True
    f.close()
    g = a.makefile("wb", 0)
    h = a.makefile("rb", 1)
    k = a.makefile("rb", 100)
    try:
        assert (g.mode, g.bufsize) == ("wb", 0)
        assert h.bufsize == 1
        assert k.bufsize == 100
    finally:
        g.close()
        h.close()
        k.close()


def test_closed_file_refuses_io(pair):
    a, b = pair
    f = a.makefile("rwb")
    f.close()
    for call, args in ((f.read, ()), (f.readline, ()), (f.write, (b"x",)),
                       (f.writelines, ([b"x"],)), (f.flush, ()),
                       (f.fileno, ())):
        with pytest.raises(ValueError):
            call(*args)


def test_file_uses_its_own_descriptor_and_close_closes_it(pair):
    a, b = pair
    f = a.makefile("rb")
    fd = f.fileno()
    assert fd != a.fileno()
    f.close()
    with pytest.raises(OSError) as info:
        os.fstat(fd)
    assert info.value.errno == errno.EBADF
    # The socket itself is untouched.
    a.sendall(b"still open")
    assert recv_exactly(b, 10) == b"still open"


def test_closing_the_socket_leaves_the_file_usable(pair):
    a, b = pair
    f = a.makefile("rwb", 0)
    a.close()
    # The connection stays open while the file holds its descriptor.
    assert pending(b) == b""
    b.sendall(b"to the file\n")
    assert f.readline() == b"to the file\n"
    f.write(b"from the file")
    assert recv_exactly(b, 13) == b"from the file"
    f.close()
    assert pending(b) == b"<EOF>"


def test_closing_the_file_leaves_the_socket_usable(pair):
    a, b = pair
    f = a.makefile("rwb")
    f.write(b"buffered")
    f.close()
    assert recv_exactly(b, 8) == b"buffered"   # close() flushed
    assert pending(b) == b""                   # and did not end the stream
    a.sendall(b"socket")
    assert recv_exactly(b, 6) == b"socket"
    b.sendall(b"back")
    assert recv_exactly(a, 4) == b"back"


def test_garbage_collection_independence(pair):
    a, b = pair
    f = a.makefile("rwb", 0)
    a.close()
    del a
    gc.collect()
    f.write(b"x")
    assert recv_exactly(b, 1) == b"x"
    c, d = socket.socketpair()
    try:
        g = c.makefile("rb")
        del g
        gc.collect()
        c.sendall(b"y")
        assert recv_exactly(d, 1) == b"y"
        assert pending(d) == b""
    finally:
        c.close()
        d.close()
    del f
    gc.collect()
    assert pending(b) == b"<EOF>"


def test_fileobject_close_argument(pair):
    a, b = pair
    raw = a._sock
    f = socket._fileobject(raw)          # close=False, as in Python 2.7
    assert f.mode == "rb"
    f.write(b"one")
    f.close()
    assert recv_exactly(b, 3) == b"one"
    a.sendall(b"two")                    # the socket was left open
    assert recv_exactly(b, 3) == b"two"
    g = socket._fileobject(a.dup(), "wb", 0, close=True)
    g.close()
    a.sendall(b"three")
    assert recv_exactly(b, 5) == b"three"
    h = socket._fileobject(a, "wb", 0, close=True)
    h.close()
    with pytest.raises(socket.error):
        a.fileno()
    assert pending(b) == b"<EOF>"


def test_context_manager(pair):
    a, b = pair
    with a.makefile("wb") as f:
        f.write(b"ctx")
    assert f.closed
    assert recv_exactly(b, 3) == b"ctx"


# -- reading ------------------------------------------------------------------

def test_read_all_and_sized(pair):
    a, b = pair
    f = a.makefile("rb")
    b.sendall(b"0123456789abcdef")
    assert f.read(0) == b""
    assert f.read(4) == b"0123"
    assert f.read(3) == b"456"
    b.sendall(b"tail")
    b.shutdown(socket.SHUT_WR)
    assert f.read() == b"789abcdeftail"
    assert f.read() == b""
    assert f.read(10) == b""
    f.close()


def test_read_short_at_eof(pair):
    a, b = pair
    f = a.makefile("rb")
    b.sendall(b"short")
    b.shutdown(socket.SHUT_WR)
    assert f.read(100) == b"short"
    assert f.read(100) == b""
    f.close()


def test_readline_and_limits(pair):
    a, b = pair
    f = a.makefile("rb")
    b.sendall(b"first line\nsecond\nthird line is long\nno newline")
    b.shutdown(socket.SHUT_WR)
    assert f.readline() == b"first line\n"
    assert f.readline(3) == b"sec"
    assert f.readline(100) == b"ond\n"
    assert f.readline(5) == b"third"
    assert f.readline(0) == b""
    assert f.readline() == b" line is long\n"
    assert f.readline() == b"no newline"
    assert f.readline() == b""
    f.close()


def test_readline_then_read_gets_the_rest(pair):
    a, b = pair
    f = a.makefile("rb")
    b.sendall(b"header\nbody bytes")
    b.shutdown(socket.SHUT_WR)
    assert f.readline() == b"header\n"
    assert f.read(4) == b"body"
    assert f.read() == b" bytes"
    f.close()


def test_readlines_and_iteration(pair):
    a, b = pair
    lines = [b"alpha\n", b"beta\n", b"gamma\n", b"delta"]
    b.sendall(b"".join(lines))
    b.shutdown(socket.SHUT_WR)
    f = a.makefile("rb")
    assert f.readlines() == lines
    f.close()
    c, d = socket.socketpair()
    try:
        d.sendall(b"".join(lines))
        d.shutdown(socket.SHUT_WR)
        g = c.makefile("rb")
        assert iter(g) is g
        assert list(g) == lines
        g.close()
    finally:
        c.close()
        d.close()


def test_readlines_sizehint(pair):
    a, b = pair
    b.sendall(b"aaaa\nbbbb\ncccc\ndddd\n")
    b.shutdown(socket.SHUT_WR)
    f = a.makefile("rb")
    assert f.readlines(7) == [b"aaaa\n", b"bbbb\n"]
    assert f.readlines() == [b"cccc\n", b"dddd\n"]
    f.close()


def test_readinto(pair):
    a, b = pair
    f = a.makefile("rb")
    b.sendall(b"fill me!xyz")
    b.shutdown(socket.SHUT_WR)
    buf = bytearray(8)
    assert f.readinto(buf) == 8
    assert bytes(buf) == b"fill me!"
    assert f.readinto(buf) == 3
    assert bytes(buf[:3]) == b"xyz"
    assert f.readinto(buf) == 0
    f.close()


def test_unbuffered_file_does_not_read_past_the_line(pair):
    a, b = pair
    f = a.makefile("rb", 0)
    b.sendall(b"first\nsecond\nthird\n")
    assert f.readline() == b"first\n"
    assert f.readline(3) == b"sec"
    # Nothing more was taken off the socket: the rest is still there.
    assert recv_exactly(a, 10) == b"ond\nthird\n"
    f.close()


def test_unbuffered_sized_read_takes_only_what_is_asked(pair):
    a, b = pair
    f = a.makefile("rb", 0)
    b.sendall(b"abcdefgh")
    assert f.read(3) == b"abc"
    assert recv_exactly(a, 5) == b"defgh"
    f.close()


def test_data_received_before_a_timeout_is_kept(pair):
    a, b = pair
    a.settimeout(0.05)
    f = a.makefile("rb")
    b.sendall(b"partial ")
    with pytest.raises(socket.timeout):
        f.readline()
    b.sendall(b"line\nmore")
    assert f.readline() == b"partial line\n"
    with pytest.raises(socket.timeout):
        f.read(10)
    b.sendall(b" data")
    assert f.read(9) == b"more data"
    with pytest.raises(socket.timeout):
        f.read()
    b.sendall(b"end")
    b.shutdown(socket.SHUT_WR)
    assert f.read() == b"end"
    f.close()


def test_file_keeps_the_sockets_timeout(pair):
    a, b = pair
    a.settimeout(0.05)
    f = a.makefile("rb")
    try:
        with pytest.raises(socket.timeout):
            f.read(1)
    finally:
        f.close()
    a.settimeout(None)
    a.setblocking(False)
    g = a.makefile("rb")
    try:
        with pytest.raises(socket.error) as info:
            g.read(1)
        assert info.value.args[0] in (errno.EAGAIN, errno.EWOULDBLOCK)
    finally:
        g.close()


# -- timeout changes after makefile() -----------------------------------------
# The file's descriptor is a dup() sharing O_NONBLOCK with the socket's; as in
# CPython 2.7 (where the file uses the socket's own C object), settimeout()
# and setblocking() on the socket apply to the files already made from it.

@pytest.fixture
def default_timeout():
    old = socket.getdefaulttimeout()
    yield
    socket.setdefaulttimeout(old)


def timed_read(f, size=1):
    """(data, exception, seconds) of f.read(size)."""
    start = clock()
    try:
        return f.read(size), None, clock() - start
    except socket.error as exc:
        return None, exc, clock() - start


def read_with_late_data(f, peer, after):
    """f.read(1) while a timer sends one byte on peer `after` seconds from
    now: (data, exception, seconds)."""
    timer = threading.Timer(after, peer.sendall, [b"x"])
    timer.start()
    try:
        return timed_read(f)
    finally:
        timer.cancel()
        timer.join()


def test_timeout_set_after_makefile_reaches_the_file(pair):
    a, b = pair
    f = a.makefile("rb")
    try:
        a.settimeout(0.3)
        data, exc, elapsed = timed_read(f)
        assert isinstance(exc, socket.timeout), exc
        assert 0.3 - EPSILON <= elapsed < UPPER
        a.settimeout(0.05)
        a.settimeout(1.0)           # the last value counts
        data, exc, elapsed = timed_read(f)
        assert isinstance(exc, socket.timeout), exc
        assert 1.0 - EPSILON <= elapsed < UPPER
    finally:
        f.close()


def test_blocking_set_after_makefile_reaches_the_file(pair):
    a, b = pair
    a.settimeout(0.1)
    f = a.makefile("rb")
    try:
        a.setblocking(True)         # waits past the old 0.1 s now
        data, exc, elapsed = read_with_late_data(f, b, 0.5)
        assert exc is None and data == b"x"
        a.settimeout(0.1)
        a.settimeout(None)
        data, exc, elapsed = read_with_late_data(f, b, 0.5)
        assert exc is None and data == b"x"
    finally:
        f.close()


def test_nonblocking_set_after_makefile_reaches_the_file(pair):
    a, b = pair
    a.settimeout(5.0)
    f = a.makefile("rb")
    g = a.makefile("rb", 0)
    try:
        a.setblocking(False)
        for fileobj in (f, g):
            data, exc, elapsed = timed_read(fileobj)
            assert not isinstance(exc, socket.timeout)
            assert exc.args[0] in (errno.EAGAIN, errno.EWOULDBLOCK)
            assert elapsed < 2.5
        a.settimeout(0.2)
        for fileobj in (f, g):
            data, exc, elapsed = timed_read(fileobj)
            assert isinstance(exc, socket.timeout), exc
            assert 0.2 - EPSILON <= elapsed < UPPER
    finally:
        f.close()
        g.close()


def test_files_closed_or_collected_are_left_alone(pair):
    a, b = pair
    kept = a.makefile("rb")
    try:
        for _ in range(20):
            a.makefile("rb").close()
            a.makefile("rb")        # dropped: collected at once
        gc.collect()
        a.settimeout(0.2)
        # white box: only the live file is still followed
        assert len(a._files) == 1
        data, exc, elapsed = timed_read(kept)
        assert isinstance(exc, socket.timeout), exc
        assert 0.2 - EPSILON <= elapsed < UPPER
    finally:
        kept.close()
    a.settimeout(None)
    assert a._files == []


def test_files_list_stays_bounded_by_the_live_files(pair):
    # issue 14: each makefile() used to leave its entry in _files until the
    # next settimeout()/setblocking(), however many files had been closed
    a, b = pair
    live = [b.makefile("rb") for _ in range(5)]
    try:
        for _ in range(200):        # warm-up: caches, free lists
            b.makefile("rb").close()
        gc.collect()
        objects_before = len(gc.get_objects())
        refs_before = (sys.getrefcount(b), sys.getrefcount(b._sock))
        for _ in range(10000):
            b.makefile("rb").close()
        gc.collect()
        # white box: makefile() drops closed files once the list doubled
        assert len(b._files) <= 2 * (16 + len(live))
        assert len(gc.get_objects()) - objects_before < 100
        assert (sys.getrefcount(b), sys.getrefcount(b._sock)) == refs_before
        # the timeout still reaches every live file
        b.settimeout(0.2)
        assert len(b._files) == len(live)
        for f in live:
            data, exc, elapsed = timed_read(f)
            assert isinstance(exc, socket.timeout), exc
            assert 0.2 - EPSILON <= elapsed < UPPER
    finally:
        for f in live:
            f.close()


def test_file_outlives_its_socket_with_the_last_timeout(pair):
    a, b = pair
    f = a.makefile("rb")
    try:
        a.settimeout(0.2)
        a.close()
        with pytest.raises(socket.error):
            a.settimeout(1.0)
        data, exc, elapsed = timed_read(f)
        assert isinstance(exc, socket.timeout), exc
        assert 0.2 - EPSILON <= elapsed < UPPER
    finally:
        f.close()


def test_default_timeout_reaches_files_through_their_socket(default_timeout):
    socket.setdefaulttimeout(0.2)
    a, b = socket.socketpair()
    try:
        f = a.makefile("rb")
        try:
            data, exc, elapsed = timed_read(f)
            assert isinstance(exc, socket.timeout), exc
            assert 0.2 - EPSILON <= elapsed < UPPER
            a.settimeout(None)
            data, exc, elapsed = read_with_late_data(f, b, 0.4)
            assert exc is None and data == b"x"
        finally:
            f.close()
    finally:
        a.close()
        b.close()


def test_default_timeout_does_not_change_existing_files(pair,
                                                        default_timeout):
    a, b = pair                     # made blocking (default None)
    f = a.makefile("rb")
    try:
        socket.setdefaulttimeout(0.05)
        g = a.makefile("rb")        # the socket's timeout, not the default
        try:
            for fileobj in (f, g):
                data, exc, elapsed = read_with_late_data(fileobj, b, 0.3)
                assert exc is None and data == b"x"
            a.settimeout(0.2)
            for fileobj in (f, g):
                data, exc, elapsed = timed_read(fileobj)
                assert isinstance(exc, socket.timeout), exc
                assert 0.2 - EPSILON <= elapsed < UPPER
        finally:
            g.close()
    finally:
        f.close()


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no setitimer")
def test_read_survives_a_signal(pair):
    a, b = pair
    f = a.makefile("rb")
    fired = threading.Event()

    def handler(signum, frame):
        fired.set()

    def sender():
        if fired.wait(20):
            b.sendall(b"after the signal")

    old = signal.signal(signal.SIGALRM, handler)
    thread = threading.Thread(target=sender)
    thread.start()
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        assert f.read(16) == b"after the signal"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        fired.set()
        thread.join()
        f.close()
    assert fired.is_set()


# -- writing and buffering ----------------------------------------------------

def test_unbuffered_writes_go_out_at_once(pair):
    a, b = pair
    f = a.makefile("wb", 0)
    f.write(b"a")
    assert pending(b) == b"a"
    f.writelines([b"b", b"", b"c"])
    assert pending(b) == b"bc"
    f.close()


def test_line_buffered_writes_go_out_at_newlines(pair):
    a, b = pair
    f = a.makefile("wb", 1)
    f.write(b"no newline yet")
    assert pending(b) == b""
    f.write(b", now\n")
    assert pending(b) == b"no newline yet, now\n"
    f.write(b"x")
    assert pending(b) == b""
    f.writelines([b"lines", b" without newline"])
    assert pending(b) == b"xlines without newline"
    f.write(b"unsent")
    f.flush()
    assert pending(b) == b"unsent"
    f.close()


def test_default_buffer_fills_before_sending(pair):
    a, b = pair
    f = a.makefile("wb")
    f.write(b"x" * 8000)
    f.write(b"\n")
    f.writelines([b"y" * 100])
    assert pending(b) == b""
    f.write(b"z" * 100)          # 8201 bytes >= 8192: sent
    got = recv_exactly(b, 8201)
    assert got == b"x" * 8000 + b"\n" + b"y" * 100 + b"z" * 100
    f.write(b"small")
    assert pending(b) == b""
    f.flush()
    assert pending(b) == b"small"
    f.close()


def test_large_buffer(pair):
    a, b = pair
    f = a.makefile("wb", 100000)
    f.write(b"q" * 50000)
    assert pending(b) == b""
    f.write(b"r" * 50000)
    assert len(recv_exactly(b, 100000)) == 100000
    f.close()


def test_write_accepts_buffers_and_rejects_others(pair):
    a, b = pair
    f = a.makefile("wb", 0)
    f.write(bytearray(b"ba"))
    f.write(memoryview(b"mv"))
    assert recv_exactly(b, 4) == b"bamv"
    if support.PY3:
        with pytest.raises(TypeError):
            f.write(u"text")
        with pytest.raises(TypeError):
            f.write(42)
    else:
        f.write(42)                  # Python 2.7 writes str(data)
        assert recv_exactly(b, 2) == b"42"
    f.close()


def test_unsent_data_stays_buffered_after_a_timeout(pair):
    a, b = pair
    a.settimeout(0.05)
    payload = os.urandom(1 << 18)
    f = a.makefile("wb", 0)
    got = []
    timeouts = 0
    try:
        f.write(payload)
    except socket.timeout:
        timeouts += 1
        while True:
            got.append(pending(b))
            try:
                f.flush()
            except socket.timeout:
                timeouts += 1
                continue
            break
    f.close()
    a.close()
    while True:
        data = b.recv(65536)
        if not data:
            break
        got.append(data)
    assert timeouts > 0
    assert b"".join(got) == payload


# -- against a standard library peer ------------------------------------------

# Connects to argv[1]; sends argv[2] random lines (seeded by argv[3]) and
# closes.
LINE_SENDER = r"""
import random, socket, sys
port, count, seed = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)
c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
c.settimeout(30)
c.connect(('127.0.0.1', port))
print('READY')
sys.stdout.flush()
data = b''.join(b'%d:' % i + b'x' * rng.randint(0, 3000) + b'\n'
                for i in range(count))
c.sendall(data)
c.close()
"""

# Connects to argv[1]; reads to EOF and reports length and MD5.
COLLECTOR = r"""
import hashlib, socket, sys
c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
c.settimeout(30)
c.connect(('127.0.0.1', int(sys.argv[1])))
print('READY')
sys.stdout.flush()
h = hashlib.md5()
n = 0
while True:
    data = c.recv(65536)
    if not data:
        break
    h.update(data)
    n += len(data)
c.close()
print('%d %s' % (n, h.hexdigest()))
"""


def expected_lines(count, seed):
    rng = random.Random(seed)
    return [("%d:" % i).encode("ascii") + b"x" * rng.randint(0, 3000) + b"\n"
            for i in range(count)]


def accept_peer(code, args):
    listener = socket.socket()
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        peer = support.Peer(code, [listener.getsockname()[1]] + list(args))
        try:
            conn, _ = listener.accept()
        except BaseException:
            peer.close()
            raise
    finally:
        listener.close()
    conn.settimeout(30)
    return conn, peer


def finish(peer):
    try:
        status, out, err = peer.finish()
    except BaseException:
        peer.close()
        raise
    assert status == 0, err
    return out


BUFSIZES = pytest.mark.parametrize("bufsize", [0, 1, -1, 100, 1 << 20])


@BUFSIZES
def test_reading_lines_from_a_stdlib_peer(bufsize):
    conn, peer = accept_peer(LINE_SENDER, [400, bufsize & 0xffff])
    try:
        f = conn.makefile("rb", bufsize)
        conn.close()
        got = []
        for i, line in enumerate(f):
            got.append(line)
            if i == 100:
                got.append(f.read(10))
                got.append(f.readline(5))
        f.close()
    finally:
        finish(peer)
    assert b"".join(got) == b"".join(expected_lines(400, bufsize & 0xffff))


@BUFSIZES
def test_read_all_from_a_stdlib_peer(bufsize):
    conn, peer = accept_peer(LINE_SENDER, [600, 5])
    try:
        f = conn.makefile("rb", bufsize)
        try:
            first = f.readline()
            rest = f.read()
        finally:
            f.close()
            conn.close()
    finally:
        finish(peer)
    assert first + rest == b"".join(expected_lines(600, 5))


@BUFSIZES
def test_writing_to_a_stdlib_peer(bufsize):
    lines = expected_lines(500, 11)
    conn, peer = accept_peer(COLLECTOR, [])
    try:
        f = conn.makefile("wb", bufsize)
        conn.close()
        for line in lines[:200]:
            f.write(line)
        f.writelines(lines[200:])
        f.close()
        out = finish(peer)
    except BaseException:
        peer.close()
        raise
    data = b"".join(lines)
    assert out.split() == [str(len(data)), hashlib.md5(data).hexdigest()]


# -- on objects other than sockets --------------------------------------------

class Scripted(object):
    """A socket stand-in (as urllib2 hands _fileobject an HTTP response):
    recv() and sendall() play a script of results and exceptions."""

    def __init__(self, reads=(), sends=()):
        self.reads = list(reads)
        self.sends = list(sends)
        self.sent = []
        self.closed = False

    def recv(self, size):
        step = self.reads.pop(0)
        if isinstance(step, BaseException):
            raise step
        assert len(step) <= size
        return step

    def sendall(self, data):
        data = memoryview(data).tobytes()
        step = self.sends.pop(0) if self.sends else None
        if isinstance(step, BaseException):
            self.sent.append(data[:getattr(step, "sent", 0)])
            raise step
        self.sent.append(data)

    def close(self):
        self.closed = True


def sent_error(args, sent):
    exc = socket.error(*args)
    exc.sent = sent
    return exc


def test_interrupted_reads_are_retried():
    sock = Scripted(reads=[socket.error(errno.EINTR), b"ab",
                           socket.error(errno.EINTR, "Interrupted"), b"c\n",
                           socket.error(errno.EINTR), b"rest", b""])
    f = socket._fileobject(sock, "rb", close=True)
    assert f.readline() == b"abc\n"
    assert f.read() == b"rest"
    f.close()
    assert sock.closed


def test_other_errors_propagate_and_keep_what_was_read():
    sock = Scripted(reads=[b"par", socket.error(errno.ECONNRESET, "reset"),
                           b"tial\n", b""])
    f = socket._fileobject(sock, "rb")
    with pytest.raises(socket.error) as info:
        f.readline()
    assert info.value.args[0] == errno.ECONNRESET
    assert f.readline() == b"partial\n"
    assert f.readline() == b""


def test_lines_buffered_from_one_receive_mix_with_every_read():
    # One receive brings many lines: readline() keeps the whole ones ready
    # and every other way of reading continues exactly after the last line.
    sock = Scripted(reads=[b"a\nbb\nccc\ndddd\neeeee\nf", b"g\nh\ni",
                           socket.timeout("timed out"), b"j\nk\nl\nm\n",
                           b"tail", b"", b"", b""])
    f = socket._fileobject(sock, "rb")
    assert f.readline() == b"a\n"
    assert f.read(4) == b"bb\nc"
    assert f.readline() == b"cc\n"
    assert f.readline(2) == b"dd"
    assert f.readline() == b"dd\n"
    assert next(f) == b"eeeee\n"
    buf = bytearray(1)
    assert f.readinto(buf) == 1 and bytes(buf) == b"f"
    assert f.readline() == b"g\n"
    assert f.readline() == b"h\n"
    with pytest.raises(socket.timeout):
        f.readline()
    assert f.readlines(4) == [b"ij\n", b"k\n"]
    assert list(f) == [b"l\n", b"m\n", b"tail"]
    assert f.readline() == b""
    f.close()


def test_lines_with_carriage_returns_split_at_newlines_only():
    sock = Scripted(reads=[b"x\none\r\ntwo\rthree\nfour\r", b"\nfive\n\r",
                           b"\r\n", b""])
    f = socket._fileobject(sock, "rb")
    assert f.readline() == b"x\n"
    assert f.readlines() == [b"one\r\n", b"two\rthree\n", b"four\r\n",
                             b"five\n", b"\r\r\n"]
    f.close()
    sock = Scripted(reads=[b"h\r\nk: v\r\n\r\nbody", b""])
    f = socket._fileobject(sock, "rb")
    assert [f.readline(), f.readline(), f.readline()] == [
        b"h\r\n", b"k: v\r\n", b"\r\n"]
    assert f.read() == b"body"
    f.close()


def test_closing_drops_buffered_lines():
    sock = Scripted(reads=[b"1\n2\n3\n"])
    f = socket._fileobject(sock, "rb")
    assert f.readline() == b"1\n"
    f.close()
    with pytest.raises(ValueError):
        f.readline()
    with pytest.raises(ValueError):
        f.read(1)


def test_interrupted_and_failed_sends():
    sock = Scripted(sends=[sent_error((errno.EINTR, "Interrupted"), 3),
                           None,
                           sent_error((errno.EPIPE, "Broken pipe"), 2)])
    f = socket._fileobject(sock, "wb", 0)
    f.write(b"abcdef")             # interrupted after 3 bytes, then resumed
    assert b"".join(sock.sent) == b"abcdef"
    with pytest.raises(socket.error):
        f.write(b"ghijk")          # fails after 2 bytes
    sock.sent = []
    f.flush()                      # the 3 unsent bytes, and only those
    assert b"".join(sock.sent) == b"ijk"
    f.close()
    assert not sock.closed         # close=False by default


# -- the C file object: buffering, _sock, class attributes, arguments ---------

def test_partial_line_after_whole_ones_is_kept_through_a_timeout(pair):
    a, b = pair
    a.settimeout(0.05)
    f = a.makefile("rb")
    b.sendall(b"one\ntwo\nthr")            # one receive: two lines and a part
    assert f.readline() == b"one\n"
    assert f.readline() == b"two\n"
    with pytest.raises(socket.timeout):
        f.readline()
    with pytest.raises(socket.timeout):
        f.readline(10)                     # a limit beyond what is there
    assert f.readline(2) == b"th"          # a limit within it: no wait
    b.sendall(b"ee\nfour")
    assert f.readline() == b"ree\n"
    with pytest.raises(socket.timeout):
        next(f)
    b.sendall(b"\n")
    assert next(f) == b"four\n"
    f.close()


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no setitimer")
def test_signal_handler_raising_in_a_read_keeps_what_came(pair):
    a, b = pair
    f = a.makefile("rb")

    class Stop(Exception):
        pass

    def handler(signum, frame):
        raise Stop()

    old = signal.signal(signal.SIGALRM, handler)
    try:
        b.sendall(b"before the signal, ")
        signal.setitimer(signal.ITIMER_REAL, 0.1)
        with pytest.raises(Stop):
            f.readline()                   # blocks: no newline yet
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    b.sendall(b"after it\n")
    assert f.readline() == b"before the signal, after it\n"
    f.close()


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no setitimer")
def test_file_used_by_a_signal_handler_during_a_read(pair):
    # The handler reads from the file that the interrupted call is reading
    # into: the order of what each gets is the handler's business, but
    # nothing is lost or duplicated and nothing breaks.
    a, b = pair
    f = a.makefile("rb")
    got = []

    def handler(signum, frame):
        b.sendall(b"mid\n")
        got.append(f.readline())

    old = signal.signal(signal.SIGALRM, handler)
    try:
        b.sendall(b"head ")
        signal.setitimer(signal.ITIMER_REAL, 0.1)
        thread = threading.Thread(target=lambda: support.wait_until(
            lambda: got, 20) and b.sendall(b"tail\n"))
        thread.start()
        try:
            got.append(f.readline())
        finally:
            thread.join()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    b.shutdown(socket.SHUT_WR)
    got.extend(f.readlines())
    assert sorted(b"".join(got).split()) == [b"head", b"mid", b"tail"]
    f.close()


class Recorder(object):
    """Stands between a file and its socket (as CPython 2.7's test_socket
    wraps f._sock): records the data methods used."""

    def __init__(self, sock):
        self._sock = sock
        self.calls = []

    def recv(self, size):
        data = self._sock.recv(size)
        self.calls.append(("recv", data))
        return data

    def sendall(self, data):
        self._sock.sendall(data)
        self.calls.append(("sendall", memoryview(data).tobytes()))

    def __getattr__(self, name):
        return getattr(self._sock, name)


def test_sock_replaced_while_the_file_is_open(pair):
    a, b = pair
    f = a.makefile("rwb", 1)
    c_sock = f._sock
    assert isinstance(c_sock, socket._realsocket)
    b.sendall(b"1\n2\n3")
    assert f.readline() == b"1\n"
    f._sock = Recorder(c_sock)
    assert f.readline() == b"2\n"          # buffered: no recv
    b.sendall(b"\n")
    assert f.readline() == b"3\n"
    f.write(b"via the wrapper\n")
    assert f._sock.calls == [("recv", b"\n"),
                             ("sendall", b"via the wrapper\n")]
    assert recv_exactly(b, 16) == b"via the wrapper\n"
    f._sock = c_sock                       # and back to the C socket
    f.write(b"direct\n")
    assert recv_exactly(b, 7) == b"direct\n"
    f._sock = None                         # what close() leaves
    assert f.closed
    with pytest.raises(ValueError):
        f.readline()
    f._sock = c_sock
    f.close()                              # close=True closes it
    assert c_sock.fileno() == -1


@pytest.fixture
def restore_default_bufsize():
    old = socket._fileobject.default_bufsize
    yield
    socket._fileobject.default_bufsize = old


def test_default_bufsize_set_on_the_class(pair, restore_default_bufsize):
    a, b = pair
    before = a.makefile("rb")
    socket._fileobject.default_bufsize = 100
    f = a.makefile("rb")
    g = a.makefile("wb", 1)
    h = a.makefile("rb", 300)
    try:
        assert (f.bufsize, f._rbufsize, f._wbufsize) == (100, 100, 100)
        assert (g.bufsize, g._rbufsize, g._wbufsize) == (1, 100, 1)
        assert (h.bufsize, h._rbufsize) == (300, 300)
        assert before.bufsize == 8192      # files made before keep theirs
        # the new size is what a buffered read asks the socket for
        b.sendall(b"x" * 250 + b"\n")
        rec = f._sock = Recorder(f._sock)
        assert f.readline() == b"x" * 250 + b"\n"
        assert [len(data) for _, data in rec.calls] == [100, 100, 51]
    finally:
        before.close()
        f.close()
        g.close()
        h.close()


def test_subclasses_and_their_default_bufsize(pair):
    a, b = pair

    class Small(socket._fileobject):
        default_bufsize = 16

    class WithDict(socket._fileobject):
        def readline_upper(self):
            return self.readline().upper()

    f = Small(a.dup(), "rb", close=True)
    g = WithDict(a.dup(), "rb", -1, True)
    try:
        assert f.bufsize == 16 and g.bufsize == 8192
        g.note = "instances of a subclass without __slots__ have a dict"
        b.sendall(b"lower\n")
        assert g.readline_upper() == b"LOWER\n"
        ref = weakref.ref(f)
        assert ref() is f
    finally:
        f.close()
        g.close()
    del f
    gc.collect()
    assert ref() is None


def test_readline_size_arguments(pair):
    a, b = pair
    f = a.makefile("rb")
    b.sendall(b"abcdef\nghijkl\nmnop\nqrst\nuvw\n")
    assert f.readline(None) == b"abcdef\n"
    assert f.readline(-5) == b"ghijkl\n"
    assert f.readline(size=2) == b"mn"
    assert f.readline(2 ** 100) == b"op\n"     # clipped: no limit
    assert f.read(size=3) == b"qrs"
    assert f.readline(1) == b"t"
    assert f.readline(1) == b"\n"
    assert f.readlines(sizehint=1) == [b"uvw\n"]
    f.close()


def test_readline_limit_across_receives():
    sock = Scripted(reads=[b"ab", b"cd", b"ef\ng", b"h", b"", b""])
    f = socket._fileobject(sock, "rb", 4)
    assert f.readline(5) == b"abcde"       # three receives of up to 4
    assert f.readline(5) == b"f\n"
    assert f.readline(5) == b"gh"          # end of file
    assert f.readline() == b""
    f.close()


def test_unbuffered_file_leaves_the_rest_for_the_next_reader(pair):
    a, b = pair
    b.sendall(b"GET / HTTP/1.0\r\nHost: x\r\n\r\nbody")
    f = a.makefile("rb", 0)
    assert f.readline() == b"GET / HTTP/1.0\r\n"
    f.close()
    g = a.makefile("rb", 0)                 # as httplib does
    assert g.readline() == b"Host: x\r\n"
    assert g.readline() == b"\r\n"
    g.close()
    assert recv_exactly(a, 4) == b"body"


def test_softspace(pair):
    a, b = pair
    f = a.makefile("wb", 0)
    assert f.softspace is False
    f.softspace = 1
    assert f.softspace == 1
    f.softspace = 0
    if not support.PY3:
        # Python 2's print statement keeps its state in f.softspace
        code = compile("print >> f, 'one',\nprint >> f, 'two'\n", "<print>",
                       "exec", 0, True)
        exec(code, {"f": f})
        assert recv_exactly(b, 8) == b"one two\n"
        assert f.softspace == 0
    f.close()


def test_collected_file_is_flushed_and_closed(pair):
    a, b = pair
    f = a.makefile("wb")
    f.write(b"buffered, never flushed")
    del f
    gc.collect()
    assert recv_exactly(b, 23) == b"buffered, never flushed"
    a.close()
    assert pending(b) == b"<EOF>"          # the file's descriptor too


def test_collected_file_on_another_object():
    sock = Scripted()
    f = socket._fileobject(sock, "wb", close=True)
    f.write(b"data")
    del f
    gc.collect()
    assert sock.sent == [b"data"] and sock.closed


def test_collected_file_ignores_errors():
    sock = Scripted(sends=[socket.error(errno.EPIPE, "Broken pipe")])
    f = socket._fileobject(sock, "wb", close=True)
    f.write(b"lost")
    del f                                   # nothing raised or printed
    gc.collect()
    assert sock.closed


def test_bad_arguments(pair, restore_default_bufsize):
    a, b = pair
    with pytest.raises(TypeError):
        socket._fileobject()
    with pytest.raises(TypeError):
        socket._fileobject(a, "rb", "big")
    with pytest.raises(TypeError):
        socket._fileobject(a, "rb", 1.5)
    with pytest.raises(TypeError):
        socket._fileobject(a, "rb", -1, False, "extra")
    with pytest.raises(TypeError):
        socket._fileobject(a, bogus=1)
    socket._fileobject.default_bufsize = "big"
    with pytest.raises(TypeError):
        socket._fileobject(a)
    socket._fileobject.default_bufsize = 8192
    f = a.makefile("rwb")
    try:
        for call, args in ((f.readline, ("3",)), (f.readline, (1.5,)),
                           (f.readline, (1, 2)), (f.read, ("x",)),
                           (f.readlines, ([],)), (f.readinto, (b"const",)),
                           (f.readinto, (42,)), (f.writelines, (42,)),
                           (f.write, ()), (f.flush, (1,))):
            with pytest.raises(TypeError):
                call(*args)
        if support.PY3:
            with pytest.raises(TypeError):
                f.write(None)
            with pytest.raises(TypeError):
                f.writelines([b"ok", u"text"])
            f.flush()
            assert recv_exactly(b, 2) == b"ok"  # what came before the error
    finally:
        f.close()
    g = socket._fileobject(Scripted(reads=[[1, 2]]))
    with pytest.raises(TypeError):
        g.read(4)
    h = socket._fileobject.__new__(socket._fileobject)   # no __init__
    assert h.closed
    with pytest.raises(ValueError):
        h.readline()
    h.close()


def test_large_lines_and_reads_grow_the_buffer(pair):
    a, b = pair
    f = a.makefile("rb", 64)
    line = os.urandom(300000).replace(b"\n", b" ") + b"\n"
    thread = threading.Thread(target=b.sendall, args=(line * 3,))
    thread.start()
    try:
        assert f.readline() == line
        assert f.read(len(line) + 5) == line + line[:5]
        assert f.readline() == line[5:]
    finally:
        thread.join()
    f.close()


@pytest.mark.parametrize("bufsize", [0, 7, -1])
def test_threads_sharing_a_file_lose_and_duplicate_nothing(bufsize):
    # Several threads reading lines from one file, several writing to
    # another: who gets which bytes is not defined, but every byte arrives
    # exactly once (and nothing crashes while calls that released the GIL
    # hand their buffers back).
    a, b = socket.socketpair()
    a.settimeout(30)
    b.settimeout(30)
    reader = a.makefile("rb", bufsize)
    writer = b.makefile("wb", bufsize)
    lines = [("%d:" % i).encode("ascii") + b"x" * (i % 13) + b"\n"
             for i in range(3000)]
    got = [[] for _ in range(3)]
    errors = []

    def read(into):
        try:
            while True:
                line = reader.readline()
                if not line:
                    break
                into.append(line)
        except BaseException as exc:
            errors.append(exc)

    def write(part):
        try:
            for line in part:
                writer.write(line)
            writer.flush()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=read, args=(into,)) for into in got]
    writers = [threading.Thread(target=write, args=(lines[i::3],))
               for i in range(3)]
    try:
        for thread in threads + writers:
            thread.start()
        for thread in writers:
            thread.join()
        writer.close()
        b.shutdown(socket.SHUT_WR)
        for thread in threads:
            thread.join()
    finally:
        reader.close()
        a.close()
        b.close()
    assert not errors
    received = b"".join(b"".join(part) for part in got)
    sent = b"".join(lines)
    assert len(received) == len(sent)
    assert sorted(bytearray(received)) == sorted(bytearray(sent))

"""Signals during blocking calls of _socket.socket: a handler that raises
(KeyboardInterrupt included) interrupts accept, recv, connect and sendall;
a handler that returns lets the call go on to completion (EINTR retried,
as PEP 475 describes, on 2.7 too).  Signals come from signal.setitimer, so
they land while the call is blocked."""
import errno
import os
import signal
import sys
import time

import pytest

import _socket
import support
from test_timeouts import close_all, drain, full_backlog, payload

clock = getattr(time, "monotonic", time.time)
EPSILON = 0.002
UPPER = 20.0


class Interrupted(Exception):
    pass


@pytest.fixture
def alarm():
    """alarm(handler, delay[, interval]) arms SIGALRM; undone afterwards."""
    old = signal.getsignal(signal.SIGALRM)

    def arm(handler, delay, interval=0.0):
        signal.signal(signal.SIGALRM, handler)
        signal.setitimer(signal.ITIMER_REAL, delay, interval)

    yield arm
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, old)


def disarm():
    signal.setitimer(signal.ITIMER_REAL, 0)


def raise_interrupted(signum, frame):
    raise Interrupted()


def timed_raises(exc, call, *args):
    start = clock()
    with pytest.raises(exc) as info:
        call(*args)
    return info, clock() - start


# ---- handlers that raise -------------------------------------------------------

def test_raising_handler_interrupts_blocking_recv(alarm):
    a, b = _socket.socketpair()
    try:
        alarm(raise_interrupted, 0.2)
        info, elapsed = timed_raises(Interrupted, b.recv, 10)
        assert 0.2 - EPSILON <= elapsed < UPPER
        # nothing was lost: the socket still works
        a.sendall(b"after")
        assert b.recv(10) == b"after"
    finally:
        close_all(a, b)


def test_keyboard_interrupt_interrupts_blocking_accept(alarm):
    srv = _socket.socket()
    try:
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)
        alarm(signal.default_int_handler, 0.2)
        info, elapsed = timed_raises(KeyboardInterrupt, srv.accept)
        assert 0.2 - EPSILON <= elapsed < UPPER
    finally:
        srv.close()


def test_raising_handler_interrupts_blocking_connect(alarm):
    srv, fillers = full_backlog()
    c = _socket.socket()
    try:
        assert c.gettimeout() is None
        alarm(signal.default_int_handler, 0.3)
        info, elapsed = timed_raises(KeyboardInterrupt, c.connect,
                                     srv.getsockname())
        assert 0.3 - EPSILON <= elapsed < UPPER
    finally:
        close_all(c, fillers, srv)


def test_raising_handler_wins_over_timeout(alarm):
    a, b = _socket.socketpair()
    try:
        b.settimeout(UPPER)
        alarm(raise_interrupted, 0.2)
        info, elapsed = timed_raises(Interrupted, b.recv, 10)
        assert 0.2 - EPSILON <= elapsed < UPPER
    finally:
        close_all(a, b)


def test_raising_handler_in_sendall_reports_sent(alarm):
    a, b = _socket.socketpair()
    try:
        data = payload(8 * 1024 * 1024)
        alarm(raise_interrupted, 0.2)
        info, elapsed = timed_raises(Interrupted, a.sendall, data)
        assert 0.2 - EPSILON <= elapsed < UPPER
        sent = info.value.sent
        assert 0 < sent < len(data)
        assert drain(b) == data[:sent]
    finally:
        close_all(a, b)


# ---- handlers that return: the call goes on -------------------------------------

def test_returning_handler_lets_recv_complete(alarm):
    a, b = _socket.socketpair()
    calls = []

    def handler(signum, frame):
        calls.append(signum)
        if len(calls) == 3:
            disarm()
            a.sendall(b"third time")

    try:
        alarm(handler, 0.05, 0.05)
        start = clock()
        assert b.recv(100) == b"third time"
        assert 0.15 - EPSILON <= clock() - start < UPPER
        assert calls == [signal.SIGALRM] * 3
    finally:
        close_all(a, b)


def test_returning_handler_lets_recv_with_timeout_complete(alarm):
    a, b = _socket.socketpair()
    calls = []

    def handler(signum, frame):
        calls.append(signum)
        if len(calls) == 2:
            disarm()
            a.sendall(b"in time")

    try:
        b.settimeout(UPPER)
        alarm(handler, 0.05, 0.05)
        assert b.recv(100) == b"in time"
        assert len(calls) == 2
    finally:
        close_all(a, b)


def test_returning_handler_keeps_timeout_deadline(alarm):
    a, b = _socket.socketpair()
    calls = []

    def handler(signum, frame):
        calls.append(signum)

    try:
        b.settimeout(0.5)
        alarm(handler, 0.05, 0.05)
        start = clock()
        with pytest.raises(_socket.timeout):
            b.recv(100)
        elapsed = clock() - start
        disarm()
        # signals neither shortened nor restarted the wait
        assert 0.5 - EPSILON <= elapsed < UPPER
        assert len(calls) >= 2
    finally:
        close_all(a, b)


def test_returning_handler_lets_accept_complete(alarm):
    srv = _socket.socket()
    clients = []
    calls = []

    def handler(signum, frame):
        calls.append(signum)
        if len(calls) == 2:
            disarm()
            c = _socket.socket()
            c.setblocking(False)
            clients.append(c)
            assert c.connect_ex(srv.getsockname()) in (0, errno.EINPROGRESS)

    try:
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)
        alarm(handler, 0.05, 0.05)
        conn, addr = srv.accept()
        conn.close()
        assert len(calls) == 2
        assert addr == clients[0].getsockname()
    finally:
        close_all(srv, clients)


def test_returning_handler_lets_connect_complete(alarm):
    srv, fillers = full_backlog()
    accepted = []
    calls = []

    def handler(signum, frame):
        # make room in the accept queue: the connect's next SYN gets in
        calls.append(signum)
        disarm()
        conn, addr = srv.accept()
        accepted.append(conn)

    c = _socket.socket()
    try:
        alarm(handler, 0.2)
        start = clock()
        c.connect(srv.getsockname())
        assert 0.2 - EPSILON <= clock() - start < UPPER
        assert calls == [signal.SIGALRM]
        assert c.getpeername() == srv.getsockname()
    finally:
        close_all(c, fillers, accepted, srv)


def test_returning_handler_lets_sendall_complete_without_loss(alarm):
    a, b = _socket.socketpair()
    data = payload(4 * 1024 * 1024)
    received = []

    def handler(signum, frame):
        # the reader runs only in the handler, between interruptions
        received.append(drain(b))

    try:
        alarm(handler, 0.02, 0.02)
        assert a.sendall(data) is None
        disarm()
        received.append(drain(b))
        assert b"".join(received) == data
        assert len(received) > 2
    finally:
        close_all(a, b)


# ---- a real Ctrl-C from another process -----------------------------------------

CHILD = """
import _socket, sys
srv = _socket.socket()
srv.bind(('127.0.0.1', 0))
srv.listen(1)
a, b = _socket.socketpair()
print('READY %d' % srv.getsockname()[1])
try:
    if sys.argv[1] == 'accept':
        srv.accept()
    else:
        b.recv(10)
except KeyboardInterrupt:
    print('INTERRUPTED')
else:
    print('RETURNED')
"""


def process_state(pid):
    with open("/proc/%d/stat" % pid) as f:
        return f.read().rsplit(")", 1)[1].split()[0]


@pytest.mark.parametrize("call", ["accept", "recv"])
def test_sigint_from_outside_interrupts_child(call):
    peer = support.Peer(CHILD, args=(call,), ours=True)
    try:
        pid = peer.proc.pid
        # READY is printed just before the call: wait until it sleeps in it
        assert support.wait_until(lambda: process_state(pid) == "S",
                                  timeout=UPPER)
        os.kill(pid, signal.SIGINT)
        assert peer.readline(timeout=UPPER) == "INTERRUPTED"
        status, out, err = peer.finish()
        assert status == 0, err
    finally:
        if not peer.proc.stdout.closed:
            peer.close()


def test_python_layer_is_interrupted_too(alarm):
    import socket
    a, b = socket.socketpair()
    try:
        alarm(raise_interrupted, 0.1)
        timed_raises(Interrupted, b.recv, 10)
    finally:
        a.close()
        b.close()



# ---- calls tried first without releasing the GIL (Modules/_socket/sockcall.h) ---------
# A small send or a datagram receive that cannot go at once blocks with the
# GIL released, as before: signals interrupt it by the same rules.

def fill(sock):
    total = 0
    while True:
        try:
            total += sock.send(b"f" * 1024, _socket.MSG_DONTWAIT)
        except _socket.error as e:
            assert e.args[0] in (errno.EAGAIN, errno.EWOULDBLOCK)
            return total


@pytest.mark.parametrize("kind", [_socket.SOCK_STREAM, _socket.SOCK_DGRAM])
def test_raising_handler_interrupts_small_send_on_full_buffer(alarm, kind):
    a, b = _socket.socketpair(_socket.AF_UNIX, kind)
    try:
        queued = fill(a)
        alarm(raise_interrupted, 0.2)
        info, elapsed = timed_raises(Interrupted, a.send, b"x")
        assert 0.2 - EPSILON <= elapsed < UPPER
        # nothing of the interrupted send went out
        if kind == _socket.SOCK_STREAM:
            assert drain(b) == b"f" * queued
        else:
            b.setblocking(False)
            assert [b.recv(2048) for _ in range(queued // 1024)] == \
                [b"f" * 1024] * (queued // 1024)
            with pytest.raises(_socket.error):
                b.recv(2048)
    finally:
        close_all(a, b)


@pytest.mark.parametrize("kind", [_socket.SOCK_STREAM, _socket.SOCK_DGRAM])
def test_returning_handler_lets_small_send_on_full_buffer_complete(alarm,
                                                                   kind):
    a, b = _socket.socketpair(_socket.AF_UNIX, kind)
    calls = []
    received = []

    def handler(signum, frame):
        calls.append(signum)
        if len(calls) == 2:
            disarm()
            b.setblocking(False)
            while True:
                try:
                    received.append(b.recv(65536))
                except _socket.error:
                    break
            b.setblocking(True)

    try:
        queued = fill(a)
        alarm(handler, 0.05, 0.05)
        assert a.send(b"small") == 5
        assert len(calls) == 2
        assert b"".join(received) == b"f" * queued
        assert b.recv(65536) == b"small"
    finally:
        close_all(a, b)


def partly_full_pair():
    """A socketpair whose small send buffer is partly used: a page sent on
    it goes out partly at once, and its rest waits for the reader."""
    a, b = _socket.socketpair()
    a.setsockopt(_socket.SOL_SOCKET, _socket.SO_SNDBUF, 4096)
    first = a.send(b"y" * 3000)
    return a, b, first


def test_returning_handler_ends_a_partly_done_send_with_its_count(alarm):
    # As the kernel does for a blocking send(2) that a signal cuts short
    # once some data went: the call returns the count sent so far.
    a, b, first = partly_full_pair()
    data = payload(4096)
    calls = []
    try:
        alarm(lambda signum, frame: calls.append(signum), 0.2)
        start = clock()
        sent = a.send(data)
        elapsed = clock() - start
        if sent == len(data) and not calls:
            pytest.skip("the send buffer took the whole page at once")
        assert 0 < sent < len(data)
        assert 0.2 - EPSILON <= elapsed < UPPER
        assert calls == [signal.SIGALRM]
        assert drain(b) == b"y" * first + data[:sent]
    finally:
        close_all(a, b)


def test_raising_handler_after_a_partly_done_send(alarm):
    a, b, first = partly_full_pair()
    data = payload(4096)
    try:
        alarm(raise_interrupted, 0.2)
        info, elapsed = timed_raises(Interrupted, a.send, data)
        assert 0.2 - EPSILON <= elapsed < UPPER
        got = drain(b)
        assert got[:first] == b"y" * first
        assert got[first:] == data[:len(got) - first]
        assert len(got) - first < len(data)
    finally:
        close_all(a, b)


def test_raising_handler_interrupts_blocking_datagram_recv(alarm):
    a, b = _socket.socketpair(_socket.AF_UNIX, _socket.SOCK_DGRAM)
    try:
        a.send(b"waiting")
        assert b.recv(16) == b"waiting"     # found data: tried first
        for call in (b.recv, b.recvfrom):
            alarm(raise_interrupted, 0.2)
            info, elapsed = timed_raises(Interrupted, call, 16)
            assert 0.2 - EPSILON <= elapsed < UPPER
        a.send(b"after")
        assert b.recv(16) == b"after"
    finally:
        close_all(a, b)


def test_returning_handler_lets_datagram_recvfrom_complete(alarm):
    a = _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)
    b = _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)
    calls = []

    def handler(signum, frame):
        calls.append(signum)
        if len(calls) == 2:
            disarm()
            a.sendto(b"second", b.getsockname())

    try:
        a.bind(("127.0.0.1", 0))
        b.bind(("127.0.0.1", 0))
        a.sendto(b"first", b.getsockname())
        assert b.recvfrom(16) == (b"first", a.getsockname())
        alarm(handler, 0.05, 0.05)
        assert b.recvfrom(16) == (b"second", a.getsockname())
        assert len(calls) == 2
    finally:
        close_all(a, b)

if sys.platform != "linux" and not sys.platform.startswith("linux"):
    pytestmark = pytest.mark.skip("Linux only")

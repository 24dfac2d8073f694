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


if sys.platform != "linux" and not sys.platform.startswith("linux"):
    pytestmark = pytest.mark.skip("Linux only")

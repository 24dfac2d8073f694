"""Data through socket.ssl() objects against a TLS server on the standard
library (a child interpreter): 10 MB intact both ways, one thread writing
while another reads, EOF with and without close_notify, timeouts (a
server that never answers the handshake, a read with nothing to read, a
write nobody reads), signals and Ctrl-C during blocking calls, and
non-blocking sockets."""
from __future__ import print_function

import fcntl
import hashlib
import os
import select
import signal
import threading
import time

import pytest

import socket
import tls_support

pytestmark = pytest.mark.skipif(not tls_support.have_openssl(),
                                reason="no openssl command")

clock = getattr(time, "monotonic", time.time)
EPSILON = 0.002
UPPER = 30.0
TEN_MB = 10 * 1024 * 1024


@pytest.fixture(scope="module")
def pki(tmpdir_factory):
    return tls_support.PKI(str(tmpdir_factory.mktemp("pki")))


@pytest.fixture
def peers():
    """peers(mode, *args): a started StdlibServer, closed afterwards."""
    started = []

    def start(pki, mode, *args):
        server = tls_support.StdlibServer(pki, mode, *args)
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()


@pytest.fixture
def alarm():
    """alarm(handler, delay) arms SIGALRM; undone afterwards."""
    old = signal.getsignal(signal.SIGALRM)

    def arm(handler, delay):
        signal.signal(signal.SIGALRM, handler)
        signal.setitimer(signal.ITIMER_REAL, delay)

    yield arm
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, old)


def tls_connect(pki, port, timeout=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(("127.0.0.1", port))
    return s, socket.ssl(s, cafile=pki.ca, server_hostname="localhost")


def payload(n):
    """n bytes that differ from one 16-byte block to the next."""
    block = hashlib.md5(b"classicsocket").digest()
    out = []
    for i in range(0, n, 4096):
        block = hashlib.md5(block).digest()
        out.append(block * 256)
    return b"".join(out)[:n]


def timed_raises(exc, call, *args):
    start = clock()
    with pytest.raises(exc) as info:
        call(*args)
    return info.value, clock() - start


# ---- data -------------------------------------------------------------------

def test_10_mb_intact_both_ways(pki, peers):
    server = peers(pki, "echo", TEN_MB)
    data = payload(TEN_MB)
    s, obj = tls_connect(pki, server.port)
    try:
        assert obj.write(data) == TEN_MB
        assert server.wait_for("GOT") == "GOT %d %s" % (
            TEN_MB, hashlib.md5(data).hexdigest())
        back = obj.read(TEN_MB)
        assert len(back) == TEN_MB and back == data
        assert obj.read() == b""            # close_notify
    finally:
        s.close()


def test_one_thread_writes_while_another_reads(pki, peers):
    # the server echoes each piece as it comes: without reading at the
    # same time the client would fill both directions and stall
    server = peers(pki, "stream", TEN_MB)
    data = payload(TEN_MB)
    s, obj = tls_connect(pki, server.port, timeout=UPPER)
    errors = []

    def writer():
        try:
            for i in range(0, TEN_MB, 100000):
                piece = data[i:i + 100000]
                assert obj.write(piece) == len(piece)
        except Exception as e:      # reported by the main thread
            errors.append(e)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        back = obj.read(TEN_MB)
    finally:
        thread.join(UPPER)
        s.close()
    assert not thread.is_alive()
    assert not errors, errors
    assert back == data
    assert server.wait_for("GOT") == "GOT %d %s" % (
        TEN_MB, hashlib.md5(data).hexdigest())


def test_read_without_size_reads_until_close_notify(pki, peers):
    size = 1000000
    server = peers(pki, "echo", size)
    data = payload(size)
    s, obj = tls_connect(pki, server.port)
    try:
        obj.write(data)
        assert obj.read() == data
        assert obj.read() == b""
        assert obj.read(1) == b""
    finally:
        s.close()


def test_write_of_nothing_and_read_of_zero(pki, peers):
    server = peers(pki, "echo", 3)
    s, obj = tls_connect(pki, server.port)
    try:
        assert obj.write(b"") == 0
        assert type(obj.write(b"")) is int      # not long on 2.7
        assert obj.read(0) == b""
        assert obj.write(bytearray(b"abc")) == 3
        assert obj.read(3) == b"abc"
        with pytest.raises(ValueError):
            obj.read(-1)
        with pytest.raises(TypeError):
            obj.read("3")
        with pytest.raises(TypeError):
            obj.write(3)
    finally:
        s.close()


# ---- EOF --------------------------------------------------------------------

def test_peer_closing_mid_stream_gives_ssl_error_eof(pki, peers):
    server = peers(pki, "partial", "partial data")
    s, obj = tls_connect(pki, server.port)
    try:
        # fewer than asked at EOF; the EOF without close_notify follows
        assert obj.read(100) == b"partial data"
        for _ in range(2):
            with pytest.raises(socket.sslerror) as info:
                obj.read(100)
            assert info.value.args == (socket.SSL_ERROR_EOF,
                                       "EOF occurred in violation of "
                                       "protocol")
    finally:
        s.close()


def test_read_until_eof_then_ssl_error_eof(pki, peers):
    server = peers(pki, "partial", "partial data")
    s, obj = tls_connect(pki, server.port)
    try:
        assert server.wait_for("SENT")
        assert obj.read() == b"partial data"
        with pytest.raises(socket.sslerror) as info:
            obj.read()
        assert info.value.args[0] == socket.SSL_ERROR_EOF
    finally:
        s.close()


def test_peer_closing_before_any_data(pki, peers):
    server = peers(pki, "partial", "")
    s, obj = tls_connect(pki, server.port)
    try:
        with pytest.raises(socket.sslerror) as info:
            obj.read(10)
        assert info.value.args[0] == socket.SSL_ERROR_EOF
        assert isinstance(info.value, socket.error)
    finally:
        s.close()


# ---- timeouts ---------------------------------------------------------------

def silent_listener():
    """A listening socket that never accepts: connections complete in the
    kernel, and nobody answers."""
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(("127.0.0.1", 0))
    srv.listen(5)
    return srv


def test_handshake_with_a_silent_server_times_out(pki):
    srv = silent_listener()
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.settimeout(0.5)
        s.connect(srv.getsockname())
        exc, elapsed = timed_raises(socket.timeout, socket.ssl, s, None, None,
                                    pki.ca)
        assert exc.args == ("timed out",)
        assert 0.5 - EPSILON <= elapsed < UPPER
        assert s.gettimeout() == 0.5
    finally:
        s.close()
        srv.close()


def test_read_timeout_keeps_what_it_had(pki, peers):
    server = peers(pki, "hold", "first")
    s, obj = tls_connect(pki, server.port)
    try:
        server.wait_for("HANDSHAKEN")
        s.settimeout(0.5)
        exc, elapsed = timed_raises(socket.timeout, obj.read, 10)
        assert 0.5 - EPSILON <= elapsed < UPPER
        # the five bytes that came before the timeout are not lost
        assert obj.pending() == 5
        server.send_line("after")
        assert obj.read(10) == b"firstafter"
        s.settimeout(None)
        server.send_line("more")
        assert obj.read(2) == b"mo"
        assert obj.read(2) == b"re"
    finally:
        s.close()


def test_write_nobody_reads_times_out(pki, peers):
    server = peers(pki, "hold", "")
    s, obj = tls_connect(pki, server.port)
    try:
        server.wait_for("HANDSHAKEN")
        s.settimeout(0.5)
        exc, elapsed = timed_raises(socket.timeout, obj.write,
                                    payload(64 * 1024 * 1024))
        assert 0.5 - EPSILON <= elapsed < UPPER
    finally:
        s.close()


# ---- signals ----------------------------------------------------------------

def test_ctrl_c_interrupts_a_blocking_read(pki, peers, alarm):
    server = peers(pki, "hold", "")
    s, obj = tls_connect(pki, server.port)
    try:
        assert s.gettimeout() is None
        server.wait_for("HANDSHAKEN")
        alarm(signal.default_int_handler, 0.2)
        exc, elapsed = timed_raises(KeyboardInterrupt, obj.read, 5)
        assert 0.2 - EPSILON <= elapsed < UPPER
        # the connection goes on
        server.send_line("after")
        assert obj.read(5) == b"after"
    finally:
        s.close()


def test_handler_that_returns_lets_the_read_go_on(pki, peers, alarm):
    server = peers(pki, "hold", "")
    s, obj = tls_connect(pki, server.port)
    calls = []

    def handler(signum, frame):
        calls.append(signum)
        server.send_line("after")       # the read can end now

    try:
        server.wait_for("HANDSHAKEN")
        alarm(handler, 0.2)
        start = clock()
        assert obj.read(5) == b"after"
        assert clock() - start >= 0.2 - EPSILON
        assert calls == [signal.SIGALRM]
    finally:
        s.close()


def test_ctrl_c_interrupts_a_blocking_handshake(alarm):
    srv = silent_listener()
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.connect(srv.getsockname())
        alarm(signal.default_int_handler, 0.2)
        exc, elapsed = timed_raises(KeyboardInterrupt, socket.ssl, s)
        assert 0.2 - EPSILON <= elapsed < UPPER
    finally:
        s.close()
        srv.close()


def test_signal_during_a_timed_read_keeps_the_deadline_rules(pki, peers,
                                                             alarm):
    server = peers(pki, "hold", "")
    s, obj = tls_connect(pki, server.port)
    try:
        server.wait_for("HANDSHAKEN")
        s.settimeout(UPPER)

        class Interrupted(Exception):
            pass

        def raising(signum, frame):
            raise Interrupted()

        alarm(raising, 0.2)
        exc, elapsed = timed_raises(Interrupted, obj.read, 5)
        assert 0.2 - EPSILON <= elapsed < UPPER
    finally:
        s.close()


# ---- blocking modes ---------------------------------------------------------

def test_non_blocking_socket_raises_want_read(pki, peers):
    server = peers(pki, "hold", "")
    s, obj = tls_connect(pki, server.port)
    try:
        server.wait_for("HANDSHAKEN")
        s.setblocking(False)
        with pytest.raises(socket.sslerror) as info:
            obj.read(5)
        assert info.value.args == (socket.SSL_ERROR_WANT_READ,
                                   "The operation did not complete (read)")
        server.send_line("after")
        deadline = clock() + UPPER
        got = b""
        while len(got) < 5 and clock() < deadline:
            select.select([s], [], [], deadline - clock())
            try:
                got += obj.read(5 - len(got))
            except socket.sslerror as e:
                assert e.args[0] == socket.SSL_ERROR_WANT_READ
        assert got == b"after"
    finally:
        s.close()


def test_a_blocking_socket_stays_blocking(pki, peers):
    server = peers(pki, "echo", 6)
    s, obj = tls_connect(pki, server.port)
    try:
        assert s.gettimeout() is None
        s.setblocking(True)         # the descriptor goes back to blocking
        assert obj.write(b"abc") == 3
        s.settimeout(None)
        assert obj.write(b"def") == 3
        assert obj.read(6) == b"abcdef"
        assert s.gettimeout() is None
        # the SSL object made the descriptor non-blocking for its waits;
        # once it is gone, the descriptor is blocking again
        assert fcntl.fcntl(s.fileno(), fcntl.F_GETFL) & os.O_NONBLOCK
        del obj
        assert not fcntl.fcntl(s.fileno(), fcntl.F_GETFL) & os.O_NONBLOCK
    finally:
        s.close()


def test_many_connections_leave_nothing_behind(pki, peers):
    # descriptors are checked by conftest (and memory by the sanitizer run)
    for _ in range(5):
        server = peers(pki, "echo", 4)
        s, obj = tls_connect(pki, server.port)
        obj.write(b"ping")
        assert obj.read(4) == b"ping"
        s.close()
        del obj
        server.close()

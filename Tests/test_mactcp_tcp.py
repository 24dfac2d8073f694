"""mactcp TCP streams on loopback: opening, Send/Rcv, urgent data, Close's
half-close, Abort, reuse, state errors, timeouts, interrupts, bad input.
Peers are other mactcp streams or standard-library sockets in child
processes (mtcp_support.stdlib_peer)."""
from __future__ import print_function

import signal
import threading
import time

import pytest

import mactcp

import mtcp_support as M
from mtcp_support import LOCALHOST, error_code, rcv_exactly
import support


# ---- opening ---------------------------------------------------------------

def test_passive_open_wait_isdone_getsockname():
    server = mactcp.TCPCreate(8192)
    assert server.isdone() == 1             # nothing pending
    assert server.wait() is None
    assert server.PassiveOpen(0) is None    # returns at once
    assert server.isdone() == 0
    host, port = server.GetSockName()
    assert 0 < port < 65536
    assert host == mactcp.IPAddr()          # a listener on any address
    client = mactcp.TCPCreate(8192)
    client.ActiveOpen(0, LOCALHOST, port)
    assert server.wait() is None
    assert server.isdone() == 1
    chost, cport = client.GetSockName()
    assert chost == LOCALHOST
    assert server.GetSockName() == (LOCALHOST, port)
    assert server.Status().remotePort == cport
    assert client.Status().remotePort == port


def test_isdone_turns_to_one_without_wait():
    server = mactcp.TCPCreate(8192)
    server.PassiveOpen(0)
    peer = M.stdlib_peer("connect=%d" % server.GetSockName()[1], "wait")
    try:
        assert M.support.wait_until(lambda: server.isdone() == 1)
        server.wait()
        assert server.Status().connectionState == 8
    finally:
        peer.close()


def test_active_open_with_local_port_and_refused():
    probe = mactcp.TCPCreate(8192)
    probe.PassiveOpen(0)
    port = probe.GetSockName()[1]
    probe.Close()                           # cancels: nothing listens now
    with pytest.raises(mactcp.error) as info:
        probe.wait()
    assert info.value.args[0] == M.connectionTerminated
    client = mactcp.TCPCreate(8192)
    assert error_code(client.ActiveOpen, 0, LOCALHOST, port) == M.openFailed
    # a given local port is used
    server = mactcp.TCPCreate(8192)
    server.PassiveOpen(0)
    client.ActiveOpen(port, LOCALHOST, server.GetSockName()[1])
    server.wait()
    assert client.GetSockName()[1] == port
    assert server.Status().remotePort == port


def test_duplicate_listener_and_existing_connection():
    server, client = M.connected_pair()
    other = mactcp.TCPCreate(8192)
    other.PassiveOpen(0)
    # a second stream may wait on the same port (Doc/mactcp.rst)
    third = mactcp.TCPCreate(8192)
    assert third.PassiveOpen(other.GetSockName()[1]) is None
    assert third.GetSockName()[1] == other.GetSockName()[1]
    assert error_code(client.ActiveOpen, 0, LOCALHOST,
                      other.GetSockName()[1]) == M.connectionExists
    assert error_code(server.PassiveOpen, 0) == M.connectionExists
    # a port another program listens on is a duplicate
    peer = M.stdlib_peer("wait")
    try:
        fourth = mactcp.TCPCreate(8192)
        assert error_code(fourth.PassiveOpen, peer.port) == M.duplicateSocket
    finally:
        peer.close()


def test_operations_refused_while_passive_open_pending():
    server = mactcp.TCPCreate(8192)
    server.PassiveOpen(0)
    message = "Operation not allowed, PassiveOpen in progress"
    for call, args in [(server.Send, (b"x",)), (server.Rcv, (1,)),
                       (server.Status, ()), (server.PassiveOpen, (0,)),
                       (server.ActiveOpen, (0, LOCALHOST, 1))]:
        with pytest.raises(mactcp.error) as info:
            call(*args)
        assert info.value.args == (message,)
    assert server.isdone() == 0
    assert server.GetSockName()[1] != 0
    server.Abort()                          # cancels
    assert server.isdone() == 1
    assert error_code(server.wait) == M.connectionTerminated
    assert server.wait() is None            # the error was reported once


def test_no_connection_errors():
    stream = mactcp.TCPCreate(8192)
    for call, args in [(stream.Send, (b"x",)), (stream.Rcv, (1,)),
                       (stream.Status, ()), (stream.Close, ()),
                       (stream.Abort, ())]:
        assert error_code(call, *args) == M.connectionDoesntExist
    assert stream.GetSockName() == (0, 0)


def test_deleting_a_stream_cancels_its_passive_open():
    server = mactcp.TCPCreate(8192)
    server.PassiveOpen(0)
    port = server.GetSockName()[1]
    del server
    again = mactcp.TCPCreate(8192)
    again.PassiveOpen(port)                 # the port is free at once
    assert again.GetSockName()[1] == port


# ---- data ----------------------------------------------------------------------

def test_send_rcv_both_ways_and_unacked_zero_after_send():
    server, client = M.connected_pair()
    client.Send(b"hello", 1, 0)
    assert client.Status().amtUnackedData == 0
    assert server.Rcv(5) == (b"hello", 0, 0)
    server.Send(b"world" * 1000)
    assert server.Status().amtUnackedData == 0
    assert rcv_exactly(client, 5000) == b"world" * 1000


def test_send_waits_for_the_stdlib_peers_ack():
    peer = M.stdlib_peer("recv=200000", "wait")
    try:
        stream = mactcp.TCPCreate(16384)
        stream.ActiveOpen(0, LOCALHOST, peer.port)
        block = bytes(bytearray(range(256))) * 50
        for _ in range(15):
            stream.Send(block)
            # the kernel reports every byte acknowledged
            assert stream.Status().amtUnackedData == 0
        stream.Send(b"\0" * (200000 - 15 * len(block)))
        assert stream.Status().amtUnackedData == 0
        assert M.expect_line(peer, "GOT") == "GOT 200000 bytes"
    finally:
        peer.close()


def test_rcv_returns_at_most_the_buffer_size():
    server = mactcp.TCPCreate(4096)
    server.PassiveOpen(0)
    peer = M.stdlib_peer("connect=%d" % server.GetSockName()[1],
                         "send=" + "y" * 30000, "wait")
    try:
        server.wait()
        got = b""
        while len(got) < 30000:
            data, urgent, mark = server.Rcv(10)
            assert 0 < len(data) <= 4096
            assert (urgent, mark) == (0, 0)
            got += data
        assert got == b"y" * 30000
    finally:
        peer.close()


def test_rcv_timeout_and_forever():
    server, client = M.connected_pair()
    start = time.time()
    assert error_code(server.Rcv, 1) == M.commandTimeout
    elapsed = time.time() - start
    assert 0.95 <= elapsed < 6
    start = time.time()
    assert error_code(server.Rcv, 0.3) == M.commandTimeout
    assert 0.28 <= time.time() - start < 5

    def later():
        time.sleep(0.3)     # the sender thread; Rcv(0) waits forever
        client.Send(b"late")
    t = threading.Thread(target=later)
    t.start()
    try:
        assert server.Rcv(0) == (b"late", 0, 0)
    finally:
        t.join()


def test_rcv_connection_closing_after_the_peers_data():
    server = mactcp.TCPCreate(8192)
    server.PassiveOpen(0)
    peer = M.stdlib_peer("connect=%d" % server.GetSockName()[1], "send=abc")
    try:
        server.wait()
        assert rcv_exactly(server, 3) == b"abc"
        assert M.expect_line(peer, "CLOSED")
        assert error_code(server.Rcv, 5) == M.connectionClosing
        assert error_code(server.Rcv, 5) == M.connectionClosing
        # Send is still allowed in Close Wait
        assert server.Status().connectionState == 14
    finally:
        peer.close()


@pytest.mark.parametrize("size", [16384, 16385, 65536, 65537, 131072])
def test_data_intact_across_the_gil_threshold(size):
    """tcpio.c's KEEP_GIL_MAX: send() and recv() of up to 16 KiB keep the
    GIL, larger ones release it, and Rcv's buffer depends on the stream's
    size (own buffer up to 16 KiB, the result directly above, SIOCINQ
    first above 64 KiB).  Sends and buffers on both sides of each bound
    carry the same bytes."""
    server, client = M.connected_pair(size)
    pattern = bytes(bytearray(i % 251 for i in range(200000)))
    lengths = [1, 16383, 16384, 16385, 65535, 65536, 65537, 200000]
    total = sum(lengths)
    chunks = []

    def receive():
        got = 0
        while got < total:
            data, urgent, mark = server.Rcv(30)
            chunks.append((data, urgent, mark))
            got += len(data)
    t = threading.Thread(target=receive)
    t.start()
    try:
        for length in lengths:
            client.Send(pattern[:length])
    finally:
        t.join(60)
    assert not t.is_alive()
    assert b"".join(c[0] for c in chunks) == b"".join(pattern[:n]
                                                      for n in lengths)
    assert all(0 < len(d) <= size and (u, m) == (0, 0)
               for d, u, m in chunks)


class Weird(int):
    """An int the argument parser takes but Send's fast path leaves to it."""


def _send_outcome(server, client, args, kwargs):
    """What client.Send(*args, **kwargs) does: the exception's type, or
    what the server received."""
    try:
        client.Send(*args, **kwargs)
    except Exception as e:  # noqa: BLE001 (the type is the result)
        return type(e)
    return server.Rcv(5)


def test_send_arguments_agree_with_the_parser():
    """Send's positional fast path (tcpio.c) against the argument parser,
    which keywords (and an int subclass) always take."""
    server, client = M.connected_pair()
    cases = [(b"x",), (b"x", 1), (b"x", 1, 0), (b"xy", 0, 0),
             (bytearray(b"xy"),), (memoryview(b"xyz"),), (b"x", True),
             (b"x", Weird(1)), (b"x", 2 ** 40), (b"x", 1.5), (b"x", "1"),
             (b"x", None), (5,), (None,), (b"x", 1, 2 ** 70), (u"text",)]
    if M.PY3:
        cases.append((memoryview(b"abcdef")[::2],))     # not contiguous
    else:
        cases.append((buffer(b"abc"),))  # noqa: F821 (2.7's old buffer)
    names = ("buf", "push", "urgent")
    for args in cases:
        fast = _send_outcome(server, client, args, {})
        general = _send_outcome(server, client, (),
                                dict(zip(names, args)))
        assert fast == general, args
    for args in [(), (b"x", 1, 0, 0)]:
        assert _send_outcome(server, client, args, {}) is TypeError


def _exchange(saw_first, before, urgent_data, size):
    """Rcv's results for `before` (then urgent data) in the server's
    queue.  saw_first: the server's Send waited while `before` sat there,
    so its Rcv may read without polling first (rcv_head, tcpio.c)."""
    server, client = M.connected_pair(size)
    for i in range(0, len(before), 500):    # within the window
        client.Send(before[i:i + 500])  # acknowledged: it is in the queue
    if saw_first:
        server.Send(b"y")
        assert client.Rcv(5) == (b"y", 0, 0)
    if urgent_data:
        client.Send(urgent_data, 0, 1)
    results = []
    got = 0
    while got < len(before) + len(urgent_data or b""):
        results.append(server.Rcv(5))
        got += len(results[-1][0])
    client.Send(b"after")
    results.append(server.Rcv(5))
    return results


# (bytes before, urgent bytes, buffer size); all within the receive window
@pytest.mark.parametrize("before,urgent,size", [
    (1, 0, 16384), (3, 1, 16384), (1, 3, 16384), (9000, 1, 8192),
    (9000, 0, 8192), (1000, 1000, 4096), (4096, 1, 4096), (4095, 2, 4096)])
def test_rcv_without_a_poll_agrees(before, urgent, size):
    """Rcv reading at once (the first unread byte known not to be the
    mark) gives what Rcv polling first gives."""
    args = (b"a" * before, b"UVW" * (urgent // 3) + b"U" * (urgent % 3),
            size)
    assert _exchange(True, *args) == _exchange(False, *args)


# ---- Close, Abort, reuse ---------------------------------------------------------

def test_close_is_a_half_close():
    peer = M.stdlib_peer("eof", "send=after-close", "wait")
    try:
        stream = mactcp.TCPCreate(8192)
        stream.ActiveOpen(0, LOCALHOST, peer.port)
        stream.Send(b"bye")
        stream.Close()          # returns once our FIN is acknowledged
        assert stream.Status().connectionState in (12, 20)
        assert M.expect_line(peer, "EOF") == "EOF bye"
        assert rcv_exactly(stream, 11) == b"after-close"
        # MacPython's state check refuses Send after our Close (FIN Wait 2)
        assert error_code(stream.Send, b"x") == \
            "Operation not allowed, connection state=12"
        assert error_code(stream.Close) == M.connectionClosing
        peer.proc.stdin.write(b"\n")
        peer.proc.stdin.flush()
        assert M.expect_line(peer, "CLOSED")
        assert error_code(stream.Rcv, 5) == M.connectionClosing
    finally:
        peer.close()


def test_close_after_the_peer_closed():
    server, client = M.connected_pair()
    client.Close()
    assert error_code(server.Rcv, 5) == M.connectionClosing
    server.Send(b"still")       # Close Wait
    server.Close()
    assert rcv_exactly(client, 5) == b"still"
    assert error_code(client.Rcv, 5) == M.connectionClosing


def test_both_ends_close_at_once_after_bulk_data():
    """Both ends Close at the same moment after bulk data: each Close
    returns without error, though a side may find its socket already past
    TIME_WAIT (which the kernel reports as CLOSE) with the peer's FIN still
    unread -- that is an orderly end, not a reset.  Timing-dependent: many
    rounds, on one CPU where the platform allows pinning."""
    pin = getattr(__import__("os"), "sched_setaffinity", None)
    saved = None
    if pin is not None:
        import os
        saved = os.sched_getaffinity(0)
        pin(0, [sorted(saved)[0]])
    chunk = b"b" * 65536
    try:
        for round in range(30):
            server, client = M.connected_pair(65536)
            reader = threading.Thread(target=rcv_exactly,
                                      args=(server, 16 * len(chunk)))
            reader.start()
            for _ in range(16):
                client.Send(chunk)
            reader.join()
            errors = []
            ready = threading.Event()

            def close(stream):
                ready.wait(10)
                try:
                    stream.Close()
                except mactcp.error as e:
                    errors.append(e.args)

            other = threading.Thread(target=close, args=(server,))
            other.start()
            ready.set()
            close(client)
            other.join()
            assert errors == [], "round %d: %r" % (round, errors)
            del server, client
    finally:
        if saved is not None:
            pin(0, saved)


def test_send_after_a_reset_is_refused_and_the_reset_still_reported():
    """Send does not ask the state first: on a reset connection send()
    fails without sending, and Send raises what the state implies; the
    reset's error it consumed is still what Rcv reports."""
    import support
    server, client = M.connected_pair()
    client.Abort()
    assert support.wait_until(
        lambda: error_code(server.Status) == M.connectionDoesntExist)
    assert error_code(server.Send, b"x") == M.connectionDoesntExist
    assert error_code(server.Rcv, 1) == M.connectionTerminated


def test_calls_after_a_reset_find_no_connection():
    """MacTCP's rule: a call waiting when the connection goes down gets
    connectionTerminated; once it is gone, every call gets
    connectionDoesntExist.  The Rcv that comes to the end of the data
    received before the reset reports it once (connectionTerminated)."""
    server, client = M.connected_pair()
    client.Send(b"last")
    client.Abort()
    assert M.support.wait_until(
        lambda: error_code(server.Status) == M.connectionDoesntExist)
    assert error_code(server.Send, b"x") == M.connectionDoesntExist
    assert error_code(server.Send, b"") == M.connectionDoesntExist
    assert error_code(server.Close) == M.connectionDoesntExist
    assert rcv_exactly(server, 4) == b"last"
    assert error_code(server.Rcv, 1) == M.connectionTerminated
    assert error_code(server.Rcv, 1) == M.connectionDoesntExist
    assert error_code(server.Status) == M.connectionDoesntExist
    assert error_code(server.Abort) == M.connectionDoesntExist
    # Abort returned the stream to its initial state all the same
    assert error_code(server.Rcv, 1) == M.connectionDoesntExist
    assert error_code(client.Abort) == M.connectionDoesntExist


def test_a_call_waiting_when_the_reset_comes_gets_terminated():
    server, client = M.connected_pair()
    t, outcome = _blocked_call_in_a_thread(lambda: server.Rcv(0))
    client.Abort()
    t.join(10)
    assert not t.is_alive()
    assert outcome == [M.connectionTerminated]
    assert error_code(server.Rcv, 1) == M.connectionDoesntExist


def test_calls_after_an_orderly_end():
    """Both sides closed: Status and Abort find no connection; Rcv keeps
    saying connectionClosing (the peer closed and all its data came)."""
    server, client = M.connected_pair()
    client.Close()
    assert error_code(server.Rcv, 5) == M.connectionClosing
    server.Close()
    assert error_code(client.Rcv, 5) == M.connectionClosing
    for stream in (server, client):
        assert M.support.wait_until(
            lambda: error_code(stream.Status) == M.connectionDoesntExist)
        assert error_code(stream.Send, b"x") == M.connectionDoesntExist
        assert error_code(stream.Close) == M.connectionDoesntExist
        assert error_code(stream.Rcv, 1) == M.connectionClosing
        assert error_code(stream.Abort) == M.connectionDoesntExist


def test_send_after_our_close_is_refused_by_the_state_check():
    """MacPython's Send asked the state first and refused anything but
    Established (and, meant, Close Wait) with a plain string."""
    server, client = M.connected_pair()
    client.Close()
    assert error_code(client.Send, b"x") == \
        "Operation not allowed, connection state=12"
    assert error_code(client.Send, b"") == \
        "Operation not allowed, connection state=12"
    server.Close()      # Close Wait -> Last Ack, acknowledged at once
    assert M.support.wait_until(
        lambda: error_code(client.Send, b"x") == M.connectionDoesntExist)


@pytest.mark.parametrize("forever", [0, -1, -255.5])
def test_rcv_timeout_zero_or_less_waits_forever(forever):
    """One rule for Rcv and UDP Read: 0 or less waits forever."""
    server, client = M.connected_pair()

    def later():
        time.sleep(0.5)     # the sender thread; Rcv must still be waiting
        client.Send(b"late")
    t = threading.Thread(target=later)
    t.start()
    try:
        start = time.time()
        assert server.Rcv(forever) == (b"late", 0, 0)
        assert time.time() - start >= 0.45
    finally:
        t.join()


def test_abort_resets_and_the_stream_is_reusable():
    server, client = M.connected_pair()
    rec = M.Recorder()
    server.asr = rec
    client.Send(b"data")
    client.Abort()
    assert error_code(client.Status) == M.connectionDoesntExist
    assert rec.wait_for(2)
    assert rec.events[-1] == (M.TCPTerminate, M.TCPRemoteAbort)
    assert rcv_exactly(server, 4) == b"data"
    assert error_code(server.Rcv, 1) == M.connectionTerminated
    server.asr = None
    # the same streams carry new connections; there is nothing to abort
    assert error_code(server.Abort) == M.connectionDoesntExist
    server.PassiveOpen(0)
    client.ActiveOpen(0, LOCALHOST, server.GetSockName()[1])
    server.wait()
    client.Send(b"again")
    assert rcv_exactly(server, 5) == b"again"


def test_new_connection_on_the_same_port_after_close():
    server, client = M.connected_pair()
    port = server.GetSockName()[1]
    client.Close()
    server.Close()
    assert error_code(server.Rcv, 5) == M.connectionClosing
    server.PassiveOpen(port)        # the old connection ended; port free
    other = mactcp.TCPCreate(8192)
    other.ActiveOpen(0, LOCALHOST, port)
    server.wait()
    other.Send(b"second")
    assert rcv_exactly(server, 6) == b"second"


def _blocked_call_in_a_thread(call):
    """Runs call() in a thread until it blocks in poll(); returns the
    thread and the list that gets the call's result or mactcp.error."""
    outcome = []
    tids = []
    started = threading.Event()

    def run():
        tids.append(M.native_thread_id())
        started.set()
        try:
            outcome.append(call())
        except mactcp.error as e:
            outcome.append(e.args[0])
    t = threading.Thread(target=run)
    t.daemon = True     # a regression must not hang the whole run
    t.start()
    assert started.wait(10)
    if not M.wait_blocked_in_poll(tids[0]):
        pytest.skip("cannot see the thread block in poll() here")
    return t, outcome


def test_abort_from_another_thread_ends_a_blocked_rcv():
    server, client = M.connected_pair()
    t, outcome = _blocked_call_in_a_thread(lambda: server.Rcv(0))
    server.Abort()
    t.join(10)
    assert not t.is_alive(), "Rcv still blocked after Abort"
    assert outcome == [M.connectionDoesntExist]
    # the peer saw the reset at once, not when the Rcv returned
    assert error_code(client.Rcv, 10) == M.connectionTerminated


def test_close_from_another_thread_ends_a_blocked_wait():
    server = mactcp.TCPCreate(8192)
    server.PassiveOpen(0)
    t, outcome = _blocked_call_in_a_thread(server.wait)
    server.Close()
    t.join(10)
    assert not t.is_alive(), "wait() still blocked after Close"
    assert outcome == [M.connectionTerminated]
    assert server.isdone() == 1


# ---- urgent data -----------------------------------------------------------------------

def test_urgent_between_mactcp_streams():
    server, client = M.connected_pair()
    client.Send(b"normal")
    assert server.Rcv(5) == (b"normal", 0, 0)
    client.Send(b"URG", urgent=1)
    assert server.Rcv(5) == (b"URG", 1, 1)
    client.Send(b"after")
    assert server.Rcv(5) == (b"after", 0, 0)


def _rcv_after_a_send_that_saw_data(urgent_data, size=16384, before=b"a"):
    """The server's Send waits while `before` sits unread in its queue (its
    wait sees it, so the next Rcv may read without polling first); then
    urgent data arrives; then the server's Rcvs."""
    server, client = M.connected_pair(size)
    for i in range(0, len(before), 500):    # within the window
        client.Send(before[i:i + 500])  # acknowledged: it is in the queue
    server.Send(b"y")
    assert server.Status().amtUnackedData == 0
    if urgent_data:
        client.Send(urgent_data, 0, 1)
    assert client.Rcv(5) == (b"y", 0, 0)
    return server, client


@pytest.mark.parametrize("urgent_data", [b"U", b"UVW"])
def test_urgent_behind_data_a_send_saw(urgent_data):
    server, client = _rcv_after_a_send_that_saw_data(urgent_data)
    # the data up to the mark is urgent, with the mark: not one normal
    # chunk, and no mark lost
    assert server.Rcv(5) == (b"a" + urgent_data, 1, 1)
    client.Send(b"after")
    assert server.Rcv(5) == (b"after", 0, 0)


def test_urgent_beyond_a_full_read_after_a_send_saw_data():
    server, client = _rcv_after_a_send_that_saw_data(b"U", 8192,
                                                     b"a" * 9000)
    assert server.Rcv(5) == (b"a" * 8192, 1, 0)
    assert server.Rcv(5) == (b"a" * 808 + b"U", 0, 1)
    client.Send(b"after")
    assert server.Rcv(5) == (b"after", 0, 0)


def test_rcv_after_a_send_that_saw_data():
    server, client = _rcv_after_a_send_that_saw_data(None, before=b"abc")
    assert server.Rcv(5) == (b"abc", 0, 0)
    client.Send(b"more")
    assert server.Rcv(5) == (b"more", 0, 0)


def test_long_urgent_data_flags_first_and_mark():
    server = mactcp.TCPCreate(4096)
    server.PassiveOpen(0)
    client = mactcp.TCPCreate(8192)
    client.ActiveOpen(0, LOCALHOST, server.GetSockName()[1])
    server.wait()
    results = []

    def receive():
        got = 0
        while got < 20000:
            data, urgent, mark = server.Rcv(10)
            results.append((len(data), urgent, mark))
            got += len(data)
    t = threading.Thread(target=receive)
    t.start()
    try:
        client.Send(b"u" * 20000, 0, 1)
    finally:
        t.join()
    assert len(results) > 1
    # Linux reveals urgent data once its last byte has arrived, so chunks
    # read before that carry no flag; from then on: urgent on the first
    # chunk, the mark on the one that ends the urgent data
    flags = [u for n, u, m in results]
    assert flags.count(1) == 1
    assert results[-1][2] == 1
    assert all(m == 0 for n, u, m in results[:-1])
    assert all(n <= 4096 for n, u, m in results)


def test_urgent_from_a_stdlib_peer():
    server = mactcp.TCPCreate(8192)
    server.PassiveOpen(0)
    peer = M.stdlib_peer("connect=%d" % server.GetSockName()[1], "send=abc",
                         "wait", "oob=XYZ", "send=tail", "wait")
    try:
        server.wait()
        assert rcv_exactly(server, 3) == b"abc"
        peer.proc.stdin.write(b"\n")
        peer.proc.stdin.flush()
        assert server.Rcv(5) == (b"XYZ", 1, 1)
        assert server.Rcv(5) == (b"tail", 0, 0)
    finally:
        peer.close()


def test_urgent_to_a_stdlib_peer():
    peer = M.stdlib_peer("wait", "recvoob", "recv=2")
    try:
        stream = mactcp.TCPCreate(8192)
        stream.ActiveOpen(0, LOCALHOST, peer.port)
        stream.Send(b"XYZ", urgent=1)   # acknowledged: it is there
        peer.proc.stdin.write(b"\n")
        peer.proc.stdin.flush()
        assert M.expect_line(peer, "OOB") == "OOB Z"
        assert M.expect_line(peer, "GOT") == "GOT XY"
    finally:
        peer.close()


# ---- status ------------------------------------------------------------------------------

def test_status_basics():
    server, client = M.connected_pair()
    st = client.Status()
    assert st.connectionState == 8
    assert (st.localHost, st.localPort) == client.GetSockName()
    assert (st.remoteHost, st.remotePort) == server.GetSockName()
    assert st.sendMaxSegSize > 0 and st.congestionWindow > 0
    client.Send(b"12345")
    assert M.support.wait_until(lambda: server.Status().amtUnreadData == 5)
    before = server.Status().rcvNext
    rcv_exactly(server, 5)
    assert server.Status().amtUnreadData == 0
    assert client.Status().sendNext - st.sendNext == 5
    assert before == client.Status().sendNext
    with pytest.raises((AttributeError, TypeError)):
        st.connectionState = 0


# ---- interrupts, asr, bad input --------------------------------------------------------------

class Interrupted(Exception):
    pass


def _interrupt(signum, frame):
    raise Interrupted()


@pytest.mark.parametrize("what", ["Rcv", "wait"])
def test_signal_interrupts_blocking_calls(what):
    server, client = M.connected_pair()
    if what == "wait":
        server = mactcp.TCPCreate(8192)
        server.PassiveOpen(0)
        call = server.wait
    else:
        call = lambda: server.Rcv(0)
    old = signal.signal(signal.SIGALRM, _interrupt)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        start = time.time()
        with pytest.raises(Interrupted):
            call()
        assert 0.15 < time.time() - start < 5
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    if what == "Rcv":               # the stream is unharmed
        client.Send(b"ok")
        assert server.Rcv(5) == (b"ok", 0, 0)
    else:
        assert server.isdone() == 0


def test_passive_open_done_and_data_arrival_events():
    server = mactcp.TCPCreate(8192)
    rec = M.Recorder()
    server.asr = rec
    server.PassiveOpen(0)
    client = mactcp.TCPCreate(8192)
    client.ActiveOpen(0, LOCALHOST, server.GetSockName()[1])
    assert rec.wait_for(1)
    assert rec.events == [(M.PassiveOpenDone, 0)]
    server.wait()
    client.Send(b"a")
    client.Send(b"b")
    assert rec.wait_for(2)
    assert rcv_exactly(server, 2) == b"ab"
    client.Send(b"c")
    assert rec.wait_for(3)
    assert rec.events == [(M.PassiveOpenDone, 0), (M.TCPDataArrival, 0),
                          (M.TCPDataArrival, 0)]
    server.asr = None


def test_bad_input():
    stream = mactcp.TCPCreate(8192)
    for port in (-1, 65536, 2 ** 70):
        with pytest.raises(OverflowError):
            stream.PassiveOpen(port)
        with pytest.raises(OverflowError):
            stream.ActiveOpen(port, LOCALHOST, 1)
    for host in (2 ** 32, -2 ** 31 - 1):
        with pytest.raises(OverflowError):
            stream.ActiveOpen(0, host, 1)
    for bad in ("127.0.0.1", 1.5, None):
        with pytest.raises(TypeError):
            stream.ActiveOpen(0, bad, 1)
        with pytest.raises(TypeError):
            stream.PassiveOpen(bad)
    with pytest.raises(TypeError):
        stream.asr = 5
    with pytest.raises(TypeError):
        del stream.asr
    assert stream.asr is None
    server, client = M.connected_pair()
    assert error_code(client.Send, b"") == M.invalidLength
    if M.PY3:
        with pytest.raises(TypeError):
            client.Send(u"text")
    with pytest.raises(TypeError):
        client.Send(5)
    with pytest.raises(ValueError):
        client.Rcv(float("nan"))
    with pytest.raises(TypeError):
        client.Rcv("1")
    with pytest.raises(TypeError):
        client.Rcv(1, 2)


def test_signed_and_unsigned_hosts_agree():
    a = mactcp.TCPCreate(8192)
    b = mactcp.TCPCreate(8192)
    # 255.255.255.255 in both forms: refused the same way
    assert error_code(a.ActiveOpen, 0, -1, 9) == \
        error_code(b.ActiveOpen, 0, 0xFFFFFFFF, 9)


def test_error_is_indexable_like_macpython():
    stream = mactcp.TCPCreate(8192)
    try:
        stream.Status()
    except mactcp.error as e:
        assert e.args[0] == M.connectionDoesntExist
        assert isinstance(e.args[1], str)
        if not M.PY3:
            assert e[0] == M.connectionDoesntExist
    else:
        raise AssertionError("no error")


def test_no_threads_or_descriptors_left():
    fds = M.open_descriptors()
    server, client = M.connected_pair()
    server.asr = lambda e, d: None
    client.Send(b"x")
    assert M.driver_threads() == 1
    del server, client
    # joined; the kernel may list the thread for a moment longer
    assert support.wait_until(lambda: M.driver_threads() == 0)
    assert M.open_descriptors() == fds

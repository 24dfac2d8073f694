"""mactcp UDP streams on loopback: Read/Write, timeouts, the port, the
events, bad input."""
from __future__ import print_function

import time

import pytest

import mactcp

import mtcp_support as M
from mtcp_support import LOCALHOST, error_code


def test_write_read_and_port():
    a = mactcp.UDPCreate(4096, 0)
    b = mactcp.UDPCreate(4096, 0)
    assert 0 < a.port < 65536 and a.port != b.port
    a.Write(LOCALHOST, b.port, b"ping")
    assert b.Read(5) == b"ping"
    b.Write(LOCALHOST, a.port, b"")         # empty datagrams are passed up
    assert a.Read(5) == b""
    with pytest.raises((AttributeError, TypeError)):
        a.port = 1


def test_read_from_a_stdlib_peer_and_back():
    stream = mactcp.UDPCreate(4096, 0)
    peer = M.support.Peer(
        "import socket, sys\n"
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        "s.bind(('127.0.0.1', 0))\n"
        "print('READY %d' % s.getsockname()[1])\n"
        "s.sendto(b'from-peer', ('127.0.0.1', int(sys.argv[1])))\n"
        "data, addr = s.recvfrom(100)\n"
        "print('GOT ' + data.decode('ascii'))\n", args=(stream.port,))
    try:
        assert stream.Read(10) == b"from-peer"
        stream.Write(LOCALHOST, peer.port, b"reply")
        assert peer.readline() == "GOT reply"
    finally:
        peer.close()


def test_fixed_port_and_duplicate():
    a = mactcp.UDPCreate(4096, 0)
    port = a.port
    del a
    b = mactcp.UDPCreate(4096, port)
    assert b.port == port
    assert error_code(mactcp.UDPCreate, 4096, port) == M.duplicateSocket


def test_read_timeouts():
    stream = mactcp.UDPCreate(4096, 0)
    start = time.time()
    assert error_code(stream.Read, 1) == M.commandTimeout
    assert 0.95 <= time.time() - start < 6
    start = time.time()
    assert error_code(stream.Read, 0.2) == M.commandTimeout
    assert 0.18 <= time.time() - start < 5


@pytest.mark.parametrize("forever", [0, -1, -2.5])
def test_read_zero_and_less_waits_forever(forever):
    stream = mactcp.UDPCreate(4096, 0)
    peer = M.support.Peer(
        "import socket, sys, select\n"
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        "print('READY')\n"
        "select.select([], [], [], 1.2)\n"
        "s.sendto(b'late', ('127.0.0.1', int(sys.argv[1])))\n",
        args=(stream.port,))
    try:
        start = time.time()
        assert stream.Read(forever) == b"late"
        assert time.time() - start >= 1.0
    finally:
        peer.close()


def test_datagram_longer_than_the_buffer_is_cut():
    small = mactcp.UDPCreate(2048, 0)
    big = mactcp.UDPCreate(65536, 0)
    big.Write(LOCALHOST, small.port, b"z" * 3000)
    assert small.Read(5) == b"z" * 2048


def test_events_data_arrival_and_icmp():
    stream = mactcp.UDPCreate(4096, 0)
    rec = M.Recorder()
    stream.asr = rec
    closed = mactcp.UDPCreate(4096, 0)
    dead_port = closed.port
    del closed
    stream.Write(LOCALHOST, dead_port, b"nobody")   # port unreachable
    assert rec.wait_for(1)
    assert rec.events == [(M.UDPICMPReceived,)]
    other = mactcp.UDPCreate(4096, 0)
    other.Write(LOCALHOST, stream.port, b"one")
    other.Write(LOCALHOST, stream.port, b"two")
    assert rec.wait_for(2)
    assert stream.Read(5) == b"one"
    assert rec.wait_for(3)              # a Read completed: reported again
    assert stream.Read(5) == b"two"
    assert rec.events == [(M.UDPICMPReceived,), (M.UDPDataArrival,),
                          (M.UDPDataArrival,)]
    stream.asr = None


def test_stale_icmp_does_not_fail_later_calls():
    stream = mactcp.UDPCreate(4096, 0)
    closed = mactcp.UDPCreate(4096, 0)
    dead_port = closed.port
    del closed
    stream.Write(LOCALHOST, dead_port, b"nobody")
    other = mactcp.UDPCreate(4096, 0)
    stream.Write(LOCALHOST, other.port, b"fine")    # no ECONNREFUSED
    other.Write(LOCALHOST, stream.port, b"back")
    assert stream.Read(5) == b"back"


def test_bad_input():
    for size in (2047, 0, -1):
        assert error_code(mactcp.UDPCreate, size, 0) == M.invalidLength
    with pytest.raises(OverflowError):
        mactcp.UDPCreate(2 ** 40, 0)
    for port in (-1, 65536):
        with pytest.raises(OverflowError):
            mactcp.UDPCreate(4096, port)
    with pytest.raises(TypeError):
        mactcp.UDPCreate("4096", 0)
    stream = mactcp.UDPCreate(4096, 0)
    with pytest.raises(OverflowError):
        stream.Write(LOCALHOST, 70000, b"x")
    with pytest.raises(OverflowError):
        stream.Write(2 ** 32, 1, b"x")
    with pytest.raises(TypeError):
        stream.Write("127.0.0.1", 1, b"x")
    with pytest.raises(TypeError):
        stream.Write(LOCALHOST, 1, 5)
    with pytest.raises(ValueError):
        stream.Read(float("nan"))
    with pytest.raises(TypeError):
        stream.Read(None)
    with pytest.raises(TypeError):
        stream.asr = "not callable"


def test_bursts_of_small_datagrams_are_all_held():
    """A MacTCP buffer of 65536 bytes held a burst of 1,000 datagrams of
    1-3 bytes; so does ours (udp.c sizes the kernel's buffer for it).  Each
    arrives, in order, with one UDPDataArrival when read one per event."""
    rx = mactcp.UDPCreate(65536, 0)
    tx = mactcp.UDPCreate(4096, 0)
    events = []
    got = []

    def asr(event):
        events.append(event)
        got.append(rx.Read(5))      # one datagram per event
    payloads = [str(i).encode("ascii") for i in range(1000)]    # 1-3 bytes
    for burst in range(2):
        del events[:], got[:]
        for data in payloads:
            tx.Write(LOCALHOST, rx.port, data)
        rx.asr = asr    # the whole burst waits in the buffer first
        assert M.support.wait_until(lambda: len(got) >= 1000, timeout=60)
        rx.asr = None
        assert got == payloads, burst
        assert events == [M.UDPDataArrival] * 1000, burst
        assert error_code(rx.Read, 0.2) == M.commandTimeout

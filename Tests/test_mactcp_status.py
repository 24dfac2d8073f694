"""TCP status objects checked against the kernel's own view of the same
connection, as seen by a standard-library socket peer in a child process
(getsockname/getpeername, bytes it sent and read) and by facts 3.2's
numbering of the TCP states."""
from __future__ import print_function

import pytest

import mactcp
import MACTCPconst

import support
from mtcp_support import close_peer, error_code

LOOPBACK = 0x7F000001

FIELDS = ("remoteHost", "remotePort", "localHost", "localPort", "tosFlags",
          "precedence", "connectionState", "sendWindow", "rcvWindow",
          "amtUnackedData", "amtUnreadData", "sendUnacked", "sendNext",
          "congestionWindow", "rcvNext", "srtt", "lastRTT", "sendMaxSegSize")

# A stdlib-socket peer for one connection, driven by commands on stdin.  A
# line holds one or more operations separated by ';'; each answers with one
# line ending in '@<time.time() right after the operation>'.  The peer
# listens itself (server mode) or connects to the port in argv[1].
COMMAND_PEER = r"""
import select, socket, struct, sys, time
if len(sys.argv) > 1:
    conn = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    conn.connect(('127.0.0.1', int(sys.argv[1])))
    print('READY')
else:
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(('127.0.0.1', 0))
    srv.listen(1)
    print('READY %d' % srv.getsockname()[1])
    conn, addr = srv.accept()
    srv.close()
conn.settimeout(30)
def run(op, args):
    if op == 'names':
        me, peer = conn.getsockname(), conn.getpeername()
        return '%s %d %s %d' % (me[0], me[1], peer[0], peer[1])
    if op == 'send':
        conn.sendall(b'x' * int(args[0]))
        return 'sent'
    if op == 'oob':
        conn.send(b'!', socket.MSG_OOB)
        return 'sent'
    if op == 'recv':
        want, got = int(args[0]), 0
        while got < want:
            data = conn.recv(want - got)
            if not data:
                break
            got += len(data)
        return 'got %d' % got
    if op == 'drain':
        got = 0
        while True:
            try:
                data = conn.recv(65536)
            except socket.error:
                return 'reset %d' % got
            if not data:
                break
            got += len(data)
        return 'eof %d' % got
    if op == 'shutwr':
        conn.shutdown(socket.SHUT_WR)
        return 'done'
    if op == 'rst':
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                        struct.pack('ii', 1, 0))
        conn.close()
        return 'done'
    if op == 'close':
        conn.close()
        return 'done'
    if op == 'pause':
        select.select([], [], [], float(args[0]))
        return 'paused'
    return 'unknown'
while True:
    line = sys.stdin.readline()
    if not line:
        break
    for command in line.split(';'):
        words = command.split()
        result = run(words[0], words[1:])
        print('%s @%.6f' % (result, time.time()))
"""


class CommandPeer(support.Peer):
    """support.Peer running COMMAND_PEER.  start() sends a command line
    without waiting; answer() reads one answer as (text, time); do() is
    both for a single operation and returns the text."""

    def __init__(self, connect_to=None):
        args = () if connect_to is None else (connect_to,)
        support.Peer.__init__(self, COMMAND_PEER, args=args)

    def start(self, command):
        self.proc.stdin.write((command + "\n").encode("ascii"))
        self.proc.stdin.flush()

    def answer(self, timeout=20.0):
        line = self.readline(timeout)
        text, _, when = line.rpartition(" @")
        assert when, "bad answer from the peer: %r" % line
        return text, float(when)

    def do(self, command, timeout=20.0):
        self.start(command)
        return self.answer(timeout)[0]


def dotted_to_int(text):
    a, b, c, d = [int(x) for x in text.split(".")]
    return (a << 24) | (b << 16) | (c << 8) | d


def connection(recorder=None):
    """The generator behind the `connected` fixtures: yields [stream, peer]
    (+ [recorder], set as the asr), a mactcp stream ActiveOpen'ed to a
    CommandPeer, and aborts and deletes both afterwards."""
    peer = CommandPeer()
    stream = mactcp.TCPCreate(16384)
    try:
        stream.ActiveOpen(0, LOOPBACK, peer.port)
        # pytest keeps fixture values until after the leak check: hand
        # out a list and empty it, so the stream really goes away
        holder = [stream, peer]
        if recorder is not None:
            stream.asr = recorder
            holder.append(recorder)
        yield holder
        del holder[:]
    finally:
        stream.asr = None
        try:
            stream.Abort()
        except mactcp.error:
            pass
        del stream
        close_peer(peer)


@pytest.fixture
def connected():
    """(stream, peer): a mactcp stream ActiveOpen'ed to a socket peer."""
    for holder in connection():
        yield holder


def test_addresses_match_the_peers_view(connected):
    stream, peer = connected
    status = stream.Status()
    peer_host, peer_port, our_host, our_port = peer.do("names").split()
    assert status.localHost == dotted_to_int(our_host) == LOOPBACK
    assert status.localPort == int(our_port)
    assert status.remoteHost == dotted_to_int(peer_host) == LOOPBACK
    assert status.remotePort == int(peer_port) == peer.port
    assert stream.GetSockName() == (status.localHost, status.localPort)


def test_addresses_on_the_passive_side():
    stream = mactcp.TCPCreate(8192)
    stream.PassiveOpen(0)
    port = stream.GetSockName()[1]
    peer = CommandPeer(connect_to=port)
    try:
        stream.wait()
        status = stream.Status()
        peer_host, peer_port, our_host, our_port = peer.do("names").split()
        assert status.localPort == int(our_port) == port
        assert status.localHost == dotted_to_int(our_host) == LOOPBACK
        assert status.remotePort == int(peer_port)
        assert status.remoteHost == dotted_to_int(peer_host)
        assert status.connectionState == MACTCPconst.Established
    finally:
        del stream
        close_peer(peer)


def test_amt_unread_data_counts_what_the_peer_sent(connected):
    stream, peer = connected
    assert stream.Status().amtUnreadData == 0
    assert peer.do("send 1000") == "sent"
    assert support.wait_until(lambda: stream.Status().amtUnreadData >= 1000)
    assert stream.Status().amtUnreadData == 1000
    assert peer.do("send 2345") == "sent"
    assert support.wait_until(lambda: stream.Status().amtUnreadData >= 3345)
    assert stream.Status().amtUnreadData == 3345
    got = 0
    while got < 3345:
        data, urgent, mark = stream.Rcv(10)
        got += len(data)
        assert stream.Status().amtUnreadData == 3345 - got
    assert got == 3345


def test_amt_unacked_data_is_zero_right_after_send(connected):
    stream, peer = connected
    peer.start("drain")
    total = 0
    for size in (1, 100, 1460, 4096, 65535, 200000, 7):
        stream.Send(b"y" * size, 1, 0)
        status = stream.Status()
        assert status.amtUnackedData == 0, size
        assert status.sendUnacked == status.sendNext, size
        total += size
    stream.Close()
    assert peer.answer()[0] == "eof %d" % total


def test_sequence_numbers_advance_by_the_bytes_moved(connected):
    stream, peer = connected
    before = stream.Status()
    stream.Send(b"z" * 5000, 1, 0)
    assert peer.do("recv 5000") == "got 5000"
    after = stream.Status()
    assert (after.sendNext - before.sendNext) % (1 << 32) == 5000
    assert (after.sendUnacked - before.sendUnacked) % (1 << 32) == 5000
    assert peer.do("send 777") == "sent"
    assert support.wait_until(lambda: stream.Status().amtUnreadData == 777)
    later = stream.Status()
    assert (later.rcvNext - before.rcvNext) % (1 << 32) == 777


def test_connection_states_follow_macTCP_numbering(connected):
    stream, peer = connected
    assert stream.Status().connectionState == MACTCPconst.Established == 8
    assert peer.do("shutwr") == "done"
    assert support.wait_until(
        lambda: stream.Status().connectionState != MACTCPconst.Established)
    assert stream.Status().connectionState == MACTCPconst.CloseWait == 14
    # Close Wait still lets us send (MacPython refused it: facts 3.2)
    stream.Send(b"still here", 1, 0)
    assert peer.do("recv 10") == "got 10"


def test_fin_wait_2_after_our_close(connected):
    stream, peer = connected
    stream.Close()
    # Close returns once our FIN is acknowledged: FIN Wait 2
    assert stream.Status().connectionState == MACTCPconst.FINWait2 == 12
    # the peer can still send, and we still receive (the half-close)
    assert peer.do("send 10") == "sent"
    data = b""
    while len(data) < 10:
        data += stream.Rcv(10)[0]
    assert data == b"x" * 10


def test_closed_once_both_sides_closed(connected):
    """After both FINs the descriptor's connection is CLOSE (the kernel
    keeps the TIME-WAIT state apart from it): state Closed, and Rcv says
    connectionClosing."""
    stream, peer = connected
    stream.Close()
    assert stream.Status().connectionState == MACTCPconst.FINWait2
    assert peer.do("close") == "done"
    assert support.wait_until(
        lambda: _status_or_code(stream) == MACTCPconst.connectionDoesntExist
        or _status_or_code(stream).connectionState == MACTCPconst.Closed)
    assert error_code(stream.Rcv, 5) == MACTCPconst.connectionClosing


def test_window_segment_and_timing_fields(connected):
    stream, peer = connected
    stream.Send(b"w" * 3000, 1, 0)
    assert peer.do("recv 3000") == "got 3000"
    status = stream.Status()
    assert status.sendMaxSegSize > 0
    assert status.sendWindow > 0
    assert status.rcvWindow > 0
    assert status.congestionWindow >= status.sendMaxSegSize
    assert status.srtt >= 0
    assert status.lastRTT >= 0
    # on loopback a round trip takes far less than a second
    assert status.srtt < 1000 and status.lastRTT < 1000
    assert status.tosFlags == 0
    assert status.precedence == 0
    for name in FIELDS:
        value = getattr(status, name)
        assert isinstance(value, (int, type(1 << 64))), (name, value)
        assert value >= 0, (name, value)


def test_status_is_a_snapshot(connected):
    stream, peer = connected
    status = stream.Status()
    assert status.amtUnreadData == 0
    assert peer.do("send 50") == "sent"
    assert support.wait_until(lambda: stream.Status().amtUnreadData == 50)
    assert status.amtUnreadData == 0


def test_fields_are_read_only(connected):
    stream, peer = connected
    status = stream.Status()
    for name in FIELDS:
        before = getattr(status, name)
        with pytest.raises((AttributeError, TypeError)):
            setattr(status, name, 1)
        with pytest.raises((AttributeError, TypeError)):
            delattr(status, name)
        assert getattr(status, name) == before
    with pytest.raises((AttributeError, TypeError)):
        status.newField = 1
    with pytest.raises(AttributeError):
        status.noSuchField


def test_status_without_a_connection():
    stream = mactcp.TCPCreate(4096)
    assert error_code(stream.Status) == MACTCPconst.connectionDoesntExist


def test_status_refused_while_passive_open_pending():
    stream = mactcp.TCPCreate(4096)
    stream.PassiveOpen(0)
    try:
        stream.Status()
    except mactcp.error as e:
        assert e.args[0] == "Operation not allowed, PassiveOpen in progress"
    else:
        raise AssertionError("Status() allowed during PassiveOpen")
    del stream


def test_status_after_peer_reset(connected):
    """Once the reset has been seen there is no connection: Status either
    refuses (connectionDoesntExist) or reports state Closed (0, "no
    connection on this stream")."""
    stream, peer = connected
    assert stream.Status().connectionState == MACTCPconst.Established
    assert peer.do("rst") == "done"

    def gone():
        value = _status_or_code(stream)
        if value == MACTCPconst.connectionDoesntExist:
            return True
        return getattr(value, "connectionState", None) == MACTCPconst.Closed
    assert support.wait_until(gone)


def _status_or_code(stream):
    try:
        return stream.Status()
    except mactcp.error as e:
        return e.args[0]

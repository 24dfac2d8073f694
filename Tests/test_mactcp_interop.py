"""mactcp against the plain socket module, both ways.

Acceptance: a socket echo client against a mactcp echo server, and a mactcp
echo client against a socket echo server, each move 10 MB in messages of
random sizes intact.  The socket side always runs in a child interpreter
with the STANDARD LIBRARY's socket module; every byte is checked (MD5 of
the whole stream each way, and the lengths).

Also: the example programs in Doc/examples run against each other (mactcp
server + socket client, socket server + mactcp client, the mactcp UDP
pair).
"""
from __future__ import print_function

import os
import random
import subprocess
import sys
import time

import pytest

import mactcp
import MACTCPconst

import support
from mtcp_support import close_peer

LOOPBACK = 0x7F000001
TOTAL = 10 * 1024 * 1024
EXAMPLES = os.path.join(support.ROOT, "Doc", "examples")

# A stdlib-socket echo client: a sender thread writes TOTAL random bytes in
# messages of random sizes (then half-closes) while the main thread reads
# the echo until EOF.  It reports both digests and the byte count.
SOCKET_ECHO_CLIENT = r"""
import hashlib, os, random, socket, sys, threading
port, total, seed = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.settimeout(60)
s.connect(('127.0.0.1', port))
print('READY')
sent = hashlib.md5()
def sender():
    left = total
    while left:
        n = min(left, rng.randint(1, 65536))
        chunk = os.urandom(n)
        sent.update(chunk)
        s.sendall(chunk)
        left -= n
    s.shutdown(socket.SHUT_WR)
t = threading.Thread(target=sender)
t.start()
got = hashlib.md5()
count = 0
while True:
    data = s.recv(65536)
    if not data:
        break
    got.update(data)
    count += len(data)
t.join()
s.close()
print('DONE %d %s %s' % (count, sent.hexdigest(), got.hexdigest()))
"""

# A stdlib-socket echo server for one connection.
SOCKET_ECHO_SERVER = r"""
import socket, sys
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.bind(('127.0.0.1', 0))
srv.listen(1)
print('READY %d' % srv.getsockname()[1])
conn, addr = srv.accept()
srv.close()
conn.settimeout(60)
count = 0
while True:
    data = conn.recv(65536)
    if not data:
        break
    conn.sendall(data)
    count += len(data)
conn.close()
print('DONE %d' % count)
"""


def _seed():
    seed = random.randrange(1 << 30)
    print("random seed", seed)
    return seed


def _rcv_until_closing(stream, timeout=10):
    """Reads (and returns) what is left until the peer's close."""
    rest = []
    while True:
        try:
            data, urgent, mark = stream.Rcv(timeout)
        except mactcp.error as e:
            assert e.args[0] == MACTCPconst.connectionClosing, e.args
            return b"".join(rest)
        rest.append(data)


def test_socket_client_against_mactcp_server_10mb():
    started = time.time()
    stream = mactcp.TCPCreate(65536)
    stream.PassiveOpen(0)
    port = stream.GetSockName()[1]
    assert port > 0
    peer = support.Peer(SOCKET_ECHO_CLIENT, args=(port, TOTAL, _seed()))
    try:
        stream.wait()
        count = 0
        while True:
            try:
                data, urgent, mark = stream.Rcv(20)
            except mactcp.error as e:
                assert e.args[0] == MACTCPconst.connectionClosing, e.args
                break
            assert data and not urgent and not mark
            stream.Send(data, 1, 0)
            count += len(data)
        stream.Close()
        status, out, err = peer.finish(timeout=30)
    finally:
        close_peer(peer)
        del stream
    assert status == 0, err
    words = out.split()
    assert words[0] == "DONE", out
    assert int(words[1]) == TOTAL == count
    assert words[2] == words[3], "echoed bytes differ from the sent ones"
    assert time.time() - started < 30


def test_mactcp_client_against_socket_server_10mb():
    started = time.time()
    rng = random.Random(_seed())
    peer = support.Peer(SOCKET_ECHO_SERVER)
    stream = mactcp.TCPCreate(65536)
    try:
        stream.ActiveOpen(0, LOOPBACK, peer.port)
        left = TOTAL
        while left:
            message = os.urandom(min(left, rng.randint(1, 65536)))
            stream.Send(message, 1, 0)
            echoed = []
            have = 0
            while have < len(message):
                data, urgent, mark = stream.Rcv(20)
                assert data and not urgent and not mark
                echoed.append(data)
                have += len(data)
            assert b"".join(echoed) == message
            left -= len(message)
        stream.Close()
        assert _rcv_until_closing(stream) == b""
        status, out, err = peer.finish(timeout=30)
    finally:
        close_peer(peer)
        del stream
    assert status == 0, err
    assert out.split() == ["DONE", str(TOTAL)]
    assert time.time() - started < 30


# --- the example programs ---------------------------------------------------

class Program(support.Peer):
    """An example program in a child interpreter, its output read line by
    line under deadlines.  ours=True runs it with this project's Lib/ (mactcp
    programs); ours=False with the standard library alone (socket programs).
    Unlike a Peer it prints no READY line; finish() returns all its output,
    the lines readline() took included.  Close it with close_peer()."""

    def __init__(self, name, args=(), ours=True):
        self.proc = subprocess.Popen(
            [sys.executable, "-u", os.path.join(EXAMPLES, name)] +
            [str(a) for a in args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=support.our_env() if ours else support.stdlib_env())
        self.lines = []

    def readline(self, timeout=20.0):
        line = support.Peer.readline(self, timeout)
        self.lines.append(line)
        return line

    def finish(self, timeout=30.0):
        status, out, err = support.Peer.finish(self, timeout)
        return status, "\n".join(self.lines + [out]), err


def run_pair(server_name, server_args, client_name, client_host,
             server_ours=True, client_ours=True):
    """Starts an example server, reads the port from its first line, runs
    an example client against it and waits for both.  Returns (first
    line, (status, out, err) of the client, the same of the server)."""
    server = Program(server_name, server_args, ours=server_ours)
    try:
        first = server.readline()
        port = int(first.split()[-1])
        client = Program(client_name, [client_host, port], ours=client_ours)
        try:
            client_result = client.finish()
        finally:
            close_peer(client)
        server_result = server.finish()
    finally:
        close_peer(server)
    return first, client_result, server_result


def assert_hello_echoed(client_result, server_result):
    cstatus, cout, cerr = client_result
    status, out, err = server_result
    assert cstatus == 0, cerr
    assert cout.startswith("Received ") and "'Hello, world'" in cout, cout
    assert status == 0, err


def _socket_example(name):
    path = os.path.join(EXAMPLES, name)
    if not os.path.exists(path):
        pytest.fail("%s is missing (helper pylayer writes it)" % path)
    return name


# The socket examples run with the standard library's socket module and
# with this project's (the programs are the same; both must interoperate).
SOCKET_FLAVOURS = pytest.mark.parametrize("ours", [False, True],
                                          ids=["stdlib", "classicsocket"])


@SOCKET_FLAVOURS
def test_example_mactcp_server_with_socket_client(ours):
    client_name = _socket_example("echo_client.py")
    first, client, server = run_pair("mactcp_echo_server.py", [0],
                                     client_name, "127.0.0.1",
                                     client_ours=ours)
    assert first.startswith("Waiting on port "), first
    assert_hello_echoed(client, server)
    out = server[1]
    assert "Connected by ('127.0.0.1', " in out, out
    events = [line for line in out.splitlines() if line.startswith("Event")]
    assert events[0] == "Event PassiveOpenDone", out
    assert events[-1] == "Event TCPTerminate TCPULPClose", out
    assert events.count("Event TCPTerminate TCPULPClose") == 1, out


@SOCKET_FLAVOURS
def test_example_mactcp_client_with_socket_server(ours):
    server_name = _socket_example("echo_server.py")
    first, client, server = run_pair(server_name, [0, "127.0.0.1"],
                                     "mactcp_echo_client.py", "127.0.0.1",
                                     server_ours=ours)
    assert first.startswith("Waiting on port "), first
    assert_hello_echoed(client, server)
    out = server[1]
    assert "Connected by ('127.0.0.1', " in out, out


def test_example_mactcp_pair():
    first, client, server = run_pair("mactcp_echo_server.py", [0],
                                     "mactcp_echo_client.py", "localhost")
    assert_hello_echoed(client, server)
    out = server[1]
    assert "Event TCPTerminate TCPULPClose" in out, out


def test_example_udp_pair():
    first, client, server = run_pair("mactcp_udp_echo_server.py", [0, 1],
                                     "mactcp_udp_echo_client.py", "127.0.0.1")
    assert first.startswith("Waiting on port "), first
    assert_hello_echoed(client, server)

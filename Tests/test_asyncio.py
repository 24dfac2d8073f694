"""asyncio (Python 3) on top of this project's socket: a child interpreter
with Lib/ on its path opens a stream connection through asyncio to a peer
running the standard library's socket and makes an echo round trip; a
second child serves with asyncio.start_server and echoes back to a
standard-library client."""
from __future__ import print_function

import os
import subprocess
import sys

import pytest

import support

pytestmark = pytest.mark.skipif(not support.PY3,
                                reason="asyncio is Python 3 only")

# Echoes each connection it accepts (argv[1] of them) until EOF, with the
# standard library's socket.
ECHO_PEER = r"""
import socket, sys
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.bind(('127.0.0.1', 0))
srv.listen(4)
print('READY %d' % srv.getsockname()[1])
for _ in range(int(sys.argv[1])):
    conn, _ = srv.accept()
    while True:
        data = conn.recv(4096)
        if not data:
            break
        conn.sendall(data)
    conn.close()
srv.close()
"""

# argv: port of the echo peer.  Connects by address and by name (the name
# goes through socket.getaddrinfo in asyncio's executor).
CLIENT = r"""
import asyncio, socket, sys
lib = sys.argv[2]
assert socket.__file__.startswith(lib), socket.__file__
import asyncio.base_events
assert asyncio.base_events.socket is socket

async def round_trip(host, payload):
    reader, writer = await asyncio.open_connection(
        host, int(sys.argv[1]), family=socket.AF_INET)
    sock = writer.get_extra_info('socket')
    assert sock.family == socket.AF_INET and sock.type == socket.SOCK_STREAM
    writer.write(payload)
    await writer.drain()
    line = await reader.readline()
    writer.close()
    await writer.wait_closed()
    return line

async def main():
    first = await asyncio.wait_for(round_trip('127.0.0.1', b'ping 1\n'), 30)
    second = await asyncio.wait_for(round_trip('localhost', b'ping 2\n'), 30)
    print(first.decode(), second.decode(), sep='', end='')

asyncio.run(main())
"""

# Serves one echo connection with asyncio.start_server on our socket.
SERVER = r"""
import asyncio, socket, sys
assert socket.__file__.startswith(sys.argv[1]), socket.__file__

async def main():
    done = asyncio.get_running_loop().create_future()

    async def echo(reader, writer):
        writer.write(await reader.readline())
        await writer.drain()
        writer.close()
        await writer.wait_closed()
        done.set_result(None)

    server = await asyncio.start_server(echo, '127.0.0.1', 0)
    print('READY %d' % server.sockets[0].getsockname()[1], flush=True)
    await asyncio.wait_for(done, 30)
    server.close()
    await server.wait_closed()

asyncio.run(main())
"""

STDLIB_CLIENT = r"""
import socket, sys
assert sys.argv[2] not in socket.__file__, socket.__file__
conn = socket.create_connection(('127.0.0.1', int(sys.argv[1])), 30)
conn.sendall(b'pong\n')
data = b''
while not data.endswith(b'\n'):
    chunk = conn.recv(100)
    if not chunk:
        break
    data += chunk
conn.close()
print(data.decode(), end='')
"""


def run_child(code, args, env):
    argv = [sys.executable, "-c", code] + [str(a) for a in args]
    proc = subprocess.Popen(argv,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env)
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    return proc.returncode, out.decode("utf-8", "replace"), \
        err.decode("utf-8", "replace")


def test_open_connection_echo_round_trip_with_a_stdlib_peer():
    peer = support.Peer(ECHO_PEER, args=[2])
    try:
        rc, out, err = run_child(CLIENT, [peer.port, support.LIB + os.sep],
                                 support.our_env())
        assert rc == 0, err
        assert out == "ping 1\nping 2\n"
        status, _, peer_err = peer.finish()
        assert status == 0, peer_err
    finally:
        peer.close()


def test_start_server_echo_round_trip_with_a_stdlib_client():
    server = support.Peer(SERVER, args=[support.LIB + os.sep], ours=True)
    try:
        rc, out, err = run_child(STDLIB_CLIENT, [server.port, support.LIB],
                                 support.stdlib_env())
        assert rc == 0, err
        assert out == "pong\n"
        status, _, server_err = server.finish()
        assert status == 0, server_err
    finally:
        server.close()

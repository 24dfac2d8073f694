"""Helpers for the mactcp tests.

A stream keeps mactcp's driver thread (and its epoll and eventfd
descriptors) alive until it is deleted, and conftest's leak check runs
before pytest lets go of fixture values.  So streams are made inside the
tests (or kept in a Box that the fixture empties), never yielded bare by a
fixture.
"""
from __future__ import print_function

import ctypes
import os
import platform
import time

import mactcp

import support

LOCALHOST = 0x7F000001

# MacTCP numbers used by the tests (MACTCPconst has them all)
connectionClosing = -23005
invalidLength = -23006
connectionExists = -23007
connectionDoesntExist = -23008
connectionTerminated = -23012
openFailed = -23015
commandTimeout = -23016
duplicateSocket = -23017
TCPClosing = 1
TCPTerminate = 3
TCPDataArrival = 4
TCPUrgent = 5
PassiveOpenDone = 32766
UDPDataArrival = 1
UDPICMPReceived = 2
TCPRemoteAbort = 2
TCPULPAbort = 6
TCPULPClose = 7

PY3 = support.PY3


class Box(list):
    """Holds streams for a fixture; empty() drops them so that the leak
    check after the test sees them deleted."""

    def empty(self):
        for item in self:
            abort = getattr(item, "Abort", None)
            if abort is not None:
                try:
                    abort()
                except mactcp.error:
                    pass
        del self[:]


def connected_pair(size=16384):
    """(server, client): two mactcp streams connected on loopback through
    PassiveOpen/wait and ActiveOpen."""
    server = mactcp.TCPCreate(size)
    server.PassiveOpen(0)
    port = server.GetSockName()[1]
    client = mactcp.TCPCreate(size)
    client.ActiveOpen(0, LOCALHOST, port)
    server.wait()
    return server, client


def error_code(call, *args, **kwargs):
    """args[0] of the mactcp.error that call(*args) raises."""
    try:
        call(*args, **kwargs)
    except mactcp.error as e:
        return e.args[0]
    raise AssertionError("%r did not raise mactcp.error" % (call,))


def rcv_exactly(stream, count, timeout=10):
    """Rcv until count bytes have come; returns them."""
    data = b""
    while len(data) < count:
        chunk, urgent, mark = stream.Rcv(timeout)
        data += chunk
    return data


class Recorder(object):
    """An asr that records its arguments."""

    def __init__(self):
        self.events = []

    def __call__(self, *args):
        self.events.append(args)

    def wait_for(self, count, timeout=10.0):
        """Lets the main loop run (asr calls happen between bytecodes)
        until count events have come."""
        return support.wait_until(lambda: len(self.events) >= count,
                                  timeout=timeout)


def monotonic():
    return getattr(time, "monotonic", time.time)()


# A standard-library peer: connects to argv[1] (or listens when there is
# none, printing READY <port>) and runs one script of operations from argv.
STDLIB_PEER = r"""
import socket, struct, sys
ops = sys.argv[1:]
if ops and ops[0].startswith('connect='):
    conn = socket.create_connection(('127.0.0.1', int(ops.pop(0)[8:])))
    print('READY')
else:
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(('127.0.0.1', 0))
    srv.listen(1)
    print('READY %d' % srv.getsockname()[1])
    conn = srv.accept()[0]
    srv.close()
conn.settimeout(20)
for op in ops:
    name, _, arg = op.partition('=')
    if name == 'send':
        conn.sendall(arg.encode('ascii'))
    elif name == 'oob':
        conn.send(arg.encode('ascii'), socket.MSG_OOB)
    elif name == 'recv':
        want = int(arg)
        got = b''
        while len(got) < want:
            chunk = conn.recv(want - len(got))
            if not chunk:
                break
            got += chunk
        if len(got) > 40:
            print('GOT %d bytes' % len(got))
        else:
            print('GOT ' + got.decode('ascii'))
    elif name == 'recvoob':
        print('OOB ' + conn.recv(1, socket.MSG_OOB).decode('ascii'))
    elif name == 'eof':
        print('EOF ' + conn.recv(100).decode('ascii'))
    elif name == 'shutwr':
        conn.shutdown(socket.SHUT_WR)
    elif name == 'wait':
        sys.stdin.readline()
    elif name == 'rst':
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                        struct.pack('ii', 1, 0))
    print('DONE %s' % name)
conn.close()
print('CLOSED')
"""


def stdlib_peer(*ops):
    """A support.Peer running STDLIB_PEER with ops ('send=abc', 'oob=x',
    'recv=3', 'recvoob', 'eof', 'shutwr', 'wait', 'rst', and a first
    'connect=<port>' to connect instead of listen)."""
    return support.Peer(STDLIB_PEER, args=ops)


def expect_line(peer, prefix, timeout=20.0):
    """Reads the peer's lines until one starts with prefix; returns it."""
    deadline = monotonic() + timeout
    while True:
        line = peer.readline(max(0.1, deadline - monotonic()))
        if line.startswith(prefix):
            return line
        if not line.startswith("DONE") or monotonic() > deadline:
            raise AssertionError("expected %r from the peer, got %r"
                                 % (prefix, line))


def close_peer(peer):
    """Peer.close() unless finish() already collected the child (a second
    communicate() fails on 2.7)."""
    if peer.proc.returncode is None or not peer.proc.stdout.closed:
        peer.close()


# Linux syscall numbers: gettid, and the calls mtwait_fd() blocks in
_SYSCALLS = {"x86_64": (186, (7, 271)), "aarch64": (178, (73,))}


def native_thread_id():
    """The kernel's id of the calling thread (None where unknown)."""
    get = getattr(__import__("threading"), "get_native_id", None)
    if get is not None:
        return get()
    numbers = _SYSCALLS.get(platform.machine())
    if numbers is None:
        return None
    return ctypes.CDLL(None, use_errno=True).syscall(numbers[0])


def wait_blocked_in_poll(tid, timeout=10.0):
    """Waits until thread tid sits in poll() (its blocking call has
    released the GIL and waits); False if it does not within timeout."""
    numbers = _SYSCALLS.get(platform.machine())
    if tid is None or numbers is None:
        return False

    def in_poll():
        try:
            with open("/proc/self/task/%d/syscall" % tid) as f:
                return int(f.read().split()[0]) in numbers[1]
        except (IOError, OSError, ValueError, IndexError):
            return False
    return support.wait_until(in_poll, timeout=timeout)


def open_descriptors():
    """Sockets and event descriptors this process holds."""
    found = set()
    for name in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(os.path.join("/proc/self/fd", name))
        except OSError:
            continue
        if target.startswith(("socket:", "anon_inode:")):
            found.add(int(name))
    return found


def task_count():
    return len(os.listdir("/proc/self/task"))


def driver_threads():
    """How many mactcp driver threads run in this process (0 or 1)."""
    count = 0
    for task in os.listdir("/proc/self/task"):
        try:
            with open("/proc/self/task/%s/comm" % task) as f:
                if f.read().strip() == "mactcp-driver":
                    count += 1
        except (IOError, OSError):
            pass
    return count

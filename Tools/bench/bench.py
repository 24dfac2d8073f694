#!/usr/bin/env python
"""Benchmark classicsocket's socket and mactcp modules against the
interpreter's own socket module and against C.

usage: bench.py [--quick] [--python PY] [--rounds N] [--only W1,W2]
                [--plot FILE.png] [--json FILE] [--rst FILE]
                [--callgrind] [--skip-timing] [--from-json FILE]

Every workload runs in fresh child processes, in interleaved rounds of three
sides:

  ours    the child runs with PYTHONPATH=<repo>/Lib, so `import socket` (and
          `import mactcp`) load this project's modules; the child checks that
          socket.__file__ lies inside the project;
  stdlib  the child runs without PYTHONPATH and checks that socket.__file__
          does NOT lie inside the project: the interpreter's own module;
  C       Tools/bench/bench_ref.c, compiled by this script with the system
          cc into Tools/bench/build/, making the same system calls.

Every workload but the asr latency is pinned to one CPU (taskset, or
sched_setaffinity), both ends of a ping-pong alike: before each round the
driver picks the CPU that was idlest over the last 0.25 s (others may be
using the machine), and the three sides of that round all run there.
The figure per side is the lower quartile of the per-round times (the asr
row: the median of the per-round medians), and the ratios are ratios of
those figures, robust against a noisy, shared machine.

--python PY picks the interpreter of the children (2.7 or 3.x; default: the
one running this script).  This driver itself runs on 2.7 and 3.x alike;
--plot needs matplotlib importable by the driver's interpreter.

--callgrind adds instructions per operation for the micro workloads, from
`valgrind --tool=callgrind` (deterministic): each side runs once with N
operations and once with 0 (same set-up and warm-up), and the difference
divided by N is the per-operation count.  User-space instructions only:
the kernel's work is not counted.  The raw callgrind files stay in
Tools/bench/build/callgrind/ for callgrind_annotate.
"""
from __future__ import division, print_function

import json
import os
import platform
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
from itertools import repeat

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LIB = os.path.join(ROOT, "Lib")
BUILD = os.path.join(HERE, "build")
REF_SRC = os.path.join(HERE, "bench_ref.c")
REF_BIN = os.path.join(BUILD, "bench_ref")

PY3 = sys.version_info[0] >= 3
clock = getattr(time, "perf_counter", time.time)
# Stamps compared between processes (the latency workloads): on 3.x
# perf_counter() reads CLOCK_MONOTONIC, one clock for the whole system whose
# small values a double holds to the nanosecond; time.time() (2.7 has
# nothing else) is CLOCK_REALTIME to the microsecond, as a double of some
# 1.8e9 seconds holds it only to 0.24 us.
now = clock
WARM = 200
BLOCK = 65536
MiB = 1024 * 1024


# ---------------------------------------------------------------------------
# Child side: the workloads.  Each returns seconds per operation (the asr and
# latency workloads: the median latency).  Nothing may be printed before a
# fork (the forked peers leave with os._exit and flush nothing).

def _inside_project(module):
    path = os.path.realpath(getattr(module, "__file__", None) or "")
    return path.startswith(os.path.realpath(LIB) + os.sep)


def load_socket(side):
    import socket
    import _socket
    if side == "ours":
        if not (_inside_project(socket) and _inside_project(_socket)):
            raise SystemExit("bench child: side 'ours' but socket is %r and "
                             "_socket is %r" % (
                                 getattr(socket, "__file__", None),
                                 getattr(_socket, "__file__", None)))
    elif _inside_project(socket) or _inside_project(_socket):
        raise SystemExit("bench child: side 'stdlib' but socket is %r"
                         % socket.__file__)
    return socket


def load_mactcp():
    import mactcp
    if not _inside_project(mactcp):
        raise SystemExit("bench child: mactcp is %r, not the project's"
                         % getattr(mactcp, "__file__", None))
    return mactcp


def recv_exact(sock, size):
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise RuntimeError("unexpected EOF")
        data += chunk
    return data


def tcp_pair(socket, nodelay):
    lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lst.bind(("127.0.0.1", 0))
    lst.listen(1)
    cli = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    cli.connect(lst.getsockname())
    srv = lst.accept()[0]
    lst.close()
    if nodelay:
        for s in (cli, srv):
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return cli, srv


def _echo(sock):
    recv = sock.recv
    send = sock.send
    try:
        while True:
            data = recv(1)
            if not data:
                break
            send(data)
    finally:
        os._exit(0)


def _pingpong(mine, theirs, n):
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        mine.close()
        _echo(theirs)
    theirs.close()
    send = mine.send
    recv = mine.recv
    x = b"x"
    for _ in repeat(None, WARM):
        send(x)
        recv(1)
    t0 = clock()
    for _ in repeat(None, n):
        send(x)
        recv(1)
    t1 = clock()
    # shutdown, not just close: on 2.7 the bound methods held above keep
    # the descriptor open past close(), and the echo peer waits for EOF.
    mine.shutdown(1)
    mine.close()
    os.waitpid(pid, 0)
    return (t1 - t0) / n if n else 0.0


def w_socketpair(socket, n):
    a, b = socket.socketpair()
    return _pingpong(a, b, n)


def w_timeout(socket, n):
    a, b = socket.socketpair()
    a.settimeout(1.0)
    b.settimeout(1.0)
    return _pingpong(a, b, n)


def w_tcp(socket, n):
    cli, srv = tcp_pair(socket, True)
    return _pingpong(cli, srv, n)


def _bulk(socket, n, use_recv_into):
    blocks = n // BLOCK
    total = blocks * BLOCK
    cli, srv = tcp_pair(socket, False)
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        try:
            cli.close()
            recv_exact(srv, 1)
            block = b"\0" * BLOCK
            sendall = srv.sendall
            for _ in repeat(None, blocks):
                sendall(block)
            srv.close()
        finally:
            os._exit(0)
    srv.close()
    got = 0
    t0 = clock()
    cli.sendall(b"g")
    if use_recv_into:
        buf = bytearray(BLOCK)
        recv_into = cli.recv_into
        while got < total:
            r = recv_into(buf)
            if not r:
                break
            got += r
    else:
        recv = cli.recv
        while got < total:
            data = recv(BLOCK)
            if not data:
                break
            got += len(data)
    t1 = clock()
    cli.close()
    os.waitpid(pid, 0)
    if got != total:
        raise RuntimeError("bulk: got %d of %d bytes" % (got, total))
    return (t1 - t0) / blocks if blocks else 0.0


def w_bulk_recv(socket, n):
    return _bulk(socket, n, False)


def w_bulk_recv_into(socket, n):
    return _bulk(socket, n, True)


def w_udp(socket, n):
    a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    a.bind(("127.0.0.1", 0))
    b.bind(("127.0.0.1", 0))
    to = b.getsockname()
    data = b"x" * 512
    sendto = a.sendto
    recvfrom = b.recvfrom
    for _ in repeat(None, WARM):
        sendto(data, to)
        recvfrom(512)
    t0 = clock()
    for _ in repeat(None, n):
        sendto(data, to)
        recvfrom(512)
    t1 = clock()
    a.close()
    b.close()
    return (t1 - t0) / n if n else 0.0


def w_churn(socket, n):
    lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lst.bind(("127.0.0.1", 0))
    lst.listen(128)
    addr = lst.getsockname()
    sock = socket.socket
    accept = lst.accept
    AF_INET, SOCK_STREAM = socket.AF_INET, socket.SOCK_STREAM

    def loop(count):
        for _ in repeat(None, count):
            c = sock(AF_INET, SOCK_STREAM)
            c.connect(addr)
            s = accept()[0]
            c.close()
            s.close()
    loop(WARM)
    t0 = clock()
    loop(n)
    t1 = clock()
    lst.close()
    return (t1 - t0) / n if n else 0.0


def w_socket(socket, n):
    sock = socket.socket
    AF_INET, SOCK_STREAM = socket.AF_INET, socket.SOCK_STREAM
    for _ in repeat(None, WARM):
        sock(AF_INET, SOCK_STREAM).close()
    t0 = clock()
    for _ in repeat(None, n):
        sock(AF_INET, SOCK_STREAM).close()
    t1 = clock()
    return (t1 - t0) / n if n else 0.0


def w_getaddrinfo(socket, n):
    gai = socket.getaddrinfo
    for _ in repeat(None, WARM):
        gai("127.0.0.1", 80)
    t0 = clock()
    for _ in repeat(None, n):
        gai("127.0.0.1", 80)
    t1 = clock()
    return (t1 - t0) / n if n else 0.0


def w_inet(socket, n):
    aton = socket.inet_aton
    ntoa = socket.inet_ntoa
    htons = socket.htons
    for _ in repeat(None, WARM):
        ntoa(aton("127.0.0.1"))
        htons(4660)
    t0 = clock()
    for _ in repeat(None, n):
        ntoa(aton("127.0.0.1"))
        htons(4660)
    t1 = clock()
    return (t1 - t0) / n if n else 0.0


def _open_lines(sock, text):
    """makefile() for the readline workloads: 'rb' (on 3.x a BufferedReader
    over SocketIO) or, with text, 'r' with the encoding latin-1 (on 3.x a
    TextIOWrapper over that; 2.7's makefile has no encoding, and its 'r' is
    its only kind of file)."""
    if not text:
        return sock.makefile("rb")
    if PY3:
        return sock.makefile("r", encoding="latin-1")
    return sock.makefile("r")


def w_readline(socket, n):
    return _readline(socket, n, False)


def w_readline_text(socket, n):
    return _readline(socket, n, True)


def _readline(socket, n, text):
    a, b = socket.socketpair()
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        try:
            a.close()
            blob = "".join(["%06d abcdefghijklmnopqrstuvwxyz0123456789\n"
                            % (i % 1000000) for i in range(n + WARM)])
            blob = blob.encode("ascii")
            recv_exact(b, 1)
            b.sendall(blob)
            b.close()
        finally:
            os._exit(0)
    b.close()
    f = _open_lines(a, text)
    readline = f.readline
    a.sendall(b"g")
    for _ in repeat(None, WARM):
        readline()
    t0 = clock()
    for _ in repeat(None, n):
        readline()
    t1 = clock()
    last = readline()
    f.close()
    a.close()
    os.waitpid(pid, 0)
    if last:
        raise RuntimeError("readline: data left over: %r" % last)
    return (t1 - t0) / n if n else 0.0


def _median(values):
    values = sorted(values)
    if not values:
        return 0.0
    mid = len(values) // 2
    if len(values) % 2:
        return values[mid]
    return (values[mid - 1] + values[mid]) / 2


def _latency_peer(socket, port, total):
    """Stamps the time, sends it (8 bytes), waits for the 1-byte ack;
    `total` times, after a 1-byte go signal."""
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.connect(("127.0.0.1", port))
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    recv_exact(c, 1)
    pack = struct.pack
    sendall = c.sendall
    for _ in repeat(None, total):
        sendall(pack("d", now()))
        recv_exact(c, 1)
    c.close()


def _fork_with_port(peer):
    """Forks; the child reads a port number from a pipe and runs
    peer(port).  Returns (pid, write end)."""
    r, w = os.pipe()
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(w)
            text = b""
            while not text.endswith(b"\n"):
                chunk = os.read(r, 16)
                if not chunk:
                    break
                text += chunk
            if text.endswith(b"\n"):
                peer(int(text))
        finally:
            os._exit(0)
    os.close(r)
    return pid, w


def _send_port(w, port):
    os.write(w, ("%d\n" % port).encode("ascii"))
    os.close(w)


def w_latency(socket, n, side=None):
    """One-way latency seen by a receiver blocked in recv(): the socket
    counterpart of the asr latency."""
    total = n + 20
    lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lst.bind(("127.0.0.1", 0))
    lst.listen(1)
    pid, w = _fork_with_port(lambda port: _latency_peer(
        load_socket(side), port, total))
    _send_port(w, lst.getsockname()[1])
    s = lst.accept()[0]
    lst.close()
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    unpack = struct.unpack
    lat = []
    s.sendall(b"g")
    for _ in repeat(None, total):
        data = recv_exact(s, 8)
        t1 = now()
        lat.append(t1 - unpack("d", data)[0])
        s.sendall(b"a")
    s.close()
    os.waitpid(pid, 0)
    return _median(lat[20:])


# mactcp ----------------------------------------------------------------------

LOOPBACK = 0x7F000001
MACTCP_TIMEOUT = 30  # seconds, for Rcv: no workload waits that long
ASR_PATIENCE = 1.0  # seconds: 5000 times the target latency
CONNECTION_CLOSING = -23005  # mactcp.error code: the peer closed, all read


def _mactcp_port(stream):
    return stream.GetSockName()[1] & 0xFFFF


def _active_open(mactcp, stream, port):
    try:
        stream.ActiveOpen(0, LOOPBACK, port)
    except OverflowError:
        # MacPython took the port as a C short: try its signed form.
        stream.ActiveOpen(0, LOOPBACK, port - 0x10000)


def _mactcp_passive(mactcp, size, w):
    s = mactcp.TCPCreate(size)
    s.PassiveOpen(0)
    _send_port(w, _mactcp_port(s))
    s.wait()
    return s


def _close_after_timing(mactcp, stream):
    """Close() once the timing is over: an error there is reported as a
    note (the figure stands), not swallowed."""
    try:
        stream.Close()
    except mactcp.error as e:
        print("NOTE Close() after the timed part raised mactcp.error%r"
              % (e.args,))


def _rcv_exact(stream, size):
    data = b""
    while len(data) < size:
        data += stream.Rcv(MACTCP_TIMEOUT)[0]
    return data


def w_mactcp_pingpong(n):
    def echo(port):
        mactcp = load_mactcp()
        s = mactcp.TCPCreate(4096)
        _active_open(mactcp, s, port)
        try:
            while True:
                data = s.Rcv(MACTCP_TIMEOUT)[0]
                s.Send(data, 1, 0)
        except mactcp.error as e:
            if e.args[0] != CONNECTION_CLOSING:
                raise
        s.Close()  # the other end's Close waits for this FIN
    pid, w = _fork_with_port(echo)
    mactcp = load_mactcp()
    s = _mactcp_passive(mactcp, 4096, w)
    Send = s.Send
    Rcv = s.Rcv
    x = b"x"
    for _ in repeat(None, WARM):
        Send(x, 1, 0)
        Rcv(MACTCP_TIMEOUT)
    t0 = clock()
    for _ in repeat(None, n):
        Send(x, 1, 0)
        Rcv(MACTCP_TIMEOUT)
    t1 = clock()
    _close_after_timing(mactcp, s)
    os.waitpid(pid, 0)
    return (t1 - t0) / n if n else 0.0


def w_mactcp_bulk(n):
    blocks = n // BLOCK
    total = blocks * BLOCK

    def sender(port):
        mactcp = load_mactcp()
        s = mactcp.TCPCreate(4096)
        _active_open(mactcp, s, port)
        _rcv_exact(s, 1)
        block = b"\0" * BLOCK
        Send = s.Send
        for _ in repeat(None, blocks):
            Send(block, 0, 0)
        s.Close()
        # Stay until the receiver's Close: leaving earlier would let the
        # kernel answer its FIN with a reset.
        try:
            while s.Rcv(MACTCP_TIMEOUT)[0]:
                pass
        except mactcp.error as e:
            if e.args[0] != CONNECTION_CLOSING:
                raise
    pid, w = _fork_with_port(sender)
    mactcp = load_mactcp()
    s = _mactcp_passive(mactcp, BLOCK, w)
    got = 0
    Rcv = s.Rcv
    t0 = clock()
    s.Send(b"g", 1, 0)
    while got < total:
        got += len(Rcv(MACTCP_TIMEOUT)[0])
    t1 = clock()
    _close_after_timing(mactcp, s)
    os.waitpid(pid, 0)
    return (t1 - t0) / blocks if blocks else 0.0


def w_mactcp_asr(n):
    """Latency from a peer's send to the call of the stream's asr with
    TCPDataArrival, the main thread running Python code meanwhile.  An
    event that does not come within ASR_PATIENCE seconds is counted as
    late (and its sample dropped); so is one that comes too early (a late
    event of an earlier sample, delivered when the next one was awaited)."""
    total = n + 20
    pid, w = _fork_with_port(lambda port: _latency_peer(
        load_socket("ours"), port, total))
    mactcp = load_mactcp()
    s = _mactcp_passive(mactcp, 4096, w)
    box = [None]

    def asr(event, detail):
        if event == 4 and box[0] is None:  # TCPDataArrival
            box[0] = now()
    s.asr = asr
    unpack = struct.unpack
    lat = []
    late = []
    s.Send(b"g", 1, 0)
    for i in range(total):
        deadline = clock() + ASR_PATIENCE
        while box[0] is None:
            if clock() > deadline:
                break
        data = _rcv_exact(s, 8)
        if box[0] is None or box[0] < unpack("d", data)[0]:
            late.append(i)
        elif i >= 20:
            lat.append(box[0] - unpack("d", data)[0])
        box[0] = None
        s.Send(b"a", 1, 0)
    s.asr = None
    _close_after_timing(mactcp, s)
    os.waitpid(pid, 0)
    if late:
        print("NOTE %d of %d TCPDataArrival asr calls did not come within "
              "%g s of the data while the main thread ran Python code "
              "(samples %s%s; the first 20 are warm-up)" % (
                  len(late), total, ASR_PATIENCE,
                  ", ".join(str(i) for i in late[:5]),
                  ", ..." if len(late) > 5 else ""))
    if not lat:
        raise RuntimeError("no TCPDataArrival asr came in time")
    return _median(lat)


def child_main(func, side, n):
    """bench.py --child FUNC SIDE N: runs one workload, prints RESULT."""
    n = int(n)
    if func.startswith("mactcp_"):
        load_socket(side)  # the peers' socket: also checked
        value = globals()["w_" + func](n)
    elif func == "latency":
        value = w_latency(load_socket(side), n, side)
    else:
        value = globals()["w_" + func](load_socket(side), n)
    print("RESULT %.9e" % value)
    sys.stdout.flush()


# ---------------------------------------------------------------------------
# Driver side.

class Workload(object):
    """name: row key; label: what it is; unit: one operation; ours/std: the
    child function of each side; cref: the C program's workload; full/quick:
    N; pin: pin to one CPU; targets: {'std': x, 'c': y, 'abs': seconds};
    stat: 'q1' or 'median'; cg: instruction counting (N, count children)."""

    def __init__(self, name, label, unit, ours, std, cref, full, quick,
                 pin=True, targets=None, stat="q1", cg=None,
                 group="socket"):
        self.name = name
        self.label = label
        self.unit = unit
        self.ours = ours
        self.std = std
        self.cref = cref
        self.full = full
        self.quick = quick
        self.pin = pin
        self.targets = targets or {}
        self.stat = stat
        self.cg = cg
        self.group = group

    def ops(self, n):
        """Operations in a run of N (the bulk workloads count bytes)."""
        return n // BLOCK if self.unit == "64 KiB" else n


WORKLOADS = [
    Workload("socketpair", "1-byte ping-pong over socketpair()",
             "round trip", "socketpair", "socketpair", "socketpair",
             50000, 3000, targets={"std": 1.0, "c": 1.08},
             cg=(2000, True)),
    Workload("tcp", "1-byte TCP loopback ping-pong, TCP_NODELAY",
             "round trip", "tcp", "tcp", "tcp", 20000, 1500,
             targets={"std": 1.0, "c": 1.08}),
    Workload("bulk_recv", "256 MiB TCP loopback, sendall + recv(65536)",
             "64 KiB", "bulk_recv", "bulk_recv", "bulk", 256 * MiB,
             16 * MiB, targets={"std": 1.0, "c": 1.02}),
    Workload("bulk_recv_into", "256 MiB TCP loopback, sendall + recv_into",
             "64 KiB", "bulk_recv_into", "bulk_recv_into", "bulk",
             256 * MiB, 16 * MiB, targets={"std": 1.0, "c": 1.02}),
    Workload("udp", "UDP 512 bytes: sendto + recvfrom", "datagram", "udp",
             "udp", "udp", 100000, 5000, targets={"std": 1.0, "c": 1.08},
             cg=(2000, False)),
    Workload("churn", "connect + accept + close, both ends", "connection",
             "churn", "churn", "churn", 4000, 300,
             targets={"std": 1.0, "c": 1.08}, cg=(1000, False)),
    Workload("socket", "socket() + close()", "pair", "socket", "socket",
             "socket", 100000, 5000, targets={"std": 1.0, "c": 1.08},
             cg=(5000, False)),
    Workload("getaddrinfo", "getaddrinfo('127.0.0.1', 80)", "call",
             "getaddrinfo", "getaddrinfo", "getaddrinfo", 100000, 2000,
             targets={"std": 1.0, "c": 3.0}, cg=(2000, False)),
    Workload("inet", "inet_ntoa(inet_aton(s)) + htons(n)", "iteration",
             "inet", "inet", "inet", 1000000, 50000,
             targets={"std": 1.0, "c": 1.5}, cg=(20000, False)),
    Workload("readline", "makefile('rb').readline(), 100k lines of 44 B",
             "line", "readline", "readline", "readline", 100000, 20000,
             targets={"std": 1.0, "c": 2.0}, cg=(20000, False)),
    Workload("readline_text", "makefile('r', encoding='latin-1')"
             ".readline() (2.7: makefile('r')), 100k lines of 44 B",
             "line", "readline_text", "readline_text", "readline", 100000,
             20000, targets={"std": 1.0}, cg=(20000, False)),
    Workload("timeout", "1-byte socketpair ping-pong, settimeout(1.0)",
             "round trip", "timeout", "timeout", "timeout", 30000, 2000,
             targets={"std": 1.0}, cg=(2000, True)),
    Workload("mactcp_pingpong", "mactcp Send/Rcv 1-byte ping-pong "
             "(vs socket: TCP ping-pong)", "round trip", "mactcp_pingpong",
             "tcp", "tcp", 10000, 500, targets={"std": 1.5},
             group="mactcp"),
    Workload("mactcp_bulk", "mactcp 256 MiB in 64 KiB Sends "
             "(vs socket: sendall + recv)", "64 KiB", "mactcp_bulk",
             "bulk_recv", "bulk", 256 * MiB, 8 * MiB, targets={"std": 2.0},
             group="mactcp"),
    Workload("mactcp_asr", "asr latency: peer's send to asr call, median "
             "(vs socket: to recv() return)", "event", "mactcp_asr",
             "latency", "asr", 2000, 200, pin=False, stat="median",
             targets={"abs": 200e-6}, group="mactcp"),
]
SIDES = ("ours", "stdlib", "C")


def fmt_time(seconds):
    if seconds is None:
        return "-"
    if seconds < 1e-6:
        return "%.1f ns" % (seconds * 1e9)
    if seconds < 1e-3:
        return "%.2f us" % (seconds * 1e6)
    return "%.3f ms" % (seconds * 1e3)


def fmt_ratio(r):
    return "-" if r is None else "%.2f" % r


def quantile(values, q):
    values = sorted(values)
    if not values:
        return None
    pos = (len(values) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (pos - lo)


def build_reference(log):
    """Compiles bench_ref.c into build/ unless the binary is up to date."""
    if (os.path.exists(REF_BIN)
            and os.path.getmtime(REF_BIN) >= os.path.getmtime(REF_SRC)):
        return
    if not os.path.isdir(BUILD):
        try:
            os.makedirs(BUILD)
        except OSError:
            if not os.path.isdir(BUILD):
                raise
    cc = os.environ.get("CC", "cc")
    tmp = "%s.%d.tmp" % (REF_BIN, os.getpid())
    cmd = [cc, "-O2", "-std=gnu99", "-Wall", "-o", tmp, REF_SRC]
    log("building the C reference: %s" % " ".join(cmd))
    subprocess.check_call(cmd)
    os.rename(tmp, REF_BIN)  # atomic: concurrent runs never see half a file


def allowed_cpus():
    try:
        return sorted(os.sched_getaffinity(0))
    except AttributeError:
        return list(range(os.sysconf("SC_NPROCESSORS_ONLN")))


def cpu_idle_times():
    """{cpu: idle jiffies} from /proc/stat (idle + iowait)."""
    idle = {}
    try:
        with open("/proc/stat") as f:
            for line in f:
                fields = line.split()
                if fields[0].startswith("cpu") and fields[0] != "cpu":
                    idle[int(fields[0][3:])] = (int(fields[4])
                                                + int(fields[5]))
    except (IOError, OSError, ValueError, IndexError):
        pass
    return idle


def idlest_cpu(window=0.25):
    """The allowed CPU that was idle longest during the last `window`
    seconds: the one a round pins to (others share this machine)."""
    cpus = allowed_cpus()
    before = cpu_idle_times()
    time.sleep(window)  # a measuring interval, not a synchronisation
    after = cpu_idle_times()
    scored = [(after.get(c, 0) - before.get(c, 0), c) for c in cpus]
    return max(scored)[1] if scored else cpus[-1]


def which(name):
    for d in os.environ.get("PATH", "").split(os.pathsep):
        p = os.path.join(d, name)
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return None


class Runner(object):
    def __init__(self, python, timeout):
        self.python = python
        self.timeout = timeout
        self.cpu = allowed_cpus()[-1]
        self.taskset = which("taskset")
        self.pin_note = ("taskset -c <the CPU idlest just before the round>"
                         if self.taskset else
                         "sched_setaffinity(<the CPU idlest just before the "
                         "round>)" if hasattr(os, "sched_setaffinity") else
                         "NOT pinned (no taskset, no sched_setaffinity)")

    def env(self, side):
        env = dict(os.environ)
        env.pop("PYTHONPATH", None)
        env.pop("PYTHONHOME", None)
        if side == "ours":
            env["PYTHONPATH"] = LIB
        env["PYTHONHASHSEED"] = "0"
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        return env

    def command(self, w, side, n):
        if side == "C":
            return [REF_BIN, w.cref, str(n)]
        func = w.ours if side == "ours" else w.std
        return [self.python, os.path.abspath(__file__), "--child", func,
                "ours" if side == "ours" else "stdlib", str(n)]

    def run(self, argv, env, pin, timeout=None):
        """Runs argv in its own process group; returns (rc, stdout, stderr).
        On timeout the group (the child and its forked peers) is killed."""
        preexec = os.setsid
        if pin:
            if self.taskset:
                argv = [self.taskset, "-c", str(self.cpu)] + argv
            elif hasattr(os, "sched_setaffinity"):
                cpu = self.cpu

                def preexec():
                    os.setsid()
                    os.sched_setaffinity(0, [cpu])
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, preexec_fn=preexec)
        self.last_pid = proc.pid
        expired = []

        def kill():
            expired.append(True)
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
        timer = threading.Timer(timeout or self.timeout, kill)
        timer.start()
        try:
            out, err = proc.communicate()
        finally:
            timer.cancel()
        out = out.decode("utf-8", "replace")
        err = err.decode("utf-8", "replace")
        if expired:
            err += "\ntimed out after %s s" % (timeout or self.timeout)
        return proc.returncode if not expired else -1, out, err

    def measure(self, w, side, n):
        """(seconds, error, notes) of one child run."""
        rc, out, err = self.run(self.command(w, side, n), self.env(side),
                                w.pin)
        notes = [line[5:] for line in out.splitlines()
                 if line.startswith("NOTE ")]
        for line in out.splitlines():
            if line.startswith("RESULT "):
                if rc == 0:
                    return float(line.split()[1]), None, notes
        last = (err.strip().splitlines() or ["exit status %s" % rc])[-1]
        return None, last, notes


def probe_ours(python):
    """Which of our modules the children can load: {'socket': bool,
    'mactcp': bool}, with a reason for what is missing."""
    code = ("import sys, os\n"
            "lib = os.path.realpath(sys.argv[1]) + os.sep\n"
            "def ours(name):\n"
            "    try:\n"
            "        m = __import__(name)\n"
            "    except Exception as e:\n"
            "        return 'import %s failed: %s' % (name, e)\n"
            "    f = os.path.realpath(getattr(m, '__file__', None) or '')\n"
            "    return 'ok' if f.startswith(lib) else "
            "'%s resolves to %s' % (name, f or 'a built-in')\n"
            "s = ours('socket'); s2 = ours('_socket')\n"
            "print(s if s != 'ok' else s2)\n"
            "print(ours('mactcp'))\n")
    env = dict(os.environ)
    env["PYTHONPATH"] = LIB
    proc = subprocess.Popen([python, "-c", code, LIB], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate()
    lines = out.decode("utf-8", "replace").splitlines()
    if len(lines) != 2:
        reason = "probe failed: %s" % err.decode("utf-8", "replace").strip()
        return {"socket": reason, "mactcp": reason}
    return {"socket": lines[0], "mactcp": lines[1]}


def interpreter_info(python):
    out = subprocess.check_output(
        [python, "-c", "import sys, platform; print(sys.version.split()[0]); "
         "print(platform.python_implementation())"])
    version, impl = out.decode().split()
    return "%s %s (%s)" % (impl, version, python)


def machine_info():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except IOError:
        pass
    ncpu = os.sysconf("SC_NPROCESSORS_ONLN")
    try:
        load = "%.2f %.2f %.2f" % os.getloadavg()
    except OSError:
        load = "?"
    return {"cpus": ncpu, "cpu_model": model, "kernel": platform.release(),
            "load_at_start": load}


def stat_of(w, values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return quantile(values, 0.5 if w.stat == "median" else 0.25)


def verdict(w, ours, ratios):
    """'ok', 'MISSED ...' or '' against the issue's targets."""
    if ours is None:
        return ""
    missed = []
    if "std" in w.targets and ratios["std"] is not None:
        if ratios["std"] > w.targets["std"]:
            missed.append("std %.3f>%.2f" % (ratios["std"], w.targets["std"]))
    if "c" in w.targets and ratios["c"] is not None:
        if ratios["c"] > w.targets["c"]:
            missed.append("C %.3f>%.2f" % (ratios["c"], w.targets["c"]))
    if "abs" in w.targets and ours > w.targets["abs"]:
        missed.append("%s>%s" % (fmt_time(ours), fmt_time(w.targets["abs"])))
    return "MISSED " + ", ".join(missed) if missed else "ok"


def target_text(w):
    parts = []
    if "std" in w.targets:
        parts.append("std<=%.2f" % w.targets["std"])
    if "c" in w.targets:
        parts.append("C<=%.2f" % w.targets["c"])
    if "abs" in w.targets:
        parts.append("<=%s" % fmt_time(w.targets["abs"]))
    return " ".join(parts)


def summarize(w, samples):
    row = {"name": w.name, "label": w.label, "unit": w.unit,
           "stat": "median" if w.stat == "median" else "lower quartile",
           "samples": samples, "errors": {}}
    for side in SIDES:
        row[side] = stat_of(w, samples[side])
    ours, std, c = row["ours"], row["stdlib"], row["C"]
    row["ours/stdlib"] = ours / std if ours and std else None
    row["ours/C"] = ours / c if ours and c else None
    row["target"] = target_text(w)
    row["verdict"] = verdict(w, ours, {"std": row["ours/stdlib"],
                                       "c": row["ours/C"]})
    return row


def run_timing(args, runner, workloads, available, log):
    results = []
    rounds = args.rounds
    for w in workloads:
        n = w.quick if args.quick else w.full
        samples = dict((side, []) for side in SIDES)
        errors = {}
        notes = []
        sides = list(SIDES)
        missing = available["mactcp" if w.group == "mactcp" else "socket"]
        if missing != "ok":
            sides.remove("ours")
            errors["ours"] = "not available: " + missing
        start = time.time()
        cpus = []
        for r in range(rounds):
            if w.pin:
                runner.cpu = idlest_cpu(0.1 if args.quick else 0.25)
                cpus.append(runner.cpu)
            order = sides[r % len(sides):] + sides[:r % len(sides)]
            for side in order:
                if side in errors:
                    continue
                value, err, side_notes = runner.measure(w, side, n)
                if err is not None:
                    errors[side] = err
                for note in side_notes:
                    notes.append("round %d, %s: %s" % (r + 1, side, note))
                samples[side].append(value)
        row = summarize(w, samples)
        row["errors"] = errors
        row["notes"] = notes
        row["cpus"] = cpus
        if notes and row["verdict"] == "ok":
            row["verdict"] = "see note"
        row["n"] = n
        results.append(row)
        log("  %-16s %5.1f s  ours %-10s stdlib %-10s C %-10s%s" % (
            w.name, time.time() - start, fmt_time(row["ours"]),
            fmt_time(row["stdlib"]), fmt_time(row["C"]),
            ("  errors: %s" % errors) if errors else ""))
    return results


def table_lines(results):
    head = ("workload", "unit", "ours", "stdlib", "C", "ours/std",
            "ours/C", "target", "verdict")
    rows = [head]
    for r in results:
        rows.append((r["name"], r["unit"], fmt_time(r["ours"]),
                     fmt_time(r["stdlib"]), fmt_time(r["C"]),
                     fmt_ratio(r["ours/stdlib"]), fmt_ratio(r["ours/C"]),
                     r["target"], r["verdict"]))
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = []
    for k, row in enumerate(rows):
        cells = []
        for i, cell in enumerate(row):
            if i in (2, 3, 4, 5, 6):
                cells.append(cell.rjust(widths[i]))
            else:
                cells.append(cell.ljust(widths[i]))
        lines.append("  ".join(cells).rstrip())
        if k == 0:
            lines.append("  ".join("-" * wd for wd in widths))
    return lines


def callgrind_total(path):
    total = None
    with open(path) as f:
        for line in f:
            if line.startswith("totals:") or line.startswith("summary:"):
                total = int(line.split()[1])
    return total or 0


def strace_counts(path):
    """{syscall: calls} from an `strace -c` summary."""
    counts = {}
    with open(path) as f:
        for line in f:
            fields = line.split()
            if (len(fields) >= 5 and fields[0][:1].isdigit()
                    and fields[-1] != "total"):
                counts[fields[-1]] = int(fields[3])
    return counts


def run_strace(args, runner, workloads, available, log):
    """System calls per operation of every side: `strace -f -c` of a run
    with N operations minus one with 0 (N: the --quick count)."""
    strace = which("strace")
    if strace is None:
        log("--strace: strace is not installed; skipped")
        return []
    results = []
    for w in workloads:
        n = w.quick
        if w.name == "mactcp_asr":
            continue  # its timing loop spins: ptrace would only slow it
        row = {"name": w.name, "unit": w.unit, "n": n}
        for side in SIDES:
            missing = available["mactcp" if w.group == "mactcp"
                                else "socket"]
            if side == "ours" and missing != "ok":
                row[side] = None
                continue
            per = []
            for count in (n, 0):
                out = os.path.join(BUILD, "strace.%s.%s.%d" % (
                    w.name, side, count))
                argv = [strace, "-f", "-c", "-o", out]
                argv += runner.command(w, side, count)
                rc, _, err = runner.run(argv, runner.env(side), w.pin,
                                        timeout=args.timeout * 4)
                if rc != 0:
                    log("  strace %s %s failed: %s" % (
                        w.name, side, err.strip()[-300:]))
                    per = None
                    break
                per.append(strace_counts(out))
            if per is None:
                row[side] = None
                continue
            calls = {}
            for name in set(per[0]) | set(per[1]):
                v = (per[0].get(name, 0) - per[1].get(name, 0)) / w.ops(n)
                if v >= 0.005:
                    calls[name] = float("%.3g" % v)
            row[side] = calls
        results.append(row)
        log("  strace %-16s %s" % (w.name, "  ".join(
            "%s %s" % (side, syscalls_text(row[side])) for side in SIDES)))
    return results


def syscalls_text(calls):
    if calls is None:
        return "-"
    if not calls:
        return "none"
    return " ".join("%s %g" % (k, calls[k]) for k in sorted(calls))


def strace_lines(results):
    lines = []
    width = max(len(r["name"]) for r in results)
    for r in results:
        for k, side in enumerate(SIDES):
            lines.append("%s  %-6s  %5.2f  %s" % (
                (r["name"] if k == 0 else "").ljust(width), side,
                sum((r[side] or {}).values()), syscalls_text(r[side])))
    return lines


def run_callgrind(args, runner, workloads, available, log):
    valgrind = which("valgrind")
    if valgrind is None:
        log("--callgrind: valgrind is not installed (apt-get install "
            "valgrind); skipped")
        return []
    outdir = os.path.join(BUILD, "callgrind")
    results = []
    for w in workloads:
        if w.cg is None:
            continue
        n, count_children = w.cg
        if args.quick:
            n = max(n // 10, 100)
        row = {"name": w.name, "unit": w.unit, "n": n}
        for side in SIDES:
            if side == "ours" and available["socket"] != "ok":
                row[side] = None
                continue
            totals = []
            for count in (n, 0):
                tag = "%s.%s.%d" % (w.name, side, count)
                for name in os.listdir(outdir) if os.path.isdir(outdir) \
                        else []:
                    if name.startswith(tag + "."):
                        os.remove(os.path.join(outdir, name))
                if not os.path.isdir(outdir):
                    os.makedirs(outdir)
                argv = [valgrind, "--tool=callgrind", "-q",
                        "--callgrind-out-file=%s/%s.%%p" % (outdir, tag)]
                argv += runner.command(w, side, count)
                rc, out, err = runner.run(argv, runner.env(side), False,
                                          timeout=args.timeout * 10)
                if rc != 0:
                    log("  callgrind %s %s failed: %s" % (
                        w.name, side, err.strip()[-300:]))
                    totals = None
                    break
                files = [name for name in os.listdir(outdir)
                         if name.startswith(tag + ".")]
                if not count_children:
                    # Only the measuring process (valgrind keeps the pid).
                    files = ["%s.%d" % (tag, runner.last_pid)]
                totals.append(sum(callgrind_total(os.path.join(outdir, f))
                                  for f in files))
            row[side] = ((totals[0] - totals[1]) / n) if totals else None
        ours, std, c = row["ours"], row["stdlib"], row["C"]
        row["ours/stdlib"] = ours / std if ours and std else None
        row["ours/C"] = ours / c if ours and c else None
        results.append(row)
        log("  callgrind %-12s ours %s stdlib %s C %s" % (
            w.name, row["ours"], row["stdlib"], row["C"]))
    return results


def callgrind_lines(results):
    head = ("workload", "unit", "ours Ir/op", "stdlib Ir/op", "C Ir/op",
            "ours/std", "ours/C")
    rows = [head]

    def num(v):
        return "-" if v is None else "%.0f" % v
    for r in results:
        rows.append((r["name"], r["unit"], num(r["ours"]), num(r["stdlib"]),
                     num(r["C"]), fmt_ratio(r["ours/stdlib"]),
                     fmt_ratio(r["ours/C"])))
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = []
    for k, row in enumerate(rows):
        lines.append("  ".join(cell.rjust(widths[i]) if i >= 2 else
                               cell.ljust(widths[i])
                               for i, cell in enumerate(row)).rstrip())
        if k == 0:
            lines.append("  ".join("-" * wd for wd in widths))
    return lines


def rst_table(lines, title):
    """A table from table_lines() as an RST simple table."""
    sep = lines[1].replace("-", "=")
    out = [title, "", sep, lines[0], sep] + lines[2:] + [sep, ""]
    return out


def plot(runs, path):
    """runs: [(results, meta)], one panel each, side by side."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.ticker import FixedLocator, NullFormatter
    except ImportError:
        sys.stderr.write(
            "--plot: matplotlib is not importable by %s; install it (e.g. "
            "'%s -m pip install matplotlib') or run the driver with an "
            "interpreter that has it.  No chart written.\n"
            % (sys.executable, sys.executable))
        return False
    runs = [(results, meta) for results, meta in runs
            if any(r["ours/stdlib"] or r["ours/C"] for r in results)]
    if not runs:
        sys.stderr.write("--plot: no ratios to draw (our modules were not "
                         "measured).  No chart written.\n")
        return False
    targets = dict((w.name, w.targets) for w in WORKLOADS)
    nrows = max(len(results) for results, meta in runs)
    fig, axes = plt.subplots(1, len(runs), squeeze=False, sharey=False,
                             figsize=(5.2 * len(runs) + 1.6,
                                      0.42 * nrows + 1.9))
    h = 0.38
    for k, (results, meta) in enumerate(runs):
        ax = axes[0][k]
        y = list(range(len(results)))
        std = [r["ours/stdlib"] or 0 for r in results]
        c = [r["ours/C"] or 0 for r in results]
        ax.barh([i - h / 2 for i in y], std, height=h, label="ours / stdlib",
                color="#4878a8")
        ax.barh([i + h / 2 for i in y], c, height=h, label="ours / C",
                color="#e0a040")
        for i, r in enumerate(results):
            t = targets.get(r["name"], {})
            for v, dy, key in ((std[i], -h / 2, "std"), (c[i], h / 2, "c")):
                if v:
                    ax.text(v * 1.04, i + dy, "%.2f" % v, va="center",
                            fontsize=7)
                if key in t:
                    ax.plot([t[key]], [i + dy], marker="|", color="black",
                            markersize=9)
        ax.axvline(1.0, color="black", linewidth=0.8)
        ax.set_xscale("log")
        ticks = [0.05, 0.1, 0.2, 0.5, 1, 1.5, 2, 3, 5, 10, 20, 50, 100]
        hi = max(std + c + [2.0]) * 1.6
        lo = min([v for v in std + c if v] + [0.9]) * 0.8
        ax.set_xlim(lo, hi)
        ax.xaxis.set_major_locator(FixedLocator(
            [t for t in ticks if lo <= t <= hi]))
        ax.xaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter(
            "%g"))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_yticks(y)
        ax.set_yticklabels([r["name"] for r in results])
        ax.invert_yaxis()
        ax.set_xlabel("time ratio (log scale; < 1 = ours faster)")
        python = meta["python"].split(" (")[0]
        ax.set_title(python, fontsize=10)
        if k == 0:
            ax.legend(loc="lower right", fontsize=8)
    meta = runs[0][1]
    fig.suptitle("classicsocket vs the interpreter's socket module and C "
                 "(| = target)\n%s, %s CPUs, Linux %s" % (
                     meta["cpu_model"], meta["cpus"], meta["kernel"]),
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return True


def main(argv):
    import argparse
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n\n".join(__doc__.split("\n\n")[2:]))
    parser.add_argument("--quick", action="store_true",
                        help="small counts and 2 rounds: a smoke check")
    parser.add_argument("--python", default=sys.executable,
                        help="interpreter of the children (default: %s)"
                        % sys.executable)
    parser.add_argument("--rounds", type=int, default=None,
                        help="rounds per workload (default 9; --quick 2)")
    parser.add_argument("--only", default="",
                        help="comma-separated workload names: "
                        + ",".join(w.name for w in WORKLOADS))
    parser.add_argument("--plot", metavar="FILE.png",
                        help="draw the ratios as a bar chart")
    parser.add_argument("--json", metavar="FILE",
                        help="write all samples and figures as JSON")
    parser.add_argument("--rst", metavar="FILE",
                        help="write the tables as reStructuredText")
    parser.add_argument("--from-json", metavar="FILE[,FILE]",
                        help="print/plot previous runs' JSON (one chart "
                        "panel each); run nothing")
    parser.add_argument("--callgrind", action="store_true",
                        help="also count instructions per operation "
                        "(valgrind --tool=callgrind) for the micro workloads")
    parser.add_argument("--strace", action="store_true",
                        help="also count system calls per operation of "
                        "every side (strace -f -c; --quick counts)")
    parser.add_argument("--skip-timing", action="store_true",
                        help="with --callgrind/--strace: only count")
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds before a child is killed (default 300;"
                        " --quick 60)")
    parser.add_argument("--child", nargs=3, metavar=("FUNC", "SIDE", "N"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child_main(*args.child)
        return 0

    def log(msg):
        sys.stderr.write(msg + "\n")
        sys.stderr.flush()

    runs = []
    if args.from_json:
        for name in args.from_json.split(","):
            with open(name) as f:
                data = json.load(f)
            runs.append((data["timing"], data["meta"], data["callgrind"]))
    else:
        if args.rounds is None:
            args.rounds = 2 if args.quick else 9
        if args.timeout is None:
            args.timeout = 60.0 if args.quick else 300.0
        workloads = WORKLOADS
        if args.only:
            wanted = args.only.split(",")
            unknown = set(wanted) - set(w.name for w in WORKLOADS)
            if unknown:
                parser.error("unknown workloads: %s" % ", ".join(
                    sorted(unknown)))
            workloads = [w for w in WORKLOADS if w.name in wanted]
        python = which(args.python) if os.sep not in args.python \
            else args.python
        if not python:
            parser.error("no interpreter %r" % args.python)
        build_reference(log)
        runner = Runner(python, args.timeout)
        available = probe_ours(python)
        meta = machine_info()
        meta["python"] = interpreter_info(python)
        meta["rounds"] = args.rounds
        meta["quick"] = args.quick
        meta["pinning"] = runner.pin_note
        meta["date"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
        meta["ours"] = available
        log("bench: %s; %d CPUs (%s), Linux %s, load %s; %d rounds%s" % (
            meta["python"], meta["cpus"], meta["cpu_model"], meta["kernel"],
            meta["load_at_start"], args.rounds,
            " (quick)" if args.quick else ""))
        for what in ("socket", "mactcp"):
            if available[what] != "ok":
                log("bench: our %s is not available (%s): its 'ours' column "
                    "stays empty; build with 'python setup.py build_ext "
                    "--inplace'" % (what, available[what]))
        results, cg = [], []
        if not args.skip_timing:
            results = run_timing(args, runner, workloads, available, log)
        if args.callgrind:
            cg = run_callgrind(args, runner, workloads, available, log)
        if args.strace:
            meta["strace"] = run_strace(args, runner, workloads, available,
                                        log)
        meta["load_at_end"] = "%.2f %.2f %.2f" % os.getloadavg()
        runs.append((results, meta, cg))
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"meta": meta, "timing": results, "callgrind": cg},
                          f, indent=1, sort_keys=True)

    rst = []
    for results, meta, cg in runs:
        rst += report(results, meta, cg)
    if args.rst:
        with open(args.rst, "w") as f:
            f.write("\n".join(rst) + "\n")
    status = 0
    if args.plot and not plot([(r, m) for r, m, c in runs], args.plot):
        status = 2
    for results, meta, cg in runs:
        failed = [r["name"] for r in results
                  if any(not e.startswith("not available")
                         for e in r["errors"].values())]
        if failed:
            sys.stderr.write("bench: workloads with failed runs: %s\n"
                             % ", ".join(failed))
            status = 1
    return status


def report(results, meta, cg):
    """Prints the tables of one run; returns them as RST lines."""

    print("classicsocket benchmark: %s" % meta["python"])
    print("machine: %s CPUs, %s; Linux %s; load %s at start, %s at end" % (
        meta["cpus"], meta["cpu_model"], meta["kernel"],
        meta["load_at_start"], meta.get("load_at_end", "?")))
    lines = []
    if results:
        print("%d rounds%s; per side: lower quartile over rounds of the time "
              "per operation (mactcp_asr: median); pinned: %s (all but "
              "mactcp_asr)" % (meta["rounds"],
                               " (--quick: counts too small for real "
                               "figures)" if meta["quick"] else "",
                               meta["pinning"]))
        print("mactcp rows: 'stdlib' and 'C' are the same exchange over the "
              "interpreter's socket module and over C sockets")
        print("")
        lines = table_lines(results)
        for line in lines:
            print(line)
        for r in results:
            for side, err in sorted(r["errors"].items()):
                if err.startswith("not available"):
                    continue
                print("note: %s, %s: %s" % (r["name"], side, err))
            for note in r.get("notes", []):
                print("note: %s, %s" % (r["name"], note))
    cg_lines = []
    if cg:
        print("")
        print("instructions per operation (callgrind, user space only; N "
              "minus 0 operations)")
        cg_lines = callgrind_lines(cg)
        for line in cg_lines:
            print(line)
    st_lines = []
    if meta.get("strace"):
        print("")
        print("system calls per operation (strace -f -c, N minus 0 "
              "operations; both processes of a ping-pong)")
        st_lines = strace_lines(meta["strace"])
        for line in st_lines:
            print(line)
    sys.stdout.flush()

    out = ["%s, %s; %d rounds, load %s at start and %s at end." % (
        meta["python"].split(" (")[0], meta.get("date", "?"), meta["rounds"],
        meta["load_at_start"], meta.get("load_at_end", "?")), ""]
    if lines:
        out += rst_table(lines, "Times (lower quartile over the rounds; "
                         "mactcp_asr: median):")
    if cg_lines:
        out += rst_table(cg_lines, "Instructions per operation (callgrind):")
    if st_lines:
        out += ["System calls per operation (strace)::", ""]
        out += ["    " + line for line in st_lines] + [""]
    return out


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

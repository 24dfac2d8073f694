#!/usr/bin/env python
"""Benchmark: macdnr's queries run at the same time, not one after another.

usage: bench_macdnr.py [--queries N] [--delay MS] [--rounds R] [--quick]

A real DNS server (dnsmasq, as the tests start it: Tests/dnr_support.py)
sits behind a small UDP proxy, a child running the standard library's
socket module, that holds every answer until DELAY ms (default 50) after
its query arrived.  The benchmark then

  - issues N StrToAddr queries at once (default 100) and waits for all of
    them: with the queries in flight together this takes about one delay;
  - issues queries one at a time (wait() before the next): each costs a
    delay, so N of them would take N x DELAY (5 s for the defaults).

It prints the median of R rounds (default 5) of each, and checks every
answer.  Runs with this project's Lib/ on the path (macdnr built in place).
"""
from __future__ import division, print_function

import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path[:0] = [os.path.join(ROOT, "Lib"), os.path.join(ROOT, "Tests")]

import dnr_support  # noqa: E402
import macdnr  # noqa: E402

# The proxy: one upstream socket per query (their ids may collide), a heap
# of answers by the time they may leave.
PROXY = r"""
import heapq, select, socket, sys, time
upstream_port, delay = int(sys.argv[1]), float(sys.argv[2]) / 1000.0
front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
front.bind(('127.0.0.1', 0))
print('READY %d' % front.getsockname()[1])
sys.stdout.flush()
pending = {}        # upstream socket -> (client address, arrival)
due = []            # (time, seq, data, client address)
seq = 0
while True:
    timeout = max(0.0, due[0][0] - time.time()) if due else None
    ready, _, _ = select.select([front, sys.stdin] + list(pending), [], [],
                                timeout)
    if sys.stdin in ready:
        break
    now = time.time()
    for s in ready:
        if s is front:
            data, client = front.recvfrom(4096)
            up = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            up.sendto(data, ('127.0.0.1', upstream_port))
            pending[up] = (client, now)
        elif s in pending:
            data = s.recv(4096)
            client, arrival = pending.pop(s)
            s.close()
            seq += 1
            heapq.heappush(due, (arrival + delay, seq, data, client))
    while due and due[0][0] <= time.time():
        _, _, data, client = heapq.heappop(due)
        front.sendto(data, client)
"""

WWW = dnr_support.ip_number(dnr_support.ADDRESSES["www"][0])


class Proxy(object):
    def __init__(self, upstream_port, delay_ms):
        env = dict(os.environ)
        env.pop("PYTHONPATH", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-u", "-c", PROXY, str(upstream_port),
             str(delay_ms)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        line = self.proc.stdout.readline().decode()
        if not line.startswith("READY "):
            raise RuntimeError("proxy did not start: %r" % line)
        self.port = int(line.split()[1])

    def stop(self):
        self.proc.stdin.close()
        self.proc.wait()
        self.proc.stdout.close()


def at_once(n):
    start = dnr_support.monotonic()
    results = [macdnr.StrToAddr("www") for _ in range(n)]
    for r in results:
        r.wait()
    elapsed = dnr_support.monotonic() - start
    assert all(r.ip0 == WWW for r in results)
    return elapsed


def one_at_a_time(n):
    start = dnr_support.monotonic()
    for _ in range(n):
        r = macdnr.StrToAddr("www")
        r.wait()
        assert r.ip0 == WWW
    return (dnr_support.monotonic() - start) / n


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--delay", type=float, default=50.0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true",
                        help="one round, 10 sequential queries")
    args = parser.parse_args()
    rounds = 1 if args.quick else args.rounds
    sequential = 10 if args.quick else 20

    binary = dnr_support.find_dnsmasq()
    if binary is None:
        sys.exit("bench_macdnr: dnsmasq is not installed "
                 "(apt-get install dnsmasq-base)")
    server = dnr_support.DNSServer(binary).start()
    proxy = Proxy(server.port, args.delay)
    files = dnr_support.HostsFiles()
    try:
        macdnr.Open(files.write(dnr_support.hosts_text(
            [proxy.port], timeout=5, attempts=1)))
        at_once(10)     # warm-up: the resolver thread is started
        together = median([at_once(args.queries) for _ in range(rounds)])
        each = median([one_at_a_time(sequential) for _ in range(rounds)])
        macdnr.Close()
    finally:
        files.cleanup()
        proxy.stop()
        server.stop()

    print("macdnr: %d StrToAddr queries, answers delayed %.0f ms "
          "(Python %s)" % (args.queries, args.delay,
                           sys.version.split()[0]))
    print("  all outstanding at once: %.3f s" % together)
    print("  one at a time:           %.1f ms each, %.2f s for %d"
          % (each * 1000, each * args.queries, args.queries))
    print("  speed-up:                %.0fx" % (each * args.queries /
                                                 together))


if __name__ == "__main__":
    main()

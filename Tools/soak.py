"""Soak run: connection cycles on loopback, over and over, with the process's
resident memory (RSS) and open descriptors sampled as it goes.  Both must
stay flat: the descriptor count exactly, the RSS within a small allowance
once the allocator has warmed up.

    PYTHONPATH=Lib python Tools/soak.py              # 100,000 + 20,000 cycles
    PYTHONPATH=Lib python Tools/soak.py --short      # CI's form: 5,000 + 800
    PYTHONPATH=Lib python Tools/soak.py --cycles 1000000 --mactcp-cycles 0

A socket cycle: create_connection() to one of four loopback listeners,
accept(), a request and its echo through sendall()/recv() (every tenth
through makefile() files), then close, orderly or by reset (SO_LINGER 0)
in turn, and every hundredth with the client timing out first.  A mactcp
cycle: the same over two TCP streams (PassiveOpen, ActiveOpen, Send, Rcv,
then Close on both every fourth cycle and Abort on the others), the
streams reused as MacTCP allows, and new ones made every fiftieth cycle.

The run puts itself in a private network namespace with only loopback
when it can (root, unshare, ip), so that the TIME_WAIT connections it
leaves behind are its own; otherwise it runs here, on loopback only.
Exit status 0 when both counts stayed flat and every cycle worked.
"""
from __future__ import print_function

import argparse
import os
import struct
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LIB = os.path.join(ROOT, "Lib")
LOOPBACK = 0x7F000001
SAMPLES = 20


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def fd_count():
    return len(os.listdir("/proc/self/fd"))


def settled_fd_count(expected, timeout=2.0):
    """The descriptor count, given a moment to come back to `expected`:
    mactcp's driver thread applies the closes it is asked for on its own
    thread, so a descriptor can outlive the call that ended it by a
    moment.  A leak stays."""
    deadline = time.time() + timeout
    while True:
        count = fd_count()
        if expected is None or count == expected or time.time() >= deadline:
            return count
        time.sleep(0.001)


def check_ours():
    import socket
    import _socket
    import mactcp
    for module in (socket, _socket, mactcp):
        path = os.path.realpath(getattr(module, "__file__", "") or "")
        if not path.startswith(os.path.realpath(LIB) + os.sep):
            raise SystemExit("soak: %s is %s, not this tree's: build in place "
                             "and run with PYTHONPATH=Lib (or python -m "
                             "classicsocket)" % (module.__name__,
                                                 path or "built in"))


class SocketCycles(object):
    name = "socket"

    def __init__(self):
        import socket
        self.socket = socket
        self.listeners = []
        for last in range(1, 5):
            listener = socket.socket()
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(("127.0.0.%d" % last, 0))
            listener.listen(16)
            listener.settimeout(10)
            self.listeners.append(listener)
        self.linger = struct.pack("ii", 1, 0)

    def cycle(self, number):
        socket = self.socket
        listener = self.listeners[number % len(self.listeners)]
        client = socket.create_connection(listener.getsockname(), 10)
        server, _ = listener.accept()
        server.settimeout(10)
        try:
            request = b"request %d\n" % number if bytes is not str else \
                "request %d\n" % number
            if number % 10 == 0:
                wfile = client.makefile("wb", 0)
                rfile = server.makefile("rb")
                wfile.write(request)
                line = rfile.readline()
                server.sendall(line)
                assert client.recv(64) == request
                wfile.close()
                rfile.close()
            else:
                client.sendall(request)
                data = server.recv(64)
                server.sendall(data)
                assert client.recv(64) == request
            if number % 100 == 7:
                client.settimeout(0.001)
                try:
                    client.recv(1)
                except socket.timeout:
                    pass
                else:
                    raise AssertionError("recv did not time out")
            if number % 2:
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                  self.linger)
        finally:
            client.close()
            server.close()

    def close(self):
        for listener in self.listeners:
            listener.close()


class MactcpCycles(object):
    name = "mactcp"

    def __init__(self):
        import mactcp
        self.mactcp = mactcp
        self.server = self.client = None

    def cycle(self, number):
        mactcp = self.mactcp
        if self.server is None or number % 50 == 0:
            self.server = mactcp.TCPCreate(8192)
            self.client = mactcp.TCPCreate(8192)
        server, client = self.server, self.client
        server.PassiveOpen(0)
        client.ActiveOpen(0, LOOPBACK, server.GetSockName()[1])
        server.wait()
        request = b"request"
        client.Send(request)
        got = b""
        while len(got) < len(request):
            got += server.Rcv(10)[0]
        server.Send(got)
        echoed = b""
        while len(echoed) < len(request):
            echoed += client.Rcv(10)[0]
        assert echoed == request
        if number % 4 == 0:
            # Orderly: Close on both (each waits for the ACK of its FIN,
            # which the peer's kernel may delay by its 40 ms), then the
            # peer's FIN read as connectionClosing.
            client.Close()
            server.Close()
            ends = (server, client)
        else:
            # Reset: Abort, and the peer learns of it in its next Rcv.
            client.Abort()
            ends = (server,)
        for stream in ends:
            try:
                stream.Rcv(10)
            except mactcp.error:
                pass
            else:
                raise AssertionError("Rcv after the end returned data")

    def close(self):
        self.server = self.client = None


def soak(kind, cycles, rss_allowance):
    """Runs `cycles` cycles of `kind`; returns (ok, summary line)."""
    if cycles <= 0:
        return True, "%s: skipped" % kind.name
    step = max(1, cycles // SAMPLES)
    warm = max(step, cycles // 10)
    samples = []
    started = time.time()
    expected_fds = None
    for number in range(cycles):
        kind.cycle(number)
        if (number + 1) % step == 0:
            fds = settled_fd_count(expected_fds)
            if number + 1 >= warm and expected_fds is None:
                expected_fds = fds
            samples.append((number + 1, rss_bytes(), fds))
    elapsed = time.time() - started
    kind.close()
    settled = [s for s in samples if s[0] >= warm]
    base = settled[0]
    rss_growth = max(s[1] for s in settled) - base[1]
    fds = sorted(set(s[2] for s in settled))
    ok = (rss_allowance is None or rss_growth <= rss_allowance) and \
        len(fds) == 1
    line = ("%s: %d cycles in %.0f s (%.0f/s); RSS %.1f MiB, +%d KiB after "
            "cycle %d (%s); descriptors %s"
            % (kind.name, cycles, elapsed, cycles / max(elapsed, 1e-9),
               base[1] / 1048576.0, rss_growth // 1024, base[0],
               "allowed %d KiB" % (rss_allowance // 1024)
               if rss_allowance is not None else "not checked",
               fds[0] if len(fds) == 1 else "CHANGED %s" % fds))
    return ok, line


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cycles", type=int, default=100000)
    parser.add_argument("--mactcp-cycles", type=int, default=20000)
    parser.add_argument("--short", action="store_true",
                        help="CI's form: 5,000 socket and 800 mactcp cycles")
    parser.add_argument("--rss-allowance-kib", type=int, default=1024,
                        help="RSS growth allowed after warm-up (KiB)")
    parser.add_argument("--no-netns", action="store_true")
    options = parser.parse_args(argv)
    if options.short:
        options.cycles, options.mactcp_cycles = 5000, 800
    if not options.no_netns and not os.environ.get("CLASSICSOCKET_SOAK_NETNS"):
        sys.path.insert(0, os.path.join(ROOT, "Tests", "fuzz"))
        from run import _netns_prefix
        prefix = _netns_prefix()
        if prefix:
            env = dict(os.environ, CLASSICSOCKET_SOAK_NETNS="1",
                       CSFUZZ_PRELOAD=os.environ.get("LD_PRELOAD", ""))
            env.pop("LD_PRELOAD", None)
            args = prefix + [sys.executable, os.path.abspath(__file__)] + \
                (argv if argv is not None else sys.argv[1:])
            os.execve(prefix[0], args, env)
    check_ours()
    print("soak: %s %s%s" % (sys.executable, sys.version.split()[0],
                              ", private network namespace"
                              if os.environ.get("CLASSICSOCKET_SOAK_NETNS")
                              else ""))
    sys.stdout.flush()
    status = 0
    allowance = options.rss_allowance_kib * 1024
    if os.environ.get("CLASSICSOCKET_SANITIZED") or \
            "asan" in os.environ.get("LD_PRELOAD", ""):
        # AddressSanitizer keeps freed memory in quarantine: RSS grows
        # whatever the code does.
        print("soak: ASan build: RSS not checked, descriptors only")
        allowance = None
    for kind, cycles in ((SocketCycles, options.cycles),
                         (MactcpCycles, options.mactcp_cycles)):
        ok, line = soak(kind(), cycles, allowance)
        print("soak %s%s" % (line, "" if ok else "  FAIL"))
        sys.stdout.flush()
        if not ok:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())

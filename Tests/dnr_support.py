"""A real DNS server for the macdnr tests and benchmark: Debian's dnsmasq,
started as a child (never a daemon) on 127.0.0.1:<free port> with no
system configuration (no /etc/dnsmasq.conf, resolv.conf or hosts), serving
the zone test.example below, and the Hosts files that point macdnr at it.

Missing dnsmasq is a skip on a developer's machine and a failure under
CI=true: CI must run these tests.
"""
from __future__ import print_function

import os
import pwd
import select
import socket
import struct
import subprocess
import sys
import tempfile
import time

ZONE = "test.example"

# name -> addresses (host-record: dnsmasq also answers the PTR queries)
ADDRESSES = {
    "www": ["192.0.2.10"],
    "two": ["192.0.2.31", "192.0.2.32"],
    "multi": ["192.0.2.21", "192.0.2.22", "192.0.2.23", "192.0.2.24",
              "192.0.2.25"],
    "mail": ["192.0.2.40"],
    "mx1": ["192.0.2.41"],
    "mx2": ["192.0.2.42"],
    "web": ["127.0.0.1"],
}
# answers too long for a UDP datagram (512 bytes): truncated (TC), then
# asked over TCP.  dnsmasq sends the MX records in the reverse of this
# order, so the truncated answer lacks the most preferred one (101).
ADDRESSES["big"] = ["10.1.0.%d" % i for i in range(1, 61)]
CNAMES = {"alias": "www", "alias2": "alias"}
MX = [("mail", "mx1", 20), ("mail", "mx2", 10)] + [
    ("bigmx", "mx%d" % i, 100 + i) for i in range(1, 41)]
HINFO = {"www": ("x86", "Linux"),
         "long": ("A-CPU-NAME-MUCH-LONGER-THAN-29-CHARACTERS",
                  "An OS name longer than 29 characters too")}


def fqdn(label):
    return "%s.%s" % (label, ZONE)


def ip_number(dotted):
    """A dotted quad as mactcp numbers hosts (127.0.0.1 is 0x7F000001)."""
    a, b, c, d = [int(x) for x in dotted.split(".")]
    return (a << 24) | (b << 16) | (c << 8) | d


def _char_string(text):
    data = text.encode("ascii")
    return struct.pack("B", len(data)) + data


def _hexlify(data):
    return "".join("%02x" % b for b in bytearray(data))


def find_dnsmasq():
    dirs = os.environ.get("PATH", "").split(os.pathsep)
    for d in dirs + ["/usr/sbin", "/sbin", "/usr/local/sbin"]:
        path = os.path.join(d, "dnsmasq")
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def require_dnsmasq():
    path = find_dnsmasq()
    if path is None:
        message = ("dnsmasq is not installed (apt-get install dnsmasq-base; "
                   ".ci/run installs it)")
        import pytest   # late: the benchmark uses this module too
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


# the sanitizer run's preload and options are for our build, not dnsmasq
SANITIZER_VARIABLES = ("LD_PRELOAD", "ASAN_OPTIONS", "LSAN_OPTIONS",
                       "UBSAN_OPTIONS", "PYTHONMALLOC")


def server_env():
    env = dict(os.environ)
    for name in SANITIZER_VARIABLES:
        env.pop(name, None)
    return env


def free_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
    finally:
        s.close()


def dns_query(name, qtype=1, qid=0x4242):
    packet = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for label in name.split("."):
        packet += _char_string(label)
    return packet + b"\0" + struct.pack(">HH", qtype, 1)


class DNSServer(object):
    """dnsmasq serving ZONE on 127.0.0.1:port."""

    def __init__(self, binary=None):
        self.binary = binary or require_dnsmasq()
        self.proc = None
        self.port = None
        self.log = None

    def arguments(self, port):
        args = [self.binary, "--keep-in-foreground", "--conf-file=/dev/null",
                "--no-resolv", "--no-hosts", "--no-poll", "--pid-file=",
                "--listen-address=127.0.0.1", "--bind-interfaces",
                "--port=%d" % port, "--log-facility=-",
                "--user=%s" % pwd.getpwuid(os.getuid()).pw_name,
                "--local=/%s/" % ZONE, "--local=/2.0.192.in-addr.arpa/",
                "--cache-size=0"]
        for label, addrs in sorted(ADDRESSES.items()):
            for addr in addrs:
                args.append("--host-record=%s,%s" % (fqdn(label), addr))
        for alias, target in sorted(CNAMES.items()):
            args.append("--cname=%s,%s" % (fqdn(alias), fqdn(target)))
        for name, exchange, pref in MX:
            args.append("--mx-host=%s,%s,%d" % (fqdn(name), fqdn(exchange),
                                                pref))
        for label, (cpu, os_) in sorted(HINFO.items()):
            data = _char_string(cpu) + _char_string(os_)
            args.append("--dns-rr=%s,13,%s" % (fqdn(label), _hexlify(data)))
        return args

    def start(self, deadline=30.0):
        for _ in range(5):
            port = free_udp_port()
            self.log = tempfile.TemporaryFile()
            with open(os.devnull) as null:
                self.proc = subprocess.Popen(
                    self.arguments(port), stdin=null, stdout=self.log,
                    stderr=subprocess.STDOUT, close_fds=True,
                    env=server_env())
            if self._wait_ready(port, time.time() + deadline):
                self.port = port
                return self
            output = self.output()
            self.stop()
        raise RuntimeError("dnsmasq did not start: %s" % output)

    def _wait_ready(self, port, deadline):
        """Asks for www until dnsmasq answers (or exits, or time is up)."""
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            while time.time() < deadline and self.proc.poll() is None:
                s.sendto(dns_query(fqdn("www")), ("127.0.0.1", port))
                ready, _, _ = select.select([s], [], [], 0.2)
                if ready:
                    try:
                        s.recv(512)
                        return True
                    except socket.error:
                        pass    # the port was not open yet (ICMP)
            return False
        finally:
            s.close()

    def output(self):
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def stop(self):
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.terminate()
            self.proc.wait()
            self.proc = None
        if self.log is not None:
            self.log.close()
            self.log = None


class SilentServer(object):
    """A UDP port that receives queries and never answers them."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]

    def close(self):
        self.sock.close()


class UDPRelay(object):
    """Forwards datagrams to a DNS server and its answers back, on a UDP
    port with no TCP behind it: a truncated answer cannot be asked again
    over TCP there.  A thread of the test process, stopped by close()."""

    def __init__(self, upstream_port):
        import threading
        self.upstream = ("127.0.0.1", upstream_port)
        self.front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.front.bind(("127.0.0.1", 0))
        self.port = self.front.getsockname()[1]
        self.back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.wake_r, self.wake_w = os.pipe()
        self.clients = {}       # query id -> client address
        self.thread = threading.Thread(target=self._run)
        self.thread.start()

    def _run(self):
        while True:
            ready, _, _ = select.select([self.front, self.back,
                                         self.wake_r], [], [])
            if self.wake_r in ready:
                return
            if self.front in ready:
                data, client = self.front.recvfrom(65536)
                self.clients[data[:2]] = client
                self.back.sendto(data, self.upstream)
            if self.back in ready:
                data = self.back.recv(65536)
                client = self.clients.pop(data[:2], None)
                if client is not None:
                    self.front.sendto(data, client)

    def close(self):
        os.write(self.wake_w, b"x")
        self.thread.join()
        for s in (self.front, self.back):
            s.close()
        os.close(self.wake_r)
        os.close(self.wake_w)


def hosts_text(servers, domain=ZONE, timeout=None, attempts=None,
               extra="", root=True):
    """A Hosts file in MacTCP's format naming `servers` (a list of ports
    on 127.0.0.1, asked in that order) for the root (the default servers)
    or, with root=False, for ZONE only."""
    lines = ["; Hosts file written by the macdnr tests"]
    if domain:
        lines.append(";macdnr domain %s" % domain)
    if timeout is not None:
        lines.append(";macdnr timeout %s" % timeout)
    if attempts is not None:
        lines.append(";macdnr attempts %d" % attempts)
    owner = "." if root else ZONE + "."
    for i, port in enumerate(servers):
        lines.append("%-16s NS  ns%d.servers.invalid." % (owner, i))
    for i, port in enumerate(servers):
        lines.append("ns%d.servers.invalid. IN A 127.0.0.%d ;macdnr port %d"
                     % (i, 1, port))
    lines.append(extra)
    return "\n".join(lines) + "\n"


class HostsFiles(object):
    """Hosts files written at test time into a temporary folder."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="macdnr-test-")
        self.count = 0

    def write(self, text, mode="w"):
        self.count += 1
        path = os.path.join(self.dir, "Hosts%d" % self.count)
        with open(path, mode) as f:
            f.write(text)
        return path

    def cleanup(self):
        for name in os.listdir(self.dir):
            os.unlink(os.path.join(self.dir, name))
        os.rmdir(self.dir)


def monotonic():
    if hasattr(time, "monotonic"):
        return time.monotonic()
    return time.time()

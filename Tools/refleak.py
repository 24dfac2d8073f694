"""Reference-leak run: loops every public operation of _socket, socket,
mactcp and macdnr and fails on per-iteration growth of the interpreter's
total reference count, of its allocated memory blocks, of the open
descriptors or of the process's threads.

    python3.11-dbg -m classicsocket Tools/refleak.py       # the CI run
    python3.11-dbg -m classicsocket Tools/refleak.py --only makefile -v
    python3.11-dbg -m classicsocket Tools/refleak.py --list

Run it on a debug build of CPython (sys.gettotalrefcount exists only
there; Debian's python3.11-dbg is one): Tools/refleak.sh installs that
interpreter when missing, builds the extensions for it and runs this.  On
another interpreter the references are not counted and the run says so.

Each operation is a generator: the code before its `yield` sets up what
the loop needs (a connected pair, a listening stream), the function it
yields is one iteration, and the code after the yield cleans up.  An
operation runs WARMUP iterations, then ROUNDS rounds of LOOPS iterations;
each round's growth of a counter is measured after a garbage collection.
A counter that grew in every round grows with the iterations: a leak.
One that grows in some rounds only is noise (a cache filling, a list
resizing) and is shown with -v.

Every operation names the public names it calls.  Names of the modules
that no operation calls fail the run (coverage), so a method added to a
module without an operation here is noticed.  The public names are the
functions, classes and exceptions of each module, the methods of its
classes, and the methods (and FIELDS) of the types of objects it makes
without exporting them (_socket's SSL, macdnr's DNRResult, mactcp's
streams).  A module that cannot be imported is skipped with a message.

Some operations need a real peer, started once for the run on loopback
(and stopped at its end): `openssl s_server -www` with certificates made
by the openssl command in a temporary folder (ssl), and dnsmasq serving
Tests/dnr_support.py's zone (macdnr's queries that ask a server).

KNOWN lists the operations whose growth is a known defect being fixed
elsewhere: reported as expected, not failing the run; when one stops
growing the run says to take it off the list.
"""
from __future__ import print_function

import argparse
import errno
import gc
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LIB = os.path.join(ROOT, "Lib")

# name of the operation -> why it grows (issue and state of its fix)
KNOWN = {}

WARMUP = 8
ROUNDS = 5
LOOPS = 12

LOOPBACK = 0x7F000001
OPS = []


def op(name, *covers, **options):
    """Registers an operation that calls the public names `covers`
    ("module.name" or "module.Type.method").  module="macdnr" makes it
    depend on that module; loops=N changes LOOPS for a slow one."""
    def register(function):
        OPS.append(dict(name=name, covers=covers, function=function,
                        module=options.get("module"),
                        loops=options.get("loops", LOOPS)))
        return function
    return register


def expect(exc_types, function, *args, **kwargs):
    """Calls function, which must raise one of exc_types (error paths
    leak as well as successful ones)."""
    try:
        function(*args, **kwargs)
    except exc_types:
        return
    raise AssertionError("%s%r did not raise %s" % (
        getattr(function, "__name__", function), args, exc_types))


def wait_for(predicate, timeout=10.0):
    deadline = time.time() + timeout
    while not predicate():
        if time.time() >= deadline:
            raise AssertionError("timed out waiting")
        select.select([], [], [], 0.001)


# -- peers: servers started once for the run ----------------------------------

# Undone in reverse order at the end of the run (children stopped, the
# temporary folder removed).
CLEANUPS = []
_TEMPDIR = []


def tempdir():
    if not _TEMPDIR:
        path = tempfile.mkdtemp(prefix="refleak-")
        _TEMPDIR.append(path)
        CLEANUPS.append(lambda: shutil.rmtree(path, True))
    return _TEMPDIR[0]


def child_env():
    """The children (openssl, dnsmasq) are not under test: no sanitizer
    preload, no Lib/ on their path."""
    env = dict(os.environ)
    for name in ("LD_PRELOAD", "ASAN_OPTIONS", "LSAN_OPTIONS",
                 "UBSAN_OPTIONS", "PYTHONMALLOC", "PYTHONPATH"):
        env.pop(name, None)
    return env


def find_program(name):
    for folder in os.environ.get("PATH", "").split(os.pathsep) + [
            "/usr/sbin", "/sbin", "/usr/local/sbin"]:
        path = os.path.join(folder, name)
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    raise AssertionError("%s is not installed (.ci/run installs it)" % name)


def start_child(args, ready, timeout=60.0):
    """Starts a child whose output goes to a file (a pipe nobody reads
    would fill up and stop it) and waits for a line containing `ready`;
    returns that line.  The child is killed at the end of the run."""
    log = tempfile.TemporaryFile(dir=tempdir())
    with open(os.devnull) as null:
        proc = subprocess.Popen(args, stdin=null, stdout=log,
                                stderr=subprocess.STDOUT, env=child_env(),
                                cwd=tempdir(), close_fds=True)

    def stop():
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        log.close()
    CLEANUPS.append(stop)
    deadline = time.time() + timeout
    while True:
        log.seek(0)
        for line in log.read().decode("utf-8", "replace").splitlines():
            if ready in line:
                return line
        if proc.poll() is not None or time.time() >= deadline:
            log.seek(0)
            raise AssertionError("%s did not start: %s" % (
                args[0], log.read().decode("utf-8", "replace")))
        select.select([], [], [], 0.05)


# The certificates of the TLS peer: a CA, the server's certificate that
# it signed (localhost, 127.0.0.1), and another CA that signed nothing.
OPENSSL_CONFIG = """\
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
[server]
basicConstraints = CA:false
subjectAltName = DNS:localhost, IP:127.0.0.1
extendedKeyUsage = serverAuth
"""
_TLS = {}


def tls_peer():
    """`openssl s_server -www` on 127.0.0.1 for the whole run: a dict with
    its port and the paths of the CA that signed its certificate (ca) and
    of one that did not (other_ca)."""
    if _TLS:
        return _TLS
    openssl = find_program("openssl")
    folder = tempdir()
    config = os.path.join(folder, "openssl.cnf")
    with open(config, "w") as f:
        f.write(OPENSSL_CONFIG)

    def run(*args):
        proc = subprocess.Popen((openssl,) + args, cwd=folder,
                                env=child_env(), stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
        out = proc.communicate()[0]
        if proc.returncode:
            raise AssertionError("openssl %s: %s" % (
                " ".join(args), out.decode("utf-8", "replace")))

    new_key = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
               "-nodes", "-config", config)
    for name, subject in (("ca", "/CN=refleak CA"),
                          ("other_ca", "/CN=refleak other CA")):
        run("req", "-x509", *(new_key + ("-keyout", name + ".key", "-out",
                                         name + ".pem", "-days", "2",
                                         "-subj", subject, "-extensions",
                                         "ca")))
    run("req", "-new", *(new_key + ("-keyout", "server.key", "-out",
                                    "server.csr", "-subj",
                                    "/O=classicsocket/CN=localhost")))
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey",
        "ca.key", "-set_serial", "1", "-days", "2", "-out", "server.pem",
        "-extfile", config, "-extensions", "server")
    line = start_child([openssl, "s_server", "-accept", "127.0.0.1:0",
                        "-cert", os.path.join(folder, "server.pem"),
                        "-key", os.path.join(folder, "server.key"), "-www"],
                       "ACCEPT")
    _TLS.update(port=int(line.rsplit(":", 1)[1]),
                ca=os.path.join(folder, "ca.pem"),
                other_ca=os.path.join(folder, "other_ca.pem"))
    return _TLS


_DNS = {}


def dns_peer():
    """dnsmasq on 127.0.0.1 for the whole run (Tests/dnr_support.py's,
    serving its zone test.example): a dict with its port."""
    if _DNS:
        return _DNS
    sys.path.insert(0, os.path.join(ROOT, "Tests"))
    try:
        import dnr_support
    finally:
        del sys.path[0]
    server = dnr_support.DNSServer(find_program("dnsmasq")).start()
    CLEANUPS.append(server.stop)
    _DNS.update(port=server.port, support=dnr_support)
    return _DNS


# -- _socket: the C socket ---------------------------------------------------

def csock_ops():
    import _socket
    C = "_socket.socket."

    @op("c.create-close", "_socket.socket", C + "close", C + "fileno",
        C + "__repr__", C + "family", C + "type", C + "proto", C + "timeout",
        "_socket.SocketType", "_socket.error")
    def _():
        def once():
            s = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
            s.fileno()
            repr(s)
            (s.family, s.type, s.proto, s.timeout)
            s.close()
            expect(_socket.error, s.getsockname)
            expect(TypeError, _socket.socket, "x")
            expect(_socket.error, _socket.socket, 12345)
        yield once

    @op("c.bind-listen-accept-connect", C + "bind", C + "listen",
        C + "accept", C + "connect", C + "connect_ex", C + "getsockname",
        C + "getpeername")
    def _():
        srv = _socket.socket()
        srv.bind(("127.0.0.1", 0))
        srv.listen(5)
        addr = srv.getsockname()

        def once():
            c = _socket.socket()
            c.connect(addr)
            s, peer = srv.accept()
            c.getpeername()
            s.getsockname()
            s.close()
            c.close()
            c = _socket.socket()
            c.connect_ex(addr)
            srv.accept()[0].close()
            c.close()
            c = _socket.socket()
            expect(_socket.error, c.getpeername)
            expect(OverflowError, c.bind, ("127.0.0.1", 70000))
            expect(TypeError, c.connect, "x")
            c.close()
        yield once
        srv.close()

    @op("c.data", C + "send", C + "recv", C + "sendall", C + "recv_into",
        C + "sendto", C + "recvfrom", C + "recvfrom_into", C + "shutdown")
    def _():
        a, b = _socket.socketpair()
        u = _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)
        u.bind(("127.0.0.1", 0))
        dest = u.getsockname()
        buf = bytearray(64)

        def once():
            a.send(b"ping")
            b.recv(16)
            a.sendall(b"x" * 100)
            b.recv_into(buf, 64)
            b.recv_into(memoryview(buf)[:36])
            u.sendto(b"dgram", dest)
            u.recvfrom(16)
            u.sendto(b"dgram", 0, dest)
            u.recvfrom_into(buf)
            expect(TypeError, a.send, 5)
            expect(ValueError, b.recv, -1)
            expect(TypeError, b.recv_into, b"readonly")
            expect(_socket.error, b.recv, 1, 0x40)  # MSG_DONTWAIT: EAGAIN
            c, d = _socket.socketpair()
            c.shutdown(_socket.SHUT_RDWR)
            c.close()
            d.close()
        yield once
        for s in (a, b, u):
            s.close()

    @op("c.options", C + "setsockopt", C + "getsockopt", C + "settimeout",
        C + "gettimeout", C + "setblocking", "_socket.setdefaulttimeout",
        "_socket.getdefaulttimeout")
    def _():
        s = _socket.socket()

        def once():
            s.setsockopt(_socket.SOL_SOCKET, _socket.SO_REUSEADDR, 1)
            s.getsockopt(_socket.SOL_SOCKET, _socket.SO_REUSEADDR)
            s.setsockopt(_socket.SOL_SOCKET, _socket.SO_LINGER,
                         b"\0" * 8)
            s.getsockopt(_socket.SOL_SOCKET, _socket.SO_LINGER, 8)
            expect(_socket.error, s.getsockopt, 12345, 1)
            s.settimeout(0.5)
            s.gettimeout()
            s.setblocking(1)
            s.settimeout(None)
            expect(ValueError, s.settimeout, -1)
            _socket.setdefaulttimeout(2.5)
            _socket.getdefaulttimeout()
            _socket.setdefaulttimeout(None)
        yield once
        s.close()

    @op("c.dup-fromfd-socketpair", C + "dup", "_socket.fromfd",
        "_socket.socketpair")
    def _():
        def once():
            a, b = _socket.socketpair()
            c = a.dup()
            d = _socket.fromfd(b.fileno(), _socket.AF_UNIX,
                               _socket.SOCK_STREAM)
            for s in (a, b, c, d):
                s.close()
            expect(_socket.error, _socket.fromfd, -1, 1, 1)
        yield once

    @op("c.timeouts-and-signals", "_socket.timeout")
    def _():
        a, b = _socket.socketpair()
        a.settimeout(0.001)

        def interrupted(signum, frame):
            raise KeyboardInterrupt

        def once():
            expect(_socket.timeout, a.recv, 1)
            previous = signal.signal(signal.SIGALRM, interrupted)
            b.settimeout(None)
            signal.setitimer(signal.ITIMER_REAL, 0.002, 0.01)
            try:
                expect(KeyboardInterrupt, b.recv, 1)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0, 0)
                signal.signal(signal.SIGALRM, previous)
        yield once
        a.close()
        b.close()


# -- _socket: module functions ----------------------------------------------

def module_ops():
    import _socket
    M = "_socket."

    @op("resolver", M + "getaddrinfo", M + "getnameinfo", M + "gethostbyname",
        M + "gethostbyname_ex", M + "gethostbyaddr", M + "gethostname",
        M + "gaierror", M + "herror")
    def _():
        def once():
            # Loopback and numeric forms only: nothing leaves this machine.
            _socket.getaddrinfo("127.0.0.1", 80, 0, _socket.SOCK_STREAM)
            _socket.getaddrinfo("::1", "80", _socket.AF_INET6, 0, 0,
                                _socket.AI_NUMERICHOST)
            expect(_socket.gaierror, _socket.getaddrinfo, "not numeric", 80,
                   0, 0, 0, _socket.AI_NUMERICHOST)
            _socket.getnameinfo(("127.0.0.1", 80), _socket.NI_NUMERICHOST)
            _socket.getnameinfo(("127.0.0.1", 80), 0)
            expect(TypeError, _socket.getnameinfo, "x", 0)
            _socket.gethostbyname("127.0.0.1")
            _socket.gethostbyname("localhost")
            _socket.gethostbyname_ex("localhost")
            _socket.gethostbyaddr("127.0.0.1")
            _socket.gethostname()
        yield once

    @op("services", M + "getservbyname", M + "getservbyport",
        M + "getprotobyname")
    def _():
        def once():
            _socket.getservbyname("http", "tcp")
            _socket.getservbyport(80)
            expect(_socket.error, _socket.getservbyname, "no-such-service")
            expect(OverflowError, _socket.getservbyport, 70000)
            _socket.getprotobyname("tcp")
            expect(_socket.error, _socket.getprotobyname, "no-such-proto")
        yield once

    @op("inet-conversions", M + "inet_aton", M + "inet_ntoa", M + "inet_pton",
        M + "inet_ntop", M + "htons", M + "htonl", M + "ntohs", M + "ntohl")
    def _():
        def once():
            _socket.inet_ntoa(_socket.inet_aton("127.0.0.1"))
            expect(_socket.error, _socket.inet_aton, "x")
            packed = _socket.inet_pton(_socket.AF_INET6, "::1")
            _socket.inet_ntop(_socket.AF_INET6, packed)
            expect(ValueError, _socket.inet_ntop, _socket.AF_INET, b"12345")
            expect(_socket.error, _socket.inet_pton, _socket.AF_INET, "x")
            _socket.htons(80)
            _socket.ntohs(80)
            _socket.htonl(80)
            _socket.ntohl(80)
            expect(OverflowError, _socket.htons, 1 << 40)
        yield once


# -- _socket: ssl() and SSL objects, against a real TLS server ---------------

def ssl_ops():
    import _socket
    import socket
    L = "_socket.SSL."

    @op("ssl", "_socket.ssl", "_socket.SSL", L + "write", L + "read",
        L + "server", L + "issuer", L + "pending", L + "cipher",
        L + "peer_certificate", "_socket.sslerror", "_socket.RAND_add",
        "_socket.RAND_status", "socket.meth", loops=6)
    def _():
        peer = tls_peer()
        address = ("127.0.0.1", peer["port"])

        def connect():
            # a generous timeout: a stuck handshake fails, never hangs
            return socket.create_connection(address, 30)

        def once():
            s = connect()
            # verified (cafile, server_hostname): the certificate comes
            # back as a dict
            tls = socket.ssl(s, None, None, peer["ca"], "127.0.0.1")
            socket.meth("getpeername", s)
            tls.write(b"GET / HTTP/1.0\r\n\r\n")
            tls.read(4)
            tls.pending()
            tls.read()
            (tls.server(), tls.issuer(), tls.cipher())
            tls.peer_certificate()
            tls.peer_certificate(True)
            expect(ValueError, tls.read, -1)
            s.close()
            expect(socket.error, tls.write, b"late")   # EBADF
            # unverified, on the C socket, as 2.x's (on 3.x the socket
            # object is one)
            s = connect()
            tls = _socket.ssl(getattr(s, "_sock", s))
            tls.peer_certificate()
            tls.write(b"GET / HTTP/1.0\r\n\r\n")
            tls.read()
            s.close()
            # a chain from another CA: the handshake fails
            s = connect()
            expect(socket.sslerror, socket.ssl, s, None, None,
                   peer["other_ca"])
            s.close()
            s = connect()
            expect(ValueError, socket.ssl, s, "key-without-cert.pem")
            expect((IOError, OSError), socket.ssl, s, None,
                   os.path.join(tempdir(), "missing.pem"))
            s.close()
            socket.RAND_add(b"refleak", 0.0)
            socket.RAND_status()
            expect(TypeError, socket.RAND_add, 5, 0.0)
        yield once


# -- socket.py: the 2.7-style socket object and file object ------------------

def socketobject_ops():
    import socket
    import _socket
    S = "_socket._socketobject."
    # Python 2.7's socket objects, which stay importable on 3.x too, where
    # socket.socket is the 3.x class (py3_socket_ops).
    SO = socket._socketobject

    def pair():
        return tuple(SO(_sock=c) for c in _socket.socketpair())
    plain = () if sys.version_info[0] >= 3 else ("socket.socket",
                                                  "socket.SocketType")

    @op("object.create-close", *plain + ("_socket._socketobject", S + "close", S + "fileno", S + "family",
        S + "type", S + "proto", S + "_sock", S + "__enter__", S + "__exit__",
        S + "_files", "_socket._closedsocket", "socket._socketobject"))
    def _():
        def once():
            s = SO()
            (s.family, s.type, s.proto, s._sock, s._files)
            s.fileno()
            with SO(socket.AF_INET6, socket.SOCK_DGRAM) as t:
                t.fileno()
            s.close()
            expect(socket.error, s.recv, 1)
            expect(socket.error, s.fileno)
            w = SO(_sock=_socket.socket())
            w._sock = _socket.socket()
            w.close()
        yield once

    @op("object.connect-accept", S + "bind", S + "listen", S + "accept",
        S + "connect", S + "connect_ex", S + "getsockname", S + "getpeername",
        S + "dup", "socket.create_connection", "socket.fromfd",
        "socket.socketpair")
    def _():
        srv = SO()
        srv.bind(("127.0.0.1", 0))
        srv.listen(5)
        addr = srv.getsockname()

        def once():
            c = socket.create_connection(addr, 5)
            s, _ = srv.accept()
            c.getpeername()
            d = s.dup()
            d.close()
            s.close()
            c.close()
            c = SO()
            c.connect(addr)
            srv.accept()[0].close()
            c.close()
            c = SO()
            c.connect_ex(("127.0.0.1", addr[1]))
            srv.accept()[0].close()
            c.close()
            c = SO()
            c.bind("127.0.0.1", 0)           # the 1998 form
            c.close()
            a, b = socket.socketpair()
            f = socket.fromfd(a.fileno(), socket.AF_UNIX, socket.SOCK_STREAM)
            for x in (a, b, f):
                x.close()
            expect(socket.error, socket.create_connection,
                   ("127.0.0.1", 1), 5)
        yield once
        srv.close()

    @op("object.data", S + "send", S + "recv", S + "sendall", S + "recv_into",
        S + "sendto", S + "recvfrom", S + "recvfrom_into", S + "shutdown",
        S + "settimeout", S + "gettimeout", S + "setblocking",
        S + "setsockopt", S + "getsockopt")
    def _():
        a, b = pair()
        u = SO(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind(("127.0.0.1", 0))
        dest = u.getsockname()
        buf = bytearray(64)

        def once():
            a.send(b"ping")
            b.recv(16)
            a.sendall(b"y" * 300)
            while b.recv_into(buf) == 64:
                pass
            u.sendto(b"dgram", dest)
            u.recvfrom(16)
            u.sendto(b"dgram", dest)
            u.recvfrom_into(buf, 10)
            a.settimeout(1.0)
            a.gettimeout()
            a.setblocking(1)
            a.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536)
            a.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
            expect(TypeError, a.sendall, 5)
            c, d = socket.socketpair()
            c.shutdown(socket.SHUT_WR)
            d.recv(1)
            c.close()
            d.close()
        yield once
        for s in (a, b, u):
            s.close()

    @op("makefile", S + "makefile", "socket._fileobject",
        "_socket._fileobject", "_socket._fileobject.read",
        "_socket._fileobject.readline", "_socket._fileobject.readlines",
        "_socket._fileobject.write", "_socket._fileobject.writelines",
        "_socket._fileobject.flush", "_socket._fileobject.close",
        "_socket._fileobject.fileno", "_socket._fileobject.closed",
        "_socket._fileobject.__iter__", "_socket._fileobject.next",
        "_socket._fileobject.__next__", "_socket._fileobject.readinto",
        "_socket._fileobject.__enter__", "_socket._fileobject.__exit__",
        "_socket._fileobject._sock", "_socket._fileobject.bufsize",
        "_socket._fileobject.mode", "_socket._fileobject.softspace")
    def _():
        # makefile() on one long-lived socket object, as a server that
        # serves many requests on one connection does.
        a, b = pair()

        def once():
            w = a.makefile("wb")
            r = b.makefile("rb")
            w.write(b"one\ntwo\n")
            w.writelines([b"three\n", b"four"])
            w.flush()
            w.fileno()
            r.readline()
            r.read(4)
            next(iter(r))
            w.write(b"\n")
            w.flush()
            r.readlines(4)
            w.write(b"12345")
            w.flush()
            r.readinto(bytearray(5))
            (r._sock, r.bufsize, r.mode, r.softspace)
            with w:
                w.closed
            r.close()
            expect(ValueError, r.read)
        yield once
        a.close()
        b.close()

    @op("fileobject.direct", "socket._fileobject")
    def _():
        # A _fileobject over a socket it closes, made and dropped whole.
        def once():
            a, b = pair()
            f = socket._fileobject(b, "rb", 0, True)
            a.sendall(b"line\n")
            f.readline()
            a.close()
            f.read()
            f.close()
        yield once


def getfqdn_ops():
    import socket

    @op("getfqdn", "socket.getfqdn")
    def _():
        def once():
            socket.getfqdn("127.0.0.1")   # /etc/hosts: no lookup leaves
        yield once


def py3_socket_ops():
    """Python 3's socket module (Lib/_socket3.py over our _socket)."""
    if sys.version_info[0] < 3:
        return
    import array
    import io
    import socket
    import _socket
    S = "socket.socket."
    C = "_socket.socket."

    @op("py3.create-close", "socket.socket", "socket.SocketType",
        S + "__repr__", S + "detach", S + "dup", S + "listen",
        S + "get_inheritable", S + "set_inheritable", S + "getblocking",
        "socket.close", "socket.dup", "_socket.close", "_socket.dup",
        C + "detach", "socket.AddressFamily", "socket.SocketKind")
    def _():
        def once():
            with socket.socket() as s:
                repr(s)
                (s.family, s.type, s.getblocking())
                s.set_inheritable(True)
                s.get_inheritable()
                d = s.dup()
                d.close()
                s.bind(("127.0.0.1", 0))
                s.listen()
            fd = socket.socket(type=socket.SOCK_DGRAM).detach()
            t = socket.socket(fileno=socket.dup(fd))  # family, type from fd
            t.close()
            socket.close(fd)
            fd = _socket.socket().detach()
            _socket.close(_socket.dup(fd))
            _socket.close(fd)
            expect(OSError, socket.close, -1)
            expect(ValueError, socket.socket, fileno=-2)
        yield once

    @op("py3.makefile-sendfile", S + "makefile", S + "sendfile",
        "socket.SocketIO", "socket._GiveupOnSendfile")
    def _():
        # one long-lived pair, as a keep-alive server has
        a, b = socket.socketpair()
        path = os.path.join(tempdir(), "sendfile.dat")
        with open(path, "wb") as f:
            f.write(b"x" * 5000)

        def once():
            w = a.makefile("wb")
            r = b.makefile("rb")
            w.write(b"one\ntwo\n")
            w.flush()
            r.readline()
            r.readline()
            w.write(b"three\n")
            w.flush()
            t = b.makefile("r", encoding="latin-1", newline="")
            t.readline()
            t.close()
            raw = socket.SocketIO(a, "rw")
            raw.write(b"abc")
            b.recv(3)
            raw.close()
            w.close()
            r.close()
            with open(path, "rb") as f:
                a.sendfile(f)
            a.sendfile(io.BytesIO(b"y" * 100))  # no fileno: send() instead
            got = 0
            while got < 5100:
                got += len(b.recv(8192))
        yield once
        a.close()
        b.close()

    @op("py3.sendmsg-recvmsg", C + "sendmsg", C + "recvmsg",
        C + "recvmsg_into", C + "sendmsg_afalg", "socket.CMSG_LEN",
        "socket.CMSG_SPACE",
        "_socket.CMSG_LEN", "_socket.CMSG_SPACE", "socket.send_fds",
        "socket.recv_fds", "socket.MsgFlag")
    def _():
        a, b = socket.socketpair()
        buf = bytearray(16)
        one, u = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
        alg = socket.socket(socket.AF_ALG, socket.SOCK_SEQPACKET, 0,
                            fileno=one.detach())

        def once():
            r, w = os.pipe()
            a.sendmsg([b"fd"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                                 array.array("i", [r]).tobytes())])
            data, ancdata, flags, _ = b.recvmsg(16, socket.CMSG_SPACE(4))
            for level, kind, item in ancdata:
                os.close(array.array("i", item)[0])
            socket.send_fds(a, [b"fds"], [r, w])
            msg, fds, flags, _ = socket.recv_fds(b, 16, 2)
            for fd in fds:
                os.close(fd)
            a.sendmsg([b"into"])
            b.recvmsg_into([buf])
            # an AF_UNIX socket taken as AF_ALG (this kernel may have no
            # AF_ALG): the SOL_ALG items pass, the data path runs
            alg.sendmsg_afalg([b"alg"], op=socket.ALG_OP_ENCRYPT,
                              iv=b"0123456789abcdef", assoclen=0)
            u.recv(16)
            expect(TypeError, alg.sendmsg_afalg, [b"x"], op="x")
            socket.MsgFlag(socket.MSG_PEEK)
            socket.CMSG_LEN(4)
            os.close(r)
            os.close(w)
            expect(TypeError, a.sendmsg, 5)
            expect(OverflowError, socket.CMSG_LEN, -1)
        yield once
        for x in (a, b, alg, u):
            x.close()

    @op("py3.linux-addresses", C + "bind", C + "sendto", C + "recvfrom",
        C + "getsockname")
    def _():
        # AF_PACKET over 'lo' (root only), AF_ALG on an AF_UNIX socket
        # taken as one (the conversion runs, the kernel refuses), AF_VSOCK
        # where the kernel has it: the conversions' success and error paths
        def sock(*args):
            try:
                return socket.socket(*args)
            except OSError:
                return None
        pk = sock(socket.AF_PACKET, socket.SOCK_DGRAM,
                  socket.htons(0x88b5))
        pw = sock(socket.AF_PACKET, socket.SOCK_DGRAM, 0)
        one = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        alg = socket.socket(socket.AF_ALG, socket.SOCK_SEQPACKET, 0,
                            fileno=one.detach())
        vs = sock(socket.AF_VSOCK, socket.SOCK_STREAM)
        if pk is not None:
            pk.bind(("lo", 0x88b5))
            pk.settimeout(10)

        def once():
            if pk is not None and pw is not None:
                pw.sendto(b"leak", ("lo", 0x88b5, 0, 0, b"\0" * 6))
                pk.recvfrom(64)
                pk.getsockname()
                expect(OSError, pw.bind, ("nosuch0", 0))
                expect(ValueError, pw.bind, ("lo", 0, 0, 0, b"123456789"))
                expect(TypeError, pw.bind, ("lo", 0, 0, 0, "ab"))
                expect(OverflowError, pw.sendto, b"x", ("lo", 0, 2**31))
                expect(ValueError, pw.bind, ("lo\0", 0))
                expect(TypeError, pw.bind, (b"lo", 0))
            expect(OSError, alg.bind, ("hash", "sha256", 1, 2))
            expect(ValueError, alg.bind, ("hash", "n" * 64))
            expect(ValueError, alg.bind, ("h" * 14, "x"))
            expect(TypeError, alg.bind, ("hash", "x", 1.0))
            expect(ValueError, alg.bind, ("hash", "x\0"))
            if vs is not None:
                vs.getsockname()
                expect(TypeError, vs.bind, (1, "x"))
                expect(TypeError, vs.bind, (1, 2, 3))
        try:
            yield once
        finally:    # measure() closes the generator at its yield
            for x in (pk, pw, alg, vs):
                if x is not None:
                    x.close()

    @op("py3.create-server-getaddrinfo", "socket.create_server",
        "socket.has_dualstack_ipv6", "socket.getaddrinfo",
        "socket.AddressInfo")
    def _():
        def once():
            srv = socket.create_server(("127.0.0.1", 0))
            c = socket.create_connection(srv.getsockname(), 5)
            s, _ = srv.accept()
            for x in (s, c, srv):
                x.close()
            socket.has_dualstack_ipv6()
            socket.getaddrinfo("127.0.0.1", 80, flags=socket.AI_NUMERICHOST)
        yield once

    @op("py3.interfaces", "socket.if_nameindex", "socket.if_nametoindex",
        "socket.if_indextoname", "socket.sethostname",
        "_socket.if_nameindex", "_socket.if_nametoindex",
        "_socket.if_indextoname", "_socket.sethostname")
    def _():
        def once():
            for index, name in socket.if_nameindex():
                socket.if_nametoindex(name)
                socket.if_indextoname(index)
            expect(OSError, socket.if_nametoindex, "no-such-if0")
            # only the failing call: a root run must not rename the host
            expect(OSError, socket.sethostname, "x" * 300)
            expect(TypeError, socket.sethostname, 5)
        yield once


# -- mactcp -------------------------------------------------------------------

def mactcp_ops():
    import mactcp
    T = "mactcp.TCPStream."
    U = "mactcp.UDPStream."

    def pair(size=8192):
        server = mactcp.TCPCreate(size)
        server.PassiveOpen(0)
        client = mactcp.TCPCreate(size)
        client.ActiveOpen(0, LOOPBACK, server.GetSockName()[1])
        server.wait()
        return server, client

    @op("mactcp.interface", "mactcp.MTU", "mactcp.IPAddr", "mactcp.NetMask",
        "mactcp.error")
    def _():
        def once():
            mactcp.MTU()
            mactcp.IPAddr()
            mactcp.NetMask()
            expect(mactcp.error, mactcp.TCPCreate, 100)
        yield once

    @op("mactcp.create-delete", "mactcp.TCPCreate", "mactcp.UDPCreate",
        "mactcp.TCPStream", "mactcp.UDPStream")
    def _():
        # The driver thread starts with the first stream and stops with the
        # last, every iteration.
        def once():
            t = mactcp.TCPCreate(4096)
            u = mactcp.UDPCreate(4096, 0)
            del t, u
            expect(TypeError, mactcp.TCPCreate, "x")
            expect(OverflowError, mactcp.TCPCreate, 2 ** 64)
        yield once

    @op("mactcp.tcp-open-close", T + "PassiveOpen", T + "ActiveOpen",
        T + "wait", T + "isdone", T + "GetSockName", T + "Close",
        T + "Abort", T + "Status", "mactcp.TCPStatus")
    def _():
        anchor = mactcp.TCPCreate(4096)   # keeps the driver up

        def once():
            server, client = pair()
            server.isdone()
            client.GetSockName()
            status = client.Status()
            (status.remoteHost, status.connectionState, status.srtt)
            client.Close()
            server.Close()
            expect(mactcp.error, client.Send, b"late")
            other, peer = pair()
            other.Abort()
            expect(mactcp.error, other.Abort)
            del peer
            refused = mactcp.TCPCreate(4096)
            refused.PassiveOpen(0)
            port = refused.GetSockName()[1]
            refused.Close()
            expect(mactcp.error, refused.wait)
            expect(mactcp.error, refused.ActiveOpen, 0, LOOPBACK, port)
        yield once
        del anchor

    @op("mactcp.tcp-data", T + "Send", T + "Rcv")
    def _():
        server, client = pair()

        def once():
            client.Send(b"hello")
            server.Rcv(5)
            client.Send(b"!", 0, 1)       # urgent
            server.Rcv(5)
            expect(mactcp.error, server.Rcv, 0.001)   # commandTimeout
            expect(ValueError, server.Rcv, float("nan"))  # (<= 0: forever)
            expect(mactcp.error, client.Send, b"")
        yield once
        server = client = None

    @op("mactcp.asr", T + "asr", U + "asr")
    def _():
        server, client = pair()
        events = []

        def asr(*args):
            events.append(args)

        def raising(*args):
            raise ZeroDivisionError("asr")

        def once():
            del events[:]
            server.asr = asr
            client.Send(b"x")
            wait_for(lambda: events)
            server.Rcv(1)
            server.asr = raising
            # The asr's exception comes out wherever the main thread is
            # when it runs (in Send, or while waiting).
            try:
                client.Send(b"y")
                wait_for(lambda: False, 2.0)
            except ZeroDivisionError:
                pass
            except AssertionError:
                raise AssertionError("the asr's exception was not raised")
            server.asr = None
            server.Rcv(1)
            expect(TypeError, setattr, server, "asr", 5)
        yield once
        server.asr = None
        server = client = None

    @op("mactcp.udp", U + "Read", U + "Write", U + "port")
    def _():
        one = mactcp.UDPCreate(4096, 0)
        two = mactcp.UDPCreate(4096, 0)

        def once():
            one.Write(LOOPBACK, two.port, b"datagram")
            two.Read(5)
            expect(mactcp.error, two.Read, 0.001)
            expect(ValueError, two.Read, float("nan"))  # (<= 0: forever)
            expect(TypeError, one.Write, LOOPBACK, two.port, 5)
        yield once
        one = two = None


# -- macdnr -------------------------------------------------------------------

def macdnr_ops():
    import macdnr
    D = "macdnr."
    R = "macdnr.DNRResult."

    def hosts(name, text):
        path = os.path.join(tempdir(), name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def closed():
        try:
            macdnr.Close()
        except macdnr.error:
            pass

    @op("macdnr.open-close-cache", D + "Open", D + "Close", D + "StrToAddr",
        D + "AddrToStr", D + "error", "macdnr.DNRResult", R + "isdone",
        R + "wait", R + "rtnCode", R + "cname", R + "ip0", R + "ip1",
        R + "ip2", R + "ip3", module="macdnr")
    def _():
        # Names from the Hosts file and dotted quads: no server is asked.
        local = hosts("Hosts.local", ";macdnr domain pundit.edu\n"
                                     "homer     A      192.0.2.7\n"
                                     "mailhost  CNAME  homer\n")
        bad = hosts("Hosts.bad", "homer A not-an-address\n")
        missing = os.path.join(tempdir(), "no-such-Hosts")
        closed()

        def once():
            macdnr.Open(local)
            expect(macdnr.error, macdnr.Open, local)     # already open
            r = macdnr.StrToAddr("homer")
            r.isdone()
            r.wait()
            (r.rtnCode, r.cname, r.ip0, r.ip1, r.ip2, r.ip3)
            expect(AttributeError, getattr, r, "cpuType")
            macdnr.StrToAddr("mailhost.pundit.edu.").wait()
            macdnr.StrToAddr(b"010.0.0.1").cname
            expect(macdnr.error, macdnr.StrToAddr, "1.2.3")  # nameSyntaxErr
            expect(macdnr.error, macdnr.StrToAddr, "bad..name")
            expect(macdnr.error, macdnr.StrToAddr, "elsewhere.org.")
            expect(macdnr.error, macdnr.AddrToName, LOOPBACK)  # noNameServer
            expect(macdnr.error, macdnr.HInfo, "homer")
            expect(macdnr.error, macdnr.MXInfo, "homer")
            expect(TypeError, macdnr.StrToAddr, 5)
            macdnr.AddrToStr(LOOPBACK)
            macdnr.AddrToStr(-1)
            expect(OverflowError, macdnr.AddrToStr, 2 ** 40)
            macdnr.Close()
            expect(macdnr.error, macdnr.Close)           # notOpenErr
            expect(macdnr.error, macdnr.Open, missing)   # fnfErr
            expect(macdnr.error, macdnr.Open, bad)       # nameSyntaxErr
            # the system's configuration, explicitly and implicitly
            macdnr.Open()
            macdnr.Close()
            macdnr.AddrToStr(LOOPBACK)
            macdnr.StrToAddr("127.0.0.1").wait()
            macdnr.Close()
        yield once
        closed()

    @op("macdnr.server-queries", D + "AddrToName", D + "HInfo", D + "MXInfo",
        R + "cpuType", R + "osType", R + "preference", R + "exchange",
        module="macdnr", loops=6)
    def _():
        # Against dnsmasq: each iteration opens the resolver, which starts
        # its thread with the first query, and closes it (joining it).
        dns = dns_peer()
        served = hosts("Hosts.dns", dns["support"].hosts_text(
            [dns["port"]], timeout=10, attempts=3))
        closed()

        def once():
            macdnr.Open(served)
            r = macdnr.StrToAddr("www")
            r.isdone()
            r.wait()
            r.ip0
            a = macdnr.AddrToName(0xC000020A)       # 192.0.2.10
            a.wait()
            (a.cname, a.ip0)
            h = macdnr.HInfo("www")
            h.wait()
            (h.rtnCode, h.cname, h.cpuType, h.osType)
            m = macdnr.MXInfo("mail")
            m.wait()
            (m.preference, m.exchange)
            expect(AttributeError, getattr, m, "ip0")
            expect(macdnr.error, macdnr.StrToAddr("nosuch").wait)  # NXDOMAIN
            expect(macdnr.error, macdnr.MXInfo("www").wait)        # NODATA
            expect(macdnr.error, macdnr.HInfo("mail").wait)
            macdnr.StrToAddr("big").wait()           # truncated, then TCP
            macdnr.MXInfo("bigmx").exchange          # the implicit wait
            macdnr.Close()
        yield once
        closed()

    @op("macdnr.no-answer", module="macdnr", loops=6)
    def _():
        # A server that never answers: noAnsErr after a short timeout, and
        # a query still in flight ended by Close() (notOpenErr).
        dns = dns_peer()
        silent = dns["support"].SilentServer()
        quiet = hosts("Hosts.quiet", dns["support"].hosts_text(
            [silent.port], timeout=0.05, attempts=1))
        closed()

        def once():
            macdnr.Open(quiet)
            r = macdnr.StrToAddr("www")
            expect(macdnr.error, r.wait)                # noAnsErr
            r.rtnCode
            pending = macdnr.HInfo("www")
            pending.isdone()
            macdnr.Close()
            expect(macdnr.error, pending.wait)          # notOpenErr
            pending.cpuType
        yield once
        closed()
        silent.close()


# -- the run ------------------------------------------------------------------

MODULES = [("_socket", [csock_ops, module_ops, ssl_ops]),
           ("socket", [socketobject_ops, getfqdn_ops, py3_socket_ops]),
           ("mactcp", [mactcp_ops]),
           ("macdnr", [macdnr_ops])]


def fd_count():
    return len(os.listdir("/proc/self/fd"))


def thread_count():
    """The process's threads, the C ones included (macdnr's resolver
    thread, mactcp's driver)."""
    return len(os.listdir("/proc/self/task"))


def counters():
    gc.collect()
    if hasattr(sys, "_clear_type_cache"):
        sys._clear_type_cache()
    refs = sys.gettotalrefcount() if hasattr(sys, "gettotalrefcount") else 0
    blocks = sys.getallocatedblocks() if hasattr(sys, "getallocatedblocks") \
        else 0
    return refs, blocks, fd_count(), thread_count()


def measure(entry):
    """Runs one operation; returns the growth per round of (refs, blocks,
    fds, threads), ROUNDS tuples."""
    gen = entry["function"]()
    once = next(gen)
    try:
        for _ in range(WARMUP):
            once()
        deltas = []
        for _ in range(ROUNDS):
            before = counters()
            for _ in range(entry["loops"]):
                once()
            after = counters()
            deltas.append(tuple(a - b for a, b in zip(after, before)))
        return deltas
    finally:
        # the code after the yield cleans up (closes the pair, the
        # listener): run it, as close() would skip it
        try:
            next(gen)
        except StopIteration:
            pass
        else:
            gen.close()


def grows(deltas, index):
    """Growth in every round: the counter follows the iterations."""
    return all(d[index] > 0 for d in deltas)


def check_ours(name, module):
    """The module guard: the module must be this tree's (Lib/) or the
    installed classicsocket's, never the interpreter's own."""
    path = getattr(module, "__file__", None)
    if not path:
        raise SystemExit("refleak: %s is built into this interpreter: run "
                         "with 'python -m classicsocket Tools/refleak.py'"
                         % name)
    path = os.path.realpath(path)
    allowed = [os.path.realpath(LIB)]
    try:
        import classicsocket
        allowed.append(os.path.dirname(os.path.realpath(
            classicsocket.__file__)))
    except ImportError:
        pass
    if os.path.dirname(path) not in allowed:
        raise SystemExit("refleak: %s is %s, not classicsocket's" % (name,
                                                                     path))
    return path


# Attributes of result objects that the type computes on access (so dir()
# does not show them): Doc/macdnr.rst's fields.
FIELDS = {"macdnr.DNRResult": ("rtnCode", "cname", "ip0", "ip1", "ip2",
                               "ip3", "cpuType", "osType", "preference",
                               "exchange")}


def hidden_types(name, module):
    """The types of a module's objects that the module does not export
    (_socket's SSL, macdnr's DNRResult), found among object's subclasses:
    name -> type."""
    prefixes = {"_socket": ("_socket", "socket")}.get(name, (name,))
    exported = [value for value in vars(module).values()
                if isinstance(value, type)]
    found = {}
    for cls in object.__subclasses__():
        if cls.__module__ in prefixes and not any(cls is value
                                                  for value in exported):
            found["%s.%s" % (name, cls.__name__)] = cls
    return found


HIDDEN = {}


def public_names(name, module):
    """The public operations of a module: its functions, classes and
    exceptions, the methods and attributes of its classes, and those of
    the types of its objects that it does not export."""
    found = set()
    for attr in dir(module):
        if attr.startswith("__"):
            continue
        value = getattr(module, attr)
        if isinstance(value, type) and issubclass(value, BaseException):
            found.add("%s.%s" % (name, attr))
            continue
        if not callable(value) or isinstance(value, type(sys)):
            continue
        if attr.startswith("_") and attr not in ("_socketobject",
                                                 "_fileobject",
                                                 "_closedsocket"):
            continue
        found.add("%s.%s" % (name, attr))
        if isinstance(value, type) and getattr(value, "__module__", "") in (
                name, "_socket", "mactcp", "macdnr"):
            for member in vars(value):
                if member.startswith("_") and member not in (
                        "__enter__", "__exit__", "__iter__", "__next__",
                        "_sock", "_files", "__repr__"):
                    continue
                if member in ("default_bufsize", "name"):
                    continue  # class data, not operations
                found.add("%s.%s.%s" % (name, attr, member))
    if name != "mactcp":        # mactcp's: stream_types()
        for label, cls in hidden_types(name, module).items():
            HIDDEN[label] = cls
            found.add(label)
            for member in dir(cls):
                if not member.startswith("_"):
                    found.add("%s.%s" % (label, member))
            for member in FIELDS.get(label, ()):
                found.add("%s.%s" % (label, member))
    return found


def resolve(name):
    """The object a dotted public name stands for (None if not found)."""
    parts = name.split(".")
    obj = sys.modules.get(parts[0])
    if ".".join(parts[:2]) in HIDDEN:
        obj = HIDDEN[".".join(parts[:2])]
        parts = parts[1:]
    for part in parts[1:]:
        if isinstance(obj, type) and part in vars(obj):
            obj = vars(obj)[part]
        else:
            obj = getattr(obj, part, None)
    return obj


def stream_types(mactcp):
    """The stream and status types, which the module does not export."""
    tcp = mactcp.TCPCreate(4096)
    udp = mactcp.UDPCreate(4096, 0)
    names = set()
    for obj, label in ((tcp, "TCPStream"), (udp, "UDPStream")):
        names.add("mactcp." + label)
        for member in dir(type(obj)):
            if not member.startswith("_"):
                names.add("mactcp.%s.%s" % (label, member))
    del tcp, udp
    names.add("mactcp.TCPStatus")
    return names


def main(argv=None):
    try:
        return run(argv)
    finally:
        while CLEANUPS:
            CLEANUPS.pop()()


def run(argv):
    global ROUNDS, LOOPS
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="operations whose name contains this")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("-v", "--verbose", action="store_true")
    options = parser.parse_args(argv)
    ROUNDS = options.rounds
    debug = hasattr(sys, "gettotalrefcount")
    print("refleak: %s %s" % (sys.executable, sys.version.split()[0]))
    if not debug:
        print("refleak: not a debug build: references are not counted, "
              "only %sdescriptors" % ("memory blocks and " if hasattr(
                  sys, "getallocatedblocks") else ""))
    status = 0
    covered = set()
    public = set()
    for module_name, registrars in MODULES:
        try:
            module = __import__(module_name)
        except ImportError as exc:
            print("refleak: module %s skipped: %s" % (module_name, exc))
            continue
        print("refleak: %s from %s" % (module_name,
                                       check_ours(module_name, module)))
        public |= public_names(module_name, module)
        if module_name == "mactcp":
            public |= stream_types(module)
        before = len(OPS)
        for registrar in registrars:
            registrar()
        for entry in OPS[before:]:
            entry["module"] = entry["module"] or module_name
    if options.list:
        for entry in OPS:
            print("%-32s %s" % (entry["name"], " ".join(entry["covers"])))
        return 0
    for entry in OPS:
        covered.update(entry["covers"])
    # Aliases are covered through their object: SocketType is socket, and
    # socket re-exports _socket's functions and exceptions, so one
    # operation covers both names.  Only the objects of names that an
    # operation lists count (a name covered as an alias does not cover
    # others in turn), and a name that resolves to nothing is no alias.
    covered_objects = [obj for obj in (resolve(name) for name in covered)
                       if obj is not None]

    def is_covered(name):
        if name in covered:
            return True
        if name.startswith("socket.") and "." in name[len("socket."):]:
            return True     # methods of _socket's types, seen there
        obj = resolve(name)
        return obj is not None and any(obj is o for o in covered_objects)
    missing = sorted(name for name in public if not is_covered(name))
    if missing:
        print("refleak: FAIL: public names no operation calls: %s"
              % ", ".join(missing))
        status = 1
    started = time.time()
    threads = threading.active_count(), thread_count()
    results = []
    for entry in OPS:
        if options.only and options.only not in entry["name"]:
            continue
        try:
            deltas = measure(entry)
        except Exception as exc:
            print("refleak: FAIL %s raised %s: %s" % (entry["name"],
                                                      type(exc).__name__, exc))
            status = 1
            continue
        leaks = [label for index, label in enumerate(("references", "blocks",
                                                      "descriptors",
                                                      "threads"))
                 if grows(deltas, index) and (index or debug)]
        known = KNOWN.get(entry["name"])
        if leaks and known:
            verdict = "grows (known: %s)" % known
        elif leaks:
            verdict = "LEAK"
            status = 1
        elif known and debug:
            verdict = "0 growth: now fixed, take it off KNOWN"
        else:
            verdict = "0 growth"
        results.append((entry["name"], deltas, leaks, verdict))
        line = "%-30s %s" % (entry["name"], verdict)
        if leaks or options.verbose:
            line += ("  refs %s blocks %s fds %s threads %s per %d "
                     "iterations" % tuple([[d[i] for d in deltas]
                                           for i in range(4)] +
                                          [entry["loops"]]))
        print(line)
        sys.stdout.flush()
    if threading.active_count() > threads[0] or thread_count() > threads[1]:
        print("refleak: FAIL: threads left running")
        status = 1
    grew = [r for r in results if r[2]]
    print("refleak: %d operations in %.0f s: %d without growth, %d growing "
          "(%d of them known)" % (len(results), time.time() - started,
                                  len(results) - len(grew), len(grew),
                                  len([r for r in grew if KNOWN.get(r[0])])))
    return status


if __name__ == "__main__":
    sys.exit(main())

"""Python 3: the standard library's network modules work with our socket in
place (issue 10): socketserver, http.server with urllib.request and
http.client, xmlrpc.server/client, smtplib, telnetlib (up to 3.12),
asyncio's streams and sock_* calls, logging's network handlers and
multiprocessing's connections, each against a real server on loopback, and
their timeouts reach the caller.  The servers run in threads of this
process (so both ends run on our module, which every test checks with
stdlib3_support.assert_ours), except one http.server run by a child
interpreter on the standard library's socket.  ftplib:
Tests/test_stdlib3_ftp.py; TLS (HTTPS, STARTTLS, FTP_TLS, asyncio's ssl=):
Tests/test_stdlib3_tls.py."""
from __future__ import print_function

import hashlib
import os
import sys
import threading
import time

import pytest

import support

if not support.PY3:
    pytest.skip("Python 3's standard library", allow_module_level=True)

import socket  # noqa: E402
import socketserver  # noqa: E402

from stdlib3_support import (SMTPServer, ThreadingServer,  # noqa: E402
                             assert_ours, serving)
import stdlib3_support  # noqa: E402
import tls_support  # noqa: E402

assert socket.socket.__module__ == "socket"
assert hasattr(socket, "_socketobject")     # Lib/socket.py, not the stdlib's

BIG = hashlib.sha512(b"classicsocket").digest() * 16384        # 1 MiB


# --- socketserver ---------------------------------------------------------

class Upper(socketserver.StreamRequestHandler):
    def handle(self):
        assert_ours(self.request)
        self.wfile.write(self.rfile.readline().upper())


def test_socketserver_threading_tcp():
    server = ThreadingServer(("127.0.0.1", 0), Upper)
    with serving(server) as address:
        for n in range(3):
            with socket.create_connection(address, timeout=30) as c:
                assert_ours(c)
                c.sendall(b"hello %d\n" % n)
                with c.makefile("rb") as f:
                    assert f.readline() == b"HELLO %d\n" % n
    assert server.accepted == [socket.socket] * 3


def test_socketserver_udp():
    class Reverse(socketserver.BaseRequestHandler):
        def handle(self):
            data, sock = self.request
            assert_ours(sock)
            sock.sendto(data[::-1], self.client_address)

    with serving(socketserver.UDPServer(("127.0.0.1", 0), Reverse)) as addr:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.settimeout(30)
            for payload in (b"abc", b"x" * 8000):
                u.sendto(payload, addr)
                assert u.recvfrom(9000) == (payload[::-1], addr)


def test_socketserver_unix_stream(tmpdir):
    path = str(tmpdir.join("sock"))

    class Server(socketserver.ThreadingUnixStreamServer):
        daemon_threads = False
        block_on_close = True

    with serving(Server(path, Upper)):
        with socket.socket(socket.AF_UNIX) as c:
            c.settimeout(30)
            c.connect(path)
            c.sendall(b"over a path\n")
            with c.makefile("rb") as f:
                assert f.readline() == b"OVER A PATH\n"
    os.unlink(path)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded")
def test_socketserver_forking_tcp():
    # The handler runs in a child process on the socket it inherited.
    class Server(socketserver.ForkingTCPServer):
        block_on_close = True

    class Pid(socketserver.StreamRequestHandler):
        def handle(self):
            assert_ours(self.request)
            self.wfile.write(b"%d %s" % (os.getpid(),
                                         self.rfile.readline().upper()))

    with serving(Server(("127.0.0.1", 0), Pid)) as address:
        with socket.create_connection(address, timeout=30) as c:
            c.sendall(b"forked\n")
            with c.makefile("rb") as f:
                pid, _, line = f.readline().partition(b" ")
    assert line == b"FORKED\n" and int(pid) != os.getpid()


# --- http.server, urllib.request, http.client ------------------------------

def _http_handler():
    import http.server

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"       # keep-alive

        def reply(self, body, status=200):
            self.send_response(status)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            assert_ours(self.connection)
            if self.path == "/big":
                self.reply(BIG)
            elif self.path == "/peer":
                self.reply(("%s:%d" % self.client_address[:2]).encode())
            else:
                self.reply(("you asked for %s" % self.path).encode())

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            self.reply(hashlib.sha256(body).hexdigest().encode(), 201)

        def log_message(self, *args):
            pass

    return Handler


def _http_server():
    import http.server
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             _http_handler())
    server.block_on_close = True
    server.daemon_threads = False
    return server


def test_http_server_and_urllib_request():
    import urllib.error
    import urllib.request
    with serving(_http_server()) as (host, port):
        base = "http://%s:%d" % (host, port)
        with urllib.request.urlopen(base + "/x?y=1", timeout=30) as reply:
            assert_ours(reply.fp.raw._sock)
            assert reply.status == 200
            assert reply.read() == b"you asked for /x?y=1"
        with urllib.request.urlopen(base + "/big", timeout=30) as reply:
            assert reply.headers["Content-Length"] == str(len(BIG))
            assert reply.read() == BIG
        request = urllib.request.Request(base + "/upload", data=BIG,
                                         method="POST")
        with urllib.request.urlopen(request, timeout=30) as reply:
            assert reply.status == 201
            assert reply.read() == hashlib.sha256(BIG).hexdigest().encode()
        # by name: localhost may give ::1 first, refused, then 127.0.0.1
        with urllib.request.urlopen("http://localhost:%d/n" % port,
                                    timeout=30) as reply:
            assert reply.read() == b"you asked for /n"


def test_http_client_keep_alive():
    import http.client
    with serving(_http_server()) as (host, port):
        conn = http.client.HTTPConnection(host, port, timeout=30)
        try:
            conn.request("GET", "/peer")
            first = conn.getresponse().read()
            sock = conn.sock
            assert_ours(sock)
            for path in ("/a", "/big", "/b"):
                conn.request("GET", path)
                reply = conn.getresponse()
                assert reply.version == 11 and not reply.will_close
                body = reply.read()
                assert body == (BIG if path == "/big"
                                else b"you asked for " + path.encode())
            conn.request("GET", "/peer")
            # one connection for all: the server saw the same client port
            assert conn.getresponse().read() == first
            assert conn.sock is sock
            assert first == ("%s:%d" % sock.getsockname()).encode()
        finally:
            conn.close()


def test_simple_http_request_handler_serves_files(tmpdir):
    import functools
    import http.server
    import urllib.error
    import urllib.request
    tmpdir.join("data.bin").write_binary(BIG)
    tmpdir.join("index.html").write_binary(b"<p>index</p>")
    handler = functools.partial(_QuietFiles, directory=str(tmpdir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.block_on_close = True
    server.daemon_threads = False
    with serving(server) as (host, port):
        base = "http://%s:%d/" % (host, port)
        with urllib.request.urlopen(base + "data.bin", timeout=30) as reply:
            assert reply.read() == BIG
        with urllib.request.urlopen(base, timeout=30) as reply:
            assert reply.read() == b"<p>index</p>"
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(base + "missing", timeout=30)
        assert info.value.code == 404
        info.value.close()


def _quiet_files():
    import http.server

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass
    return Quiet


_QuietFiles = _quiet_files()


def test_urllib_against_the_standard_librarys_http_server(tmpdir):
    # A child interpreter on the standard library's socket runs
    # `python -m http.server`; our client fetches a file from it.
    import urllib.request
    tmpdir.join("data.bin").write_binary(BIG)
    peer = tls_support.Child(
        [sys.executable, "-u", "-m", "http.server", "0", "--bind",
         "127.0.0.1", "--directory", str(tmpdir)], support.stdlib_env())
    try:
        line = peer.wait_for("Serving HTTP on 127.0.0.1 port ", 60)
        port = int(line.split()[5])
        url = "http://127.0.0.1:%d/data.bin" % port
        with urllib.request.urlopen(url, timeout=30) as reply:
            assert_ours(reply.fp.raw._sock)
            assert reply.read() == BIG
    finally:
        peer.close()


# --- xmlrpc ---------------------------------------------------------------

def test_xmlrpc():
    import xmlrpc.client
    import xmlrpc.server

    class Server(xmlrpc.server.SimpleXMLRPCServer):
        def get_request(self):
            conn, address = xmlrpc.server.SimpleXMLRPCServer.get_request(self)
            assert_ours(conn)
            return conn, address

    def fail(message):
        raise ValueError(message)

    server = Server(("127.0.0.1", 0), logRequests=False, allow_none=True)
    server.register_introspection_functions()
    server.register_multicall_functions()
    server.register_function(lambda a, b: a + b, "add")
    server.register_function(lambda blob: xmlrpc.client.Binary(
        hashlib.sha256(blob.data).digest()), "digest")
    server.register_function(fail, "fail")
    with serving(server) as (host, port):
        with xmlrpc.client.ServerProxy("http://%s:%d/" % (host, port),
                                       allow_none=True) as p:
            assert p.add(2, 3) == 5
            assert p.add("a", "b") == "ab"
            assert p.add([1], [None]) == [1, None]
            blob = xmlrpc.client.Binary(BIG[:300000])
            assert p.digest(blob).data == hashlib.sha256(blob.data).digest()
            assert "add" in p.system.listMethods()
            with pytest.raises(xmlrpc.client.Fault) as info:
                p.fail("on purpose")
            assert "on purpose" in info.value.faultString
            multi = xmlrpc.client.MultiCall(p)
            multi.add(1, 1)
            multi.add("x", "y")
            assert tuple(multi()) == (2, "xy")


# --- smtplib --------------------------------------------------------------

def test_smtplib():
    import email.message
    import smtplib
    server = SMTPServer(("127.0.0.1", 0), refused=["nowhere.invalid"])
    with serving(server) as (host, port):
        with smtplib.SMTP(host, port, timeout=30) as client:
            assert_ours(client.sock)
            code, _ = client.ehlo("client.example")
            assert code == 250 and client.has_extn("8bitmime")
            assert client.noop() == (250, b"ok")
            body = "Subject: hi\r\n\r\n.a line with a leading dot\r\nbody\r\n"
            assert client.sendmail("a@example.org", ["b@example.org"],
                                   body) == {}
            message = email.message.EmailMessage()
            message["From"] = "a@example.org"
            message["To"] = "c@example.org, d@nowhere.invalid"
            message["Subject"] = "second"
            message.set_content("x" * 99 + "\n", cte="7bit")
            message.set_payload(("x" * 99 + "\n") * 1000)
            refused = client.send_message(message)
            assert list(refused) == ["d@nowhere.invalid"]
            assert refused["d@nowhere.invalid"][0] == 550
            with pytest.raises(smtplib.SMTPRecipientsRefused):
                client.sendmail("a@example.org", ["e@nowhere.invalid"], "x")
    assert [m[:2] for m in server.messages] == [
        ("a@example.org", ["b@example.org"]),
        ("a@example.org", ["c@example.org"])]
    first, second = server.messages[0][2], server.messages[1][2]
    assert first == (b"Subject: hi\r\n\r\n.a line with a leading dot\r\n"
                     b"body\r\n")
    assert b"Subject: second\r\n" in second
    assert second.count(b"x" * 99 + b"\r\n") == 1000


# --- telnetlib ------------------------------------------------------------

IAC, DO, WONT, ECHO = b"\xff", b"\xfd", b"\xfc", b"\x01"


@pytest.mark.skipif(sys.version_info >= (3, 13), reason="telnetlib is gone")
def test_telnetlib():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import telnetlib
    answers = []

    class Login(socketserver.StreamRequestHandler):
        def handle(self):
            assert_ours(self.request)
            # An option request first: telnetlib refuses it by default.
            self.wfile.write(IAC + DO + ECHO)
            answers.append(self.rfile.read(3))
            self.wfile.write(b"login: ")
            name = self.rfile.readline().strip()
            self.wfile.write(b"welcome " + name + b"\r\n$ ")
            command = self.rfile.readline().strip()
            self.wfile.write(b"ran " + command + b"\r\nbye\r\n")

    with serving(ThreadingServer(("127.0.0.1", 0), Login)) as addr:
        with telnetlib.Telnet(addr[0], addr[1], timeout=30) as t:
            assert_ours(t.get_socket())
            assert t.read_until(b"login: ", 30) == b"login: "
            t.write(b"guest\n")
            index, match, text = t.expect([b"\\$ ", b"denied"], 30)
            assert index == 0 and text == b"welcome guest\r\n$ "
            t.write(b"ls\n")
            assert t.read_all() == b"ran ls\r\nbye\r\n"
    assert answers == [IAC + WONT + ECHO]


# --- asyncio streams ------------------------------------------------------

def test_asyncio_streams_tcp():
    import asyncio
    for host in ("127.0.0.1", "localhost"):
        echoed = asyncio.run(stdlib3_support.tcp_echo(host, BIG))
        assert echoed == BIG


def test_asyncio_streams_unix(tmpdir):
    import asyncio
    path = str(tmpdir.join("aio.sock"))
    assert asyncio.run(stdlib3_support.unix_echo(path, BIG)) == BIG


def test_asyncio_loop_sock_calls():
    import asyncio
    assert asyncio.run(stdlib3_support.loop_sock_calls(BIG)) == BIG


def test_asyncio_datagrams():
    import asyncio
    datagrams = [b"one", b"two", b"z" * 9000]
    replies = asyncio.run(stdlib3_support.udp_echo(datagrams))
    assert replies == [d.upper() for d in datagrams]


def test_asyncio_connection_refused():
    import asyncio
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))            # bound, not listening
        port = s.getsockname()[1]
        with pytest.raises(ConnectionRefusedError):
            asyncio.run(asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", port), 30))


# --- timeouts reach the callers -------------------------------------------

@pytest.fixture
def silent_server():
    """A listener that never accepts: connections complete in its backlog
    and then hear nothing."""
    with socket.create_server(("127.0.0.1", 0), backlog=16) as listener:
        yield listener.getsockname()


def _times_out(call, timeout):
    start = time.monotonic()
    try:
        call()
    except Exception as exc:        # the caller checks which
        elapsed = time.monotonic() - start
        assert timeout * 0.9 <= elapsed < timeout + 30
        return exc
    raise AssertionError("no timeout")


def test_timeouts_in_http_client_and_urllib(silent_server):
    import http.client
    import urllib.request
    host, port = silent_server
    conn = http.client.HTTPConnection(host, port, timeout=0.5)
    try:
        conn.request("GET", "/")
        assert_ours(conn.sock)
        exc = _times_out(conn.getresponse, 0.5)
        assert isinstance(exc, socket.timeout)
    finally:
        conn.close()
    exc = _times_out(lambda: urllib.request.urlopen(
        "http://%s:%d/" % (host, port), timeout=0.5), 0.5)
    assert isinstance(exc, socket.timeout)


def test_timeouts_in_ftplib_and_smtplib(silent_server):
    import ftplib
    import smtplib
    host, port = silent_server
    ftp = ftplib.FTP(timeout=0.5)
    try:
        exc = _times_out(lambda: ftp.connect(host, port), 0.5)
        assert isinstance(exc, socket.timeout)
    finally:
        ftp.close()
    exc = _times_out(lambda: smtplib.SMTP(host, port, timeout=0.5), 0.5)
    assert isinstance(exc, smtplib.SMTPServerDisconnected)
    assert "timed out" in str(exc)


def test_timeout_in_asyncio_read(silent_server):
    import asyncio
    host, port = silent_server
    exc = _times_out(lambda: asyncio.run(
        stdlib3_support.read_with_deadline(host, port, 0.5)), 0.5)
    assert isinstance(exc, asyncio.TimeoutError)


# --- multiprocessing.connection -------------------------------------------

@pytest.mark.parametrize("family", ["AF_INET", "AF_UNIX"])
def test_multiprocessing_connection(family):
    import multiprocessing.connection as mpc
    address = ("127.0.0.1", 0) if family == "AF_INET" else None
    with mpc.Listener(address, family=family, authkey=b"key") as listener:
        assert_ours(listener._listener._socket)
        results = []

        def serve():
            with listener.accept() as conn:
                results.append(conn.recv())
                conn.send_bytes(BIG)

        thread = threading.Thread(target=serve)
        thread.start()
        try:
            with mpc.Client(listener.address, family=family,
                            authkey=b"key") as client:
                client.send({"ask": "big"})
                assert client.poll(30)
                assert client.recv_bytes() == BIG
        finally:
            thread.join(60)
        assert not thread.is_alive() and results == [{"ask": "big"}]


def test_asyncio_sendfile(tmpdir):
    import asyncio
    path = tmpdir.join("file.bin")
    path.write_binary(BIG)
    sent, received = asyncio.run(stdlib3_support.sendfile_both_ways(
        str(path)))
    assert sent == [len(BIG), len(BIG)]
    assert received == [BIG, BIG]


@pytest.mark.skipif(sys.version_info < (3, 11),
                    reason="loop.sock_sendto() is 3.11's")
def test_asyncio_loop_datagram_calls():
    import asyncio
    datagrams = [b"a", b"bb" * 1000, b"", b"ccc"]
    got, sender = asyncio.run(stdlib3_support.loop_datagram_calls(datagrams))
    assert got == [(d, sender) for d in datagrams]


@pytest.mark.skipif(not socket.has_dualstack_ipv6(), reason="no dual stack")
def test_http_server_dual_stack():
    # As `python -m http.server` binds by default: one AF_INET6 socket
    # with IPV6_V6ONLY off takes IPv4 clients too.
    import http.server
    import urllib.request

    class DualStack(http.server.ThreadingHTTPServer):
        address_family = socket.AF_INET6
        block_on_close = True
        daemon_threads = False

        def server_bind(self):
            self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
            http.server.ThreadingHTTPServer.server_bind(self)

    server = DualStack(("::", 0), _http_handler())
    with serving(server) as address:
        port = address[1]
        for host in ("127.0.0.1", "[::1]"):
            url = "http://%s:%d/peer" % (host, port)
            with urllib.request.urlopen(url, timeout=30) as reply:
                peer = reply.read().decode()
            if host == "127.0.0.1":
                assert peer.startswith("::ffff:127.0.0.1:")
            else:
                assert peer.startswith("::1:")


# --- logging.handlers, multiprocessing.reduction --------------------------

def test_logging_socket_datagram_and_syslog_handlers(tmpdir):
    import logging
    import logging.handlers
    import pickle
    import struct
    records = []

    class Records(socketserver.StreamRequestHandler):
        # SocketHandler's framing: a 4-byte length, then a pickled dict.
        def handle(self):
            assert_ours(self.request)
            while True:
                header = self.rfile.read(4)
                if len(header) < 4:
                    return
                size = struct.unpack(">L", header)[0]
                records.append(pickle.loads(self.rfile.read(size))["msg"])

    logger = logging.getLogger("classicsocket.test_stdlib3")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    server = ThreadingServer(("127.0.0.1", 0), Records)
    with serving(server) as (host, port), \
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp, \
            socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as syslog:
        udp.bind(("127.0.0.1", 0))
        udp.settimeout(30)
        path = str(tmpdir.join("log"))
        syslog.bind(path)
        syslog.settimeout(30)
        handlers = [logging.handlers.SocketHandler(host, port),
                    logging.handlers.DatagramHandler(*udp.getsockname()),
                    logging.handlers.SysLogHandler(address=path)]
        for handler in handlers:
            logger.addHandler(handler)
        try:
            logger.info("first %d", 1)
            logger.warning("second")
            datagrams = [udp.recv(65536) for _ in range(2)]
            lines = [syslog.recv(65536) for _ in range(2)]
            assert_ours(handlers[0].sock)
            assert_ours(handlers[1].sock)
            assert_ours(handlers[2].socket)
            # Nothing answers the stream handler: wait for the server to
            # have accepted and read (shutting down first would drop the
            # connection still in its backlog).
            assert support.wait_until(lambda: len(records) == 2, 60)
        finally:
            for handler in handlers:
                logger.removeHandler(handler)
                handler.close()
    assert records == ["first 1", "second"]
    assert [pickle.loads(d[4:])["msg"] for d in datagrams] == ["first 1",
                                                               "second"]
    assert lines == [b"<14>first 1\x00", b"<12>second\x00"]


def test_multiprocessing_reduction_passes_descriptors():
    # sendfds()/recvfds() are sendmsg()/recvmsg() with SCM_RIGHTS on an
    # AF_UNIX socket: the descriptors of a socket pair go over another.
    import multiprocessing.reduction as reduction
    a, b = socket.socketpair()
    x, y = socket.socketpair()
    with a, b, x, y:
        assert_ours(a)
        reduction.sendfds(a, [x.fileno(), y.fileno()])
        fds = reduction.recvfds(b, 2)
        assert len(fds) == 2 and set(fds).isdisjoint([x.fileno(),
                                                      y.fileno()])
        with socket.socket(fileno=fds[0]) as x2, \
                socket.socket(fileno=fds[1]) as y2:
            assert_ours(x2)
            assert x2.family == socket.AF_UNIX
            x2.sendall(b"through a passed descriptor")
            assert y.recv(100) == b"through a passed descriptor"
            y2.sendall(b"and back")
            assert x.recv(100) == b"and back"

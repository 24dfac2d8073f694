"""Python 3: the standard library's network modules work with our socket in
place (issue 10): socketserver, http.server with urllib.request,
xmlrpc.server/client, smtplib, ftplib and telnetlib (up to 3.12), each
against a real server on loopback in this process (so both ends run on our
module).  asyncio's streams: Tests/test_asyncio.py."""
from __future__ import print_function

import contextlib
import sys
import threading

import pytest

import support

if not support.PY3:
    pytest.skip("Python 3's standard library", allow_module_level=True)

import socket  # noqa: E402
import socketserver  # noqa: E402

assert socket.socket.__module__ == "socket" and hasattr(socket, "_socketobject")


@contextlib.contextmanager
def serving(server):
    """Runs server.serve_forever() in a thread for the with-block."""
    thread = threading.Thread(target=server.serve_forever,
                              kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server.server_address
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


class LineHandler(socketserver.StreamRequestHandler):
    """A line-based dialogue: `dialogue` maps a command's first word to the
    reply line(s); QUIT ends it."""
    greeting = b""
    dialogue = {}

    def handle(self):
        self.wfile.write(self.greeting)
        for line in self.rfile:
            word = line.split(b" ", 1)[0].strip().upper()
            reply = self.dialogue.get(word)
            if callable(reply):
                reply = reply(self, line)
            self.wfile.write(reply or b"500 unknown\r\n")
            if word == b"QUIT":
                return


def test_socketserver_tcp_and_udp():
    class Upper(socketserver.StreamRequestHandler):
        def handle(self):
            self.wfile.write(self.rfile.readline().upper())

    class Echo(socketserver.BaseRequestHandler):
        def handle(self):
            data, sock = self.request
            sock.sendto(data[::-1], self.client_address)

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Upper)
    server.daemon_threads = False
    server.block_on_close = True
    with serving(server) as address:
        with socket.create_connection(address, timeout=20) as c:
            c.sendall(b"hello\n")
            with c.makefile("rb") as f:
                assert f.readline() == b"HELLO\n"
    with serving(socketserver.UDPServer(("127.0.0.1", 0), Echo)) as address:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.settimeout(20)
            u.sendto(b"abc", address)
            assert u.recvfrom(10) == (b"cba", address)


def test_http_server_and_urllib_request():
    import http.server
    import urllib.request

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = ("you asked for %s" % self.path).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.block_on_close = True
    server.daemon_threads = False
    with serving(server) as (host, port):
        url = "http://%s:%d/x?y=1" % (host, port)
        with urllib.request.urlopen(url, timeout=20) as reply:
            assert reply.status == 200
            assert reply.read() == b"you asked for /x?y=1"
        import http.client
        conn = http.client.HTTPConnection(host, port, timeout=20)
        conn.request("GET", "/again")
        assert conn.getresponse().read() == b"you asked for /again"
        conn.close()


def test_xmlrpc():
    import xmlrpc.client
    import xmlrpc.server

    server = xmlrpc.server.SimpleXMLRPCServer(("127.0.0.1", 0),
                                              logRequests=False)
    server.register_function(lambda a, b: a + b, "add")
    with serving(server) as (host, port):
        with xmlrpc.client.ServerProxy("http://%s:%d/" % (host, port)) as p:
            assert p.add(2, 3) == 5
            assert p.add("a", "b") == "ab"


def test_smtplib():
    import smtplib
    received = []

    def data(handler, line):
        handler.wfile.write(b"354 go ahead\r\n")
        lines = []
        for body in handler.rfile:
            if body == b".\r\n":
                break
            lines.append(body)
        received.append(b"".join(lines))
        return b"250 queued\r\n"

    class Smtp(LineHandler):
        greeting = b"220 test ESMTP\r\n"
        dialogue = {b"EHLO": b"250-test\r\n250 8BITMIME\r\n",
                    b"HELO": b"250 test\r\n", b"MAIL": b"250 ok\r\n",
                    b"RCPT": b"250 ok\r\n", b"DATA": data,
                    b"QUIT": b"221 bye\r\n", b"NOOP": b"250 ok\r\n"}

    with serving(socketserver.TCPServer(("127.0.0.1", 0), Smtp)) as addr:
        with smtplib.SMTP(addr[0], addr[1], timeout=20) as client:
            client.sendmail("a@example.org", ["b@example.org"],
                            "Subject: hi\r\n\r\nbody\r\n")
    assert received == [b"Subject: hi\r\n\r\nbody\r\n"]


def test_ftplib_passive_retrieve():
    import ftplib
    payload = bytes(range(256)) * 40

    def pasv(handler, line):
        handler.data_server = socket.create_server(("127.0.0.1", 0))
        port = handler.data_server.getsockname()[1]
        return ("227 Entering Passive Mode (127,0,0,1,%d,%d)\r\n"
                % (port >> 8, port & 255)).encode()

    def retr(handler, line):
        handler.wfile.write(b"150 here it comes\r\n")
        conn, _addr = handler.data_server.accept()
        handler.data_server.close()
        with conn:
            conn.sendall(payload)
        return b"226 done\r\n"

    class Ftp(LineHandler):
        greeting = b"220 test FTP\r\n"
        dialogue = {b"USER": b"331 password\r\n", b"PASS": b"230 in\r\n",
                    b"TYPE": b"200 ok\r\n", b"PASV": pasv, b"RETR": retr,
                    b"QUIT": b"221 bye\r\n"}

    with serving(socketserver.TCPServer(("127.0.0.1", 0), Ftp)) as addr:
        with ftplib.FTP(timeout=20) as ftp:
            ftp.connect(addr[0], addr[1])
            ftp.login("user", "secret")
            chunks = []
            ftp.retrbinary("RETR file", chunks.append)
            assert b"".join(chunks) == payload


@pytest.mark.skipif(sys.version_info >= (3, 13), reason="telnetlib is gone")
def test_telnetlib():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import telnetlib

    class Login(socketserver.StreamRequestHandler):
        def handle(self):
            self.wfile.write(b"login: ")
            name = self.rfile.readline().strip()
            self.wfile.write(b"welcome " + name + b"\r\n")

    with serving(socketserver.TCPServer(("127.0.0.1", 0), Login)) as addr:
        with telnetlib.Telnet(addr[0], addr[1], timeout=20) as t:
            assert t.read_until(b"login: ", 20) == b"login: "
            t.write(b"guest\n")
            assert t.read_until(b"\r\n", 20) == b"welcome guest\r\n"


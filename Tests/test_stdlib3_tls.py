"""Python 3: the standard library's TLS users on our socket (issue 10):
http.client.HTTPSConnection and urllib.request against an ssl-wrapped
http.server in a thread of this process and against `openssl s_server
-www`, smtplib's STARTTLS and ftplib's FTP_TLS against real servers on
socketserver in this process, and asyncio's streams with ssl= and
start_tls().  The certificates are made at run time by the openssl command
(Tests/tls_support.py's PKI: a test CA and a server certificate for
localhost and 127.0.0.1); every client verifies the chain with hostname
checking on."""
from __future__ import print_function

import hashlib
import io
import sys

import pytest

import support
import tls_support

if not support.PY3:
    pytest.skip("Python 3's standard library", allow_module_level=True)
if not tls_support.have_openssl():
    pytest.skip("no openssl command", allow_module_level=True)

import socket  # noqa: E402
import ssl  # noqa: E402

import stdlib3_support  # noqa: E402
from stdlib3_support import (FTPServer, FTPTLSHandler,  # noqa: E402
                             SMTPServer, assert_ours, serving)

BIG = hashlib.sha512(b"classicsocket tls").digest() * 8192     # 512 KiB


@pytest.fixture(scope="module")
def pki(tmpdir_factory):
    return tls_support.PKI(str(tmpdir_factory.mktemp("pki")))


def _server_context(pki, cert="server"):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(getattr(pki, cert), getattr(pki, cert + "_key"))
    return context


def _client_context(pki):
    context = ssl.create_default_context(cafile=pki.ca)
    assert context.check_hostname
    assert context.verify_mode == ssl.CERT_REQUIRED
    return context


# --- HTTPS ----------------------------------------------------------------

def _https_server(pki, cert="server"):
    import http.server

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def reply(self, body, status=200):
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            assert isinstance(self.connection, ssl.SSLSocket)
            assert_ours(self.connection)
            if self.path == "/big":
                self.reply(BIG)
            else:
                self.reply(("TLS %s for %s" % (self.connection.version(),
                                               self.path)).encode())

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            self.reply(hashlib.sha256(body).hexdigest().encode(), 201)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.block_on_close = True
    server.daemon_threads = False
    # Each connection is accepted and its handshake made by the listening
    # socket's accept(): ssl.SSLSocket over our socket class.
    server.socket = _server_context(pki, cert).wrap_socket(server.socket,
                                                           server_side=True)
    return server


def test_https_connection_to_an_ssl_wrapped_http_server(pki):
    import http.client
    with serving(_https_server(pki)) as (_host, port):
        conn = http.client.HTTPSConnection("localhost", port, timeout=30,
                                           context=_client_context(pki))
        try:
            conn.request("GET", "/first")
            reply = conn.getresponse()
            assert reply.status == 200
            assert reply.read().startswith(b"TLS TLSv1.")
            sock = conn.sock
            assert isinstance(sock, ssl.SSLSocket)
            assert_ours(sock)
            assert dict(p[0] for p in sock.getpeercert()["subject"]) == {
                "organizationName": "classicsocket", "commonName": "localhost"}
            conn.request("GET", "/big")
            assert conn.getresponse().read() == BIG
            conn.request("POST", "/up", body=BIG)
            reply = conn.getresponse()
            assert reply.status == 201
            assert reply.read() == hashlib.sha256(BIG).hexdigest().encode()
            assert conn.sock is sock            # kept alive throughout
        finally:
            conn.close()


def test_urlopen_https(pki):
    import urllib.request
    with serving(_https_server(pki)) as (_host, port):
        url = "https://localhost:%d/big" % port
        with urllib.request.urlopen(url, timeout=30,
                                    context=_client_context(pki)) as reply:
            assert_ours(reply.fp.raw._sock)
            assert reply.read() == BIG


def test_https_refuses_a_certificate_for_another_name(pki):
    import http.client
    # The server presents CN=sni.test, signed by the trusted CA.
    with serving(_https_server(pki, "sni")) as (_host, port):
        conn = http.client.HTTPSConnection("localhost", port, timeout=30,
                                           context=_client_context(pki))
        try:
            with pytest.raises(ssl.SSLCertVerificationError) as info:
                conn.request("GET", "/")
            assert "localhost" in str(info.value)
        finally:
            conn.close()


def test_https_connection_to_openssl_s_server(pki):
    import http.client
    import urllib.request
    server = tls_support.SServer(pki.server, pki.server_key, ["-www"])
    try:
        conn = http.client.HTTPSConnection("localhost", server.port,
                                           timeout=30,
                                           context=_client_context(pki))
        try:
            conn.request("GET", "/")
            assert_ours(conn.sock)
            with conn.getresponse() as reply:
                body = reply.read()
            assert reply.status == 200
            # s_server -www describes the session it served
            assert b"Protocol  : TLSv1." in body
        finally:
            conn.close()
        with urllib.request.urlopen("https://localhost:%d/" % server.port,
                                    timeout=30,
                                    context=_client_context(pki)) as reply:
            assert reply.status == 200 and b"Cipher" in reply.read()
    finally:
        server.close()


# --- smtplib STARTTLS -----------------------------------------------------

def test_smtplib_starttls(pki):
    import smtplib
    server = SMTPServer(("127.0.0.1", 0), tls_context=_server_context(pki))
    with serving(server) as (_host, port):
        with smtplib.SMTP("localhost", port, timeout=30) as client:
            client.ehlo()
            assert client.has_extn("starttls")
            assert client.starttls(context=_client_context(pki))[0] == 220
            assert isinstance(client.sock, ssl.SSLSocket)
            assert_ours(client.sock)
            client.ehlo()
            assert not client.has_extn("starttls")
            client.sendmail("a@example.org", ["b@example.org"],
                            b"Subject: secret\r\n\r\n" + b"y" * 70000)
    assert len(server.messages) == 1
    sender, recipients, data, over_tls = server.messages[0]
    assert over_tls and data.endswith(b"y" * 70000 + b"\r\n")


def test_smtplib_starttls_refuses_another_name(pki):
    import smtplib
    server = SMTPServer(("127.0.0.1", 0),
                        tls_context=_server_context(pki, "sni"))
    with serving(server) as (_host, port):
        with smtplib.SMTP("localhost", port, timeout=30) as client:
            with pytest.raises(ssl.SSLCertVerificationError):
                client.starttls(context=_client_context(pki))
            client.close()
    assert server.messages == []


# --- ftplib FTP_TLS -------------------------------------------------------

def test_ftplib_ftp_tls(pki):
    import ftplib
    payload = BIG + b"end"
    server = FTPServer(("127.0.0.1", 0), {"/f.bin": payload},
                       [("user", "secret")], handler=FTPTLSHandler,
                       tls_context=_server_context(pki))
    with serving(server) as (_host, port):
        with ftplib.FTP_TLS(context=_client_context(pki), timeout=30) as ftp:
            ftp.connect("localhost", port)
            ftp.login("user", "secret")         # AUTH TLS first
            assert isinstance(ftp.sock, ssl.SSLSocket)
            assert_ours(ftp.sock)
            ftp.prot_p()
            chunks = []
            ftp.retrbinary("RETR f.bin", chunks.append)
            assert b"".join(chunks) == payload
            ftp.storbinary("STOR g.bin", io.BytesIO(payload[::-1]))
            assert server.files["/g.bin"] == payload[::-1]
            ftp.prot_c()
            assert sorted(ftp.nlst()) == ["f.bin", "g.bin"]
    assert "TLS" in server.verbs
    assert [kind.__module__ for kind in server.data_sockets] == \
        ["ssl", "ssl", "socket"]


# --- asyncio with ssl= ----------------------------------------------------

def test_asyncio_streams_over_tls(pki):
    import asyncio
    echoed = asyncio.run(stdlib3_support.tcp_echo(
        "localhost", BIG, ssl_server=_server_context(pki),
        ssl_client=_client_context(pki)))
    assert echoed == BIG


def test_asyncio_tls_refuses_another_name(pki):
    import asyncio
    with pytest.raises(ssl.SSLCertVerificationError):
        asyncio.run(stdlib3_support.tcp_echo(
            "localhost", b"never sent", ssl_server=_server_context(pki, "sni"),
            ssl_client=_client_context(pki)))


@pytest.mark.skipif(sys.version_info < (3, 11),
                    reason="StreamWriter.start_tls() is 3.11's")
def test_asyncio_start_tls(pki):
    import asyncio
    echoed = asyncio.run(stdlib3_support.start_tls_echo(
        _server_context(pki), _client_context(pki), BIG))
    assert echoed == BIG


def test_socket_types_under_ssl():
    # ssl.SSLSocket subclasses the socket class it found at import: ours.
    assert socket.socket in ssl.SSLSocket.__mro__


def test_ssl_socket_sendfile(pki, tmpdir):
    # SSLSocket.sendfile() cannot use os.sendfile(): it falls back to our
    # socket class's send() loop, through the TLS layer.
    import socketserver
    import struct
    path = tmpdir.join("file.bin")
    path.write_binary(BIG)
    context = _server_context(pki)

    class Digest(socketserver.BaseRequestHandler):
        def handle(self):
            with context.wrap_socket(self.request, server_side=True) as tls:
                assert_ours(tls)
                with tls.makefile("rb") as f:
                    size = struct.unpack("!Q", f.read(8))[0]
                    digest = hashlib.sha256(f.read(size)).hexdigest()
                tls.sendall(("%d %s" % (size, digest)).encode())

    server = stdlib3_support.ThreadingServer(("127.0.0.1", 0), Digest)
    with serving(server) as (_host, port):
        raw = socket.create_connection(("localhost", port), timeout=30)
        with _client_context(pki).wrap_socket(
                raw, server_hostname="localhost") as tls:
            tls.sendall(struct.pack("!Q", len(BIG) - 1000))
            with path.open("rb") as f:
                assert tls.sendfile(f, 1000) == len(BIG) - 1000
                assert f.tell() == len(BIG)
            answer = tls.recv(200).decode()
    assert answer == "%d %s" % (len(BIG) - 1000,
                                hashlib.sha256(BIG[1000:]).hexdigest())

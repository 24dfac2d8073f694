"""Python 3: the interpreter's own ssl module wraps our sockets (issue 10,
P3).  Our socket objects have CPython's PySocketSockObject layout and
_socket.CAPI points at our type, so SSLContext.wrap_socket(),
http.client.HTTPSConnection, urllib.request.urlopen('https://...') and
asyncio's ssl= work on them.  The peer is `openssl s_server` on loopback
with a certificate made for the test by the openssl command; hostname
checking is on."""
from __future__ import print_function

import os
import select
import subprocess
import time

import pytest

import support

if not support.PY3:
    pytest.skip("the interpreter's ssl over Python 3's socket",
                allow_module_level=True)

import socket  # noqa: E402
import ssl  # noqa: E402


def _openssl_path():
    for directory in os.environ.get("PATH", "").split(os.pathsep) + ["/usr/bin"]:
        path = os.path.join(directory, "openssl")
        if os.access(path, os.X_OK):
            return path
    pytest.skip("no openssl command")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_listening(port, proc, timeout=30.0):
    """True once something accepts on port; False if proc ended first."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", port), timeout=5).close()
            return True
        except OSError:
            select.select([], [], [], 0.05)
    raise AssertionError("openssl s_server did not listen in %ss" % timeout)


@pytest.fixture(scope="module")
def tls_server(tmpdir_factory):
    """(port, SSLContext trusting the server's certificate)."""
    openssl = _openssl_path()
    folder = tmpdir_factory.mktemp("tls")
    cert, key = str(folder.join("cert.pem")), str(folder.join("key.pem"))
    subprocess.check_call(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes",
         "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _attempt in range(5):
        port = _free_port()
        proc = subprocess.Popen(
            [openssl, "s_server", "-accept", "127.0.0.1:%d" % port,
             "-cert", cert, "-key", key, "-www", "-quiet"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        if _wait_listening(port, proc):
            break
        proc.wait()         # the port was taken meanwhile: another one
    else:
        raise AssertionError("openssl s_server did not start")
    context = ssl.create_default_context(cafile=cert)
    assert context.check_hostname
    try:
        yield port, context
    finally:
        proc.kill()
        proc.wait()


def test_wrap_socket_handshake_and_data(tls_server):
    port, context = tls_server
    with socket.create_connection(("localhost", port), timeout=20) as raw:
        assert type(raw) is socket.socket
        with context.wrap_socket(raw, server_hostname="localhost") as tls:
            assert isinstance(tls, socket.socket)
            assert raw.fileno() == -1          # detached into tls
            assert tls.version() in ("TLSv1.2", "TLSv1.3")
            assert tls.getpeercert()["subject"] == ((("commonName",
                                                      "localhost"),),)
            tls.sendall(b"GET / HTTP/1.0\r\n\r\n")
            with tls.makefile("rb") as f:
                assert f.readline().startswith(b"HTTP/1.0 200")


def test_hostname_checking_refuses_another_name(tls_server):
    port, context = tls_server
    with socket.create_connection(("127.0.0.1", port), timeout=20) as raw:
        with pytest.raises(ssl.SSLCertVerificationError) as info:
            context.wrap_socket(raw, server_hostname="not-localhost")
    assert "not-localhost" in str(info.value)


def test_https_connection_and_urlopen(tls_server):
    import http.client
    import urllib.request
    port, context = tls_server
    conn = http.client.HTTPSConnection("localhost", port, context=context,
                                       timeout=20)
    try:
        conn.request("GET", "/")
        reply = conn.getresponse()
        assert reply.status == 200 and reply.read()
    finally:
        conn.close()
    with urllib.request.urlopen("https://localhost:%d/" % port,
                                context=context, timeout=20) as reply:
        assert reply.status == 200 and reply.read()


def test_nonblocking_handshake_with_a_timeout(tls_server):
    # _ssl waits on the descriptor with the socket's timeout (sock_timeout,
    # read from our object as from CPython's).
    port, context = tls_server
    raw = socket.create_connection(("localhost", port), timeout=20)
    tls = context.wrap_socket(raw, server_hostname="localhost",
                              do_handshake_on_connect=False)
    try:
        tls.settimeout(20)
        tls.do_handshake()
        assert tls.gettimeout() == 20
    finally:
        tls.close()


def test_asyncio_with_ssl(tls_server):
    import asyncio
    port, context = tls_server
    namespace = {}
    # (defined through exec: 2.7 collects this file too)
    exec("async def fetch(asyncio, port, context):\n"
         "    reader, writer = await asyncio.open_connection(\n"
         "        'localhost', port, ssl=context)\n"
         "    writer.write(b'GET / HTTP/1.0\\r\\n\\r\\n')\n"
         "    data = await reader.read()\n"
         "    writer.close()\n"
         "    return data\n", namespace)
    data = asyncio.run(namespace["fetch"](asyncio, port, context))
    assert data.startswith(b"HTTP/1.0 200")

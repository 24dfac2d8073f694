"""The interpreter's own standard library on top of this project's socket:
the modules built on socket import and pick ours (Python 2.7: ssl, urllib,
httplib, urllib2; Python 3: ssl, urllib.request, http.client), and HTTP
works through them in both directions against a child process running the
standard library's http.server."""
from __future__ import print_function

import hashlib
import os
import subprocess
import sys

import pytest

import socket

import support

if support.PY3:
    import http.client as httplib
    import urllib.request as urlopen_module
else:
    import httplib
    import urllib2 as urlopen_module

IMPORTS = ["ssl", "urllib.request", "http.client"] if support.PY3 else \
    ["ssl", "urllib", "httplib", "urllib2"]

# Serves the directory argv[1] on 127.0.0.1 for argv[2] requests, with the
# standard library's HTTP server classes (HTTP/1.0: one request per
# connection).  Prints which socket module it runs on.
HTTP_SERVER = r"""
import os, sys
try:
    from http.server import HTTPServer, SimpleHTTPRequestHandler
except ImportError:
    from BaseHTTPServer import HTTPServer
    from SimpleHTTPServer import SimpleHTTPRequestHandler
import socket
os.chdir(sys.argv[1])

class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

server = HTTPServer(('127.0.0.1', 0), Quiet)
print('READY %d' % server.server_address[1])
print(socket.__file__)
sys.stdout.flush()
for _ in range(int(sys.argv[2])):
    server.handle_request()
server.server_close()
"""


def test_stdlib_modules_import_and_use_our_socket():
    code = (
        "import sys\n"
        "for name in %r:\n"
        "    __import__(name)\n"
        "import socket, _socket\n"
        "lib = %r\n"
        "assert socket.__file__.startswith(lib), socket.__file__\n"
        "assert _socket.__file__.startswith(lib), _socket.__file__\n"
        "import ssl\n"
        "assert ssl.socket is socket.socket\n"
        "assert issubclass(ssl.SSLSocket, socket.socket)\n"
        "assert ssl.create_connection is socket.create_connection\n"
        "http = sys.modules.get('http.client') or sys.modules['httplib']\n"
        "assert http.socket is socket\n"
        "print('OK')\n" % (IMPORTS, support.LIB + os.sep))
    proc = subprocess.Popen([sys.executable, "-c", code],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=support.our_env())
    out, err = proc.communicate()
    assert proc.returncode == 0, err.decode("utf-8", "replace")
    assert out.decode("ascii").strip() == "OK"


def test_stdlib_modules_import_through_the_launcher():
    code = ("import socket\n"
            "for name in %r:\n"
            "    __import__(name)\n"
            "import ssl\n"
            "assert ssl.socket is socket.socket\n"
            "print(socket.__file__)\n" % (IMPORTS,))
    proc = subprocess.Popen([sys.executable, "-m", "classicsocket", "-c",
                             code],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=support.our_env())
    out, err = proc.communicate()
    assert proc.returncode == 0, err.decode("utf-8", "replace")
    assert out.decode("utf-8").strip() == os.path.join(support.LIB,
                                                       "socket.py")


def test_this_process_uses_our_socket_in_httplib():
    assert httplib.socket is socket
    assert urlopen_module.socket is socket


@pytest.fixture
def docroot(tmpdir):
    big = os.urandom(300000)
    tmpdir.join("big.bin").write_binary(big)
    tmpdir.join("hello.txt").write_binary(b"hello, world\n" * 3)
    return str(tmpdir), big


def serve(directory, requests, ours):
    peer = support.Peer(HTTP_SERVER, [directory, requests], ours=ours)
    served_by = peer.readline()
    return peer, served_by


def finish(peer):
    try:
        status, out, err = peer.finish()
    except BaseException:
        peer.close()
        raise
    assert status == 0, err


def get_with_httplib(port, path):
    conn = httplib.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        response.close()
        return response.status, dict(
            (k.lower(), v) for k, v in response.getheaders()), body
    finally:
        conn.close()


@pytest.mark.parametrize("server_ours", [False, True],
                         ids=["stdlib-server", "ours-server"])
def test_http_get_with_httplib(docroot, server_ours):
    directory, big = docroot
    peer, served_by = serve(directory, 3, server_ours)
    try:
        if server_ours:
            assert served_by == os.path.join(support.LIB, "socket.py")
        else:
            assert not served_by.startswith(support.LIB + os.sep)
        status, headers, body = get_with_httplib(peer.port, "/hello.txt")
        assert status == 200
        assert body == b"hello, world\n" * 3
        assert headers["content-length"] == str(len(body))
        status, headers, body = get_with_httplib(peer.port, "/big.bin")
        assert status == 200
        assert hashlib.md5(body).hexdigest() == hashlib.md5(big).hexdigest()
        status, headers, body = get_with_httplib(peer.port, "/missing")
        assert status == 404
    finally:
        finish(peer)


def test_http_get_with_urlopen_and_partial_reads(docroot):
    directory, big = docroot
    peer, served_by = serve(directory, 2, False)
    try:
        url = "http://127.0.0.1:%d/big.bin" % peer.port
        response = urlopen_module.urlopen(url, timeout=20)
        try:
            assert response.getcode() == 200
            parts = [response.read(1000), response.read(50000)]
            parts.append(response.read())
        finally:
            response.close()
        assert [len(p) for p in parts[:2]] == [1000, 50000]
        assert b"".join(parts) == big
        response = urlopen_module.urlopen(
            "http://127.0.0.1:%d/hello.txt" % peer.port, timeout=20)
        try:
            assert response.readline() == b"hello, world\n"
            assert list(response) == [b"hello, world\n"] * 2
        finally:
            response.close()
    finally:
        finish(peer)

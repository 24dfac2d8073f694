"""macdnr with mactcp, as MacPython's socket emulation used them: a name
served by the test DNS server (dnsmasq) resolved with macdnr, a page
fetched from a local HTTP server (the standard library's, in a child)
over a mactcp stream; and the example Doc/examples/macdnr_http_get.py."""
from __future__ import print_function

import os
import subprocess
import sys

import pytest

import support
import dnr_support

import macdnr
import mactcp
import MACTCPconst

HTTP_SERVER = r"""
import os, sys
try:
    from http.server import HTTPServer, SimpleHTTPRequestHandler
except ImportError:
    from BaseHTTPServer import HTTPServer
    from SimpleHTTPServer import SimpleHTTPRequestHandler
os.chdir(sys.argv[1])
class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
server = HTTPServer(('127.0.0.1', 0), Quiet)
print('READY %d' % server.server_address[1])
sys.stdout.flush()
for _ in range(int(sys.argv[2])):
    server.handle_request()
server.server_close()
"""

PAGE = b"<html><body>Hello from the web server, by name.</body></html>\n"


@pytest.fixture(scope="module")
def dns():
    server = dnr_support.DNSServer().start()
    yield server
    server.stop()


@pytest.fixture
def site(tmpdir):
    tmpdir.join("page.html").write_binary(PAGE)
    return str(tmpdir)


@pytest.fixture
def hosts(dns, tmpdir):
    path = tmpdir.join("Hosts")
    path.write(dnr_support.hosts_text([dns.port]))
    return str(path)


@pytest.fixture(autouse=True)
def closed_resolver():
    yield
    try:
        macdnr.Close()
    except macdnr.error:
        pass


def http_server(root, requests):
    return support.Peer(HTTP_SERVER, [root, requests])


# MacPython's socket.py, reduced to what a fetch needs: gethostbyname
# through macdnr, connect/send/recv through a mactcp stream.
def gethostbyname(name):
    r = macdnr.StrToAddr(name)
    r.wait()
    return r.ip0


def fetch(host, port, path):
    s = mactcp.TCPCreate(15 * 1024)
    s.ActiveOpen(0, gethostbyname(host), port)
    peer = macdnr.AddrToStr(s.Status().remoteHost)
    s.Send(("GET %s HTTP/1.0\r\nHost: %s\r\n\r\n" % (path, host))
           .encode("ascii"), 1, 0)
    reply = b""
    while 1:
        try:
            data, urgent, mark = s.Rcv(30)
        except mactcp.error as e:
            if e.args[0] != MACTCPconst.connectionClosing:
                raise
            break
        reply += data
    s.Close()
    try:
        s.Abort()
    except mactcp.error as e:
        # MacTCP's TCPAbort once both sides have closed: no connection left
        if e.args[0] != MACTCPconst.connectionDoesntExist:
            raise
    return peer, reply


def test_fetch_a_page_by_name(hosts, site):
    macdnr.Open(hosts)
    server = http_server(site, 1)
    try:
        peer, reply = fetch("web", server.port, "/page.html")
        status, out, err = server.finish()
    finally:
        server.close()
    assert status == 0, err
    assert peer == "127.0.0.1"
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 200")
    assert body == PAGE


def test_remote_host_back_to_its_name(hosts, site):
    macdnr.Open(hosts)
    server = http_server(site, 1)
    try:
        s = mactcp.TCPCreate(8192)
        s.ActiveOpen(0, macdnr.StrToAddr("web.test.example.").ip0,
                     server.port)
        remote = s.Status().remoteHost
        assert macdnr.AddrToName(remote).cname == "web.test.example."
        s.Abort()
        del s
    finally:
        server.close()


def test_the_example_program(hosts, site):
    server = http_server(site, 1)
    try:
        example = os.path.join(support.ROOT, "Doc", "examples",
                               "macdnr_http_get.py")
        proc = subprocess.Popen(
            [sys.executable, example, "-H", hosts, "web", str(server.port),
             "/page.html"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=support.our_env())
        out, err = proc.communicate()
        status, _, serr = server.finish()
    finally:
        server.close()
    assert proc.returncode == 0, err
    assert out == PAGE
    assert err.decode().strip() == \
        "web.test.example. is 127.0.0.1, port %d" % server.port
    assert status == 0, serr


def test_the_example_program_with_an_unknown_name(hosts):
    example = os.path.join(support.ROOT, "Doc", "examples",
                           "macdnr_http_get.py")
    proc = subprocess.Popen(
        [sys.executable, example, "-H", hosts, "nx", "80"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=support.our_env())
    out, err = proc.communicate()
    assert proc.returncode != 0
    assert b"macdnr.error" in err and b"-23045" in err

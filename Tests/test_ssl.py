"""socket.ssl() against `openssl s_server` on loopback: the handshake and
the SSL object's methods, verification (CA file, host name, SNI), client
certificates checked by `s_server -Verify`, the TLS 1.2 floor, bad
arguments, and 2.7's names (sslerror, RAND_*, SSL_ERROR_*)."""
from __future__ import print_function

import errno
import json
import os
import subprocess
import sys

import pytest

import socket
import _socket
import support
import tls_support

pytestmark = pytest.mark.skipif(not tls_support.have_openssl(),
                                reason="no openssl command")

PY2 = sys.version_info[0] == 2
PY27 = os.path.join(os.path.expanduser("~"), ".pyenv", "versions", "2.7.18",
                    "bin", "python")
GET = b"GET / HTTP/1.0\r\n\r\n"


@pytest.fixture(scope="module")
def pki(tmpdir_factory):
    return tls_support.PKI(str(tmpdir_factory.mktemp("pki")))


@pytest.fixture
def www(pki):
    """s_server -www with the CA-signed certificate (and, for SNI
    sni.test, the sni certificate)."""
    server = tls_support.SServer(pki.server, pki.server_key,
                                 ["-www", "-servername", "sni.test",
                                  "-cert2", pki.sni, "-key2", pki.sni_key])
    yield server
    server.close()


def connect(port, timeout=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(("127.0.0.1", port))
    return s


def fetch(obj):
    assert obj.write(GET) == len(GET)
    return obj.read()


# ---- the handshake and the SSL object ---------------------------------------

def test_fetch_a_page_without_verification(www, pki):
    s = connect(www.port)
    try:
        obj = socket.ssl(s)
        page = fetch(obj)
        assert page.startswith(b"HTTP/1.0 200 ok\r\n")
        assert b"</HTML>" in page
        # s_server closes with close_notify: EOF, then '' again
        assert obj.read() == b""
        assert obj.read(10) == b""
    finally:
        s.close()


def test_server_and_issuer_are_one_line_names(www, pki):
    s = connect(www.port)
    try:
        obj = socket.ssl(s)
        assert obj.server() == "/O=classicsocket/CN=localhost"
        assert obj.issuer() == "/O=classicsocket/CN=Test CA"
        assert type(obj.server()) is str and type(obj.issuer()) is str
    finally:
        s.close()


def test_cipher_pending_and_the_peer_certificate(www, pki):
    s = connect(www.port)
    try:
        obj = socket.ssl(s)
        name, version, bits = obj.cipher()
        assert version in ("TLSv1.2", "TLSv1.3")
        assert bits >= 128 and name
        assert obj.pending() == 0
        # not verified: {} as 2.7 gave; the DER form all the same
        assert obj.peer_certificate() == {}
        der = obj.peer_certificate(True)
        assert isinstance(der, bytes) and der[:1] == b"\x30"
        with open(pki.server) as f:
            pem = f.read()
        assert der == ssl_der(pem)
        obj.write(GET)
        first = obj.read(4)
        assert first == b"HTTP"
        assert obj.pending() >= 0
    finally:
        s.close()


def ssl_der(pem):
    """The DER bytes of a PEM certificate, decoded here from base64."""
    import base64
    body = "".join(line for line in pem.splitlines()
                   if line and not line.startswith("-----"))
    return base64.b64decode(body.encode("ascii"))


def test_verified_peer_certificate_is_decoded(www, pki):
    s = connect(www.port)
    try:
        obj = socket.ssl(s, cafile=pki.ca, server_hostname="localhost")
        cert = obj.peer_certificate()
        assert cert["subject"] == ((("organizationName", u"classicsocket"),),
                                   (("commonName", u"localhost"),))
        assert cert["issuer"] == ((("organizationName", u"classicsocket"),),
                                  (("commonName", u"Test CA"),))
        assert cert["version"] == 3
        assert cert["serialNumber"] == "01"
        assert cert["notAfter"].endswith(" GMT")
        assert cert["subjectAltName"] == (("DNS", "localhost"),
                                          ("IP Address", "127.0.0.1"))
    finally:
        s.close()


def test_ssl_takes_the_c_socket_too(www):
    s = connect(www.port)
    try:
        # 2.7's socket object holds its C socket in _sock; 3.x's is one
        obj = socket.ssl(getattr(s, "_sock", s) if PY2 else
                         _socket.socket(fileno=s.detach()))
        assert fetch(obj).startswith(b"HTTP/1.0 200")
    finally:
        s.close()


def test_closing_the_socket_ends_the_ssl_object(www):
    # our close() closes the descriptor at once (Doc/socket.rst): the SSL
    # object on it then fails with EBADF, never on another descriptor
    for close in ("close", "_sock.close") if PY2 else ("close",):
        s = connect(www.port)
        obj = socket.ssl(s)
        if close == "close":
            s.close()
        else:
            s._sock.close()
        holder = socket.socket()        # may take the freed number
        try:
            with pytest.raises(socket.error) as info:
                obj.write(GET)
            assert info.value.args[0] == errno.EBADF
            with pytest.raises(socket.error) as info:
                obj.read(1)
            assert info.value.args[0] == errno.EBADF
        finally:
            holder.close()
            s.close()


def test_ssl_on_a_closed_socket_object_gives_ebadf():
    s = socket.socket()
    s.close()
    with pytest.raises(socket.error) as info:
        socket.ssl(s)
    assert info.value.args[0] == errno.EBADF


def test_ssl_on_an_unconnected_socket_is_a_socket_error():
    s = socket.socket()
    try:
        with pytest.raises(socket.error) as info:
            socket.ssl(s)
        assert not isinstance(info.value, socket.sslerror) or \
            info.value.args[0] == socket.SSL_ERROR_SYSCALL
    finally:
        s.close()


# ---- verification -----------------------------------------------------------

def handshake_error(port, **kwargs):
    s = connect(port)
    try:
        with pytest.raises(socket.sslerror) as info:
            socket.ssl(s, **kwargs)
        return info.value
    finally:
        s.close()


def test_chain_verified_against_the_ca_file(www, pki):
    s = connect(www.port)
    try:
        obj = socket.ssl(s, cafile=pki.ca)
        assert fetch(obj).startswith(b"HTTP/1.0 200")
    finally:
        s.close()


def test_chain_from_another_ca_fails(www, pki):
    exc = handshake_error(www.port, cafile=pki.other_ca)
    assert exc.args[0] == socket.SSL_ERROR_SSL
    assert exc.args[1] == "certificate verify failed: unable to get local " \
                          "issuer certificate"
    assert isinstance(exc, socket.error)


def test_self_signed_certificate_fails_verification(pki):
    server = tls_support.SServer(pki.self, pki.self_key, ["-www"])
    try:
        exc = handshake_error(server.port, cafile=pki.ca,
                              server_hostname="localhost")
        assert exc.args[0] == socket.SSL_ERROR_SSL
        assert "certificate verify failed" in exc.args[1]
        assert "self-signed" in exc.args[1] or "self signed" in exc.args[1]
        # unverified, as 2.x, the same server is accepted
        s = connect(server.port)
        try:
            obj = socket.ssl(s)
            assert obj.server() == "/CN=localhost"
        finally:
            s.close()
    finally:
        server.close()


def test_wrong_host_name_fails(www, pki):
    exc = handshake_error(www.port, cafile=pki.ca,
                          server_hostname="www.example.org")
    assert exc.args == (socket.SSL_ERROR_SSL,
                        "certificate verify failed: hostname mismatch")
    exc = handshake_error(www.port, cafile=pki.ca,
                          server_hostname="127.0.0.2")
    assert "IP address mismatch" in exc.args[1]


def test_host_name_and_ip_address_that_match(www, pki):
    for name in ("localhost", u"localhost", b"localhost", "127.0.0.1"):
        s = connect(www.port)
        try:
            obj = socket.ssl(s, cafile=pki.ca, server_hostname=name)
            assert obj.server().endswith("/CN=localhost")
        finally:
            s.close()


def test_host_name_alone_is_checked_without_the_chain(www, pki):
    s = connect(www.port)
    try:
        obj = socket.ssl(s, server_hostname="localhost")
        assert obj.peer_certificate() == {}     # the chain was not checked
    finally:
        s.close()
    exc = handshake_error(www.port, server_hostname="www.example.org")
    assert "hostname mismatch" in exc.args[1]


def test_sni_selects_the_certificate(www, pki):
    s = connect(www.port)
    try:
        obj = socket.ssl(s, cafile=pki.ca, server_hostname="sni.test")
        assert obj.server() == "/CN=sni.test"
    finally:
        s.close()
    # an IP address is no SNI name: the default certificate
    s = connect(www.port)
    try:
        obj = socket.ssl(s, cafile=pki.ca, server_hostname="127.0.0.1")
        assert obj.server().endswith("/CN=localhost")
    finally:
        s.close()


def test_failed_check_ends_the_handshake_with_an_alert(pki):
    # ssl() raises: no SSL object, so nothing can be read or written
    server = tls_support.SServer(pki.server, pki.server_key, [])
    try:
        s = connect(server.port)
        try:
            with pytest.raises(socket.sslerror):
                socket.ssl(s, cafile=pki.ca, server_hostname="other.test")
        finally:
            s.close()
        # s_server reports the client's alert (the handshake's end), and
        # before it nothing but the handshake
        line = server.wait_for("alert", anywhere=True)
        assert "certificate" in line, line
    finally:
        server.close()


def test_the_handshake_the_server_sees(pki):
    server = tls_support.SServer(pki.server, pki.server_key, [])
    try:
        s = connect(server.port)
        try:
            obj = socket.ssl(s, cafile=pki.ca, server_hostname="localhost")
            obj.write(b"hello from classicsocket\n")
            assert server.wait_for("hello from") == \
                "hello from classicsocket"
            server.send_line("and back")
            assert obj.read(9) == b"and back\n"
        finally:
            s.close()
    finally:
        server.close()


# ---- the protocol floor -----------------------------------------------------

def test_tls_1_0_is_refused_even_when_the_system_allows_it(pki, tmpdir):
    """With an OpenSSL configuration that lowers every client's floor to
    TLS 1.0, `openssl s_client` speaks TLS 1.0 to a TLS 1.0-only server;
    our ssl() (in a child under the same configuration) refuses."""
    server = tls_support.SServer(pki.server, pki.server_key,
                                 ["-www", "-tls1", "-cipher",
                                  "DEFAULT:@SECLEVEL=0"])
    try:
        env = tls_support.child_env(OPENSSL_CONF=pki.low_floor)
        control = subprocess.Popen(
            [tls_support.OPENSSL, "s_client", "-connect",
             "127.0.0.1:%d" % server.port], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
        out = control.communicate(b"")[0].decode("utf-8", "replace")
        assert "Protocol  : TLSv1\n" in out, out

        code = ("import socket, sys\n"
                "s = socket.create_connection(('127.0.0.1', %d))\n"
                "try:\n"
                "    socket.ssl(s)\n"
                "except socket.sslerror as e:\n"
                "    print('REFUSED %%d %%s' %% e.args)\n"
                "else:\n"
                "    print('CONNECTED')\n" % server.port)
        env = support.our_env()
        env["OPENSSL_CONF"] = pki.low_floor
        child = subprocess.Popen([sys.executable, "-c", code], env=env,
                                 stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE)
        out, err = child.communicate()
        assert child.returncode == 0, err
        out = out.decode().strip()
        assert out.startswith("REFUSED %d " % socket.SSL_ERROR_SSL), out
        assert "protocol version" in out or "unsupported protocol" in out
    finally:
        server.close()


# ---- client certificates ----------------------------------------------------

@pytest.fixture
def verifying(pki):
    """s_server -www demanding a client certificate from the test CA."""
    server = tls_support.SServer(pki.server, pki.server_key,
                                 ["-www", "-Verify", "1",
                                  "-verify_return_error",
                                  "-CAfile", pki.ca])
    yield server
    server.close()


def test_client_certificate_is_accepted_by_s_server_verify(verifying, pki):
    s = connect(verifying.port)
    try:
        obj = socket.ssl(s, pki.client_key, pki.client, cafile=pki.ca)
        page = fetch(obj)
        assert b"Client certificate" in page
        assert b"CN = classic client" in page or \
            b"CN=classic client" in page
    finally:
        s.close()


def test_certfile_alone_may_hold_the_key(verifying, pki, tmpdir):
    both = str(tmpdir.join("both.pem"))
    with open(both, "w") as out:
        for name in (pki.client, pki.client_key):
            with open(name) as f:
                out.write(f.read())
    s = connect(verifying.port)
    try:
        obj = socket.ssl(s, certfile=both)
        assert b"Client certificate" in fetch(obj)
    finally:
        s.close()


def test_without_client_certificate_s_server_refuses(verifying, pki):
    s = connect(verifying.port)
    try:
        # TLS 1.3 ends the client's handshake before the server's check:
        # the refusal comes with the first read
        with pytest.raises(socket.sslerror) as info:
            obj = socket.ssl(s)
            obj.write(GET)
            obj.read()
        assert info.value.args[0] == socket.SSL_ERROR_SSL
        assert "certificate required" in info.value.args[1] or \
            "handshake failure" in info.value.args[1]
    finally:
        s.close()


def test_client_certificate_not_from_the_ca_is_refused(verifying, pki):
    s = connect(verifying.port)
    try:
        with pytest.raises(socket.error) as info:
            obj = socket.ssl(s, pki.self_key, pki.self)     # not from ca
            obj.write(GET)
            obj.read()
        # an sslerror (an alert), or the reset that follows it
        assert isinstance(info.value, socket.sslerror) or \
            info.value.args[0] in (errno.ECONNRESET, errno.EPIPE)
    finally:
        s.close()


# ---- bad arguments ----------------------------------------------------------

def test_missing_files_raise_ioerror(pki, tmpdir):
    missing = str(tmpdir.join("missing.pem"))
    s = socket.socket()
    try:
        for kwargs in (dict(cafile=missing), dict(certfile=missing),
                       dict(certfile=pki.client, keyfile=missing)):
            with pytest.raises(IOError) as info:
                socket.ssl(s, **kwargs)
            assert info.value.errno == errno.ENOENT
            assert info.value.filename == missing
    finally:
        s.close()


def test_bad_key_and_certificate_files(pki):
    s = socket.socket()
    try:
        with pytest.raises(socket.sslerror) as info:     # not the cert's key
            socket.ssl(s, pki.server_key, pki.client)
        assert info.value.args[0] == socket.SSL_ERROR_SSL
        with pytest.raises(socket.sslerror):             # not a certificate
            socket.ssl(s, certfile=pki.path("openssl.cnf"))
        with pytest.raises(socket.sslerror):             # needs a passphrase
            socket.ssl(s, pki.client_key_encrypted, pki.client)
        with pytest.raises(socket.sslerror):             # not a CA file
            socket.ssl(s, cafile=pki.path("openssl.cnf"))
    finally:
        s.close()


def test_bad_arguments():
    s = socket.socket()
    try:
        with pytest.raises(TypeError):
            socket.ssl(object())
        with pytest.raises(TypeError):
            socket.ssl()
        with pytest.raises(TypeError):
            socket.ssl(s, 1)
        with pytest.raises(TypeError):
            socket.ssl(s, cafile=1)
        with pytest.raises(TypeError):
            socket.ssl(s, server_hostname=1)
        with pytest.raises(TypeError):
            socket.ssl(s, nonsense=1)
        with pytest.raises(ValueError):
            socket.ssl(s, keyfile="key.pem")        # without certfile
        with pytest.raises(ValueError):
            socket.ssl(s, cafile="ca\0.pem")
        with pytest.raises(ValueError):
            socket.ssl(s, cafile="")
        with pytest.raises(ValueError):
            socket.ssl(s, server_hostname="")
        with pytest.raises(ValueError):
            socket.ssl(s, server_hostname="a\0b")
    finally:
        s.close()


def test_no_references_are_leaked(www, pki):
    s = connect(www.port)
    try:
        c = s._sock if PY2 else s   # 3.x: the socket object is the C one
        cafile = pki.ca
        before = (sys.getrefcount(c), sys.getrefcount(cafile))
        obj = socket.ssl(s, cafile=cafile)
        assert sys.getrefcount(c) == before[0] + 1
        fetch(obj)
        del obj
        for _ in range(3):      # failures release everything too
            with pytest.raises(socket.error):
                socket.ssl(s, cafile=cafile)
        assert (sys.getrefcount(c), sys.getrefcount(cafile)) == before
    finally:
        s.close()


# ---- the names of 2.7's socket ----------------------------------------------

SSL_NAMES = ["sslerror", "RAND_add", "RAND_status", "SSL_ERROR_ZERO_RETURN",
             "SSL_ERROR_WANT_READ", "SSL_ERROR_WANT_WRITE",
             "SSL_ERROR_WANT_X509_LOOKUP", "SSL_ERROR_SYSCALL",
             "SSL_ERROR_SSL", "SSL_ERROR_WANT_CONNECT", "SSL_ERROR_EOF",
             "SSL_ERROR_INVALID_ERROR_CODE"]


def test_2_7_values_of_the_ssl_error_codes():
    # Python 2.7's socket module (from its _ssl)
    assert (socket.SSL_ERROR_SSL, socket.SSL_ERROR_WANT_READ,
            socket.SSL_ERROR_WANT_WRITE, socket.SSL_ERROR_WANT_X509_LOOKUP,
            socket.SSL_ERROR_SYSCALL, socket.SSL_ERROR_ZERO_RETURN,
            socket.SSL_ERROR_WANT_CONNECT, socket.SSL_ERROR_EOF,
            socket.SSL_ERROR_INVALID_ERROR_CODE) == (1, 2, 3, 4, 5, 6, 7, 8,
                                                     10)


def test_python27s_ssl_names_and_values():
    if not os.path.exists(PY27):
        pytest.skip("no Python 2.7 at %s" % PY27)
    code = ("import json, socket\n"
            "names = %r\n"
            "print(json.dumps(dict((n, getattr(socket, n)) for n in names\n"
            "                      if n.startswith('SSL_'))))\n"
            "print(json.dumps([n for n in names + ['ssl', 'meth']\n"
            "                  if hasattr(socket, n)]))\n"
            "print(json.dumps([n for n in names + ['ssl', 'meth']\n"
            "                  if n in socket.__all__]))\n" % SSL_NAMES)
    out = subprocess.check_output([PY27, "-c", code], cwd="/",
                                  env=support.other_interpreter_env())
    values, present, listed = [json.loads(line) for line in
                               out.decode("ascii").splitlines()]
    assert sorted(present) == sorted(SSL_NAMES + ["ssl", "meth"])
    for name, value in values.items():
        assert getattr(socket, name) == value, name
    for name in SSL_NAMES + ["ssl", "meth"]:
        assert hasattr(socket, name), name
        assert (name in socket.__all__) == (name in listed), name


def test_sslerror_is_a_socket_error_with_code_and_message():
    assert issubclass(socket.sslerror, socket.error)
    assert socket.sslerror is _socket.sslerror
    assert socket.sslerror.__module__ == "socket"
    exc = socket.sslerror(socket.SSL_ERROR_EOF, "EOF")
    assert exc.args == (8, "EOF")


def test_rand_add_and_status():
    assert socket.RAND_status() in (0, 1)
    assert type(socket.RAND_status()) is int
    assert socket.RAND_add(b"some bytes", 2.0) is None
    assert socket.RAND_add(u"text", 0.5) is None
    assert socket.RAND_add(bytearray(b"x" * 100), 75.0) is None
    with pytest.raises(TypeError):
        socket.RAND_add(b"x")
    with pytest.raises(TypeError):
        socket.RAND_add(1, 1.0)


def test_meth_calls_the_c_socket():
    s = socket.socket()
    try:
        s.settimeout(2.5)
        assert socket.meth("gettimeout", s) == 2.5
        socket.meth("bind", s, ("127.0.0.1", 0))
        assert socket.meth("getsockname", s) == s.getsockname()
    finally:
        s.close()


def test_the_interpreters_ssl_module_is_not_imported():
    code = ("import sys, socket\n"
            "s = socket.socket(); s.close()\n"
            "print(sorted(m for m in ('ssl', '_ssl') if m in sys.modules))\n")
    out = subprocess.check_output([sys.executable, "-c", code],
                                  env=support.our_env())
    assert out.decode().strip() == "[]"


# ---- the example program ----------------------------------------------------

def test_example_fetches_a_page_from_s_server(www, pki):
    example = os.path.join(support.ROOT, "Doc", "examples", "tls_fetch.py")
    for args in (["localhost", str(www.port), pki.ca],
                 ["127.0.0.1", str(www.port)]):
        child = subprocess.Popen([sys.executable, example] + args,
                                 stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE,
                                 env=support.our_env())
        out, err = child.communicate()
        assert child.returncode == 0, err
        out = out.decode("latin-1")
        assert "Server: /O=classicsocket/CN=localhost\n" in out
        assert "Issuer: /O=classicsocket/CN=Test CA\n" in out
        assert "HTTP/1.0 200 ok" in out
    child = subprocess.Popen([sys.executable, example, "localhost",
                              str(www.port), pki.other_ca],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=support.our_env())
    out, err = child.communicate()
    assert child.returncode == 1
    assert out.decode().startswith("TLS failed: certificate verify failed")

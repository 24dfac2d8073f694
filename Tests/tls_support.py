"""Real TLS peers for the tests of socket.ssl(): certificates made at test
time with the `openssl` command, `openssl s_server` in a child process,
and a TLS server on the standard library's ssl and socket modules in a
child interpreter.  The children run without the sanitizer run's preload:
their leaks are not ours."""
from __future__ import print_function

import os
import subprocess
import sys

import support

OPENSSL = "openssl"

# A configuration of our own, so that the certificates do not depend on
# the system's openssl.cnf.
CONFIG = """\
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = CA:false
subjectAltName = DNS:localhost, IP:127.0.0.1
extendedKeyUsage = serverAuth
[sni]
basicConstraints = CA:false
subjectAltName = DNS:sni.test
extendedKeyUsage = serverAuth
[client]
basicConstraints = CA:false
extendedKeyUsage = clientAuth
"""

# An OpenSSL configuration that lets every client of the process speak
# TLS 1.0 by default (for the test of our own TLS 1.2 floor).
LOW_FLOOR_CONFIG = """\
openssl_conf = init
[init]
ssl_conf = ssl_sect
[ssl_sect]
system_default = system_default_sect
[system_default_sect]
MinProtocol = TLSv1
CipherString = DEFAULT:@SECLEVEL=0
"""


def child_env(**extra):
    env = support.other_interpreter_env()
    env.update(extra)
    return env


def run_openssl(args, cwd):
    proc = subprocess.Popen([OPENSSL] + args, cwd=cwd, env=child_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise AssertionError("openssl %s: %s" % (" ".join(args),
                                                   err.decode("utf-8",
                                                              "replace")))


class PKI(object):
    """Keys and certificates in `directory` (each attribute a path):
    ca, ca_key: the test CA; other_ca: a CA that signed none of them;
    server/server_key: CN=localhost with DNS:localhost and IP:127.0.0.1,
    signed by ca; sni/sni_key: CN=sni.test, signed by ca; self/self_key:
    CN=localhost, self-signed; client/client_key: CN=classic client,
    signed by ca; client_key_encrypted: that key under a passphrase;
    low_floor: an OpenSSL configuration with MinProtocol TLSv1."""

    def __init__(self, directory):
        self.dir = directory
        with open(self.path("openssl.cnf"), "w") as f:
            f.write(CONFIG)
        with open(self.path("low_floor.cnf"), "w") as f:
            f.write(LOW_FLOOR_CONFIG)
        self.low_floor = self.path("low_floor.cnf")
        self.ca, self.ca_key = self.make_ca("ca",
                                            "/O=classicsocket/CN=Test CA")
        self.other_ca, _ = self.make_ca("other_ca", "/CN=Other CA")
        self.server, self.server_key = self.make_leaf(
            "server", "/O=classicsocket/CN=localhost", "server", 1)
        self.sni, self.sni_key = self.make_leaf("sni", "/CN=sni.test", "sni",
                                                2)
        self.client, self.client_key = self.make_leaf(
            "client", "/CN=classic client", "client", 3)
        self.self, self.self_key = self.make_ca("self", "/CN=localhost",
                                                "server")
        self.client_key_encrypted = self.path("client_enc.key")
        run_openssl(["pkey", "-in", self.client_key, "-aes256", "-passout",
                     "pass:secret", "-out", self.client_key_encrypted],
                    self.dir)

    def path(self, name):
        return os.path.join(self.dir, name)

    def new_key_args(self, key):
        return ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", key, "-config", self.path("openssl.cnf")]

    def make_ca(self, name, subject, extensions="ca"):
        cert, key = self.path(name + ".pem"), self.path(name + ".key")
        run_openssl(["req", "-x509"] + self.new_key_args(key) +
                    ["-out", cert, "-days", "30", "-subj", subject,
                     "-extensions", extensions], self.dir)
        return cert, key

    def make_leaf(self, name, subject, extensions, serial):
        cert, key = self.path(name + ".pem"), self.path(name + ".key")
        csr = self.path(name + ".csr")
        run_openssl(["req", "-new"] + self.new_key_args(key) +
                    ["-out", csr, "-subj", subject], self.dir)
        run_openssl(["x509", "-req", "-in", csr, "-CA", self.ca, "-CAkey",
                     self.ca_key, "-set_serial", str(serial), "-days", "30",
                     "-out", cert, "-extfile", self.path("openssl.cnf"),
                     "-extensions", extensions], self.dir)
        return cert, key


class Child(support.Peer):
    """A child process whose stdout lines are read under deadlines
    (support.Peer's readline, finish and close)."""

    def __init__(self, command, env, cwd=None):
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, env=env,
                                     cwd=cwd)

    def wait_for(self, prefix, timeout=30.0, anywhere=False):
        """Reads lines until one starts with prefix (or, with anywhere,
        contains it); returns it."""
        seen = []
        while True:
            line = self.readline(timeout)
            if line.startswith(prefix) or (anywhere and prefix in line):
                return line
            if not line and self.proc.poll() is not None:
                raise AssertionError("the child ended without %r: %r"
                                     % (prefix, seen))
            seen.append(line)

    def send_line(self, text):
        self.proc.stdin.write((text + "\n").encode("ascii"))
        self.proc.stdin.flush()

    def stop(self):
        """Ends the child; returns the rest of its output."""
        if self.proc.poll() is None:
            self.proc.kill()
        out = self.proc.communicate()[0]
        return out.decode("utf-8", "replace")

    def close(self):
        if self.proc.returncode is None:
            self.stop()


class SServer(Child):
    """`openssl s_server` on 127.0.0.1 and a free port (self.port), with
    the server certificate and key given and further options `args`."""

    def __init__(self, cert, key, args=(), env=None):
        Child.__init__(self, [OPENSSL, "s_server", "-accept", "127.0.0.1:0",
                              "-cert", cert, "-key", key] + list(args),
                       env or child_env())
        line = self.wait_for("ACCEPT")
        self.port = int(line.rsplit(":", 1)[1])


# A TLS server on the standard library: accepts one connection and serves
# it as sys.argv[1] says, printing 'READY <port>' first.
#   echo N    reads N bytes, prints 'GOT <n> <md5>', sends them back
#   stream N  sends back each piece as it arrives, until N bytes came
#   partial   sends sys.argv[4] (may be empty), prints 'SENT', then closes
#             without close_notify
#   hold      prints 'HANDSHAKEN', sends sys.argv[5] (may be empty), then
#             for each line on stdin sends that line until 'END', then
#             close_notify
# It ends with close_notify (unwrap), except `partial`.
STDLIB_SERVER = r"""
import hashlib, socket, ssl, sys
mode, cert, key = sys.argv[1], sys.argv[2], sys.argv[3]
proto = getattr(ssl, "PROTOCOL_TLS_SERVER", None) or ssl.PROTOCOL_SSLv23
ctx = ssl.SSLContext(proto)
ctx.load_cert_chain(cert, key)
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.bind(("127.0.0.1", 0))
srv.listen(1)
print("READY %d" % srv.getsockname()[1])
conn, _ = srv.accept()
srv.close()
tls = ctx.wrap_socket(conn, server_side=True)


def finish():
    try:
        tls.unwrap()
    except (ssl.SSLError, socket.error):
        pass      # the client closed without close_notify
    conn.close()


if mode == "echo":
    want = int(sys.argv[4])
    pieces = []
    got = 0
    while got < want:
        data = tls.recv(min(65536, want - got))
        if not data:
            break
        pieces.append(data)
        got += len(data)
    data = b"".join(pieces)
    print("GOT %d %s" % (len(data), hashlib.md5(data).hexdigest()))
    tls.sendall(data)
    finish()
elif mode == "stream":
    want = int(sys.argv[4])
    got = 0
    digest = hashlib.md5()
    while got < want:
        data = tls.recv(65536)
        if not data:
            break
        digest.update(data)
        got += len(data)
        tls.sendall(data)
    print("GOT %d %s" % (got, digest.hexdigest()))
    finish()
elif mode == "partial":
    if len(sys.argv) > 4 and sys.argv[4]:
        tls.sendall(sys.argv[4].encode("ascii"))
    print("SENT")
    tls.close()
elif mode == "hold":
    print("HANDSHAKEN")
    if len(sys.argv) > 4 and sys.argv[4]:
        tls.sendall(sys.argv[4].encode("ascii"))
    while True:
        line = sys.stdin.readline().strip()
        if not line or line == "END":
            break
        tls.sendall(line.encode("ascii"))
        print("SENT")
    finish()
"""


class StdlibServer(Child):
    """STDLIB_SERVER in a child interpreter (the standard library's socket
    and ssl, not ours), listening on self.port."""

    def __init__(self, pki, mode, *args):
        Child.__init__(self, [sys.executable, "-u", "-c", STDLIB_SERVER, mode,
                              pki.server, pki.server_key] +
                       [str(a) for a in args], child_env())
        self.port = int(self.wait_for("READY").split()[1])


def have_openssl():
    try:
        subprocess.Popen([OPENSSL, "version"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE).communicate()
    except OSError:
        return False
    return True

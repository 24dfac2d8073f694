"""Addresses of the Linux families AF_PACKET, AF_VSOCK and AF_ALG
(Modules/_socket/sockaddr_linux.c) on real sockets: each script below runs
in a child on ours and in a child on the standard library's socket module
(support.other_interpreter_env()), and both must print the same lines: the
results of bind/getsockname/sendto/recvfrom and, for bad tuples, the exception types
(the forms and errors are Python 3's; 2.7's own module converts AF_PACKET
addresses only, so there the comparison takes the well-formed calls)."""
from __future__ import print_function

import errno
import hashlib
import subprocess
import sys

import pytest

import support

import socket

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="Linux address families")

# Prints one line per call: "ok <repr of the result>" or "err <type>
# <errno>".  SKIP <errno> when the kernel refuses the socket itself.
PRELUDE = r"""
from __future__ import print_function
import socket, sys
PY3 = sys.version_info[0] >= 3
def out(*args):
    print(*args)
    sys.stdout.flush()
show = repr
def t(sock, meth, *args):
    try:
        r = getattr(sock, meth)(*args)
        out("ok", meth, repr(args)[:60], repr(r), show(sock.getsockname()))
    except Exception as e:
        out("err", meth, repr(args)[:60], type(e).__name__,
            getattr(e, "errno", None))
def make(*args):
    try:
        return socket.socket(*args)
    except socket.error as e:
        out("SKIP", e.errno)
        sys.exit(0)
"""

PACKET = PRELUDE + r"""
ETH_P_IP = 0x0800
ETH_P_TEST = 0x88b5     # IEEE 802 local experimental: nobody else's frames
s = make(socket.AF_PACKET, socket.SOCK_DGRAM, 0)
t(s, "bind", ("lo", ETH_P_IP))
t(s, "bind", ("lo", 0, 1, 2, b"ab"))
t(s, "bind", ("nosuch0", 0))
t(s, "bind", ("", 0))
t(s, "bind", ("lo" + "x" * 40, 0))
if PY3:
    # 2.7's own module takes a str (or read-only buffer) for addr only
    t(s, "bind", ("lo", ETH_P_IP, 0, 0, bytearray(b"")))
    for bad in ("lo", ("lo",), ("lo", 0, 0, 0, b"", 1), (b"lo", 0), (1, 2),
                ("lo", 65536), ("lo", -1), ("lo", "x"), ("lo", 1.0),
                ("lo", 0, 2**31), ("lo", 0, 0, -2**31 - 1), ("lo", 0, 0.5),
                ("lo", 0, 0, 0, b"123456789"), ("lo", 0, 0, 0, "ab"),
                ("lo\0", 0), ("lo", 0, 256, 65536, b"12345678")):
        t(s, "bind", bad)
        t(s, "sendto", b"x", bad)
s.close()
# A datagram over 'lo': the receiver sees it (outgoing and incoming) with
# the sender's hardware address, in the build form.
r = make(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_TEST))
r.bind(("lo", ETH_P_TEST))
r.settimeout(30)
w = make(socket.AF_PACKET, socket.SOCK_DGRAM, 0)
payload = b"classicsocket-sockaddr-linux"
n = w.sendto(payload, ("lo", ETH_P_TEST, 0, 0, b"\0" * 6))
out("sent", n)
seen = []
while len(seen) < 2:    # lo shows a frame going out and coming in
    try:
        data, addr = r.recvfrom(200)
    except socket.timeout:
        break
    if data == payload:
        seen.append(addr)
        r.settimeout(5)
for addr in sorted(seen):
    out("from", repr(addr))
"""

VSOCK = PRELUDE + r"""
if not hasattr(socket, "AF_VSOCK"):
    out("SKIP no AF_VSOCK")
    sys.exit(0)
# the kernel picks a port for VMADDR_PORT_ANY (and shows one before bind)
def show(addr):
    cid, port = addr
    return repr((cid, "picked" if port > 1023 else port))
for a in ((socket.VMADDR_CID_ANY, socket.VMADDR_PORT_ANY), (-1, 1),
          (1, 2**32), (2**100, 1), (1, -1), (1, 4000), ("x", 1), (1, "x"),
          (1.0, 1), "x", (1,), (1, 2, 3), [1, 2]):
    for meth in ("bind", "connect_ex"):
        s = make(socket.AF_VSOCK, socket.SOCK_STREAM)
        if meth == "bind":
            out("unbound", show(s.getsockname()))
        t(s, meth, a)
        s.close()
"""

# AF_ALG on an AF_UNIX datagram socket taken over as AF_ALG (fileno=): the
# conversion runs as on a real one, the kernel then refuses the address.
ALG = PRELUDE + r"""
import os
u = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s = socket.socket(socket.AF_ALG, socket.SOCK_DGRAM, 0, fileno=u.detach())
for a in (("hash", "sha256"), ("hash", "sha256", 1, 2), ("hash", "x", -1),
          ("hash", "x", 2**32, 2**64), ("h" * 13, "n" * 63),
          ("h" * 14, "x"), ("h", "n" * 64), ("hash",), ("a", "b", 1, 2, 3),
          (b"hash", "x"), ("hash", b"x"), (1, "x"), ("ha\0sh", "x"),
          ("hash", "x\0"), ("hash", "x", 1.0), ("hash", "x", 0, "1"),
          ("\xe9", "x"), "hash", ["hash", "sha256"]):
    t(s, "bind", a)
    t(s, "sendto", b"x", a)
s.close()
"""


def run_both(script):
    ours = subprocess.check_output([sys.executable, "-c", script],
                                   env=support.our_env())
    theirs = subprocess.check_output([sys.executable, "-c", script],
                                     env=support.other_interpreter_env())
    return ours.decode().splitlines(), theirs.decode().splitlines()


def skip_refused(lines, what):
    if lines and lines[0].startswith("SKIP"):
        pytest.skip("the kernel refuses %s sockets here: %s" % (what,
                                                                lines[0]))


@linux_only
def test_packet_addresses_as_the_standard_library():
    ours, theirs = run_both(PACKET)
    skip_refused(theirs, "AF_PACKET")
    assert ours == theirs
    assert "ok bind ((%r, 2048),) None ('lo', 2048, 0, 772, %r)" % (
        "lo", b"\0" * 6) in ours
    assert "sent 28" in ours
    froms = [line for line in ours if line.startswith("from")]
    assert froms and all("'lo', 34997" in line for line in froms)


@linux_only
@pytest.mark.skipif(not support.PY3, reason="AF_VSOCK is Python 3's")
def test_vsock_addresses_as_the_standard_library():
    ours, theirs = run_both(VSOCK)
    skip_refused(theirs, "AF_VSOCK")
    assert ours == theirs
    assert any(line.startswith("err bind ('x',) TypeError")
               for line in ours)


@linux_only
@pytest.mark.skipif(not support.PY3 or not hasattr(socket, "AF_ALG"),
                    reason="AF_ALG is Python 3's")
def test_alg_addresses_as_the_standard_library():
    ours, theirs = run_both(ALG)
    assert ours == theirs
    assert any("ValueError" in line for line in ours)


@linux_only
@pytest.mark.skipif(not support.PY3 or not hasattr(socket, "AF_ALG"),
                    reason="AF_ALG is Python 3's")
def test_alg_hash_on_a_real_socket():
    try:
        alg = socket.socket(socket.AF_ALG, socket.SOCK_SEQPACKET)
    except socket.error as e:
        if e.errno in (errno.EAFNOSUPPORT, errno.EPERM):
            pytest.skip("the kernel refuses AF_ALG sockets: %s" % e)
        raise
    with alg:
        alg.bind(("hash", "sha256"))
        op, _ = alg.accept()
        with op:
            op.sendall(b"abc")
            assert op.recv(64) == hashlib.sha256(b"abc").digest()


@linux_only
def test_packet_bad_interface_is_socket_error():
    try:
        s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, 0)
    except socket.error as e:
        if e.errno in (errno.EPERM, errno.EACCES):
            pytest.skip("AF_PACKET sockets need CAP_NET_RAW: %s" % e)
        raise
    with s:
        with pytest.raises(socket.error) as info:
            s.bind(("nosuch0", 0))
        assert info.value.errno == errno.ENODEV

"""Python 3: every name of the running version's own socket.__all__, of its
_socket module and of its socket objects is ours too, with the same value
for the integers, and ours has no integer constant that this version's
_socket lacks (a name 3.12 added is not on 3.11: sockconst_spans).  The
standard library's names come from a child interpreter run without our Lib/
on its path.  Also socket.sendmsg_afalg(), the one method these names
brought (Modules/_socket/sockmsg.c)."""
from __future__ import print_function

import errno
import json
import os
import re
import subprocess
import sys

import pytest

import support

if not support.PY3:
    pytest.skip("Python 3's names", allow_module_level=True)

import _socket  # noqa: E402
import socket  # noqa: E402

STDLIB_NAMES = r"""
import json, socket, _socket, sys
def value(module, name):
    v = getattr(module, name)
    return int(v) if isinstance(v, int) and not isinstance(v, bool) else None
json.dump({"all": {n: value(socket, n) for n in socket.__all__},
           "_socket": {n: value(_socket, n) for n in dir(_socket)},
           "methods": sorted(dir(socket.socket))}, sys.stdout)
"""

# Integer names of ours that no Python 3 _socket has: the 2.x SSL ones.
OUR_EXTRA_INTS = re.compile(r"^SSL_ERROR_")


@pytest.fixture(scope="module")
def stdlib():
    out = subprocess.check_output([sys.executable, "-c", STDLIB_NAMES],
                                  env=support.other_interpreter_env())
    return json.loads(out.decode())


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def compare(theirs, module):
    missing = sorted(n for n in theirs if not hasattr(module, n))
    assert missing == [], "missing here: %s" % missing
    wrong = dict((n, (v, getattr(module, n))) for n, v in theirs.items()
                 if v is not None and getattr(module, n) != v)
    assert wrong == {}, "values differ (theirs, ours): %s" % wrong


def test_socket_all(stdlib):
    assert len(stdlib["all"]) > 300
    assert sorted(set(stdlib["all"]) - set(socket.__all__)) == []
    compare(stdlib["all"], socket)


def test_socket_module_names(stdlib):
    compare(stdlib["_socket"], _socket)


def test_no_constant_of_another_version(stdlib):
    ours = [n for n in dir(_socket) if is_int(getattr(_socket, n))]
    extra = sorted(n for n in ours if n not in stdlib["_socket"]
                   and not OUR_EXTRA_INTS.match(n))
    assert extra == [], "not in this version's _socket: %s" % extra


@pytest.mark.parametrize("prefix", ["CAN_", "ALG_", "J1939_", "UDPLITE_",
                                    "ETHERTYPE_"])
def test_the_families_of_issue_10(stdlib, prefix):
    # the families this issue added: exactly this version's names
    theirs = sorted(n for n in stdlib["_socket"] if n.startswith(prefix))
    ours = sorted(n for n in dir(_socket) if n.startswith(prefix))
    assert ours == theirs


def test_socket_object_methods(stdlib):
    # __weakref__: the C type holds the weak references (see socket.rst)
    missing = sorted(set(stdlib["methods"]) - set(dir(socket.socket))
                     - {"__weakref__"})
    assert missing == []


def test_no_stray_private_names():
    # names of ours that the stdlib has not are the 2.x extras only
    extras = {"_fileobject", "_socketobject", "_closedsocket", "_realsocket",
              "EBADF", "EINTR"}
    for name in extras:
        assert hasattr(socket, name), name
    assert not [n for n in dir(socket) if re.match(r"^_socket\d", n)]


# ---- sendmsg_afalg ----------------------------------------------------------

needs_afalg = pytest.mark.skipif(not hasattr(socket.socket, "sendmsg_afalg"),
                                 reason="no sendmsg_afalg on this platform")

# The calls of the comparison below, run by ours and by the standard
# library on an AF_UNIX datagram socket taken over as AF_ALG (fileno=): the
# kernel ignores the SOL_ALG items there, so the data arrive, and every
# argument check runs as on a real AF_ALG socket.
AFALG_CALLS = r"""
import os, socket, sys
a0, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
a = socket.socket(socket.AF_ALG, socket.SOCK_DGRAM, 0,
                  fileno=os.dup(a0.fileno()))
b.settimeout(10)
def t(*args, **kw):
    try:
        n = a.sendmsg_afalg(*args, **kw)
        print("ok", n, b.recv(100) if n else b"")
    except Exception as e:
        print("err", type(e).__name__)
t([b"abc", b"de"], op=socket.ALG_OP_ENCRYPT)
t(op=socket.ALG_OP_DECRYPT)
t([b"x"], op=1, iv=b"1234", assoclen=3, flags=0)
t([bytearray(b"y")], op=0, iv=bytearray(b""), assoclen=0)
t([b"z"], op=2**31 - 1, assoclen=2**31 - 1)
t([])
t([b"x"])
for op in (-1, -2, 2**31, 2**32, 2**64):
    t([b"x"], op=op)
t([b"x"], op=1.5)
t([b"x"], op="1")
t([b"x"], op=0, assoclen=-1)
t([b"x"], op=0, assoclen=2**31)
t([b"x"], op=0, assoclen=None)
t([b"x"], op=0, iv="str")
t([b"x"], op=0, iv=None)
t([b"x"], op=0, iv=memoryview(b"abcd")[::2])
t(b"x", op=0)
t(5, op=0)
t(["x"], op=0)
t([b"x"], 0)
t([b"x"], op=0, flags="a")
t([b"x"], op=0, bogus=1)
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    c.sendmsg_afalg([b"x"], op=0)
except OSError as e:
    print("family", e.errno, e)
"""


@needs_afalg
def test_sendmsg_afalg_as_the_standard_library():
    ours = subprocess.check_output([sys.executable, "-c", AFALG_CALLS],
                                   env=support.our_env())
    theirs = subprocess.check_output([sys.executable, "-c", AFALG_CALLS],
                                     env=support.other_interpreter_env())
    assert ours.decode().splitlines() == theirs.decode().splitlines()
    assert b"ok 5 b'abcde'" in ours


@needs_afalg
def test_sendmsg_afalg_leaves_nothing_behind():
    # the error paths release every view: a bytearray can be resized after
    a0, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    a = socket.socket(socket.AF_ALG, socket.SOCK_DGRAM, 0,
                      fileno=os.dup(a0.fileno()))
    with a0, a, b:
        data = bytearray(b"abc")
        iv = bytearray(b"iv")
        failing = ({"op": -1}, {"op": 0, "assoclen": -1},
                   {"op": 0, "msg_extra": 5})
        for kw in failing:
            msg = [data] + ([kw.pop("msg_extra")] if "msg_extra" in kw
                            else [])
            with pytest.raises(TypeError):
                a.sendmsg_afalg(msg, iv=iv, **kw)
            # a view still held would make these raise BufferError
            data.extend(b"d")
            iv.extend(b"v")
            del data[3:]
            del iv[2:]


def alg_socket():
    try:
        return socket.socket(socket.AF_ALG, socket.SOCK_SEQPACKET, 0)
    except OSError as e:
        if e.errno in (errno.EAFNOSUPPORT, errno.EPROTONOSUPPORT,
                       errno.EPERM, errno.EACCES):
            pytest.skip("this kernel gives no AF_ALG sockets (%s)"
                        % os.strerror(e.errno))
        raise


@needs_afalg
def test_sendmsg_afalg_on_a_real_af_alg_socket():
    import hashlib
    with alg_socket() as algo:
        try:
            algo.bind(("hash", "sha256"))
        except FileNotFoundError:
            pytest.skip("the kernel has no sha256 hash")
        op, _ = algo.accept()
        with op:
            assert op.sendmsg_afalg([b"abc", b"def"],
                                    op=socket.ALG_OP_ENCRYPT) == 6
            assert op.recv(32) == hashlib.sha256(b"abcdef").digest()

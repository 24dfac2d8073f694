"""Python 3: sendmsg(), recvmsg(), recvmsg_into() with ancillary data
(SCM_RIGHTS, SCM_CREDENTIALS), CMSG_LEN()/CMSG_SPACE(), send_fds()/
recv_fds() (3.9 on), and the standard library's use of them
(multiprocessing.reduction).  Real sockets: socketpairs and loopback
datagrams."""
from __future__ import print_function

import array
import errno
import os
import struct
import sys

import pytest

import support

if not support.PY3:
    pytest.skip("Python 3's sendmsg/recvmsg", allow_module_level=True)

import socket  # noqa: E402

INT = array.array("i").itemsize


@pytest.fixture
def pair():
    a, b = socket.socketpair()
    b.settimeout(20)
    yield a, b
    a.close()
    b.close()


def fds_of(ancdata):
    fds = array.array("i")
    for level, kind, data in ancdata:
        assert (level, kind) == (socket.SOL_SOCKET, socket.SCM_RIGHTS)
        fds.frombytes(data[:len(data) - len(data) % INT])
    return list(fds)


def test_cmsg_len_and_space():
    header = socket.CMSG_LEN(0)
    assert header == socket.CMSG_SPACE(0) == 16     # Linux, 64-bit
    for n in range(0, 40):
        assert socket.CMSG_LEN(n) == header + n
        assert socket.CMSG_SPACE(n) >= socket.CMSG_LEN(n)
        assert socket.CMSG_SPACE(n) % 8 == 0
    for bad in (-1, 2 ** 40):
        with pytest.raises(OverflowError):
            socket.CMSG_LEN(bad)
        with pytest.raises(OverflowError):
            socket.CMSG_SPACE(bad)
    with pytest.raises(TypeError):
        socket.CMSG_LEN(1.5)


def test_scm_rights_passes_descriptors(pair):
    a, b = pair
    r, w = os.pipe()
    try:
        sent = a.sendmsg([b"fd", b"s!"], [(socket.SOL_SOCKET,
                                           socket.SCM_RIGHTS,
                                           array.array("i", [r, w]))])
        assert sent == 4
        data, ancdata, flags, address = b.recvmsg(
            100, socket.CMSG_SPACE(2 * INT))
        assert (data, flags, address) == (b"fds!", 0, None)
        got = fds_of(ancdata)
        assert len(got) == 2 and not set(got) & {r, w}
        os.write(got[1], b"through the copy")
        assert os.read(r, 100) == b"through the copy"
        for fd in got:
            assert not os.get_inheritable(fd)   # close-on-exec, as all ours
            os.close(fd)
    finally:
        os.close(r)
        os.close(w)


def test_a_small_ancillary_buffer_truncates(pair):
    a, b = pair
    r, w = os.pipe()
    try:
        a.sendmsg([b"x"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                            array.array("i", [r, w]))])
        data, ancdata, flags, _addr = b.recvmsg(10, socket.CMSG_LEN(INT))
        assert data == b"x" and flags & socket.MSG_CTRUNC
        got = fds_of(ancdata)
        assert len(got) <= 1
        for fd in got:
            os.close(fd)
        # no ancillary buffer at all
        a.sendmsg([b"y"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                            array.array("i", [r]))])
        data, ancdata, flags, _addr = b.recvmsg(10)
        assert (data, ancdata) == (b"y", []) and flags & socket.MSG_CTRUNC
    finally:
        os.close(r)
        os.close(w)


def test_scm_credentials(pair):
    a, b = pair
    b.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    a.sendmsg([b"who"])
    data, ancdata, _flags, _addr = b.recvmsg(10, socket.CMSG_SPACE(12))
    assert data == b"who"
    [(level, kind, creds)] = ancdata
    assert (level, kind) == (socket.SOL_SOCKET, socket.SCM_CREDENTIALS)
    assert struct.unpack("iII", creds) == (os.getpid(), os.getuid(),
                                           os.getgid())
    # sent explicitly
    a.sendmsg([b"me"], [(socket.SOL_SOCKET, socket.SCM_CREDENTIALS,
                         struct.pack("iII", os.getpid(), os.getuid(),
                                     os.getgid()))])
    data, ancdata, _flags, _addr = b.recvmsg(10, socket.CMSG_SPACE(12))
    assert data == b"me" and ancdata[0][2] == creds


def test_recvmsg_into_fills_the_buffers_in_turn(pair):
    a, b = pair
    a.sendmsg([b"abcdefgh"])
    first, second = bytearray(3), memoryview(bytearray(10))
    nbytes, ancdata, flags, address = b.recvmsg_into([first, second])
    assert (nbytes, ancdata, flags, address) == (8, [], 0, None)
    assert bytes(first) == b"abc" and bytes(second[:5]) == b"defgh"
    with pytest.raises(TypeError):
        b.recvmsg_into([b"read-only"])


def test_datagrams_with_addresses():
    u1 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u1.bind(("127.0.0.1", 0))
        u1.settimeout(20)
        u2.bind(("127.0.0.1", 0))
        assert u2.sendmsg([b"to ", b"you"], [], 0, u1.getsockname()) == 6
        data, ancdata, flags, address = u1.recvmsg(100)
        assert (data, ancdata, flags) == (b"to you", [], 0)
        assert address == u2.getsockname()
        u2.sendmsg([b"0123456789"], [], 0, u1.getsockname())
        data, _anc, flags, _addr = u1.recvmsg(4)
        assert data == b"0123" and flags & socket.MSG_TRUNC
    finally:
        u1.close()
        u2.close()


def test_timeouts_nonblocking_and_errors(pair):
    a, b = pair
    b.settimeout(0.05)
    with pytest.raises(socket.timeout):
        b.recvmsg(10)
    b.setblocking(False)
    with pytest.raises(BlockingIOError):
        b.recvmsg(10)
    with pytest.raises(ValueError):
        b.recvmsg(-1)
    with pytest.raises(ValueError):
        b.recvmsg(10, -1)
    with pytest.raises(TypeError):
        a.sendmsg(5)
    with pytest.raises(TypeError):
        a.sendmsg([b"x"], [(1, 2)])
    with pytest.raises(TypeError):
        a.sendmsg([u"text"])
    a.close()
    with pytest.raises(OSError) as info:
        a.sendmsg([b"x"])
    assert info.value.errno == errno.EBADF


@pytest.mark.skipif(sys.version_info < (3, 9), reason="3.9's functions")
def test_send_fds_and_recv_fds(pair):
    a, b = pair
    r, w = os.pipe()
    try:
        assert socket.send_fds(a, [b"two fds"], [r, w]) == 7
        data, fds, flags, address = socket.recv_fds(b, 100, 2)
        assert (data, flags, address) == (b"two fds", 0, None)
        assert len(fds) == 2
        for fd in fds:
            os.close(fd)
    finally:
        os.close(r)
        os.close(w)


def test_multiprocessing_reduction_passes_descriptors(pair):
    from multiprocessing import reduction
    a, b = pair
    r, w = os.pipe()
    try:
        reduction.sendfds(a, [w])
        [got] = reduction.recvfds(b, 1)
        os.write(got, b"via multiprocessing")
        os.close(got)
        assert os.read(r, 100) == b"via multiprocessing"
    finally:
        os.close(r)
        os.close(w)

"""The 1998 (Python 1.5) two-argument address forms that legacy scripts
still use: s.bind(HOST, PORT), s.connect(HOST, PORT) and
s.connect_ex(HOST, PORT), against real peers on loopback; the one-tuple
form keeps working and wrong argument counts raise TypeError."""
import errno

import pytest

import _socket
import support

ECHO_SERVER = """
import socket
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.bind(('127.0.0.1', 0))
srv.listen(1)
print('READY %d' % srv.getsockname()[1])
conn, addr = srv.accept()
print('PEER %s %d' % addr)
while True:
    data = conn.recv(1024)
    if not data:
        break
    conn.send(data)
conn.close()
"""

# The 1998 reference's echo client, written against the standard library.
CLIENT = """
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
print('READY')
s.connect(('127.0.0.1', int(sys.argv[1])))
s.send(b'Hello, world')
data = s.recv(1024)
s.close()
print('Received %r' % (data,))
"""


def stop(peer):
    if not peer.proc.stdout.closed:
        peer.close()


def test_bind_host_port():
    s = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
    try:
        s.bind("127.0.0.1", 0)
        host, port = s.getsockname()
        assert host == "127.0.0.1" and port > 0
    finally:
        s.close()
    s = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
    try:
        s.bind("", 0)               # '' is INADDR_ANY, as in the 1998 example
        assert s.getsockname()[0] == "0.0.0.0"
    finally:
        s.close()


def test_1998_echo_server_with_stdlib_client():
    """The reference's echo server, 1998 style, serving a stdlib client."""
    s = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
    try:
        s.bind("", 0)
        s.listen(1)
        port = s.getsockname()[1]
        peer = support.Peer(CLIENT, args=(port,))
        try:
            conn, addr = s.accept()
            try:
                assert addr[0] == "127.0.0.1"
                while 1:
                    data = conn.recv(1024)
                    if not data:
                        break
                    conn.send(data)
            finally:
                conn.close()
            assert peer.readline() == "Received %r" % (b"Hello, world",)
            status, out, err = peer.finish()
            assert status == 0, err
        finally:
            stop(peer)
    finally:
        s.close()


def test_1998_echo_client_with_stdlib_server():
    """The reference's echo client, 1998 style, against a stdlib server."""
    peer = support.Peer(ECHO_SERVER)
    try:
        s = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
        try:
            s.connect("127.0.0.1", peer.port)
            assert s.getpeername() == ("127.0.0.1", peer.port)
            assert peer.readline() == "PEER %s %d" % s.getsockname()
            s.send(b"Hello, world")
            data = b""
            while len(data) < 12:
                chunk = s.recv(1024)
                assert chunk
                data += chunk
            assert data == b"Hello, world"
        finally:
            s.close()
        status, out, err = peer.finish()
        assert status == 0, err
    finally:
        stop(peer)


def test_connect_ex_host_port():
    peer = support.Peer(ECHO_SERVER)
    try:
        s = _socket.socket()
        try:
            assert s.connect_ex("127.0.0.1", peer.port) == 0
            s.send(b"x")
            assert s.recv(1) == b"x"
        finally:
            s.close()
        peer.finish()
    finally:
        stop(peer)
    holder = _socket.socket()
    holder.bind("127.0.0.1", 0)     # bound, not listening: refused
    s = _socket.socket()
    try:
        assert s.connect_ex("127.0.0.1", holder.getsockname()[1]) == \
            errno.ECONNREFUSED
        with pytest.raises(_socket.error) as info:
            _socket.socket().connect("127.0.0.1", holder.getsockname()[1])
        assert info.value.args[0] == errno.ECONNREFUSED
    finally:
        s.close()
        holder.close()


def test_two_argument_forms_with_timeout():
    srv = _socket.socket()
    try:
        srv.bind("127.0.0.1", 0)
        srv.listen(1)
        c = _socket.socket()
        try:
            c.settimeout(10.0)
            c.connect("127.0.0.1", srv.getsockname()[1])
            conn, addr = srv.accept()
            assert addr == c.getsockname()
            conn.close()
        finally:
            c.close()
    finally:
        srv.close()


def test_one_tuple_form_still_works():
    s = _socket.socket()
    try:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        c = _socket.socket()
        try:
            assert c.connect_ex(s.getsockname()) == 0
        finally:
            c.close()
    finally:
        s.close()


@pytest.mark.parametrize("method", ["bind", "connect", "connect_ex"])
def test_wrong_argument_counts(method):
    s = _socket.socket()
    try:
        call = getattr(s, method)
        with pytest.raises(TypeError):
            call()
        with pytest.raises(TypeError):
            call("127.0.0.1", 0, 0)
        with pytest.raises(TypeError):
            call("127.0.0.1", 0, 0, 0)
        with pytest.raises(TypeError):
            call("127.0.0.1", "port")       # port must be an integer
        with pytest.raises(TypeError):
            call(("127.0.0.1", 0), 0)       # a tuple and a port
        with pytest.raises(TypeError):
            call(host="127.0.0.1", port=0)  # no keywords
    finally:
        s.close()


def test_two_argument_port_out_of_range():
    s = _socket.socket()
    try:
        with pytest.raises(OverflowError):
            s.bind("127.0.0.1", 70000)
        with pytest.raises(OverflowError):
            s.connect("127.0.0.1", -1)
    finally:
        s.close()

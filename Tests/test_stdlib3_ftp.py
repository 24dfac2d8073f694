"""Python 3: ftplib on our socket against a real FTP server on loopback
(Tests/stdlib3_support.py's FTPServer, on socketserver in a thread of this
process, so both ends and every data connection run on our module):
login, PWD/CWD, LIST/NLST, RETR and STOR in binary and ASCII, passive
(PASV over IPv4, EPSV over IPv6) and active (PORT, EPRT) data connections,
errors as ftplib's exceptions."""
from __future__ import print_function

import hashlib
import io

import pytest

import support

if not support.PY3:
    pytest.skip("Python 3's standard library", allow_module_level=True)

import ftplib  # noqa: E402
import socket  # noqa: E402

from stdlib3_support import FTPServer, assert_ours, serving  # noqa: E402

PAYLOAD = bytes(range(256)) * 400 + b"tail"      # 102404 bytes
TEXT = b"first line\nsecond line\n\nlast line\n"
FILES = {"/pub/data.bin": PAYLOAD, "/pub/readme.txt": TEXT,
         "/top.txt": b"top\n"}
ACCOUNTS = [("user", "secret"), ("anonymous", "anonymous@")]


def _have_ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def _server(family=socket.AF_INET):
    host = "127.0.0.1" if family == socket.AF_INET else "::1"
    return FTPServer((host, 0), FILES, ACCOUNTS, family)


def _session(ftp, server):
    """The same dialogue in every mode; checks what the server saw."""
    assert_ours(ftp.sock)
    assert ftp.getwelcome() == "220 classicsocket test FTP"
    assert ftp.login("user", "secret") == "230 welcome"
    assert ftp.pwd() == "/"
    ftp.cwd("pub")
    assert ftp.pwd() == "/pub"
    assert sorted(ftp.nlst()) == ["data.bin", "readme.txt"]
    lines = []
    ftp.retrlines("LIST", lines.append)
    assert len(lines) == 2
    assert lines[0].split()[4:] == [str(len(PAYLOAD)), "Jan", "01", "2000",
                                    "data.bin"]
    assert ftp.size("data.bin") == len(PAYLOAD)

    chunks = []
    assert ftp.retrbinary("RETR data.bin", chunks.append, blocksize=4096) \
        == "226 transfer complete"
    assert b"".join(chunks) == PAYLOAD

    text = []
    ftp.retrlines("RETR readme.txt", text.append)
    assert text == ["first line", "second line", "", "last line"]

    upload = hashlib.sha256(PAYLOAD).digest() * 5000     # 160000 bytes
    reply = ftp.storbinary("STOR up.bin", io.BytesIO(upload), blocksize=7000)
    assert reply == "226 stored %d bytes" % len(upload)
    assert server.files["/pub/up.bin"] == upload
    ftp.storlines("STOR up.txt", io.BytesIO(b"a\nbb\n\nccc\n"))
    assert server.files["/pub/up.txt"] == b"a\nbb\n\nccc\n"

    ftp.rename("up.txt", "moved.txt")
    assert "moved.txt" in ftp.nlst()
    ftp.delete("moved.txt")
    assert "moved.txt" not in ftp.nlst()
    with pytest.raises(ftplib.error_perm) as info:
        ftp.retrbinary("RETR missing.bin", chunks.append)
    assert str(info.value).startswith("550")
    with pytest.raises(ftplib.error_perm):
        ftp.cwd("/nowhere")
    ftp.cwd("..")
    assert ftp.pwd() == "/"
    assert ftp.voidcmd("NOOP") == "200 ok"
    # Each of the 8 listings and transfers that succeeded above had a data
    # connection of its own on the server's side.
    assert len(server.data_sockets) == 8
    for kind in server.data_sockets + server.accepted:
        assert issubclass(kind, socket.socket) and kind.__module__ == "socket"


def _run(family, passive, verb):
    server = _server(family)
    with serving(server) as address:
        with ftplib.FTP(timeout=30) as ftp:
            ftp.connect(address[0], address[1])
            assert ftp.af == family
            ftp.set_pasv(passive)
            _session(ftp, server)
        # The with-block sent QUIT and closed the control connection.
        assert ftp.sock is None
    data_verbs = server.verbs & set(["PASV", "EPSV", "PORT", "EPRT"])
    assert data_verbs == set([verb])


def test_passive_ipv4_pasv():
    _run(socket.AF_INET, True, "PASV")


def test_active_ipv4_port():
    _run(socket.AF_INET, False, "PORT")


@pytest.mark.skipif(not _have_ipv6_loopback(), reason="no IPv6 loopback")
def test_passive_ipv6_epsv():
    _run(socket.AF_INET6, True, "EPSV")


@pytest.mark.skipif(not _have_ipv6_loopback(), reason="no IPv6 loopback")
def test_active_ipv6_eprt():
    _run(socket.AF_INET6, False, "EPRT")


def test_login_refused_and_constructor_login():
    with serving(_server()) as (host, port):
        ftp = ftplib.FTP(timeout=30)
        try:
            ftp.connect(host, port)
            with pytest.raises(ftplib.error_perm) as info:
                ftp.login("user", "wrong")
            assert str(info.value) == "530 wrong login"
            with pytest.raises(ftplib.error_perm):
                ftp.pwd()
        finally:
            ftp.close()
        # anonymous login with ftplib's default password
        with ftplib.FTP(timeout=30) as ftp:
            ftp.connect(host, port)
            ftp.login()
            assert ftp.pwd() == "/"
            assert ftp.nlst() == ["top.txt"]


def test_connection_refused_is_an_oserror():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]           # bound, not listening
        with pytest.raises(ConnectionRefusedError):
            ftplib.FTP().connect("127.0.0.1", port, timeout=30)


def test_urllib_ftp_url():
    # urllib's ftpwrapper closes the data socket as soon as it has made a
    # file of it: the descriptor must stay open until that file is closed.
    import urllib.request
    server = _server()
    with serving(server) as (host, port):
        url = "ftp://user:secret@%s:%d/pub/data.bin" % (host, port)
        with urllib.request.urlopen(url, timeout=30) as reply:
            assert reply.headers["Content-length"] == str(len(PAYLOAD))
            assert reply.read() == PAYLOAD
        url = "ftp://user:secret@%s:%d/pub/" % (host, port)
        with urllib.request.urlopen(url, timeout=30) as reply:
            listing = reply.read().decode().splitlines()
        assert [line.split()[-1] for line in listing] == ["data.bin",
                                                          "readme.txt"]
    assert "RETR" in server.verbs and "LIST" in server.verbs

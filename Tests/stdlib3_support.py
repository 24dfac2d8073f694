"""Helpers for the Python 3 tests of the standard library's network modules
on our socket (Tests/test_stdlib3*.py; Python 3 only, imported after their
skip on 2.7): a server run in a thread, the check that a socket object is
this project's, and small real servers written on socketserver (a line
dialogue, FTP)."""
import contextlib
import os
import posixpath
import socket
import socketserver
import threading

import _socket

import support


def _under_lib(path):
    path = os.path.realpath(path or "")
    return path.startswith(os.path.realpath(support.LIB) + os.sep)


def assert_ours(sock):
    """Fails unless sock is a socket object of this project's modules: an
    instance of Lib/socket.py's class (ssl.SSLSocket subclasses it) over
    Lib/_socket's type, with both modules loaded from Lib/."""
    assert _under_lib(socket.__file__), socket.__file__
    assert _under_lib(_socket.__file__), _socket.__file__
    assert isinstance(sock, socket.socket), type(sock)
    assert isinstance(sock, _socket.socket), type(sock)
    mro = type(sock).__mro__
    assert socket.socket in mro and mro.index(socket.socket) < \
        mro.index(_socket.socket)
    if type(sock).__module__ != "ssl":
        assert type(sock).__module__ == "socket", type(sock)
    return sock


@contextlib.contextmanager
def serving(server):
    """Runs server.serve_forever() in a thread for the with-block; yields
    the server's address.  The server is shut down and closed after it
    (block_on_close: its request threads are joined)."""
    assert_ours(server.socket)
    thread = threading.Thread(target=server.serve_forever,
                              kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server.server_address
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


class ThreadingServer(socketserver.ThreadingTCPServer):
    """A threading TCP server whose request threads are joined on close
    and which records the type of each socket it accepted (`accepted`)."""
    daemon_threads = False
    block_on_close = True
    allow_reuse_address = True

    def __init__(self, address, handler, family=socket.AF_INET):
        self.address_family = family
        self.accepted = []
        socketserver.ThreadingTCPServer.__init__(self, address, handler)

    def get_request(self):
        conn, addr = socketserver.ThreadingTCPServer.get_request(self)
        self.accepted.append(type(conn))
        return conn, addr


class LineHandler(socketserver.StreamRequestHandler):
    """A line-based dialogue: `dialogue` maps a command's first word to the
    reply line(s), or to a function (handler, line) giving them; QUIT ends
    it."""
    greeting = b""
    dialogue = {}

    def handle(self):
        assert_ours(self.request)
        self.wfile.write(self.greeting)
        for line in self.rfile:
            word = line.split(b" ", 1)[0].strip().upper()
            reply = self.dialogue.get(word)
            if callable(reply):
                reply = reply(self, line)
            self.wfile.write(reply or b"500 unknown\r\n")
            if word == b"QUIT":
                return


# --- FTP (RFC 959, with RFC 2428's EPSV and EPRT) -------------------------

class FTPHandler(socketserver.StreamRequestHandler):
    """One FTP control connection over the server's in-memory tree
    (server.files: {absolute path: bytes}).  Enough of RFC 959 for
    ftplib: USER PASS PWD CWD CDUP TYPE PASV EPSV PORT EPRT LIST NLST
    RETR STOR SIZE DELE MKD RNFR RNTO NOOP QUIT.  Each data connection's
    socket type goes to server.data_sockets."""

    timeout = 60        # a stuck client cannot hold the server's thread

    def setup(self):
        socketserver.StreamRequestHandler.setup(self)
        self.cwd = "/"
        self.user = None
        self.logged_in = False
        self.binary = False
        self.passive = None         # listening socket after PASV/EPSV
        self.active = None          # (host, port) after PORT/EPRT
        self.rename_from = None

    def reply(self, text):
        self.wfile.write(text.encode("utf-8") + b"\r\n")

    def handle(self):
        assert_ours(self.request)
        self.reply("220 classicsocket test FTP")
        while True:
            # (self.rfile is remade by AUTH TLS: read it anew each time)
            line = self.rfile.readline()
            if not line:
                break
            line = line.decode("utf-8").rstrip("\r\n")
            verb, _, arg = line.partition(" ")
            verb = verb.upper()
            self.server.verbs.add(verb)
            method = getattr(self, "ftp_" + verb, None)
            if method is None:
                self.reply("502 %s not implemented" % verb)
            elif not self.logged_in and verb not in ("USER", "PASS", "QUIT",
                                                        "AUTH"):
                self.reply("530 log in first")
            else:
                method(arg)
            if verb == "QUIT":
                break
        self.drop_data()

    def finish(self):
        self.drop_data()
        socketserver.StreamRequestHandler.finish(self)

    def path(self, arg):
        return posixpath.normpath(posixpath.join(self.cwd, arg or "."))

    # control
    def ftp_USER(self, arg):
        self.user = arg
        self.reply("331 password please")

    def ftp_PASS(self, arg):
        if (self.user, arg) in self.server.accounts:
            self.logged_in = True
            self.reply("230 welcome")
        else:
            self.reply("530 wrong login")

    def ftp_QUIT(self, arg):
        self.reply("221 bye")

    def ftp_NOOP(self, arg):
        self.reply("200 ok")

    def ftp_TYPE(self, arg):
        kind = arg.upper()
        if kind not in ("A", "I", "L 8"):
            self.reply("504 type %s" % arg)
            return
        self.binary = kind != "A"
        self.reply("200 type set to %s" % kind)

    def ftp_PWD(self, arg):
        self.reply('257 "%s" is the current directory'
                   % self.cwd.replace('"', '""'))

    def ftp_CWD(self, arg):
        target = self.path(arg)
        if target not in self.server.dirs:
            self.reply("550 no such directory")
            return
        self.cwd = target
        self.reply("250 now in %s" % target)

    def ftp_CDUP(self, arg):
        self.ftp_CWD("..")

    def ftp_MKD(self, arg):
        target = self.path(arg)
        self.server.dirs.add(target)
        self.reply('257 "%s" created' % target)

    def ftp_SIZE(self, arg):
        data = self.server.files.get(self.path(arg))
        if data is None:
            self.reply("550 no such file")
        else:
            self.reply("213 %d" % len(data))

    def ftp_DELE(self, arg):
        if self.server.files.pop(self.path(arg), None) is None:
            self.reply("550 no such file")
        else:
            self.reply("250 deleted")

    def ftp_RNFR(self, arg):
        self.rename_from = self.path(arg)
        self.reply("350 ready for RNTO")

    def ftp_RNTO(self, arg):
        data = self.server.files.pop(self.rename_from, None)
        if data is None:
            self.reply("550 no such file")
            return
        self.server.files[self.path(arg)] = data
        self.reply("250 renamed")

    # data connection set-up
    def drop_data(self):
        if self.passive is not None:
            self.passive.close()
            self.passive = None
        self.active = None

    def listen_data(self):
        self.drop_data()
        host = self.request.getsockname()[0]
        self.passive = socket.create_server((host, 0),
                                            family=self.request.family)
        self.passive.settimeout(30)
        return self.passive.getsockname()[1]

    def ftp_PASV(self, arg):
        if self.request.family != socket.AF_INET:
            self.reply("522 use EPSV")
            return
        port = self.listen_data()
        host = self.request.getsockname()[0].replace(".", ",")
        self.reply("227 Entering Passive Mode (%s,%d,%d)"
                   % (host, port >> 8, port & 255))

    def ftp_EPSV(self, arg):
        port = self.listen_data()
        self.reply("229 Entering Extended Passive Mode (|||%d|)" % port)

    def ftp_PORT(self, arg):
        fields = arg.split(",")
        self.drop_data()
        self.active = (".".join(fields[:4]),
                       int(fields[4]) * 256 + int(fields[5]))
        self.reply("200 PORT ok")

    def ftp_EPRT(self, arg):
        # |proto|address|port| with the first character as the delimiter
        _, proto, host, port, _ = arg.split(arg[0])
        self.drop_data()
        self.active = (host, int(port))
        self.reply("200 EPRT ok (protocol %s)" % proto)

    def open_data(self):
        """The data connection of the current transfer (after the 150
        reply), accepted or made as PASV/EPSV or PORT/EPRT said."""
        if self.passive is not None:
            conn, _ = self.passive.accept()
            self.passive.close()
            self.passive = None
        elif self.active is not None:
            conn = socket.create_connection(self.active, timeout=30)
            self.active = None
        else:
            raise AssertionError("no PASV, EPSV, PORT or EPRT before")
        conn.settimeout(30)
        self.server.data_sockets.append(type(conn))
        return self.wrap_data(conn)

    def wrap_data(self, conn):
        return conn

    def close_data(self, conn):
        conn.close()

    def send_data(self, data, size=""):
        if not (self.passive or self.active):
            self.reply("425 use PASV, EPSV, PORT or EPRT first")
            return
        self.reply("150 opening %s data connection%s"
                   % ("BINARY" if self.binary else "ASCII", size))
        conn = self.open_data()
        try:
            conn.sendall(data)
        finally:
            self.close_data(conn)
        self.reply("226 transfer complete")

    # transfers
    def listing(self, arg, long_form):
        folder = self.path(arg)
        lines = []
        for name in sorted(self.server.files):
            if posixpath.dirname(name) == folder:
                base = posixpath.basename(name)
                if long_form:
                    lines.append("-rw-r--r-- 1 ftp ftp %8d Jan 01 2000 %s"
                                 % (len(self.server.files[name]), base))
                else:
                    lines.append(base)
        return "".join(line + "\r\n" for line in lines).encode("utf-8")

    def ftp_LIST(self, arg):
        self.send_data(self.listing(arg, True))

    def ftp_NLST(self, arg):
        self.send_data(self.listing(arg, False))

    def ftp_RETR(self, arg):
        data = self.server.files.get(self.path(arg))
        if data is None:
            self.drop_data()
            self.reply("550 no such file")
            return
        if not self.binary:
            data = data.replace(b"\n", b"\r\n")
        self.send_data(data, " (%d bytes)" % len(data))

    def ftp_STOR(self, arg):
        if not (self.passive or self.active):
            self.reply("425 use PASV, EPSV, PORT or EPRT first")
            return
        self.reply("150 ready to receive")
        conn = self.open_data()
        pieces = []
        try:
            while True:
                data = conn.recv(65536)
                if not data:
                    break
                pieces.append(data)
        finally:
            self.close_data(conn)
        data = b"".join(pieces)
        if not self.binary:
            data = data.replace(b"\r\n", b"\n")
        self.server.files[self.path(arg)] = data
        self.reply("226 stored %d bytes" % len(data))


class FTPTLSHandler(FTPHandler):
    """FTPHandler with RFC 4217's AUTH TLS, PBSZ and PROT (C or P) over
    server.tls_context; protected data connections end with close_notify
    both ways, as ftplib's FTP_TLS does."""

    def setup(self):
        FTPHandler.setup(self)
        self.tls = False
        self.protect = False

    def finish(self):
        FTPHandler.finish(self)
        if self.tls:
            self.request.close()    # see SMTPHandler.finish

    def ftp_AUTH(self, arg):
        if arg.upper() != "TLS" or self.tls:
            self.reply("504 AUTH TLS only, once")
            return
        self.reply("234 AUTH TLS successful")
        # The client waits for the handshake: nothing is buffered yet.
        self.rfile.close()
        self.wfile.close()
        self.request = self.connection = self.server.tls_context.wrap_socket(
            self.request, server_side=True)
        assert_ours(self.request)
        self.rfile = self.request.makefile("rb")
        self.wfile = self.request.makefile("wb", buffering=0)
        self.tls = True
        self.server.verbs.add("TLS")

    def ftp_PBSZ(self, arg):
        self.reply("200 PBSZ=0")

    def ftp_PROT(self, arg):
        if arg.upper() not in ("C", "P"):
            self.reply("536 PROT C or P")
            return
        self.protect = arg.upper() == "P"
        self.reply("200 protection level %s" % arg.upper())

    def wrap_data(self, conn):
        if not self.protect:
            return conn
        tls = self.server.tls_context.wrap_socket(conn, server_side=True)
        assert_ours(tls)
        self.server.data_sockets[-1] = type(tls)
        return tls

    def close_data(self, conn):
        if self.protect:
            try:
                conn.unwrap().close()
            except OSError:
                pass
        conn.close()


class FTPServer(ThreadingServer):
    """A threading FTP server (FTPHandler, or FTPTLSHandler with
    tls_context) over `files`, an in-memory tree {absolute path: bytes};
    `accounts` is a set of (user, password)."""

    def __init__(self, address, files, accounts, family=socket.AF_INET,
                 handler=FTPHandler, tls_context=None):
        self.tls_context = tls_context
        self.files = dict(files)
        self.dirs = set(["/"]) | set(posixpath.dirname(name)
                                     for name in files)
        self.accounts = set(accounts)
        self.data_sockets = []
        self.verbs = set()          # every command verb received
        ThreadingServer.__init__(self, address, handler, family)


# --- SMTP (RFC 5321, with RFC 3207's STARTTLS) ----------------------------

class SMTPHandler(socketserver.StreamRequestHandler):
    """One SMTP session.  Accepted messages go to server.messages as
    (sender, recipients, data with dot-stuffing undone, over TLS?).
    Recipients in a domain of server.refused get 550; with
    server.tls_context set, STARTTLS is offered and done."""

    timeout = 60

    def reply(self, text):
        self.wfile.write(text.encode("ascii") + b"\r\n")

    def start_tls(self):
        # The client sends nothing more until the handshake: nothing is
        # buffered in rfile, so the files can be remade on the TLS socket.
        self.rfile.close()
        self.wfile.close()
        self.request = self.connection = self.server.tls_context.wrap_socket(
            self.request, server_side=True)
        assert_ours(self.request)
        self.rfile = self.request.makefile("rb")
        self.wfile = self.request.makefile("wb", buffering=0)
        self.tls = True

    def finish(self):
        socketserver.StreamRequestHandler.finish(self)
        if self.tls:
            # socketserver closes the socket it accepted, which the TLS
            # one took over (detached): this one is closed here.
            self.request.close()

    def reset(self):
        self.sender = None
        self.recipients = []

    def setup(self):
        socketserver.StreamRequestHandler.setup(self)
        self.tls = False

    def handle(self):
        assert_ours(self.request)
        self.reset()
        self.reply("220 classicsocket test ESMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb, _, arg = line.decode("ascii").rstrip("\r\n").partition(" ")
            verb = verb.upper()
            if verb == "EHLO":
                features = ["SIZE 1000000", "8BITMIME"]
                if self.server.tls_context is not None and not self.tls:
                    features.append("STARTTLS")
                lines = ["classicsocket greets %s" % arg] + features
                for text in lines[:-1]:
                    self.reply("250-" + text)
                self.reply("250 " + lines[-1])
            elif verb == "HELO":
                self.reply("250 classicsocket")
            elif verb == "STARTTLS" and self.server.tls_context is not None:
                self.reply("220 go ahead")
                self.start_tls()
                self.reset()
            elif verb == "MAIL":
                self.sender = arg.partition("<")[2].partition(">")[0]
                self.reply("250 sender ok")
            elif verb == "RCPT":
                recipient = arg.partition("<")[2].partition(">")[0]
                if recipient.rpartition("@")[2] in self.server.refused:
                    self.reply("550 no such user here")
                else:
                    self.recipients.append(recipient)
                    self.reply("250 recipient ok")
            elif verb == "DATA":
                if not self.recipients:
                    self.reply("503 need RCPT first")
                    continue
                self.reply("354 end with <CRLF>.<CRLF>")
                lines = []
                for body in self.rfile:
                    if body == b".\r\n":
                        break
                    if body.startswith(b"."):
                        body = body[1:]
                    lines.append(body)
                self.server.messages.append(
                    (self.sender, self.recipients, b"".join(lines), self.tls))
                self.reset()
                self.reply("250 queued as %d" % len(self.server.messages))
            elif verb == "RSET":
                self.reset()
                self.reply("250 reset")
            elif verb == "NOOP":
                self.reply("250 ok")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 %s not implemented" % verb)


class SMTPServer(ThreadingServer):
    """A threading SMTP server (SMTPHandler); see there for messages,
    refused and tls_context."""

    def __init__(self, address, refused=(), tls_context=None):
        self.messages = []
        self.refused = set(refused)
        self.tls_context = tls_context
        ThreadingServer.__init__(self, address, SMTPHandler)


# --- asyncio --------------------------------------------------------------

def transport_socket(writer):
    """The socket object under a stream writer (3.8 on wraps it in
    asyncio.trsock.TransportSocket)."""
    sock = writer.get_extra_info("socket")
    return getattr(sock, "_sock", sock)


async def echo_stream(reader, writer):
    """start_server's callback: echoes until EOF, then closes."""
    import asyncio
    assert_ours(transport_socket(writer))
    while True:
        data = await reader.read(65536)
        if not data:
            break
        writer.write(data)
        await writer.drain()
    writer.close()
    await asyncio.wait_for(writer.wait_closed(), 30)


async def stream_round_trip(reader, writer, payload):
    """Sends payload (from a task, while reading) and half-closes where the
    transport can (TLS cannot: then as many bytes as were sent are read);
    returns what came back."""
    import asyncio

    async def send():
        for start in range(0, len(payload), 50000):
            writer.write(payload[start:start + 50000])
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()

    sender = asyncio.ensure_future(send())
    try:
        if writer.can_write_eof():
            data = await asyncio.wait_for(reader.read(), 60)
        else:
            data = await asyncio.wait_for(reader.readexactly(len(payload)),
                                          60)
    finally:
        await asyncio.wait_for(sender, 60)
    writer.close()
    await asyncio.wait_for(writer.wait_closed(), 30)
    return data


async def tcp_echo(host, payload, ssl_server=None, ssl_client=None):
    """start_server() with echo_stream on 127.0.0.1, open_connection() to
    host (a name goes through getaddrinfo in the loop's executor); returns
    the echo of payload.  With ssl_server/ssl_client: over TLS."""
    import asyncio
    server = await asyncio.start_server(echo_stream, "127.0.0.1", 0,
                                        ssl=ssl_server)
    try:
        listener = getattr(server.sockets[0], "_sock", server.sockets[0])
        assert_ours(listener)
        port = listener.getsockname()[1]
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port, ssl=ssl_client), 60)
        sock = transport_socket(writer)
        assert_ours(sock)
        assert sock.family == socket.AF_INET
        assert sock.type == socket.SOCK_STREAM and not sock.getblocking()
        if ssl_client is not None:
            tls = writer.get_extra_info("ssl_object")
            assert tls.version() in ("TLSv1.2", "TLSv1.3")
            subject = dict(pair[0] for pair in
                           writer.get_extra_info("peercert")["subject"])
            assert subject["commonName"] == "localhost"
        return await stream_round_trip(reader, writer, payload)
    finally:
        server.close()
        await asyncio.wait_for(server.wait_closed(), 30)


async def unix_echo(path, payload):
    """As tcp_echo, over an AF_UNIX stream socket at path."""
    import asyncio
    server = await asyncio.start_unix_server(echo_stream, path)
    try:
        reader, writer = await asyncio.open_unix_connection(path)
        sock = transport_socket(writer)
        assert_ours(sock)
        assert sock.family == socket.AF_UNIX
        return await stream_round_trip(reader, writer, payload)
    finally:
        server.close()
        await asyncio.wait_for(server.wait_closed(), 30)


async def loop_sock_calls(payload):
    """The event loop's low-level sock_accept/sock_connect/sock_sendall/
    sock_recv on our non-blocking sockets; returns what was received, and
    checks the loop's own wake-up socketpair is ours."""
    import asyncio
    loop = asyncio.get_running_loop()
    assert_ours(loop._ssock)        # the self-pipe of the selector loop
    with socket.create_server(("127.0.0.1", 0)) as listener, \
            socket.socket() as client:
        listener.setblocking(False)
        client.setblocking(False)
        accepting = asyncio.ensure_future(loop.sock_accept(listener))
        await asyncio.wait_for(
            loop.sock_connect(client, listener.getsockname()), 30)
        conn, address = await asyncio.wait_for(accepting, 30)
        with conn:
            assert_ours(conn)
            assert address == client.getsockname()
            conn.setblocking(False)
            sending = asyncio.ensure_future(loop.sock_sendall(client,
                                                              payload))
            pieces = []
            total = 0
            while total < len(payload):
                data = await asyncio.wait_for(loop.sock_recv(conn, 65536), 30)
                assert data
                pieces.append(data)
                total += len(data)
            await asyncio.wait_for(sending, 30)
            return b"".join(pieces)


async def udp_echo(datagrams):
    """create_datagram_endpoint(): an echo endpoint and a client; returns
    the replies to datagrams, in order."""
    import asyncio
    loop = asyncio.get_running_loop()

    class Echo(asyncio.DatagramProtocol):
        def connection_made(self, transport):
            self.transport = transport

        def datagram_received(self, data, address):
            self.transport.sendto(data.upper(), address)

    class Client(asyncio.DatagramProtocol):
        def __init__(self):
            self.replies = asyncio.Queue()

        def datagram_received(self, data, address):
            self.replies.put_nowait(data)

    server, _ = await loop.create_datagram_endpoint(
        Echo, local_addr=("127.0.0.1", 0))
    try:
        sock = server.get_extra_info("socket")
        assert_ours(getattr(sock, "_sock", sock))
        client, protocol = await loop.create_datagram_endpoint(
            Client, remote_addr=sock.getsockname())
        try:
            replies = []
            for datagram in datagrams:
                client.sendto(datagram)
                replies.append(await asyncio.wait_for(protocol.replies.get(),
                                                      30))
            return replies
        finally:
            client.close()
    finally:
        server.close()


async def start_tls_echo(server_context, client_context, payload):
    """A plain stream connection upgraded to TLS on both sides with
    StreamWriter.start_tls() (3.11 on) after a STARTTLS line; returns the
    echo of payload over TLS."""
    import asyncio

    async def serve(reader, writer):
        assert await reader.readline() == b"STARTTLS\n"
        writer.write(b"GO\n")
        await writer.drain()
        await writer.start_tls(server_context)
        await echo_stream(reader, writer)

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    try:
        port = server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"STARTTLS\n")
        assert await asyncio.wait_for(reader.readline(), 30) == b"GO\n"
        assert writer.get_extra_info("ssl_object") is None
        await asyncio.wait_for(writer.start_tls(
            client_context, server_hostname="localhost"), 60)
        assert writer.get_extra_info("ssl_object").version() in (
            "TLSv1.2", "TLSv1.3")
        assert_ours(transport_socket(writer))
        return await stream_round_trip(reader, writer, payload)
    finally:
        server.close()
        await asyncio.wait_for(server.wait_closed(), 30)


async def read_with_deadline(host, port, timeout):
    """Connects and waits for data that never comes: raises
    asyncio.TimeoutError after timeout seconds."""
    import asyncio
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection(host, port), 30)
    try:
        assert_ours(transport_socket(writer))
        await asyncio.wait_for(reader.read(1), timeout)
    finally:
        writer.close()
        await asyncio.wait_for(writer.wait_closed(), 30)


async def sendfile_both_ways(path):
    """loop.sock_sendfile() on a connected socket, then loop.sendfile() on
    a stream transport (both os.sendfile() on our descriptors); returns
    (bytes counted by the loop, bytes the peers received) for each."""
    import asyncio
    loop = asyncio.get_running_loop()
    received = []

    async def sink(reader, writer):
        received.append(await reader.read())
        writer.close()
        await asyncio.wait_for(writer.wait_closed(), 30)

    server = await asyncio.start_server(sink, "127.0.0.1", 0)
    try:
        address = server.sockets[0].getsockname()
        results = []
        # 1. loop.sock_sendfile() on a bare non-blocking socket
        with socket.create_connection(address, timeout=30) as sock:
            sock.setblocking(False)
            with open(path, "rb") as f:
                sent = await asyncio.wait_for(loop.sock_sendfile(sock, f),
                                              60)
            sock.shutdown(socket.SHUT_WR)
            assert await asyncio.wait_for(loop.sock_recv(sock, 1), 30) == b""
        results.append(sent)
        # 2. loop.sendfile() on a stream's transport
        reader, writer = await asyncio.open_connection(*address)
        with open(path, "rb") as f:
            sent = await asyncio.wait_for(loop.sendfile(writer.transport, f),
                                          60)
        writer.write_eof()
        assert await asyncio.wait_for(reader.read(), 30) == b""
        writer.close()
        await asyncio.wait_for(writer.wait_closed(), 30)
        results.append(sent)
        return results, received
    finally:
        server.close()
        await asyncio.wait_for(server.wait_closed(), 30)


async def loop_datagram_calls(datagrams):
    """loop.sock_sendto()/sock_recvfrom()/sock_recvfrom_into() (3.11 on)
    on our non-blocking UDP sockets; returns what arrived, with the
    sender's address."""
    import asyncio
    loop = asyncio.get_running_loop()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as a, \
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as b:
        a.bind(("127.0.0.1", 0))
        b.bind(("127.0.0.1", 0))
        a.setblocking(False)
        b.setblocking(False)
        got = []
        buffer = bytearray(65536)
        for n, datagram in enumerate(datagrams):
            await loop.sock_sendto(a, datagram, b.getsockname())
            if n % 2:
                size, address = await asyncio.wait_for(
                    loop.sock_recvfrom_into(b, buffer), 30)
                got.append((bytes(buffer[:size]), address))
            else:
                got.append(await asyncio.wait_for(
                    loop.sock_recvfrom(b, 65536), 30))
        return got, a.getsockname()

"""The Python 3 layer of socket.py (issue 10): with it `import socket` on
Python 3 gives the running interpreter's own module in API and behaviour.

socket.py executes this file in its own namespace on Python 3 only (2.7
cannot parse it), after the names common to both lines: the C module's,
getfqdn, create_connection, and the 2.x classes _socketobject and
_fileobject, which stay importable.  The names defined here replace the 2.x
ones where Python 3's differ.  It is not a module of its own.
"""
if __name__ != "socket":
    raise ImportError("_socket3.py is part of socket.py, not a module")

import io as _io
import os as _os
import selectors as _selectors
import sys as _sys
from enum import IntEnum as _IntEnum, IntFlag as _IntFlag

import _socket

error = OSError
if _sys.version_info >= (3, 10):
    timeout = TimeoutError

_ssocket = SocketType = _socket.socket

_LOCALHOST = '127.0.0.1'
_LOCALHOST_V6 = '::1'

_IntEnum._convert_(
    'AddressFamily', __name__,
    lambda name: name.isupper() and name.startswith('AF_'))
_IntEnum._convert_(
    'SocketKind', __name__,
    lambda name: name.isupper() and name.startswith('SOCK_'))
_IntFlag._convert_(
    'MsgFlag', __name__,
    lambda name: name.isupper() and name.startswith('MSG_'))
_IntFlag._convert_(
    'AddressInfo', __name__,
    lambda name: name.isupper() and name.startswith('AI_'))

def _intenum_converter(value, enum_klass):
    # A value the enum lacks (a family of a newer kernel) stays an int.
    try:
        return enum_klass(value)
    except ValueError:
        return value

__all__ = ["fromfd", "getfqdn", "create_connection", "create_server",
           "has_dualstack_ipv6", "AddressFamily", "SocketKind",
           "socketpair", "dup", "close"]
# ssl() and its names stay out, as in the common part (socket.py's
# _ssl_names): `from socket import *` must not bind `ssl` over the module.
__all__.extend(_name for _name in dir(_socket)
               if not _name.startswith(("_", "SSL_ERROR_"))
               and _name not in _ssl_names)

class socket(_ssocket):
    """A subclass of _socket.socket adding makefile(), sendfile(), the
    context manager and enum-valued family and type."""

    __slots__ = ["_io_refs", "_closed"]

    def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
        # the defaults are put in here, as Python 3's own class does, so
        # that the audit event socket.__new__ shows them
        if fileno is None:
            if family == -1:
                family = AF_INET
            if type == -1:
                type = SOCK_STREAM
            if proto == -1:
                proto = 0
        _ssocket.__init__(self, family, type, proto, fileno)
        self._io_refs = 0
        self._closed = False

    def __enter__(self):
        return self

    def __exit__(self, *args):
        if not self._closed:
            self.close()

    def __repr__(self):
        closed = getattr(self, '_closed', False)
        text = "<%s.%s%s fd=%i, family=%s, type=%s, proto=%i" % (
            self.__class__.__module__, self.__class__.__qualname__,
            " [closed]" if closed else "", self.fileno(), self.family,
            self.type, self.proto)
        if not closed:
            try:
                laddr = self.getsockname()
                if laddr:
                    text += ", laddr=%s" % str(laddr)
            except error:
                pass
            try:
                raddr = self.getpeername()
                if raddr:
                    text += ", raddr=%s" % str(raddr)
            except error:
                pass
        return text + '>'

    def __getstate__(self):
        raise TypeError("cannot pickle %r object"
                        % self.__class__.__name__)

    def dup(self):
        """dup() -> socket object

        A new socket object on a duplicate of the descriptor."""
        fd = dup(self.fileno())
        sock = self.__class__(self.family, self.type, self.proto,
                              fileno=fd)
        sock.settimeout(self.gettimeout())
        return sock

    def accept(self):
        """accept() -> (socket object, address info)"""
        fd, addr = self._accept()
        sock = socket(self.family, self.type, self.proto, fileno=fd)
        # The new socket is blocking unless a default timeout is set;
        # a listening socket with a timeout gives one that blocks, as
        # Python 3 does.
        if getdefaulttimeout() is None and self.gettimeout():
            sock.setblocking(True)
        return sock, addr

    def listen(self, backlog=None):
        """listen([backlog])"""
        if backlog is None:
            backlog = min(SOMAXCONN, 128)
        if backlog < 0:
            backlog = 0
        return _ssocket.listen(self, backlog)

    def makefile(self, mode="r", buffering=None, *,
                 encoding=None, errors=None, newline=None):
        """makefile(...) -> an I/O stream connected to the socket

        The arguments are as for io.open() after the file name, but
        the only modes are 'r', 'w', 'b' and combinations of them."""
        if not set(mode) <= {"r", "w", "b"}:
            raise ValueError("invalid mode %r (only r, w, b allowed)"
                             % (mode,))
        writing = "w" in mode
        reading = "r" in mode or not writing
        assert reading or writing
        binary = "b" in mode
        rawmode = ""
        if reading:
            rawmode += "r"
        if writing:
            rawmode += "w"
        raw = SocketIO(self, rawmode)
        self._io_refs += 1
        if buffering is None:
            buffering = -1
        if buffering < 0:
            buffering = _io.DEFAULT_BUFFER_SIZE
        if buffering == 0:
            if not binary:
                raise ValueError("unbuffered streams must be binary")
            return raw
        if reading and writing:
            buffer = _io.BufferedRWPair(raw, raw, buffering)
        elif reading:
            buffer = _io.BufferedReader(raw, buffering)
        else:
            buffer = _io.BufferedWriter(raw, buffering)
        if binary:
            return buffer
        text = _io.TextIOWrapper(buffer, encoding, errors, newline)
        text.mode = mode
        return text

    def _sendfile_use_sendfile(self, file, offset=0, count=None):
        # os.sendfile() from the file's descriptor, waiting with a
        # selector when the socket has a timeout.
        self._check_sendfile_params(file, offset, count)
        sockno = self.fileno()
        try:
            fileno = file.fileno()
        except (AttributeError, _io.UnsupportedOperation) as err:
            raise _GiveupOnSendfile(err)
        try:
            fsize = _os.fstat(fileno).st_size
        except OSError as err:
            raise _GiveupOnSendfile(err)
        if not fsize:
            return 0
        blocksize = min(count or fsize, 2 ** 30)
        timeout = self.gettimeout()
        if timeout == 0:
            raise ValueError("non-blocking sockets are not supported")
        if timeout:
            selector = _selectors.PollSelector()
            selector.register(sockno, _selectors.EVENT_WRITE)
        total_sent = 0
        try:
            while True:
                if timeout and not selector.select(timeout):
                    raise _socket.timeout('timed out')
                if count:
                    blocksize = count - total_sent
                    if blocksize <= 0:
                        break
                try:
                    sent = _os.sendfile(sockno, fileno, offset, blocksize)
                except BlockingIOError:
                    if not timeout:
                        # A descriptor made non-blocking elsewhere:
                        # wait for room without a deadline.
                        _wait_writable(sockno)
                    continue
                except OSError as err:
                    if total_sent == 0:
                        # The kernel cannot send this file (e.g. it is
                        # not a regular one): fall back to send().
                        raise _GiveupOnSendfile(err)
                    raise
                else:
                    if sent == 0:
                        break
                    offset += sent
                    total_sent += sent
            return total_sent
        finally:
            if total_sent > 0 and hasattr(file, 'seek'):
                file.seek(offset)
            if timeout:
                selector.close()

    def _sendfile_use_send(self, file, offset=0, count=None):
        self._check_sendfile_params(file, offset, count)
        if self.gettimeout() == 0:
            raise ValueError("non-blocking sockets are not supported")
        if offset:
            file.seek(offset)
        blocksize = min(count, 8192) if count else 8192
        total_sent = 0
        try:
            while True:
                if count:
                    blocksize = min(count - total_sent, blocksize)
                    if blocksize <= 0:
                        break
                data = memoryview(file.read(blocksize))
                if not data:
                    break
                while data:
                    try:
                        sent = self.send(data)
                    except BlockingIOError:
                        continue
                    total_sent += sent
                    data = data[sent:]
            return total_sent
        finally:
            if total_sent > 0 and hasattr(file, 'seek'):
                file.seek(offset + total_sent)

    def _check_sendfile_params(self, file, offset, count):
        if 'b' not in getattr(file, 'mode', 'b'):
            raise ValueError("file should be opened in binary mode")
        if not self.type & SOCK_STREAM:
            raise ValueError("only SOCK_STREAM type sockets are supported")
        if count is not None:
            if not isinstance(count, int):
                raise TypeError(
                    "count must be a positive integer (got {!r})"
                    .format(count))
            if count <= 0:
                raise ValueError(
                    "count must be a positive integer (got {!r})"
                    .format(count))

    def sendfile(self, file, offset=0, count=None):
        """sendfile(file[, offset[, count]]) -> sent

        Send a file (opened in binary mode) until EOF, or count
        bytes from offset, with os.sendfile() where the file allows it,
        else with send().  The file's position is left after the last
        byte sent.  The socket must be a blocking SOCK_STREAM one."""
        try:
            return self._sendfile_use_sendfile(file, offset, count)
        except _GiveupOnSendfile:
            return self._sendfile_use_send(file, offset, count)

    def _decref_socketios(self):
        if self._io_refs > 0:
            self._io_refs -= 1
        if self._closed:
            self.close()

    def _real_close(self, _ss=_ssocket):
        _ss.close(self)

    def close(self):
        """close()

        Close the socket; the descriptor stays open while files made by
        makefile() are still open."""
        self._closed = True
        if self._io_refs <= 0:
            self._real_close()

    def detach(self):
        """detach() -> file descriptor

        Close the socket object without closing the descriptor, and
        return it."""
        self._closed = True
        return _ssocket.detach(self)

    @property
    def family(self):
        """Read-only access to the address family for this socket."""
        return _intenum_converter(_ssocket.family.__get__(self),
                                  AddressFamily)

    @property
    def type(self):
        """Read-only access to the socket type."""
        return _intenum_converter(_ssocket.type.__get__(self),
                                  SocketKind)

    @property
    def timeout(self):
        """The timeout in seconds (None: blocking)."""
        return self.gettimeout()

    def getblocking(self):
        """getblocking() -> True if the socket blocks (no timeout or a
        positive one), False if non-blocking."""
        return self.gettimeout() != 0.0

    def get_inheritable(self):
        return _os.get_inheritable(self.fileno())

    def set_inheritable(self, inheritable):
        _os.set_inheritable(self.fileno(), inheritable)

    get_inheritable.__doc__ = "Get the inheritable flag of the socket"
    set_inheritable.__doc__ = "Set the inheritable flag of the socket"

class _GiveupOnSendfile(Exception):
    pass

def _wait_writable(fd):
    with _selectors.PollSelector() as selector:
        selector.register(fd, _selectors.EVENT_WRITE)
        selector.select()

def fromfd(fd, family, type, proto=0):
    """fromfd(fd, family, type[, proto]) -> socket object

    A socket object on a duplicate of the descriptor fd."""
    return socket(family, type, proto, dup(fd))

def socketpair(family=None, type=SOCK_STREAM, proto=0):
    """socketpair([family[, type[, proto]]]) -> (socket object, socket object)

    Two connected socket objects (AF_UNIX by default)."""
    if family is None:
        family = AF_UNIX
    a, b = _socket.socketpair(family, type, proto)
    a = socket(family, type, proto, a.detach())
    b = socket(family, type, proto, b.detach())
    return a, b

def _fallback_socketpair(family=AF_INET, type=SOCK_STREAM, proto=0):
    """socketpair() over loopback TCP (Python 3's fallback for systems
    without AF_UNIX pairs; kept for its tests): a listener on an ephemeral
    port accepts one connection, checked to be the one made here."""
    if family == AF_INET:
        host = _LOCALHOST
    elif family == AF_INET6:
        host = _LOCALHOST_V6
    else:
        raise ValueError("Only AF_INET and AF_INET6 socket address families "
                         "are supported")
    if type != SOCK_STREAM:
        raise ValueError("Only SOCK_STREAM socket type is supported")
    if proto != 0:
        raise ValueError("Only protocol zero is supported")
    listener = socket(family, type, proto)
    try:
        listener.bind((host, 0))
        listener.listen()
        addr, port = listener.getsockname()[:2]
        client = socket(family, type, proto)
        try:
            client.setblocking(False)
            try:
                client.connect((addr, port))
            except (BlockingIOError, InterruptedError):
                pass
            client.setblocking(True)
            server, _ = listener.accept()
        except:  # noqa: E722 (closed whatever the exception)
            client.close()
            raise
    finally:
        listener.close()
    # Another process could have connected first: the accepted socket must
    # be the other end of ours.
    if (server.getsockname() != client.getpeername()
            or server.getpeername() != client.getsockname()):
        server.close()
        client.close()
        raise ConnectionError("Unexpected peer connection")
    return server, client


_blocking_errnos = {_errno.EAGAIN, _errno.EWOULDBLOCK}

class SocketIO(_io.RawIOBase):
    """A raw I/O object on a socket, for makefile()'s buffered and text
    streams: readinto() and write() in the modes 'r', 'w', 'rw', 'rb',
    'wb', 'rwb'.  On a non-blocking socket, or one whose timeout ran
    out, readinto() and write() return None (no data yet); after a
    timeout, further reads raise OSError."""

    def __init__(self, sock, mode):
        if mode not in ("r", "w", "rw", "rb", "wb", "rwb"):
            raise ValueError("invalid mode: %r" % mode)
        _io.RawIOBase.__init__(self)
        self._sock = sock
        if "b" not in mode:
            mode += "b"
        self._mode = mode
        self._reading = "r" in mode
        self._writing = "w" in mode
        self._timeout_occurred = False

    def readinto(self, b):
        self._checkClosed()
        self._checkReadable()
        if self._timeout_occurred:
            raise OSError("cannot read from timed out object")
        while True:
            try:
                return self._sock.recv_into(b)
            except timeout:
                self._timeout_occurred = True
                raise
            except error as e:
                if e.errno in _blocking_errnos:
                    return None
                raise

    def write(self, b):
        self._checkClosed()
        self._checkWritable()
        try:
            return self._sock.send(b)
        except error as e:
            if e.errno in _blocking_errnos:
                return None
            raise

    def readable(self):
        if self.closed:
            raise ValueError("I/O operation on closed socket.")
        return self._reading

    def writable(self):
        if self.closed:
            raise ValueError("I/O operation on closed socket.")
        return self._writing

    def seekable(self):
        if self.closed:
            raise ValueError("I/O operation on closed socket.")
        return super().seekable()

    def fileno(self):
        self._checkClosed()
        return self._sock.fileno()

    @property
    def name(self):
        if not self.closed:
            return self.fileno()
        return -1

    @property
    def mode(self):
        return self._mode

    def close(self):
        if self.closed:
            return
        _io.RawIOBase.close(self)
        self._sock._decref_socketios()
        self._sock = None

# getfqdn() (socket.py's) takes '::' for this host too from 3.10 on
if _sys.version_info >= (3, 10):
    _THIS_HOST = ('', '0.0.0.0', '::')

def getaddrinfo(*args, **kwargs):
    """getaddrinfo(host, port, family=0, type=0, proto=0, flags=0)
        -> list of (family, type, proto, canonname, sockaddr)

    As _socket.getaddrinfo() (which also takes the 2.x keyword
    socktype= for type=), with family and type as enums."""
    return [(_intenum_converter(af, AddressFamily),
             _intenum_converter(socktype, SocketKind),
             proto, canonname, sockaddr)
            for af, socktype, proto, canonname, sockaddr
            in _socket.getaddrinfo(*args, **kwargs)]

def create_connection(address, timeout=_GLOBAL_DEFAULT_TIMEOUT,
                      source_address=None, *, all_errors=False):
    """create_connection((host, port)[, timeout[, source_address]]) -> socket

    Connect to a TCP service at each address getaddrinfo() gives in
    turn and return the first connected socket.  timeout (None:
    blocking) is set before connecting, else getdefaulttimeout()'s
    applies; source_address, a (host, port) pair, is bound first.  If
    every address fails, the last error is raised, or with all_errors
    (3.11 on) an ExceptionGroup of all of them."""
    host, port = address
    exceptions = []
    for res in getaddrinfo(host, port, 0, SOCK_STREAM):
        af, socktype, proto, _canonname, sa = res
        sock = None
        try:
            sock = socket(af, socktype, proto)
            if timeout is not _GLOBAL_DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sa)
            exceptions.clear()
            return sock
        except error as exc:
            if not all_errors:
                exceptions.clear()
            exceptions.append(exc)
            if sock is not None:
                sock.close()
    if exceptions:
        try:
            if not all_errors:
                raise exceptions[0]
            raise ExceptionGroup("create_connection failed", exceptions)
        finally:
            exceptions.clear()
    raise error("getaddrinfo returns an empty list")

if _sys.version_info < (3, 11):
    _create_connection = create_connection

    def create_connection(address, timeout=_GLOBAL_DEFAULT_TIMEOUT,
                          source_address=None):
        return _create_connection(address, timeout, source_address)
    create_connection.__doc__ = _create_connection.__doc__

if _sys.version_info >= (3, 9):
    import array as _array

    def send_fds(sock, buffers, fds, flags=0, address=None):
        """send_fds(sock, buffers, fds[, flags[, address]]) -> integer

        Send the list of descriptors fds with the data of buffers over the
        AF_UNIX socket sock (SCM_RIGHTS)."""
        return sock.sendmsg(buffers, [(SOL_SOCKET, SCM_RIGHTS,
                                       _array.array("i", fds))],
                            flags, address)

    def recv_fds(sock, bufsize, maxfds, flags=0):
        """recv_fds(sock, bufsize, maxfds[, flags]) -> (data, list of fds,
        msg_flags, address)

        Receive up to bufsize bytes of data and up to maxfds descriptors
        (SCM_RIGHTS) from the AF_UNIX socket sock."""
        fds = _array.array("i")
        data, ancdata, msg_flags, address = sock.recvmsg(
            bufsize, CMSG_LEN(maxfds * fds.itemsize), flags)
        for level, kind, item in ancdata:
            if level == SOL_SOCKET and kind == SCM_RIGHTS:
                fds.frombytes(item[:len(item) - len(item) % fds.itemsize])
        return data, list(fds), msg_flags, address

    __all__.extend(["send_fds", "recv_fds"])


def has_dualstack_ipv6():
    """Whether this platform's TCP sockets can take IPv4 and IPv6
    connections on one AF_INET6 socket (IPV6_V6ONLY off)."""
    if not has_ipv6 or not hasattr(_socket, 'IPPROTO_IPV6') \
            or not hasattr(_socket, 'IPV6_V6ONLY'):
        return False
    try:
        with socket(AF_INET6, SOCK_STREAM) as sock:
            sock.setsockopt(IPPROTO_IPV6, IPV6_V6ONLY, 0)
            return True
    except error:
        return False

def create_server(address, *, family=AF_INET, backlog=None,
                  reuse_port=False, dualstack_ipv6=False):
    """create_server((host, port), *, family=AF_INET, backlog=None,
                     reuse_port=False, dualstack_ipv6=False) -> socket

    A TCP socket bound to address and listening (SO_REUSEADDR set;
    SO_REUSEPORT too with reuse_port).  With dualstack_ipv6 and
    family AF_INET6 it takes IPv4 connections as well."""
    if reuse_port and not hasattr(_socket, "SO_REUSEPORT"):
        raise ValueError("SO_REUSEPORT not supported on this platform")
    if dualstack_ipv6:
        if not has_dualstack_ipv6():
            raise ValueError("dualstack_ipv6 not supported on this "
                             "platform")
        if family != AF_INET6:
            raise ValueError("dualstack_ipv6 requires AF_INET6 family")
    sock = socket(family, SOCK_STREAM)
    try:
        try:
            sock.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
        except error:
            pass
        if reuse_port:
            sock.setsockopt(SOL_SOCKET, SO_REUSEPORT, 1)
        if has_ipv6 and family == AF_INET6:
            sock.setsockopt(IPPROTO_IPV6, IPV6_V6ONLY,
                            0 if dualstack_ipv6 else 1)
        try:
            sock.bind(address)
        except error as err:
            raise error(err.errno, '%s (while attempting to bind on '
                        'address %r)' % (err.strerror, address)) from None
        if backlog is None:
            sock.listen()
        else:
            sock.listen(backlog)
        return sock
    except error:
        sock.close()
        raise

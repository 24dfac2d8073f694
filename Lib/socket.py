"""Socket operations, as in Python 2.x: the C module _socket plus a thin
layer written in Python.

Functions:

socket() -- a new socket object
socketpair() -- a pair of connected socket objects
fromfd() -- a socket object for an open file descriptor
create_connection() -- a connected socket, with an optional timeout and
                       source address
getfqdn() -- the fully qualified domain name of a host
gethostname() -- the name of this host
gethostbyname(), gethostbyname_ex() -- host name to IPv4 address(es)
gethostbyaddr() -- IP address or host name to (name, aliases, addresses)
getaddrinfo(), getnameinfo() -- IPv4/IPv6 name resolution
getservbyname(), getservbyport() -- services and their port numbers
getprotobyname() -- protocol name (e.g. 'tcp') to its number
ntohs(), ntohl(), htons(), htonl() -- byte order of 16 and 32 bit integers
inet_aton(), inet_ntoa() -- dotted IPv4 string to packed 4 bytes and back
inet_pton(), inet_ntop() -- the same for either family
getdefaulttimeout(), setdefaulttimeout() -- timeout given to new sockets

Special objects:

SocketType -- the type of socket objects
error -- exception raised for socket-related errors
herror, gaierror -- host and address lookup errors (subclasses of error)
timeout -- exception raised when an operation times out
has_ipv6 -- whether IPv6 is supported

Integer constants:

AF_INET, AF_INET6, AF_UNIX -- address families (first argument of socket())
SOCK_STREAM, SOCK_DGRAM, SOCK_RAW -- socket types (second argument)

Many more constants are defined for use with setsockopt() and getsockopt().

The socket objects this module returns wrap the C type _socket.socket:
they add makefile(), a dup() that yields an independent socket object, and
a close() after which every method fails with EBADF.  On Python 3 they also
work as context managers; data is bytes there.
"""
import _socket
from _socket import *

import _weakref
import errno as _errno
from collections import deque as _deque
import sys as _sys

EBADF = getattr(_errno, "EBADF", 9)
EINTR = getattr(_errno, "EINTR", 4)

_PY3 = _sys.version_info[0] >= 3

__all__ = ["getfqdn", "create_connection"]
__all__.extend(_name for _name in dir(_socket) if not _name.startswith("_"))

_realsocket = _socket.socket


def getfqdn(name=''):
    """getfqdn([name]) -> fully qualified domain name

    An empty name, or '0.0.0.0', stands for this host.  The name
    gethostbyaddr() returns is taken if it contains a dot, else the first of
    its aliases that does; failing both, that host name itself.  When the
    lookup fails, the name is returned as given."""
    name = name.strip()
    if not name or name == '0.0.0.0':
        name = gethostname()
    try:
        hostname, aliases, _addresses = gethostbyaddr(name)
    except error:
        return name
    for candidate in [hostname] + list(aliases):
        if '.' in candidate:
            return candidate
    return hostname


# Methods a socket object passes straight on to its C socket.
_socketmethods = (
    'bind', 'connect', 'connect_ex', 'fileno', 'listen',
    'getpeername', 'getsockname', 'getsockopt', 'setsockopt',
    'sendall', 'gettimeout', 'shutdown')

# Methods stored on each socket object as the C socket's own bound methods
# (the data path, kept free of a Python-level call).  They are bound on
# first use, by __getattr__, and replaced by the closed socket's on close().
_delegate_methods = ("recv", "recvfrom", "recv_into", "recvfrom_into",
                     "send", "sendto")


class _closedsocket(object):
    """What a socket object holds after close(): every use is EBADF."""
    __slots__ = []

    def _dummy(*args, **kwargs):
        raise error(EBADF, 'Bad file descriptor')

    send = recv = recv_into = sendto = recvfrom = recvfrom_into = _dummy
    __getattr__ = _dummy


def _dup(sock):
    """An OS-level duplicate of the C socket `sock`, in the same timeout
    mode (the descriptors share their blocking flag, so both objects must
    agree on it)."""
    new = sock.dup()
    try:
        new.settimeout(sock.gettimeout())
    except BaseException:
        new.close()
        raise
    return new


class _socketobject(object):

    __doc__ = _realsocket.__doc__

    # _files: None until makefile() is first called, then a list of weak
    # references to the dup()ed C sockets of the files it made.
    # _bound: whether __getattr__ has stored a delegated method.
    __slots__ = (["_sock", "_files", "_bound", "__weakref__"]
                 + list(_delegate_methods))

    def __init__(self, family=AF_INET, type=SOCK_STREAM, proto=0, _sock=None):
        if _sock is None:
            _sock = _realsocket(family, type, proto)
        self._sock = _sock
        self._files = None
        self._bound = False

    def __getattr__(self, name, _delegated=frozenset(_delegate_methods),
                    getattr=getattr, setattr=setattr):
        # Reached only for what the object does not hold: a data method not
        # used yet is fetched from the C socket once and kept in its slot,
        # so that later calls go straight to C.
        if name in _delegated:
            method = getattr(self._sock, name)
            setattr(self, name, method)
            self._bound = True
            return method
        raise AttributeError("'%s' object has no attribute '%s'"
                             % (type(self).__name__, name))

    def close(self, _closed=_closedsocket(),
              _delegate_methods=_delegate_methods, setattr=setattr):
        """close()

        Close the socket.  Every later operation on this object fails with
        error(EBADF); other objects for the same connection (from dup(),
        makefile()) are not affected."""
        # Only builtins and default arguments here: close() can run from a
        # file object's __del__ while the interpreter tears modules down.
        sock = self._sock
        if sock is _closed:
            return
        self._sock = _closed
        if self._bound:
            dummy = _closed._dummy
            for name in _delegate_methods:
                setattr(self, name, dummy)
        sock.close()

    def accept(self):
        """accept() -> (socket object, address info)

        Wait for an incoming connection.  Return a new socket representing
        the connection, and the address of the client."""
        sock, addr = self._sock.accept()
        return _socketobject(_sock=sock), addr

    def dup(self):
        """dup() -> socket object

        Return a new socket object for the same connection, on a new file
        descriptor: either may be closed without affecting the other."""
        return _socketobject(_sock=_dup(self._sock))

    def makefile(self, mode='r', bufsize=-1):
        """makefile([mode[, bufsize]]) -> file object

        Return a file object for the socket.  It works on a dup()ped
        descriptor, so the file and the socket may be closed or
        garbage-collected independently; the socket's timeout, now and
        as settimeout() and setblocking() change it later, is the
        file's.  mode and bufsize are as for the built-in open(): bufsize
        0 is unbuffered, 1 line buffered, and another positive value a
        buffer size."""
        sock = _dup(self._sock)
        try:
            f = _fileobject(sock, mode, bufsize, close=True)
            if self._files is None:
                self._files = []
            self._files.append(_weakref.ref(sock))
        except BaseException:
            sock.close()
            raise
        return f

    # The file's descriptor shares O_NONBLOCK with the socket's, so the two
    # C objects must agree on the mode: a timeout change goes to both, as
    # it does in CPython 2.7, where the file uses the socket's C object.
    def settimeout(self, timeout):
        """settimeout(timeout)

        Set a timeout on socket operations (and on the reads and writes of
        the files makefile() made).  timeout can be a float, giving in
        seconds, or None.  Setting a timeout of None disables the timeout
        feature and is equivalent to setblocking(1).  Setting a timeout of
        zero is the same as setblocking(0)."""
        self._sock.settimeout(timeout)
        if self._files:
            self._files_follow()

    def setblocking(self, flag):
        """setblocking(flag)

        Set the socket to blocking (flag is true) or non-blocking (false),
        and with it the files makefile() made.  setblocking(True) is
        equivalent to settimeout(None); setblocking(False) is equivalent to
        settimeout(0.0)."""
        self._sock.setblocking(flag)
        if self._files:
            self._files_follow()

    def _files_follow(self):
        """Gives the C sockets of the live makefile() files the socket's
        timeout, and forgets those that are gone."""
        timeout = self._sock.gettimeout()
        files = self._files
        # A copy to walk, and removal in place: a makefile() in another
        # thread may append meanwhile.
        for ref in list(files):
            sock = ref()
            if sock is not None and sock.fileno() >= 0:
                sock.settimeout(timeout)
                continue
            try:
                files.remove(ref)
            except ValueError:
                pass

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    family = property(lambda self: self._sock.family, doc="the socket family")
    type = property(lambda self: self._sock.type, doc="the socket type")
    proto = property(lambda self: self._sock.proto, doc="the socket protocol")


def _delegating_method(name):
    def method(self, *args):
        return getattr(self._sock, name)(*args)
    method.__name__ = name
    method.__doc__ = getattr(_realsocket, name).__doc__
    return method


for _name in _socketmethods:
    setattr(_socketobject, _name, _delegating_method(_name))
del _name

socket = SocketType = _socketobject


if hasattr(_socket, "fromfd"):
    def fromfd(fd, family, type, proto=0):
        """fromfd(fd, family, type[, proto]) -> socket object

        A socket object on a duplicate of the open file descriptor fd; fd
        itself stays open and owned by the caller."""
        return _socketobject(_sock=_socket.fromfd(fd, family, type, proto))


if hasattr(_socket, "socketpair"):
    def socketpair(family=AF_UNIX, type=SOCK_STREAM, proto=0):
        """socketpair([family[, type[, proto]]]) -> (socket object, socket object)

        Two socket objects connected to each other (AF_UNIX by default)."""
        one, two = _socket.socketpair(family, type, proto)
        return _socketobject(_sock=one), _socketobject(_sock=two)


def _interrupted(exc):
    """Whether exc reports EINTR, as error(EINTR, msg) or error(EINTR)."""
    if getattr(exc, "errno", None) == EINTR:
        return True
    args = getattr(exc, "args", ())
    return bool(args) and args[0] == EINTR


def _sent_before(exc, limit):
    """How many bytes of a sendall() of `limit` bytes went out before it
    raised exc (the `sent` attribute of our sendall's errors)."""
    try:
        sent = int(getattr(exc, "sent", 0))
    except (TypeError, ValueError):
        return 0
    return max(0, min(sent, limit))


class _fileobject(object):
    """A file object on a socket, as makefile() returns: read(), readline(),
    readlines(), iteration, readinto(), write(), writelines(), flush() and
    close().  `sock` needs recv() for reading and sendall() for writing;
    with close=True, closing the file closes it."""

    default_bufsize = 8192
    name = "<socket>"

    __slots__ = ["mode", "bufsize", "softspace", "_sock", "_rbufsize",
                 "_wbufsize", "_lines", "_rbuf", "_rpos", "_wbuf",
                 "_wbuf_len", "_close"]

    def __init__(self, sock, mode='rb', bufsize=-1, close=False):
        self._sock = None
        if bufsize is None or bufsize < 0:
            bufsize = self.default_bufsize
        self.mode = mode
        self.bufsize = bufsize
        self.softspace = False
        # Reads: unbuffered (0) takes single bytes where a read could go past
        # what the caller asked for, so nothing is left in the buffer.
        if bufsize == 0:
            self._rbufsize = 1
        elif bufsize == 1:
            self._rbufsize = self.default_bufsize
        else:
            self._rbufsize = bufsize
        # Writes: 0 sends at once, 1 at each newline, n once n bytes wait.
        self._wbufsize = bufsize
        # What was received and not read yet is the lines of the deque
        # _lines, then _rbuf[_rpos:].  readline() splits what it receives
        # into whole lines, then takes each with a popleft(); other reads
        # move the offset instead of copying the rest of the buffer.
        self._lines = _deque()
        self._rbuf = b""
        self._rpos = 0
        self._wbuf = []
        self._wbuf_len = 0
        self._close = close
        self._sock = sock

    closed = property(lambda self: self._sock is None,
                      doc="True if the file is closed")

    def _check_open(self):
        if self._sock is None:
            raise ValueError("I/O operation on closed file")

    def close(self):
        """Flush what is buffered and close the file; with close=True the
        socket under it is closed too."""
        sock = self._sock
        if sock is None:
            return
        try:
            self.flush()
        finally:
            self._sock = None
            self._lines.clear()
            self._rbuf = b""
            self._rpos = 0
            self._wbuf = []
            self._wbuf_len = 0
            if self._close:
                sock.close()

    def __del__(self):
        try:
            self.close()
        except BaseException:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def fileno(self):
        self._check_open()
        return self._sock.fileno()

    # -- writing ------------------------------------------------------------

    if _PY3:
        @staticmethod
        def _as_bytes(data):
            if isinstance(data, bytes):
                return data
            return memoryview(data).tobytes()
    else:
        @staticmethod
        def _as_bytes(data):
            if isinstance(data, memoryview):
                return data.tobytes()
            return str(data)

    def flush(self):
        """Send everything buffered.  If sending fails, what was not sent
        stays buffered."""
        self._check_open()
        if not self._wbuf:
            return
        data = b"".join(self._wbuf)
        self._wbuf = []
        self._wbuf_len = 0
        size = len(data)
        chunk = max(self._wbufsize, 65536)
        view = memoryview(data)
        offset = 0
        try:
            while offset < size:
                piece = view[offset:offset + chunk]
                try:
                    self._sock.sendall(piece)
                except EnvironmentError as exc:
                    offset += _sent_before(exc, len(piece))
                    if _interrupted(exc):
                        continue
                    raise
                offset += len(piece)
        finally:
            if offset < size:
                rest = data[offset:]
                self._wbuf = [rest]
                self._wbuf_len = len(rest)

    def write(self, data):
        """Buffer data (a string) and send it as the buffering mode says."""
        self._check_open()
        data = self._as_bytes(data)
        if not data:
            return
        self._wbuf.append(data)
        self._wbuf_len += len(data)
        if (self._wbufsize == 0
                or (self._wbufsize == 1 and b"\n" in data)
                or (self._wbufsize > 1 and self._wbuf_len >= self._wbufsize)):
            self.flush()

    def writelines(self, lines):
        """Write each string of the iterable lines (no newlines added)."""
        self._check_open()
        for line in lines:
            line = self._as_bytes(line)
            if line:
                self._wbuf.append(line)
                self._wbuf_len += len(line)
        if self._wbufsize <= 1 or self._wbuf_len >= self._wbufsize:
            self.flush()

    # -- reading ------------------------------------------------------------

    def _recv(self, size):
        while True:
            try:
                return self._sock.recv(size)
            except EnvironmentError as exc:
                if not _interrupted(exc):
                    raise

    def _unread(self):
        """Takes what is buffered and not read yet out of the buffer."""
        buf = self._rbuf
        pos = self._rpos
        lines = self._lines
        self._rbuf = b""
        self._rpos = 0
        if pos:
            buf = buf[pos:]
        if lines:
            lines.append(buf)
            buf = b"".join(lines)
            lines.clear()
        return buf

    def read(self, size=-1):
        """read([size]) -> string

        Read up to size bytes, fewer only at end of file; without size, or
        with a negative one, read to end of file.  What was received before
        an error stays buffered for the next read."""
        self._check_open()
        if size is None or size < 0:
            chunks = [self._unread()]
            step = max(self._rbufsize, self.default_bufsize)
            try:
                while True:
                    data = self._recv(step)
                    if not data:
                        break
                    chunks.append(data)
            except BaseException:
                self._rbuf = b"".join(chunks)
                raise
            return b"".join(chunks)
        if self._lines:
            self._rbuf = self._unread()
        buf = self._rbuf
        pos = self._rpos
        end = pos + size
        if len(buf) >= end:
            self._rpos = end
            return buf[pos:end]
        # Never ask for more than is missing: nothing is left over.
        buf = self._unread()
        chunks = [buf]
        have = len(buf)
        step = max(self._rbufsize, 65536)
        try:
            while have < size:
                data = self._recv(min(size - have, step))
                if not data:
                    break
                chunks.append(data)
                have += len(data)
        except BaseException:
            self._rbuf = b"".join(chunks)
            raise
        return b"".join(chunks)

    def readinto(self, buffer):
        """readinto(buffer) -> number of bytes read into it (0 at end of
        file); fills the buffer unless the end of file comes first."""
        view = memoryview(buffer)
        if _PY3:
            view = view.cast("B")
        data = self.read(len(view))
        view[:len(data)] = data
        return len(data)

    def readline(self, size=-1):
        """readline([size]) -> next line, newline included; at most size
        bytes if size is given and not negative; '' at end of file."""
        lines = self._lines
        if lines and size == -1:
            # The common case: the whole line is buffered.
            return lines.popleft()
        if size == -1:
            buf = self._rbuf
            pos = self._rpos
            nl = buf.find(b"\n", pos) + 1
            if nl:
                self._rpos = nl
                return buf[pos:nl]
            limit = None
        elif size is None or size < 0:
            return self.readline()
        else:
            self._check_open()
            if lines:
                self._rbuf = self._unread()
            buf = self._rbuf
            pos = self._rpos
            limit = size
            end = pos + size
            nl = buf.find(b"\n", pos, end) + 1
            if nl:
                self._rpos = nl
                return buf[pos:nl]
            if len(buf) >= end:
                self._rpos = end
                return buf[pos:end]
        # A closed file has nothing buffered: it gets here.
        if limit is None:
            self._check_open()
        buf = self._unread()
        chunks = [buf]
        have = len(buf)
        try:
            if self._rbufsize <= 1:
                # Unbuffered: byte by byte, so as not to read past the line.
                while limit is None or have < limit:
                    data = self._recv(1)
                    if not data:
                        break
                    chunks.append(data)
                    have += 1
                    if data == b"\n":
                        break
            else:
                while True:
                    data = self._recv(self._rbufsize)
                    if not data:
                        break
                    room = None if limit is None else limit - have
                    nl = data.find(b"\n", 0, room)
                    if nl >= 0:
                        cut = nl + 1
                    elif room is not None and len(data) >= room:
                        cut = room
                    else:
                        chunks.append(data)
                        have += len(data)
                        continue
                    if cut < len(data):
                        self._keep(data, cut, limit is None)
                        data = data[:cut]
                    if have:
                        chunks.append(data)
                        break
                    return data
        except BaseException:
            self._rbuf = b"".join(chunks)
            self._rpos = 0
            raise
        return b"".join(chunks)

    def _keep(self, data, cut, split):
        """Buffers data[cut:], the rest of a receive that readline() has
        taken a line from: as whole lines for the next readline() calls
        when `split` is true and the carriage returns of that rest, if
        any, are all in CR LF pairs (splitlines() then cuts just after
        each newline, and nowhere else); else as it is, from the offset
        cut."""
        if split and data.find(b"\n", cut) >= 0:
            rest = data[cut:]
            if (b"\r" not in rest
                    or rest.count(b"\r") == rest.count(b"\r\n")):
                lines = rest.splitlines(True)
                tail = lines[-1]
                if tail.endswith(b"\n"):
                    tail = b""
                else:
                    del lines[-1]
                self._lines.extend(lines)
                self._rbuf = tail
                self._rpos = 0
                return
        self._rbuf = data
        self._rpos = cut

    def readlines(self, sizehint=0):
        """readlines([sizehint]) -> list of lines up to end of file, or
        until about sizehint bytes have been read when sizehint > 0."""
        lines = []
        total = 0
        while True:
            line = self.readline()
            if not line:
                break
            lines.append(line)
            total += len(line)
            if sizehint and sizehint > 0 and total >= sizehint:
                break
        return lines

    def __iter__(self):
        return self

    def next(self):
        lines = self._lines
        if lines:
            return lines.popleft()
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    __next__ = next


_GLOBAL_DEFAULT_TIMEOUT = object()


def create_connection(address, timeout=_GLOBAL_DEFAULT_TIMEOUT,
                      source_address=None):
    """create_connection((host, port)[, timeout[, source_address]]) -> socket

    Connect to a TCP service and return the connected socket object.  Each
    address getaddrinfo() gives for host and port is tried in turn; if all
    fail, the last error is raised.  With timeout, the socket gets that
    timeout (None: blocking) before it connects; without it, the default
    of getdefaulttimeout().  source_address, a (host, port) pair, is bound
    before connecting; '' or port 0 leaves that part to the system."""
    host, port = address
    last_error = None
    for family, socktype, proto, _canonname, sockaddr in \
            getaddrinfo(host, port, 0, SOCK_STREAM):
        sock = None
        try:
            sock = socket(family, socktype, proto)
            if timeout is not _GLOBAL_DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            return sock
        except error as exc:
            last_error = exc
            if sock is not None:
                sock.close()
    if last_error is not None:
        raise last_error
    raise error("getaddrinfo returns an empty list")

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


class _fileobject(_socket._fileobject):
    """A file object on a socket, as makefile() returns: read(), readline(),
    readlines(), iteration, readinto(), write(), writelines(), flush() and
    close().  `sock` needs recv() for reading and sendall() for writing;
    with close=True, closing the file closes it.

    The work is done by the C type _socket._fileobject; this class is
    there to be subclassed and to carry the class attributes user code may
    change, default_bufsize (read when a file is created) and name."""

    __slots__ = ()

    default_bufsize = 8192
    name = "<socket>"


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

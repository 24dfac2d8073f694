"""Socket operations: the C module _socket plus a thin layer written in
Python.  On Python 2.7 this is 2.x's module, as described below; on
Python 3 the layer in _socket3.py (beside this file) makes it the running
interpreter's own module (socket.socket a subclass of _socket.socket, io
streams from makefile(), enums, socket.error is OSError), keeping the 2.x
classes _socketobject and _fileobject importable.

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
ssl() -- a TLS connection (client side) over a connected socket
RAND_add(), RAND_status() -- OpenSSL's random generator, for ssl()

Special objects:

SocketType -- the type of socket objects
error -- exception raised for socket-related errors
herror, gaierror -- host and address lookup errors (subclasses of error)
timeout -- exception raised when an operation times out
sslerror -- TLS errors of ssl() (a subclass of error)
has_ipv6 -- whether IPv6 is supported

Integer constants:

AF_INET, AF_INET6, AF_UNIX -- address families (first argument of socket())
SOCK_STREAM, SOCK_DGRAM, SOCK_RAW -- socket types (second argument)

Many more constants are defined for use with setsockopt() and getsockopt().

The socket objects this module returns wrap the C type _socket.socket:
they add makefile(), a dup() that yields an independent socket object, and
a close() after which every method fails with EBADF.
"""
try:
    import _socket
except ImportError as _exc:
    _socket = _exc


def _refuse(found):
    """Raises ImportError saying that no _socket of this project is built
    for this interpreter.  Found: the _socket module that import gave
    instead (another Python's build fails to load; a Python without a build
    gives its own standard library's), or the ImportError."""
    import sys as _sys
    if getattr(found, "__name__", None) in _sys.builtin_module_names:
        # An interpreter with _socket built in (Debian's python3.x-dbg, for
        # one) never looks for it on sys.path.
        raise ImportError(
            "classicsocket's socket.py (%s) needs classicsocket's _socket: "
            "this interpreter's _socket is built in, and a built-in module "
            "cannot be replaced through PYTHONPATH.  Run the program with the "
            "launcher, which loads its _socket in place of the built-in one: "
            "'%s -m classicsocket script.py' (or -c, -m), with %s on "
            "PYTHONPATH or classicsocket installed, after building for this "
            "interpreter ('%s setup.py build_ext --inplace')."
            % (__file__, _sys.executable or "python",
               __file__.rsplit("/", 1)[0] if "/" in __file__ else ".",
               _sys.executable or "python"))
    try:
        from classicsocket import find_modules, ModulesNotFound
    except ImportError:
        message = ("socket.py (%s) needs the _socket extension built beside "
                   "it for this Python: build it in the source tree with "
                   "'%s setup.py build_ext --inplace'"
                   % (__file__, _sys.executable or "python"))
    else:
        try:
            find_modules()
        except ModulesNotFound as exc:
            message = str(exc)
        else:
            message = ("socket.py (%s) and its _socket extension do not "
                       "load together" % (__file__,))
    raise ImportError("%s (import _socket gave: %s)"
                      % (message, getattr(found, "__file__", found)))


# Ours has the hook below; the standard library's has not, and a build for
# another Python fails to import.
if not hasattr(_socket, "_set_socket_namespace"):
    _refuse(_socket)

from _socket import *

import errno as _errno

EBADF = getattr(_errno, "EBADF", 9)
EINTR = getattr(_errno, "EINTR", 4)

# 2.7's socket took ssl() and its names from _ssl, and its __all__ left
# them out; so does ours (`from socket import *` must not bind `ssl` over
# the ssl module).
_ssl_names = ("ssl", "sslerror", "RAND_add", "RAND_status")

__all__ = ["getfqdn", "create_connection"]
__all__.extend(_name for _name in dir(_socket)
               if not _name.startswith(("_", "SSL_ERROR_"))
               and _name not in _ssl_names)

_realsocket = _socket.socket


# the names getfqdn() takes for this host (Lib/_socket3.py adds '::' where
# the running version does)
_THIS_HOST = ('', '0.0.0.0')


def getfqdn(name=''):
    """getfqdn([name]) -> fully qualified domain name

    An empty name, or '0.0.0.0' ('::' too from Python 3.10 on), stands for
    this host.  The name gethostbyaddr() returns is taken if it contains a
    dot, else the first of its aliases that does; failing both, that host
    name itself.  When the lookup fails, the name is returned as given."""
    name = name.strip()
    if name in _THIS_HOST:
        name = gethostname()
    try:
        hostname, aliases, _addresses = gethostbyaddr(name)
    except error:
        return name
    for candidate in [hostname] + list(aliases):
        if '.' in candidate:
            return candidate
    return hostname


# Methods a socket object passes straight on to its C socket, and the data
# methods, which it takes from its C socket (with the keyword arguments the
# C socket takes) as Python 2.7's socket objects do; ssl.py imports
# _delegate_methods.  Both come from the C type's one list
# (Modules/_socket/wrapcall.h).
_socketmethods = _socket._socketmethods
_delegate_methods = _socket._delegate_methods


class _socketobject(_socket._socketobject):
    # The work is done by the C type _socket._socketobject
    # (Modules/_socket/sockwrap.c): the object holds its C socket in `_sock`,
    # passes every method on to it, and adds close(), dup(), makefile() and
    # the context manager; after close() its `_sock` is the _closedsocket,
    # on which every use fails with error(EBADF).  This class is there so
    # that class attributes can be set (and patched) as on Python 2.7's
    # class; socket objects have no __dict__, as 2.7's do not.
    __doc__ = _realsocket.__doc__
    __slots__ = ()


def meth(name, self, *args):
    """meth(name, sock, *args): sock._sock.<name>(*args), as Python 2.7's
    socket module had it (its socket methods were made with it).  A socket
    object of Python 3's class is a C socket itself: the C type's method
    is called on it."""
    inner = getattr(self, "_sock", None)
    if inner is None:
        return getattr(_realsocket, name)(self, *args)
    return getattr(inner, name)(*args)


_closedsocket = _socket._closedsocket

# accept() and dup() make _socketobject objects and makefile() takes
# _fileobject from this module's namespace at each call.
_socket._set_socket_namespace(globals())

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


# On Python 3, the layer that makes this module the running interpreter's
# own (Lib/_socket3.py, beside this file; 2.7 cannot parse it).  It runs in
# this module's namespace, from the bytecode cache as an imported file would.
import sys as _sys

if _sys.version_info[0] >= 3:
    import importlib.machinery as _machinery
    import os as _os
    _path = _os.path.join(_os.path.dirname(__file__), "_socket3.py")
    exec(_machinery.SourceFileLoader(__name__, _path).get_code(__name__),
         globals())
    del _machinery, _path

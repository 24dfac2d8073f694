"""Target `args`: every public function of socket/_socket and every method
of socket objects, C sockets and file objects, called with random numbers
of hostile arguments (wrong types, huge and negative integers, objects
whose __index__ raises, NULs, odd keywords) on sockets of every kind,
closed ones included."""
from __future__ import print_function

from fuzzlib import (FuzzFailure, family_of, hostile_value, may_block, open_socket, pick_interrupt,
                     random_address, random_host, socket_errors)

# Methods that take an address get one from random_address (loopback and
# the case's own ports only); the others take anything.
ADDRESS_METHODS = ("bind", "connect", "connect_ex", "sendto")
SOCKET_METHODS = ("accept", "bind", "close", "connect", "connect_ex", "dup",
                  "fileno", "getpeername", "getsockname", "getsockopt",
                  "gettimeout", "listen", "makefile", "recv", "recv_into",
                  "recvfrom", "recvfrom_into", "send", "sendall", "sendto",
                  "setblocking", "setsockopt", "settimeout", "shutdown",
                  "__enter__", "__exit__", "__repr__")
FILE_METHODS = ("read", "readline", "readlines", "readinto", "write",
                "writelines", "flush", "close", "fileno", "next",
                "__iter__", "__next__", "__enter__", "__exit__")
# Module functions that never reach a resolver whatever they are given.
PLAIN_FUNCTIONS = ("getdefaulttimeout", "setdefaulttimeout", "htonl", "htons",
                   "ntohl", "ntohs", "inet_aton", "inet_ntoa", "inet_pton",
                   "inet_ntop", "getservbyname", "getservbyport",
                   "getprotobyname", "gethostname", "socketpair", "fromfd",
                   "socket")
# Functions whose host argument is resolved: they get random_host's
# lookup-free hosts.
HOST_FUNCTIONS = ("gethostbyname", "gethostbyname_ex", "getaddrinfo")


def random_args(rng, count=None):
    if count is None:
        count = rng.choice([0, 1, 1, 2, 2, 3, 4])
    return [hostile_value(rng) for _ in range(count)]


def random_kwargs(rng):
    if rng.random() < 0.85:
        return {}
    name = rng.choice(["flags", "buffersize", "nbytes", "timeout", "mode",
                       "bufsize", "size", "family", "type", "proto", "_sock",
                       "bogus", "address", "data", "level", "option"])
    if name == "family":
        # Never a packet or netlink socket (they reach beyond loopback).
        return {name: rng.choice([1, 2, 10, -1, 1000])}
    if name == "address":
        return {name: rng.choice([("127.0.0.1", 0), None, 5])}
    return {name: hostile_value(rng)}


def note_kwargs(case, kwargs):
    """A socket object given a _sock that is no socket fails its calls
    with AttributeError, as 2.7's Python class did (the keyword is the
    module's private one)."""
    if "_sock" in kwargs and not hasattr(kwargs["_sock"], "recv"):
        case.expected += (AttributeError,)


def call_method(case, obj, name):
    rng = case.rng
    method = getattr(obj, name, None)
    if method is None:
        return
    if name in ADDRESS_METHODS and rng.random() < 0.8:
        family = family_of(obj)
        args = [random_address(rng, family, case, bind=(name == "bind"))]
        if name == "sendto":
            args.insert(0, b"x")
            if rng.random() < 0.3:
                args.insert(1, hostile_value(rng))
        elif rng.random() < 0.1:
            args = list(args[0]) if isinstance(args[0], tuple) else args
    elif name in ADDRESS_METHODS:
        # Arguments of the wrong shape, none of them a string a resolver
        # would be asked about.
        args = [a for a in random_args(rng)
                if not isinstance(a, (str, bytes, bytearray, type(u"")))]
    else:
        args = random_args(rng)
    if name == "setdefaulttimeout":
        # Sockets the later cases make get this; keep it finite.
        args = args[:1] or [0.01]
    interrupt = pick_interrupt(rng, may_block(obj))
    kwargs = random_kwargs(rng)
    note_kwargs(case, kwargs)
    ok, result = case.call("%s.%s" % (type(obj).__name__, name), method,
                           *args, _interrupt=interrupt, **kwargs)
    if ok:
        for produced in _closeables(result):
            case.keep(produced)


def _closeables(result):
    if hasattr(result, "close") and hasattr(result, "fileno"):
        return [result]
    if isinstance(result, tuple):
        return [r for r in result if hasattr(r, "close")]
    return []


def call_function(case, module):
    rng = case.rng
    name = rng.choice(PLAIN_FUNCTIONS + HOST_FUNCTIONS)
    function = getattr(module, name, None)
    if function is None:
        return
    args = random_args(rng)
    if name in HOST_FUNCTIONS:
        args = [random_host(rng, rng.choice([2, 10]))] + args[:3]
        if name == "getaddrinfo" and rng.random() < 0.5:
            # AI_NUMERICHOST, so that nothing is looked up.
            args = args[:1] + [0, 0, 0, 0, 4]
    if name == "setdefaulttimeout":
        args = args[:1]
    if name in ("socket", "fromfd") and len(args) > 0:
        # Families that could send beyond loopback (packet, netlink) are
        # never made: the family is one of ours or refused.
        args[0] = rng.choice([1, 2, 10, -1, 2 ** 31, 255, 1000,
                              hostile_value(rng)])
        if name == "fromfd":
            args.insert(0, rng.choice([-1, 2 ** 31, 10 ** 6, 0,
                                       hostile_value(rng)]))
    kwargs = random_kwargs(rng)
    note_kwargs(case, kwargs)
    if name == "socket" and len(args) >= 4:
        note_kwargs(case, {"_sock": args[3]})  # the 4th positional
    ok, result = case.call("%s.%s" % (module.__name__, name), function,
                           *args, **kwargs)
    if ok:
        for produced in _closeables(result):
            case.keep(produced)
    if name == "setdefaulttimeout":
        module.setdefaulttimeout(None)


def run_case(case):
    import socket
    import _socket
    rng = case.rng
    case.expected = socket_errors()
    sock, peer = open_socket(case)
    files = []
    for _ in range(rng.randint(1, 12)):
        what = rng.random()
        if what < 0.55:
            call_method(case, sock, rng.choice(SOCKET_METHODS))
        elif what < 0.65 and hasattr(sock, "makefile"):
            ok, made = case.call("makefile", sock.makefile,
                                 rng.choice(["r", "rb", "w", "wb", "r+b"]),
                                 rng.choice([-1, 0, 1, 2, 8192]))
            if ok:
                files.append(case.keep(made))
        elif what < 0.75 and files:
            name = rng.choice(FILE_METHODS)
            blocking = may_block(sock) and name not in ("close", "fileno")
            method = getattr(rng.choice(files), name, None)
            if method is not None:
                try:
                    case.call("file.%s" % name, method, *random_args(rng),
                              _interrupt=pick_interrupt(rng, blocking))
                except FuzzFailure as exc:
                    # The end of the file ends an iteration; nothing else.
                    if name not in ("next", "__next__") or \
                            "StopIteration" not in str(exc).split("\n")[0]:
                        raise
        elif what < 0.9:
            call_function(case, rng.choice([socket, _socket]))
        elif peer is not None:
            call_method(case, peer, rng.choice(SOCKET_METHODS))

"""Target `option`: setsockopt/getsockopt with every level and option the
module names plus unknown ones, values as integers (huge, negative,
__index__), buffers of every length (struct linger, timevals, IPv6
membership requests cut short), getsockopt with buffer lengths from 0 to
past the limit; settimeout/setblocking/setdefaulttimeout with odd numbers,
and the socket used afterwards."""
from __future__ import print_function

from fuzzlib import (BIG_INTS, Index, hostile_value, may_block, open_socket,
                     pick_interrupt, random_bytes, random_int, socket_errors)

# Options that could make a packet leave loopback (source routes, sticky
# next hops, interfaces and source addresses, marks, transparent proxying)
# or that would change this machine's traffic for other programs (multicast
# joins, device bindings, filters, TCP repair) are never set.  They are
# listed by Linux's numbers, per level, so that a random number or another
# level's name with the same value is caught too.
SKIPPED = {
    1: (25, 26, 27, 36, 50, 51, 52, 62),   # SOL_SOCKET: BINDTODEVICE, filters,
                                           # MARK, BPF, BINDTOIFINDEX
    0: (3, 4, 5, 7, 8, 15, 19, 32, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44,
        45, 46, 47, 48, 50),               # SOL_IP: HDRINCL, OPTIONS, ...
    41: (1, 2, 3, 4, 5, 6, 9, 17, 20, 21, 22, 42, 43, 44, 45, 46, 47, 48,
         50, 54, 55, 57, 59, 75, 76, 78),  # SOL_IPV6: ADDRFORM, PKTINFO, ...
    6: (14, 19, 20, 21, 22, 31),           # SOL_TCP: MD5SIG, REPAIR*, ULP
}


def _as_int(value):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int) or type(value).__name__ == "long":
        return value
    return getattr(value, "value", None)  # fuzzlib.Index


def settable(level, option):
    """Whether (level, option) may be set (see SKIPPED)."""
    level, option = _as_int(level), _as_int(option)
    if level is None or option is None:
        return True  # refused before any setsockopt(2)
    return option not in SKIPPED.get(level, ())


def option_names(socket):
    levels = dict((name, getattr(socket, name)) for name in dir(socket)
                  if name.startswith(("SOL_", "IPPROTO_")))
    options = dict((name, getattr(socket, name)) for name in dir(socket)
                   if name.startswith(("SO_", "TCP_", "IP_", "IPV6_")))
    return sorted(levels.items()), sorted(options.items())


def random_level(rng, levels):
    if rng.random() < 0.85:
        return rng.choice(levels)[1]
    return rng.choice(BIG_INTS + [Index(1), hostile_value(rng)])


def random_option(rng, options):
    if rng.random() < 0.85:
        return rng.choice(options)[1]
    return rng.choice(BIG_INTS + [Index(2), hostile_value(rng)])


def random_value(rng):
    choice = rng.random()
    if choice < 0.45:
        return rng.choice([0, 1, 2, 1024, 65536]) if rng.random() < 0.5 \
            else random_int(rng)
    if choice < 0.8:
        size = rng.choice([0, 1, 2, 3, 4, 7, 8, 12, 16, 20, 32, 64, 255,
                           256, 1024, 4096])
        data = random_bytes(rng, size)[:size]
        return rng.choice([data, bytearray(data), memoryview(data)])
    return hostile_value(rng)


def run_case(case):
    import socket
    rng = case.rng
    case.expected = socket_errors()
    levels, options = option_names(socket)
    sock, peer = open_socket(case)
    for _ in range(rng.randint(1, 15)):
        what = rng.random()
        if what < 0.35:
            args = [random_level(rng, levels), random_option(rng, options),
                    random_value(rng)]
            if rng.random() < 0.05:
                args.append(hostile_value(rng))
            if settable(args[0], args[1]):
                case.call("setsockopt", sock.setsockopt, *args)
        elif what < 0.65:
            args = [random_level(rng, levels), random_option(rng, options)]
            if rng.random() < 0.5:
                args.append(rng.choice([0, 1, 4, 8, 16, 255, 256, 1024, 1025,
                                        -1, 2 ** 31, 2 ** 64, Index(4),
                                        hostile_value(rng)]))
            case.call("getsockopt", sock.getsockopt, *args)
        elif what < 0.8:
            value = rng.choice([None, 0, 0.0, -0.0, 1e-9, 0.001, 0.01, -1,
                                -0.5, float("nan"), float("inf"), 1e300,
                                2 ** 63, 2 ** 64, Index(1), "1", 1j,
                                hostile_value(rng)])
            case.call("settimeout", sock.settimeout, value)
        elif what < 0.85:
            case.call("setblocking", sock.setblocking,
                      rng.choice([0, 1, True, False, -1, 2 ** 64, None,
                                  hostile_value(rng)]))
        elif what < 0.9:
            case.call("gettimeout", sock.gettimeout)
        elif what < 0.93:
            case.call("setdefaulttimeout", socket.setdefaulttimeout,
                      rng.choice([None, 0, 0.01, -1, float("nan"),
                                  float("inf"), 2 ** 64, "x"]))
            socket.setdefaulttimeout(None)
        else:
            # The options in use: a small exchange with the peer.
            name = rng.choice(["send", "recv", "shutdown", "fileno"])
            if name == "send":
                args = [b"x" * rng.choice([1, 100, 70000])]
            elif name == "recv":
                args = [rng.choice([1, 1024])]
            elif name == "shutdown":
                args = [rng.choice([0, 1, 2, -1, 3])]
            else:
                args = []
            case.call(name, getattr(sock, name), *args,
                      _interrupt=pick_interrupt(rng, may_block(sock)))

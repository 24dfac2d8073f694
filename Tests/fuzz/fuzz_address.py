"""Target `address`: the address converters both ways.  bind/connect/
connect_ex/sendto with odd tuples (ports out of range or through
__index__, IPv6 flowinfo/scope ids, NULs, AF_UNIX paths at and past the
108-byte limit, abstract names, the 1998 two-argument form), then what
getsockname/getpeername/recvfrom/accept give back, and the module's
conversions (inet_*, getaddrinfo with numeric hosts, getnameinfo on
loopback, gethostbyname)."""
from __future__ import print_function

from fuzzlib import (BIG_INTS, Index, family_of, hostile_value, may_block, open_socket,
                     pick_interrupt, random_address, random_bytes, random_host,
                     random_port, random_text, socket_errors)

INET_KINDS = ["tcp", "tcp6", "udp", "udp6", "listener", "conn", "c_socket"]
UNIX_KINDS = ["unixpair", "unixdgram", "seqpacket"]


def unix_socket(case):
    import socket
    stype = case.rng.choice([socket.SOCK_STREAM, socket.SOCK_DGRAM])
    sock = case.keep(socket.socket(socket.AF_UNIX, stype))
    sock.settimeout(case.rng.choice([0.0, 0.01]))
    return sock


def conversions(case):
    import socket
    rng = case.rng
    choice = rng.randint(0, 9)
    if choice == 0:
        value = rng.choice([random_text(rng, 20), random_bytes(rng, 20),
                            "1.2.3.4", "255.255.255.255", "1.2.3", "0x7f.1",
                            "1.2.3.4.5", " 1.2.3.4", "256.1.1.1", u"1.2.3.4"])
        case.call("inet_aton", socket.inet_aton, value)
    elif choice == 1:
        case.call("inet_ntoa", socket.inet_ntoa,
                  rng.choice([random_bytes(rng, 8), bytearray(4),
                              memoryview(b"\x7f\0\0\1"), u"abcd",
                              hostile_value(rng)]))
    elif choice == 2:
        family = rng.choice([socket.AF_INET, socket.AF_INET6, socket.AF_UNIX,
                             -1, 2 ** 40, Index(2)])
        value = rng.choice(["::1", "1.2.3.4", "::ffff:1.2.3.4", "1::2::3",
                            "fe80::1%lo", "", random_text(rng, 50),
                            random_bytes(rng, 50), hostile_value(rng)])
        case.call("inet_pton", socket.inet_pton, family, value)
    elif choice == 3:
        family = rng.choice([socket.AF_INET, socket.AF_INET6, socket.AF_UNIX,
                             -1, 2 ** 40])
        case.call("inet_ntop", socket.inet_ntop, family,
                  rng.choice([random_bytes(rng, 20), bytes(bytearray(16)),
                              bytearray(4), memoryview(bytearray(16)),
                              hostile_value(rng)]))
    elif choice == 4:
        # Numeric hosts only (AI_NUMERICHOST, or a numeric string), so no
        # name is ever sent to a resolver.
        host = rng.choice([None, "127.0.0.1", "::1", u"127.0.0.1",
                           b"127.0.0.1", "1.2.3.4\x00", "fe80::1%1",
                           "fe80::1%lo", hostile_value(rng)])
        if type(host) is str and host not in ("127.0.0.1", "::1",
                                              "fe80::1%1", "fe80::1%lo"):
            host = "1.2.3.4\x00"
        port = rng.choice([None, 0, 80, "80", b"80", u"80", -1, 65536,
                           2 ** 64, "http", "no-such-service\x00",
                           hostile_value(rng)])
        args = [host, port]
        for _ in range(rng.randint(0, 4)):
            args.append(rng.choice(BIG_INTS + [0, 0, 0, 1, 2, 10]))
        while len(args) < 6:
            args.append(0)
        args[5] = (args[5] if isinstance(args[5], int) else 0) | \
            socket.AI_NUMERICHOST
        case.call("getaddrinfo", socket.getaddrinfo, *args)
    elif choice == 5:
        # Loopback with numeric results: no reverse lookup.
        address = rng.choice([("127.0.0.1", 80), ("::1", 80, 0, 0),
                              ("127.0.0.1",), ("127.0.0.1", 80, 0),
                              ("::1", 80, 2 ** 20, 1), ("::1", -1),
                              ("127.0.0.1", 2 ** 16), ["127.0.0.1", 80],
                              ("1.2.3.4\x00", 1), (None, 1), (1, 1),
                              ("::1", 80, -1, 0), ("::1", 80, 0, 2 ** 32)])
        flags = rng.choice([0, 1, 2, 3, 8, 16, -1, 2 ** 31, 2 ** 64]) | \
            socket.NI_NUMERICHOST | socket.NI_NUMERICSERV \
            if rng.random() < 0.8 else rng.choice([-1, 2 ** 64, "x"])
        case.call("getnameinfo", socket.getnameinfo, address, flags)
    elif choice == 6:
        case.call("gethostbyname", socket.gethostbyname,
                  random_host(case.rng, socket.AF_INET))
    elif choice == 7:
        case.call("gethostbyaddr", socket.gethostbyaddr,
                  rng.choice(["127.0.0.1", "1.2.3.4\x00", hostile_value(rng)
                              if rng.random() < 0.5 else 5]))
    elif choice == 8:
        value = rng.choice(BIG_INTS + [Index(80), 1.0])
        name = rng.choice(["htons", "htonl", "ntohs", "ntohl"])
        case.call(name, getattr(socket, name), value)
    else:
        case.call("getservbyport", socket.getservbyport, random_port(rng),
                  *rng.choice([[], ["tcp"], ["udp"], ["x\x00"], [5]]))


def run_case(case):
    import socket
    rng = case.rng
    case.expected = socket_errors()
    if rng.random() < 0.3:
        sock = unix_socket(case)
        family = socket.AF_UNIX
    else:
        sock, _ = open_socket(case, rng.choice(INET_KINDS + UNIX_KINDS))
        family = family_of(sock)
    # A second socket to talk to, whose port the addresses may name.
    if rng.random() < 0.5:
        open_socket(case, rng.choice(["udp", "listener", "udp6"]))
    for _ in range(rng.randint(1, 10)):
        what = rng.random()
        if what < 0.2:
            case.call("bind", sock.bind,
                      random_address(rng, family, case, bind=True))
        elif what < 0.25:
            # The 1998 form: bind(host, port).
            case.call("bind2", sock.bind, random_host(rng, family, True),
                      random_port(rng, case))
        elif what < 0.45:
            name = rng.choice(["connect", "connect_ex"])
            case.call(name, getattr(sock, name),
                      random_address(rng, family, case),
                      _interrupt=pick_interrupt(rng, may_block(sock)))
        elif what < 0.6:
            args = [random_bytes(rng, 100), random_address(rng, family, case)]
            if rng.random() < 0.3:
                args.insert(1, rng.choice([0, 1, -1, 2 ** 40]))
            case.call("sendto", sock.sendto, *args,
                      _interrupt=pick_interrupt(rng, may_block(sock)))
        elif what < 0.7:
            name = rng.choice(["getsockname", "getpeername"])
            case.call(name, getattr(sock, name))
        elif what < 0.8:
            name = rng.choice(["recvfrom", "accept"])
            ok, got = case.call(name, getattr(sock, name),
                                *([rng.choice([0, 1, 100])]
                                  if name == "recvfrom" else []),
                                _interrupt=pick_interrupt(rng,
                                                          may_block(sock)))
            if ok and name == "accept":
                case.keep(got[0])
        else:
            conversions(case)

"""Target `buffer`: the data calls with buffers of every shape (bytes,
bytearray, readonly/sliced/strided/cast memoryviews, array.array) and odd
sizes and flags: send/sendall/sendto, recv/recvfrom with sizes from
negative to enormous, recv_into/recvfrom_into with nbytes larger than the
buffer, a buffer resized or released by the peer side of the case, and
signals landing in the middle (sendall's `sent`)."""
from __future__ import print_function

import array

from fuzzlib import (Helper, family_of, hostile_value, may_block, open_socket, pick_interrupt,
                     random_address, random_buffer, random_size,
                     socket_errors)

PAIR_KINDS = ["conn", "unixpair", "unixdgram", "seqpacket", "dup", "fromfd",
              "pair_of_c", "udp", "udp6", "closed"]
FLAGS = [0, 0, 0, 1, 2, 0x40, 0x40, 0x100, 0x4000, -1, 2 ** 31, 2 ** 64]


def random_flags(rng):
    if rng.random() < 0.9:
        return rng.choice(FLAGS) if rng.random() < 0.8 else 0x40 | 2
    return hostile_value(rng)


def nbytes(data):
    if isinstance(data, array.array):  # 2.7's arrays give no memoryview
        return len(data) * data.itemsize
    return len(memoryview(data).tobytes())


def send_call(case, sock):
    rng = case.rng
    name = rng.choice(["send", "sendall", "sendto", "send", "sendall"])
    data = random_buffer(rng, rng.choice([10, 4096, 300000]))
    args = [data]
    if rng.random() < 0.5 or name == "sendto":
        args.append(random_flags(rng))
    if name == "sendto":
        family = family_of(sock)
        if family == 1 or rng.random() < 0.3:
            args.append(None if rng.random() < 0.5 else
                        random_address(rng, family, case))
        else:
            port = rng.choice(case.ports) if case.ports else 0
            args.append(("::1", port) if family == 10 else ("127.0.0.1",
                                                             port))
        if rng.random() < 0.5:
            args.pop(1)
    ok, got = case.call(name, getattr(sock, name), *args,
                        _interrupt=pick_interrupt(rng, may_block(sock)))
    if not ok and name == "sendall" and hasattr(got, "sent"):
        # What was sent before the error: a count within the data.
        sent = got.sent
        size = nbytes(data)
        if not (isinstance(sent, int) and 0 <= sent <= size):
            from fuzzlib import FuzzFailure
            raise FuzzFailure("sendall's sent=%r outside 0..%d" % (sent, size))


def receive_call(case, sock):
    rng = case.rng
    name = rng.choice(["recv", "recvfrom", "recv_into", "recvfrom_into"])
    if name.endswith("_into"):
        buf = random_buffer(rng, rng.choice([0, 1, 100, 70000]),
                            writable=True) if rng.random() < 0.85 else \
            rng.choice([b"readonly", memoryview(b"ro"), u"text", None])
        args = [buf]
        if rng.random() < 0.6:
            args.append(random_size(rng))
        if rng.random() < 0.4:
            args.append(random_flags(rng))
    else:
        args = [random_size(rng) if rng.random() < 0.8
                else rng.choice([1, 1024, 65536])]
        if rng.random() < 0.4:
            args.append(random_flags(rng))
    case.call(name, getattr(sock, name), *args,
              _interrupt=pick_interrupt(rng, may_block(sock)))


def concurrent(case, sock, peer):
    """Another thread acts on the socket (or on the buffer in use) while
    this one is in a data call: none of its calls may block."""
    rng = case.rng
    shared = bytearray(rng.choice([0, 10, 70000, 300000]))
    actions = []
    for _ in range(rng.randint(1, 2)):
        delay = rng.choice([0, 0.0005, 0.002, 0.01])
        what = rng.choice(["close", "shutdown", "settimeout", "setblocking",
                           "send", "recv", "resize", "resize", "peer"])
        if what == "close":
            actions.append((delay, "close", sock.close, ()))
        elif what == "shutdown":
            actions.append((delay, "shutdown", sock.shutdown,
                            (rng.choice([0, 1, 2]),)))
        elif what == "settimeout":
            actions.append((delay, "settimeout", sock.settimeout,
                            (rng.choice([0.0, 0.001, None]),)))
        elif what == "setblocking":
            actions.append((delay, "setblocking", sock.setblocking, (0,)))
        elif what == "send":
            actions.append((delay, "send", sock.send, (b"z" * 100, 0x40)))
        elif what == "recv":
            actions.append((delay, "recv", sock.recv, (1000, 0x40)))
        elif what == "resize":
            # The buffer of the main thread's call, resized under it: the
            # export it holds must refuse (BufferError).
            actions.append((delay, "resize", shared.extend, (b"more",)))
            actions.append((0, "shrink", shared.__delitem__,
                            (slice(0, None),)))
        elif peer is not None:
            actions.append((delay, "peer.send", peer.send,
                            (b"p" * 5000, 0x40)))
    Helper(case, actions)
    name = rng.choice(["sendall", "recv_into", "recv", "send"])
    args = {"sendall": (shared,), "send": (shared,), "recv_into": (shared,),
            "recv": (rng.choice([1, 70000]),)}[name]
    case.call(name, getattr(sock, name), *args,
              _interrupt=pick_interrupt(rng, True))


def run_case(case):
    rng = case.rng
    case.expected = socket_errors()
    sock, peer = open_socket(case, rng.choice(PAIR_KINDS))
    if peer is None and rng.random() < 0.5:
        peer, _ = open_socket(case, "udp")
    for _ in range(rng.randint(1, 12)):
        what = rng.random()
        if what < 0.35:
            send_call(case, sock)
        elif what < 0.7:
            receive_call(case, sock)
        elif what < 0.8 and peer is not None:
            # The peer sends, so that receives find data of various sizes.
            send_call(case, peer)
        elif what < 0.9 and peer is not None:
            receive_call(case, peer)
        elif what < 0.93:
            concurrent(case, sock, peer)
        elif what < 0.96:
            case.call("shutdown", sock.shutdown, rng.choice([0, 1, 2]))
        else:
            case.call("settimeout", sock.settimeout,
                      rng.choice([0.0, 0.001, 0.01, None]))

"""Target `mactcp`: TCP and UDP streams with odd buffer sizes, ports, hosts
and timeouts; every method in states where it is allowed and where it is
not (before an open, during a pending PassiveOpen, after Close, after the
peer reset); asr routines that record, raise, are not callable or call
back into the stream; streams deleted with events queued."""
from __future__ import print_function

import os

from fuzzlib import (BIG_INTS, Helper, Index, Wakeup, hostile_value, random_buffer,
                     pick_interrupt)

LOOPBACK = 0x7F000001
# MacTCP hosts that stay on this machine, and values that must be refused.
# No other address: -1 (the signed form of 255.255.255.255) and the other
# negatives in a C int are real addresses beyond loopback.
HOSTS = [LOOPBACK, LOOPBACK, 0x7F000002, 0x7FFFFFFE, 2 ** 32, 2 ** 32 + 1,
         -2 ** 31 - 1, 2 ** 64, -2 ** 63, Index(LOOPBACK), "127.0.0.1",
         None, 1.5]
SIZES = [0, 1, 2047, 2048, 2049, 4095, 4096, 4097, 8192, 65536, 65537,
         2 ** 20, 2 ** 31 - 1, 2 ** 31, -1, -4096, 2 ** 64, Index(8192),
         "8192", None]
TIMEOUTS = [0.001, 0.005, 0.01, 1, 0.0001, -1, -0.5, -2, float("nan"),
            float("inf"), 2 ** 64, "1", None, Index(1), 1e-300]


# Raising asrs are drawn only with CLASSICSOCKET_FUZZ_RAISING_ASR=1.  Their
# exception lands wherever the main thread is, including inside the
# runner's own threading calls (seed 32 case 230 with --cases 400: a
# Wakeup inside Thread.start() leaves threading's lock released, "release
# unlocked lock"): that is the fuzzer's harness failing, not mactcp.  The
# "descriptors left open" once seen with them was the runner holding the
# finished case (fixed in run.py's run_one; Tests/test_mactcp_asr.py
# replays the trace against mactcp).
RAISING_ASR = os.environ.get("CLASSICSOCKET_FUZZ_RAISING_ASR") == "1"


def mactcp_errors():
    """What mactcp calls may raise (BufferError: see
    fuzzlib.socket_errors)."""
    import mactcp
    return (mactcp.error, TypeError, ValueError, OverflowError, MemoryError,
            BufferError)


class Asr(object):
    """An asr that records events, sometimes raising or calling back into
    its stream (the module lets it call any method)."""

    def __init__(self, rng, holder):
        self.rng = rng
        self.holder = holder  # [stream], emptied at the end of the case
        self.events = []
        self.mode = rng.choice(["record", "record", "raise", "reenter"])
        if self.mode == "raise" and not RAISING_ASR:
            self.mode = "record"

    def __call__(self, *args):
        self.events.append(args)
        if len(self.events) > 1000:
            return
        if self.mode == "raise" and self.rng.random() < 0.3:
            raise Wakeup()
        if self.mode == "reenter":
            for stream in self.holder:
                for name in ("Status", "GetSockName", "isdone"):
                    method = getattr(stream, name, None)
                    if method is not None:
                        try:
                            method()
                        except Exception:
                            pass


def random_port(case):
    rng = case.rng
    if case.ports and rng.random() < 0.5:
        return rng.choice(case.ports)
    return rng.choice([0, 0, 0, Index(0), -1, 65536, 2 ** 32, None, "80"])


def random_size(rng):
    return rng.choice(SIZES) if rng.random() < 0.4 else \
        rng.choice([4096, 8192, 16384])


def set_asr(case, stream):
    rng = case.rng
    choice = rng.random()
    if choice < 0.6:
        # Streams take no weak references; the holder list is emptied
        # when the case ends, which breaks the stream -> asr -> stream
        # cycle.
        holder = [stream]
        case.holders.append(holder)
        value = Asr(rng, holder)
    elif choice < 0.8:
        value = None
    else:
        value = rng.choice([5, "asr", object(), hostile_value(rng)])
    case.call("asr=", setattr, stream, "asr", value)


def tcp_call(case, stream, peer_ports):
    rng = case.rng
    name = rng.choice(["PassiveOpen", "ActiveOpen", "ActiveOpen", "Send",
                       "Send", "Rcv", "Rcv", "Close", "Abort", "Status",
                       "GetSockName", "wait", "isdone", "asr"])
    if name == "asr":
        set_asr(case, stream)
        return
    blocking = False
    if name == "PassiveOpen":
        args = [random_port(case)]
    elif name == "ActiveOpen":
        rport = rng.choice(peer_ports) if peer_ports and \
            rng.random() < 0.8 else random_port(case)
        args = [0 if rng.random() < 0.8 else
                rng.choice([-1, 65536, Index(0), None]),
                rng.choice(HOSTS) if rng.random() < 0.2 else LOOPBACK, rport]
        blocking = True
    elif name == "Send":
        data = random_buffer(rng, rng.choice([0, 1, 100, 70000])) \
            if rng.random() < 0.9 else hostile_value(rng)
        args = [data]
        if rng.random() < 0.5:
            args.append(rng.choice([0, 1, -1, 2 ** 64, None]))
        if rng.random() < 0.3:
            args.append(rng.choice([0, 1, 2, -1, 2 ** 64, None]))
        blocking = True
    elif name == "Rcv":
        args = [rng.choice([0.001, 0.01, 0.05])] if rng.random() < 0.7 else \
            [] if rng.random() < 0.3 else [rng.choice(TIMEOUTS)]
        blocking = True
    elif name in ("Close", "wait"):
        args = []
        blocking = True
    else:
        args = []
    if rng.random() < 0.03:
        args.append(hostile_value(rng))
    ok, got = case.call("TCPStream.%s" % name, getattr(stream, name), *args,
                        _interrupt=pick_interrupt(rng, blocking))
    if ok and name == "Status":
        for field in ("remoteHost", "remotePort", "localHost", "localPort",
                      "connectionState", "amtUnackedData", "sendNext",
                      "rcvNext", "srtt"):
            case.call("status." + field, getattr, got, field)
    if ok and name == "PassiveOpen":
        ok, address = case.call("GetSockName", stream.GetSockName)
        if ok:
            case.ports.append(address[1])


def concurrent(case, stream):
    """Another thread calls the stream while this one is blocked in it:
    Abort (which ends the blocked call) or another method (which must be
    refused while the stream is in use)."""
    rng = case.rng
    # No Send or Close: behind data a peer does not read they wait, as
    # documented, for the 60 s ULP timeout, and the helper must not block.
    name = rng.choice(["Abort", "Abort", "Status", "GetSockName", "isdone",
                       "asr"])
    delay = rng.choice([0, 0.001, 0.005, 0.02])
    if name == "asr":
        action = (delay, "asr=None", setattr, (stream, "asr", None))
    else:
        action = (delay, name, getattr(stream, name), ())
    Helper(case, [action])
    main = rng.choice(["Rcv", "wait", "Rcv", "Close"])
    args = (rng.choice([0.05, 0.2]),) if main == "Rcv" else ()
    case.call("TCPStream.%s" % main, getattr(stream, main), *args,
              _interrupt=pick_interrupt(rng, True))


def udp_call(case, stream, peer_ports):
    rng = case.rng
    name = rng.choice(["Read", "Read", "Write", "Write", "port", "asr"])
    if name == "asr":
        set_asr(case, stream)
        return
    if name == "port":
        case.call("UDPStream.port", getattr, stream, "port")
        return
    if name == "Read":
        args = [] if rng.random() < 0.2 else [rng.choice(TIMEOUTS)]
    else:
        port = rng.choice(peer_ports) if peer_ports and rng.random() < 0.8 \
            else random_port(case)
        host = rng.choice(HOSTS) if rng.random() < 0.3 else LOOPBACK
        data = random_buffer(rng, rng.choice([0, 1, 100, 1472, 70000])) \
            if rng.random() < 0.9 else hostile_value(rng)
        args = [host, port, data]
    case.call("UDPStream.%s" % name, getattr(stream, name), *args,
              _interrupt=pick_interrupt(rng, name == "Read"))


def run_case(case):
    import mactcp
    rng = case.rng
    case.expected = mactcp_errors()
    case.holders = []
    streams = []
    if rng.random() < 0.1:
        for name in ("MTU", "IPAddr", "NetMask"):
            case.call(name, getattr(mactcp, name))
    for _ in range(rng.randint(1, 3)):
        if rng.random() < 0.65:
            ok, stream = case.call("TCPCreate", mactcp.TCPCreate,
                                   random_size(rng))
        else:
            ok, stream = case.call("UDPCreate", mactcp.UDPCreate,
                                   random_size(rng), random_port(case))
            if ok:
                case.ports.append(stream.port)
        if ok:
            streams.append(stream)
            if rng.random() < 0.5:
                set_asr(case, stream)
            if hasattr(stream, "Abort") and rng.random() < 0.5:
                case.side_effects.append(stream.Abort)
    if not streams:
        return
    # A listening TCP stream for the others to reach, and often a
    # connection to it, so that the data calls find one.
    tcp = [s for s in streams if type(s).__name__ == "TCPStream"]
    peer_ports = []
    if tcp and rng.random() < 0.8:
        ok, _ = case.call("PassiveOpen", tcp[0].PassiveOpen, 0)
        if ok:
            peer_ports.append(tcp[0].GetSockName()[1])
            if len(tcp) < 2 and rng.random() < 0.7:
                ok, other = case.call("TCPCreate", mactcp.TCPCreate,
                                      rng.choice([4096, 8192, 65536]))
                if ok:
                    tcp.append(other)
                    streams.append(other)
            if len(tcp) > 1:
                ok, _ = case.call("ActiveOpen", tcp[1].ActiveOpen, 0,
                                  LOOPBACK, peer_ports[0],
                                  _interrupt=pick_interrupt(rng, True))
                if ok:
                    case.call("wait", tcp[0].wait,
                              _interrupt=pick_interrupt(rng, True))
    for _ in range(rng.randint(1, 12)):
        stream = rng.choice(streams)
        if rng.random() < 0.05:
            # Deleted with whatever is queued for it.
            streams.remove(stream)
            del stream
            if not streams:
                break
            continue
        if type(stream).__name__ == "TCPStream":
            if rng.random() < 0.1:
                concurrent(case, stream)
            else:
                tcp_call(case, stream, peer_ports + case.ports)
        else:
            udp_call(case, stream, case.ports)
    # asr off before the streams go, so that none runs during clean-up.
    for stream in streams:
        case.call("asr=None", setattr, stream, "asr", None)
    for holder in case.holders:
        del holder[:]
    del streams[:]

"""MACTCPconst: every name and value of the reference tables (mactcp-facts
sections 3.2 and 5), encoded here independently of the module."""
import os

import MACTCPconst

import support

# facts 5.1
UDP_EVENTS = [
    ("UDPDataArrival", 1),
    ("UDPICMPReceived", 2),
]
TCP_EVENTS = [
    ("TCPClosing", 1),
    ("TCPULPTimeout", 2),
    ("TCPTerminate", 3),
    ("TCPDataArrival", 4),
    ("TCPUrgent", 5),
    ("TCPICMPReceived", 6),
    ("PassiveOpenDone", 32766),
]
# facts 5.2
TERMINATION_REASONS = [
    ("TCPRemoteAbort", 2),
    ("TCPNetworkFailure", 3),
    ("TCPSecPrecMismatch", 4),
    ("TCPULPTimeoutTerminate", 5),
    ("TCPULPAbort", 6),
    ("TCPULPClose", 7),
    ("TCPServiceError", 8),
]
# facts 5.3
ERRORS = [
    ("ipBadLapErr", -23000),
    ("ipBadCnfgErr", -23001),
    ("ipNoCnfgErr", -23002),
    ("ipLoadErr", -23003),
    ("ipBadAddr", -23004),
    ("connectionClosing", -23005),
    ("invalidLength", -23006),
    ("connectionExists", -23007),
    ("connectionDoesntExist", -23008),
    ("insufficientResources", -23009),
    ("invalidStreamPtr", -23010),
    ("streamAlreadyOpen", -23011),
    ("connectionTerminated", -23012),
    ("invalidBufPtr", -23013),
    ("invalidRDS", -23014),
    ("invalidWDS", -23014),
    ("openFailed", -23015),
    ("commandTimeout", -23016),
    ("duplicateSocket", -23017),
    ("ipDontFragErr", -23032),
    ("ipDestDeadErr", -23033),
    ("icmpEchoTimeoutErr", -23035),
    ("ipNoFragMemErr", -23036),
    ("ipRouteErr", -23037),
    ("nameSyntaxErr", -23041),
    ("cacheFault", -23042),
    ("noResultProc", -23043),
    ("noNameServer", -23044),
    ("authNameErr", -23045),
    ("noAnsErr", -23046),
    ("dnrErr", -23047),
    ("outOfMemory", -23048),
]
# facts 3.2 (Apple's names, spaces removed)
STATES = [
    ("Closed", 0),
    ("Listen", 2),
    ("SYNReceived", 4),
    ("SYNSent", 6),
    ("Established", 8),
    ("FINWait1", 10),
    ("FINWait2", 12),
    ("CloseWait", 14),
    ("Closing", 16),
    ("LastAck", 18),
    ("TimeWait", 20),
]

ALL = UDP_EVENTS + TCP_EVENTS + TERMINATION_REASONS + ERRORS + STATES


def _check(table):
    for name, value in table:
        assert hasattr(MACTCPconst, name), name
        got = getattr(MACTCPconst, name)
        assert type(got) is int, (name, type(got))
        assert got == value, (name, got, value)


def test_udp_event_codes():
    _check(UDP_EVENTS)


def test_tcp_event_codes():
    _check(TCP_EVENTS)
    assert MACTCPconst.PassiveOpenDone == 32766


def test_termination_reasons():
    _check(TERMINATION_REASONS)


def test_error_codes():
    _check(ERRORS)
    # the one documented clash: RDS and WDS errors share a value
    assert MACTCPconst.invalidRDS == MACTCPconst.invalidWDS


def test_connection_states():
    _check(STATES)


def test_error_codes_are_distinct_except_rds_wds():
    values = {}
    for name, value in ERRORS:
        values.setdefault(value, []).append(name)
    shared = [sorted(names) for names in values.values() if len(names) > 1]
    assert shared == [["invalidRDS", "invalidWDS"]]


def test_nothing_but_the_documented_constants():
    public = set(name for name in dir(MACTCPconst) if not name.startswith("_"))
    assert public == set(name for name, _ in ALL)


def test_module_is_plain_source_in_lib():
    path = os.path.realpath(MACTCPconst.__file__)
    assert path.startswith(os.path.realpath(support.LIB) + os.sep)
    assert MACTCPconst.__doc__ and "mactcp" in MACTCPconst.__doc__


def test_mactcp_has_no_constants():
    """facts 1: the constants live only in MACTCPconst, never in mactcp."""
    mactcp = __import__("mactcp")
    for name, _ in ALL:
        assert not hasattr(mactcp, name), name

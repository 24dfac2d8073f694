"""macdnr against a real DNS server: dnsmasq on loopback (dnr_support.py),
the resolver pointed at it through Open(hosts_file) written at test time.
The machine's own resolver is never asked: every test opens a Hosts file
that names only loopback servers, except the ones that read the system's
configuration for fixed entries (/etc/hosts) and make no query."""
from __future__ import print_function

import os
import signal
import subprocess
import sys
import threading

import pytest

import support
import dnr_support
from dnr_support import ip_number

import macdnr
import MACTCPconst

notOpenErr = -28
fnfErr = -43
nameSyntaxErr = MACTCPconst.nameSyntaxErr
noNameServer = MACTCPconst.noNameServer
authNameErr = MACTCPconst.authNameErr
noAnsErr = MACTCPconst.noAnsErr
dnrErr = MACTCPconst.dnrErr

EXTRA = """
gateway      A      192.0.2.1
gw2          CNAME  gateway
mirror       CNAME  www
twice        A      192.0.2.2
twice        A      192.0.2.3
"""


@pytest.fixture(scope="module")
def dns():
    server = dnr_support.DNSServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def files():
    f = dnr_support.HostsFiles()
    yield f
    f.cleanup()


@pytest.fixture(autouse=True)
def closed_resolver():
    """Each test starts and ends with the resolver closed (its thread
    joined before the leak check)."""
    close_quietly()
    yield
    close_quietly()


def close_quietly():
    try:
        macdnr.Close()
    except macdnr.error:
        pass


@pytest.fixture
def opened(dns, files):
    """The resolver open on the test server."""
    macdnr.Open(files.write(dnr_support.hosts_text([dns.port], extra=EXTRA)))
    return dns


def code_of(call, *args):
    with pytest.raises(macdnr.error) as info:
        call(*args)
    return info.value.args[0]


def addrs(result):
    return [result.ip0, result.ip1, result.ip2, result.ip3]


# ---- StrToAddr --------------------------------------------------------------

def test_strtoaddr_asks_the_server(opened):
    r = macdnr.StrToAddr("www")
    assert r.wait() is None
    assert r.isdone() == 1
    assert r.rtnCode == 0
    assert r.cname == "www.test.example."
    assert addrs(r) == [ip_number("192.0.2.10"), 0, 0, 0]


def test_strtoaddr_several_addresses(opened):
    r = macdnr.StrToAddr("two.test.example")
    r.wait()
    assert sorted(addrs(r)[:2]) == [ip_number("192.0.2.31"),
                                    ip_number("192.0.2.32")]
    assert addrs(r)[2:] == [0, 0]


def test_strtoaddr_keeps_four_addresses(opened):
    r = macdnr.StrToAddr("multi")
    r.wait()
    got = addrs(r)
    assert len(set(got)) == 4
    assert set(got) <= set(ip_number(a)
                           for a in dnr_support.ADDRESSES["multi"])


def test_strtoaddr_follows_cnames(opened):
    for name in ("alias", "alias2"):
        r = macdnr.StrToAddr(name)
        r.wait()
        assert r.cname == "www.test.example."
        assert r.ip0 == ip_number("192.0.2.10")


def test_strtoaddr_case_does_not_matter(opened):
    r = macdnr.StrToAddr("WWW.Test.EXAMPLE")
    r.wait()
    assert r.ip0 == ip_number("192.0.2.10")


def test_nxdomain_is_authnameerr(opened):
    r = macdnr.StrToAddr("nx")
    with pytest.raises(macdnr.error) as info:
        r.wait()
    assert info.value.args[0] == authNameErr
    assert "does not exist" in info.value.args[1]
    # the fields never raise: MacPython's dnrr_getattr
    assert r.rtnCode == authNameErr
    assert r.cname == ""
    assert addrs(r) == [0, 0, 0, 0]


def test_server_error_is_dnrerr(opened):
    # dnsmasq has no upstream: it refuses names outside its zone
    r = macdnr.StrToAddr("host.elsewhere.invalid")
    assert code_of(r.wait) == dnrErr
    assert r.rtnCode == dnrErr


def test_dotted_quad_completes_at_once(opened):
    r = macdnr.StrToAddr("192.0.2.77")
    assert r.isdone() == 1
    assert r.rtnCode == 0
    assert r.ip0 == ip_number("192.0.2.77")
    assert r.cname == "192.0.2.77"
    assert macdnr.StrToAddr("010.0.0.1").ip0 == ip_number("10.0.0.1")


@pytest.mark.parametrize("name", [
    "1.2.3", "1.2.3.256", "1.2.3.4.5", "1..2.3", "1.2.3.4.", "", ".",
    "a..b", "bad name", "back\\slash", "x" * 64 + ".example",
    ("y" * 60 + ".") * 5, "caf\xe9", u"caf\xe9", "nul\0byte"])
def test_name_syntax_errors_raise_at_once(opened, name):
    assert code_of(macdnr.StrToAddr, name) == nameSyntaxErr


def test_names_from_the_cache_complete_at_once(opened):
    r = macdnr.StrToAddr("gateway")
    assert r.isdone() == 1
    assert r.cname == "gateway.test.example."
    assert addrs(r) == [ip_number("192.0.2.1"), 0, 0, 0]
    r = macdnr.StrToAddr("GW2.test.example.")
    assert r.isdone() == 1
    assert r.cname == "gateway.test.example."
    assert r.ip0 == ip_number("192.0.2.1")
    r = macdnr.StrToAddr("twice")
    assert addrs(r) == [ip_number("192.0.2.2"), ip_number("192.0.2.3"), 0, 0]


def test_cache_cname_leads_to_the_server(opened):
    r = macdnr.StrToAddr("mirror")
    r.wait()
    assert r.cname == "www.test.example."
    assert r.ip0 == ip_number("192.0.2.10")


def test_default_domain_and_final_dot(opened):
    for name in ("www", "www.test.example", "www.test.example."):
        assert macdnr.StrToAddr(name).ip0 == ip_number("192.0.2.10")
    # a final dot means exactly this name: "www." is outside the zone
    assert code_of(macdnr.StrToAddr("www.").wait) == dnrErr


def test_bytes_and_unicode_names(opened):
    assert macdnr.StrToAddr(b"www").ip0 == ip_number("192.0.2.10")
    assert macdnr.StrToAddr(u"www").ip0 == ip_number("192.0.2.10")


# ---- AddrToName, AddrToStr, HInfo, MXInfo -----------------------------------

def test_addrtoname(opened):
    host = ip_number("192.0.2.10")
    for arg in (host, host - 2 ** 32):      # unsigned and MacPython's signed
        r = macdnr.AddrToName(arg)
        r.wait()
        assert r.rtnCode == 0
        assert r.cname == "www.test.example."
        assert addrs(r) == [host, 0, 0, 0]


def test_addrtoname_unknown_address(opened):
    r = macdnr.AddrToName(ip_number("192.0.2.99"))
    assert code_of(r.wait) == authNameErr


def test_addrtostr():
    assert macdnr.AddrToStr(0x7F000001) == "127.0.0.1"
    assert macdnr.AddrToStr(-1) == "255.255.255.255"
    assert macdnr.AddrToStr(0xC000020A) == "192.0.2.10"
    assert macdnr.AddrToStr(0) == "0.0.0.0"


def test_hinfo(opened):
    r = macdnr.HInfo("www")
    r.wait()
    assert (r.rtnCode, r.cname, r.cpuType, r.osType) == (
        0, "www.test.example.", "x86", "Linux")


def test_hinfo_strings_keep_29_characters(opened):
    r = macdnr.HInfo("long")
    r.wait()
    cpu, os_ = dnr_support.HINFO["long"]
    assert (r.cpuType, r.osType) == (cpu[:29], os_[:29])


def test_hinfo_through_a_cname(opened):
    r = macdnr.HInfo("alias")
    r.wait()
    assert (r.cname, r.cpuType) == ("www.test.example.", "x86")


def test_hinfo_missing(opened):
    r = macdnr.HInfo("two")
    assert code_of(r.wait) == authNameErr
    assert (r.cname, r.cpuType, r.osType) == ("two.test.example.", "", "")


def test_mxinfo_gives_the_most_preferred(opened):
    r = macdnr.MXInfo("mail")
    r.wait()
    assert (r.rtnCode, r.cname, r.preference, r.exchange) == (
        0, "mail.test.example.", 10, "mx2.test.example.")


def test_mxinfo_name_without_mx(opened):
    r = macdnr.MXInfo("www")
    with pytest.raises(macdnr.error) as info:
        r.wait()
    assert info.value.args[0] == authNameErr
    assert "no MX record" in info.value.args[1]
    # the name exists: its canonical name is known
    assert (r.cname, r.preference, r.exchange) == ("www.test.example.", 0,
                                                   "")


def test_mxinfo_nxdomain(opened):
    assert code_of(macdnr.MXInfo("nx").wait) == authNameErr


def test_truncated_answers_are_asked_again_over_tcp(opened):
    big = set(ip_number(a) for a in dnr_support.ADDRESSES["big"])
    r = macdnr.StrToAddr("big")
    r.wait()
    assert len(set(addrs(r))) == 4 and set(addrs(r)) <= big
    # the most preferred MX is only in the whole answer
    m = macdnr.MXInfo("bigmx")
    m.wait()
    assert (m.preference, m.exchange) == (101, "mx1.test.example.")


def test_truncated_answer_used_when_tcp_fails(dns, files):
    relay = dnr_support.UDPRelay(dns.port)      # no TCP on its port
    try:
        macdnr.Open(files.write(dnr_support.hosts_text([relay.port])))
        big = set(ip_number(a) for a in dnr_support.ADDRESSES["big"])
        r = macdnr.StrToAddr("big")
        r.wait()
        assert len(set(addrs(r))) == 4 and set(addrs(r)) <= big
        # what the truncated answer held: not the most preferred MX
        m = macdnr.MXInfo("bigmx")
        m.wait()
        assert m.preference > 101
        assert m.exchange == "mx%d.test.example." % (m.preference - 100)
        # small answers go through the relay as they are
        assert macdnr.StrToAddr("www").ip0 == ip_number("192.0.2.10")
        macdnr.Close()
    finally:
        relay.close()


def test_fields_by_kind(opened):
    a = macdnr.StrToAddr("192.0.2.1")
    h = macdnr.HInfo("www")
    m = macdnr.MXInfo("mail")
    for obj, present, absent in (
            (a, ["ip0", "ip1", "ip2", "ip3"],
             ["cpuType", "osType", "preference", "exchange"]),
            (h, ["cpuType", "osType"],
             ["ip0", "ip3", "preference", "exchange"]),
            (m, ["preference", "exchange"], ["ip0", "cpuType", "osType"])):
        for name in ["rtnCode", "cname"] + present:
            getattr(obj, name)
        for name in absent:
            with pytest.raises(AttributeError):
                getattr(obj, name)
        with pytest.raises(AttributeError):
            obj.nosuchfield
        assert callable(obj.wait) and callable(obj.isdone)


def test_implicit_wait_on_attribute_access(opened):
    # each field read waits for the answer, without wait()
    assert macdnr.StrToAddr("www").ip0 == ip_number("192.0.2.10")
    assert macdnr.MXInfo("mail").exchange == "mx2.test.example."
    assert macdnr.HInfo("www").osType == "Linux"
    assert macdnr.AddrToName(ip_number("192.0.2.10")).cname == \
        "www.test.example."
    assert macdnr.StrToAddr("nx").rtnCode == authNameErr


# ---- Open and Close ---------------------------------------------------------

def test_open_twice(dns, files):
    path = files.write(dnr_support.hosts_text([dns.port]))
    macdnr.Open(path)
    with pytest.raises(macdnr.error) as info:
        macdnr.Open(path)
    assert info.value.args == ("DNR already open",)
    with pytest.raises(macdnr.error):
        macdnr.Open()
    macdnr.Close()
    macdnr.Open(path)


def test_close_while_closed():
    assert code_of(macdnr.Close) == notOpenErr


def test_implicit_open_uses_the_system_configuration():
    # /etc/hosts: a fixed entry, answered from the cache (no query)
    r = macdnr.StrToAddr("localhost")
    assert r.isdone() == 1
    assert r.ip0 == ip_number("127.0.0.1")
    assert r.cname.endswith(".")
    with pytest.raises(macdnr.error) as info:
        macdnr.Open()
    assert info.value.args == ("DNR already open",)
    macdnr.Close()
    macdnr.AddrToStr(1)             # opens too, as MacPython's did
    with pytest.raises(macdnr.error):
        macdnr.Open()
    macdnr.Close()
    macdnr.Open()
    assert macdnr.StrToAddr("localhost").ip0 == ip_number("127.0.0.1")


def test_close_ends_outstanding_queries(files):
    silent = dnr_support.SilentServer()
    try:
        macdnr.Open(files.write(dnr_support.hosts_text(
            [silent.port], timeout=30)))
        pending = [macdnr.StrToAddr("www"), macdnr.HInfo("www"),
                   macdnr.MXInfo("www"), macdnr.AddrToName(1)]
        assert [r.isdone() for r in pending] == [0, 0, 0, 0]
        macdnr.Close()
        for r in pending:
            assert r.isdone() == 1
            assert r.rtnCode == notOpenErr
            assert code_of(r.wait) == notOpenErr
    finally:
        silent.close()


def test_no_name_server(files):
    macdnr.Open(files.write("gateway A 192.0.2.1\n"))
    assert code_of(macdnr.StrToAddr, "www.test.example") == noNameServer
    assert code_of(macdnr.AddrToName, 1) == noNameServer
    assert code_of(macdnr.HInfo, "www.test.example") == noNameServer
    assert code_of(macdnr.MXInfo, "www.test.example") == noNameServer
    # the cache still answers
    assert macdnr.StrToAddr("gateway").ip0 == ip_number("192.0.2.1")


def test_servers_by_domain(dns, files):
    # NS for test.example only: other names have no server
    macdnr.Open(files.write(dnr_support.hosts_text([dns.port], root=False)))
    assert macdnr.StrToAddr("www").ip0 == ip_number("192.0.2.10")
    assert code_of(macdnr.StrToAddr, "host.elsewhere.invalid") == \
        noNameServer
    assert code_of(macdnr.AddrToName, 1) == noNameServer


# ---- the Hosts file ---------------------------------------------------------

def test_hosts_file_format(files):
    text = (
        "; MacTCP Hosts\r"
        "; macdnr reads this file; ;macdnr is not a directive here\r"
        ";macdnr domain Dept.Example.\r"
        "gateway            A      192.0.2.1   ; the router\r"
        "printer   3600 IN  A      192.0.2.5\r"
        "         IN  3600  A      192.0.2.6\r"
        "@                  A      192.0.2.7\r"
        "abs.other.         a      192.0.2.8\r"
        "rel.sub            A      192.0.2.9\r"
        "pr                 cname  printer\r\n"
        "\r\n"
        "far                CNAME  abs.other.\n")
    macdnr.Open(files.write(text))
    assert macdnr.StrToAddr("gateway").cname == "gateway.Dept.Example."
    r = macdnr.StrToAddr("printer.dept.example")
    assert addrs(r)[:3] == [ip_number("192.0.2.5"), ip_number("192.0.2.6"), 0]
    assert macdnr.StrToAddr("dept.example.").ip0 == ip_number("192.0.2.7")
    assert macdnr.StrToAddr("abs.other").ip0 == ip_number("192.0.2.8")
    assert macdnr.StrToAddr("rel.sub.dept.example").ip0 == \
        ip_number("192.0.2.9")
    assert macdnr.StrToAddr("pr").cname == "printer.Dept.Example."
    assert macdnr.StrToAddr("far").cname == "abs.other."


@pytest.mark.parametrize("text, where", [
    ("host A 1.2.3\n", "line 1"),
    ("ok A 1.2.3.4\nhost MX 10 mail\n", "line 2"),
    ("host CH A 1.2.3.4\n", "line 1"),
    ("$ORIGIN example.\n", "line 1"),
    ("host A\n", "line 1"),
    ("host A 1.2.3.4 5.6.7.8\n", "line 1"),
    ("bad..name A 1.2.3.4\n", "line 1"),
    ("  A 1.2.3.4\n", "line 1"),
    ("host CNAME 1.2.3.4.\n", None),
    ("ns CNAME x\n;macdnr port 53\n", "line 2"),
    ("x A 1.2.3.4 ;macdnr port 99999\n", "line 1"),
    (";macdnr timeout 0\n", "line 1"),
    (";macdnr attempts 11\n", "line 1"),
    (";macdnr nonsense 1\n", "line 1"),
    (";macdnr domain a\n;macdnr domain b\n", "line 2"),
])
def test_hosts_file_errors(files, text, where):
    path = files.write(text)
    if where is None:
        macdnr.Open(path)       # a CNAME to a dotted name is a name
        return
    with pytest.raises(macdnr.error) as info:
        macdnr.Open(path)
    code, message = info.value.args
    assert code == nameSyntaxErr
    assert path in message and where in message
    # the resolver stays closed
    assert code_of(macdnr.Close) == notOpenErr


def test_hosts_file_missing(files):
    path = os.path.join(files.dir, "no-such-Hosts")
    with pytest.raises(macdnr.error) as info:
        macdnr.Open(path)
    assert info.value.args[0] == fnfErr
    assert path in info.value.args[1]


# ---- servers that do not answer ---------------------------------------------

def test_silent_server_gives_noanserr_in_time(files):
    silent = dnr_support.SilentServer()
    try:
        # documented: attempts x servers x timeout = 2 x 1 x 0.5 s
        macdnr.Open(files.write(dnr_support.hosts_text(
            [silent.port], timeout=0.5, attempts=2)))
        start = dnr_support.monotonic()
        r = macdnr.StrToAddr("www")
        assert r.isdone() == 0
        assert code_of(r.wait) == noAnsErr
        elapsed = dnr_support.monotonic() - start
        assert 0.95 <= elapsed < 10.0
        assert "responding" in str(info_message(r))
    finally:
        silent.close()


def info_message(result):
    try:
        result.wait()
    except macdnr.error as e:
        return e.args[1]
    return None


def test_closed_port_gives_noanserr_at_once(files):
    port = dnr_support.free_udp_port()      # nobody listens there
    macdnr.Open(files.write(dnr_support.hosts_text(
        [port], timeout=20, attempts=2)))
    start = dnr_support.monotonic()
    assert code_of(macdnr.StrToAddr("www").wait) == noAnsErr
    # ICMP port unreachable ends each try, long before 2 x 20 s
    assert dnr_support.monotonic() - start < 15.0


def test_next_server_answers(dns, files):
    silent = dnr_support.SilentServer()
    try:
        macdnr.Open(files.write(dnr_support.hosts_text(
            [silent.port, dns.port], timeout=0.3, attempts=1)))
        start = dnr_support.monotonic()
        r = macdnr.StrToAddr("www")
        r.wait()
        assert r.ip0 == ip_number("192.0.2.10")
        assert dnr_support.monotonic() - start >= 0.28
    finally:
        silent.close()


# ---- Ctrl-C -----------------------------------------------------------------

class Interrupted(Exception):
    pass


def interrupt_after(seconds):
    def handler(signum, frame):
        raise Interrupted()
    old = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    return old


def test_ctrl_c_interrupts_wait(files):
    silent = dnr_support.SilentServer()
    old = None
    try:
        macdnr.Open(files.write(dnr_support.hosts_text(
            [silent.port], timeout=60, attempts=1)))
        r = macdnr.StrToAddr("www")
        start = dnr_support.monotonic()
        old = interrupt_after(0.3)
        with pytest.raises(Interrupted):
            r.wait()
        assert 0.25 <= dnr_support.monotonic() - start < 20.0
        assert r.isdone() == 0          # still in flight
        interrupt_after(0.3)
        with pytest.raises(Interrupted):
            r.ip0                       # the implicit wait too
        macdnr.Close()
        assert r.rtnCode == notOpenErr
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        if old is not None:
            signal.signal(signal.SIGALRM, old)
        silent.close()


def test_keyboard_interrupt(files):
    silent = dnr_support.SilentServer()
    old = signal.signal(signal.SIGALRM, signal.default_int_handler)
    try:
        macdnr.Open(files.write(dnr_support.hosts_text(
            [silent.port], timeout=60, attempts=1)))
        r = macdnr.MXInfo("www")
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        with pytest.raises(KeyboardInterrupt):
            r.wait()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        silent.close()


# ---- many queries, threads --------------------------------------------------

EXPECTED = {
    "www": (0, ip_number("192.0.2.10")),
    "alias": (0, ip_number("192.0.2.10")),
    "mail": (0, ip_number("192.0.2.40")),
    "web.test.example": (0, ip_number("127.0.0.1")),
    "nx": (authNameErr, 0),
    "gateway": (0, ip_number("192.0.2.1")),
    "10.9.8.7": (0, ip_number("10.9.8.7")),
}


def check(name, result):
    code, ip0 = EXPECTED[name]
    assert (name, result.rtnCode, result.ip0) == (name, code, ip0)


def test_hundred_outstanding_queries(opened):
    names = sorted(EXPECTED) * 15
    names = names[:100]
    results = [(n, macdnr.StrToAddr(n)) for n in names]
    extra = [macdnr.MXInfo("mail") for _ in range(10)]
    for name, r in results:
        check(name, r)
    assert all(m.exchange == "mx2.test.example." for m in extra)


def test_queries_from_several_threads(opened):
    errors = []
    start = threading.Event()

    def worker(k):
        try:
            start.wait()
            pending = []
            for i in range(25):
                name = sorted(EXPECTED)[(i + k) % len(EXPECTED)]
                pending.append((name, macdnr.StrToAddr(name)))
                if i % 5 == 4:
                    check(*pending.pop(0))
            for name, r in pending:
                check(name, r)
            h = macdnr.AddrToName(ip_number("192.0.2.10"))
            assert h.cname == "www.test.example."
        except Exception as e:     # reported by the main thread
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    start.set()
    for t in threads:
        t.join(60)
    assert not [t for t in threads if t.is_alive()]
    assert errors == []


def test_one_result_waited_from_several_threads(files, dns):
    silent = dnr_support.SilentServer()
    try:
        macdnr.Open(files.write(dnr_support.hosts_text(
            [silent.port, dns.port], timeout=0.5, attempts=1)))
        r = macdnr.StrToAddr("www")
        seen = []
        threads = [threading.Thread(target=lambda: seen.append(r.ip0))
                   for _ in range(4)]
        for t in threads:
            t.start()
        r.wait()
        for t in threads:
            t.join(30)
        assert seen == [ip_number("192.0.2.10")] * 4
    finally:
        silent.close()


def test_resolver_thread_only_while_open(opened):
    before = support_task_count()
    macdnr.StrToAddr("www").wait()
    assert support_task_count() == before + 1
    macdnr.Close()
    assert support_task_count() == before


def support_task_count():
    return len(os.listdir("/proc/self/task"))


# ---- bad arguments ----------------------------------------------------------

@pytest.mark.parametrize("call, args, exc", [
    (macdnr.StrToAddr, (None,), TypeError),
    (macdnr.StrToAddr, (123,), TypeError),
    (macdnr.StrToAddr, (), TypeError),
    (macdnr.StrToAddr, ("a", "b"), TypeError),
    (macdnr.HInfo, (1.5,), TypeError),
    (macdnr.MXInfo, ([],), TypeError),
    (macdnr.AddrToName, ("127.0.0.1",), TypeError),
    (macdnr.AddrToName, (2 ** 32,), OverflowError),
    (macdnr.AddrToName, (-2 ** 31 - 1,), OverflowError),
    (macdnr.AddrToName, (2 ** 100,), OverflowError),
    (macdnr.AddrToName, (True,), TypeError),
    (macdnr.AddrToStr, (1.0,), TypeError),
    (macdnr.AddrToStr, (2 ** 32,), OverflowError),
    (macdnr.AddrToStr, (), TypeError),
    (macdnr.Open, (123,), TypeError),
    (macdnr.Open, ("a\0b",), ValueError),
    (macdnr.Open, ("a", "b"), TypeError),
    (macdnr.Close, (1,), TypeError),
])
def test_bad_arguments(call, args, exc):
    with pytest.raises(exc):
        call(*args)


def test_result_methods_take_no_arguments(opened):
    r = macdnr.StrToAddr("10.0.0.1")
    with pytest.raises(TypeError):
        r.wait(1)
    with pytest.raises(TypeError):
        r.isdone(1)
    assert "MacTCP DNR Result" in repr(r)


def test_error_is_an_exception_class():
    assert issubclass(macdnr.error, Exception)
    assert macdnr.error.__name__ == "error"
    assert macdnr.error is not __import__("mactcp").error


# ---- processes --------------------------------------------------------------

CHILD = r"""
import os, sys
sys.path.insert(0, %(tests)r)
import macdnr
macdnr.Open(%(hosts)r)
r = macdnr.StrToAddr("www")
%(body)s
"""


def run_child(body, hosts, timeout=60):
    code = CHILD % {"tests": support.HERE, "hosts": hosts, "body": body}
    proc = subprocess.Popen([sys.executable, "-c", code],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=support.our_env())
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    try:
        out, err = proc.communicate()
    finally:
        timer.cancel()
    return proc.returncode, out.decode(), err.decode()


def test_exit_with_queries_outstanding(files):
    silent = dnr_support.SilentServer()
    try:
        hosts = files.write(dnr_support.hosts_text([silent.port],
                                                   timeout=60))
        start = dnr_support.monotonic()
        rc, out, err = run_child("print(r.isdone())", hosts)
        assert (rc, out.strip()) == (0, "0"), err
        assert dnr_support.monotonic() - start < 30
    finally:
        silent.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork")
# 3.12+ warn that fork() in a process with threads may deadlock: the
# resolver thread holds no lock across fork() (the atfork handlers)
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
# GCC 12's AddressSanitizer has no fork handlers for its allocator: a child
# forked while another thread is inside malloc inherits that lock held, and
# the child's first thread to allocate from the same size class waits for
# ever.  glibc's malloc (the plain runs) takes its locks across fork().
@pytest.mark.skipif(os.environ.get("CLASSICSOCKET_SANITIZED") == "1",
                    reason="the sanitizers' allocator is not fork-safe")
def test_fork(dns, files):
    silent = dnr_support.SilentServer()
    try:
        macdnr.Open(files.write(dnr_support.hosts_text(
            [silent.port], timeout=30, attempts=1)))
        answering = files.write(dnr_support.hosts_text([dns.port]))
        pending = macdnr.StrToAddr("www")   # held up by the silent server
        # fork once the resolver thread has sent the query and is waiting
        silent.sock.settimeout(30)
        silent.sock.recv(512)
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                os.close(read_end)
                # the child's copy of the query ends at once ...
                code = code_of(pending.wait)
                # ... and the resolver works again, on a new thread
                macdnr.Close()
                macdnr.Open(answering)
                ip0 = macdnr.StrToAddr("alias").ip0
                os.write(write_end, ("%d %d" % (code, ip0)).encode())
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        data = b""
        while True:
            chunk = os.read(read_end, 100)
            if not chunk:
                break
            data += chunk
        os.close(read_end)
        _, status = os.waitpid(pid, 0)
        assert status == 0
        assert data.decode() == "%d %d" % (notOpenErr,
                                           ip_number("192.0.2.10"))
        # the parent's query is still in flight, unharmed
        assert pending.isdone() == 0
        macdnr.Close()
        assert pending.rtnCode == notOpenErr
    finally:
        silent.close()

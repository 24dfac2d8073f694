"""getaddrinfo, getnameinfo, gethostby*, gethostname, getprotobyname and
getservby* (Modules/_socket/resolver.c).

Only loopback, numeric addresses, /etc/hosts, /etc/services and
/etc/protocols are relied on: no test needs a working DNS.  Names that must
fail lie under the reserved .invalid top-level domain; whatever the system
resolver answers for them (no such name, or no server to ask), it must be a
failure of the right class with a (code, message) pair.  Where the answer
comes from local files, it is compared with the standard library's module,
run in a child process."""
import json
import subprocess
import sys
import threading

import pytest

import _socket
import socket
import support

PY2 = sys.version_info[0] == 2
native_str = str

# What a lookup of a name under .invalid may fail with, DNS or none.
NAME_FAILURES = set(getattr(socket, n) for n in (
    "EAI_NONAME", "EAI_AGAIN", "EAI_FAIL", "EAI_NODATA", "EAI_ADDRFAMILY")
    if hasattr(socket, n))
HOST_NOT_FOUND, TRY_AGAIN, NO_RECOVERY, NO_DATA = 1, 2, 3, 4

CHILD = r"""
import json, sys, _socket as S
def outcome(expr):
    try:
        value = eval(expr)
    except S.gaierror as e:
        return ['gaierror', list(e.args)]
    except S.herror as e:
        return ['herror', list(e.args)]
    except S.error as e:
        return ['error', [str(a) for a in e.args]]
    except Exception as e:
        return [type(e).__name__, None]
    return ['ok', value]
exprs = json.loads(sys.stdin.read())
sys.stdout.write(json.dumps([outcome(e) for e in exprs]))
"""


def outcome(expr):
    S = _socket  # noqa: F841 (used by eval)
    try:
        value = eval(expr)
    except _socket.gaierror as e:
        return ["gaierror", list(e.args)]
    except _socket.herror as e:
        return ["herror", list(e.args)]
    except _socket.error as e:
        return ["error", [str(a) for a in e.args]]
    except Exception as e:
        return [type(e).__name__, None]
    return ["ok", json.loads(json.dumps(value))]


def stdlib_outcomes(exprs):
    proc = subprocess.Popen([sys.executable, "-c", CHILD], cwd="/",
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            env=support.stdlib_env())
    out, _ = proc.communicate(json.dumps(exprs).encode("ascii"))
    assert proc.returncode == 0
    return json.loads(out.decode("utf-8"))


# Lookups answered from numeric parsing, /etc/hosts, /etc/services and
# /etc/protocols: ours must answer exactly as the standard library does.
LOCAL_EXPRS = [
    "S.getaddrinfo('127.0.0.1', 80)",
    "S.getaddrinfo('127.0.0.1', 'http')",
    "S.getaddrinfo('127.0.0.1', None, S.AF_INET)",
    "S.getaddrinfo('127.0.0.1', 0, 0, S.SOCK_STREAM)",
    "S.getaddrinfo('127.0.0.1', 0, 0, 0, S.SOL_TCP)",
    "S.getaddrinfo('::1', 80, S.AF_INET6)",
    "S.getaddrinfo('::1', 'domain', S.AF_INET6, S.SOCK_DGRAM)",
    "S.getaddrinfo('localhost', 'http', S.AF_INET, S.SOCK_STREAM)",
    "S.getaddrinfo('localhost', 80, S.AF_INET, S.SOCK_STREAM, 0, "
    "S.AI_CANONNAME)",
    "S.getaddrinfo(None, 80, S.AF_INET, S.SOCK_STREAM, 0, S.AI_PASSIVE)",
    "S.getaddrinfo(None, 80, S.AF_INET6, S.SOCK_STREAM, 0, S.AI_PASSIVE)",
    "S.getaddrinfo(None, 80, S.AF_INET, S.SOCK_STREAM)",
    "S.getaddrinfo(None, None)",
    "S.getaddrinfo('127.0.0.1', 'no-such-service')",
    "S.getaddrinfo('127.0.0.1', -1)",
    "S.getaddrinfo('127.0.0.1', 80, 9999)",
    "S.getaddrinfo('127.0.0.1', 80, 0, 0, 0, -1)",
    "S.getaddrinfo('::1', 80, S.AF_INET)",
    "S.getaddrinfo(b'127.0.0.1', 80)",
    "S.getaddrinfo('127.0.0.1', b'80', 0, S.SOCK_STREAM)",
    "S.getnameinfo(('127.0.0.1', 80), 0)",
    "S.getnameinfo(('127.0.0.1', 80), S.NI_NUMERICHOST | S.NI_NUMERICSERV)",
    "S.getnameinfo(('127.0.0.1', 53), S.NI_DGRAM)",
    "S.getnameinfo(('::1', 80, 0, 0), S.NI_NUMERICHOST)",
    "S.getnameinfo(('::1', 80), S.NI_NUMERICHOST | S.NI_NUMERICSERV)",
    "S.getnameinfo(('127.0.0.1', 80, 0, 0), 0)",
    "S.getnameinfo(['127.0.0.1', 80], 0)",
    "S.gethostbyname('localhost')",
    "S.gethostbyname('127.0.0.1')",
    "S.gethostbyname('127.1')",
    "S.gethostbyname('')",
    "S.gethostbyname('<broadcast>')",
    "S.gethostbyname('255.255.255.255')",
    "S.gethostbyname('::1')",
    "S.gethostbyname_ex('localhost')",
    "S.gethostbyname_ex('127.0.0.1')",
    "S.gethostbyname_ex('::1')",
    "S.gethostbyaddr('127.0.0.1')",
    "S.gethostbyaddr('localhost')",
    "S.gethostbyaddr('')",
    "S.gethostname()",
    "S.getprotobyname('tcp')",
    "S.getprotobyname('udp')",
    "S.getprotobyname('icmp')",
    "S.getprotobyname('no-such-protocol')",
    "S.getservbyname('http')",
    "S.getservbyname('http', 'tcp')",
    "S.getservbyname('domain', 'udp')",
    "S.getservbyname('no-such-service')",
    "S.getservbyname('http', 'no-such-proto')",
    "S.getservbyport(80)",
    "S.getservbyport(80, 'tcp')",
    "S.getservbyport(53, 'udp')",
    "S.getservbyport(1)",
    "S.getservbyport(0)",
    "S.getservbyport(80, 'udp')",
    "S.getservbyport(65535)",
]


def test_local_lookups_answer_as_the_standard_library_does():
    theirs = stdlib_outcomes(LOCAL_EXPRS)
    for expr, their in zip(LOCAL_EXPRS, theirs):
        assert outcome(expr) == their, expr


def numeric_matrix():
    """getaddrinfo calls on numeric hosts: ours answers most of them without
    the C library (the fast path), the standard library always asks it."""
    hosts = ["127.0.0.1", "::1", "0.0.0.0", "::ffff:1.2.3.4", "127.1",
             "0127.0.0.1", "fe80::1%lo"]
    ports = ["0", "80", "65535", "None", "65536", "-1", "'80'"]
    families = ["0", "S.AF_INET", "S.AF_INET6"]
    kinds = ["0, 0", "S.SOCK_STREAM, 0", "S.SOCK_DGRAM, 0", "S.SOCK_RAW, 0",
             "0, S.IPPROTO_TCP", "0, S.IPPROTO_UDP",
             "S.SOCK_STREAM, S.IPPROTO_TCP", "S.SOCK_DGRAM, S.IPPROTO_UDP",
             "S.SOCK_STREAM, S.IPPROTO_UDP", "0, 132", "S.SOCK_SEQPACKET, 0"]
    flags = ["0", "S.AI_PASSIVE | S.AI_NUMERICHOST | S.AI_NUMERICSERV",
             "S.AI_V4MAPPED", "S.AI_ADDRCONFIG"]
    return ["S.getaddrinfo(%r, %s, %s, %s, %s)" % (h, p, f, k, fl)
            for h in hosts for p in ports for f in families for k in kinds
            for fl in flags]


def test_numeric_lookups_answer_as_the_standard_library_does():
    exprs = numeric_matrix()
    theirs = stdlib_outcomes(exprs)
    differ = [(e, outcome(e), t) for e, t in zip(exprs, theirs)
              if outcome(e) != t]
    assert not differ, differ[:5]


# ---- getaddrinfo -----------------------------------------------------------

def test_getaddrinfo_numeric_host_and_port():
    infos = socket.getaddrinfo("127.0.0.1", 80, socket.AF_INET,
                               socket.SOCK_STREAM)
    assert infos == [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP,
                      "", ("127.0.0.1", 80))]
    family, socktype, proto, canon, addr = infos[0]
    if support.PY3:     # Python 3's enums
        assert type(family) is socket.AddressFamily
        assert type(socktype) is socket.SocketKind
    else:
        assert type(family) is int
    assert type(proto) is int and type(canon) is native_str
    assert type(addr[0]) is native_str and type(addr[1]) is int


def test_getaddrinfo_without_hints_gives_each_socket_type():
    infos = socket.getaddrinfo("127.0.0.1", 7)
    kinds = set(i[1] for i in infos)
    assert set([socket.SOCK_STREAM, socket.SOCK_DGRAM]) <= kinds
    assert all(i[4] == ("127.0.0.1", 7) for i in infos)


def test_getaddrinfo_ipv6_gives_4_tuples():
    infos = socket.getaddrinfo("::1", 8080, socket.AF_INET6,
                               socket.SOCK_DGRAM)
    assert infos == [(socket.AF_INET6, socket.SOCK_DGRAM, socket.IPPROTO_UDP,
                      "", ("::1", 8080, 0, 0))]


def test_getaddrinfo_keyword_names_of_2_7():
    infos = socket.getaddrinfo(host="127.0.0.1", port=80,
                               family=socket.AF_INET,
                               socktype=socket.SOCK_STREAM, proto=0,
                               flags=socket.AI_NUMERICHOST)
    assert infos[0][4] == ("127.0.0.1", 80)
    infos = socket.getaddrinfo("127.0.0.1", 80, socktype=socket.SOCK_DGRAM)
    assert [i[1] for i in infos] == [socket.SOCK_DGRAM]
    infos = socket.getaddrinfo("::1", port=80, flags=0, proto=0)
    assert infos[0][4] == ("::1", 80, 0, 0)
    with pytest.raises(TypeError):
        socket.getaddrinfo("127.0.0.1", 80, nosuch=1)
    with pytest.raises(TypeError):
        socket.getaddrinfo("127.0.0.1", 80, 0, family=0)   # given twice
    with pytest.raises(TypeError):
        socket.getaddrinfo("127.0.0.1")
    with pytest.raises(TypeError):
        socket.getaddrinfo("127.0.0.1", 80, 0, 0, 0, 0, 0)


def test_getaddrinfo_type_keyword_of_python_3():
    # Python 3's standard library (asyncio) passes the socket type as type=.
    infos = socket.getaddrinfo("127.0.0.1", 80, family=socket.AF_INET,
                               type=socket.SOCK_DGRAM, proto=0, flags=0)
    assert infos == [(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP,
                      "", ("127.0.0.1", 80))]
    infos = socket.getaddrinfo(host="::1", port=None, type=socket.SOCK_STREAM)
    assert [i[1] for i in infos] == [socket.SOCK_STREAM]
    assert infos[0][4] == ("::1", 0, 0, 0)
    # a name that needs the C library (not the numeric fast path)
    infos = socket.getaddrinfo("localhost", "80", socket.AF_INET,
                               type=socket.SOCK_STREAM)
    assert set(i[1] for i in infos) == set([socket.SOCK_STREAM])
    with pytest.raises(TypeError):
        socket.getaddrinfo("127.0.0.1", 80, 0, socket.SOCK_STREAM,
                           type=socket.SOCK_STREAM)
    with pytest.raises(TypeError):
        socket.getaddrinfo("127.0.0.1", 80, type=socket.SOCK_STREAM,
                           socktype=socket.SOCK_STREAM)
    with pytest.raises(TypeError):
        socket.getaddrinfo("127.0.0.1", 80, type="stream")
    with pytest.raises(TypeError):
        socket.getaddrinfo("127.0.0.1", 80, type=1, nosuch=1)


def test_getaddrinfo_hint_types():
    for bad in ("x", 1.5, None):
        with pytest.raises(TypeError):
            socket.getaddrinfo("127.0.0.1", 80, bad)
        with pytest.raises(TypeError):
            socket.getaddrinfo("127.0.0.1", 80, 0, 0, 0, bad)
    with pytest.raises(OverflowError):
        socket.getaddrinfo("127.0.0.1", 80, 1 << 40)
    with pytest.raises(OverflowError):
        socket.getaddrinfo("127.0.0.1", 80, 0, -(1 << 40))


def test_getaddrinfo_port_forms():
    want = ("127.0.0.1", 80)
    for port in (80, "80", b"80", u"80", "http", u"http", b"http"):
        infos = socket.getaddrinfo("127.0.0.1", port, 0, socket.SOCK_STREAM)
        assert infos[0][4] == want, port
    if PY2:
        assert socket.getaddrinfo("127.0.0.1", long(80))[0][4] == want  # noqa
    assert socket.getaddrinfo("127.0.0.1", None, 0,
                              socket.SOCK_STREAM)[0][4] == ("127.0.0.1", 0)


def test_getaddrinfo_bad_port_type_is_socket_error():
    for port in (80.5, [], object()):
        with pytest.raises(socket.error) as info:
            socket.getaddrinfo("127.0.0.1", port)
        assert "argument 2 must be integer or string" in str(info.value)


def test_getaddrinfo_unknown_service_is_gaierror():
    with pytest.raises(socket.gaierror) as info:
        socket.getaddrinfo("127.0.0.1", "no-such-service", 0,
                           socket.SOCK_STREAM)
    assert info.value.args[0] == socket.EAI_SERVICE
    assert isinstance(info.value.args[1], str)


def test_getaddrinfo_host_forms():
    for host in ("127.0.0.1", b"127.0.0.1", u"127.0.0.1",
                 bytearray(b"127.0.0.1"), "localhost"):
        infos = socket.getaddrinfo(host, 1, socket.AF_INET,
                                   socket.SOCK_STREAM)
        assert infos[0][4] == ("127.0.0.1", 1), host


def test_getaddrinfo_empty_host_is_no_host():
    # '' as the reference's echo server passes it: the wildcard addresses
    # with AI_PASSIVE, the loopback ones without, as for None (the
    # standard library refuses '')
    for host in ("", b"", u""):
        for flags in (0, socket.AI_PASSIVE):
            assert socket.getaddrinfo(host, 50007, socket.AF_UNSPEC,
                                      socket.SOCK_STREAM, 0, flags) == \
                socket.getaddrinfo(None, 50007, socket.AF_UNSPEC,
                                   socket.SOCK_STREAM, 0, flags)
    passive = socket.getaddrinfo("", 50007, socket.AF_INET,
                                 socket.SOCK_STREAM, 0, socket.AI_PASSIVE)
    assert passive == [(socket.AF_INET, socket.SOCK_STREAM,
                        socket.IPPROTO_TCP, "", ("0.0.0.0", 50007))]
    active = socket.getaddrinfo("", "50007", socket.AF_INET,
                                socket.SOCK_STREAM)
    assert [info[4] for info in active] == [("127.0.0.1", 50007)]
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("", None)        # neither host nor service


def test_getaddrinfo_bad_host():
    with pytest.raises(TypeError):
        socket.getaddrinfo(1, 80)
    with pytest.raises(TypeError):
        socket.getaddrinfo("127.0.0.1\0junk", 80)
    # IDNA: labels longer than 63 characters cannot be encoded
    with pytest.raises(UnicodeError):
        socket.getaddrinfo(u"\xe9" * 70 + u".invalid", 80)


def test_getaddrinfo_invalid_name_is_gaierror_with_code_and_message():
    for host in ("no-such-host.invalid", u"\xe9t\xe9.invalid"):
        with pytest.raises(socket.gaierror) as info:
            socket.getaddrinfo(host, 80)
        err = info.value
        assert isinstance(err, socket.error)
        assert len(err.args) == 2
        assert err.args[0] in NAME_FAILURES
        assert isinstance(err.args[1], str) and err.args[1]


def test_getaddrinfo_bad_flags_and_family():
    with pytest.raises(socket.gaierror) as info:
        socket.getaddrinfo("127.0.0.1", 80, 9999)
    assert info.value.args[0] == socket.EAI_FAMILY
    with pytest.raises(socket.gaierror) as info:
        socket.getaddrinfo("127.0.0.1", 80, 0, 0, 0, -1)
    assert info.value.args[0] == socket.EAI_BADFLAGS


# ---- getnameinfo -----------------------------------------------------------

def test_getnameinfo_numeric():
    flags = socket.NI_NUMERICHOST | socket.NI_NUMERICSERV
    assert socket.getnameinfo(("127.0.0.1", 80), flags) == ("127.0.0.1", "80")
    assert socket.getnameinfo(("::1", 80, 0, 0), flags) == ("::1", "80")
    assert socket.getnameinfo(("::1", 80), flags) == ("::1", "80")
    host, port = socket.getnameinfo(("127.0.0.1", 80), flags)
    assert type(host) is native_str and type(port) is native_str


def test_getnameinfo_names_from_local_files():
    assert socket.getnameinfo(("127.0.0.1", 80), 0) == ("localhost", "http")
    # As in 2.7 the host may itself be a name, if it stands for one address
    try:
        host = socket.getnameinfo(("localhost", 80), socket.NI_NUMERICHOST)
    except socket.error as e:
        assert e.args == ("sockaddr resolved to multiple addresses",)
    else:
        assert host == ("127.0.0.1", "http")


def test_getnameinfo_argument_errors():
    with pytest.raises(TypeError):
        socket.getnameinfo(["127.0.0.1", 80], 0)
    with pytest.raises(TypeError):
        socket.getnameinfo(("127.0.0.1",), 0)
    with pytest.raises(TypeError):
        socket.getnameinfo(("127.0.0.1", 80, 0, 0, 0), 0)
    with pytest.raises(TypeError):
        socket.getnameinfo(("127.0.0.1", 80))
    with pytest.raises(socket.error) as info:
        socket.getnameinfo(("127.0.0.1", 80, 0, 0), 0)
    assert info.value.args == ("IPv4 sockaddr must be 2 tuple",)
    with pytest.raises(OverflowError):
        socket.getnameinfo(("::1", 0, 0xffffffff), 0)  # 2.7's test_flowinfo
    with pytest.raises(OverflowError):
        socket.getnameinfo(("::1", 0, -1), 0)
    with pytest.raises(OverflowError):
        socket.getnameinfo(("127.0.0.1", 70000), 0)
    with pytest.raises(socket.gaierror):
        socket.getnameinfo(("no-such-host.invalid", 80), 0)


# ---- gethostbyname, gethostbyname_ex, gethostbyaddr ----------------------

def test_gethostbyname():
    assert socket.gethostbyname("localhost") == "127.0.0.1"
    assert socket.gethostbyname("127.0.0.1") == "127.0.0.1"
    assert socket.gethostbyname(b"localhost") == "127.0.0.1"
    assert socket.gethostbyname(u"localhost") == "127.0.0.1"
    assert socket.gethostbyname("") == "0.0.0.0"
    assert socket.gethostbyname("<broadcast>") == "255.255.255.255"
    assert type(socket.gethostbyname("localhost")) is native_str


def test_gethostbyname_errors():
    with pytest.raises(socket.gaierror) as info:
        socket.gethostbyname("no-such-host.invalid")
    assert info.value.args[0] in NAME_FAILURES
    with pytest.raises(socket.gaierror):
        socket.gethostbyname("::1")         # an IPv4-only function
    with pytest.raises(TypeError):
        socket.gethostbyname(None)
    with pytest.raises(TypeError):
        socket.gethostbyname("local\0host")
    with pytest.raises(TypeError):
        socket.gethostbyname()


def test_gethostbyname_ex():
    name, aliases, addrs = socket.gethostbyname_ex("localhost")
    assert type(name) is native_str
    assert isinstance(aliases, list) and "127.0.0.1" in addrs
    assert socket.gethostbyname_ex("127.0.0.1") == ("127.0.0.1", [],
                                                    ["127.0.0.1"])
    with pytest.raises(socket.gaierror):
        socket.gethostbyname_ex("no-such-host.invalid")


def test_gethostbyaddr_ipv4():
    name, aliases, addrs = socket.gethostbyaddr("127.0.0.1")
    assert name == "localhost" or "localhost" in aliases
    assert addrs == ["127.0.0.1"]
    assert socket.gethostbyaddr("localhost")[2] == ["127.0.0.1"]


def test_gethostbyaddr_ipv6_and_unknown_addresses_raise_herror():
    # ::1 is not in this system's /etc/hosts (if it is, it resolves), and
    # TEST-NET-1 addresses have no name
    for addr in ("::1", "192.0.2.1"):
        try:
            name, aliases, addrs = socket.gethostbyaddr(addr)
        except socket.herror as e:
            assert isinstance(e, socket.error)
            assert len(e.args) == 2
            assert e.args[0] in (HOST_NOT_FOUND, TRY_AGAIN, NO_RECOVERY,
                                 NO_DATA)
            assert isinstance(e.args[1], str) and e.args[1]
        else:
            assert addrs == [addr]


def test_gethostbyaddr_errors():
    with pytest.raises(socket.gaierror):
        socket.gethostbyaddr("no-such-host.invalid")
    with pytest.raises(socket.error) as info:
        socket.gethostbyaddr("")
    assert info.value.args == ("wildcard resolved to multiple address",)


def test_gethostname_matches_the_kernel():
    import os
    name = socket.gethostname()
    assert type(name) is native_str
    assert name == os.uname()[1]


# ---- protocols and services ------------------------------------------------

def test_getprotobyname():
    assert socket.getprotobyname("tcp") == socket.IPPROTO_TCP
    assert socket.getprotobyname("udp") == socket.IPPROTO_UDP
    assert type(socket.getprotobyname("tcp")) is int
    with pytest.raises(socket.error) as info:
        socket.getprotobyname("no-such-protocol")
    assert info.value.args == ("protocol not found",)


def test_getservbyname():
    assert socket.getservbyname("http") == 80
    assert socket.getservbyname("http", "tcp") == 80
    assert socket.getservbyname("domain", "udp") == 53
    assert type(socket.getservbyname("http")) is int
    with pytest.raises(socket.error) as info:
        socket.getservbyname("no-such-service")
    assert info.value.args == ("service/proto not found",)
    with pytest.raises(socket.error):
        socket.getservbyname("http", "no-such-proto")


def test_getservbyport():
    assert socket.getservbyport(80) == "http"
    assert socket.getservbyport(80, "tcp") == "http"
    assert socket.getservbyport(53, "udp") == "domain"
    assert type(socket.getservbyport(80)) is native_str
    with pytest.raises(socket.error) as info:
        socket.getservbyport(80, "udp")
    assert info.value.args == ("port/proto not found",)
    for port in (-1, 65536, 1 << 40):
        with pytest.raises(OverflowError):
            socket.getservbyport(port)
    with pytest.raises(TypeError):
        socket.getservbyport("80")


def test_services_round_trip():
    # 2.7's testGetServBy
    for name in ("daytime", "qotd", "domain"):
        try:
            port = socket.getservbyname(name, "tcp")
            break
        except socket.error:
            pass
    else:
        pytest.skip("no usable service in /etc/services")
    assert socket.getservbyport(port, "tcp") == name
    assert socket.getservbyport(port) == name
    assert socket.getservbyname(name) == port


# ---- threads ---------------------------------------------------------------

def test_lookups_from_many_threads_agree():
    expected = {
        "gai": socket.getaddrinfo("localhost", "http", socket.AF_INET,
                                  socket.SOCK_STREAM),
        "ex": socket.gethostbyname_ex("localhost"),
        "addr": socket.gethostbyaddr("127.0.0.1"),
        "serv": socket.getservbyname("http", "tcp"),
        "port": socket.getservbyport(53, "udp"),
        "proto": socket.getprotobyname("udp"),
        "name": socket.getnameinfo(("127.0.0.1", 80), 0),
    }
    failures = []

    def work():
        try:
            for _ in range(100):
                got = {
                    "gai": socket.getaddrinfo("localhost", "http",
                                              socket.AF_INET,
                                              socket.SOCK_STREAM),
                    "ex": socket.gethostbyname_ex("localhost"),
                    "addr": socket.gethostbyaddr("127.0.0.1"),
                    "serv": socket.getservbyname("http", "tcp"),
                    "port": socket.getservbyport(53, "udp"),
                    "proto": socket.getprotobyname("udp"),
                    "name": socket.getnameinfo(("127.0.0.1", 80), 0),
                }
                if got != expected:
                    failures.append(got)
                    return
        except Exception as e:  # reported below, in the main thread
            failures.append(e)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not any(t.is_alive() for t in threads)
    assert not failures, failures[:3]


def test_errors_are_the_module_exception_classes():
    assert issubclass(socket.gaierror, socket.error)
    assert issubclass(socket.herror, socket.error)
    assert _socket.gaierror is socket.gaierror
    assert _socket.herror is socket.herror
    with pytest.raises(socket.gaierror) as info:
        socket.getaddrinfo("127.0.0.1", "no-such-service", 0,
                           socket.SOCK_STREAM)
    assert info.value.args[0] == socket.EAI_SERVICE
    if not PY2:
        assert info.value.errno == socket.EAI_SERVICE

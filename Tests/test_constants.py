"""The integer constants of _socket (Modules/_socket/sockconst.h) against the ones
of the interpreter's own standard-library _socket, which a child process
with our Lib/ off its path reports."""
import json
import re
import subprocess
import sys

import pytest

import _socket
import socket
import support

PY2 = sys.version_info[0] == 2
INTEGER_TYPES = (int, long) if PY2 else (int,)  # noqa: F821 (2.7 only)

# The families the constant table covers.
FAMILIES = re.compile(
    r"^(AF_|PF_|SOCK_|SOL_|SO_|SOMAXCONN$|SCM_|MSG_|SHUT_|IPPROTO_|IPPORT_|"
    r"INADDR_|IP_|IPV6_|TCP_|EAI_|AI_|NI_|NETLINK_|PACKET_|TIPC_)")

CHILD = r"""
import json, sys, _socket, socket
assert 'site-packages' in _socket.__dict__.get('__file__', 'builtin') \
    or %(lib)r not in _socket.__dict__.get('__file__', 'builtin')
ints = (int, long) if sys.version_info[0] == 2 else (int,)
consts = dict((n, int(getattr(_socket, n))) for n in dir(_socket)
              if isinstance(getattr(_socket, n), ints)
              and not isinstance(getattr(_socket, n), bool))
all_names = list(getattr(socket, '__all__', []))
all_ints = sorted(n for n in all_names
                  if isinstance(getattr(socket, n, None), ints)
                  and not isinstance(getattr(socket, n), bool))
sys.stdout.write(json.dumps({'consts': consts, 'all': all_names,
                             'all_ints': all_ints}))
"""


@pytest.fixture(scope="module")
def stdlib():
    out = subprocess.check_output(
        [sys.executable, "-c", CHILD % {"lib": support.LIB}],
        env=support.stdlib_env(), cwd="/")
    return json.loads(out.decode("ascii"))


def int_constants(module):
    return dict((n, getattr(module, n)) for n in dir(module)
                if isinstance(getattr(module, n), INTEGER_TYPES)
                and not isinstance(getattr(module, n), bool))


def test_every_stdlib_constant_of_the_families_is_ours_with_its_value(stdlib):
    theirs = dict((n, v) for n, v in stdlib["consts"].items()
                  if FAMILIES.match(n))
    assert len(theirs) > 150
    ours = int_constants(_socket)
    missing = sorted(set(theirs) - set(ours))
    assert not missing, "missing constants: %s" % missing
    wrong = sorted((n, ours[n], theirs[n]) for n in theirs
                   if ours[n] != theirs[n])
    assert not wrong, "(name, ours, stdlib): %r" % wrong


def test_socket_module_reexports_the_constants(stdlib):
    for name, value in stdlib["consts"].items():
        if FAMILIES.match(name):
            assert getattr(socket, name) == value, name


def test_constants_are_plain_ints():
    # 2.7 scripts print them: int, never long, never bool
    for name, value in int_constants(_socket).items():
        if FAMILIES.match(name):
            assert type(value) is int, (name, type(value))


def test_well_known_values():
    assert _socket.AF_UNSPEC == 0
    assert _socket.AF_UNIX == 1
    assert _socket.AF_INET == 2
    assert _socket.AF_INET6 == 10
    assert _socket.SOCK_STREAM == 1
    assert _socket.SOCK_DGRAM == 2
    assert _socket.SOL_SOCKET == 1
    assert _socket.SO_REUSEADDR == 2
    assert _socket.IPPROTO_TCP == 6
    assert _socket.IPPROTO_UDP == 17
    assert _socket.TCP_NODELAY == 1
    assert _socket.SHUT_RD == 0 and _socket.SHUT_WR == 1
    assert _socket.SHUT_RDWR == 2
    assert _socket.INADDR_ANY == 0
    assert _socket.INADDR_LOOPBACK == 0x7f000001
    assert _socket.INADDR_BROADCAST == 0xffffffff
    assert _socket.INADDR_NONE == 0xffffffff
    assert _socket.IPPORT_RESERVED == 1024
    assert _socket.IPPORT_USERRESERVED == 5000
    assert _socket.EAI_NONAME < 0
    assert _socket.MSG_PEEK == 2 and _socket.MSG_OOB == 1


def test_constants_work_in_the_calls_they_are_made_for():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        assert s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR) != 0
        assert s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE) == \
            socket.SOCK_STREAM
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        assert s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        s.close()
    infos = socket.getaddrinfo("127.0.0.1", 80, socket.AF_INET,
                               socket.SOCK_DGRAM, socket.IPPROTO_UDP,
                               socket.AI_NUMERICHOST | socket.AI_PASSIVE)
    assert infos == [(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP,
                      "", ("127.0.0.1", 80))]
    assert socket.getnameinfo(("127.0.0.1", 80), socket.NI_NUMERICHOST |
                              socket.NI_NUMERICSERV) == ("127.0.0.1", "80")


@pytest.mark.skipif(not PY2, reason="socket.__all__ of CPython 2.7")
def test_every_int_name_of_stdlib_2_7_socket_all_is_ours(stdlib):
    assert len(stdlib["all"]) == 247
    ours = int_constants(socket)
    missing = [n for n in stdlib["all_ints"] if n not in ours]
    assert not missing, "int names of 2.7's socket.__all__ missing: %s" % (
        missing,)
    our_all = set(socket.__all__)
    assert not [n for n in stdlib["all_ints"] if n not in our_all]

"""Python 3: every name of the running version's own socket.__all__, of its
_socket module and of its socket objects is ours too, except the ones
listed here as not done yet (issue 10, P4).  The list may only shrink: a
name it holds that we now have fails the test, so that it is kept exact."""
from __future__ import print_function

import json
import re
import subprocess
import sys

import pytest

import support

if not support.PY3:
    pytest.skip("Python 3's names", allow_module_level=True)

import _socket  # noqa: E402
import socket  # noqa: E402

# Not done yet: the constants of the CAN, ALG, J1939 and UDP-Lite protocols
# (and 3.13's Ethernet ones), and AF_ALG's sendmsg_afalg().
MISSING_PREFIXES = ("CAN_", "ALG_", "J1939_", "UDPLITE_", "ETHERTYPE_")
MISSING_NAMES = {"ETH_P_ALL", "sendmsg_afalg"}

STDLIB_NAMES = r"""
import json, socket, _socket
json.dump({"all": sorted(socket.__all__), "_socket": sorted(dir(_socket)),
           "methods": sorted(dir(socket.socket))}, __import__("sys").stdout)
"""


@pytest.fixture(scope="module")
def stdlib():
    out = subprocess.check_output([sys.executable, "-c", STDLIB_NAMES],
                                  env=support.stdlib_env())
    return json.loads(out.decode())


def not_done(name):
    return name in MISSING_NAMES or name.startswith(MISSING_PREFIXES)


def check(theirs, ours, extra_ok=()):
    missing = sorted(set(theirs) - set(ours))
    unexpected = [n for n in missing if not not_done(n) and n not in extra_ok]
    assert unexpected == [], "missing here: %s" % unexpected
    done_now = sorted(n for n in MISSING_NAMES
                      if n in ours and n in theirs)
    assert done_now == [], "now present, drop from MISSING_NAMES: %s" % done_now


def test_socket_all(stdlib):
    check(stdlib["all"], socket.__all__)
    for name in socket.__all__:
        assert hasattr(socket, name), name


def test_socket_module_names(stdlib):
    # the stdlib's _socket names are reached through socket as well
    check(stdlib["_socket"], dir(_socket))


def test_socket_object_methods(stdlib):
    # __weakref__: the C type holds the weak references (see socket.rst)
    check(stdlib["methods"], dir(socket.socket), extra_ok=("__weakref__",))


def test_no_stray_private_names():
    # names of ours that the stdlib has not are the 2.x extras only
    extras = {"_fileobject", "_socketobject", "_closedsocket", "_realsocket",
              "EBADF", "EINTR"}
    for name in extras:
        assert hasattr(socket, name), name
    assert not [n for n in dir(socket) if re.match(r"^_socket\d", n)]

"""The mactcp module itself: MTU/IPAddr/NetMask against the kernel's own
view, TCPCreate/UDPCreate argument checks, mactcp.error, and the driver
thread's lifetime."""
from __future__ import print_function

import gc
import subprocess

import pytest

import mactcp

import mtcp_support as M
import support


def _kernel_primary():
    """(name, addr, mask, mtu) of the primary interface as the kernel
    reports it: /proc/net/route, `ip -o -4 addr`, /sys/class/net."""
    name = None
    best = None
    with open("/proc/net/route") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            if (int(fields[1], 16) == 0 and int(fields[7], 16) == 0
                    and int(fields[3], 16) & 1):
                if best is None or int(fields[6]) < best:
                    name, best = fields[0], int(fields[6])
    proc = subprocess.Popen(["ip", "-o", "-4", "addr", "show"],
                            stdout=subprocess.PIPE)
    out = proc.communicate()[0].decode("ascii").splitlines()
    entries = []
    for line in out:
        words = line.split()
        ifname, cidr = words[1], words[3]
        addr, bits = cidr.split("/")
        a, b, c, d = [int(x) for x in addr.split(".")]
        mask = (0xFFFFFFFF << (32 - int(bits))) & 0xFFFFFFFF
        entries.append((ifname, (a << 24) | (b << 16) | (c << 8) | d, mask))
    chosen = [e for e in entries if e[0] == name]
    if not chosen:
        chosen = [e for e in entries if e[0] != "lo"] or entries
    ifname, addr, mask = chosen[0]
    with open("/sys/class/net/%s/mtu" % ifname) as f:
        mtu = int(f.read())
    return ifname, addr, mask, mtu


def test_module_contents():
    names = set(n for n in dir(mactcp) if not n.startswith("_"))
    assert names == set(["MTU", "IPAddr", "NetMask", "TCPCreate",
                         "UDPCreate", "error"])
    assert issubclass(mactcp.error, Exception)


def test_interface_functions_match_the_kernel():
    ifname, addr, mask, mtu = _kernel_primary()
    assert mactcp.IPAddr() == addr
    assert mactcp.NetMask() == mask
    assert mactcp.MTU() == mtu - 28
    assert mactcp.IPAddr() >= 0 and mactcp.NetMask() >= 0  # unsigned
    with pytest.raises(TypeError):
        mactcp.MTU(1)


def test_tcpcreate_checks():
    assert error_code_of(mactcp.TCPCreate, 4095) == M.invalidLength
    assert error_code_of(mactcp.TCPCreate, 0) == M.invalidLength
    assert error_code_of(mactcp.TCPCreate, -4096) == M.invalidLength
    for bad in (2 ** 31, 2 ** 80, -2 ** 80):
        with pytest.raises(OverflowError):
            mactcp.TCPCreate(bad)
    for bad in ("4096", 4096.0, None, True):
        with pytest.raises(TypeError):
            mactcp.TCPCreate(bad)
    with pytest.raises(TypeError):
        mactcp.TCPCreate()
    stream = mactcp.TCPCreate(4096)
    assert stream.asr is None
    assert stream.isdone() == 1


def test_udpcreate_checks():
    assert error_code_of(mactcp.UDPCreate, 2047, 0) == M.invalidLength
    with pytest.raises(TypeError):
        mactcp.UDPCreate(4096)
    with pytest.raises(OverflowError):
        mactcp.UDPCreate(4096, 65536)
    stream = mactcp.UDPCreate(2048, 0)
    assert stream.port > 0


def error_code_of(call, *args):
    return M.error_code(call, *args)


def test_error_values():
    with pytest.raises(mactcp.error) as info:
        mactcp.TCPCreate(1)
    code, message = info.value.args
    assert code == M.invalidLength
    assert "invalid length" in message
    if not M.PY3:
        assert info.value[0] == M.invalidLength
    stream = mactcp.TCPCreate(4096)
    stream.PassiveOpen(0)
    with pytest.raises(mactcp.error) as info:
        stream.Status()
    assert info.value.args == (
        "Operation not allowed, PassiveOpen in progress",)


def no_driver_thread():
    """The driver is joined when its last stream goes; the kernel may list
    the joined thread in /proc/self/task for a moment longer."""
    return support.wait_until(lambda: M.driver_threads() == 0)


def test_driver_thread_lives_with_the_streams():
    gc.collect()            # streams of earlier tests
    fds = M.open_descriptors()
    assert no_driver_thread()
    tcp = mactcp.TCPCreate(4096)
    assert M.driver_threads() == 1
    udp = mactcp.UDPCreate(4096, 0)
    assert M.driver_threads() == 1          # one driver for all
    del tcp
    assert M.driver_threads() == 1
    del udp
    assert no_driver_thread()
    assert M.open_descriptors() == fds


def test_cycle_through_the_asr_is_collected():
    stream = mactcp.TCPCreate(4096)
    stream.asr = lambda e, d, s=stream: None    # stream -> asr -> stream
    stream.PassiveOpen(0)
    del stream
    gc.collect()
    assert no_driver_thread()

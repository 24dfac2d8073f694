"""inet_aton/inet_ntoa/inet_pton/inet_ntop and htons/htonl/ntohs/ntohl
(Modules/_socket/inetconv.c): CPython 2.7's results, checked directly and against
the standard library's module in a child process."""
import json
import random
import struct
import subprocess
import sys

import pytest

import socket
import support

PY2 = sys.version_info[0] == 2
native_str = str


# ---- byte order ------------------------------------------------------------

def test_htons_ntohs_swap_16_bits():
    assert socket.htons(0x1234) == 0x3412
    assert socket.ntohs(0x1234) == 0x3412
    assert socket.htons(0) == 0
    assert socket.htons(0xffff) == 0xffff
    assert socket.ntohs(1) == 256
    assert socket.htons(True) == 256


def test_htonl_ntohl_swap_32_bits():
    assert socket.htonl(0x12345678) == 0x78563412
    assert socket.ntohl(0x12345678) == 0x78563412
    assert socket.htonl(1) == 1 << 24
    assert socket.ntohl(2 ** 31) == 128
    assert socket.htonl(0xffffffff) == 0xffffffff


def test_result_types_are_those_of_2_7():
    assert type(socket.htons(1)) is int
    assert type(socket.ntohs(1)) is int
    if PY2:
        # 2.7's own htonl/ntohl return long
        assert type(socket.htonl(1)) is long  # noqa: F821
        assert type(socket.ntohl(1)) is long  # noqa: F821
    else:
        assert type(socket.htonl(1)) is int


def test_are_their_own_inverse():
    # CPython 2.7's test_socket.testNtoH
    for func, size in ((socket.htonl, 32), (socket.ntohl, 32),
                       (socket.htons, 16), (socket.ntohs, 16)):
        mask = (1 << size) - 1
        for i in (0, 1, 0xffff, ~0xffff, 2, 0x01234567, 0x76543210):
            assert i & mask == func(func(i & mask)) & mask
        assert func(mask) & mask == mask
        with pytest.raises(OverflowError):
            func(1 << 34)


@pytest.mark.parametrize("func", ["htons", "ntohs", "htonl", "ntohl"])
def test_negative_values_raise_overflow(func):
    for k in (-1, -2, -3, -(1 << 40)):
        with pytest.raises(OverflowError):
            getattr(socket, func)(k)


# 3.8 and 3.9's own modules warn and truncate from 65536 to INT_MAX
WARNS_AND_TRUNCATES = (3, 8) <= sys.version_info[:2] < (3, 10)


@pytest.mark.parametrize("func", ["htons", "ntohs"])
def test_16_bit_functions_reject_values_above_65535(func):
    # 2.7 truncated htons(65536) to 0; this module refuses it, as 3.10 on do
    assert getattr(socket, func)(65535) == 65535
    for k in (65536, (1 << 31) - 1, 1 << 32, 1 << 64):
        if WARNS_AND_TRUNCATES and k < 1 << 31:
            continue
        with pytest.raises(OverflowError) as info:
            getattr(socket, func)(k)
        assert func in str(info.value)


@pytest.mark.skipif(not WARNS_AND_TRUNCATES, reason="3.8 and 3.9 only")
@pytest.mark.parametrize("func", ["htons", "ntohs"])
def test_16_bit_functions_warn_and_truncate_on_3_8_and_3_9(func):
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert getattr(socket, func)(0x10203) == getattr(socket, func)(0x0203)
        assert getattr(socket, func)((1 << 31) - 1) == 0xffff
    assert [w.category for w in caught] == [DeprecationWarning] * 2
    assert func in str(caught[0].message)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DeprecationWarning):
            getattr(socket, func)(65536)


@pytest.mark.parametrize("func", ["htonl", "ntohl"])
def test_32_bit_functions_reject_values_above_2_32(func):
    for k in (1 << 32, 1 << 64, 1 << 100):
        with pytest.raises(OverflowError) as info:
            getattr(socket, func)(k)
        assert func in str(info.value)


@pytest.mark.parametrize("func", ["htons", "ntohs", "htonl", "ntohl"])
def test_non_integers_raise_type_error(func):
    for bad in (1.5, "1", None, [1]):
        with pytest.raises(TypeError):
            getattr(socket, func)(bad)
    with pytest.raises(TypeError):
        getattr(socket, func)()
    with pytest.raises(TypeError):
        getattr(socket, func)(1, 2)


def test_objects_with_index_are_accepted():
    class Port(object):
        def __index__(self):
            return 0x0102
    assert socket.htons(Port()) == 0x0201
    assert socket.htonl(Port()) == 0x02010000


def test_byte_order_matches_struct():
    rng = random.Random(1234)
    for _ in range(2000):
        v16 = rng.randrange(0, 1 << 16)
        v32 = rng.randrange(0, 1 << 32)
        assert socket.htons(v16) == struct.unpack("=H",
                                                  struct.pack(">H", v16))[0]
        assert socket.htonl(v32) == struct.unpack("=I",
                                                  struct.pack(">I", v32))[0]
        assert socket.ntohl(socket.htonl(v32)) == v32


# ---- inet_aton / inet_ntoa ------------------------------------------------

def test_inet_aton_packs_dotted_quads():
    assert socket.inet_aton("1.2.3.4") == b"\x01\x02\x03\x04"
    assert socket.inet_aton("255.255.255.255") == b"\xff\xff\xff\xff"
    assert socket.inet_aton("0.0.0.0") == b"\0\0\0\0"
    assert type(socket.inet_aton("1.2.3.4")) is bytes


def test_inet_aton_accepts_the_short_forms_of_inet_aton():
    assert socket.inet_aton("1") == b"\0\0\0\x01"
    assert socket.inet_aton("127.1") == b"\x7f\0\0\x01"
    assert socket.inet_aton("10.1.2") == b"\x0a\x01\0\x02"
    assert socket.inet_aton("0x7f.1") == b"\x7f\0\0\x01"


def test_inet_aton_accepts_unicode_text():
    assert socket.inet_aton(u"10.0.0.1") == b"\x0a\0\0\x01"


@pytest.mark.parametrize("text", ["x", "1.2.3.4.5", "256.1.1.1", "",
                                  "1.2.3.4junk", u"\xe9"])
def test_inet_aton_refuses_bad_text_with_socket_error(text):
    with pytest.raises(socket.error) as info:
        socket.inet_aton(text)
    assert info.value.args == (
        "illegal IP address string passed to inet_aton",)


def test_inet_aton_bad_types():
    with pytest.raises(TypeError):
        socket.inet_aton(1)
    with pytest.raises(TypeError):
        socket.inet_aton(None)
    with pytest.raises((TypeError, ValueError)):
        socket.inet_aton("1.2.3.4\0")


def test_inet_ntoa_formats_four_bytes():
    # CPython 2.7's testStringToIPv4
    assert socket.inet_ntoa(b"\x01\x00\x01\x00") == "1.0.1.0"
    assert socket.inet_ntoa(b"\xaa\x55\xaa\x55") == "170.85.170.85"
    assert socket.inet_ntoa(b"\xff\xff\xff\xff") == "255.255.255.255"
    assert socket.inet_ntoa(b"\x01\x02\x03\x04") == "1.2.3.4"
    assert socket.inet_ntoa(b"\0\0\0\0") == "0.0.0.0"
    assert type(socket.inet_ntoa(b"abcd")) is native_str


def test_inet_ntoa_takes_other_byte_buffers():
    assert socket.inet_ntoa(bytearray(b"\x0a\x64\x09\xc8")) == "10.100.9.200"
    assert socket.inet_ntoa(memoryview(b"\x0a\x64\x09\xc8")) == \
        "10.100.9.200"


@pytest.mark.parametrize("packed", [b"", b"abc", b"abcde", b"\0" * 16])
def test_inet_ntoa_wrong_length(packed):
    with pytest.raises(socket.error) as info:
        socket.inet_ntoa(packed)
    assert info.value.args == ("packed IP wrong length for inet_ntoa",)


def test_inet_ntoa_bad_types():
    for bad in (1, None, [1, 2, 3, 4]):
        with pytest.raises(TypeError):
            socket.inet_ntoa(bad)
    with pytest.raises(TypeError):
        socket.inet_ntoa()


def test_inet_ntoa_and_aton_round_trip_every_byte_value():
    for i in range(256):
        packed = struct.pack("4B", i, 255 - i, (i * 7) % 256, (i * 13) % 256)
        text = socket.inet_ntoa(packed)
        assert text == ".".join(str(b) for b in bytearray(packed))
        assert socket.inet_aton(text) == packed


# ---- inet_pton / inet_ntop -------------------------------------------------

def test_inet_pton_ipv4():
    assert socket.inet_pton(socket.AF_INET, "1.2.3.4") == b"\x01\x02\x03\x04"
    with pytest.raises(socket.error) as info:
        socket.inet_pton(socket.AF_INET, "1")  # no short forms here
    assert info.value.args == (
        "illegal IP address string passed to inet_pton",)


def test_inet_pton_ipv6():
    f = lambda a: socket.inet_pton(socket.AF_INET6, a)  # noqa: E731
    assert f("::") == b"\0" * 16
    assert f("::1") == b"\0" * 15 + b"\x01"
    assert f("45ef:76cb:1a:56ef:afeb:bac:1924:aeae") == (
        b"\x45\xef\x76\xcb\x00\x1a\x56\xef\xaf\xeb\x0b\xac\x19\x24\xae\xae")
    assert f("::ffff:1.2.3.4") == b"\0" * 10 + b"\xff\xff\x01\x02\x03\x04"
    for bad in ("x", ":::", "1::2::3", "1.2.3.4"):
        with pytest.raises(socket.error):
            f(bad)


def test_inet_pton_unknown_family_is_eafnosupport():
    import errno
    with pytest.raises(socket.error) as info:
        socket.inet_pton(99, "1.2.3.4")
    assert info.value.args[0] == errno.EAFNOSUPPORT


def test_inet_ntop():
    g = socket.inet_ntop
    assert g(socket.AF_INET, b"\xaa\x55\xaa\x55") == "170.85.170.85"
    assert g(socket.AF_INET6, b"\0" * 16) == "::"
    assert g(socket.AF_INET6, b"\0" * 15 + b"\x01") == "::1"
    assert g(socket.AF_INET6, b"a" * 16) == \
        "6161:6161:6161:6161:6161:6161:6161:6161"
    assert g(socket.AF_INET, bytearray(b"abcd")) == "97.98.99.100"
    assert type(g(socket.AF_INET6, b"\0" * 16)) is native_str


def test_inet_ntop_errors_are_value_errors_as_in_2_7():
    for af, packed in ((socket.AF_INET, b"abc"), (socket.AF_INET, b"abcde"),
                       (socket.AF_INET6, b"a" * 15),
                       (socket.AF_INET6, b"a" * 17)):
        with pytest.raises(ValueError) as info:
            socket.inet_ntop(af, packed)
        assert str(info.value) == "invalid length of packed IP address string"
    with pytest.raises(ValueError) as info:
        socket.inet_ntop(99, b"abcd")
    assert str(info.value) == "unknown address family 99"
    with pytest.raises(TypeError):
        socket.inet_ntop(socket.AF_INET, 1234)


def test_pton_ntop_round_trip():
    rng = random.Random(99)
    for _ in range(500):
        packed = struct.pack("!4I", *[rng.randrange(1 << 32)
                                      for _ in range(4)])
        text = socket.inet_ntop(socket.AF_INET6, packed)
        assert socket.inet_pton(socket.AF_INET6, text) == packed
        text4 = socket.inet_ntop(socket.AF_INET, packed[:4])
        assert socket.inet_pton(socket.AF_INET, text4) == packed[:4]


# ---- against the standard library -------------------------------------------

CHILD = r"""
import json, sys, binascii, _socket as S
inputs = json.loads(sys.stdin.read())
out = {}
for i, v in enumerate(inputs['ints']):
    out['s%d' % i] = [S.htons(v), S.ntohs(v)]
    out['l%d' % i] = [S.htonl(v * 65537 & 0xffffffff),
                      S.ntohl(v * 65537 & 0xffffffff)]
for t in inputs['texts']:
    try:
        p = S.inet_aton(t)
        out['a' + t] = [binascii.hexlify(p).decode('ascii'), S.inet_ntoa(p)]
    except S.error:
        out['a' + t] = 'error'
    for af in (S.AF_INET, S.AF_INET6):
        try:
            out['p%d%s' % (af, t)] = binascii.hexlify(
                S.inet_pton(af, t)).decode('ascii')
        except S.error:
            out['p%d%s' % (af, t)] = 'error'
sys.stdout.write(json.dumps(out))
"""

TEXTS = ["127.0.0.1", "1", "1.2", "1.2.3", "0x10.0x20.0x30.0x40", "010.1.1.1",
         "255.255.255.255", "4294967295", "4294967296", "1.2.3.256", "",
         " 1.2.3.4", "1.2.3.4 ", "::", "::1", "fe80::1", "1:2:3:4:5:6:7:8",
         "::ffff:10.0.0.1", "1::2::3", "abcd", "0.0.0.0", "00000000001.1.1.1"]


def test_same_results_as_the_standard_library():
    import binascii
    inputs = {"ints": list(range(0, 65536, 257)) + [65535, 1, 256],
              "texts": TEXTS}
    proc = subprocess.Popen([sys.executable, "-c", CHILD], cwd="/",
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            env=support.stdlib_env())
    out, _ = proc.communicate(json.dumps(inputs).encode("ascii"))
    assert proc.returncode == 0
    theirs = json.loads(out.decode("ascii"))
    S = socket
    for i, v in enumerate(inputs["ints"]):
        assert theirs["s%d" % i] == [S.htons(v), S.ntohs(v)]
        w = v * 65537 & 0xffffffff
        assert theirs["l%d" % i] == [S.htonl(w), S.ntohl(w)]
    for t in TEXTS:
        try:
            p = S.inet_aton(t)
            mine = [binascii.hexlify(p).decode("ascii"), S.inet_ntoa(p)]
        except S.error:
            mine = "error"
        assert theirs["a" + t] == mine, t
        for af in (S.AF_INET, S.AF_INET6):
            try:
                mine = binascii.hexlify(S.inet_pton(af, t)).decode("ascii")
            except S.error:
                mine = "error"
            assert theirs["p%d%s" % (af, t)] == mine, (af, t)


# ---- the hand-written IPv4 conversions (inetconv.c's fast paths) ------------

GAI_CHILD = r"""
import json, sys, _socket as S
out = []
for t in json.loads(sys.stdin.read()):
    try:
        out.append([list(i[:4]) + [list(i[4])] for i in S.getaddrinfo(
            t, 80, S.AF_INET, S.SOCK_STREAM, 0, S.AI_NUMERICHOST)])
    except S.gaierror as e:
        out.append(['gaierror', e.args[0]])
sys.stdout.write(json.dumps(out))
"""

IPV4_TEXTS = ["0.0.0.0", "255.255.255.255", "1.2.3.4", "10.20.30.40",
              "01.2.3.4", "1.02.3.4", "1.2.3.004", "00.0.0.0", "0.0.0.00",
              "256.1.1.1", "1.2.3.256", "999.1.1.1", "1000.1.1.1",
              "1.2.3", "1.2.3.4.5", "1.2.3.",
              "+1.2.3.4", "-1.2.3.4", " 1.2.3.4", "1.2.3.4 ", "1.2.3.4\t",
              "0x1.2.3.4", "1.2.3.4a", "127.1", "1", "1.2.3.0x4"]
# ('' is no host for our getaddrinfo, as the reference's examples pass it:
# a deliberate difference from the standard module, tested in
# test_resolver.py.)


def test_hand_written_ipv4_text_agrees_with_the_c_library():
    # text: inet_ntoa's (hand-written) against inet_ntop's (the C library's)
    rng = random.Random(7)
    samples = [bytes(bytearray(rng.randrange(256) for _ in range(4)))
               for _ in range(2000)]
    for pos in range(4):
        for value in range(256):
            packed = bytearray(b"\x01\x22\x03\xc4")
            packed[pos] = value
            samples.append(bytes(packed))
    for packed in samples:
        assert (socket.inet_ntoa(packed)
                == socket.inet_ntop(socket.AF_INET, packed)), packed
    # parsing: getaddrinfo's fast path (strict dotted quads) and its
    # fallback (the rest) against the interpreter's own module
    texts = IPV4_TEXTS + [".".join(str(rng.randrange(256)) for _ in range(4))
                          for _ in range(50)]
    proc = subprocess.Popen([sys.executable, "-c", GAI_CHILD], cwd="/",
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            env=support.stdlib_env())
    out, _ = proc.communicate(json.dumps(texts).encode("ascii"))
    assert proc.returncode == 0
    for text, their in zip(texts, json.loads(out.decode("ascii"))):
        try:
            mine = [list(i[:4]) + [list(i[4])] for i in socket.getaddrinfo(
                text, 80, socket.AF_INET, socket.SOCK_STREAM, 0,
                socket.AI_NUMERICHOST)]
        except socket.gaierror as e:
            mine = ["gaierror", e.args[0]]
        assert mine == their, text

/* inetconv.c - address text <-> packed bytes (inet_aton, inet_ntoa,
 * inet_pton, inet_ntop) and byte order (htons, htonl, ntohs, ntohl).
 *
 * These are called in tight loops, so the one-argument functions are
 * METH_O and take exact ints and bytes without any tuple parsing.
 *
 * Byte order, as CPython 2.7 for values in range; outside it, unlike 2.7
 * (which truncated htons(65536) to 0 and htonl(2**32) to 0), always
 * OverflowError: negative values, and values above 65535 (htons, ntohs) or
 * above 2**32-1 (htonl, ntohl); but on 3.8 and 3.9 htons/ntohs take values
 * up to INT_MAX with a DeprecationWarning and truncate them, as those
 * versions' own modules do.  htonl/ntohl return a long on 2.7, as 2.7's
 * own module does.
 *
 * Fast paths: hand-written IPv4 text conversions (inetconv.h), used by
 * inet_ntoa, by the address code (sockaddr.c: hosts given, and addresses
 * built for getsockname, recvfrom, accept) and by getaddrinfo (addrinfo.c).
 *   - inetconv_parse_ipv4() accepts exactly inet_pton(AF_INET)'s strict
 *     form: four decimal parts 0-255 without leading zeros.  Whatever it
 *     refuses goes the general way (inet_pton for IPv6, getaddrinfo(),
 *     which also reads inet_aton's short and hex forms).
 *   - inetconv_ipv4_text() writes inet_ntop(AF_INET)'s text for every
 *     address; it has no fallback.
 *   Test: Tests/test_inetconv.py,
 *   test_hand_written_ipv4_text_agrees_with_the_c_library (every byte
 *   value in every position, against inet_ntop, and strict, odd and wrong
 *   texts through getaddrinfo against the interpreter's own module). */
#include "inetconv.h"     /* first: Python.h sets the feature macros */

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "netarg.h"
#include "sockerr.h"

/* ---- byte order --------------------------------------------------------- */

static int
ushort_arg(PyObject *arg, const char *caller, uint16_t *out)
{
    unsigned long value;
#if CS_HTONS_WARNS_AND_TRUNCATES
    /* 3.8 and 3.9 took 65536 to INT_MAX with a DeprecationWarning */
    int rc = netarg_uint(arg, INT_MAX, &value);

    if (rc == 0 && value > 0xffffUL
        && PyErr_WarnFormat(PyExc_DeprecationWarning, 1, "%s: Python int "
                            "too large to convert to C 16-bit unsigned "
                            "integer (The silent truncation is deprecated)",
                            caller) < 0)
        return -1;
#else
    int rc = netarg_uint(arg, 0xffffUL, &value);
#endif

    if (rc > 0)
        PyErr_Format(PyExc_OverflowError, "%s: value must be 0-65535",
                     caller);
    if (rc != 0)
        return -1;
    *out = (uint16_t)value;
    return 0;
}

static int
ulong32_arg(PyObject *arg, const char *caller, uint32_t *out)
{
    unsigned long value;
    int rc = netarg_uint(arg, 0xffffffffUL, &value);

    if (rc > 0)
        PyErr_Format(PyExc_OverflowError, "%s: value must be 0-4294967295",
                     caller);
    if (rc != 0)
        return -1;
    *out = (uint32_t)value;
    return 0;
}

PyObject *
inetconv_htons(PyObject *self, PyObject *arg)
{
    uint16_t value;

    (void)self;
    if (ushort_arg(arg, "htons", &value) < 0)
        return NULL;
    return cs_int_from_long((long)htons(value));
}

PyObject *
inetconv_ntohs(PyObject *self, PyObject *arg)
{
    uint16_t value;

    (void)self;
    if (ushort_arg(arg, "ntohs", &value) < 0)
        return NULL;
    return cs_int_from_long((long)ntohs(value));
}

PyObject *
inetconv_htonl(PyObject *self, PyObject *arg)
{
    uint32_t value;

    (void)self;
    if (ulong32_arg(arg, "htonl", &value) < 0)
        return NULL;
    return PyLong_FromUnsignedLong((unsigned long)htonl(value));
}

PyObject *
inetconv_ntohl(PyObject *self, PyObject *arg)
{
    uint32_t value;

    (void)self;
    if (ulong32_arg(arg, "ntohl", &value) < 0)
        return NULL;
    return PyLong_FromUnsignedLong((unsigned long)ntohl(value));
}

/* ---- text <-> packed ---------------------------------------------------- */

int
inetconv_parse_ipv4(const char *text, struct in_addr *out)
{
    unsigned char bytes[4];
    int part;

    for (part = 0; part < 4; part++) {
        unsigned int value;

        if (*text < '0' || *text > '9')
            return 0;
        value = (unsigned int)(*text++ - '0');
        if (value != 0) {
            if (*text >= '0' && *text <= '9')
                value = value * 10 + (unsigned int)(*text++ - '0');
            if (*text >= '0' && *text <= '9')
                value = value * 10 + (unsigned int)(*text++ - '0');
        }
        if (value > 255 || (part < 3 ? *text != '.' : *text != '\0'))
            return 0;
        bytes[part] = (unsigned char)value;
        text++;
    }
    memcpy(out, bytes, sizeof(bytes));
    return 1;
}

/* The characters of an address string: str (unicode on 2.7) or bytes.
 * *keep owns them when they had to be encoded.  NULL with TypeError for
 * another type, ValueError for an embedded NUL. */
static const char *
text_arg(PyObject *obj, PyObject **keep, const char *caller)
{
    const char *chars;
    Py_ssize_t size;

    *keep = NULL;
    if (PyUnicode_Check(obj)) {
        chars = cs_text_utf8(obj, &size, keep);
        if (chars == NULL)
            return NULL;
    }
    else if (PyBytes_Check(obj)) {
        chars = PyBytes_AS_STRING(obj);
        size = PyBytes_GET_SIZE(obj);
    }
    else {
        PyErr_Format(PyExc_TypeError, "%s() argument must be str, not %.200s",
                     caller, Py_TYPE(obj)->tp_name);
        return NULL;
    }
    if (strlen(chars) != (size_t)size) {
        Py_CLEAR(*keep);
        PyErr_SetString(PyExc_ValueError, "embedded null character");
        return NULL;
    }
    return chars;
}

PyObject *
inetconv_inet_aton(PyObject *self, PyObject *arg)
{
    PyObject *keep;
    const char *text = text_arg(arg, &keep, "inet_aton");
    struct in_addr packed;
    int ok;

    (void)self;
    if (text == NULL)
        return NULL;
    /* inet_aton, not inet_pton: the short forms "127.1" and "1" and hex
     * parts are accepted, as in 2.7. */
    ok = inet_aton(text, &packed);
    Py_XDECREF(keep);
    if (!ok) {
        PyErr_SetString(sockerr_error,
                        "illegal IP address string passed to inet_aton");
        return NULL;
    }
    return PyBytes_FromStringAndSize((const char *)&packed, sizeof(packed));
}

PyObject *
inetconv_inet_ntoa(PyObject *self, PyObject *arg)
{
    char text[INET_ADDRSTRLEN];
    Py_buffer view;
    size_t len;

    (void)self;
    if (PyBytes_Check(arg)) {
        if (PyBytes_GET_SIZE(arg) != 4)
            goto wrong_length;
        len = inetconv_ipv4_text(PyBytes_AS_STRING(arg), text);
        return cs_native_str_and_size(text, (Py_ssize_t)len);
    }
    if (PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError,
                        "inet_ntoa() argument must be bytes-like, not str");
        return NULL;
    }
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    if (view.len != 4) {
        PyBuffer_Release(&view);
        goto wrong_length;
    }
    len = inetconv_ipv4_text(view.buf, text);
    PyBuffer_Release(&view);
    return cs_native_str_and_size(text, (Py_ssize_t)len);

wrong_length:
    PyErr_SetString(sockerr_error, "packed IP wrong length for inet_ntoa");
    return NULL;
}

PyObject *
inetconv_inet_pton(PyObject *self, PyObject *args)
{
    int af;
    PyObject *obj;
    PyObject *keep;
    const char *text;
    unsigned char packed[sizeof(struct in6_addr)];
    int rc;

    (void)self;
    if (!PyArg_ParseTuple(args, "iO:inet_pton", &af, &obj))
        return NULL;
    if (af != AF_INET && af != AF_INET6)
        return sockerr_code(EAFNOSUPPORT);
    text = text_arg(obj, &keep, "inet_pton");
    if (text == NULL)
        return NULL;
    rc = inet_pton(af, text, packed);
    Py_XDECREF(keep);
    if (rc < 0)
        return sockerr_errno();
    if (rc == 0) {
        PyErr_SetString(sockerr_error,
                        "illegal IP address string passed to inet_pton");
        return NULL;
    }
    return PyBytes_FromStringAndSize(
        (const char *)packed,
        af == AF_INET ? sizeof(struct in_addr) : sizeof(struct in6_addr));
}

PyObject *
inetconv_inet_ntop(PyObject *self, PyObject *args)
{
    int af;
    Py_buffer view;
    char text[INET6_ADDRSTRLEN];
    Py_ssize_t want;
    const char *ok;

    (void)self;
    if (!PyArg_ParseTuple(args, "i" CS_BUF ":inet_ntop", &af, &view))
        return NULL;
    if (af == AF_INET)
        want = sizeof(struct in_addr);
    else if (af == AF_INET6)
        want = sizeof(struct in6_addr);
    else {
        PyBuffer_Release(&view);
        PyErr_Format(PyExc_ValueError, "unknown address family %d", af);
        return NULL;
    }
    if (view.len != want) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_ValueError,
                        "invalid length of packed IP address string");
        return NULL;
    }
    ok = inet_ntop(af, view.buf, text, sizeof(text));
    PyBuffer_Release(&view);
    if (ok == NULL)
        return sockerr_errno();
    return cs_native_str(text);
}

/* ---- the table ---------------------------------------------------------- */

const char inetconv_htons_doc[] =
"htons(integer) -> integer\n\n\
Convert a 16-bit integer from host to network byte order.";
const char inetconv_ntohs_doc[] =
"ntohs(integer) -> integer\n\n\
Convert a 16-bit integer from network to host byte order.";
const char inetconv_htonl_doc[] =
"htonl(integer) -> integer\n\n\
Convert a 32-bit integer from host to network byte order.";
const char inetconv_ntohl_doc[] =
"ntohl(integer) -> integer\n\n\
Convert a 32-bit integer from network to host byte order.";
const char inetconv_inet_aton_doc[] =
"inet_aton(string) -> packed 32-bit IP representation\n\n\
Convert an IP address in string format (123.45.67.89) to the 32-bit packed\n\
binary format used in low-level network functions.";
const char inetconv_inet_ntoa_doc[] =
"inet_ntoa(packed_ip) -> ip_address_string\n\n\
Convert an IP address from 32-bit packed binary format to string format.";
const char inetconv_inet_pton_doc[] =
"inet_pton(af, ip) -> packed IP address string\n\n\
Convert an IP address from string format to a packed string suitable\n\
for use with low-level network functions.";
const char inetconv_inet_ntop_doc[] =
"inet_ntop(af, packed_ip) -> string formatted IP address\n\n\
Convert a packed IP address of the given family to string format.";

/* resolver.h - argument converters shared by the address code (sockaddr.c),
 * the lookup functions (resolver.c, addrinfo.c) and the byte-order
 * functions (inetconv.c): host names and bounded unsigned integers.  They
 * are defined in resolver.c. */
#ifndef CLASSICSOCKET_RESOLVER_H
#define CLASSICSOCKET_RESOLVER_H

#include "compat.h"

#include <netinet/in.h>

/* The C string of a host name given as str (3.x: ASCII as is, anything
 * else through the "idna" codec, as CPython 3 does), unicode (2.7: "idna"),
 * bytes or bytearray.  *keep receives a new reference that owns the
 * characters (or NULL when obj itself does); release it with Py_XDECREF
 * after the last use of the result.  NULL with TypeError naming `caller`
 * for another type or an embedded NUL, or the codec's error. */
const char *resolver_host_chars(PyObject *obj, PyObject **keep,
                                const char *caller);

/* The value of an integer argument (int, long on 2.7, or anything with
 * __index__) if it lies in 0..max.  Returns 0 with *out set, 1 when the
 * value is out of range (no exception set: the caller raises OverflowError
 * with its own message), or -1 with TypeError set for a non-integer. */
int resolver_uint_arg(PyObject *obj, unsigned long max, unsigned long *out);

/* inet_pton(AF_INET, text, out), the same strict form (four decimal parts
 * 0-255 without leading zeros) without glibc's per-character table
 * search: 1 if text is such an address, else 0. */
int resolver_parse_ipv4(const char *text, struct in_addr *out);

/* Writes the dotted-quad text of the 4 bytes at `packed` into buf (at least
 * 16 bytes: INET_ADDRSTRLEN) and returns its length.  The same text as
 * inet_ntop(AF_INET, ...), without the printf machinery glibc's uses: it
 * is on the path of every getsockname, recvfrom and getaddrinfo. */
static inline size_t
resolver_ipv4_text(const void *packed, char *buf)
{
    const unsigned char *b = (const unsigned char *)packed;
    char *p = buf;
    int i;

    for (i = 0; i < 4; i++) {
        unsigned int v = b[i];

        if (v >= 100) {
            *p++ = (char)('0' + v / 100);
            v %= 100;
            *p++ = (char)('0' + v / 10);
            v %= 10;
        }
        else if (v >= 10) {
            *p++ = (char)('0' + v / 10);
            v %= 10;
        }
        *p++ = (char)('0' + v);
        *p++ = '.';
    }
    *--p = '\0';
    return (size_t)(p - buf);
}

#endif /* CLASSICSOCKET_RESOLVER_H */

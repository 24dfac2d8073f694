/* inetconv.h - inetconv.c's module functions, and its hand-written IPv4
 * text conversions, which the address code (sockaddr.c) and getaddrinfo
 * (addrinfo.c) use too. */
#ifndef CLASSICSOCKET_INETCONV_H
#define CLASSICSOCKET_INETCONV_H

#include "compat.h"

#include <netinet/in.h>

/* inet_pton(AF_INET, text, out), the same strict form (four decimal parts
 * 0-255 without leading zeros) without glibc's per-character table
 * search: 1 if text is such an address, else 0. */
int inetconv_parse_ipv4(const char *text, struct in_addr *out);

/* Writes the dotted-quad text of the 4 bytes at `packed` into buf (at least
 * 16 bytes: INET_ADDRSTRLEN) and returns its length.  The same text as
 * inet_ntop(AF_INET, ...), without the printf machinery glibc's uses: it
 * is on the path of every getsockname, recvfrom and getaddrinfo. */
static inline size_t
inetconv_ipv4_text(const void *packed, char *buf)
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

/* The module functions inet_* and the byte-order functions, for the
 * module's method table (socketmodule.c). */
PyObject *inetconv_htons(PyObject *self, PyObject *arg);
PyObject *inetconv_ntohs(PyObject *self, PyObject *arg);
PyObject *inetconv_htonl(PyObject *self, PyObject *arg);
PyObject *inetconv_ntohl(PyObject *self, PyObject *arg);
PyObject *inetconv_inet_aton(PyObject *self, PyObject *arg);
PyObject *inetconv_inet_ntoa(PyObject *self, PyObject *arg);
PyObject *inetconv_inet_pton(PyObject *self, PyObject *args);
PyObject *inetconv_inet_ntop(PyObject *self, PyObject *args);
extern const char inetconv_htons_doc[];
extern const char inetconv_ntohs_doc[];
extern const char inetconv_htonl_doc[];
extern const char inetconv_ntohl_doc[];
extern const char inetconv_inet_aton_doc[];
extern const char inetconv_inet_ntoa_doc[];
extern const char inetconv_inet_pton_doc[];
extern const char inetconv_inet_ntop_doc[];

#define INETCONV_HTONS_METHODDEF \
    {"htons", inetconv_htons, METH_O, inetconv_htons_doc},
#define INETCONV_NTOHS_METHODDEF \
    {"ntohs", inetconv_ntohs, METH_O, inetconv_ntohs_doc},
#define INETCONV_HTONL_METHODDEF \
    {"htonl", inetconv_htonl, METH_O, inetconv_htonl_doc},
#define INETCONV_NTOHL_METHODDEF \
    {"ntohl", inetconv_ntohl, METH_O, inetconv_ntohl_doc},
#define INETCONV_INET_ATON_METHODDEF \
    {"inet_aton", inetconv_inet_aton, METH_O, inetconv_inet_aton_doc},
#define INETCONV_INET_NTOA_METHODDEF \
    {"inet_ntoa", inetconv_inet_ntoa, METH_O, inetconv_inet_ntoa_doc},
#define INETCONV_INET_PTON_METHODDEF \
    {"inet_pton", inetconv_inet_pton, METH_VARARGS, inetconv_inet_pton_doc},
#define INETCONV_INET_NTOP_METHODDEF \
    {"inet_ntop", inetconv_inet_ntop, METH_VARARGS, inetconv_inet_ntop_doc},

#endif /* CLASSICSOCKET_INETCONV_H */

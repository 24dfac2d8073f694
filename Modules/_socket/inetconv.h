/* inetconv.h - the hand-written IPv4 text conversions of inetconv.c, which
 * the address code (sockaddr.c) and getaddrinfo (addrinfo.c) use too. */
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

#endif /* CLASSICSOCKET_INETCONV_H */

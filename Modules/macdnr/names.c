/* names.c - host names as MacTCP's DNR reads them (macdnr-facts section 3):
 * the dotted-quad test, the syntax check, qualification with the default
 * domain, and the comparisons the cache and the zone matching use.  Case
 * is not significant (RFC 1034 3.5, as MacTCP 2.0.6).  Names are kept in
 * presentation form without their final dot; the root is "". */
#include "macdnr.h"

#include <stdio.h>
#include <string.h>

static int
lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

int
dnrnames_dotted(const char *s, uint32_t *addr)
{
    const char *p;
    uint32_t value = 0;
    int parts = 0;

    /* only digits and dots: MacTCP takes it for an address */
    if (*s == '\0')
        return 0;
    for (p = s; *p != '\0'; p++)
        if (!((*p >= '0' && *p <= '9') || *p == '.'))
            return 0;
    p = s;
    for (;;) {
        unsigned long part = 0;
        int digits = 0;

        while (*p >= '0' && *p <= '9') {
            part = part * 10 + (unsigned long)(*p - '0');
            if (++digits > 3)
                return -1;
            p++;
        }
        if (digits == 0 || part > 255)
            return -1;
        value = (value << 8) | (uint32_t)part;
        parts++;
        if (*p == '\0')
            break;
        p++;            /* the dot */
        if (parts == 4)
            return -1;
    }
    if (parts != 4)
        return -1;
    *addr = value;
    return 1;
}

int
dnrnames_check(const char *name)
{
    size_t len = strlen(name);
    size_t label = 0;
    size_t i;

    if (len > 0 && name[len - 1] == '.')
        len--;
    if (len == 0 || len > 253)
        return -1;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];

        if (c == '.') {
            if (label == 0)
                return -1;
            label = 0;
            continue;
        }
        /* printable, no space; no backslash, so that the name needs no
         * escapes and reads the same in presentation form */
        if (c <= 0x20 || c >= 0x7F || c == '\\')
            return -1;
        if (++label > 63)
            return -1;
    }
    return label == 0 ? -1 : 0;
}

int
dnrnames_qualify(const char *name, const char *domain, char *out,
                 size_t size)
{
    size_t len = strlen(name);
    int n;

    if (len > 0 && name[len - 1] == '.') {
        n = snprintf(out, size, "%.*s", (int)(len - 1), name);
    }
    else if (strchr(name, '.') == NULL && domain[0] != '\0') {
        n = snprintf(out, size, "%s.%s", name, domain);
    }
    else {
        n = snprintf(out, size, "%s", name);
    }
    return (n < 0 || (size_t)n >= size || n > 253) ? -1 : 0;
}

int
dnrnames_equal(const char *a, const char *b)
{
    while (*a != '\0'
           && lower((unsigned char)*a) == lower((unsigned char)*b)) {
        a++;
        b++;
    }
    return *a == '\0' && *b == '\0';
}

void
dnrnames_format_addr(uint32_t addr, char out[16])
{
    snprintf(out, 16, "%u.%u.%u.%u", (unsigned)(addr >> 24) & 255u,
             (unsigned)(addr >> 16) & 255u, (unsigned)(addr >> 8) & 255u,
             (unsigned)addr & 255u);
}

void
dnrnames_reverse(uint32_t addr, char *out, size_t size)
{
    snprintf(out, size, "%u.%u.%u.%u.in-addr.arpa", (unsigned)addr & 255u,
             (unsigned)(addr >> 8) & 255u, (unsigned)(addr >> 16) & 255u,
             (unsigned)(addr >> 24) & 255u);
}

void
dnrnames_absolute(const char *name, char *out, size_t size)
{
    snprintf(out, size, "%s.", name);
}

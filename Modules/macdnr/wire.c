/* wire.c - DNS messages (RFC 1035 section 4): building a recursive query
 * for one name and type, and reading the answer into Apple's returnRec.
 *
 * An answer counts only if it carries the query's id and its question
 * (name, type, class IN); anything else is ignored, as a late or forged
 * datagram.  In the answer, CNAMEs are followed from the question's name
 * (at most 16), and the records of the asked type owned by the final name
 * make the result: the first four A records, the first PTR, the first
 * HINFO, the MX with the lowest preference (MacTCP returns one).  NXDOMAIN
 * is authNameErr; a name that exists without a record of the type
 * (NODATA) is authNameErr too, with its canonical name in cname and a
 * detail saying so (MacTCP gives no code of its own for it).  Any other
 * RCODE is the server's failure.  A truncated answer (TC) is read as far
 * as it goes and reported as such: the engine asks again over TCP.  Names
 * come out in presentation form: bytes outside printable ASCII, '.' and
 * space inside a label and '\' escaped as RFC 1035 writes them (\DDD,
 * \., \\).  The caller's record comes in zeroed except for what it
 * preset (AddrToName's address). */
#include "macdnr.h"

#include <stdio.h>
#include <string.h>

#define NAME_BUF 1024       /* a wire name of 255 bytes, every byte \DDD */
#define MAX_HOPS 16         /* CNAMEs followed */
#define MAX_JUMPS 64        /* compression pointers followed in one name */

static unsigned
get16(const unsigned char *p)
{
    return ((unsigned)p[0] << 8) | p[1];
}

int
dnrwire_query(unsigned char *buf, size_t size, uint16_t id,
              const char *qname, int qtype)
{
    size_t off = 12;
    const char *p = qname;

    if (size < 12 + 1 + 4)
        return -1;
    memset(buf, 0, 12);
    buf[0] = (unsigned char)(id >> 8);
    buf[1] = (unsigned char)(id & 0xFF);
    buf[2] = 0x01;          /* RD: the server resolves for us */
    buf[5] = 1;             /* QDCOUNT */
    while (*p != '\0') {
        const char *dot = strchr(p, '.');
        size_t n = dot != NULL ? (size_t)(dot - p) : strlen(p);

        if (n == 0 || n > 63 || off + 1 + n + 5 > size)
            return -1;
        buf[off++] = (unsigned char)n;
        memcpy(buf + off, p, n);
        off += n;
        p += n;
        if (*p == '.')
            p++;
    }
    if (off > 12 + 255)
        return -1;
    buf[off++] = 0;
    buf[off++] = 0;
    buf[off++] = (unsigned char)qtype;
    buf[off++] = 0;
    buf[off++] = DNR_C_IN;
    return (int)off;
}

/* Appends n bytes of a label or string to out (at *pos, size bytes),
 * escaped; in a label a dot and a space are escaped too.  Stops short
 * rather than cut an escape.  Returns 0, or -1 when it did not all fit. */
static int
append_escaped(char *out, size_t size, size_t *pos, const unsigned char *s,
               size_t n, int label)
{
    size_t i;

    for (i = 0; i < n; i++) {
        char esc[5];
        int len;

        if (s[i] < (label ? 0x21 : 0x20) || s[i] >= 0x7F)
            len = snprintf(esc, sizeof(esc), "\\%03u", (unsigned)s[i]);
        else if (s[i] == '\\' || (label && s[i] == '.'))
            len = snprintf(esc, sizeof(esc), "\\%c", s[i]);
        else {
            esc[0] = (char)s[i];
            esc[1] = '\0';
            len = 1;
        }
        if (*pos + (size_t)len + 1 > size)
            return -1;
        memcpy(out + *pos, esc, (size_t)len + 1);
        *pos += (size_t)len;
    }
    return 0;
}

/* Reads the (possibly compressed) name at *off into out, in presentation
 * form without the final dot, and moves *off past it.  0, or -1 when the
 * name is malformed. */
static int
read_name(const unsigned char *msg, size_t len, size_t *off, char *out,
          size_t size)
{
    size_t p = *off;
    size_t pos = 0;
    size_t wire = 0;
    int jumps = 0;
    int jumped = 0;

    out[0] = '\0';
    for (;;) {
        unsigned n;

        if (p >= len)
            return -1;
        n = msg[p];
        if ((n & 0xC0) == 0xC0) {
            if (p + 1 >= len || ++jumps > MAX_JUMPS)
                return -1;
            if (!jumped)
                *off = p + 2;
            jumped = 1;
            p = ((n & 0x3F) << 8) | msg[p + 1];
            continue;
        }
        if ((n & 0xC0) != 0)
            return -1;      /* the reserved label types */
        if (n == 0) {
            if (!jumped)
                *off = p + 1;
            return 0;
        }
        if (p + 1 + n > len)
            return -1;
        wire += n + 1;
        if (wire > 255)
            return -1;
        if (pos > 0) {
            if (pos + 2 > size)
                return -1;
            out[pos++] = '.';
            out[pos] = '\0';
        }
        if (append_escaped(out, size, &pos, msg + p + 1, n, 1) < 0)
            return -1;
        p += 1 + n;
    }
}

/* One resource record of a section. */
typedef struct rr_view {
    char owner[NAME_BUF];
    unsigned type;
    unsigned cls;
    size_t rdata;           /* offset in the message */
    size_t rdlen;
} rr_view;

/* Reads the record at *off and moves *off past it; 0, or -1. */
static int
next_rr(const unsigned char *msg, size_t len, size_t *off, rr_view *rr)
{
    if (read_name(msg, len, off, rr->owner, sizeof(rr->owner)) < 0)
        return -1;
    if (*off + 10 > len)
        return -1;
    rr->type = get16(msg + *off);
    rr->cls = get16(msg + *off + 2);
    rr->rdlen = get16(msg + *off + 8);
    rr->rdata = *off + 10;
    if (rr->rdata + rr->rdlen > len)
        return -1;
    *off = rr->rdata + rr->rdlen;
    return 0;
}

/* The name in an RR's rdata at `at`; it must lie inside the rdata. */
static int
rdata_name(const unsigned char *msg, size_t len, const rr_view *rr,
           size_t at, char *out, size_t size)
{
    size_t off = at;

    if (read_name(msg, len, &off, out, size) < 0)
        return -1;
    return off <= rr->rdata + rr->rdlen ? 0 : -1;
}

/* An HINFO character-string at *at into out (escaped, truncated to fit). */
static int
char_string(const unsigned char *msg, const rr_view *rr, size_t *at,
            char *out, size_t size)
{
    size_t end = rr->rdata + rr->rdlen;
    size_t n;
    size_t pos = 0;

    if (*at >= end)
        return -1;
    n = msg[*at];
    if (*at + 1 + n > end)
        return -1;
    out[0] = '\0';
    /* what does not fit is cut, never in the middle of an escape */
    (void)append_escaped(out, size, &pos, msg + *at + 1, n, 0);
    *at += 1 + n;
    return 0;
}

static const char *
nodata_detail(int qtype)
{
    switch (qtype) {
    case DNR_T_A:
        return "the name exists but has no address (A) record";
    case DNR_T_PTR:
        return "the address has no name (PTR) record";
    case DNR_T_HINFO:
        return "the name exists but has no HINFO record";
    default:
        return "the name exists but has no MX record";
    }
}

/* A truncated answer may end in the middle of a record: that is no
 * reason to drop it, only to find it unusable. */
static int
malformed(int tc, dnr_record *rec)
{
    if (!tc)
        return DNRW_IGNORE;
    rec->rtn_code = DNR_dnrErr;
    return DNRW_TRUNCATED;
}

int
dnrwire_answer(const unsigned char *msg, size_t len, uint16_t id,
               const char *qname, int qtype, dnr_record *rec)
{
    char cur[NAME_BUF];
    rr_view rr;
    size_t off = 12;
    size_t answers;
    unsigned flags;
    unsigned qdcount;
    unsigned ancount;
    unsigned rcode;
    unsigned i;
    int hops;
    int found = 0;
    int naddr = 0;
    int tc;

    if (len < 12 || get16(msg) != id)
        return DNRW_IGNORE;
    flags = get16(msg + 2);
    if (!(flags & 0x8000) || ((flags >> 11) & 0xF) != 0)
        return DNRW_IGNORE;     /* not a response to a standard query */
    rcode = flags & 0xF;
    tc = (flags & 0x0200) != 0;
    qdcount = get16(msg + 4);
    ancount = get16(msg + 6);
    if (qdcount == 0 && rcode != 0)
        return DNRW_SERVER_ERROR;   /* FORMERR and the like, no question */
    if (qdcount != 1)
        return DNRW_IGNORE;
    if (read_name(msg, len, &off, cur, sizeof(cur)) < 0 || off + 4 > len
        || !dnrnames_equal(cur, qname) || get16(msg + off) != (unsigned)qtype
        || get16(msg + off + 2) != DNR_C_IN)
        return DNRW_IGNORE;
    off += 4;
    answers = off;
    if (rcode == 3) {
        rec->rtn_code = DNR_authNameErr;
        return DNRW_FINAL;
    }
    if (rcode != 0)
        return DNRW_SERVER_ERROR;

    /* the canonical name: CNAMEs from the question's name */
    for (hops = 0; hops < MAX_HOPS; hops++) {
        int moved = 0;

        off = answers;
        for (i = 0; i < ancount; i++) {
            if (next_rr(msg, len, &off, &rr) < 0) {
                if (!tc)
                    return DNRW_IGNORE;
                break;      /* truncated: the records up to here */
            }
            if (rr.type == DNR_T_CNAME && rr.cls == DNR_C_IN
                && dnrnames_equal(rr.owner, cur)) {
                if (rdata_name(msg, len, &rr, rr.rdata, cur, sizeof(cur)) < 0)
                    return malformed(tc, rec);
                moved = 1;
                break;
            }
        }
        if (!moved)
            break;
    }

    off = answers;
    for (i = 0; i < ancount; i++) {
        if (next_rr(msg, len, &off, &rr) < 0) {
            if (!tc)
                return DNRW_IGNORE;
            break;
        }
        if (rr.type != (unsigned)qtype || rr.cls != DNR_C_IN
            || !dnrnames_equal(rr.owner, cur))
            continue;
        if (qtype == DNR_T_A) {
            if (rr.rdlen == 4 && naddr < DNR_NUM_ADDRS) {
                const unsigned char *a = msg + rr.rdata;

                rec->addr[naddr++] = ((uint32_t)a[0] << 24)
                    | ((uint32_t)a[1] << 16) | ((uint32_t)a[2] << 8) | a[3];
                found = 1;
            }
        }
        else if (qtype == DNR_T_PTR && !found) {
            char target[NAME_BUF];

            if (rdata_name(msg, len, &rr, rr.rdata, target,
                           sizeof(target)) < 0)
                return malformed(tc, rec);
            dnrnames_absolute(target, rec->cname, sizeof(rec->cname));
            found = 1;
        }
        else if (qtype == DNR_T_HINFO && !found) {
            size_t at = rr.rdata;

            if (char_string(msg, &rr, &at, rec->cpu_type,
                            sizeof(rec->cpu_type)) < 0
                || char_string(msg, &rr, &at, rec->os_type,
                               sizeof(rec->os_type)) < 0)
                return malformed(tc, rec);
            found = 1;
        }
        else if (qtype == DNR_T_MX && rr.rdlen >= 3) {
            unsigned pref = get16(msg + rr.rdata);
            char exchange[NAME_BUF];

            if (found && pref >= rec->preference)
                continue;
            if (rdata_name(msg, len, &rr, rr.rdata + 2, exchange,
                           sizeof(exchange)) < 0)
                return malformed(tc, rec);
            rec->preference = pref;
            dnrnames_absolute(exchange, rec->exchange,
                              sizeof(rec->exchange));
            found = 1;
        }
    }
    if (qtype != DNR_T_PTR)
        dnrnames_absolute(cur, rec->cname, sizeof(rec->cname));
    if (!found) {
        rec->rtn_code = DNR_authNameErr;
        rec->detail = nodata_detail(qtype);
    }
    /* cut short: what is there may not be all (the MX of lowest
     * preference, the name's records) */
    return tc ? DNRW_TRUNCATED : DNRW_FINAL;
}

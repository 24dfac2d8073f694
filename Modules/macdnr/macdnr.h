/* macdnr.h - what the macdnr files share: the DNR's numbers, the
 * configuration an Open() builds, the query record that the resolver
 * thread and the result objects both see, and each file's prototypes.
 *
 * Layers, lowest first (a file calls only files above it in this list):
 *   names.c    name syntax, dotted quads, qualification (no Python)
 *   wire.c     DNS messages: building a query, reading an answer
 *   config.c   the cache of fixed entries and the choice of servers
 *   hosts.c    MacTCP's Hosts file -> config
 *   sysconf.c  /etc/resolv.conf and /etc/hosts -> config
 *   engine.c   the resolver thread: queries in flight over UDP
 *   errors.c   macdnr.error and the texts of the DNR's codes (Python)
 *   result.c   the "MacTCP DNR Result" object, wait() and isdone()
 *   resolver.c the open resolver: Open, Close and starting queries
 *   macdnrmodule.c  the module's functions and init
 *
 * Threads.  The resolver thread (engine.c) never holds a Python reference
 * nor the GIL.  A query is a plain C record (dnr_query) with a reference
 * count under the engine's one lock: the result object holds one, the
 * engine one while the query is in flight. */
#ifndef CLASSICSOCKET_MACDNR_H
#define CLASSICSOCKET_MACDNR_H

#include <stddef.h>
#include <stdint.h>

/* ---- the DNR's result codes (macdnr-facts section 4) ------------------ */
enum {
    DNR_noErr = 0,
    DNR_notOpenErr = -28,
    DNR_ioErr = -36,            /* Mac OS: I/O error (reading Hosts) */
    DNR_fnfErr = -43,           /* Mac OS: file not found */
    DNR_nameSyntaxErr = -23041,
    DNR_cacheFault = -23042,
    DNR_noNameServer = -23044,
    DNR_authNameErr = -23045,
    DNR_noAnsErr = -23046,
    DNR_dnrErr = -23047,
    DNR_outOfMemory = -23048
};

/* what a query asks for: the kind of its result record */
enum { DNR_ADDR = 1, DNR_HINFO = 2, DNR_MX = 3 };

/* RR types and class */
enum {
    DNR_T_A = 1, DNR_T_NS = 2, DNR_T_CNAME = 5, DNR_T_PTR = 12,
    DNR_T_HINFO = 13, DNR_T_MX = 15, DNR_C_IN = 1
};

/* The sizes of Apple's returnRec (AddressXlation.h), NUL included. */
#define DNR_CNAME_SIZE 255
#define DNR_HSTR_SIZE 30
#define DNR_NUM_ADDRS 4
/* a name in presentation form without its final dot, NUL included */
#define DNR_NAME_SIZE 256
#define DNR_MAX_SERVERS 8
#define DNR_DNS_PORT 53

/* Apple's returnRec, as MacPython's result object exposes it. */
typedef struct dnr_record {
    int rtn_code;
    /* why rtn_code is not 0, when the code alone does not say it
     * (a static string, or NULL) */
    const char *detail;
    char cname[DNR_CNAME_SIZE];
    uint32_t addr[DNR_NUM_ADDRS];       /* host order, 0 where unused */
    char cpu_type[DNR_HSTR_SIZE];
    char os_type[DNR_HSTR_SIZE];
    unsigned preference;
    char exchange[DNR_CNAME_SIZE];
} dnr_record;

typedef struct dnr_server {
    uint32_t addr;          /* host order */
    int port;
} dnr_server;

/* ---- names.c: no Python, no allocation ------------------------------- */
/* 1 and *addr: `s` is a dotted quad; 0: not in dotted form (a name);
 * -1: dotted form that is no address (nameSyntaxErr) */
int dnrnames_dotted(const char *s, uint32_t *addr);
/* 0 when `name` is a host name MacTCP could look up (labels of 1-63
 * printable characters, at most 253 in all, an optional final dot), -1 */
int dnrnames_check(const char *name);
/* `name` made absolute, without its final dot: a final dot means exactly
 * this name, a name without dots gets `domain` ("" for none) appended,
 * any other is used as typed.  0, or -1 when it does not fit. */
int dnrnames_qualify(const char *name, const char *domain, char *out,
                     size_t size);
int dnrnames_equal(const char *a, const char *b);   /* ignoring case */
/* "W.X.Y.Z" (16 bytes with the NUL) */
void dnrnames_format_addr(uint32_t addr, char out[16]);
/* "Z.Y.X.W.in-addr.arpa" */
void dnrnames_reverse(uint32_t addr, char *out, size_t size);
/* `name` with its final dot into out (truncated to size) */
void dnrnames_absolute(const char *name, char *out, size_t size);

/* ---- wire.c: DNS messages, no Python ---------------------------------- */
/* Builds a recursive query; its length, or -1 when qname does not fit.
 * Over TCP the message goes after its 2-byte length (RFC 1035 4.2.2). */
int dnrwire_query(unsigned char *buf, size_t size, uint16_t id,
                  const char *qname, int qtype);
/* What an answer means for the query (id, qname, qtype) */
enum {
    DNRW_IGNORE = 0,        /* not an answer to it (or malformed) */
    DNRW_FINAL = 1,         /* *rec holds the outcome, rtn_code included */
    DNRW_SERVER_ERROR = 2,  /* the server failed: ask the next one */
    DNRW_TRUNCATED = 3      /* TC: *rec as far as the answer went (its
                             * rtn_code 0 if usable); ask over TCP */
};
int dnrwire_answer(const unsigned char *msg, size_t len, uint16_t id,
                   const char *qname, int qtype, dnr_record *rec);

/* ---- config.c: what an Open() set up ---------------------------------- */
typedef struct dnr_entry {
    char name[DNR_NAME_SIZE];   /* absolute, without its final dot */
    int type;                   /* DNR_T_A, DNR_T_NS or DNR_T_CNAME */
    uint32_t addr;              /* A */
    int port;                   /* A: the DNS port of this address */
    char target[DNR_NAME_SIZE]; /* NS, CNAME */
} dnr_entry;

typedef struct dnr_config {
    char domain[DNR_NAME_SIZE]; /* default domain; "" for none */
    dnr_entry *entries;         /* owned; the cache, in file order */
    size_t count;
    size_t cap;
    dnr_server dflt[DNR_MAX_SERVERS];   /* default servers (resolv.conf) */
    int ndflt;
    double timeout;             /* seconds per try */
    int attempts;               /* rounds over the server list */
} dnr_config;

#define DNR_DEFAULT_TIMEOUT 2.0
#define DNR_DEFAULT_ATTEMPTS 2

dnr_config *dnrconfig_new(void);            /* NULL: out of memory */
void dnrconfig_free(dnr_config *cfg);
/* 0, or -1 out of memory */
int dnrconfig_add(dnr_config *cfg, const char *name, int type,
                  uint32_t addr, int port, const char *target);
/* The cache's answer for an address query of `qname`: follows its CNAMEs
 * (the canonical name goes to `final`) and copies up to four A records
 * of the final name into addr[].  The number of addresses found. */
int dnrconfig_lookup(const dnr_config *cfg, const char *qname, char *final,
                     size_t size, uint32_t addr[DNR_NUM_ADDRS]);
/* The servers to ask about `qname`, in MacTCP's order: those of its own
 * domain, those of each parent domain, then the default ones.  Their
 * number (0: noNameServer). */
int dnrconfig_servers(const dnr_config *cfg, const char *qname,
                      dnr_server out[DNR_MAX_SERVERS]);

/* ---- hosts.c, sysconf.c: building a config ---------------------------- */
/* 0, or a DNR/Mac OS code with a message in err */
int dnrhosts_load(dnr_config *cfg, const char *path, char *err,
                  size_t errsize);
/* resolv.conf and hosts files (paths); 0, or -1 out of memory */
int dnrsysconf_load(dnr_config *cfg, const char *resolv_conf,
                    const char *hosts);

/* ---- engine.c: the resolver thread ------------------------------------ */
typedef struct dnr_query {
    /* owned by the engine's lock */
    struct dnr_query *next;     /* engine's lists */
    struct dnr_query *prev;
    int refs;
    int done;                   /* rec is final (read it under the lock
                                 * once, then freely) */
    int efd;                    /* eventfd written when done; -1 until a
                                 * waiter asks for it */
    /* the request, fixed before it is submitted */
    int qtype;
    char qname[DNR_NAME_SIZE];
    dnr_server servers[DNR_MAX_SERVERS];
    int nservers;
    double timeout;
    int attempts;
    /* the engine's own (only the resolver thread touches these) */
    int fd;                     /* UDP socket of the try in flight; -1 */
    int tries;                  /* tries made so far */
    double deadline;            /* of the try in flight, CLOCK_MONOTONIC */
    uint16_t id;
    int cur;                    /* index of the server of that try */
    unsigned failed;            /* servers that answered with an error */
    unsigned char pkt[512];
    int pktlen;
    /* over TCP, after a truncated answer (RFC 1035 4.2.2) */
    int tcp;                    /* 0 (UDP), or the DNR_TCP_* state */
    size_t tdone;               /* bytes sent, or received */
    unsigned char *tbuf;        /* the answer (malloc'd), or NULL */
    int has_partial;            /* `partial` is a usable truncated answer */
    dnr_record partial;
    /* the outcome: zeroed but for what the resolver presets */
    dnr_record rec;
} dnr_query;

void dnrengine_lock(void);
void dnrengine_unlock(void);
/* A new query (refs 1, not done) or NULL; the caller fills the request. */
dnr_query *dnrengine_query_new(void);
/* Drops a reference (lock NOT held); the last one frees the query. */
void dnrengine_release(dnr_query *q);
/* Hands q to the resolver thread (starting it when needed); lock NOT
 * held.  0, or -errno (q was not taken). */
int dnrengine_submit(dnr_query *q);
/* Lock held: the descriptor that turns readable when q is done (made at
 * the first call), or -errno. */
int dnrengine_done_fd(dnr_query *q);
/* Ends every query with notOpenErr and stops the thread (joined); lock
 * NOT held.  The engine starts again with the next submit. */
void dnrengine_stop(void);

#endif /* CLASSICSOCKET_MACDNR_H */

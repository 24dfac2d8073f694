/* sockaddr.h - Python objects <-> struct sockaddr for AF_INET, AF_INET6 and
 * AF_UNIX, the special host names '' and '<broadcast>', and the 1998
 * two-argument form bind(host, port). */
#ifndef CLASSICSOCKET_SOCKADDR_H
#define CLASSICSOCKET_SOCKADDR_H

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "compat.h"

typedef union {
    struct sockaddr sa;
    struct sockaddr_in in4;
    struct sockaddr_in6 in6;
    struct sockaddr_un un;
    struct sockaddr_storage storage;
} sock_addr_t;

/* Fills *addr and *len from obj for a socket of `family`.  Host names are
 * resolved with the GIL released.  0, or -1 with TypeError, ValueError,
 * OverflowError (port outside 0-65535), error or gaierror set; messages name
 * `caller` ("bind", "connect", ...). */
int sockaddr_parse(int family, PyObject *obj, sock_addr_t *addr,
                   socklen_t *len, const char *caller);

/* The Python form of an address (new ref): a str path for AF_UNIX (bytes
 * for Linux's abstract namespace), (host, port) for AF_INET,
 * (host, port, flowinfo, scope_id) for AF_INET6, the forms of
 * sockaddr_linux.h for AF_PACKET and AF_VSOCK, (family, raw bytes) for
 * anything else.  len 0 gives None. */
PyObject *sockaddr_build(const struct sockaddr *addr, socklen_t len);

/* ---- per-socket caches: the last conversions, for sendto and recvfrom ---
 * A socket object owns one of each (sockobject_int.h); fields start zeroed
 * (empty) and are released by sockaddr_clear_caches(). */

/* The host of the last (host, port...) address converted from a host whose
 * meaning is fixed: a numeric address, '' or '<broadcast>'.  Names looked
 * up with getaddrinfo are never kept (DNS answers may change).  When that
 * address was an exact tuple of exact str/bytes and ints, which nothing
 * can change, the tuple is kept too, with its whole sockaddr. */
union sockaddr_inet {
    struct sockaddr_in in4;
    struct sockaddr_in6 in6;
};

struct sockaddr_parse_cache {
    PyObject *host;         /* owned: an exact str or bytes, or NULL */
    PyObject *tuple;        /* owned: the last tuple with that host, or
                               NULL */
    int family;             /* the family they were converted for */
    socklen_t len;
    socklen_t full_len;
    union sockaddr_inet addr;   /* the host's address, port etc. 0 */
    union sockaddr_inet full;   /* the tuple's address */
};

/* The last address built from a received sockaddr, and its bytes. */
struct sockaddr_build_cache {
    PyObject *obj;          /* owned: sockaddr_build()'s result, or NULL */
    socklen_t len;
    unsigned char raw[sizeof(struct sockaddr_in6)];
};

/* sockaddr_parse() through a cache (NULL: none): the cached tuple itself
 * gives its address at once; another (host, port...) tuple whose host is
 * the cached one (the same object, or an equal str or bytes) takes the
 * host's address, its port and other items being converted (and checked)
 * as usual.  Otherwise converts and remembers. */
int sockaddr_parse_cached(struct sockaddr_parse_cache *cache, int family,
                          PyObject *obj, sock_addr_t *addr, socklen_t *len,
                          const char *caller);

/* sockaddr_build() through a cache: the same bytes as last time give the
 * same (immutable) object again (new ref).  Only what sockaddr_build()
 * derives from the bytes alone is kept, up to the size of a sockaddr_in6. */
PyObject *sockaddr_build_cached(struct sockaddr_build_cache *cache,
                                const struct sockaddr *addr, socklen_t len);

/* Releases what the caches hold. */
void sockaddr_clear_caches(struct sockaddr_parse_cache *parse,
                           struct sockaddr_build_cache *build);

/* The address argument of bind/connect/connect_ex: args is the method's
 * whole argument tuple, either (address,) or the 1998 form (host, port).
 * Returns a borrowed reference (the single argument) or a new tuple in
 * *owned, which the caller releases with Py_XDECREF; NULL with TypeError
 * naming `caller` otherwise. */
PyObject *sockaddr_from_args(PyObject *args, PyObject **owned,
                             const char *caller);

/* Resolves a host name for AF_INET/AF_INET6/AF_UNSPEC into *addr, with ''
 * meaning INADDR_ANY (:: for AF_INET6; an error for AF_UNSPEC, where it is
 * ambiguous) and '<broadcast>' INADDR_BROADCAST (an error for AF_INET6),
 * and numeric addresses parsed without a lookup.  Releases the GIL around
 * the resolver (getaddrinfo; gaierror on failure).  Returns the address
 * length, or -1 with an exception set.  The GIL must be held. */
int sockaddr_resolve_host(const char *name, int family, sock_addr_t *addr);

#endif /* CLASSICSOCKET_SOCKADDR_H */

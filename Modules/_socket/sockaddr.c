/* sockaddr.c - Python objects <-> struct sockaddr.
 *
 * Forms (CPython 2.7's): AF_INET (host, port); AF_INET6
 * (host, port[, flowinfo[, scope_id]]); AF_UNIX a path (Linux: a leading
 * NUL byte names the abstract namespace); AF_NETLINK (pid, groups);
 * AF_PACKET, AF_VSOCK and AF_ALG in sockaddr_linux.c (3.x's forms).  Hosts
 * '' and '<broadcast>' are INADDR_ANY and INADDR_BROADCAST; numeric hosts
 * are parsed without a lookup, other names go to getaddrinfo() with the GIL
 * released.  Messages name the Python call (`caller`) as CPython 3 does:
 * "bind(): port must be 0-65535.".
 *
 * Fast paths: the per-socket address caches (sockaddr.h), which sendto
 * and recvfrom/recvfrom_into use (sockio.c).
 *   - sockaddr_parse_cached(): the cached tuple itself (an exact tuple of
 *     exact str/bytes and ints, which nothing can change) gives its whole
 *     sockaddr again, for the same family; another tuple whose host is the
 *     cached host (the same object, or an equal exact str/bytes) takes the
 *     host's address and has its port, flowinfo and scope converted and
 *     checked as usual.  Only hosts whose meaning is fixed are cached
 *     (numeric addresses, '', '<broadcast>'), never names looked up.
 *     Anything else falls back to the full conversion, sockaddr_parse(),
 *     and is remembered.
 *   - sockaddr_build_cached(): received bytes equal to the last ones give
 *     the last (immutable) address object again; only what sockaddr_build()
 *     derives from the bytes alone is kept (not 2.7's scoped IPv6 names,
 *     whose interface name may change), else sockaddr_build() runs.
 *   Tests: Tests/test_sockaddr.py, test_recvfrom_*_follows_the_sender,
 *   test_recvfrom_address_of_a_new_sender_on_the_same_port and test_sendto_*
 *   (a changed port, host, family or mutated host, and the errors of a
 *   remembered host, give what the full conversion gives). */
#include "compat.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <stddef.h>
#include <string.h>
#ifdef __linux__
#include <linux/netlink.h>
#endif

#include "inetconv.h"
#include "netarg.h"
#include "sockaddr.h"
#include "sockaddr_linux.h"
#include "sockerr.h"

/* ---- the "AF_UNIX path too long" exception --------------------------------
 * CPython 2.7's own tests catch it as socket.error, this project's rules as
 * ValueError, so it derives from both (as io.UnsupportedOperation derives
 * from OSError and ValueError).  Created on first use; the reference is
 * owned here for the life of the process.  Not exported by the module. */
static PyObject *path_too_long_error;

static void
raise_path_too_long(void)
{
    if (path_too_long_error == NULL) {
        PyObject *bases = PyTuple_Pack(2, sockerr_error, PyExc_ValueError);

        if (bases == NULL)
            return;
        /* Named like its base so that a traceback reads as 2.7's
         * "socket.error: AF_UNIX path too long". */
        path_too_long_error = PyErr_NewExceptionWithDoc(
            "socket.error", "An AF_UNIX path longer than sun_path allows.",
            bases, NULL);
        Py_DECREF(bases);
        if (path_too_long_error == NULL)
            return;
    }
    PyErr_SetString(path_too_long_error, "AF_UNIX path too long");
}

/* ---- host names --------------------------------------------------------- */

static int
copy_addrinfo(const struct addrinfo *ai, sock_addr_t *addr)
{
    if (ai->ai_addrlen > sizeof(*addr)) {
        sockerr_code(EAFNOSUPPORT);
        return -1;
    }
    memset(addr, 0, sizeof(*addr));
    memcpy(addr, ai->ai_addr, ai->ai_addrlen);
    return (int)ai->ai_addrlen;
}

static int
set_inet_any(sock_addr_t *addr, int family, int broadcast)
{
    memset(addr, 0, sizeof(*addr));
    if (family == AF_INET6) {
        if (broadcast) {
            PyErr_SetString(sockerr_error, "address family mismatched");
            return -1;
        }
        addr->in6.sin6_family = AF_INET6;
        addr->in6.sin6_addr = in6addr_any;
        return (int)sizeof(addr->in6);
    }
    addr->in4.sin_family = AF_INET;
    addr->in4.sin_addr.s_addr = htonl(broadcast ? INADDR_BROADCAST
                                                : INADDR_ANY);
    return (int)sizeof(addr->in4);
}

/* sockaddr_resolve_host(); *fixed tells whether the name has a meaning
 * of its own (a numeric address, '' or '<broadcast>'), which no lookup
 * can change, so that the address may be remembered for it. */
static int
resolve_name(const char *name, int family, sock_addr_t *addr, int *fixed)
{
    struct addrinfo hints;
    struct addrinfo *res = NULL;
    int rc;

    *fixed = 1;
    if (family != AF_INET && family != AF_INET6 && family != AF_UNSPEC) {
        sockerr_code(EAFNOSUPPORT);
        return -1;
    }
    /* A dotted quad first: the special names below start with no digit,
     * and "255.255.255.255" parses to INADDR_BROADCAST as it should. */
    if (name[0] >= '0' && name[0] <= '9' && family != AF_INET6) {
        memset(addr, 0, sizeof(addr->in4));
        if (inetconv_parse_ipv4(name, &addr->in4.sin_addr)) {
            addr->in4.sin_family = AF_INET;
            return (int)sizeof(addr->in4);
        }
    }
    if (name[0] == '\0') {
        /* The wildcard is 0.0.0.0 or ::, one per family: with AF_UNSPEC
         * it is ambiguous, as CPython reports. */
        if (family == AF_UNSPEC) {
            PyErr_SetString(sockerr_error,
                            "wildcard resolved to multiple address");
            return -1;
        }
        return set_inet_any(addr, family, 0);
    }
    if (strcmp(name, "<broadcast>") == 0
        || strcmp(name, "255.255.255.255") == 0)
        return set_inet_any(addr, family, 1);

    /* Numeric IPv6: no resolver, no GIL release. */
    memset(addr, 0, sizeof(*addr));
    if (family != AF_INET
        && inet_pton(AF_INET6, name, &addr->in6.sin6_addr) == 1) {
        addr->in6.sin6_family = AF_INET6;
        return (int)sizeof(addr->in6);
    }

    *fixed = 0;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = family;
    Py_BEGIN_ALLOW_THREADS
    rc = getaddrinfo(name, NULL, &hints, &res);
    Py_END_ALLOW_THREADS
    if (rc != 0) {
        sockerr_gaierror(rc);
        return -1;
    }
    rc = copy_addrinfo(res, addr);
    freeaddrinfo(res);
    return rc;
}

int
sockaddr_resolve_host(const char *name, int family, sock_addr_t *addr)
{
    int fixed;

    return resolve_name(name, family, addr, &fixed);
}

/* ---- Python -> struct sockaddr ------------------------------------------ */

static int
port_arg(PyObject *obj, const char *caller, in_port_t *port)
{
    unsigned long value;
    int rc = netarg_uint(obj, 65535, &value);

    if (rc > 0)
        PyErr_Format(PyExc_OverflowError, "%s(): port must be 0-65535.",
                     caller);
    if (rc != 0)
        return -1;
    *port = htons((uint16_t)value);
    return 0;
}

/* Whether host is the host of the cache's address, for `family`: the same
 * object, or an equal one of the same immutable type. */
static int
cached_host(const struct sockaddr_parse_cache *cache, PyObject *host,
            int family)
{
    int eq;

    if (cache == NULL || cache->host == NULL || cache->family != family)
        return 0;
    if (host == cache->host)
        return 1;
    if (Py_TYPE(host) != Py_TYPE(cache->host))
        return 0;
    eq = PyObject_RichCompareBool(host, cache->host, Py_EQ);
    if (eq < 0)
        PyErr_Clear();
    return eq > 0;
}

/* Resolves the host item of an address tuple for `family`; with a cache,
 * through it (see sockaddr_parse_cached). */
static int
host_item(PyObject *host, int family, sock_addr_t *addr, const char *caller,
          struct sockaddr_parse_cache *cache)
{
    PyObject *keep = NULL;
    const char *name;
    int fixed;
    int len;

    if (cached_host(cache, host, family)) {
        memcpy(addr, &cache->addr, sizeof(cache->addr));
        return (int)cache->len;
    }
    name = netarg_host_chars(host, &keep, caller);
    if (name == NULL)
        return -1;
    len = resolve_name(name, family, addr, &fixed);
    Py_XDECREF(keep);
    /* Only immutable hosts whose meaning is fixed are remembered. */
    if (cache != NULL && len > 0 && fixed
        && (size_t)len <= sizeof(cache->addr)
        && (PyUnicode_CheckExact(host) || PyBytes_CheckExact(host))) {
        Py_CLEAR(cache->tuple);     /* it goes with the host replaced */
        Py_XSETREF(cache->host, Py_NewRef(host));
        cache->family = family;
        cache->len = (socklen_t)len;
        memcpy(&cache->addr, addr, (size_t)len);
    }
    return len;
}

static int
parse_inet(PyObject *obj, sock_addr_t *addr, socklen_t *len,
           const char *caller, struct sockaddr_parse_cache *cache)
{
    in_port_t port;

    if (netarg_address_tuple(obj, 2, 2, "AF_INET",
                             "AF_INET address must be a pair (host, port)",
                             caller) < 0
        || port_arg(PyTuple_GET_ITEM(obj, 1), caller, &port) < 0
        || host_item(PyTuple_GET_ITEM(obj, 0), AF_INET, addr, caller,
                     cache) < 0)
        return -1;
    addr->in4.sin_port = port;
    *len = sizeof(addr->in4);
    return 0;
}

static int
parse_inet6(PyObject *obj, sock_addr_t *addr, socklen_t *len,
            const char *caller, struct sockaddr_parse_cache *cache)
{
    in_port_t port;
    unsigned long flowinfo = 0;
    unsigned long scope_id = 0;
    Py_ssize_t n;
    int rc;

    if (netarg_address_tuple(obj, 2, 4, "AF_INET6", "AF_INET6 address must "
                             "be a tuple (host, port[, flowinfo[, "
                             "scope_id]])", caller) < 0
        || port_arg(PyTuple_GET_ITEM(obj, 1), caller, &port) < 0)
        return -1;
    n = PyTuple_GET_SIZE(obj);
    if (n > 2) {
        rc = netarg_uint(PyTuple_GET_ITEM(obj, 2), 0xfffff, &flowinfo);
        if (rc > 0)
            PyErr_Format(PyExc_OverflowError,
                         "%s(): flowinfo must be 0-1048575.", caller);
        if (rc != 0)
            return -1;
    }
    if (n > 3) {
        rc = netarg_uint(PyTuple_GET_ITEM(obj, 3), 0xffffffffUL,
                         &scope_id);
        if (rc > 0)
            PyErr_Format(PyExc_OverflowError,
                         "%s(): scope_id must be 0-4294967295.", caller);
        if (rc != 0)
            return -1;
    }
    if (host_item(PyTuple_GET_ITEM(obj, 0), AF_INET6, addr, caller,
                  cache) < 0)
        return -1;
    addr->in6.sin6_port = port;
    addr->in6.sin6_flowinfo = htonl((uint32_t)flowinfo);
    /* A scope given in the tuple wins over one the name carried
     * ("fe80::1%lo"). */
    if (n > 3)
        addr->in6.sin6_scope_id = (uint32_t)scope_id;
    *len = sizeof(addr->in6);
    return 0;
}

static int
parse_unix(PyObject *obj, sock_addr_t *addr, socklen_t *len,
           const char *caller)
{
    PyObject *path;
    const char *data;
    Py_ssize_t size;
    int abstract;

    if (!PyBytes_Check(obj) && !PyUnicode_Check(obj)
        && !PyByteArray_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "%s(): AF_UNIX address must be str "
                     "or bytes, not %.200s", caller, Py_TYPE(obj)->tp_name);
        return -1;
    }
    /* 3.x: str in the file-system encoding, as os.fsencode() */
    path = cs_text_to_bytes(obj, NULL, caller);
    if (path == NULL)
        return -1;
    data = PyBytes_AS_STRING(path);
    size = PyBytes_GET_SIZE(path);
    abstract = size > 0 && data[0] == '\0';
    /* A file-system path needs room for its terminating NUL; a name in
     * Linux's abstract namespace is any sequence of bytes. */
    if ((abstract && (size_t)size > sizeof(addr->un.sun_path))
        || (!abstract && (size_t)size >= sizeof(addr->un.sun_path))) {
        Py_DECREF(path);
        raise_path_too_long();
        return -1;
    }
    if (!abstract && memchr(data, '\0', (size_t)size) != NULL) {
        Py_DECREF(path);
        PyErr_Format(PyExc_ValueError,
                     "%s(): AF_UNIX path contains a null character", caller);
        return -1;
    }
    memset(addr, 0, sizeof(*addr));
    addr->un.sun_family = AF_UNIX;
    memcpy(addr->un.sun_path, data, (size_t)size);
    *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + size);
    Py_DECREF(path);
    return 0;
}

#ifdef AF_NETLINK
static int
parse_netlink(PyObject *obj, sock_addr_t *addr, socklen_t *len,
              const char *caller)
{
    struct sockaddr_nl *nl = (struct sockaddr_nl *)addr;
    unsigned long pid;
    unsigned long groups;
    int rc;

    if (netarg_address_tuple(obj, 2, 2, "AF_NETLINK",
                             "AF_NETLINK address must be a pair (pid, "
                             "groups)", caller) < 0)
        return -1;
    rc = netarg_uint(PyTuple_GET_ITEM(obj, 0), 0xffffffffUL, &pid);
    if (rc == 0)
        rc = netarg_uint(PyTuple_GET_ITEM(obj, 1), 0xffffffffUL, &groups);
    if (rc > 0)
        PyErr_Format(PyExc_OverflowError,
                     "%s(): AF_NETLINK pid and groups must be 0-4294967295.",
                     caller);
    if (rc != 0)
        return -1;
    memset(addr, 0, sizeof(*addr));
    nl->nl_family = AF_NETLINK;
    nl->nl_pid = (uint32_t)pid;
    nl->nl_groups = (uint32_t)groups;
    *len = sizeof(*nl);
    return 0;
}
#endif

/* After obj was converted to addr through the cache: keeps obj as the
 * cache's tuple if its host is the cache's and nothing in it can change. */
static void
remember_tuple(struct sockaddr_parse_cache *cache, PyObject *obj,
               const sock_addr_t *addr, socklen_t len)
{
    Py_ssize_t i;

    if (cache->host == NULL || !PyTuple_CheckExact(obj)
        || PyTuple_GET_ITEM(obj, 0) != cache->host
        || len > sizeof(cache->full))
        return;
    for (i = 1; i < PyTuple_GET_SIZE(obj); i++) {
        if (!cs_int_check_exact(PyTuple_GET_ITEM(obj, i)))
            return;
    }
    Py_XSETREF(cache->tuple, Py_NewRef(obj));
    cache->full_len = len;
    memcpy(&cache->full, addr, len);
}

int
sockaddr_parse_cached(struct sockaddr_parse_cache *cache, int family,
                      PyObject *obj, sock_addr_t *addr, socklen_t *len,
                      const char *caller)
{
    int rc;

    if (cache != NULL && obj == cache->tuple && cache->family == family) {
        /* the whole union: a fixed size, which the compiler inlines */
        memcpy(addr, &cache->full, sizeof(cache->full));
        *len = cache->full_len;
        return 0;
    }
    switch (family) {
    case AF_INET:
        rc = parse_inet(obj, addr, len, caller, cache);
        break;
    case AF_INET6:
        rc = parse_inet6(obj, addr, len, caller, cache);
        break;
    case AF_UNIX:
        return parse_unix(obj, addr, len, caller);
#ifdef AF_NETLINK
    case AF_NETLINK:
        return parse_netlink(obj, addr, len, caller);
#endif
#ifdef SOCKADDR_LINUX_PACKET
    case AF_PACKET:
        return sockaddr_linux_parse_packet(obj, addr, len, caller);
#endif
#ifdef SOCKADDR_LINUX_VSOCK
    case AF_VSOCK:
        return sockaddr_linux_parse_vsock(obj, addr, len, caller);
#endif
#ifdef SOCKADDR_LINUX_ALG
    case AF_ALG:
        return sockaddr_linux_parse_alg(obj, addr, len, caller);
#endif
    default:
        PyErr_Format(sockerr_error, "%s(): bad family", caller);
        return -1;
    }
    if (rc == 0 && cache != NULL)
        remember_tuple(cache, obj, addr, *len);
    return rc;
}

int
sockaddr_parse(int family, PyObject *obj, sock_addr_t *addr,
               socklen_t *len, const char *caller)
{
    return sockaddr_parse_cached(NULL, family, obj, addr, len, caller);
}

/* ---- struct sockaddr -> Python ------------------------------------------ */

/* (host, port) pairs are built by hand: Py_BuildValue's format parsing
 * costs more than the rest of the conversion. */
static PyObject *
host_port(PyObject *host, int port)
{
    PyObject *pair;
    PyObject *number;

    if (host == NULL)
        return NULL;
    number = cs_int_from_long(port);
    pair = number ? PyTuple_New(2) : NULL;
    if (pair == NULL) {
        Py_DECREF(host);
        Py_XDECREF(number);
        return NULL;
    }
    PyTuple_SET_ITEM(pair, 0, host);            /* stolen */
    PyTuple_SET_ITEM(pair, 1, number);          /* stolen */
    return pair;
}

static PyObject *
build_inet(const struct sockaddr_in *in4)
{
    char host[INET_ADDRSTRLEN];
    size_t len = inetconv_ipv4_text(&in4->sin_addr, host);

    return host_port(cs_native_str_and_size(host, (Py_ssize_t)len),
                     (int)ntohs(in4->sin_port));
}

static PyObject *
build_inet6(const struct sockaddr_in6 *in6)
{
    char host[INET6_ADDRSTRLEN + IF_NAMESIZE + 1];
    PyObject *text;
    PyObject *result;

    if (inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host)) == NULL)
        return sockerr_errno();
#if !CS_PY3
    /* 2.7 formats the host with getnameinfo(NI_NUMERICHOST), which names
     * the scope of a scoped address: "fe80::1%lo".  3.x does not. */
    if (in6->sin6_scope_id != 0
        && getnameinfo((const struct sockaddr *)in6, sizeof(*in6), host,
                       sizeof(host), NULL, 0, NI_NUMERICHOST) != 0
        && inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host)) == NULL)
        return sockerr_errno();
#endif
    text = cs_native_str(host);
    if (text == NULL)
        return NULL;
    /* "k": flowinfo and scope_id are unsigned 32-bit quantities. */
    result = Py_BuildValue("(Oikk)", text, (int)ntohs(in6->sin6_port),
                           (unsigned long)ntohl(in6->sin6_flowinfo),
                           (unsigned long)in6->sin6_scope_id);
    Py_DECREF(text);
    return result;
}

static PyObject *
build_unix(const struct sockaddr_un *un, socklen_t len)
{
    size_t offset = offsetof(struct sockaddr_un, sun_path);
    size_t size = len > offset ? len - offset : 0;

    if (size > sizeof(un->sun_path))
        size = sizeof(un->sun_path);
    if (size > 0 && un->sun_path[0] == '\0')
        return PyBytes_FromStringAndSize(un->sun_path, (Py_ssize_t)size);
    /* A file-system path: the kernel may count its terminating NUL. */
    size = strnlen(un->sun_path, size);
    return cs_fs_str_and_size(un->sun_path, (Py_ssize_t)size);
}

PyObject *
sockaddr_build(const struct sockaddr *addr, socklen_t len)
{
    size_t offset = offsetof(struct sockaddr, sa_data);
    PyObject *raw;
    PyObject *result;

    if (len == 0)
        Py_RETURN_NONE;
    switch (addr->sa_family) {
    case AF_INET:
        if (len >= sizeof(struct sockaddr_in))
            return build_inet((const struct sockaddr_in *)addr);
        break;
    case AF_INET6:
        if (len >= sizeof(struct sockaddr_in6))
            return build_inet6((const struct sockaddr_in6 *)addr);
        break;
    case AF_UNIX:
        return build_unix((const struct sockaddr_un *)addr, len);
#ifdef AF_NETLINK
    case AF_NETLINK:
        if (len >= sizeof(struct sockaddr_nl)) {
            const struct sockaddr_nl *nl = (const struct sockaddr_nl *)addr;

            return Py_BuildValue("(kk)", (unsigned long)nl->nl_pid,
                                 (unsigned long)nl->nl_groups);
        }
        break;
#endif
#ifdef SOCKADDR_LINUX_PACKET
    case AF_PACKET:
        result = sockaddr_linux_build_packet(addr, len);
        if (result != NULL || PyErr_Occurred())
            return result;
        break;
#endif
#ifdef SOCKADDR_LINUX_VSOCK
    case AF_VSOCK:
        result = sockaddr_linux_build_vsock(addr, len);
        if (result != NULL || PyErr_Occurred())
            return result;
        break;
#endif
    default:
        break;
    }
    /* Unknown family (or a truncated address): (family, raw bytes). */
    raw = PyBytes_FromStringAndSize(
        (const char *)addr + offset,
        (Py_ssize_t)(len > offset ? len - offset : 0));
    if (raw == NULL)
        return NULL;
    result = Py_BuildValue("(iO)", (int)addr->sa_family, raw);
    Py_DECREF(raw);
    return result;
}

/* Whether sockaddr_build() gives its result from the bytes of the address
 * alone, so that equal bytes may share one result. */
static int
build_is_pure(const struct sockaddr *addr, socklen_t len)
{
#ifdef SOCKADDR_LINUX_PACKET
    /* AF_PACKET's interface name may change under the same index. */
    if (addr->sa_family == AF_PACKET)
        return 0;
#endif
#if !CS_PY3
    /* 2.7 names the scope of a scoped IPv6 address by its interface,
     * whose name may change. */
    if (addr->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)
        && ((const struct sockaddr_in6 *)addr)->sin6_scope_id != 0)
        return 0;
#else
    (void)addr;
    (void)len;
#endif
    return 1;
}

PyObject *
sockaddr_build_cached(struct sockaddr_build_cache *cache,
                      const struct sockaddr *addr, socklen_t len)
{
    PyObject *obj;

    if (cache->obj != NULL && cache->len == len
        && memcmp(cache->raw, addr, len) == 0)
        return Py_NewRef(cache->obj);
    obj = sockaddr_build(addr, len);
    if (obj != NULL && len > 0 && len <= sizeof(cache->raw)
        && build_is_pure(addr, len)) {
        Py_XSETREF(cache->obj, Py_NewRef(obj));
        cache->len = len;
        memcpy(cache->raw, addr, len);
    }
    return obj;
}

void
sockaddr_clear_caches(struct sockaddr_parse_cache *parse,
                      struct sockaddr_build_cache *build)
{
    Py_CLEAR(parse->tuple);
    Py_CLEAR(parse->host);
    Py_CLEAR(build->obj);
}

/* ---- the argument of bind/connect --------------------------------------- */

PyObject *
sockaddr_from_args(PyObject *args, PyObject **owned, const char *caller)
{
    Py_ssize_t n = PyTuple_GET_SIZE(args);

    *owned = NULL;
    if (n == 1)
        return PyTuple_GET_ITEM(args, 0);       /* borrowed from args */
    if (n == 2) {
        /* 1998: s.bind(host, port).  The whole argument tuple is the
         * address; *owned keeps a reference of its own to it. */
        *owned = Py_NewRef(args);
        return args;
    }
    PyErr_Format(PyExc_TypeError, "%s() takes exactly 1 argument "
                 "(%zd given)", caller, n);
    return NULL;
}

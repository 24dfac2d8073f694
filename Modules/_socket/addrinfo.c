/* addrinfo.c - getaddrinfo and getnameinfo, the protocol-independent
 * lookups of _socket, with getaddrinfo's numeric fast path.
 *
 * Fast path: for a host in the strict numeric form (inetconv.h's IPv4
 * parser, or inet_pton for IPv6), a port 0-65535 or None, and hints that
 * select only TCP/UDP/raw entries of AF_UNSPEC/AF_INET/AF_INET6 with no
 * flag beyond AI_PASSIVE, AI_NUMERICHOST and AI_NUMERICSERV,
 * numeric_chain() builds glibc's fixed answer itself.  Everything else
 * (short forms like '127.1', scoped IPv6 addresses, AI_CANONNAME,
 * AI_ADDRCONFIG, AI_V4MAPPED, other socket types or protocols, service
 * names) goes to getaddrinfo(), with the GIL held when only numbers need
 * parsing.  Test: Tests/test_resolver.py,
 * test_numeric_lookups_answer_as_the_standard_library_does (a matrix of
 * hosts, ports, families, types and flags against the interpreter's own
 * socket module, which always asks the C library).
 *
 * A lookup that may read a file or ask the network runs with the GIL
 * released; numeric hosts and ports are only parsed, with it held.  Both
 * C functions are thread-safe.  Errors follow CPython 2.7:
 * gaierror(code, gai_strerror), and error(message) for the few checks of
 * their own (a port that is neither integer nor string, a sockaddr whose
 * host stands for several addresses). */
#include "addrinfo.h"     /* first: Python.h sets the feature macros */

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <string.h>

#include "inetconv.h"
#include "netarg.h"
#include "sockaddr.h"
#include "sockerr.h"

/* ---- getaddrinfo -------------------------------------------------------- */

/* One 5-tuple (family, socktype, proto, canonname, sockaddr).  `empty` is
 * the '' shared by the entries without a canonical name, `sockaddr` the
 * address tuple (both borrowed; the tuple takes its own references). */
static PyObject *
addrinfo_tuple(const struct addrinfo *ai, PyObject *empty, PyObject *sockaddr)
{
    PyObject *item = PyTuple_New(5);
    PyObject *canon;

    if (item == NULL)
        return NULL;
    canon = ai->ai_canonname ? cs_native_str(ai->ai_canonname)
                             : Py_NewRef(empty);
    /* each PyTuple_SET_ITEM steals the new reference it is given; a NULL
     * left in the tuple is harmless to Py_DECREF */
    PyTuple_SET_ITEM(item, 0, cs_int_from_long(ai->ai_family));
    PyTuple_SET_ITEM(item, 1, cs_int_from_long(ai->ai_socktype));
    PyTuple_SET_ITEM(item, 2, cs_int_from_long(ai->ai_protocol));
    PyTuple_SET_ITEM(item, 3, canon);
    PyTuple_SET_ITEM(item, 4, Py_NewRef(sockaddr));
    if (PyTuple_GET_ITEM(item, 0) == NULL || PyTuple_GET_ITEM(item, 1) == NULL
        || PyTuple_GET_ITEM(item, 2) == NULL || canon == NULL) {
        Py_DECREF(item);
        return NULL;
    }
    return item;
}

/* The list of 5-tuples for res (new ref).  Entries that differ only in
 * socktype share one address tuple: it is immutable. */
static PyObject *
addrinfo_list(const struct addrinfo *res)
{
    PyObject *result;
    PyObject *empty = NULL;
    PyObject *sockaddr = NULL;
    const struct addrinfo *prev = NULL;
    const struct addrinfo *ai;
    Py_ssize_t n = 0;

    for (ai = res; ai != NULL; ai = ai->ai_next)
        n++;
    result = PyList_New(n);     /* filled in order below; NULL slots are
                                   safe to Py_DECREF on error */
    if (result == NULL)
        return NULL;
    empty = cs_native_str("");
    if (empty == NULL)
        goto error;
    for (ai = res, n = 0; ai != NULL; ai = ai->ai_next, n++) {
        PyObject *item;

        if (prev == NULL || prev->ai_addrlen != ai->ai_addrlen
            || memcmp(prev->ai_addr, ai->ai_addr, ai->ai_addrlen) != 0) {
            Py_XDECREF(sockaddr);
            sockaddr = sockaddr_build(ai->ai_addr, ai->ai_addrlen);
            if (sockaddr == NULL)
                goto error;
            prev = ai;
        }
        item = addrinfo_tuple(ai, empty, sockaddr);
        if (item == NULL)
            goto error;
        PyList_SET_ITEM(result, n, item);       /* stolen */
    }
    Py_XDECREF(sockaddr);
    Py_DECREF(empty);
    return result;

error:
    Py_XDECREF(sockaddr);
    Py_XDECREF(empty);
    Py_DECREF(result);
    return NULL;
}

/* Decimal digits of value into buf (at least 24 bytes). */
static const char *
format_long(long long value, char *buf, size_t size)
{
    char *p = buf + size - 1;
    unsigned long long u = value < 0 ? 0ULL - (unsigned long long)value
                                     : (unsigned long long)value;

    *p = '\0';
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (value < 0)
        *--p = '-';
    return p;
}

/* The service argument: None, an integer (formatted in `buf`), or a
 * string; *keep owns the characters of a string given as text.
 * *numeric tells whether the service needs no lookup, *portnum is the port
 * for None (0) and integers 0-65535, -1 otherwise. */
static int
service_arg(PyObject *port, char *buf, size_t bufsize, const char **serv,
            PyObject **keep, int *numeric, long *portnum)
{
    Py_ssize_t size;

    *keep = NULL;
    *serv = NULL;
    *numeric = 1;
    *portnum = 0;
    if (port == Py_None)
        return 0;
    *portnum = -1;
    if (cs_int_check(port)) {
        long long value = PyLong_AsLongLong(port);

        if (value == -1 && PyErr_Occurred()) {
#if CS_GAI_BIG_PORT_AS_TEXT
            /* the C library judges the number, as 3.12's module lets it */
            if (PyErr_ExceptionMatches(PyExc_OverflowError)) {
                PyErr_Clear();
                *keep = PyObject_Str(port);
                if (*keep == NULL)
                    return -1;
                *serv = PyUnicode_AsUTF8(*keep);
                if (*serv == NULL)
                    Py_CLEAR(*keep);
                return *serv == NULL ? -1 : 0;
            }
#endif
            return -1;
        }
        if (value >= 0 && value <= 65535)
            *portnum = (long)value;
        *serv = format_long(value, buf, bufsize);
        return 0;
    }
    if (PyBytes_Check(port)) {
        *serv = PyBytes_AS_STRING(port);
        size = PyBytes_GET_SIZE(port);
    }
    else if (PyUnicode_Check(port)) {
        *serv = cs_text_utf8(port, &size, keep);
        if (*serv == NULL)
            return -1;
    }
    else {
        PyErr_SetString(sockerr_error,
                        "getaddrinfo() argument 2 must be integer or string");
        return -1;
    }
    if (strlen(*serv) != (size_t)size) {
        Py_CLEAR(*keep);
        PyErr_SetString(PyExc_TypeError, "getaddrinfo(): service name "
                        "must not contain null character");
        return -1;
    }
    *numeric = size > 0 && strspn(*serv, "0123456789") == (size_t)size;
    return 0;
}

/* Parses a numeric host for `family` (0: either) into *addr; 1 if it is
 * one, else 0. */
static int
parse_numeric_host(const char *name, int family, sock_addr_t *addr)
{
    memset(addr, 0, sizeof(*addr));
    if (family != AF_INET6 && inetconv_parse_ipv4(name, &addr->in4.sin_addr)) {
        addr->in4.sin_family = AF_INET;
        return 1;
    }
    if (family != AF_INET
        && inet_pton(AF_INET6, name, &addr->in6.sin6_addr) == 1) {
        addr->in6.sin6_family = AF_INET6;
        return 1;
    }
    return 0;
}

/* ---- the numeric fast path -------------------------------------------------
 * For a numeric host (in the strict inet_pton form) and a port 0-65535 or
 * None, with the usual hints, glibc's answer is fixed and needs neither a
 * file nor the network: one entry for each of (SOCK_STREAM, IPPROTO_TCP),
 * (SOCK_DGRAM, IPPROTO_UDP) and (SOCK_RAW, 0) that the hints select, in that
 * order, all with the same address.  This builds that chain itself, which
 * halves the cost of getaddrinfo('127.0.0.1', 80).  Everything else (other
 * socket types or protocols, AI_CANONNAME, AI_ADDRCONFIG, AI_V4MAPPED,
 * short forms like '127.1', scoped IPv6 addresses) goes to getaddrinfo(). */

#define NUMERIC_FLAGS (AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV)

static const struct {
    int socktype;
    int protocol;
} numeric_kinds[3] = {
    {SOCK_STREAM, IPPROTO_TCP},
    {SOCK_DGRAM, IPPROTO_UDP},
    {SOCK_RAW, 0},
};

/* Links the entries for hints into chain (sharing *addr) and returns their
 * number, or 0 when the fast path does not apply. */
static int
numeric_chain(const char *name, long port, const struct addrinfo *hints,
              sock_addr_t *addr, struct addrinfo chain[3])
{
    socklen_t len;
    int i;
    int n = 0;

    if ((hints->ai_flags & ~NUMERIC_FLAGS) != 0
        || (hints->ai_family != AF_UNSPEC && hints->ai_family != AF_INET
            && hints->ai_family != AF_INET6))
        return 0;
    if (hints->ai_socktype == 0 && hints->ai_protocol == 0)
        ;                                       /* all three */
    else if ((hints->ai_socktype == SOCK_STREAM
              && (hints->ai_protocol == 0
                  || hints->ai_protocol == IPPROTO_TCP))
             || (hints->ai_socktype == 0
                 && hints->ai_protocol == IPPROTO_TCP))
        ;                                       /* the stream entry */
    else if ((hints->ai_socktype == SOCK_DGRAM
              && (hints->ai_protocol == 0
                  || hints->ai_protocol == IPPROTO_UDP))
             || (hints->ai_socktype == 0
                 && hints->ai_protocol == IPPROTO_UDP))
        ;                                       /* the datagram entry */
    else
        return 0;
    if (!parse_numeric_host(name, hints->ai_family, addr))
        return 0;
    if (addr->sa.sa_family == AF_INET) {
        addr->in4.sin_port = htons((uint16_t)port);
        len = sizeof(addr->in4);
    }
    else {
        addr->in6.sin6_port = htons((uint16_t)port);
        len = sizeof(addr->in6);
    }
    for (i = 0; i < 3; i++) {
        int socktype = numeric_kinds[i].socktype;
        int protocol = numeric_kinds[i].protocol;

        if ((hints->ai_socktype != 0 && hints->ai_socktype != socktype)
            || (hints->ai_protocol != 0 && hints->ai_protocol != protocol))
            continue;
        memset(&chain[n], 0, sizeof(chain[n]));
        chain[n].ai_family = addr->sa.sa_family;
        chain[n].ai_socktype = socktype;
        chain[n].ai_protocol = protocol;
        chain[n].ai_addrlen = len;
        chain[n].ai_addr = &addr->sa;
        if (n > 0)
            chain[n - 1].ai_next = &chain[n];
        n++;
    }
    return n;
}

/* getaddrinfo() once its arguments are known. */
static PyObject *
run_getaddrinfo(PyObject *host, PyObject *port, struct addrinfo *hints)
{
    PyObject *host_keep = NULL;
    PyObject *serv_keep = NULL;
    PyObject *result = NULL;
    const char *name = NULL;
    const char *serv;
    char portbuf[32];
    struct addrinfo *res = NULL;
    struct addrinfo chain[3];
    sock_addr_t addr;
    long portnum;
    int numeric;
    int rc;

    if (host != Py_None) {
        name = netarg_host_chars(host, &host_keep, "getaddrinfo");
        if (name == NULL)
            return NULL;
        /* '' is no host, as in the reference's examples: the wildcard
         * addresses with AI_PASSIVE, else the loopback ones */
        if (name[0] == '\0')
            name = NULL;
    }
    if (service_arg(port, portbuf, sizeof(portbuf), &serv, &serv_keep,
                    &numeric, &portnum) < 0
        || cs_audit("socket.getaddrinfo", "OOiii", host, port,
                    hints->ai_family, hints->ai_socktype,
                    hints->ai_protocol) < 0)
        goto done;

    if (name != NULL && portnum >= 0
        && numeric_chain(name, portnum, hints, &addr, chain) > 0) {
        result = addrinfo_list(chain);
        goto done;
    }
    /* Other numeric hosts with a numeric service (or none) are only parsed
     * too: releasing the GIL would cost more than the call.  Anything that
     * may read a file or ask the network runs without the GIL. */
    if (numeric && !(hints->ai_flags & AI_CANONNAME)
        && (name == NULL || parse_numeric_host(name, AF_UNSPEC, &addr)))
        rc = getaddrinfo(name, serv, hints, &res);
    else {
        Py_BEGIN_ALLOW_THREADS
        rc = getaddrinfo(name, serv, hints, &res);
        Py_END_ALLOW_THREADS
    }
    if (rc != 0)
        sockerr_gaierror(rc);
    else
        result = addrinfo_list(res);

done:
    if (res != NULL)
        freeaddrinfo(res);
    Py_XDECREF(host_keep);
    Py_XDECREF(serv_keep);
    return result;
}

/* CPython 2.7 names the fourth argument socktype; Python 3 names it type,
 * and its standard library (asyncio, for one) passes it as type=.  Both
 * spellings are accepted: when kwargs has "type", *renamed gets a copy of
 * kwargs (new ref) with that entry under "socktype", else NULL.  0, or -1
 * with TypeError set when the socket type is given twice. */
static int
rename_type_keyword(PyObject *args, PyObject *kwargs, PyObject **renamed)
{
    PyObject *value;
    PyObject *copy;

    *renamed = NULL;
    if (kwargs == NULL)
        return 0;
    value = PyDict_GetItemString(kwargs, "type");       /* borrowed */
    if (value == NULL)
        return 0;
    if (PyTuple_GET_SIZE(args) > 3) {
        PyErr_SetString(PyExc_TypeError, "argument for getaddrinfo() given "
                        "by name ('type') and position (4)");
        return -1;
    }
    if (PyDict_GetItemString(kwargs, "socktype") != NULL) {
        PyErr_SetString(PyExc_TypeError, "getaddrinfo() got the socket "
                        "type twice, as 'type' and as 'socktype'");
        return -1;
    }
    copy = PyDict_Copy(kwargs);
    if (copy == NULL)
        return -1;
    if (PyDict_SetItemString(copy, "socktype", value) < 0
        || PyDict_DelItemString(copy, "type") < 0) {
        Py_DECREF(copy);
        return -1;
    }
    *renamed = copy;
    return 0;
}

/* getaddrinfo(*args, **kwargs) through the interpreter's parser. */
static PyObject *
getaddrinfo_tuple(PyObject *self, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"host", "port", "family", "socktype", "proto",
                             "flags", NULL};
    PyObject *renamed;
    PyObject *host;             /* borrowed from args or the keywords */
    PyObject *port;
    PyObject *result = NULL;
    struct addrinfo hints;

    (void)self;
    memset(&hints, 0, sizeof(hints));
    if (rename_type_keyword(args, kwargs, &renamed) < 0)
        return NULL;
    if (PyArg_ParseTupleAndKeywords(args, renamed ? renamed : kwargs,
                                    "OO|iiii:getaddrinfo", kwlist, &host,
                                    &port, &hints.ai_family,
                                    &hints.ai_socktype, &hints.ai_protocol,
                                    &hints.ai_flags))
        result = run_getaddrinfo(host, port, &hints);
    Py_XDECREF(renamed);
    return result;
}

#if CS_HAVE_FASTCALL
/* An int argument as the "i" format converts it: 0, or -1 with TypeError
 * or OverflowError set. */
static int
int_arg(PyObject *obj, int *out)
{
    PyObject *index = NULL;
    long value;

    if (!PyLong_Check(obj)) {
        index = PyNumber_Index(obj);
        if (index == NULL)
            return -1;
        obj = index;
    }
    value = PyLong_AsLong(obj);
    Py_XDECREF(index);
    if (value == -1 && PyErr_Occurred())
        return -1;
    if (value < INT_MIN || value > INT_MAX) {
        PyErr_SetString(PyExc_OverflowError, value < 0
                        ? "signed integer is less than minimum"
                        : "signed integer is greater than maximum");
        return -1;
    }
    *out = (int)value;
    return 0;
}

/* The 3.x entry point: positional calls (the usual ones) take the
 * arguments straight from the caller's array; keyword calls go through
 * the interpreter's parser. */
PyObject *
addrinfo_getaddrinfo(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                     PyObject *kwnames)
{
    struct addrinfo hints;
    int *fields[4];
    Py_ssize_t i;

    memset(&hints, 0, sizeof(hints));
    if (kwnames == NULL && nargs >= 2 && nargs <= 6) {
        fields[0] = &hints.ai_family;
        fields[1] = &hints.ai_socktype;
        fields[2] = &hints.ai_protocol;
        fields[3] = &hints.ai_flags;
        for (i = 2; i < nargs; i++)
            if (int_arg(args[i], fields[i - 2]) < 0)
                return NULL;
        return run_getaddrinfo(args[0], args[1], &hints);
    }
    else {
        PyObject *tuple;
        PyObject *dict;
        PyObject *result;

        if (cs_call_args(args, nargs, kwnames, &tuple, &dict) < 0)
            return NULL;
        result = getaddrinfo_tuple(self, tuple, dict);
        Py_XDECREF(dict);
        Py_DECREF(tuple);
        return result;
    }
}
#else
/* 2.7: the arguments come as a tuple and a dict already. */
PyObject *
addrinfo_getaddrinfo(PyObject *self, CS_POSKW_PARAMS)
{
    return getaddrinfo_tuple(self, CS_FWD_ARGS, CS_KW);
}
#endif

/* ---- getnameinfo -------------------------------------------------------- */

PyObject *
addrinfo_getnameinfo(PyObject *self, PyObject *args)
{
    PyObject *sa;
    PyObject *host_keep = NULL;
    PyObject *host;
    PyObject *serv;
    PyObject *result;
    const char *name;
    unsigned long port;
    unsigned long flowinfo = 0;
    unsigned long scope_id = 0;
    Py_ssize_t n;
    int flags;
    int rc;
    struct addrinfo hints;
    struct addrinfo *res = NULL;
    sock_addr_t addr;
    socklen_t addrlen;
    char hbuf[NI_MAXHOST];
    char sbuf[NI_MAXSERV];

    (void)self;
    if (!PyArg_ParseTuple(args, "Oi:getnameinfo", &sa, &flags))
        return NULL;
    if (!PyTuple_Check(sa)) {
        PyErr_SetString(PyExc_TypeError,
                        "getnameinfo() argument 1 must be a tuple");
        return NULL;
    }
    n = PyTuple_GET_SIZE(sa);
    if (n < 2 || n > 4) {
        PyErr_SetString(PyExc_TypeError,
                        "getnameinfo(): illegal sockaddr argument");
        return NULL;
    }
    rc = netarg_uint(PyTuple_GET_ITEM(sa, 1), 65535, &port);
    if (rc > 0)
        PyErr_SetString(PyExc_OverflowError,
                        "getnameinfo(): port must be 0-65535.");
    if (rc == 0 && n > 2) {
        rc = netarg_uint(PyTuple_GET_ITEM(sa, 2), 0xfffff, &flowinfo);
        if (rc > 0)
            PyErr_SetString(PyExc_OverflowError,
                            "getnameinfo(): flowinfo must be 0-1048575.");
    }
    if (rc == 0 && n > 3) {
        rc = netarg_uint(PyTuple_GET_ITEM(sa, 3), 0xffffffffUL, &scope_id);
        if (rc > 0)
            PyErr_SetString(PyExc_OverflowError,
                            "getnameinfo(): scope_id must be 0-4294967295.");
    }
    if (rc != 0)
        return NULL;
    name = netarg_host_chars(PyTuple_GET_ITEM(sa, 0), &host_keep,
                             "getnameinfo");
    if (name == NULL)
        return NULL;
    if (cs_audit("socket.getnameinfo", "(O)", sa) < 0) {
        Py_XDECREF(host_keep);
        return NULL;
    }

    /* As in CPython 2.7 the host may be a name, but it must stand for a
     * single address. */
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    Py_BEGIN_ALLOW_THREADS
    rc = getaddrinfo(name, NULL, &hints, &res);
    Py_END_ALLOW_THREADS
    Py_XDECREF(host_keep);
    if (rc != 0)
        return sockerr_gaierror(rc);
    if (res->ai_next != NULL) {
        freeaddrinfo(res);
        PyErr_SetString(sockerr_error,
                        "sockaddr resolved to multiple addresses");
        return NULL;
    }
    if (res->ai_addrlen > sizeof(addr)) {
        freeaddrinfo(res);
        return sockerr_code(EAFNOSUPPORT);
    }
    memset(&addr, 0, sizeof(addr));
    memcpy(&addr, res->ai_addr, res->ai_addrlen);
    addrlen = res->ai_addrlen;
    freeaddrinfo(res);

    switch (addr.sa.sa_family) {
    case AF_INET:
        if (n != 2) {
            PyErr_SetString(sockerr_error, "IPv4 sockaddr must be 2 tuple");
            return NULL;
        }
        addr.in4.sin_port = htons((uint16_t)port);
        break;
    case AF_INET6:
        addr.in6.sin6_port = htons((uint16_t)port);
        addr.in6.sin6_flowinfo = htonl((uint32_t)flowinfo);
        if (n > 3)
            addr.in6.sin6_scope_id = (uint32_t)scope_id;
        break;
    default:
        return sockerr_code(EAFNOSUPPORT);
    }

    Py_BEGIN_ALLOW_THREADS
    rc = getnameinfo(&addr.sa, addrlen, hbuf, sizeof(hbuf), sbuf,
                     sizeof(sbuf), flags);
    Py_END_ALLOW_THREADS
    if (rc != 0)
        return sockerr_gaierror(rc);
    host = cs_native_str(hbuf);
    serv = host ? cs_native_str(sbuf) : NULL;
    result = serv ? PyTuple_Pack(2, host, serv) : NULL;
    Py_XDECREF(host);
    Py_XDECREF(serv);
    return result;
}

/* ---- the table ---------------------------------------------------------- */

const char addrinfo_getaddrinfo_doc[] =
"getaddrinfo(host, port[, family[, socktype[, proto[, flags]]]])\n\
    -> list of (family, socktype, proto, canonname, sockaddr)\n\n\
Resolve host and port into addrinfo structs.  host and port may be None.\n\
The socket type may also be given as the keyword type (Python 3's name).";

const char addrinfo_getnameinfo_doc[] =
"getnameinfo(sockaddr, flags) -> (host, port)\n\n\
Get host and port for a sockaddr.";

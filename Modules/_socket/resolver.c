/* resolver.c - the host, service and protocol databases of _socket:
 * gethostbyname(_ex), gethostbyaddr, gethostname, getservbyname,
 * getservbyport and getprotobyname.  (getaddrinfo and getnameinfo live in
 * addrinfo.c.)
 *
 * Every lookup that may read a file or ask the network runs with the GIL
 * released and is thread-safe: the C library's interfaces are called
 * through their reentrant *_r forms with a buffer owned by the call
 * (CPython's getservbyname/getservbyport are not).  Errors follow CPython
 * 2.7: herror(h_errno, hstrerror) from the gethostby* lookups, and
 * error(message) for unknown protocols and services. */
#include "resolver.h"     /* first: Python.h sets the feature macros */

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <unistd.h>

#include "netarg.h"
#include "sockaddr.h"
#include "sockerr.h"

/* ---- gethostbyname, gethostbyname_ex, gethostbyaddr --------------------- */

/* Resolves the host argument `obj` into *addr, once the audit event
 * socket.<caller> (obj,) has passed; the address length or -1. */
static int
resolve_arg(PyObject *obj, int family, sock_addr_t *addr, const char *caller,
            const char *event)
{
    PyObject *keep = NULL;
    const char *name = netarg_host_chars(obj, &keep, caller);
    int len;

    if (name == NULL)
        return -1;
    if (cs_audit(event, "O", obj) < 0) {
        Py_XDECREF(keep);
        return -1;
    }
    len = sockaddr_resolve_host(name, family, addr);
    Py_XDECREF(keep);
    return len;
}

PyObject *
resolver_gethostbyname(PyObject *self, PyObject *arg)
{
    sock_addr_t addr;
    char text[INET_ADDRSTRLEN];

    (void)self;
    if (resolve_arg(arg, AF_INET, &addr, "gethostbyname",
                    "socket.gethostbyname") < 0)
        return NULL;
    if (inet_ntop(AF_INET, &addr.in4.sin_addr, text, sizeof(text)) == NULL)
        return sockerr_errno();
    return cs_native_str(text);
}

/* What a reentrant gethostby*_r call needs; filled with the GIL held, run
 * without it. */
struct hostent_ctx {
    const char *name;           /* by name when not NULL, else by address */
    const void *addr;
    socklen_t addrlen;
    int family;
    struct hostent entry;
    struct hostent *result;
    int h_error;
};

static int
hostent_lookup(struct hostent_ctx *ctx, char *buf, size_t size)
{
    if (ctx->name != NULL)
        return gethostbyname_r(ctx->name, &ctx->entry, buf, size,
                               &ctx->result, &ctx->h_error);
    return gethostbyaddr_r(ctx->addr, ctx->addrlen, ctx->family,
                           &ctx->entry, buf, size, &ctx->result,
                           &ctx->h_error);
}

/* Appends the native str of text to list; 0 or -1. */
static int
append_str(PyObject *list, const char *text)
{
    PyObject *item = cs_native_str(text);
    int rc = item != NULL ? PyList_Append(list, item) : -1;

    Py_XDECREF(item);
    return rc;
}

static PyObject *
address_list(char **list, int family)
{
    PyObject *result = PyList_New(0);
    char text[INET6_ADDRSTRLEN];

    if (result == NULL)
        return NULL;
    for (; list != NULL && *list != NULL; list++) {
        if (inet_ntop(family, *list, text, sizeof(text)) == NULL) {
            Py_DECREF(result);
            return sockerr_errno();
        }
        if (append_str(result, text) < 0) {
            Py_DECREF(result);
            return NULL;
        }
    }
    return result;
}

static PyObject *
name_list(char **list)
{
    PyObject *result = PyList_New(0);

    if (result == NULL)
        return NULL;
    for (; list != NULL && *list != NULL; list++) {
        if (append_str(result, *list) < 0) {
            Py_DECREF(result);
            return NULL;
        }
    }
    return result;
}

/* (hostname, aliaslist, ipaddrlist) from ctx->result. */
static PyObject *
hostent_tuple(const struct hostent *he)
{
    PyObject *name = cs_native_str(he->h_name ? he->h_name : "");
    PyObject *aliases = name ? name_list(he->h_aliases) : NULL;
    PyObject *addrs = aliases ? address_list(he->h_addr_list,
                                             he->h_addrtype) : NULL;
    PyObject *result = addrs ? PyTuple_Pack(3, name, aliases, addrs) : NULL;

    Py_XDECREF(name);
    Py_XDECREF(aliases);
    Py_XDECREF(addrs);
    return result;
}

static PyObject *
run_hostent(struct hostent_ctx *ctx)
{
    size_t size = 1024;
    char *buf = NULL;
    PyObject *result = NULL;
    int rc;

    for (;;) {
        char *grown = PyMem_Realloc(buf, size);

        if (grown == NULL) {
            PyMem_Free(buf);
            return PyErr_NoMemory();
        }
        buf = grown;
        Py_BEGIN_ALLOW_THREADS
        rc = hostent_lookup(ctx, buf, size);
        Py_END_ALLOW_THREADS
        if (rc != ERANGE || size >= (1u << 20))
            break;
        size *= 2;
    }
    if (ctx->result != NULL)
        result = hostent_tuple(ctx->result);
    else if (rc == ERANGE)
        sockerr_code(rc);
    else
        sockerr_herror(ctx->h_error);
    PyMem_Free(buf);
    return result;
}

PyObject *
resolver_gethostbyname_ex(PyObject *self, PyObject *arg)
{
    struct hostent_ctx ctx;
    sock_addr_t addr;
    PyObject *keep = NULL;
    PyObject *result;

    (void)self;
    memset(&ctx, 0, sizeof(ctx));
    ctx.name = netarg_host_chars(arg, &keep, "gethostbyname_ex");
    if (ctx.name == NULL)
        return NULL;
    /* 3.x raises gethostbyname's event here too */
    if (cs_audit("socket.gethostbyname", "O", arg) < 0) {
        Py_XDECREF(keep);
        return NULL;
    }
    /* As CPython does: a name that getaddrinfo cannot resolve to an IPv4
     * address raises gaierror before the hostent lookup. */
    if (sockaddr_resolve_host(ctx.name, AF_INET, &addr) < 0) {
        Py_XDECREF(keep);
        return NULL;
    }
    result = run_hostent(&ctx);
    Py_XDECREF(keep);
    return result;
}

PyObject *
resolver_gethostbyaddr(PyObject *self, PyObject *arg)
{
    struct hostent_ctx ctx;
    sock_addr_t addr;

    (void)self;
    memset(&ctx, 0, sizeof(ctx));
    if (resolve_arg(arg, AF_UNSPEC, &addr, "gethostbyaddr",
                    "socket.gethostbyaddr") < 0)
        return NULL;
    ctx.family = addr.sa.sa_family;
    if (ctx.family == AF_INET6) {
        ctx.addr = &addr.in6.sin6_addr;
        ctx.addrlen = sizeof(addr.in6.sin6_addr);
    }
    else {
        ctx.addr = &addr.in4.sin_addr;
        ctx.addrlen = sizeof(addr.in4.sin_addr);
    }
    return run_hostent(&ctx);
}

PyObject *
resolver_gethostname(PyObject *self, PyObject *unused)
{
    char buf[1024];
    int rc;

    (void)self;
    (void)unused;
    if (cs_audit("socket.gethostname", NULL) < 0)
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    rc = gethostname(buf, sizeof(buf) - 1);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return sockerr_errno();
    buf[sizeof(buf) - 1] = '\0';
    return cs_fs_str_and_size(buf, (Py_ssize_t)strlen(buf));
}

/* ---- getprotobyname, getservbyname, getservbyport ----------------------- */

struct servent_ctx {
    const char *name;           /* by name when not NULL, else by port */
    int port;                   /* network byte order */
    const char *proto;
    struct servent entry;
    struct servent *result;
};

struct protoent_ctx {
    const char *name;
    struct protoent entry;
    struct protoent *result;
};

static int
servent_lookup(struct servent_ctx *ctx, char *buf, size_t size)
{
    if (ctx->name != NULL)
        return getservbyname_r(ctx->name, ctx->proto, &ctx->entry, buf,
                               size, &ctx->result);
    return getservbyport_r(ctx->port, ctx->proto, &ctx->entry, buf, size,
                           &ctx->result);
}

/* Runs the lookup with a growing buffer and returns the answer (new ref):
 * the port (int) when looking up by name, the service name (str) when
 * looking up by port; NULL with error(message) when there is none. */
static PyObject *
run_servent(struct servent_ctx *ctx, const char *message)
{
    char stack[1024];
    char *heap = NULL;
    char *buf = stack;
    size_t size = sizeof(stack);
    PyObject *result;
    int rc;

    for (;;) {
        Py_BEGIN_ALLOW_THREADS
        rc = servent_lookup(ctx, buf, size);
        Py_END_ALLOW_THREADS
        if (rc != ERANGE || size >= (1u << 20))
            break;
        size *= 2;
        PyMem_Free(heap);
        heap = buf = PyMem_Malloc(size);
        if (heap == NULL)
            return PyErr_NoMemory();
    }
    if (ctx->result == NULL) {
        PyErr_SetString(sockerr_error, message);
        result = NULL;
    }
    else if (ctx->name != NULL)
        result = cs_int_from_long(ntohs((uint16_t)ctx->result->s_port));
    else
        result = cs_native_str(ctx->result->s_name);
    PyMem_Free(heap);           /* ctx->result pointed into buf */
    return result;
}

PyObject *
resolver_getservbyname(PyObject *self, PyObject *args)
{
    struct servent_ctx ctx;

    (void)self;
    memset(&ctx, 0, sizeof(ctx));
    if (!PyArg_ParseTuple(args, "s|s:getservbyname", &ctx.name, &ctx.proto)
        || cs_audit("socket.getservbyname", "sz", ctx.name, ctx.proto) < 0)
        return NULL;
    return run_servent(&ctx, "service/proto not found");
}

PyObject *
resolver_getservbyport(PyObject *self, PyObject *args)
{
    struct servent_ctx ctx;
    PyObject *port;
    unsigned long value;
    int rc;

    (void)self;
    memset(&ctx, 0, sizeof(ctx));
    if (!PyArg_ParseTuple(args, "O|s:getservbyport", &port, &ctx.proto))
        return NULL;
    rc = netarg_uint(port, 65535, &value);
    if (rc > 0)
        PyErr_SetString(PyExc_OverflowError,
                        "getservbyport: port must be 0-65535.");
    if (rc != 0
        || cs_audit("socket.getservbyport", "iz", (int)value, ctx.proto) < 0)
        return NULL;
    ctx.port = htons((uint16_t)value);
    return run_servent(&ctx, "port/proto not found");
}

PyObject *
resolver_getprotobyname(PyObject *self, PyObject *args)
{
    struct protoent_ctx ctx;
    char stack[1024];
    char *heap = NULL;
    char *buf = stack;
    size_t size = sizeof(stack);
    PyObject *result;
    int rc;

    (void)self;
    memset(&ctx, 0, sizeof(ctx));
    if (!PyArg_ParseTuple(args, "s:getprotobyname", &ctx.name))
        return NULL;
    for (;;) {
        Py_BEGIN_ALLOW_THREADS
        rc = getprotobyname_r(ctx.name, &ctx.entry, buf, size, &ctx.result);
        Py_END_ALLOW_THREADS
        if (rc != ERANGE || size >= (1u << 20))
            break;
        size *= 2;
        PyMem_Free(heap);
        heap = buf = PyMem_Malloc(size);
        if (heap == NULL)
            return PyErr_NoMemory();
    }
    if (ctx.result == NULL) {
        PyErr_SetString(sockerr_error, "protocol not found");
        result = NULL;
    }
    else
        result = cs_int_from_long(ctx.result->p_proto);
    PyMem_Free(heap);
    return result;
}
/* ---- the table ---------------------------------------------------------- */

const char resolver_gethostbyname_doc[] =
"gethostbyname(host) -> address\n\n\
Return the IP address (a string of the form '255.255.255.255') for a host.";

const char resolver_gethostbyname_ex_doc[] =
"gethostbyname_ex(host) -> (name, aliaslist, addresslist)\n\n\
Return the true host name, a list of aliases, and a list of IP addresses,\n\
for a host.  The host argument is a string giving a host name or IP number.";

const char resolver_gethostbyaddr_doc[] =
"gethostbyaddr(host) -> (name, aliaslist, addresslist)\n\n\
Return the true host name, a list of aliases, and a list of IP addresses,\n\
for a host.  The host argument is a string giving a host name or IP number.";

const char resolver_gethostname_doc[] =
"gethostname() -> string\n\n\
Return the current host name.";

const char resolver_getservbyname_doc[] =
"getservbyname(servicename[, protocolname]) -> integer\n\n\
Return a port number from a service name and protocol name.\n\
The optional protocol name, if given, should be 'tcp' or 'udp',\n\
otherwise any protocol will match.";

const char resolver_getservbyport_doc[] =
"getservbyport(port[, protocolname]) -> string\n\n\
Return the service name from a port number and protocol name.\n\
The optional protocol name, if given, should be 'tcp' or 'udp',\n\
otherwise any protocol will match.";

const char resolver_getprotobyname_doc[] =
"getprotobyname(name) -> integer\n\n\
Return the protocol number for the named protocol.  (Rarely used.)";

/* sockobject.c - the socket type of _socket, as CPython 2.7's
 * `_socket.socket`: creation, addresses (bind, connect, accept, names),
 * blocking mode and timeouts, close and dup; plus the module functions
 * fromfd, socketpair and get/setdefaulttimeout.  The send/recv family lives
 * in sockio.c, socket options in sockopt.c.
 *
 * The fd is O_NONBLOCK exactly when the timeout is >= 0 (non-blocking or
 * timeout mode); sockcall.c does the waiting.  The constructor parses the
 * usual call socket(family, type[, proto]) with sockobject_fast_params(),
 * whose rule sockwrap.c's header gives with the socket objects' fast
 * constructor, which shares it. */
#include "sockobject_int.h"     /* first: Python.h sets the feature macros */

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include "structmember.h"

#include "fdutil.h"
#include "sockaddr.h"
#include "sockcall.h"
#include "sockerr.h"
#include "sockio.h"
#include "sockmsg.h"
#include "sockopt.h"

/* Default timeout for new sockets, set by setdefaulttimeout(). */
static cs_timeout_t default_timeout = -1;

/* Timeouts are kept in nanoseconds on 3.x; beyond this many seconds
 * (about 292 years) they would not fit into an int64. */
#define TIMEOUT_MAX_SECONDS 9.2e9

/* ---- helpers -------------------------------------------------------------- */

static void
init_fields(sockobject *s, int fd, int family, int type, int proto,
            cs_timeout_t timeout)
{
    s->sock_fd = fd;
    s->sock_family = family;
    s->sock_type = type;
    s->sock_proto = proto;
    s->errorhandler = sockerr_errno;
    s->sock_timeout = timeout;
}

/* A new base-type socket object owning fd, whose blocking mode already
 * matches timeout (new ref); closes fd on failure. */
static PyObject *
new_sock(int fd, int family, int type, int proto, cs_timeout_t timeout)
{
    sockobject *s;

    s = (sockobject *)PyType_GenericAlloc(&sockobject_type, 0);
    if (s == NULL) {
        fdutil_close(fd);
        return NULL;
    }
    init_fields(s, fd, family, type, proto, timeout);
    return (PyObject *)s;
}

/* A new socket object owning fd (new ref); on failure the fd is closed and
 * NULL returned with an exception set. */
static PyObject *
from_fd(int fd, int family, int type, int proto)
{
    if (default_timeout >= 0) {
        int err = fdutil_set_nonblock(fd, 1);

        if (err < 0) {
            fdutil_close(fd);
            return sockerr_code(-err);
        }
    }
    return new_sock(fd, family, type, proto, default_timeout);
}

PyObject *
sockobject_create(int family, int type, int proto)
{
    int fd = fdutil_socket(family, type, proto, default_timeout >= 0);

    if (fd < 0)
        return sockerr_code(-fd);
    return new_sock(fd, family, type, proto, default_timeout);
}

/* None -> -1 (blocking), else a number of seconds >= 0; 0 or -1 with
 * TypeError/ValueError/OverflowError set. */
static int
parse_timeout(PyObject *arg, cs_timeout_t *out)
{
    double secs;

    if (arg == Py_None) {
        *out = cs_timeout_from_seconds(-1.0);
        return 0;
    }
    secs = PyFloat_AsDouble(arg);
    if (secs == -1.0 && PyErr_Occurred())
        return -1;
    if (isnan(secs)) {
        PyErr_SetString(PyExc_ValueError, "Invalid value NaN (not a number)");
        return -1;
    }
    if (secs < 0) {
        PyErr_SetString(PyExc_ValueError, "Timeout value out of range");
        return -1;
    }
    if (secs > TIMEOUT_MAX_SECONDS) {
        PyErr_SetString(PyExc_OverflowError, "timeout value is too large");
        return -1;
    }
    *out = cs_timeout_from_seconds(secs);
    return 0;
}

static PyObject *
timeout_as_object(cs_timeout_t t)
{
    if (t < 0)
        Py_RETURN_NONE;
    return PyFloat_FromDouble(cs_timeout_to_seconds(t));
}

/* Sets the timeout and the fd's O_NONBLOCK to match; 0 or -1.  A closed
 * socket only records the value, as CPython 2.7 does. */
static int
apply_timeout(sockobject *s, cs_timeout_t timeout)
{
    if (s->sock_fd != -1) {
        int err = fdutil_set_nonblock(s->sock_fd, timeout >= 0);

        if (err < 0) {
            sockerr_code(-err);
            return -1;
        }
    }
    s->sock_timeout = timeout;
    return 0;
}

/* The address argument of bind/connect/connect_ex: (address,) or the 1998
 * form (host, port).  Raises the audit event `event` (sock, address) once
 * the address is valid, as 3.x does.  0, or -1 with an exception set. */
static int
parse_address(sockobject *s, PyObject *const *argv, Py_ssize_t nargs,
              sock_addr_t *addr, socklen_t *len, const char *caller,
              const char *event)
{
    PyObject *args;
    PyObject *owned = NULL;
    PyObject *obj;
    int rc;

    if (nargs == 1) {   /* the usual form, straight from the arguments */
        if (sockaddr_parse(s->sock_family, argv[0], addr, len, caller) < 0)
            return -1;
        return cs_audit(event, "OO", (PyObject *)s, argv[0]);
    }
    args = cs_tuple_from_array(argv, nargs);
    if (args == NULL)
        return -1;
    obj = sockaddr_from_args(args, &owned, caller);
    rc = obj == NULL ? -1
                     : sockaddr_parse(s->sock_family, obj, addr, len, caller);
    if (rc == 0)
        rc = cs_audit(event, "OO", (PyObject *)s, obj);
    Py_XDECREF(owned);
    Py_DECREF(args);
    return rc;
}

/* ---- creation and destruction --------------------------------------------- */

int
sockobject_fast_params(PyObject *const *argv, Py_ssize_t nargs,
                       int params[3])
{
    int value[3] = {AF_INET, SOCK_STREAM, 0};
    Py_ssize_t i;

    if (nargs > 3)
        return 0;
    for (i = 0; i < nargs; i++) {
        if (!cs_fast_int(argv[i], &value[i]))
            return 0;
#if CS_PY3
        /* Python 3's socket() takes -1 for "the default" (or, with a
         * fileno, "ask the descriptor": never on this path) */
        if (value[i] == -1)
            value[i] = i == 0 ? AF_INET : i == 1 ? SOCK_STREAM : 0;
#endif
    }
    params[0] = value[0];
    params[1] = value[1];
    params[2] = value[2];
    return 1;
}

static PyObject *
sock_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    sockobject *s = (sockobject *)type->tp_alloc(type, 0);

    (void)args;
    (void)kwds;
    if (s != NULL)
        init_fields(s, -1, 0, 0, 0, cs_timeout_from_seconds(-1.0));
    return (PyObject *)s;
}

#if CS_PY3
/* Python 3's socket(family=-1, type=-1, proto=-1, fileno=None): with a
 * fileno, the object takes that descriptor over, and a parameter left at
 * -1 is read from it (SO_DOMAIN, SO_TYPE, SO_PROTOCOL); without one, -1
 * stands for AF_INET, SOCK_STREAM and 0.  Sets *fd (the descriptor, or -1
 * when a new socket is to be made) and params[]; raises the audit event
 * socket.__new__.  0, or -1 with an exception set. */
static int
parse_init_py3(PyObject *self, PyObject *args, PyObject *kwds, int params[3],
               int *fd)
{
    static char *keywords[] = {"family", "type", "proto", "fileno", NULL};
    static const int defaults[3] = {AF_INET, SOCK_STREAM, 0};
    static const int options[3] = {SO_DOMAIN, SO_TYPE, SO_PROTOCOL};
    PyObject *fileno = Py_None;
    int given[3] = {-1, -1, -1};
    Py_ssize_t nargs = PyTuple_GET_SIZE(args);
    long value;
    int i;

    params[0] = params[1] = params[2] = -1;
    *fd = -1;
    /* socket.socket.__init__ passes all four, fileno=None as a rule: that
     * call takes the fast path too (the general parser costs more than
     * the rest of socket()) */
    if (nargs == 4 && PyTuple_GET_ITEM(args, 3) == Py_None)
        nargs = 3;
    if (cs_no_keywords_dict(kwds)
        && sockobject_fast_params(&PyTuple_GET_ITEM(args, 0), nargs,
                                  params)) {
        /* that parser put in the defaults; the event shows what was
         * passed (ints, as it checked) */
        for (i = 0; i < nargs; i++)
            (void)cs_fast_int(PyTuple_GET_ITEM(args, i), &given[i]);
    }
    else if (PyArg_ParseTupleAndKeywords(args, kwds, "|iiiO:socket",
                                         keywords, &params[0], &params[1],
                                         &params[2], &fileno))
        memcpy(given, params, sizeof(given));
    else
        return -1;
    /* the arguments as given, before any check or default, as 3.x does */
    if (cs_audit("socket.__new__", "Oiii", self, given[0], given[1],
                 given[2]) < 0)
        return -1;
    if (fileno == Py_None) {
        for (i = 0; i < 3; i++) {
            if (params[i] == -1)
                params[i] = defaults[i];
        }
        return 0;
    }
    /* a float is refused, as Python 3 refuses it (its messages) */
    if (PyFloat_Check(fileno)) {
        PyErr_SetString(PyExc_TypeError,
                        "integer argument expected, got float");
        return -1;
    }
    if (!PyLong_Check(fileno)) {
        PyErr_Format(PyExc_TypeError,
                     "an integer is required (got type %.200s)",
                     Py_TYPE(fileno)->tp_name);
        return -1;
    }
    value = PyLong_AsLong(fileno);
    if (value == -1 && PyErr_Occurred())
        return -1;
    if (value < 0) {
        PyErr_SetString(PyExc_ValueError, "negative file descriptor");
        return -1;
    }
    if (value > INT_MAX) {
        PyErr_SetString(PyExc_OverflowError, "file descriptor out of range");
        return -1;
    }
    for (i = 0; i < 3; i++) {
        int got;
        socklen_t len = sizeof(got);

        if (params[i] != -1)
            continue;
        if (getsockopt((int)value, SOL_SOCKET, options[i], &got, &len) < 0) {
            sockerr_code(errno);
            return -1;
        }
        params[i] = got;
    }
    *fd = (int)value;
    return 0;
}
#endif

static int
sock_initobj(PyObject *self, PyObject *args, PyObject *kwds)
{
    sockobject *s = (sockobject *)self;
    int params[3] = {AF_INET, SOCK_STREAM, 0};
    int family;
    int type;
    int proto;
    int fd = -1;
    int old;
    cs_timeout_t timeout = default_timeout;

#if CS_PY3
    if (parse_init_py3(self, args, kwds, params, &fd) < 0)
        return -1;
#else
    static char *keywords[] = {"family", "type", "proto", NULL};

    if (!(cs_no_keywords_dict(kwds)
          && sockobject_fast_params(&PyTuple_GET_ITEM(args, 0),
                                    PyTuple_GET_SIZE(args), params))
        && !PyArg_ParseTupleAndKeywords(args, kwds, "|iii:socket", keywords,
                                        &params[0], &params[1], &params[2]))
        return -1;
#endif
    family = params[0];
    type = params[1];
    proto = params[2];
#if CS_PY3
    /* Python 3 keeps the type without SOCK_NONBLOCK and SOCK_CLOEXEC (its
     * descriptors are close-on-exec anyway), and SOCK_NONBLOCK makes the
     * socket non-blocking: timeout 0.0. */
    timeout = (type & SOCK_NONBLOCK) ? 0 : default_timeout;
    type &= ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
#endif
    if (fd != -1) {
        /* a descriptor handed over: it takes the default timeout's mode */
        int err = fdutil_set_nonblock(fd, timeout >= 0);

        if (err < 0) {
            sockerr_code(-err);
            return -1;
        }
    }
    else {
        fd = fdutil_socket(family, type, proto, timeout >= 0);
    }
    if (fd < 0) {
        sockerr_code(-fd);
        return -1;
    }
    /* __init__ may run again on a live object: the new socket replaces
     * the old one, which is closed rather than leaked. */
    old = s->sock_fd;
    init_fields(s, fd, family, type, proto, timeout);
    if (old != -1)
        sockcall_close(old);
    return 0;
}

static void
sock_dealloc(PyObject *self)
{
    sockobject *s = (sockobject *)self;

    if (((sockobject_instance *)self)->weakreflist != NULL)
        PyObject_ClearWeakRefs(self);
    sockaddr_clear_caches(&((sockobject_instance *)self)->sendto_cache,
                          &((sockobject_instance *)self)->recvfrom_cache);
    if (s->sock_fd != -1) {
        int fd = s->sock_fd;

        s->sock_fd = -1;
        sockcall_close(fd);
    }
    Py_TYPE(self)->tp_free(self);
}

#if CS_PY3
/* Python 3's sockets warn (ResourceWarning) when collected open, and
 * close.  Here only the objects of subclasses, socket.socket's, do: the C
 * type's own are the 2.x layer's `_sock`, which closes silently as 2.x
 * does (sock_dealloc).  socket.socket needs no __del__ for the warning,
 * and a finalizer in C costs nothing to a socket that was closed. */
static void
sock_finalize(PyObject *self)
{
    sockobject *s = (sockobject *)self;
    PyObject *type;
    PyObject *value;
    PyObject *tb;
    int fd;

    if (s->sock_fd == -1 || Py_TYPE(self) == &sockobject_type)
        return;
    PyErr_Fetch(&type, &value, &tb);
    if (PyErr_ResourceWarning(self, 1, "unclosed %R", self) < 0) {
        /* -W error: reported as the interpreter's socket reports it;
         * anything else (an interpreter shutting down) is dropped */
        if (PyErr_ExceptionMatches(PyExc_Warning))
            PyErr_WriteUnraisable(self);
        PyErr_Clear();
    }
    fd = s->sock_fd;
    if (fd != -1) {     /* the warning's repr() ran Python code */
        s->sock_fd = -1;
        sockcall_close(fd);
    }
    PyErr_Restore(type, value, tb);
}
#endif

static PyObject *
sock_repr(PyObject *self)
{
    sockobject *s = (sockobject *)self;
    char text[128];

    snprintf(text, sizeof(text),
#if CS_PY3
             "<socket object, fd=%d, family=%d, type=%d, proto=%d>",
#else
             "<socket object, fd=%d, family=%d, type=%d, protocol=%d>",
#endif
             s->sock_fd, s->sock_family, s->sock_type, s->sock_proto);
    return cs_native_str(text);
}

/* ---- close, dup, fileno --------------------------------------------------- */

const char sockobject_close_doc[] =
"close()\n\
\n\
Close the socket.  It cannot be used after this call.";

PyObject *
sockobject_close(PyObject *self, PyObject *unused)
{
    sockobject *s = (sockobject *)self;
    int fd = s->sock_fd;

    (void)unused;
    if (fd != -1) {
        s->sock_fd = -1;
#if CS_PY3
        /* Python 3 reports a failed close(2) (EBADF: the descriptor was
         * closed behind the object's back), except ECONNRESET; 2.7 ignores
         * every error. */
        {
            int err;

            Py_BEGIN_ALLOW_THREADS
            err = fdutil_close(fd);
            Py_END_ALLOW_THREADS
            if (err < 0 && err != -ECONNRESET)
                return sockerr_code(-err);
        }
#else
        sockcall_close(fd);
#endif
    }
    Py_RETURN_NONE;
}

const char sockobject_dup_doc[] =
"dup() -> socket object\n\
\n\
Return a new socket object connected to the same system resource.";

PyObject *
sockobject_dup(PyObject *self, PyObject *unused)
{
    sockobject *s = (sockobject *)self;
    int fd = fdutil_dup_cloexec(s->sock_fd);

    (void)unused;
    if (fd < 0)
        return sockerr_code(-fd);
    /* the copy shares the open file and so its O_NONBLOCK: same timeout */
    return new_sock(fd, s->sock_family, s->sock_type, s->sock_proto,
                    s->sock_timeout);
}

const char sockobject_fileno_doc[] =
"fileno() -> integer\n\
\n\
Return the integer file descriptor of the socket (-1 once closed).";

PyObject *
sockobject_fileno(PyObject *self, PyObject *unused)
{
    (void)unused;
    return cs_int_from_long(((sockobject *)self)->sock_fd);
}

#if CS_PY3
/* Python 3's detach(): the object lets go of its descriptor. */
static const char sockobject_detach_doc[] =
"detach() -> file descriptor\n\
\n\
Close the socket object without closing its descriptor, and return the\n\
descriptor (-1 if already closed).";

static PyObject *
sockobject_detach(PyObject *self, PyObject *unused)
{
    sockobject *s = (sockobject *)self;
    int fd = s->sock_fd;

    (void)unused;
    s->sock_fd = -1;
    return cs_int_from_long(fd);
}

#define SOCKOBJECT_DETACH_METHODDEF \
    {"detach", sockobject_detach, METH_NOARGS, sockobject_detach_doc},
#endif

#if CS_PY3
/* A descriptor argument of close(fd)/dup(fd): 0, or -1 with an exception
 * set. */
static int
fd_arg(PyObject *arg, int *fd)
{
    long value = PyLong_AsLong(arg);

    if (value == -1 && PyErr_Occurred())
        return -1;
    /* a negative one goes to the system call, which says EBADF */
    if (value < INT_MIN || value > INT_MAX) {
        PyErr_SetString(PyExc_OverflowError, "file descriptor out of range");
        return -1;
    }
    *fd = (int)value;
    return 0;
}

const char sockobject_close_fd_doc[] =
"close(integer)\n\
\n\
Close a socket's file descriptor.";

PyObject *
sockobject_close_fd(PyObject *self, PyObject *arg)
{
    int fd;
    int err;

    (void)self;
    if (fd_arg(arg, &fd) < 0)
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    err = fdutil_close(fd);
    Py_END_ALLOW_THREADS
    /* a reset connection's descriptor is closed all the same (Python 3
     * ignores it too) */
    if (err < 0 && err != -ECONNRESET)
        return sockerr_code(-err);
    Py_RETURN_NONE;
}

const char sockobject_dup_fd_doc[] =
"dup(integer) -> integer\n\
\n\
Duplicate a socket's file descriptor; the copy is not inheritable.";

PyObject *
sockobject_dup_fd(PyObject *self, PyObject *arg)
{
    int fd;
    int copy;

    (void)self;
    if (fd_arg(arg, &fd) < 0)
        return NULL;
    copy = fdutil_dup_cloexec(fd);
    if (copy < 0)
        return sockerr_code(-copy);
    return cs_int_from_long(copy);
}
#endif

/* ---- addresses ------------------------------------------------------------ */

struct accept_ctx {
    sock_addr_t addr;
    socklen_t len;
    int nonblock;       /* the new fd's mode, from the default timeout */
    int fd;             /* the result */
};

static int
accept_impl(sockobject *s, void *data)
{
    struct accept_ctx *ctx = data;
    int fd;

    ctx->len = sizeof(ctx->addr);
    fd = fdutil_accept(s->sock_fd, &ctx->addr.sa, &ctx->len, ctx->nonblock);
    if (fd < 0)
        return fd;
    ctx->fd = fd;
    return 0;
}

#if CS_PY3
/* Python 3's _accept(): the new descriptor, for the Python layer's socket
 * class to wrap. */
static const char sockobject_accept_fd_doc[] =
"_accept() -> (integer, address info)\n\
\n\
Wait for an incoming connection.  Return the new connection's file\n\
descriptor (close-on-exec, blocking) and the address of the client.";

static PyObject *
sockobject_accept_fd(PyObject *self, PyObject *unused)
{
    sockobject *s = (sockobject *)self;
    struct accept_ctx ctx;
    PyObject *addr;
    PyObject *fd;
    PyObject *result;

    (void)unused;
    memset(&ctx.addr, 0, sizeof(ctx.addr));
    ctx.nonblock = 0;
    ctx.fd = -1;
    if (sockcall_run(s, SOCK_WANT_READ, accept_impl, &ctx) < 0)
        return NULL;
    if (ctx.len > sizeof(ctx.addr))
        ctx.len = sizeof(ctx.addr);
    addr = sockaddr_build(&ctx.addr.sa, ctx.len);
    fd = addr == NULL ? NULL : cs_int_from_long(ctx.fd);
    if (fd == NULL) {
        Py_XDECREF(addr);
        fdutil_close(ctx.fd);
        return NULL;
    }
    result = PyTuple_Pack(2, fd, addr);
    Py_DECREF(fd);
    Py_DECREF(addr);
    if (result == NULL)
        fdutil_close(ctx.fd);
    return result;
}

#define SOCKOBJECT_ACCEPT_FD_METHODDEF \
    {"_accept", sockobject_accept_fd, METH_NOARGS, sockobject_accept_fd_doc},
#endif

const char sockobject_accept_doc[] =
"accept() -> (socket object, address info)\n\
\n\
Wait for an incoming connection.  Return a new socket representing the\n\
connection, and the address of the client.  For IP sockets, the address\n\
info is a pair (hostaddr, port).";

PyObject *
sockobject_accept(PyObject *self, PyObject *unused)
{
    sockobject *s = (sockobject *)self;
    struct accept_ctx ctx;
    PyObject *conn;
    PyObject *addr;
    PyObject *result;

    (void)unused;
    memset(&ctx.addr, 0, sizeof(ctx.addr));
    ctx.nonblock = default_timeout >= 0;
    ctx.fd = -1;
    if (sockcall_run(s, SOCK_WANT_READ, accept_impl, &ctx) < 0)
        return NULL;
    /* as CPython 2.7: the new socket gets the default timeout */
    conn = new_sock(ctx.fd, s->sock_family, s->sock_type, s->sock_proto,
                    default_timeout);
    if (conn == NULL)
        return NULL;
    if (ctx.len > sizeof(ctx.addr))
        ctx.len = sizeof(ctx.addr);
    addr = sockaddr_build(&ctx.addr.sa, ctx.len);
    if (addr == NULL) {
        Py_DECREF(conn);        /* closes the new fd */
        return NULL;
    }
    result = PyTuple_Pack(2, conn, addr);
    Py_DECREF(conn);
    Py_DECREF(addr);
    return result;
}

const char sockobject_bind_doc[] =
"bind(address)\n\
\n\
Bind the socket to a local address.  For IP sockets, the address is a\n\
pair (host, port); the host must refer to the local host.  The 1998 form\n\
bind(host, port) is accepted too.";

PyObject *
sockobject_bind(PyObject *self, CS_POS_PARAMS)
{
    sockobject *s = (sockobject *)self;
    sock_addr_t addr;
    socklen_t len;

    if (parse_address(s, CS_POS_ARGV, CS_POS_NARGS, &addr, &len,
                      "bind", "socket.bind") < 0)
        return NULL;
    if (bind(s->sock_fd, &addr.sa, len) < 0)
        return sockerr_errno();
    Py_RETURN_NONE;
}

const char sockobject_connect_doc[] =
"connect(address)\n\
\n\
Connect the socket to a remote address.  For IP sockets, the address\n\
is a pair (host, port).  The 1998 form connect(host, port) is accepted\n\
too.";

PyObject *
sockobject_connect(PyObject *self, CS_POS_PARAMS)
{
    sockobject *s = (sockobject *)self;
    sock_addr_t addr;
    socklen_t len;

    if (parse_address(s, CS_POS_ARGV, CS_POS_NARGS, &addr, &len,
                      "connect", "socket.connect") < 0)
        return NULL;
    if (sockcall_connect(s, &addr.sa, len, 1) < 0)
        return NULL;
    Py_RETURN_NONE;
}

const char sockobject_connect_ex_doc[] =
"connect_ex(address) -> errno\n\
\n\
This is like connect(address), but returns an error code (the errno value)\n\
instead of raising an exception when an error occurs.";

PyObject *
sockobject_connect_ex(PyObject *self, CS_POS_PARAMS)
{
    sockobject *s = (sockobject *)self;
    sock_addr_t addr;
    socklen_t len;
    int rc;

    if (parse_address(s, CS_POS_ARGV, CS_POS_NARGS, &addr, &len,
                      "connect_ex", "socket.connect") < 0)
        return NULL;
    rc = sockcall_connect(s, &addr.sa, len, 0);
    if (rc < 0)
        return NULL;
    return cs_int_from_long(rc);
}

/* getsockname/getpeername */
static PyObject *
own_or_peer_name(sockobject *s, int peer)
{
    sock_addr_t addr;
    socklen_t len = sizeof(addr);
    int rc;

    memset(&addr, 0, sizeof(addr));
    if (peer)
        rc = getpeername(s->sock_fd, &addr.sa, &len);
    else
        rc = getsockname(s->sock_fd, &addr.sa, &len);
    if (rc < 0)
        return sockerr_errno();
    if (len > sizeof(addr))
        len = sizeof(addr);     /* the kernel reports the full length */
    return sockaddr_build(&addr.sa, len);
}

const char sockobject_getsockname_doc[] =
"getsockname() -> address info\n\
\n\
Return the address of the local endpoint.  For IP sockets, the address\n\
info is a pair (hostaddr, port).";

PyObject *
sockobject_getsockname(PyObject *self, PyObject *unused)
{
    (void)unused;
    return own_or_peer_name((sockobject *)self, 0);
}

const char sockobject_getpeername_doc[] =
"getpeername() -> address info\n\
\n\
Return the address of the remote endpoint.  For IP sockets, the address\n\
info is a pair (hostaddr, port).";

PyObject *
sockobject_getpeername(PyObject *self, PyObject *unused)
{
    (void)unused;
    return own_or_peer_name((sockobject *)self, 1);
}

const char sockobject_listen_doc[] =
"listen(backlog)\n\
\n\
Enable a server to accept connections.  The backlog argument is the\n\
number of unaccepted connections the system allows before refusing new\n\
ones; a negative value counts as 0.";

PyObject *
sockobject_listen(PyObject *self, PyObject *arg)
{
    sockobject *s = (sockobject *)self;
    int backlog;

    if (!PyArg_Parse(arg, "i:listen", &backlog))
        return NULL;
    if (backlog < 0)
        backlog = 0;
    if (listen(s->sock_fd, backlog) < 0)
        return sockerr_errno();
    Py_RETURN_NONE;
}

const char sockobject_shutdown_doc[] =
"shutdown(flag)\n\
\n\
Shut down the reading side of the socket (flag == SHUT_RD), the writing\n\
side of the socket (flag == SHUT_WR), or both ends (flag == SHUT_RDWR).";

PyObject *
sockobject_shutdown(PyObject *self, PyObject *arg)
{
    sockobject *s = (sockobject *)self;
    int how;

    if (!PyArg_Parse(arg, "i:shutdown", &how))
        return NULL;
    if (shutdown(s->sock_fd, how) < 0)
        return sockerr_errno();
    Py_RETURN_NONE;
}

/* ---- blocking mode and timeouts ------------------------------------------- */

const char sockobject_setblocking_doc[] =
"setblocking(flag)\n\
\n\
Set the socket to blocking (flag is true) or non-blocking (false).\n\
setblocking(True) is equivalent to settimeout(None);\n\
setblocking(False) is equivalent to settimeout(0.0).";

PyObject *
sockobject_setblocking(PyObject *self, PyObject *arg)
{
    long block = PyLong_AsLong(arg);

    if (block == -1 && PyErr_Occurred())
        return NULL;
    if (apply_timeout((sockobject *)self,
                      cs_timeout_from_seconds(block ? -1.0 : 0.0)) < 0)
        return NULL;
    Py_RETURN_NONE;
}

const char sockobject_settimeout_doc[] =
"settimeout(timeout)\n\
\n\
Set a timeout on socket operations.  'timeout' can be a float,\n\
giving in seconds, or None.  Setting a timeout of None disables\n\
the timeout feature and is equivalent to setblocking(1).\n\
Setting a timeout of zero is the same as setblocking(0).";

PyObject *
sockobject_settimeout(PyObject *self, PyObject *arg)
{
    cs_timeout_t timeout;

    if (parse_timeout(arg, &timeout) < 0
        || apply_timeout((sockobject *)self, timeout) < 0)
        return NULL;
    Py_RETURN_NONE;
}

const char sockobject_gettimeout_doc[] =
"gettimeout() -> timeout\n\
\n\
Returns the timeout in seconds (float) associated with socket\n\
operations.  A timeout of None indicates that timeouts on socket\n\
operations are disabled.";

PyObject *
sockobject_gettimeout(PyObject *self, PyObject *unused)
{
    (void)unused;
    return timeout_as_object(((sockobject *)self)->sock_timeout);
}

/* `timeout` as CPython 2.7's member: a float, -1.0 when blocking */
static PyObject *
sock_get_timeout_member(PyObject *self, void *closure)
{
    (void)closure;
    return PyFloat_FromDouble(
        cs_timeout_to_seconds(((sockobject *)self)->sock_timeout));
}

/* ---- the type ------------------------------------------------------------- */

static PyMethodDef sock_methods[] = {
    SOCKOBJECT_ACCEPT_METHODDEF
    SOCKOBJECT_BIND_METHODDEF
    SOCKOBJECT_CLOSE_METHODDEF
    SOCKOBJECT_CONNECT_METHODDEF
    SOCKOBJECT_CONNECT_EX_METHODDEF
    SOCKOBJECT_DUP_METHODDEF
    SOCKOBJECT_FILENO_METHODDEF
    SOCKOBJECT_GETPEERNAME_METHODDEF
    SOCKOBJECT_GETSOCKNAME_METHODDEF
    SOCKOPT_GETSOCKOPT_METHODDEF
    SOCKOBJECT_GETTIMEOUT_METHODDEF
    SOCKOBJECT_LISTEN_METHODDEF
    SOCKIO_RECV_METHODDEF
    SOCKIO_RECV_INTO_METHODDEF
    SOCKIO_RECVFROM_METHODDEF
    SOCKIO_RECVFROM_INTO_METHODDEF
    SOCKIO_SEND_METHODDEF
    SOCKIO_SENDALL_METHODDEF
    SOCKIO_SENDTO_METHODDEF
    SOCKOBJECT_SETBLOCKING_METHODDEF
    SOCKOPT_SETSOCKOPT_METHODDEF
    SOCKOBJECT_SETTIMEOUT_METHODDEF
    SOCKOBJECT_SHUTDOWN_METHODDEF
#if CS_PY3
    SOCKOBJECT_ACCEPT_FD_METHODDEF
    SOCKOBJECT_DETACH_METHODDEF
    SOCKMSG_SENDMSG_METHODDEF
    SOCKMSG_SENDMSG_AFALG_METHODDEF
    SOCKMSG_RECVMSG_METHODDEF
    SOCKMSG_RECVMSG_INTO_METHODDEF
#endif
    {NULL, NULL, 0, NULL}
};

static PyMemberDef sock_members[] = {
    {"family", T_INT, offsetof(sockobject, sock_family), READONLY,
     "the socket family"},
    {"type", T_INT, offsetof(sockobject, sock_type), READONLY,
     "the socket type"},
    {"proto", T_INT, offsetof(sockobject, sock_proto), READONLY,
     "the socket protocol"},
    {NULL, 0, 0, 0, NULL}
};

static PyGetSetDef sock_getset[] = {
    {"timeout", sock_get_timeout_member, NULL,
     "the socket timeout in seconds, -1.0 when blocking", NULL},
    {NULL, NULL, NULL, NULL, NULL}
};

PyDoc_STRVAR(sock_doc,
"socket([family[, type[, proto]]]) -> socket object\n\
\n\
Open a socket of the given type.  The family argument specifies the\n\
address family; it defaults to AF_INET.  The type argument specifies\n\
whether this is a stream (SOCK_STREAM, this is the default)\n\
or datagram (SOCK_DGRAM) socket.  The protocol argument defaults to 0,\n\
specifying the default protocol.  Keyword arguments are accepted.\n\
\n\
A socket object represents one endpoint of a network connection.\n\
\n\
Methods of socket objects (keyword arguments not allowed):\n\
\n\
accept() -- accept a connection, returning new socket and client address\n\
bind(addr) -- bind the socket to a local address\n\
close() -- close the socket\n\
connect(addr) -- connect the socket to a remote address\n\
connect_ex(addr) -- connect, return an error code instead of an exception\n\
dup() -- return a new socket object identical to the current one\n\
fileno() -- return underlying file descriptor\n\
getpeername() -- return remote address\n\
getsockname() -- return local address\n\
getsockopt(level, optname[, buflen]) -- get socket options\n\
gettimeout() -- return timeout or None\n\
listen(n) -- start listening for incoming connections\n\
recv(buflen[, flags]) -- receive data\n\
recv_into(buffer[, nbytes[, flags]]) -- receive data (into a buffer)\n\
recvfrom(buflen[, flags]) -- receive data and sender's address\n\
recvfrom_into(buffer[, nbytes, [, flags])\n\
  -- receive data and sender's address (into a buffer)\n\
sendall(data[, flags]) -- send all data\n\
send(data[, flags]) -- send data, may not send all of it\n\
sendto(data[, flags], addr) -- send data to a given address\n\
setblocking(0 | 1) -- set or clear the blocking I/O flag\n\
setsockopt(level, optname, value) -- set socket options\n\
settimeout(None | float) -- set or clear the timeout\n\
shutdown(how) -- shut down traffic in one or both directions");

PyTypeObject sockobject_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "_socket.socket",
    .tp_basicsize = sizeof(sockobject_instance),
    .tp_dealloc = sock_dealloc,
    .tp_repr = sock_repr,
    .tp_flags = Py_TPFLAGS_CS_DEFAULT | Py_TPFLAGS_BASETYPE
                | CS_TPFLAGS_METHOD_CACHE,
    .tp_doc = sock_doc,
    .tp_weaklistoffset = offsetof(sockobject_instance, weakreflist),
    .tp_methods = sock_methods,
    .tp_members = sock_members,
    .tp_getset = sock_getset,
    .tp_init = sock_initobj,
    .tp_new = sock_new,
    CS_TP_FINALIZE(sock_finalize)
};

int
sockobject_add_to_module(PyObject *module)
{
    PyObject *type = (PyObject *)&sockobject_type;    /* static, immortal */

    if (PyType_Ready(&sockobject_type) < 0
        || PyModule_AddObjectRef(module, "socket", type) < 0
        || PyModule_AddObjectRef(module, "SocketType", type) < 0)
        return -1;
    return 0;
}

/* ---- module functions ----------------------------------------------------- */

const char sockobject_fromfd_doc[] =
"fromfd(fd, family, type[, proto]) -> socket object\n\
\n\
Create a socket object from a duplicate of the given file\n\
descriptor.  The remaining arguments are the same as for socket().";

PyObject *
sockobject_fromfd(PyObject *self, PyObject *args)
{
    int fd;
    int family;
    int type;
    int proto = 0;
    int copy;

    (void)self;
    if (!PyArg_ParseTuple(args, "iii|i:fromfd", &fd, &family, &type, &proto))
        return NULL;
    copy = fdutil_dup_cloexec(fd);
    if (copy < 0)
        return sockerr_code(-copy);
    return from_fd(copy, family, type, proto);
}

const char sockobject_socketpair_doc[] =
"socketpair([family[, type[, proto]]]) -> (socket object, socket object)\n\
\n\
Create a pair of socket objects from the sockets returned by the platform\n\
socketpair() function.  The arguments are the same as for socket() except\n\
the default family is AF_UNIX.";

PyObject *
sockobject_socketpair(PyObject *self, PyObject *args)
{
    int family = AF_UNIX;
    int type = SOCK_STREAM;
    int proto = 0;
    int sv[2];
    int err;
    PyObject *a;
    PyObject *b;
    PyObject *result;

    (void)self;
    if (!PyArg_ParseTuple(args, "|iii:socketpair", &family, &type, &proto))
        return NULL;
    err = fdutil_socketpair(family, type, proto, default_timeout >= 0,
                            sv);
    if (err < 0)
        return sockerr_code(-err);
    a = new_sock(sv[0], family, type, proto, default_timeout);
    if (a == NULL) {
        fdutil_close(sv[1]);
        return NULL;
    }
    b = new_sock(sv[1], family, type, proto, default_timeout);
    if (b == NULL) {
        Py_DECREF(a);
        return NULL;
    }
    result = PyTuple_Pack(2, a, b);
    Py_DECREF(a);
    Py_DECREF(b);
    return result;
}

const char sockobject_getdefaulttimeout_doc[] =
"getdefaulttimeout() -> timeout\n\
\n\
Returns the default timeout in seconds (float) for new socket objects.\n\
A value of None indicates that new socket objects have no timeout.\n\
When the socket module is first imported, the default is None.";

PyObject *
sockobject_getdefaulttimeout(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return timeout_as_object(default_timeout);
}

const char sockobject_setdefaulttimeout_doc[] =
"setdefaulttimeout(timeout)\n\
\n\
Set the default timeout in seconds (float) for new socket objects.\n\
A value of None indicates that new socket objects have no timeout.\n\
When the socket module is first imported, the default is None.";

PyObject *
sockobject_setdefaulttimeout(PyObject *self, PyObject *arg)
{
    cs_timeout_t timeout;

    (void)self;
    if (parse_timeout(arg, &timeout) < 0)
        return NULL;
    default_timeout = timeout;
    Py_RETURN_NONE;
}

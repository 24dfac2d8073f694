/* sockio.c - the send/recv family of socket methods: recv, recv_into,
 * recvfrom, recvfrom_into, send, sendall and sendto.  Each parses its
 * arguments, makes its call through sockcall_run() (or first with the GIL
 * held: the rule is in sockcall.h) and builds the result.  The file object
 * (sockfile.c) receives and sends its buffers through the same two paths,
 * sockio_recv_buffer() and sockio_sendall_buffer(). */
#include "sockio.h"       /* first: Python.h sets the feature macros */

#include <errno.h>
#include <sys/socket.h>

#include "sockaddr.h"
#include "sockcall.h"
#include "sockerr.h"
#include "sockobject_int.h"

/* The socket type without Linux's SOCK_NONBLOCK / SOCK_CLOEXEC bits. */
#define SOCK_TYPE_BITS 0xf

/* ---- the calls (no GIL, no Python objects) -------------------------------- */

/* The calls' ctx structs (sockcall.h): recv(2) and send(2) with ctx->flags,
 * recvfrom/sendto with an address too. */
struct recv_ctx {
    char *buf;
    size_t len;
    int flags;
    sock_addr_t *addr;      /* recvfrom: the sender's address goes here */
    socklen_t addrlen;
    ssize_t result;
};

struct send_ctx {
    const char *buf;
    size_t len;
    int flags;
    const sock_addr_t *addr;    /* sendto: the destination, else NULL */
    socklen_t addrlen;
    ssize_t result;
};

static int
recv_impl(sockobject *s, void *data)
{
    struct recv_ctx *ctx = data;
    ssize_t n = recv(s->sock_fd, ctx->buf, ctx->len, ctx->flags);

    if (n < 0)
        return -errno;
    ctx->result = n;
    return 0;
}

static int
recvfrom_impl(sockobject *s, void *data)
{
    struct recv_ctx *ctx = data;
    ssize_t n;

    ctx->addrlen = sizeof(*ctx->addr);
    n = recvfrom(s->sock_fd, ctx->buf, ctx->len, ctx->flags,
                 &ctx->addr->sa, &ctx->addrlen);
    if (n < 0)
        return -errno;
    ctx->result = n;
    return 0;
}

static int
send_impl(sockobject *s, void *data)
{
    struct send_ctx *ctx = data;
    ssize_t n = send(s->sock_fd, ctx->buf, ctx->len, ctx->flags);

    if (n < 0)
        return -errno;
    ctx->result = n;
    return 0;
}

static int
sendto_impl(sockobject *s, void *data)
{
    struct send_ctx *ctx = data;
    ssize_t n = sendto(s->sock_fd, ctx->buf, ctx->len, ctx->flags,
                       &ctx->addr->sa, ctx->addrlen);

    if (n < 0)
        return -errno;
    ctx->result = n;
    return 0;
}

/* ---- trying first with the GIL held (the rule is in sockcall.h) --------- */

/* Families whose protocols honour MSG_DONTWAIT on every call. */
static int
dontwait_family(const sockobject *s)
{
    return s->sock_family == AF_INET || s->sock_family == AF_INET6
           || s->sock_family == AF_UNIX;
}

/* A blocking socket keeps trying its receives first while they find data;
 * after a refusal it skips the next `gap` tries, gap doubling with each
 * refusal up to RECV_GAP_MAX, so that a socket that usually waits pays for
 * one refused try in RECV_GAP_MAX + 1 receives. */
#define RECV_GAP_MAX 64

static int
may_try_recv(sockobject *s, Py_ssize_t len, int flags)
{
    sockobject_instance *inst = (sockobject_instance *)s;

    if (len > SOCKCALL_TRY_MAX || !dontwait_family(s))
        return 0;
    if (s->sock_timeout >= 0)
        return 1;   /* the call cannot block: nothing to lose */
    /* A stream receive with MSG_DONTWAIT may return fewer bytes than a
     * blocking one would wait for (MSG_WAITALL, SO_RCVLOWAT). */
    if ((s->sock_type & SOCK_TYPE_BITS) == SOCK_STREAM
        || (flags & MSG_WAITALL))
        return 0;
    if (inst->recv_skip > 0) {
        inst->recv_skip--;
        return 0;
    }
    return 1;
}

static void
note_recv_try(sockobject *s, int found_data)
{
    sockobject_instance *inst = (sockobject_instance *)s;

    if (s->sock_timeout >= 0)
        return;
    if (found_data)
        inst->recv_gap = 0;
    else {
        inst->recv_gap = inst->recv_gap == 0 ? 1
                       : inst->recv_gap >= RECV_GAP_MAX / 2 ? RECV_GAP_MAX
                       : (unsigned short)(inst->recv_gap * 2);
        inst->recv_skip = inst->recv_gap;
    }
}

/* Receives up to len bytes into buf; with addr, also the sender's address
 * (into *addr, its length into *addrlen).  The number of bytes, or -1 with
 * an exception set. */
static Py_ssize_t
receive(sockobject *s, char *buf, Py_ssize_t len, int flags,
        sock_addr_t *addr, socklen_t *addrlen)
{
    struct recv_ctx ctx;
    sockcall_fn fn = addr ? recvfrom_impl : recv_impl;
    int rc;

    ctx.buf = buf;
    ctx.len = (size_t)len;
    ctx.flags = flags;
    ctx.addr = addr;
    ctx.addrlen = 0;
    ctx.result = 0;
    /* *addr is not cleared: the kernel writes every byte of the length it
     * reports (up to the buffer's size), and no more is read. */
    if (may_try_recv(s, len, flags)) {
        ctx.flags = flags | MSG_DONTWAIT;
        rc = sockcall_try(s, fn, &ctx);
        ctx.flags = flags;
        if (rc >= 0)
            note_recv_try(s, rc);
        if (rc == 0)
            rc = sockcall_resume(s, SOCK_WANT_READ, fn, &ctx);
    }
    else
        rc = sockcall_run(s, SOCK_WANT_READ, fn, &ctx);
    if (rc < 0)
        return -1;
    if (addrlen != NULL) {
        /* the kernel reports the full length of a truncated address */
        *addrlen = ctx.addrlen < sizeof(*addr) ? ctx.addrlen
                                                : (socklen_t)sizeof(*addr);
    }
    return ctx.result;
}

Py_ssize_t
sockio_recv_buffer(sockobject *s, char *buf, Py_ssize_t len)
{
    return receive(s, buf, len, 0, NULL, NULL);
}

/* A new bytes object of up to n bytes received from s, or NULL. */
static PyObject *
receive_bytes(sockobject *s, Py_ssize_t n, int flags, sock_addr_t *addr,
              socklen_t *addrlen)
{
    PyObject *buf = PyBytes_FromStringAndSize(NULL, n);
    Py_ssize_t got;

    if (buf == NULL)
        return NULL;
    got = receive(s, PyBytes_AS_STRING(buf), n, flags, addr, addrlen);
    if (got < 0) {
        Py_DECREF(buf);
        return NULL;
    }
    /* MSG_TRUNC reports a datagram's full length: keep only what came */
    if (got > n)
        got = n;
    if (got != n && _PyBytes_Resize(&buf, got) < 0)
        return NULL;            /* _PyBytes_Resize released buf */
    return buf;
}

/* (first, address) from the sender address s received (steals first). */
static PyObject *
with_address(sockobject *s, PyObject *first, const sock_addr_t *addr,
             socklen_t addrlen)
{
    PyObject *addrobj;
    PyObject *result;

    if (first == NULL)
        return NULL;
    addrobj = sockaddr_build_cached(
        &((sockobject_instance *)s)->recvfrom_cache, &addr->sa, addrlen);
    result = addrobj ? PyTuple_New(2) : NULL;
    if (result == NULL) {
        Py_DECREF(first);
        Py_XDECREF(addrobj);
        return NULL;
    }
    PyTuple_SET_ITEM(result, 0, first);         /* stolen */
    PyTuple_SET_ITEM(result, 1, addrobj);       /* stolen */
    return result;
}

static int
negative_size(const char *caller)
{
    PyErr_Format(PyExc_ValueError, "negative buffersize in %s", caller);
    return -1;
}

/* The (buffersize[, flags]) arguments of recv and recvfrom; format is
 * "n|i:<caller>".  0 or -1. */
static int
parse_size_args(PyObject *const *argv, Py_ssize_t nargs, const char *format,
                const char *caller, Py_ssize_t *n, int *flags)
{
    if (!(nargs >= 1 && nargs <= 2 && cs_fast_ssize(argv[0], n)
          && (nargs == 1 || cs_fast_int(argv[1], flags)))
        && !cs_parse_array(argv, nargs, format, n, flags))
        return -1;
    if (*n < 0)
        return negative_size(caller);
    return 0;
}

/* The (data[, flags]) arguments of send and sendall; format is
 * CS_BUF "|i:<caller>".  Fills *view, to be released.  0 or -1. */
static int
parse_data_args(PyObject *const *argv, Py_ssize_t nargs, const char *format,
                Py_buffer *view, int *flags)
{
    if (nargs >= 1 && nargs <= 2 && cs_fast_data(argv[0], view)) {
        if (nargs == 1 || cs_fast_int(argv[1], flags))
            return 0;
        PyBuffer_Release(view);
    }
    return cs_parse_array(argv, nargs, format, view, flags) ? 0 : -1;
}

/* ---- receiving ------------------------------------------------------------ */

const char sockio_recv_doc[] =
"recv(buffersize[, flags]) -> data\n\
\n\
Receive up to buffersize bytes from the socket.  For the optional flags\n\
argument, see the Unix manual.  When no data is available, block until\n\
at least one byte is available or until the remote end is closed.  When\n\
the remote end is closed and all data is read, return the empty string.";

PyObject *
sockio_recv(PyObject *self, CS_POS_PARAMS)
{
    Py_ssize_t n;
    int flags = 0;

    if (parse_size_args(CS_POS_ARGV, CS_POS_NARGS, "n|i:recv", "recv", &n,
                        &flags) < 0)
        return NULL;
    return receive_bytes((sockobject *)self, n, flags, NULL, NULL);
}

const char sockio_recvfrom_doc[] =
"recvfrom(buffersize[, flags]) -> (data, address info)\n\
\n\
Like recv(buffersize, flags) but also return the sender's address info.";

PyObject *
sockio_recvfrom(PyObject *self, CS_POS_PARAMS)
{
    Py_ssize_t n;
    int flags = 0;
    sock_addr_t addr;
    socklen_t addrlen = 0;
    PyObject *data;

    if (parse_size_args(CS_POS_ARGV, CS_POS_NARGS, "n|i:recvfrom",
                        "recvfrom", &n, &flags) < 0)
        return NULL;
    data = receive_bytes((sockobject *)self, n, flags, &addr, &addrlen);
    return with_address((sockobject *)self, data, &addr, addrlen);
}

/* The (buffer, nbytes, flags) arguments of recv_into and recvfrom_into:
 * fills *view (to be released by the caller) and *n.  0 or -1. */
static int
parse_into_args(PyObject *const *argv, Py_ssize_t nargs, PyObject *kw,
                const char *format, const char *caller,
                const char *too_small, Py_buffer *view, Py_ssize_t *n,
                int *flags)
{
    static char *keywords[] = {"buffer", "nbytes", "flags", NULL};
    Py_ssize_t nbytes = 0;

    if (nargs >= 1 && nargs <= 3 && cs_no_keywords(kw)
        && cs_fast_writable(argv[0], view)) {
        if (!((nargs < 2 || cs_fast_ssize(argv[1], &nbytes))
              && (nargs < 3 || cs_fast_int(argv[2], flags)))) {
            PyBuffer_Release(view);
            nbytes = 0;
            if (!cs_parse_array(argv, nargs, format, view, &nbytes, flags))
                return -1;
        }
    }
    else if (!cs_parse_array_kw(argv, nargs, kw, format, keywords, view,
                                &nbytes, flags))
        return -1;
    if (nbytes < 0) {
        negative_size(caller);
        goto error;
    }
    if (nbytes == 0)
        nbytes = view->len;
    else if (nbytes > view->len) {
        PyErr_SetString(PyExc_ValueError, too_small);
        goto error;
    }
    *n = nbytes;
    return 0;

error:
    PyBuffer_Release(view);
    return -1;
}

const char sockio_recv_into_doc[] =
"recv_into(buffer, [nbytes[, flags]]) -> nbytes_read\n\
\n\
A version of recv() that stores its data into a buffer rather than\n\
creating a new string.  Receive up to nbytes bytes (or as many as fit\n\
into the buffer when nbytes is 0 or not given) and return the number\n\
of bytes received.";

PyObject *
sockio_recv_into(PyObject *self, CS_POSKW_PARAMS)
{
    Py_buffer view;
    Py_ssize_t n;
    Py_ssize_t got;
    int flags = 0;

    if (parse_into_args(CS_POS_ARGV, CS_POS_NARGS, CS_KW, "w*|ni:recv_into",
                        "recv_into",
                        "buffer too small for requested bytes", &view, &n,
                        &flags) < 0)
        return NULL;
    got = receive((sockobject *)self, view.buf, n, flags, NULL, NULL);
    PyBuffer_Release(&view);
    if (got < 0)
        return NULL;
    return cs_int_from_long((long)got);
}

const char sockio_recvfrom_into_doc[] =
"recvfrom_into(buffer[, nbytes[, flags]]) -> (nbytes, address info)\n\
\n\
Like recv_into(buffer[, nbytes[, flags]]) but also return the sender's\n\
address info.";

PyObject *
sockio_recvfrom_into(PyObject *self, CS_POSKW_PARAMS)
{
    Py_buffer view;
    Py_ssize_t n;
    Py_ssize_t got;
    int flags = 0;
    sock_addr_t addr;
    socklen_t addrlen = 0;

    if (parse_into_args(CS_POS_ARGV, CS_POS_NARGS, CS_KW,
                        "w*|ni:recvfrom_into", "recvfrom_into",
                        "nbytes is greater than the length of the buffer",
                        &view, &n, &flags) < 0)
        return NULL;
    got = receive((sockobject *)self, view.buf, n, flags, &addr, &addrlen);
    PyBuffer_Release(&view);
    if (got < 0)
        return NULL;
    return with_address((sockobject *)self, cs_int_from_long((long)got),
                        &addr, addrlen);
}

/* ---- sending -------------------------------------------------------------- */

/* Whether a send of len bytes on s may be tried first with the GIL held:
 * on a blocking socket only a small one, which seldom finds the buffer
 * full (a refused try costs a syscall). */
static int
may_try_send(const sockobject *s, Py_ssize_t len)
{
    return dontwait_family(s)
           && len <= (s->sock_timeout >= 0 ? SOCKCALL_TRY_MAX
                                           : SOCKCALL_TRY_SEND_MAX);
}

/* Sends from buf once (to addr if not NULL): the count sent, or -1.  A
 * send may be tried first without releasing the GIL (sockcall.h).  On a
 * blocking socket a send(2) returns only when all the data is queued,
 * unless a signal or an error cuts it short after some went out: a try
 * that sent part of the data goes on with the rest the same way. */
static Py_ssize_t
transmit(sockobject *s, const char *buf, Py_ssize_t len, int flags,
         const sock_addr_t *addr, socklen_t addrlen)
{
    struct send_ctx ctx;
    sockcall_fn fn = addr ? sendto_impl : send_impl;
    int rc;

    ctx.buf = buf;
    ctx.len = (size_t)len;
    ctx.flags = flags;
    ctx.addr = addr;
    ctx.addrlen = addrlen;
    ctx.result = 0;
    if (!may_try_send(s, len))
        return sockcall_run(s, SOCK_WANT_WRITE, fn, &ctx) < 0 ? -1
                                                               : ctx.result;
    ctx.flags = flags | MSG_DONTWAIT;
    rc = sockcall_try(s, fn, &ctx);
    ctx.flags = flags;
    if (rc < 0)
        return -1;
    if (rc == 0)
        return sockcall_resume(s, SOCK_WANT_WRITE, fn, &ctx) < 0 ? -1
                                                                  : ctx.result;
    if (ctx.result > 0 && ctx.result < len && s->sock_timeout < 0
        && !(flags & MSG_DONTWAIT)) {
        Py_ssize_t done = ctx.result;

        ctx.buf = buf + done;
        ctx.len = (size_t)(len - done);
        ctx.result = 0;
        /* an error here ends the send, as in the kernel: the bytes sent
         * are reported, and a persistent error comes back next time */
        if (sockcall_finish(s, SOCK_WANT_WRITE, fn, &ctx) == 0)
            done += ctx.result;
        return done;
    }
    return ctx.result;
}

const char sockio_send_doc[] =
"send(data[, flags]) -> count\n\
\n\
Send a data string to the socket.  For the optional flags\n\
argument, see the Unix manual.  Return the number of bytes\n\
sent; this may be less than len(data) if the network is busy.";

PyObject *
sockio_send(PyObject *self, CS_POS_PARAMS)
{
    Py_buffer view;
    int flags = 0;
    Py_ssize_t sent;

    if (parse_data_args(CS_POS_ARGV, CS_POS_NARGS, CS_BUF "|i:send", &view,
                        &flags) < 0)
        return NULL;
    sent = transmit((sockobject *)self, view.buf, view.len, flags, NULL, 0);
    PyBuffer_Release(&view);
    if (sent < 0)
        return NULL;
    return cs_int_from_long((long)sent);
}

/* Records on the exception being raised how much sendall() had sent
 * (attribute `sent`).  The exception itself is kept whatever happens. */
static void
note_sent(Py_ssize_t sent)
{
    PyObject *type;
    PyObject *value;
    PyObject *tb;
    PyObject *count;

    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    count = cs_int_from_long((long)sent);
    if (count == NULL || value == NULL
        || PyObject_SetAttrString(value, "sent", count) < 0)
        PyErr_Clear();  /* an exception without a __dict__ stays as it is */
    Py_XDECREF(count);
    PyErr_Restore(type, value, tb);
}

const char sockio_sendall_doc[] =
"sendall(data[, flags])\n\
\n\
Send a data string to the socket.  For the optional flags\n\
argument, see the Unix manual.  This calls send() repeatedly\n\
until all data is sent.  If an error occurs, the exception raised\n\
has an attribute `sent`: the number of bytes that were sent before.";

int
sockio_sendall_buffer(sockobject *s, const char *buf, Py_ssize_t len,
                      int flags, Py_ssize_t *sent)
{
    *sent = 0;
    do {
        Py_ssize_t n = transmit(s, buf + *sent, len - *sent, flags, NULL, 0);

        if (n < 0)
            return -1;
        *sent += n;
        /* A signal that arrived while send() was making progress did not
         * interrupt it: run the handlers before blocking again. */
        if (*sent < len && PyErr_CheckSignals() < 0)
            return -1;
    } while (*sent < len);
    return 0;
}

PyObject *
sockio_sendall(PyObject *self, CS_POS_PARAMS)
{
    Py_buffer view;
    int flags = 0;
    Py_ssize_t done;
    int rc;

    if (parse_data_args(CS_POS_ARGV, CS_POS_NARGS, CS_BUF "|i:sendall", &view,
                        &flags) < 0)
        return NULL;
    rc = sockio_sendall_buffer((sockobject *)self, view.buf, view.len, flags,
                               &done);
    if (rc < 0)
        note_sent(done);
    PyBuffer_Release(&view);
    if (rc < 0)
        return NULL;
    Py_RETURN_NONE;
}

const char sockio_sendto_doc[] =
"sendto(data[, flags], address) -> count\n\
\n\
Like send(data, flags) but allows specifying the destination address.\n\
For IP sockets, the address is a pair (hostaddr, port).";

/* The (data[, flags], address) arguments of sendto.  Fills *view, to be
 * released; *addrobj is borrowed.  0 or -1. */
static int
parse_sendto_args(PyObject *const *argv, Py_ssize_t nargs, Py_buffer *view,
                  int *flags, PyObject **addrobj)
{
    if (nargs != 2 && nargs != 3) {
        PyErr_Format(PyExc_TypeError,
                     "sendto() takes 2 or 3 arguments (%zd given)", nargs);
        return -1;
    }
    if (cs_fast_data(argv[0], view)) {
        if (nargs == 2 || cs_fast_int(argv[1], flags)) {
            *addrobj = argv[nargs - 1];
            return 0;
        }
        PyBuffer_Release(view);
    }
    if (nargs == 2)
        return cs_parse_array(argv, nargs, CS_BUF "O:sendto", view,
                              addrobj) ? 0 : -1;
    return cs_parse_array(argv, nargs, CS_BUF "iO:sendto", view, flags,
                          addrobj) ? 0 : -1;
}

PyObject *
sockio_sendto(PyObject *self, CS_POS_PARAMS)
{
    sockobject *s = (sockobject *)self;
    Py_buffer view;
    int flags = 0;
    PyObject *addrobj;
    sock_addr_t addr;
    socklen_t addrlen;
    Py_ssize_t sent;

    if (parse_sendto_args(CS_POS_ARGV, CS_POS_NARGS, &view, &flags,
                          &addrobj) < 0)
        return NULL;
    if (sockaddr_parse_cached(&((sockobject_instance *)s)->sendto_cache,
                              s->sock_family, addrobj, &addr, &addrlen,
                              "sendto") < 0
        || cs_audit("socket.sendto", "OO", self, addrobj) < 0) {
        PyBuffer_Release(&view);
        return NULL;
    }
    sent = transmit(s, view.buf, view.len, flags, &addr, addrlen);
    PyBuffer_Release(&view);
    if (sent < 0)
        return NULL;
    return cs_int_from_long((long)sent);
}

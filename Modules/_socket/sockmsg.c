/* sockmsg.c - sendmsg(), recvmsg(), recvmsg_into(), sendmsg_afalg() and
 * CMSG_LEN()/CMSG_SPACE(), Python 3 only (sockmsg.h).
 *
 * The data buffers and the ancillary items are held as Py_buffer views for
 * the length of the call; the call itself goes through sockcall_run() and
 * sees only the msghdr.  Ancillary data comes back as a list of
 * (level, type, bytes) tuples; an item cut short by a small ancillary
 * buffer (MSG_CTRUNC in the flags) gives the bytes that did arrive. */
#include "sockmsg.h"    /* first: Python.h sets the feature macros */

#if CS_PY3
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#ifdef SOCKMSG_HAVE_AFALG
#include <linux/if_alg.h>
#endif

#include "sockaddr.h"
#include "sockcall.h"

/* The largest CMSG_LEN()/CMSG_SPACE() result (and ancillary buffer) taken,
 * as in Python 3: what an int holds, so that the sizes fit msg_controllen
 * and cmsg_len on every platform. */
#define CMSG_RESULT_MAX ((size_t)INT_MAX)
#define CMSG_ARG_MAX (CMSG_RESULT_MAX - CMSG_SPACE(0))

struct msg_ctx {
    struct msghdr msg;
    socklen_t namelen;          /* the sizes to offer again on each try */
    size_t controllen;
    int flags;
    ssize_t result;
};

static int
sendmsg_impl(sockobject *s, void *data)
{
    struct msg_ctx *ctx = data;
    ssize_t n = sendmsg(s->sock_fd, &ctx->msg, ctx->flags);

    if (n < 0)
        return -errno;
    ctx->result = n;
    return 0;
}

static int
recvmsg_impl(sockobject *s, void *data)
{
    struct msg_ctx *ctx = data;
    ssize_t n;

    ctx->msg.msg_namelen = ctx->namelen;
    ctx->msg.msg_controllen = ctx->controllen;
    n = recvmsg(s->sock_fd, &ctx->msg, ctx->flags);
    if (n < 0)
        return -errno;
    ctx->result = n;
    return 0;
}

static void
release_views(Py_buffer *views, Py_ssize_t count)
{
    Py_ssize_t i;

    for (i = 0; i < count; i++)
        PyBuffer_Release(&views[i]);
    PyMem_Free(views);
}

/* Views of the buffers in the iterable obj (writable ones for receiving)
 * and the iovec array over them; *count of each.  0, or -1 with an
 * exception set and nothing held. */
static int
get_buffers(PyObject *obj, int writable, const char *message,
            Py_buffer **views_out, struct iovec **iov_out, Py_ssize_t *count)
{
    PyObject *seq = PySequence_Fast(obj, message);
    Py_buffer *views;
    struct iovec *iov;
    Py_ssize_t n, i;

    if (seq == NULL)
        return -1;
    n = PySequence_Fast_GET_SIZE(seq);
    views = PyMem_New(Py_buffer, n > 0 ? n : 1);
    iov = PyMem_New(struct iovec, n > 0 ? n : 1);
    if (views == NULL || iov == NULL) {
        PyMem_Free(views);
        PyMem_Free(iov);
        Py_DECREF(seq);
        PyErr_NoMemory();
        return -1;
    }
    for (i = 0; i < n; i++) {
        PyObject *item = PySequence_Fast_GET_ITEM(seq, i);

        if (PyObject_GetBuffer(item, &views[i], writable ? PyBUF_WRITABLE
                                                         : PyBUF_SIMPLE) < 0) {
            if (writable && PyErr_ExceptionMatches(PyExc_BufferError)) {
                PyErr_Clear();
                PyErr_SetString(PyExc_TypeError,
                                "recvmsg_into() argument 1 must be an "
                                "iterable of writable buffers");
            }
            release_views(views, i);
            PyMem_Free(iov);
            Py_DECREF(seq);
            return -1;
        }
        iov[i].iov_base = views[i].buf;
        iov[i].iov_len = (size_t)views[i].len;
    }
    Py_DECREF(seq);     /* the views hold their objects */
    *views_out = views;
    *iov_out = iov;
    *count = n;
    return 0;
}

/* The control buffer for sendmsg's ancillary items, an iterable of
 * (level, type, data) tuples: *control (PyMem, NULL when there are none)
 * and its size.  0, or -1 with an exception set. */
static int
build_control(PyObject *obj, void **control, size_t *size)
{
    PyObject *seq = PySequence_Fast(obj,
                                    "sendmsg() argument 2 must be an iterable");
    Py_ssize_t n, i;
    Py_buffer *views = NULL;
    int *kinds = NULL;          /* level, type of each item */
    size_t total = 0, offset = 0;
    char *buf = NULL;
    int rc = -1;

    *control = NULL;
    *size = 0;
    if (seq == NULL)
        return -1;
    n = PySequence_Fast_GET_SIZE(seq);
    if (n == 0) {
        Py_DECREF(seq);
        return 0;
    }
    views = PyMem_New(Py_buffer, n);
    kinds = PyMem_New(int, 2 * n);
    if (views == NULL || kinds == NULL) {
        PyErr_NoMemory();
        n = 0;
        goto done;
    }
    for (i = 0; i < n; i++) {
        PyObject *item = PySequence_Fast_GET_ITEM(seq, i);

        if (!PyTuple_Check(item)
            || !PyArg_ParseTuple(item, "iiy*:sendmsg() ancillary data item",
                                 &kinds[2 * i], &kinds[2 * i + 1],
                                 &views[i])) {
            if (!PyErr_Occurred() || PyErr_ExceptionMatches(PyExc_TypeError)) {
                PyErr_Clear();
                PyErr_SetString(PyExc_TypeError,
                                "sendmsg() ancillary data items must be "
                                "(level, type, data) tuples");
            }
            n = i;
            goto done;
        }
        if ((size_t)views[i].len > CMSG_ARG_MAX
            || CMSG_SPACE((size_t)views[i].len) > CMSG_RESULT_MAX
            || total > CMSG_RESULT_MAX - CMSG_SPACE((size_t)views[i].len)) {
            PyErr_SetString(PyExc_OverflowError,
                            "ancillary data does not fit in a message");
            n = i + 1;
            goto done;
        }
        total += CMSG_SPACE((size_t)views[i].len);
    }
    buf = PyMem_Calloc(1, total);
    if (buf == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (i = 0; i < n; i++) {
        struct cmsghdr *cm = (struct cmsghdr *)(void *)(buf + offset);

        cm->cmsg_level = kinds[2 * i];
        cm->cmsg_type = kinds[2 * i + 1];
        cm->cmsg_len = CMSG_LEN((size_t)views[i].len);
        memcpy(CMSG_DATA(cm), views[i].buf, (size_t)views[i].len);
        offset += CMSG_SPACE((size_t)views[i].len);
    }
    *control = buf;
    *size = total;
    rc = 0;
done:
    if (views != NULL)
        release_views(views, n);
    PyMem_Free(kinds);
    Py_DECREF(seq);
    return rc;
}

const char sockmsg_sendmsg_doc[] =
"sendmsg(buffers[, ancdata[, flags[, address]]]) -> count\n\
\n\
Send the data of the iterable of bytes-like buffers, and the ancillary\n\
data ancdata, an iterable of (level, type, data) tuples (e.g.\n\
(SOL_SOCKET, SCM_RIGHTS, array('i', fds))), as one message.  address is\n\
the destination of an unconnected socket.  Return the number of bytes of\n\
data sent.";

PyObject *
sockmsg_sendmsg(PyObject *self, PyObject *args)
{
    sockobject *s = (sockobject *)self;
    PyObject *buffers, *ancdata = NULL, *address = NULL;
    Py_buffer *views = NULL;
    Py_ssize_t count = 0;
    struct msg_ctx ctx;
    sock_addr_t addr;
    socklen_t addrlen = 0;
    void *control = NULL;
    size_t controllen = 0;
    PyObject *result = NULL;

    memset(&ctx, 0, sizeof(ctx));
    if (!PyArg_ParseTuple(args, "O|OiO:sendmsg", &buffers, &ancdata,
                          &ctx.flags, &address))
        return NULL;
    if (address != NULL && address != Py_None) {
        if (sockaddr_parse(s->sock_family, address, &addr, &addrlen,
                           "sendmsg") < 0)
            return NULL;
        ctx.msg.msg_name = &addr;
        ctx.msg.msg_namelen = addrlen;
    }
    /* the address as given: None when there is none */
    if (cs_audit("socket.sendmsg", "OO", self,
                 address != NULL ? address : Py_None) < 0)
        return NULL;
    if (get_buffers(buffers, 0, "sendmsg() argument 1 must be an iterable",
                    &views, (struct iovec **)&ctx.msg.msg_iov, &count) < 0)
        return NULL;
    ctx.msg.msg_iovlen = (size_t)count;
    if (ancdata != NULL && ancdata != Py_None
        && build_control(ancdata, &control, &controllen) < 0)
        goto done;
    ctx.msg.msg_control = control;
    ctx.msg.msg_controllen = controllen;
    if (sockcall_run(s, SOCK_WANT_WRITE, sendmsg_impl, &ctx) == 0)
        result = PyLong_FromSsize_t((Py_ssize_t)ctx.result);
done:
    PyMem_Free(control);
    PyMem_Free(ctx.msg.msg_iov);
    release_views(views, count);
    return result;
}

#ifdef SOCKMSG_HAVE_AFALG
/* The next ancillary item of an AF_ALG message, zeroed, with its header
 * filled; the caller sized the buffer for every item. */
static unsigned char *
alg_item(struct msghdr *msg, struct cmsghdr **cmsg, int type, size_t len)
{
    *cmsg = *cmsg == NULL ? CMSG_FIRSTHDR(msg) : CMSG_NXTHDR(msg, *cmsg);
    (*cmsg)->cmsg_level = SOL_ALG;
    (*cmsg)->cmsg_type = type;
    (*cmsg)->cmsg_len = CMSG_LEN(len);
    return CMSG_DATA(*cmsg);
}

/* A keyword-only int argument of sendmsg_afalg() in [0, INT_MAX]: 0 and
 * *out set, or -1 with the exception set.  `invalid` is the message of a
 * value out of range. */
static int
alg_int(PyObject *obj, const char *name, const char *invalid, int *out)
{
    int overflow;
    long v;

    if (!PyLong_Check(obj)) {
        PyErr_Format(PyExc_TypeError,
                     "sendmsg_afalg() argument '%s' must be int, not %.200s",
                     name, Py_TYPE(obj)->tp_name);
        return -1;
    }
    v = PyLong_AsLongAndOverflow(obj, &overflow);
    if (v == -1 && PyErr_Occurred())
        return -1;
    if (overflow > 0 || v > INT_MAX) {
        if (invalid != NULL)
            PyErr_SetString(PyExc_TypeError, invalid);
        else
            PyErr_SetString(PyExc_OverflowError,
                            "Python int too large to convert to C int");
        return -1;
    }
    if (overflow < 0 || v < 0) {
        PyErr_SetString(PyExc_TypeError, invalid != NULL ? invalid
                                         : "assoclen must be positive");
        return -1;
    }
    *out = (int)v;
    return 0;
}

const char sockmsg_sendmsg_afalg_doc[] =
"sendmsg_afalg([msg], *, op[, iv[, assoclen[, flags]]]) -> count\n\
\n\
Send the data of the iterable of bytes-like buffers msg on an AF_ALG\n\
operation socket (one accept()ed from a bound AF_ALG socket), with the\n\
operation op (ALG_OP_ENCRYPT, ALG_OP_DECRYPT, ...), the initialisation\n\
vector iv and the length of the associated data assoclen (AEAD ciphers)\n\
as ancillary data.  Return the number of bytes of data sent.";

PyObject *
sockmsg_sendmsg_afalg(PyObject *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"msg", "op", "iv", "assoclen", "flags", NULL};
    sockobject *s = (sockobject *)self;
    PyObject *msg = NULL, *op_obj = NULL, *assoclen_obj = NULL;
    Py_buffer iv;
    Py_buffer *views = NULL;
    Py_ssize_t count = 0;
    struct msg_ctx ctx;
    struct cmsghdr *cmsg = NULL;
    void *control = NULL;
    size_t controllen;
    int op, assoclen = -1;
    uint32_t word;
    PyObject *result = NULL;

    /* the family first, as Python 3 does: the items mean nothing elsewhere */
    if (s->sock_family != AF_ALG) {
        PyErr_SetString(PyExc_OSError,
                        "algset is only supported for AF_ALG");
        return NULL;
    }
    memset(&ctx, 0, sizeof(ctx));
    iv.buf = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|O$Oy*Oi:sendmsg_afalg",
                                     kwlist, &msg, &op_obj, &iv,
                                     &assoclen_obj, &ctx.flags))
        return NULL;
    if (op_obj == NULL) {
        PyErr_SetString(PyExc_TypeError, "Invalid or missing argument 'op'");
        goto done;
    }
    if (alg_int(op_obj, "op", "Invalid or missing argument 'op'", &op) < 0
        || (assoclen_obj != NULL
            && alg_int(assoclen_obj, "assoclen", NULL, &assoclen) < 0))
        goto done;
    /* struct af_alg_iv counts the vector's bytes in 32 bits */
    if (iv.buf != NULL && (size_t)iv.len > UINT32_MAX - sizeof(struct af_alg_iv)) {
        PyErr_SetString(PyExc_OverflowError, "iv is too long");
        goto done;
    }
    controllen = CMSG_SPACE(sizeof(uint32_t));
    if (iv.buf != NULL)
        controllen += CMSG_SPACE(sizeof(struct af_alg_iv) + (size_t)iv.len);
    if (assoclen >= 0)
        controllen += CMSG_SPACE(sizeof(uint32_t));
    control = PyMem_Calloc(1, controllen);
    if (control == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    ctx.msg.msg_control = control;
    ctx.msg.msg_controllen = controllen;
    word = (uint32_t)op;
    memcpy(alg_item(&ctx.msg, &cmsg, ALG_SET_OP, sizeof(word)), &word,
           sizeof(word));
    if (iv.buf != NULL) {
        struct af_alg_iv head;
        unsigned char *data = alg_item(&ctx.msg, &cmsg, ALG_SET_IV,
                                       sizeof(head) + (size_t)iv.len);

        head.ivlen = (uint32_t)iv.len;
        memcpy(data, &head, sizeof(head));
        memcpy(data + sizeof(head), iv.buf, (size_t)iv.len);
    }
    if (assoclen >= 0) {
        word = (uint32_t)assoclen;
        memcpy(alg_item(&ctx.msg, &cmsg, ALG_SET_AEAD_ASSOCLEN,
                        sizeof(word)), &word, sizeof(word));
    }
    if (msg != NULL) {
        if (get_buffers(msg, 0, "sendmsg() argument 1 must be an iterable",
                        &views, (struct iovec **)&ctx.msg.msg_iov,
                        &count) < 0)
            goto done;
        ctx.msg.msg_iovlen = (size_t)count;
    }
    if (sockcall_run(s, SOCK_WANT_WRITE, sendmsg_impl, &ctx) == 0)
        result = PyLong_FromSsize_t((Py_ssize_t)ctx.result);
done:
    PyMem_Free(control);
    PyMem_Free(ctx.msg.msg_iov);
    if (views != NULL)
        release_views(views, count);
    if (iv.buf != NULL)
        PyBuffer_Release(&iv);
    return result;
}
#endif

/* The ancillary data of a received message as a list of
 * (level, type, bytes) tuples (new ref). */
static PyObject *
build_ancdata(struct msghdr *msg)
{
    PyObject *list = PyList_New(0);
    struct cmsghdr *cm;
    char *end = (char *)msg->msg_control + msg->msg_controllen;

    if (list == NULL || msg->msg_control == NULL)
        return list;
    for (cm = CMSG_FIRSTHDR(msg); cm != NULL; cm = CMSG_NXTHDR(msg, cm)) {
        char *data = (char *)CMSG_DATA(cm);
        size_t len;
        PyObject *bytes, *item;
        int rc;

        if (cm->cmsg_len < CMSG_LEN(0))
            break;                      /* not a header the kernel wrote */
        len = cm->cmsg_len - CMSG_LEN(0);
        if (data > end)
            len = 0;
        else if (len > (size_t)(end - data))
            len = (size_t)(end - data); /* cut short: MSG_CTRUNC */
        bytes = PyBytes_FromStringAndSize(data, (Py_ssize_t)len);
        if (bytes == NULL)
            goto fail;
        item = Py_BuildValue("(iiN)", cm->cmsg_level, cm->cmsg_type, bytes);
        if (item == NULL)
            goto fail;
        rc = PyList_Append(list, item);
        Py_DECREF(item);
        if (rc < 0)
            goto fail;
    }
    return list;
fail:
    Py_DECREF(list);
    return NULL;
}

/* recvmsg(2) into iov[]: *nbytes, and a new (ancdata, msg_flags, address)
 * tuple, or NULL with an exception set. */
static PyObject *
receive_msg(sockobject *s, struct iovec *iov, Py_ssize_t count,
            Py_ssize_t ancbufsize, int flags, Py_ssize_t *nbytes)
{
    struct msg_ctx ctx;
    sock_addr_t addr;
    void *control = NULL;
    PyObject *ancdata, *address, *result = NULL;

    if (ancbufsize < 0) {
        PyErr_SetString(PyExc_ValueError,
                        "negative ancillary buffer size in recvmsg()");
        return NULL;
    }
    if ((size_t)ancbufsize > CMSG_RESULT_MAX) {
        PyErr_SetString(PyExc_OverflowError,
                        "ancillary buffer size too large");
        return NULL;
    }
    if (ancbufsize > 0) {
        control = PyMem_Calloc(1, (size_t)ancbufsize);
        if (control == NULL)
            return PyErr_NoMemory();
    }
    memset(&ctx, 0, sizeof(ctx));
    memset(&addr, 0, sizeof(addr));
    ctx.msg.msg_name = &addr;
    ctx.namelen = sizeof(addr);
    ctx.msg.msg_iov = iov;
    ctx.msg.msg_iovlen = (size_t)count;
    ctx.msg.msg_control = control;
    ctx.controllen = (size_t)ancbufsize;
    /* descriptors received with SCM_RIGHTS are close-on-exec, as every
     * descriptor this module makes */
    ctx.flags = flags | MSG_CMSG_CLOEXEC;
    if (sockcall_run(s, SOCK_WANT_READ, recvmsg_impl, &ctx) < 0)
        goto done;
    *nbytes = (Py_ssize_t)ctx.result;
    if (ctx.msg.msg_controllen == 0)
        ctx.msg.msg_control = NULL;
    if (ctx.msg.msg_namelen > sizeof(addr))
        ctx.msg.msg_namelen = sizeof(addr);
    ancdata = build_ancdata(&ctx.msg);
    if (ancdata == NULL)
        goto done;
    address = sockaddr_build(&addr.sa, ctx.msg.msg_namelen);
    if (address == NULL) {
        Py_DECREF(ancdata);
        goto done;
    }
    /* the kernel echoes the flag added above: the caller did not ask */
    if (!(flags & MSG_CMSG_CLOEXEC))
        ctx.msg.msg_flags &= ~MSG_CMSG_CLOEXEC;
    result = Py_BuildValue("(NiN)", ancdata, ctx.msg.msg_flags, address);
done:
    PyMem_Free(control);
    return result;
}

const char sockmsg_recvmsg_doc[] =
"recvmsg(bufsize[, ancbufsize[, flags]]) -> (data, ancdata, msg_flags, address)\n\
\n\
Receive up to bufsize bytes of data and up to ancbufsize bytes of\n\
ancillary data (size it with CMSG_SPACE()), as one message.  ancdata is a\n\
list of (level, type, data) tuples; msg_flags the message's flags\n\
(MSG_TRUNC, MSG_CTRUNC, ...); address the sender's, or None.";

PyObject *
sockmsg_recvmsg(PyObject *self, PyObject *args)
{
    Py_ssize_t bufsize, ancbufsize = 0, got = 0;
    int flags = 0;
    struct iovec iov;
    PyObject *data, *rest, *result;

    if (!PyArg_ParseTuple(args, "n|ni:recvmsg", &bufsize, &ancbufsize,
                          &flags))
        return NULL;
    if (bufsize < 0) {
        PyErr_SetString(PyExc_ValueError, "negative buffer size in recvmsg()");
        return NULL;
    }
    data = PyBytes_FromStringAndSize(NULL, bufsize);
    if (data == NULL)
        return NULL;
    iov.iov_base = PyBytes_AS_STRING(data);
    iov.iov_len = (size_t)bufsize;
    rest = receive_msg((sockobject *)self, &iov, 1, ancbufsize, flags, &got);
    if (rest == NULL) {
        Py_DECREF(data);
        return NULL;
    }
    if (got != bufsize && _PyBytes_Resize(&data, got) < 0) {
        Py_DECREF(rest);
        return NULL;
    }
    result = Py_BuildValue("(NOOO)", data, PyTuple_GET_ITEM(rest, 0),
                           PyTuple_GET_ITEM(rest, 1), PyTuple_GET_ITEM(rest, 2));
    Py_DECREF(rest);
    return result;
}

const char sockmsg_recvmsg_into_doc[] =
"recvmsg_into(buffers[, ancbufsize[, flags]]) -> (nbytes, ancdata, msg_flags, address)\n\
\n\
Like recvmsg(), but the data goes into the iterable of writable buffers,\n\
filled in turn; nbytes is how much arrived.";

PyObject *
sockmsg_recvmsg_into(PyObject *self, PyObject *args)
{
    PyObject *buffers, *rest, *result;
    Py_ssize_t ancbufsize = 0, count = 0, got = 0;
    int flags = 0;
    Py_buffer *views;
    struct iovec *iov;

    if (!PyArg_ParseTuple(args, "O|ni:recvmsg_into", &buffers, &ancbufsize,
                          &flags))
        return NULL;
    if (get_buffers(buffers, 1,
                    "recvmsg_into() argument 1 must be an iterable",
                    &views, &iov, &count) < 0)
        return NULL;
    rest = receive_msg((sockobject *)self, iov, count, ancbufsize, flags,
                       &got);
    PyMem_Free(iov);
    release_views(views, count);
    if (rest == NULL)
        return NULL;
    result = Py_BuildValue("(nOOO)", got, PyTuple_GET_ITEM(rest, 0),
                           PyTuple_GET_ITEM(rest, 1), PyTuple_GET_ITEM(rest, 2));
    Py_DECREF(rest);
    return result;
}

/* The length argument of CMSG_LEN()/CMSG_SPACE(): 0 or -1 with an
 * exception set. */
static int
cmsg_arg(PyObject *arg, const char *name, int space, size_t *out)
{
    Py_ssize_t length = PyNumber_AsSsize_t(arg, PyExc_OverflowError);

    if (length == -1 && PyErr_Occurred())
        return -1;
    /* CMSG_SPACE's bound leaves room for the padding of any length, as
     * Python 3's does */
    if (length < 0
        || (size_t)length > CMSG_RESULT_MAX - (space ? CMSG_SPACE(1)
                                                    : CMSG_LEN(0))) {
        PyErr_Format(PyExc_OverflowError, "%s() argument out of range", name);
        return -1;
    }
    *out = (size_t)length;
    return 0;
}

const char sockmsg_cmsg_len_doc[] =
"CMSG_LEN(length) -> control message length\n\
\n\
The cmsg_len of an ancillary data item carrying length bytes of data.";

PyObject *
sockmsg_cmsg_len(PyObject *self, PyObject *arg)
{
    size_t length;

    (void)self;
    if (cmsg_arg(arg, "CMSG_LEN", 0, &length) < 0)
        return NULL;
    return PyLong_FromSize_t(CMSG_LEN(length));
}

const char sockmsg_cmsg_space_doc[] =
"CMSG_SPACE(length) -> buffer size\n\
\n\
The ancillary buffer space an item of length bytes of data takes,\n\
padding included: add them up for recvmsg()'s ancbufsize.";

PyObject *
sockmsg_cmsg_space(PyObject *self, PyObject *arg)
{
    size_t length;

    (void)self;
    if (cmsg_arg(arg, "CMSG_SPACE", 1, &length) < 0)
        return NULL;
    return PyLong_FromSize_t(CMSG_SPACE(length));
}
#endif /* CS_PY3 */

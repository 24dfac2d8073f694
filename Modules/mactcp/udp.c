/* udp.c - the UDP stream object ("MacTCP UDP stream"): a bound UDP
 * socket with Read(timeout), Write(host, port, buf), a read-only port and
 * an asr called with one argument. */
#include "mactcp.h"
#include "fdutil.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include "structmember.h"

#define WRITE_RETRIES 8     /* stale ICMP reports skipped by one Write */

/* Errors a UDP call returns when an earlier datagram drew an ICMP error
 * (IP_RECVERR): they belong to that datagram, not to this call. */
static int
icmp_errno(int err)
{
    switch (err) {
    case ECONNREFUSED:
    case EHOSTUNREACH:
    case ENETUNREACH:
    case EHOSTDOWN:
    case ENONET:
    case EPROTO:
    case EMSGSIZE:
        return 1;
    default:
        return 0;
    }
}

/* Reads the error queue and posts one UDPICMPReceived per ICMP report */
static void
take_icmp(mtcp_watch *w, int fd)
{
    int icmp = mtconn_drain_errqueue(fd);

    (void)fdutil_pending_error(fd);
    mtdriver_lock();
    if (w->has_asr)
        for (; icmp > 0; icmp--)
            mtdriver_post(w, MT_UDPICMPReceived, 0);
    mtdriver_unlock();
}

static PyObject *
udps_Read(PyObject *self, PyObject *args)
{
    mtcp_watch *w = MTCP_WATCH(self);
    mtcp_deadline deadline;
    double timeout = 0;
    PyObject *res = NULL;
    int fd = w->fd;     /* set before the stream was returned; fixed */

    if (!PyArg_ParseTuple(args, "|O&:Read", mtstream_timeout_converter,
                          &timeout))
        return NULL;
    if (mtstream_op_begin(w) < 0)
        return NULL;
    mtwait_deadline(&deadline, timeout);
    for (;;) {
        ssize_t n;
        int err;
        int rc;

        Py_BEGIN_ALLOW_THREADS
        n = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
        err = errno;
        Py_END_ALLOW_THREADS
        if (n >= 0) {
            /* a datagram larger than the buffer is cut to its size */
            Py_ssize_t want = n < w->bufsize ? (Py_ssize_t)n : w->bufsize;

            res = PyBytes_FromStringAndSize(NULL, want);
            if (res == NULL)
                break;
            Py_BEGIN_ALLOW_THREADS
            n = recv(fd, PyBytes_AS_STRING(res), (size_t)want, MSG_DONTWAIT);
            err = errno;
            Py_END_ALLOW_THREADS
            if (n >= 0) {
                if (n < want && _PyBytes_Resize(&res, n) < 0)
                    res = NULL;
                break;
            }
            Py_CLEAR(res);
        }
        if (err == EINTR) {
            if (PyErr_CheckSignals() < 0)
                break;
            continue;
        }
        if (icmp_errno(err)) {
            take_icmp(w, fd);
            continue;
        }
        if (err != EAGAIN && err != EWOULDBLOCK) {
            mterrors_raise_errno(0, err);
            break;
        }
        rc = mtwait_fd(fd, POLLIN, &deadline, -1);
        if (rc < 0)
            break;
        if (rc == 0) {
            mterrors_raise(MT_commandTimeout);
            break;
        }
        take_icmp(w, fd);
    }
    mtdriver_lock();
    w->data_armed = 1;
    mtdriver_unlock();
    mtstream_op_end(w);
    return res;
}

static PyObject *
udps_Write(PyObject *self, PyObject *args)
{
    mtcp_watch *w = MTCP_WATCH(self);
    mtcp_deadline forever;
    struct sockaddr_in sin;
    Py_buffer buf;
    uint32_t host;
    int port;
    int retries = WRITE_RETRIES;
    int fd = w->fd;     /* set before the stream was returned; fixed */
    PyObject *res = NULL;

    if (!PyArg_ParseTuple(args, "O&O&" CS_BUF ":Write",
                          mtstream_host_converter, &host,
                          mtstream_port_converter, &port, &buf))
        return NULL;
    if (mtstream_op_begin(w) < 0) {
        PyBuffer_Release(&buf);
        return NULL;
    }
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(host);
    sin.sin_port = htons((uint16_t)port);
    mtwait_deadline(&forever, 0);
    for (;;) {
        ssize_t n;
        int err;

        Py_BEGIN_ALLOW_THREADS
        n = sendto(fd, buf.buf, (size_t)buf.len, MSG_DONTWAIT,
                   (struct sockaddr *)&sin, sizeof(sin));
        err = errno;
        Py_END_ALLOW_THREADS
        if (n >= 0) {
            res = Py_NewRef(Py_None);
            break;
        }
        if (err == EINTR) {
            if (PyErr_CheckSignals() < 0)
                break;
            continue;
        }
        if (icmp_errno(err) && err != EMSGSIZE && retries-- > 0) {
            take_icmp(w, fd);
            continue;
        }
        if (err != EAGAIN && err != EWOULDBLOCK) {
            mterrors_raise_errno(0, err);
            break;
        }
        if (mtwait_fd(fd, POLLOUT, &forever, -1) < 0)
            break;
    }
    mtstream_op_end(w);
    PyBuffer_Release(&buf);
    return res;
}

/* ---- the type ----------------------------------------------------------- */

static PyMethodDef udps_methods[] = {
    {"Read", udps_Read, METH_VARARGS,
     "Read(timeout) -> data of one datagram; timeout in seconds, 0 or less "
     "waits forever"},
    {"Write", udps_Write, METH_VARARGS,
     "Write(host, port, buf): send buf as one datagram"},
    {NULL, NULL, 0, NULL}
};

static PyMemberDef udps_members[] = {
    {"port", T_INT, offsetof(mtcp_stream, port), READONLY,
     "the local UDP port of this stream"},
    {NULL, 0, 0, 0, NULL}
};

static PyGetSetDef udps_getset[] = {
    {"asr", (getter)mtstream_get_asr, (setter)mtstream_set_asr,
     "asynchronous service routine: None or callable(event)", NULL},
    {NULL, NULL, NULL, NULL, NULL}
};

static PyTypeObject udp_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "mactcp.UDPStream",
    .tp_basicsize = sizeof(mtcp_stream),
    .tp_dealloc = mtstream_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC
                | CS_TPFLAGS_METHOD_CACHE,
    .tp_doc = "MacTCP UDP stream (create with mactcp.UDPCreate)",
    .tp_traverse = mtstream_traverse,
    .tp_clear = mtstream_clear,
    .tp_methods = udps_methods,
    .tp_members = udps_members,
    .tp_getset = udps_getset,
};

int
mtudp_ready(void)
{
    return PyType_Ready(&udp_type);
}

PyObject *
mtudp_new(int bufsize, int port)
{
    mtcp_stream *s;
    uint32_t host;
    int fd;
    int err;

    fd = mtconn_udp_socket(bufsize, port);
    if (fd < 0)
        return mterrors_raise_errno(0, -fd);
    err = mtconn_sockname(fd, 0, &host, &port);     /* port 0: the one given */
    if (err < 0) {
        fdutil_close(fd);
        return mterrors_raise_errno(0, -err);
    }
    s = (mtcp_stream *)mtstream_new(&udp_type, MTW_UDP, bufsize);
    if (s == NULL) {
        fdutil_close(fd);
        return NULL;
    }
    s->port = port;
    mtdriver_lock();
    s->w.fd = fd;
    mtdriver_unlock();
    return (PyObject *)s;
}

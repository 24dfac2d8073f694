/* mtcp_tcpio.c - the TCP data path: Send, which returns once the peer has
 * acknowledged every byte, and Rcv, which returns what has arrived with
 * MacTCP's urgent and mark flags.  Both block through mtwait_fd() with the
 * GIL released; the connection checks they share with the life-cycle
 * methods are in mtcp_tcp.c. */
#include "mtcp.h"

#include <errno.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

/* Send waits for the ACK of its last byte.  The kernel wakes it with an
 * ACK timestamp (mtconn_tcp_connected); this limit only matters if such a
 * wake-up is lost (error queue full): then the state is looked at again
 * after this many milliseconds, doubling up to the maximum. */
#define SEND_RECHECK_MS 50
#define SEND_RECHECK_MAX_MS 1000

/* ---- Send --------------------------------------------------------------- */

PyObject *
tcps_Send(PyObject *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"buf", "push", "urgent", NULL};
    mtcp_watch *w = MTCP_WATCH(self);
    mtcp_deadline forever;
    Py_buffer buf;
    int push = 0;
    int urgent = 0;
    Py_ssize_t off = 0;
    unsigned gen;
    int recheck = SEND_RECHECK_MS;
    int fd;
    int state;
    PyObject *result = NULL;

    if (!PyArg_ParseTupleAndKeywords(args, kwds, CS_BUF "|ii:Send", kwlist,
                                     &buf, &push, &urgent))
        return NULL;
    (void)push;     /* Linux pushes at the end of every send() */
    fd = mtcp_tcp_live_conn(w, &gen);
    if (fd < 0)
        goto done;
    mtdrv_lock();
    state = mtconn_mac_state(fd);
    if (w->fin_sent) {
        mtdrv_unlock();
        mterr_raise(MT_connectionClosing);
        goto done;
    }
    mtdrv_unlock();
    if (state != MT_STATE_ESTABLISHED && state != MT_STATE_CLOSE_WAIT) {
        if (state == MT_STATE_CLOSED) {
            mterr_raise(MT_connectionDoesntExist);
        }
        else {
            char msg[64];

            snprintf(msg, sizeof(msg),
                     "Operation not allowed, connection state=%d", state);
            mterr_raise_msg(msg);
        }
        goto done;
    }
    if (buf.len == 0) {
        mterr_raise(MT_invalidLength);
        goto done;
    }
    if (mtcp_op_begin(w) < 0)
        goto done;
    mtwait_deadline(&forever, 0);

    /* 1: hand every byte to the kernel */
    while (off < buf.len) {
        ssize_t n;
        int err;

        Py_BEGIN_ALLOW_THREADS
        n = send(fd, (const char *)buf.buf + off, (size_t)(buf.len - off),
                 MSG_NOSIGNAL | MSG_DONTWAIT | (urgent ? MSG_OOB : 0));
        err = errno;
        Py_END_ALLOW_THREADS
        if (n >= 0) {
            off += n;
            continue;
        }
        if (err == EINTR) {
            if (PyErr_CheckSignals() < 0) {
                mtcp_op_end(w);
                goto done;
            }
            continue;
        }
        if (err != EAGAIN && err != EWOULDBLOCK) {
            result = mtcp_tcp_conn_error(w, gen, err);
            goto done;
        }
        if (mtcp_tcp_wait(w, fd, gen, POLLOUT, &forever, -1) < 0)
            goto done;
        if ((err = mtcp_tcp_check_conn(w, fd)) != 0) {
            result = mtcp_tcp_conn_error(w, gen, err);
            goto done;
        }
    }

    /* 2: return once the peer has acknowledged all of it */
    for (;;) {
        int outq = mtconn_outq(fd);
        int err;

        if (outq == 0)
            break;
        if ((err = mtcp_tcp_check_conn(w, fd)) != 0
            || (outq < 0 && (err = -outq))) {
            result = mtcp_tcp_conn_error(w, gen, err);
            goto done;
        }
        if (mtconn_outq(fd) == 0)
            break;
        if (mtcp_tcp_wait(w, fd, gen, 0, &forever, recheck) < 0)
            goto done;
        if (recheck < SEND_RECHECK_MAX_MS)
            recheck *= 2;
    }
    mtcp_op_end(w);
    result = Py_NewRef(Py_None);

done:
    PyBuffer_Release(&buf);
    return result;
}

/* ---- Rcv ---------------------------------------------------------------- */

static int
at_mark(int fd)
{
    int mark = 0;

    if (ioctl(fd, SIOCATMARK, &mark) < 0)
        return 0;
    return mark != 0;
}

static ssize_t
recv_nogil(int fd, char *p, size_t len, int flags, int *err)
{
    ssize_t n;

    Py_BEGIN_ALLOW_THREADS
    n = recv(fd, p, len, flags | MSG_DONTWAIT);
    *err = errno;
    Py_END_ALLOW_THREADS
    return n;
}

/* One attempt to read.  Returns a (data, urgent, mark) tuple, Py_None
 * (nothing to read yet: *err = EAGAIN), or NULL; sets *err to the errno of
 * a failed recv, or to 0 with *eof = 1 at the end of the data. */
static PyObject *
rcv_once(mtcp_watch *w, int fd, int *err, int *eof)
{
    int urgent = mtconn_urgent_pending(fd);
    int inq = mtconn_inq(fd);
    int mark = 0;
    int uflag = 0;
    Py_ssize_t want;
    PyObject *data;
    char *p;
    ssize_t n;

    *err = 0;
    *eof = 0;
    if (inq <= 0) {
        char probe;

        /* nothing buffered: is it the end, an error, or just not yet? */
        n = recv_nogil(fd, &probe, 1, MSG_PEEK, err);
        if (n == 0) {
            *eof = 1;
            return NULL;
        }
        if (n < 0)
            return NULL;
        inq = 1;    /* data arrived meanwhile */
    }
    want = inq < w->bufsize ? inq : w->bufsize;
    data = PyBytes_FromStringAndSize(NULL, want);
    if (data == NULL)
        return NULL;
    p = PyBytes_AS_STRING(data);
    if (urgent && at_mark(fd)) {
        /* the byte at the mark ends the urgent data */
        n = recv_nogil(fd, p, 1, 0, err);
        mark = n == 1;
    }
    else {
        /* the kernel stops a read just before the urgent byte */
        n = recv_nogil(fd, p, (size_t)want, 0, err);
        if (urgent && n > 0 && n < want && at_mark(fd)) {
            int err2;

            if (recv_nogil(fd, p + n, 1, 0, &err2) == 1) {
                n++;
                mark = 1;
            }
        }
    }
    if (n <= 0) {
        Py_DECREF(data);
        if (n == 0)
            *eof = 1;
        return NULL;
    }
    if (n < want && _PyBytes_Resize(&data, n) < 0)
        return NULL;
    mtdrv_lock();
    if (urgent) {
        uflag = !w->in_urgent;
        w->in_urgent = !mark;
        if (mark)
            w->urg_armed = 1;
    }
    else
        w->in_urgent = 0;
    w->data_armed = 1;
    mtdrv_unlock();
    return Py_BuildValue("(NNN)", data, cs_int_from_long(uflag),
                         cs_int_from_long(mark));
}

PyObject *
tcps_Rcv(PyObject *self, PyObject *args)
{
    mtcp_watch *w = MTCP_WATCH(self);
    mtcp_deadline deadline;
    double timeout = 0;
    unsigned gen;
    int fd;

    if (!PyArg_ParseTuple(args, "|O&:Rcv", mtcp_timeout_converter, &timeout))
        return NULL;
    if (timeout < 0) {
        PyErr_SetString(PyExc_ValueError,
                        "Rcv: timeout must be >= 0 (0 waits forever)");
        return NULL;
    }
    /* buffered data is still delivered after the connection ended */
    fd = mtcp_tcp_conn(w, &gen);
    if (fd < 0)
        return NULL;
    if (mtcp_op_begin(w) < 0)
        return NULL;
    mtwait_deadline(&deadline, timeout);
    for (;;) {
        PyObject *res;
        int err;
        int eof;
        int rc;

        res = rcv_once(w, fd, &err, &eof);
        if (res != NULL) {
            mtcp_op_end(w);
            return res;
        }
        if (PyErr_Occurred()) {
            mtcp_op_end(w);
            return NULL;
        }
        if (eof) {
            int ended;
            int fin_sent;

            mtdrv_lock();
            w->eof_seen = 1;
            ended = w->sock_err;
            fin_sent = w->fin_sent;
            mtdrv_unlock();
            /* an end without our FIN having gone out first is a reset, not
             * the peer's orderly close */
            if (ended == 0 && !fin_sent && mtconn_tcp_state(fd) == TCP_CLOSE)
                ended = mtcp_tcp_check_conn(w, fd);
            mtcp_op_end(w);
            if (ended != 0)
                return mterr_raise_errno(0, ended);
            return mterr_raise(MT_connectionClosing);
        }
        if (err != EAGAIN && err != EWOULDBLOCK && err != EINTR) {
            if (mtconn_tcp_state(fd) != TCP_CLOSE) {
                /* an ICMP report through SO_ERROR: the connection lives */
                mtdrv_lock();
                if (w->has_asr)
                    mtdrv_post(w, MT_TCPICMPReceived, 0);
                mtdrv_unlock();
                continue;
            }
            return mtcp_tcp_conn_error(w, gen, err);
        }
        rc = mtcp_tcp_wait(w, fd, gen, POLLIN | POLLPRI | POLLRDHUP,
                           &deadline, -1);
        if (rc < 0)
            return NULL;
        if (rc == 0) {
            mtcp_op_end(w);
            return mterr_raise(MT_commandTimeout);
        }
        (void)mtcp_tcp_check_conn(w, fd);    /* drains ACK timestamps */
    }
}

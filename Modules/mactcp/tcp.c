/* tcp.c - the TCP stream object ("MacTCP TCP stream") and the life
 * cycle of its connection: TCPCreate's object, PassiveOpen, ActiveOpen,
 * Close, Abort, Status and the release of the stream.  The data path (Send,
 * Rcv) is in tcpio.c; the checks both halves make on a connection are
 * here, exported through mactcp.h.
 *
 * A stream carries one connection at a time.  PassiveOpen is asynchronous
 * (the driver accepts); everything else blocks through mtwait_fd() with
 * the GIL released.  See Doc/mactcp.rst for the semantics of each method
 * and the deliberate differences from MacPython. */
#include "mactcp.h"
#include "fdutil.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

/* Close waits for the ACK of our FIN, which carries no data the kernel
 * could timestamp (see tcpio.c), so nothing wakes the wait: the state
 * is looked at again after this many milliseconds, doubling up to the
 * maximum. */
#define CLOSE_RECHECK_MS 1
#define CLOSE_RECHECK_MAX_MS 32

/* ---- the connection checks every TCP method makes (GIL held) ----------- */

/* Before a new open: refuse while a connection exists, drop an ended one */
static int
prepare_open(mtcp_watch *w)
{
    int rc = 0;

    mtdrv_lock();
    if (w->phase == MTC_LISTEN) {
        mtdrv_unlock();
        mterr_passive_busy();
        return -1;
    }
    if (w->phase == MTC_OPENING || !mtconn_ended(w))
        rc = -1;
    else
        mtconn_drop(w, 0);
    mtdrv_unlock();
    if (rc < 0)
        mterr_raise(MT_connectionExists);
    return rc;
}

int
mtcp_tcp_conn(mtcp_watch *w, unsigned *gen)
{
    int fd;
    int listening;

    mtdrv_lock();
    listening = w->phase == MTC_LISTEN;
    fd = w->phase == MTC_CONN ? w->fd : -1;
    *gen = w->conn_gen;
    mtdrv_unlock();
    if (listening) {
        mterr_passive_busy();
        return -1;
    }
    if (fd < 0) {
        mterr_raise(MT_connectionDoesntExist);
        return -1;
    }
    return fd;
}

int
mtcp_tcp_live_conn(mtcp_watch *w, unsigned *gen)
{
    int fd = mtcp_tcp_conn(w, gen);
    int err;

    if (fd < 0)
        return -1;
    mtdrv_lock();
    err = w->sock_err;
    mtdrv_unlock();
    if (err != 0) {
        mterr_raise_errno(0, err);
        return -1;
    }
    return fd;
}

int
mtcp_tcp_op_begin(mtcp_watch *w, int checks, unsigned *gen)
{
    enum { READY, PASSIVE, NO_CONN, FAILED, CLOSING, BUSY } why = READY;
    int fd;
    int err;

    mtdrv_lock();
    fd = w->phase == MTC_CONN ? w->fd : -1;
    *gen = w->conn_gen;
    err = w->sock_err;
    if (w->phase == MTC_LISTEN)
        why = PASSIVE;
    else if (fd < 0)
        why = NO_CONN;
    else if ((checks & MTCP_LIVE) && err != 0)
        why = FAILED;
    else if ((checks & MTCP_NO_FIN) && w->fin_sent)
        why = CLOSING;
    else if (mtcp_op_begin_locked(w) < 0)
        why = BUSY;
    mtdrv_unlock();
    switch (why) {
    case READY:
        return fd;
    case PASSIVE:
        mterr_passive_busy();
        break;
    case NO_CONN:
        mterr_raise(MT_connectionDoesntExist);
        break;
    case FAILED:
        mterr_raise_errno(0, err);
        break;
    case CLOSING:
        mterr_raise(MT_connectionClosing);
        break;
    case BUSY:
        mtcp_op_busy();
        break;
    }
    return -1;
}

PyObject *
mtcp_tcp_conn_error(mtcp_watch *w, unsigned gen, int err)
{
    mtdrv_lock();
    if (w->conn_gen == gen)
        mtconn_failed(w, err);
    mtdrv_unlock();
    mtcp_op_end(w);
    return mterr_raise_errno(0, err);
}

int
mtcp_tcp_wait(mtcp_watch *w, int fd, unsigned gen, short events,
              const mtcp_deadline *d, int max_ms, short *rev)
{
    int rc = mtwait_fd_rev(fd, events, d, max_ms, rev);
    int same;

    if (rc < 0) {
        mtcp_op_end(w);
        return -1;
    }
    if (rc == 0)
        return 0;
    /* an asr that ran during the wait may have replaced the descriptor
     * (Abort, or a new open) */
    mtdrv_lock();
    same = w->conn_gen == gen && w->fd >= 0;
    mtdrv_unlock();
    if (!same) {
        mtcp_op_end(w);
        mterr_raise(MT_connectionDoesntExist);
        return -1;
    }
    return 1;
}

int
mtcp_tcp_check_conn(mtcp_watch *w, int fd)
{
    /* the state first: a reset sets SO_ERROR before the state changes,
     * so CLOSE seen here means SO_ERROR read below has its error */
    int state = mtconn_tcp_state(fd);
    int icmp = mtconn_drain_errqueue(fd);
    int err = -fdutil_pending_error(fd);
    int ended;

    mtdrv_lock();
    if (w->has_asr) {
        for (; icmp > 0; icmp--)
            mtdrv_post(w, MT_TCPICMPReceived, 0);
        if (err > 0 && state != TCP_CLOSE)
            mtdrv_post(w, MT_TCPICMPReceived, 0);
    }
    if (state == TCP_CLOSE) {
        if (err > 0)
            mtconn_failed(w, err);
        else if (w->sock_err == 0)
            mtconn_closed_without_error(w, fd);
    }
    ended = state == TCP_CLOSE ? w->sock_err : 0;
    mtdrv_unlock();
    return ended;
}

/* ---- PassiveOpen / wait / isdone / GetSockName -------------------------- */

static PyObject *
tcps_PassiveOpen(PyObject *self, PyObject *args)
{
    mtcp_watch *w = MTCP_WATCH(self);
    int port;
    int fd;
    int err;

    if (!PyArg_ParseTuple(args, "O&:PassiveOpen", mtcp_port_converter, &port))
        return NULL;
    if (prepare_open(w) < 0)
        return NULL;
    fd = mtconn_tcp_socket(w->bufsize);
    if (fd < 0)
        return mterr_raise_errno(0, -fd);
    err = mtconn_bind_any(fd, port);
    if (err == 0 && listen(fd, 1) < 0)
        err = -errno;
    if (err < 0) {
        fdutil_close(fd);
        return mterr_raise_errno(0, -err);
    }
    mtdrv_lock();
    w->fd = fd;
    w->phase = MTC_LISTEN;
    w->open_code = 0;
    w->open_errno = 0;
    w->conn_gen++;
    mtconn_remember_name(w);
    if (w->ops == 0)
        mtconn_service(w, 0);   /* the driver accepts */
    mtdrv_unlock();
    Py_RETURN_NONE;
}

static PyObject *
tcps_wait(PyObject *self, PyObject *noargs)
{
    mtcp_watch *w = MTCP_WATCH(self);
    mtcp_deadline forever;
    int code;
    int err;

    (void)noargs;
    mtwait_deadline(&forever, 0);
    if (mtcp_op_begin(w) < 0)
        return NULL;
    for (;;) {
        int fd;
        int pending;

        mtdrv_lock();
        if (w->phase == MTC_LISTEN)
            mtconn_service(w, 1);
        pending = w->phase == MTC_LISTEN;
        fd = w->fd;
        mtdrv_unlock();
        if (!pending)
            break;
        if (mtwait_fd(fd, POLLIN, &forever, -1) < 0) {
            mtcp_op_end(w);
            return NULL;
        }
    }
    mtcp_op_end(w);
    mtdrv_lock();
    code = w->open_code;
    err = w->open_errno;
    w->open_code = 0;
    w->open_errno = 0;
    mtdrv_unlock();
    if (code != 0)
        return mterr_raise_errno(code, err);
    Py_RETURN_NONE;
}

static PyObject *
tcps_isdone(PyObject *self, PyObject *noargs)
{
    mtcp_watch *w = MTCP_WATCH(self);
    int done;

    (void)noargs;
    mtdrv_lock();
    if (w->phase == MTC_LISTEN && w->ops == 0)
        mtconn_service(w, 0);
    done = w->phase != MTC_LISTEN;
    mtdrv_unlock();
    return cs_int_from_long(done);
}

static PyObject *
tcps_GetSockName(PyObject *self, PyObject *noargs)
{
    mtcp_watch *w = MTCP_WATCH(self);
    uint32_t host;
    int port;
    int listening;

    (void)noargs;
    mtdrv_lock();
    mtconn_remember_name(w);
    host = w->last_host;
    port = w->last_port;
    listening = w->phase == MTC_LISTEN;
    mtdrv_unlock();
    if (host == 0 && listening) {
        /* MacTCP reports its own address for a listener on any address */
        mtcp_iface iface;

        if (mtiface_primary(&iface) == 0)
            host = iface.addr;
    }
    return Py_BuildValue("(NN)", mtcp_host_object(host),
                         cs_int_from_long(port));
}

/* ---- ActiveOpen --------------------------------------------------------- */

static PyObject *
tcps_ActiveOpen(PyObject *self, PyObject *args)
{
    mtcp_watch *w = MTCP_WATCH(self);
    struct sockaddr_in sin;
    mtcp_deadline forever;
    uint32_t host;
    int lport;
    int rport;
    unsigned gen;
    int fd;
    int err = 0;

    if (!PyArg_ParseTuple(args, "O&O&O&:ActiveOpen", mtcp_port_converter,
                          &lport, mtcp_host_converter, &host,
                          mtcp_port_converter, &rport))
        return NULL;
    if (prepare_open(w) < 0)
        return NULL;
    fd = mtconn_tcp_socket(w->bufsize);
    if (fd < 0)
        return mterr_raise_errno(0, -fd);
    if (lport != 0 && (err = mtconn_bind_any(fd, lport)) < 0) {
        fdutil_close(fd);
        return mterr_raise_errno(0, -err);
    }
    mtdrv_lock();
    w->fd = fd;
    w->phase = MTC_OPENING;
    mtconn_reset(w);
    gen = w->conn_gen;
    mtdrv_unlock();
    if (mtcp_op_begin(w) < 0)
        goto fail;

    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(host);
    sin.sin_port = htons((uint16_t)rport);
    mtwait_deadline(&forever, 0);
    if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0
        && errno != EINPROGRESS && errno != EINTR)
        err = errno;
    while (err == 0) {
        int state;

        err = -fdutil_pending_error(fd);
        state = mtconn_tcp_state(fd);
        if (err != 0 || state == TCP_ESTABLISHED || state == TCP_CLOSE_WAIT)
            break;
        if (state == TCP_CLOSE) {
            err = ECONNREFUSED;
            break;
        }
        if (mtcp_tcp_wait(w, fd, gen, POLLOUT, &forever, -1, NULL) < 0)
            goto fail;
    }
    if (err != 0) {
        int code = mterr_code_for_errno(err);

        mtcp_op_end(w);
        mtdrv_lock();
        if (w->conn_gen == gen)
            mtconn_drop(w, 0);
        mtdrv_unlock();
        /* the connection never came up */
        return mterr_raise_errno(code == MT_connectionTerminated
                                 ? MT_openFailed : code, err);
    }
    (void)mtconn_tcp_connected(fd);
    mtdrv_lock();
    w->phase = MTC_CONN;
    mtconn_remember_name(w);
    mtdrv_unlock();
    mtcp_op_end(w);
    Py_RETURN_NONE;

fail:   /* exception set; the open is undone */
    mtdrv_lock();
    if (w->conn_gen == gen)
        mtconn_drop(w, 1);
    mtdrv_unlock();
    return NULL;
}

/* ---- Close / Abort / Status --------------------------------------------- */

static PyObject *
tcps_Close(PyObject *self, PyObject *noargs)
{
    mtcp_watch *w = MTCP_WATCH(self);
    mtcp_deadline forever;
    int recheck = CLOSE_RECHECK_MS;
    unsigned gen;
    int state;
    int fd;
    int ended;

    (void)noargs;
    mtdrv_lock();
    if (w->phase == MTC_LISTEN) {
        /* a MacTCP connection cancels a pending PassiveOpen */
        mtconn_passive_failed(w, MT_connectionTerminated, 0);
        mtdrv_unlock();
        Py_RETURN_NONE;
    }
    fd = w->phase == MTC_CONN ? w->fd : -1;
    gen = w->conn_gen;
    ended = w->sock_err;
    if (fd >= 0 && w->fin_sent) {
        mtdrv_unlock();
        return mterr_raise(MT_connectionClosing);
    }
    mtdrv_unlock();
    if (fd < 0)
        return mterr_raise(MT_connectionDoesntExist);
    state = mtconn_tcp_state(fd);
    if (state != TCP_ESTABLISHED && state != TCP_CLOSE_WAIT) {
        if (ended == 0 && state == TCP_CLOSE)
            ended = mtcp_tcp_check_conn(w, fd);
        if (ended != 0)
            return mterr_raise_errno(0, ended);
        return mterr_raise(MT_connectionDoesntExist);
    }
    if (mtcp_op_begin(w) < 0)
        return NULL;
    if (shutdown(fd, SHUT_WR) < 0)
        return mtcp_tcp_conn_error(w, gen, errno);
    mtdrv_lock();
    w->fin_sent = 1;
    mtdrv_unlock();
    mtwait_deadline(&forever, 0);
    /* SIOCOUTQ counts our FIN too: 0 means everything including the FIN
     * has been acknowledged */
    for (;;) {
        int outq = mtconn_outq(fd);
        int err;

        if (outq == 0)
            break;
        state = mtconn_tcp_state(fd);
        if (state == TCP_FIN_WAIT2 || state == TCP_TIME_WAIT)
            break;
        /* after TIME_WAIT or LAST_ACK the socket reports CLOSE: an
         * orderly end, unless check_conn finds an error */
        if ((err = mtcp_tcp_check_conn(w, fd)) != 0)
            return mtcp_tcp_conn_error(w, gen, err);
        if (mtconn_outq(fd) == 0)
            break;
        if (mtcp_tcp_wait(w, fd, gen, 0, &forever, recheck, NULL) < 0)
            return NULL;
        if (recheck < CLOSE_RECHECK_MAX_MS)
            recheck *= 2;
    }
    mtcp_op_end(w);
    Py_RETURN_NONE;
}

static PyObject *
tcps_Abort(PyObject *self, PyObject *noargs)
{
    mtcp_watch *w = MTCP_WATCH(self);

    (void)noargs;
    mtdrv_lock();
    if (w->phase == MTC_LISTEN) {
        /* a MacTCP connection cancels a pending PassiveOpen */
        mtconn_passive_failed(w, MT_connectionTerminated, 0);
        mtdrv_unlock();
        Py_RETURN_NONE;
    }
    if (w->fd < 0) {
        mtdrv_unlock();
        return mterr_raise(MT_connectionDoesntExist);
    }
    if (!w->term_posted) {
        w->term_posted = 1;
        if (w->has_asr)
            mtdrv_post(w, MT_TCPTerminate, MT_TCPULPAbort);
    }
    mtconn_drop(w, 1);
    mtdrv_unlock();
    Py_RETURN_NONE;
}

static PyObject *
tcps_Status(PyObject *self, PyObject *noargs)
{
    unsigned gen;
    int fd;

    (void)noargs;
    fd = mtcp_tcp_conn(MTCP_WATCH(self), &gen);
    if (fd < 0)
        return NULL;
    return mtcp_status_new(fd);
}

/* ---- the type ----------------------------------------------------------- */

static PyMethodDef tcps_methods[] = {
    {"PassiveOpen", tcps_PassiveOpen, METH_VARARGS,
     "PassiveOpen(port): listen for one connection; returns at once"},
    {"wait", tcps_wait, METH_NOARGS,
     "wait(): block until the PassiveOpen completes"},
    {"isdone", tcps_isdone, METH_NOARGS,
     "isdone() -> 1 if no PassiveOpen is pending, else 0"},
    {"GetSockName", tcps_GetSockName, METH_NOARGS,
     "GetSockName() -> (host, port) of this side"},
    {"ActiveOpen", tcps_ActiveOpen, METH_VARARGS,
     "ActiveOpen(lport, host, rport): connect; blocks until up or failed"},
    {"Send", CS_POS_FN(tcps_Send), CS_METH_POSKW,
     "Send(buf, push=0, urgent=0): returns when the peer has acknowledged "
     "all of buf"},
    {"Rcv", CS_POS_FN(tcps_Rcv), CS_METH_POS,
     "Rcv(timeout) -> (data, urgent, mark); timeout in seconds, 0 = forever"},
    {"Close", tcps_Close, METH_NOARGS,
     "Close(): send our FIN; returns when it is acknowledged"},
    {"Abort", tcps_Abort, METH_NOARGS,
     "Abort(): reset the connection and drop its data"},
    {"Status", tcps_Status, METH_NOARGS,
     "Status() -> TCP status object"},
    {NULL, NULL, 0, NULL}
};

static PyGetSetDef tcps_getset[] = {
    {"asr", (getter)mtcp_stream_get_asr, (setter)mtcp_stream_set_asr,
     "asynchronous service routine: None or callable(event, detail)", NULL},
    {NULL, NULL, NULL, NULL, NULL}
};

PyTypeObject mtcp_tcp_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "mactcp.TCPStream",
    .tp_basicsize = sizeof(mtcp_stream),
    .tp_dealloc = mtcp_stream_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC
                | CS_TPFLAGS_METHOD_CACHE,
    .tp_doc = "MacTCP TCP stream (create with mactcp.TCPCreate)",
    .tp_traverse = mtcp_stream_traverse,
    .tp_clear = mtcp_stream_clear,
    .tp_methods = tcps_methods,
    .tp_getset = tcps_getset,
};

int
mtcp_tcp_ready(void)
{
    return PyType_Ready(&mtcp_tcp_type);
}

PyObject *
mtcp_tcp_new(int bufsize)
{
    return mtcp_stream_new(&mtcp_tcp_type, MTW_TCP, bufsize);
}

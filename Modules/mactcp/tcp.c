/* tcp.c - the TCP stream object ("MacTCP TCP stream") and the life
 * cycle of its connection: TCPCreate's object, PassiveOpen, ActiveOpen,
 * Close, Abort, Status and the release of the stream.  The data path (Send,
 * Rcv) is in tcpio.c, and the checks both halves make on a connection
 * in tcpconn.c.
 *
 * A stream carries one connection at a time.  PassiveOpen is asynchronous
 * (the driver accepts, on a port the waiting streams share: listen.c);
 * everything else blocks through mtwait_fd() with
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

/* ---- opens ------------------------------------------------------------- */

/* Before a new open: refuse while a connection exists, drop an ended one */
static int
prepare_open(mtcp_watch *w)
{
    int rc = 0;

    mtdriver_lock();
    if (w->phase == MTC_LISTEN) {
        mtdriver_unlock();
        mterrors_passive_busy();
        return -1;
    }
    if (w->phase == MTC_OPENING || !mtconn_ended(w))
        rc = -1;
    else
        mtconn_drop(w, 0);
    mtdriver_unlock();
    if (rc < 0)
        mterrors_raise(MT_connectionExists);
    return rc;
}

/* ---- PassiveOpen / wait / isdone / GetSockName -------------------------- */

static PyObject *
tcps_PassiveOpen(PyObject *self, PyObject *args)
{
    mtcp_watch *w = MTCP_WATCH(self);
    int port;
    int err;

    if (!PyArg_ParseTuple(args, "O&:PassiveOpen", mtstream_port_converter,
                          &port))
        return NULL;
    if (prepare_open(w) < 0)
        return NULL;
    /* behind the streams already waiting on the port (listen.c) */
    err = mtlisten_open(w, port);
    if (err < 0)
        return mterrors_raise_errno(0, -err);
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
    if (mtstream_op_begin(w) < 0)
        return NULL;
    for (;;) {
        int done_fd;
        int pending;

        mtdriver_lock();
        mtlisten_poll(w);
        pending = w->phase == MTC_LISTEN;
        done_fd = w->done_fd;
        mtdriver_unlock();
        if (!pending)
            break;
        /* the driver pokes done_fd when it ends the open */
        if (mtwait_fd(done_fd, POLLIN, &forever, -1) < 0) {
            mtstream_op_end(w);
            return NULL;
        }
        mtdriver_lock();
        mtlisten_clear(w);
        mtdriver_unlock();
    }
    mtstream_op_end(w);
    mtdriver_lock();
    code = w->open_code;
    err = w->open_errno;
    w->open_code = 0;
    w->open_errno = 0;
    mtdriver_unlock();
    if (code != 0)
        return mterrors_raise_errno(code, err);
    Py_RETURN_NONE;
}

static PyObject *
tcps_isdone(PyObject *self, PyObject *noargs)
{
    mtcp_watch *w = MTCP_WATCH(self);
    int done;

    (void)noargs;
    mtdriver_lock();
    mtlisten_poll(w);
    done = w->phase != MTC_LISTEN;
    mtdriver_unlock();
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
    mtdriver_lock();
    mtconn_remember_name(w);
    host = w->last_host;
    port = w->last_port;
    listening = w->phase == MTC_LISTEN;
    mtdriver_unlock();
    if (host == 0 && listening) {
        /* MacTCP reports its own address for a listener on any address */
        mtcp_iface iface;

        if (mtiface_primary(&iface) == 0)
            host = iface.addr;
    }
    return Py_BuildValue("(NN)", mtstream_host_object(host),
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

    if (!PyArg_ParseTuple(args, "O&O&O&:ActiveOpen", mtstream_port_converter,
                          &lport, mtstream_host_converter, &host,
                          mtstream_port_converter, &rport))
        return NULL;
    if (prepare_open(w) < 0)
        return NULL;
    mtdriver_lock();
    mtlisten_release(w);    /* of a connection a PassiveOpen gave it */
    mtdriver_unlock();
    fd = mtconn_tcp_socket(w->bufsize);
    if (fd < 0)
        return mterrors_raise_errno(0, -fd);
    if (lport != 0 && (err = mtconn_bind_any(fd, lport)) < 0) {
        fdutil_close(fd);
        return mterrors_raise_errno(0, -err);
    }
    mtdriver_lock();
    w->fd = fd;
    w->phase = MTC_OPENING;
    mtconn_reset(w);
    gen = w->conn_gen;
    mtdriver_unlock();
    if (mtstream_op_begin(w) < 0)
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
        if (mttcpconn_wait(w, fd, gen, POLLOUT, &forever, -1, NULL) < 0)
            goto fail;
    }
    if (err != 0) {
        int code = mterrors_code_for_errno(err);

        mtstream_op_end(w);
        mtdriver_lock();
        if (w->conn_gen == gen)
            mtconn_drop(w, 0);
        mtdriver_unlock();
        /* the connection never came up */
        return mterrors_raise_errno(code == MT_connectionTerminated
                                 ? MT_openFailed : code, err);
    }
    (void)mtconn_tcp_connected(fd);
    mtdriver_lock();
    w->phase = MTC_CONN;
    mtconn_remember_name(w);
    mtdriver_unlock();
    mtstream_op_end(w);
    Py_RETURN_NONE;

fail:   /* exception set; the open is undone */
    mtdriver_lock();
    if (w->conn_gen == gen)
        mtconn_drop(w, 1);
    mtdriver_unlock();
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
    int fin_sent;

    (void)noargs;
    mtdriver_lock();
    if (w->phase == MTC_LISTEN) {
        /* a MacTCP connection cancels a pending PassiveOpen */
        mtlisten_cancel(w, MT_connectionTerminated, 0);
        mtdriver_unlock();
        Py_RETURN_NONE;
    }
    fd = w->phase == MTC_CONN ? w->fd : -1;
    gen = w->conn_gen;
    ended = w->sock_err;
    fin_sent = w->fin_sent;
    mtdriver_unlock();
    /* a connection that is gone (reset, timed out, or closed by both
     * sides) no longer exists for MacTCP; one still closing says so */
    if (fd < 0 || ended != 0)
        return mterrors_raise(MT_connectionDoesntExist);
    state = mtconn_tcp_state(fd);
    if (state == TCP_CLOSE) {
        (void)mttcpconn_check(w, fd);   /* a reset: TCPTerminate */
        return mterrors_raise(MT_connectionDoesntExist);
    }
    if (fin_sent)
        return mterrors_raise(MT_connectionClosing);
    if (state != TCP_ESTABLISHED && state != TCP_CLOSE_WAIT)
        return mterrors_raise(MT_connectionDoesntExist);
    if (mtstream_op_begin(w) < 0)
        return NULL;
    if (shutdown(fd, SHUT_WR) < 0)
        return mttcpconn_error(w, gen, errno);
    mtdriver_lock();
    w->fin_sent = 1;
    mtdriver_unlock();
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
        if ((err = mttcpconn_check(w, fd)) != 0)
            return mttcpconn_error(w, gen, err);
        if (mtconn_outq(fd) == 0)
            break;
        if (mttcpconn_wait(w, fd, gen, 0, &forever, recheck, NULL) < 0)
            return NULL;
        if (recheck < CLOSE_RECHECK_MAX_MS)
            recheck *= 2;
    }
    mtstream_op_end(w);
    Py_RETURN_NONE;
}

static PyObject *
tcps_Abort(PyObject *self, PyObject *noargs)
{
    mtcp_watch *w = MTCP_WATCH(self);
    int gone;

    (void)noargs;
    mtdriver_lock();
    if (w->phase == MTC_LISTEN) {
        /* a MacTCP connection cancels a pending PassiveOpen */
        mtlisten_cancel(w, MT_connectionTerminated, 0);
        mtdriver_unlock();
        Py_RETURN_NONE;
    }
    if (w->fd < 0) {
        mtdriver_unlock();
        return mterrors_raise(MT_connectionDoesntExist);
    }
    gone = w->phase == MTC_CONN && (w->sock_err != 0 || mtconn_ended(w));
    mtdriver_unlock();
    if (gone && w->sock_err == 0)
        (void)mttcpconn_check(w, w->fd);    /* a reset: TCPTerminate */
    mtdriver_lock();
    if (!gone && !w->term_posted) {
        w->term_posted = 1;
        if (w->has_asr)
            mtdriver_post(w, MT_TCPTerminate, MT_TCPULPAbort);
    }
    /* either way the stream returns to its initial state */
    mtconn_drop(w, !gone);
    mtlisten_release(w);
    mtdriver_unlock();
    if (gone)   /* MacTCP: no connection to abort */
        return mterrors_raise(MT_connectionDoesntExist);
    Py_RETURN_NONE;
}

static PyObject *
tcps_Status(PyObject *self, PyObject *noargs)
{
    mtcp_watch *w = MTCP_WATCH(self);
    unsigned gen;
    int fd;
    int state;

    (void)noargs;
    fd = mttcpconn_live_fd(w, &gen);
    if (fd < 0)
        return NULL;
    state = mtconn_tcp_state(fd);
    if (state == TCP_CLOSE || state < 0) {
        /* gone (reset, or closed by both sides): MacTCP's TCPStatus has
         * no connection to report on */
        if (state == TCP_CLOSE)
            (void)mttcpconn_check(w, fd);
        return mterrors_raise(MT_connectionDoesntExist);
    }
    return mtstatus_new(fd);
}

/* ---- the type ----------------------------------------------------------- */

static PyMethodDef tcps_methods[] = {
    {"PassiveOpen", tcps_PassiveOpen, METH_VARARGS,
     "PassiveOpen(port): wait for one connection on port; returns at once"},
    {"wait", tcps_wait, METH_NOARGS,
     "wait(): block until the PassiveOpen completes"},
    {"isdone", tcps_isdone, METH_NOARGS,
     "isdone() -> 1 if no PassiveOpen is pending, else 0"},
    {"GetSockName", tcps_GetSockName, METH_NOARGS,
     "GetSockName() -> (host, port) of this side"},
    {"ActiveOpen", tcps_ActiveOpen, METH_VARARGS,
     "ActiveOpen(lport, host, rport): connect; blocks until up or failed"},
    MTTCPIO_SEND_METHODDEF
    MTTCPIO_RCV_METHODDEF
    {"Close", tcps_Close, METH_NOARGS,
     "Close(): send our FIN; returns when it is acknowledged"},
    {"Abort", tcps_Abort, METH_NOARGS,
     "Abort(): reset the connection and drop its data"},
    {"Status", tcps_Status, METH_NOARGS,
     "Status() -> TCP status object"},
    {NULL, NULL, 0, NULL}
};

static PyGetSetDef tcps_getset[] = {
    {"asr", (getter)mtstream_get_asr, (setter)mtstream_set_asr,
     "asynchronous service routine: None or callable(event, detail)", NULL},
    {NULL, NULL, NULL, NULL, NULL}
};

static PyTypeObject tcp_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "mactcp.TCPStream",
    .tp_basicsize = sizeof(mtcp_stream),
    .tp_dealloc = mtstream_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC
                | CS_TPFLAGS_METHOD_CACHE,
    .tp_doc = "MacTCP TCP stream (create with mactcp.TCPCreate)",
    .tp_traverse = mtstream_traverse,
    .tp_clear = mtstream_clear,
    .tp_methods = tcps_methods,
    .tp_getset = tcps_getset,
};

int
mttcp_ready(void)
{
    return PyType_Ready(&tcp_type);
}

PyObject *
mttcp_new(int bufsize)
{
    return mtstream_new(&tcp_type, MTW_TCP, bufsize);
}

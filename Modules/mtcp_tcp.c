/* mtcp_tcp.c - the TCP stream object ("MacTCP TCP stream") and the life
 * cycle of its connection: TCPCreate's object, PassiveOpen, ActiveOpen,
 * Close, Abort, Status and the release of the stream.  The data path (Send,
 * Rcv) is in mtcp_tcpio.c; the checks both halves make on a connection are
 * here, exported through mtcp.h.
 *
 * A stream carries one connection at a time.  PassiveOpen is asynchronous
 * (the driver accepts); everything else blocks through mtwait_fd() with
 * the GIL released.  See Doc/mactcp.rst for the semantics of each method
 * and the deliberate differences from MacPython. */
#include "mtcp.h"
#include "fdutil.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

/* Close waits for the ACK of our FIN, which carries no data the kernel
 * could timestamp (see mtcp_tcpio.c), so nothing wakes the wait: the state
 * is looked at again after this many milliseconds, doubling up to the
 * maximum. */
#define CLOSE_RECHECK_MS 1
#define CLOSE_RECHECK_MAX_MS 32

/* ---- helpers (GIL held) ------------------------------------------------- */

int
mtcp_tcp_passive_pending(mtcp_watch *w)
{
    int pending;

    mtdrv_lock();
    pending = w->phase == MTC_LISTEN;
    mtdrv_unlock();
    return pending;
}

/* lock held: remember where the descriptor was bound */
static void
remember_name(mtcp_watch *w)
{
    uint32_t host;
    int port;

    if (w->fd >= 0 && mtconn_sockname(w->fd, 0, &host, &port) == 0) {
        w->last_host = host;
        w->last_port = port;
    }
}

/* lock held: close the descriptor; `abort` sends RST */
static void
drop_fd(mtcp_watch *w, int abort)
{
    if (w->fd < 0)
        return;
    remember_name(w);
    mtdrv_forget_fd(w);
    if (abort)
        mtconn_abort_fd(w->fd);
    else
        fdutil_close(w->fd);
    w->fd = -1;
    w->phase = MTC_IDLE;
    w->conn_gen++;
}

/* lock held: has the connection on w->fd ended (both sides done, or
 * reset)? */
static int
conn_ended(mtcp_watch *w)
{
    int state;

    if (w->fd < 0 || w->phase != MTC_CONN)
        return 1;
    state = mtconn_tcp_state(w->fd);
    return state < 0 || state == TCP_CLOSE || state == TCP_TIME_WAIT;
}

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
    if (w->phase == MTC_OPENING || !conn_ended(w))
        rc = -1;
    else
        drop_fd(w, 0);
    mtdrv_unlock();
    if (rc < 0)
        mterr_raise(MT_connectionExists);
    return rc;
}

/* lock held: a MacTCP connection cancels a pending PassiveOpen */
static void
cancel_passive(mtcp_watch *w)
{
    drop_fd(w, 0);
    w->open_code = MT_connectionTerminated;
    w->open_errno = 0;
    if (w->has_asr)
        mtdrv_post(w, MT_PassiveOpenDone, 0);
}

/* Checks that the stream has a connection to use.  Returns its
 * descriptor, or -1 with an exception. */
int
mtcp_tcp_need_conn(mtcp_watch *w)
{
    int fd;
    int err;

    mtdrv_lock();
    if (w->phase == MTC_LISTEN) {
        mtdrv_unlock();
        mterr_passive_busy();
        return -1;
    }
    fd = w->phase == MTC_CONN ? w->fd : -1;
    err = w->sock_err;
    mtdrv_unlock();
    if (fd < 0) {
        mterr_raise(MT_connectionDoesntExist);
        return -1;
    }
    if (err != 0) {
        mterr_raise_errno(0, err);
        return -1;
    }
    return fd;
}

/* The connection failed with err: record it, end the call, raise. */
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

/* The descriptor was replaced (Abort or a new open from an asr) */
PyObject *
mtcp_tcp_conn_gone(mtcp_watch *w)
{
    mtcp_op_end(w);
    return mterr_raise(MT_connectionDoesntExist);
}

int
mtcp_tcp_still_ours(mtcp_watch *w, unsigned gen)
{
    int same;

    mtdrv_lock();
    same = w->conn_gen == gen && w->fd >= 0;
    mtdrv_unlock();
    return same;
}

/* After a wake-up on a connection: read the error queue (ICMP reports and
 * ACK timestamps) and SO_ERROR.  Returns 0, or the errno that ended the
 * connection. */
int
mtcp_tcp_check_conn(mtcp_watch *w, int fd)
{
    int icmp = mtconn_drain_errqueue(fd);
    int err = -fdutil_pending_error(fd);
    int state = mtconn_tcp_state(fd);

    mtdrv_lock();
    if (w->has_asr) {
        for (; icmp > 0; icmp--)
            mtdrv_post(w, MT_TCPICMPReceived, 0);
        if (err > 0 && state != TCP_CLOSE)
            mtdrv_post(w, MT_TCPICMPReceived, 0);
    }
    mtdrv_unlock();
    if (state == TCP_CLOSE)
        return err > 0 ? err : (w->sock_err ? w->sock_err : ECONNRESET);
    return 0;
}

/* ---- PassiveOpen / wait / isdone / GetSockName -------------------------- */

static PyObject *
tcps_PassiveOpen(PyObject *self, PyObject *args)
{
    mtcp_watch *w = MTCP_WATCH(self);
    struct sockaddr_in sin;
    int port;
    int fd;

    if (!PyArg_ParseTuple(args, "O&:PassiveOpen", mtcp_port_converter, &port))
        return NULL;
    if (prepare_open(w) < 0)
        return NULL;
    fd = mtconn_tcp_socket(w->bufsize);
    if (fd < 0)
        return mterr_raise_errno(0, -fd);
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_ANY);
    sin.sin_port = htons((uint16_t)port);
    if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0
        || listen(fd, 1) < 0) {
        int err = errno;

        fdutil_close(fd);
        return mterr_raise_errno(0, err);
    }
    mtdrv_lock();
    w->fd = fd;
    w->phase = MTC_LISTEN;
    w->open_code = 0;
    w->open_errno = 0;
    w->conn_gen++;
    remember_name(w);
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
    remember_name(w);
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
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    if (lport != 0) {
        sin.sin_addr.s_addr = htonl(INADDR_ANY);
        sin.sin_port = htons((uint16_t)lport);
        if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
            err = errno;
            fdutil_close(fd);
            return mterr_raise_errno(0, err);
        }
    }
    mtdrv_lock();
    w->fd = fd;
    w->phase = MTC_OPENING;
    mtconn_reset(w);
    gen = w->conn_gen;
    mtdrv_unlock();
    if (mtcp_op_begin(w) < 0)
        goto fail;

    sin.sin_addr.s_addr = htonl(host);
    sin.sin_port = htons((uint16_t)rport);
    mtwait_deadline(&forever, 0);
    if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0
        && errno != EINPROGRESS && errno != EINTR)
        err = errno;
    while (err == 0) {
        int state;
        int rc;

        err = -fdutil_pending_error(fd);
        state = mtconn_tcp_state(fd);
        if (err != 0 || state == TCP_ESTABLISHED || state == TCP_CLOSE_WAIT)
            break;
        if (state == TCP_CLOSE) {
            err = ECONNREFUSED;
            break;
        }
        rc = mtwait_fd(fd, POLLOUT, &forever, -1);
        if (rc < 0) {
            mtcp_op_end(w);
            goto fail;
        }
        if (!mtcp_tcp_still_ours(w, gen))
            return mtcp_tcp_conn_gone(w);
    }
    if (err != 0) {
        int code = mterr_code_for_errno(err);

        mtcp_op_end(w);
        mtdrv_lock();
        if (w->conn_gen == gen)
            drop_fd(w, 0);
        mtdrv_unlock();
        /* the connection never came up */
        return mterr_raise_errno(code == MT_connectionTerminated
                                 ? MT_openFailed : code, err);
    }
    (void)mtconn_tcp_connected(fd);
    mtdrv_lock();
    w->phase = MTC_CONN;
    remember_name(w);
    mtdrv_unlock();
    mtcp_op_end(w);
    Py_RETURN_NONE;

fail:   /* exception set; the open is undone */
    mtdrv_lock();
    if (w->conn_gen == gen)
        drop_fd(w, 1);
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

    (void)noargs;
    mtdrv_lock();
    if (w->phase == MTC_LISTEN) {
        cancel_passive(w);
        mtdrv_unlock();
        Py_RETURN_NONE;
    }
    fd = w->phase == MTC_CONN ? w->fd : -1;
    gen = w->conn_gen;
    if (fd >= 0 && w->fin_sent) {
        mtdrv_unlock();
        return mterr_raise(MT_connectionClosing);
    }
    mtdrv_unlock();
    if (fd < 0)
        return mterr_raise(MT_connectionDoesntExist);
    state = mtconn_tcp_state(fd);
    if (state != TCP_ESTABLISHED && state != TCP_CLOSE_WAIT) {
        int err = w->sock_err;

        if (err == 0 && state == TCP_CLOSE)
            err = mtcp_tcp_check_conn(w, fd);
        if (err != 0)
            return mterr_raise_errno(0, err);
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
        if ((err = mtcp_tcp_check_conn(w, fd)) != 0) {
            if (state == TCP_CLOSE && w->eof_seen && mtconn_outq(fd) == 0)
                break;
            return mtcp_tcp_conn_error(w, gen, err);
        }
        if (mtwait_fd(fd, 0, &forever, recheck) < 0) {
            mtcp_op_end(w);
            return NULL;
        }
        if (!mtcp_tcp_still_ours(w, gen))
            return mtcp_tcp_conn_gone(w);
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
        cancel_passive(w);
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
    drop_fd(w, 1);
    mtdrv_unlock();
    Py_RETURN_NONE;
}

static PyObject *
tcps_Status(PyObject *self, PyObject *noargs)
{
    mtcp_watch *w = MTCP_WATCH(self);
    int fd;

    (void)noargs;
    if (mtcp_tcp_passive_pending(w))
        return mterr_passive_busy();
    mtdrv_lock();
    fd = w->phase == MTC_CONN ? w->fd : -1;
    mtdrv_unlock();
    if (fd < 0)
        return mterr_raise(MT_connectionDoesntExist);
    return mtcp_status_new((mtcp_stream *)self);
}

/* ---- the type ----------------------------------------------------------- */

static void
tcps_dealloc(PyObject *self)
{
    mtcp_stream *s = (mtcp_stream *)self;
    mtcp_watch *w = &s->w;

    PyObject_GC_UnTrack(self);
    mtcp_stream_fini(s);
    if (w->fd >= 0) {
        /* MacTCP's TCPRelease aborts the connection; one we already
         * closed our side of may end gracefully instead */
        if (w->phase == MTC_CONN && !w->fin_sent && !conn_ended(w))
            mtconn_abort_fd(w->fd);
        else
            fdutil_close(w->fd);
        w->fd = -1;
    }
    Py_CLEAR(s->asr);
    Py_TYPE(self)->tp_free(self);
}

static int
tcps_traverse(PyObject *self, visitproc visit, void *arg)
{
    return mtcp_stream_traverse((mtcp_stream *)self, visit, arg);
}

static int
tcps_clear(PyObject *self)
{
    return mtcp_stream_clear((mtcp_stream *)self);
}

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
    {"Send", (PyCFunction)(void (*)(void))tcps_Send,
     METH_VARARGS | METH_KEYWORDS,
     "Send(buf, push=0, urgent=0): returns when the peer has acknowledged "
     "all of buf"},
    {"Rcv", tcps_Rcv, METH_VARARGS,
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
    .tp_dealloc = tcps_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "MacTCP TCP stream (create with mactcp.TCPCreate)",
    .tp_traverse = tcps_traverse,
    .tp_clear = tcps_clear,
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
    mtcp_stream *s = PyObject_GC_New(mtcp_stream, &mtcp_tcp_type);

    if (s == NULL)
        return NULL;
    s->asr = NULL;
    s->w.serial = 0;
    s->w.fd = -1;
    if (mtcp_stream_init(s, MTW_TCP, bufsize) < 0) {
        Py_DECREF(s);   /* tcps_dealloc copes with the partial object */
        return NULL;
    }
    PyObject_GC_Track((PyObject *)s);
    return (PyObject *)s;
}

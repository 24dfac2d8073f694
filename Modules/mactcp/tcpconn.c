/* tcpconn.c - a TCP stream's connection as its methods see it: the
 * checks and the wait that the life-cycle methods (tcp.c) and the data
 * path (tcpio.c) share, with the GIL held.  They raise mactcp.error when
 * the connection is not there for the call; mactcp.h says what each
 * returns.  Below tcp.c and tcpio.c, which both call it.
 *
 * Fast path: mttcpconn_op_begin(), the start of Send and Rcv, makes the
 * checks of mttcpconn_live_fd() (and Send's state check after our
 * Close) and mtstream_op_begin() under one lock instead of three; it raises the same errors in the same order.  Agreement:
 * test_mactcp_tcp.py::test_operations_refused_while_passive_open_pending
 * and ::test_no_connection_errors (Send and Rcv beside Status and Close),
 * ::test_send_after_a_reset_is_refused_and_the_reset_still_reported. */
#include "mactcp.h"
#include "fdutil.h"

#include <netinet/tcp.h>
#include <stdio.h>

/* The stream's connection, even one that has ended (its data can still
 * be read): its descriptor, or -1 with an exception */
static int
conn_fd(mtcp_watch *w, unsigned *gen)
{
    int fd;
    int listening;

    mtdriver_lock();
    listening = w->phase == MTC_LISTEN;
    fd = w->phase == MTC_CONN ? w->fd : -1;
    *gen = w->conn_gen;
    mtdriver_unlock();
    if (listening) {
        mterrors_passive_busy();
        return -1;
    }
    if (fd < 0) {
        mterrors_raise(MT_connectionDoesntExist);
        return -1;
    }
    return fd;
}

int
mttcpconn_live_fd(mtcp_watch *w, unsigned *gen)
{
    int fd = conn_fd(w, gen);
    int err;

    if (fd < 0)
        return -1;
    mtdriver_lock();
    err = w->sock_err;
    mtdriver_unlock();
    if (err != 0) {
        /* it ended before this call: MacTCP has no connection any more */
        mterrors_raise(MT_connectionDoesntExist);
        return -1;
    }
    return fd;
}

int
mttcpconn_refuse_state(int state, int fin_sent)
{
    char msg[64];

    /* (after our FIN the kernel is past both states already) */
    if (!fin_sent
        && (state == MT_STATE_ESTABLISHED || state == MT_STATE_CLOSE_WAIT))
        return 0;
    if (state == MT_STATE_CLOSED) {
        mterrors_raise(MT_connectionDoesntExist);
        return -1;
    }
    snprintf(msg, sizeof(msg), "Operation not allowed, connection state=%d",
             state);
    mterrors_raise_msg(msg);
    return -1;
}

int
mttcpconn_op_begin(mtcp_watch *w, int checks, unsigned *gen)
{
    enum { READY, PASSIVE, NO_CONN, FAILED, CLOSING, BUSY } why = READY;
    int fd;
    int err;

    mtdriver_lock();
    fd = w->phase == MTC_CONN ? w->fd : -1;
    *gen = w->conn_gen;
    err = w->sock_err;
    if (w->phase == MTC_LISTEN)
        why = PASSIVE;
    else if (fd < 0)
        why = NO_CONN;
    else if ((checks & MTTCPCONN_LIVE) && err != 0)
        why = FAILED;
    else if ((checks & MTTCPCONN_NO_FIN) && w->fin_sent)
        why = CLOSING;
    else if (mtstream_op_begin_locked(w) < 0)
        why = BUSY;
    mtdriver_unlock();
    switch (why) {
    case READY:
        return fd;
    case PASSIVE:
        mterrors_passive_busy();
        break;
    case NO_CONN:
        mterrors_raise(MT_connectionDoesntExist);
        break;
    case FAILED:
        /* it ended before this call */
        mterrors_raise(MT_connectionDoesntExist);
        break;
    case CLOSING:
        /* after our Close: refused by the state check (CLOSE: gone) */
        (void)mttcpconn_refuse_state(mtconn_mac_state(fd), 1);
        break;
    case BUSY:
        mtstream_op_busy();
        break;
    }
    return -1;
}

PyObject *
mttcpconn_error(mtcp_watch *w, unsigned gen, int err)
{
    mtdriver_lock();
    if (w->conn_gen == gen)
        mtconn_failed(w, err);
    mtdriver_unlock();
    mtstream_op_end(w);
    return mterrors_raise_errno(0, err);
}

int
mttcpconn_wait(mtcp_watch *w, int fd, unsigned gen, short events,
              const mtcp_deadline *d, int max_ms, short *rev)
{
    int rc = mtwait_fd_rev(fd, events, d, max_ms, rev);
    int same;

    if (rc < 0) {
        mtstream_op_end(w);
        return -1;
    }
    if (rc == 0)
        return 0;
    /* an asr that ran during the wait may have replaced the descriptor
     * (Abort, or a new open) */
    mtdriver_lock();
    same = w->conn_gen == gen && w->fd >= 0;
    mtdriver_unlock();
    if (!same) {
        mtstream_op_end(w);
        mterrors_raise(MT_connectionDoesntExist);
        return -1;
    }
    return 1;
}

int
mttcpconn_check(mtcp_watch *w, int fd)
{
    /* the state first: a reset sets SO_ERROR before the state changes,
     * so CLOSE seen here means SO_ERROR read below has its error */
    int state = mtconn_tcp_state(fd);
    int icmp = mtconn_drain_errqueue(fd);
    int err = -fdutil_pending_error(fd);
    int ended;

    mtdriver_lock();
    if (w->has_asr) {
        for (; icmp > 0; icmp--)
            mtdriver_post(w, MT_TCPICMPReceived, 0);
        if (err > 0 && state != TCP_CLOSE)
            mtdriver_post(w, MT_TCPICMPReceived, 0);
    }
    if (state == TCP_CLOSE) {
        if (err > 0)
            mtconn_failed(w, err);
        else if (w->sock_err == 0)
            mtconn_closed_without_error(w, fd);
    }
    ended = state == TCP_CLOSE ? w->sock_err : 0;
    mtdriver_unlock();
    return ended;
}

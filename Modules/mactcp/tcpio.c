/* tcpio.c - the TCP data path: Send, which returns once the peer has
 * acknowledged every byte, and Rcv, which returns what has arrived with
 * MacTCP's urgent and mark flags.  Both block through mtwait_fd() with the
 * GIL released; the connection checks they share with the life-cycle
 * methods are in tcpconn.c.
 *
 * Fast paths.  Each one's rule is here and nowhere else; each gives the
 * results of the general path it stands beside, and a test says so.
 *
 * - KEEP_GIL_MAX: copies of up to 16 KiB keep the GIL.  send() and
 *   recv() here never wait (MSG_DONTWAIT: waits are mtwait_fd()'s polls,
 *   which release the GIL), so a copy that small costs less than releasing
 *   the GIL and taking it back.  Applies to every send() of Send and
 *   recv() of Rcv of at most KEEP_GIL_MAX bytes; larger ones release the
 *   GIL around the call, the same call otherwise.  By the same bound Rcv
 *   reads into the stream's own buffer and copies what came while its
 *   buffer size is at most RCV_COPY_MAX, else into the result directly
 *   (first asking SIOCINQ above RCV_DIRECT_MAX).  Agreement:
 *   test_mactcp_tcp.py::test_data_intact_across_the_gil_threshold (Sends
 *   and buffer sizes on both sides of 16 and 64 KiB, compared byte for
 *   byte).
 *
 * - rcv_head: Rcv reads without a poll first.  Rcv reads with urgent data
 *   in mind: the data up to the urgent mark is urgent, and the kernel stops
 *   a read just before the mark, except a read that starts at the mark,
 *   which goes on past it.  So Rcv normally polls first (its wait's poll,
 *   at once when data is there: POLLPRI says urgent data is pending).  It
 *   reads at once when the first unread byte of connection rcv_head_gen is
 *   known not to be the mark (w->rcv_head): a poll of Send's wait (which
 *   looks at the receive queue once) or the end of Rcv's own read saw data
 *   and no POLLPRI; every Rcv clears it.  Such a read starts on other data
 *   and so stops before any mark; what it left in the queue (TCP_CM_INQ)
 *   tells whether it stopped there, which SIOCATMARK then decides, and
 *   after a full buffer POLLPRI does.  Without TCP_INQ (before Linux 4.18)
 *   SIOCATMARK decides every short read.  Nothing else reads the stream.
 *   Falls back to the poll first whenever the head is not known.
 *   Agreement: test_mactcp_tcp.py::test_rcv_without_a_poll_agrees (the
 *   same exchanges, urgent data included, with and without a Send that saw
 *   the data first) and the test_urgent_* tests after such a Send.
 *
 * - Send's arguments: the usual positional call, Send(buf[, push[,
 *   urgent]]) with buf bytes-like (2.7: str) and exact ints, is taken apart
 *   without the argument parser; anything else (keywords, other types,
 *   wrong counts) goes through it (CS_BUF "|ii:Send"), which also makes
 *   every error message.  Rcv's one positional timeout goes to the
 *   converter the parser would call.  Agreement:
 *   test_mactcp_tcp.py::test_send_arguments_agree_with_the_parser. */
#include "mactcp.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

/* Send waits for the ACK of its last byte.  The kernel wakes it with an
 * ACK timestamp (mtconn_tcp_connected); this limit only matters if such a
 * wake-up is lost (error queue full): then the state is looked at again
 * after this many milliseconds, doubling up to the maximum. */
#define SEND_RECHECK_MS 50
#define SEND_RECHECK_MAX_MS 1000

/* copies of at most this many bytes keep the GIL (see the header) */
#define KEEP_GIL_MAX 16384

/* ---- what Rcv may know before it reads (rcv_head, see the header) ----- */

/* A poll saw rev: the receive queue holds data and, without POLLPRI, no
 * urgent mark, so its first byte is not the mark. */
static void
note_head(mtcp_watch *w, unsigned gen, short rev)
{
    w->rcv_head = (rev & (POLLIN | POLLPRI)) == POLLIN;
    w->rcv_head_gen = gen;
}

/* ---- Send --------------------------------------------------------------- */

/* Reads one message from the error queue and posts it if it is an ICMP
 * report.  Returns 2 if it was the timestamp of the last byte sent (all
 * of it is acknowledged), 1 for another message, 0 for none. */
static int
take_reports(mtcp_watch *w, int fd)
{
    int got;
    uint32_t key = w->sent;     /* never the last byte's number */
    int icmp = mtconn_take_errqueue(fd, &got, &key);

    if (icmp > 0) {
        mtdriver_lock();
        if (w->has_asr)
            mtdriver_post(w, MT_TCPICMPReceived, 0);
        mtdriver_unlock();
    }
    if (got && key == w->sent - 1)
        return 2;
    return got;
}

/* Send of an empty buf: its error depends on the state; raises */
static void
refuse_empty(mtcp_watch *w)
{
    unsigned gen;
    int fd = mttcpconn_live_fd(w, &gen);
    int fin_sent;

    if (fd < 0)
        return;
    mtdriver_lock();
    fin_sent = w->fin_sent;
    mtdriver_unlock();
    if (mttcpconn_refuse_state(mtconn_mac_state(fd), fin_sent) == 0)
        mterrors_raise(MT_invalidLength);
}

/* Send's arguments (a fast path, see the header).  Fills *buf, to be
 * released.  0 or -1. */
static int
parse_send_args(PyObject *const *argv, Py_ssize_t nargs, PyObject *kw,
                Py_buffer *buf, int *push, int *urgent)
{
    static char *kwlist[] = {"buf", "push", "urgent", NULL};

    if (cs_no_keywords(kw) && nargs >= 1 && nargs <= 3
        && cs_fast_data(argv[0], buf)) {
        if ((nargs < 2 || cs_fast_int(argv[1], push))
            && (nargs < 3 || cs_fast_int(argv[2], urgent)))
            return 0;
        PyBuffer_Release(buf);
    }
    return cs_parse_array_kw(argv, nargs, kw, CS_BUF "|ii:Send", kwlist,
                             buf, push, urgent) ? 0 : -1;
}

static ssize_t
send_some(int fd, const char *p, size_t len, int flags, int *err)
{
    ssize_t n;

    flags |= MSG_NOSIGNAL | MSG_DONTWAIT;
    if (len <= KEEP_GIL_MAX) {
        n = send(fd, p, len, flags);
        *err = errno;
        return n;
    }
    Py_BEGIN_ALLOW_THREADS
    n = send(fd, p, len, flags);
    *err = errno;
    Py_END_ALLOW_THREADS
    return n;
}

PyObject *
mttcpio_Send(PyObject *self, CS_POSKW_PARAMS)
{
    mtcp_watch *w = MTCP_WATCH(self);
    mtcp_deadline forever;
    Py_buffer buf;
    int push = 0;
    int urgent = 0;
    Py_ssize_t off = 0;
    unsigned gen;
    int recheck = SEND_RECHECK_MS;
    int fd;
    int took = 0;
    int look;
    short rev = 0;
    PyObject *result = NULL;

    if (parse_send_args(CS_POS_ARGV, CS_POS_NARGS, CS_KW, &buf, &push,
                        &urgent) < 0)
        return NULL;
    (void)push;     /* Linux pushes at the end of every send() */
    if (buf.len == 0) {
        refuse_empty(w);
        goto done;
    }
    /* Without our FIN the connection is in Established, Close Wait or,
     * once reset, CLOSE, where send() fails without sending anything: the
     * state is asked only then. */
    fd = mttcpconn_op_begin(w, MTTCPCONN_LIVE | MTTCPCONN_NO_FIN, &gen);
    if (fd < 0)
        goto done;
    mtwait_deadline(&forever, 0);

    /* 1: hand every byte to the kernel */
    while (off < buf.len) {
        ssize_t n;
        int err;

        n = send_some(fd, (const char *)buf.buf + off,
                      (size_t)(buf.len - off), urgent ? MSG_OOB : 0, &err);
        if (n >= 0) {
            off += n;
            w->sent += (uint32_t)n;
            continue;
        }
        if (err == EINTR) {
            if (PyErr_CheckSignals() < 0) {
                mtstream_op_end(w);
                goto done;
            }
            continue;
        }
        if (err != EAGAIN && err != EWOULDBLOCK) {
            int state = off == 0 ? mtconn_mac_state(fd)
                                 : MT_STATE_ESTABLISHED;

            if (state != MT_STATE_ESTABLISHED
                && state != MT_STATE_CLOSE_WAIT) {
                /* refused as before the first send: the error send()
                 * consumed is kept for the calls that follow */
                mtdriver_lock();
                if (w->conn_gen == gen)
                    mtconn_failed(w, err);
                mtdriver_unlock();
                mtstream_op_end(w);
                (void)mttcpconn_refuse_state(state, 0);
                goto done;
            }
            result = mttcpconn_error(w, gen, err);
            goto done;
        }
        if (mttcpconn_wait(w, fd, gen, POLLOUT, &forever, -1, &rev) < 0)
            goto done;
        /* POLLERR: ACK timestamps to drain (or they would keep waking
         * the wait), an ICMP report, or the error that ended it */
        if ((rev & (POLLERR | POLLHUP))
            && (err = mttcpconn_check(w, fd)) != 0) {
            result = mttcpconn_error(w, gen, err);
            goto done;
        }
    }

    /* 2: return once the peer has acknowledged all of it.  The wait comes
     * first: its poll returns at once if the ACK's timestamp is already
     * queued, and SIOCOUTQ is asked once per wake-up.  Unless Rcv already
     * may read at once, the wait also looks at the receive queue: the
     * peer's answer often comes with the ACK, and then the Rcv that
     * follows reads it without a poll of its own (see rcv_head). */
    look = !(w->rcv_head && w->rcv_head_gen == gen);
    for (;;) {
        int outq;
        int err;
        int taken;

        if (mttcpconn_wait(w, fd, gen, look ? POLLIN | POLLPRI : 0, &forever,
                          recheck, &rev) < 0)
            goto done;
        if (look && (rev & (POLLIN | POLLPRI))) {
            /* once is enough: unread data would keep waking the wait */
            look = 0;
            note_head(w, gen, rev);
            rev &= ~(POLLIN | POLLPRI);
            if (rev == 0)
                continue;   /* data alone: the ACK is still to come */
        }
        /* woken by POLLERR: normally the ACK timestamp, taken alone (the
         * last byte's says all is acknowledged); with nothing on the
         * queue it was SO_ERROR, and a hang-up too needs the full check */
        taken = 0;
        if ((rev & POLLERR) && !(rev & POLLHUP)) {
            taken = take_reports(w, fd);
            if (taken > 0)
                took = 1;
            if (taken == 2)
                break;
        }
        if (!taken && rev != 0 && (err = mttcpconn_check(w, fd)) != 0) {
            result = mttcpconn_error(w, gen, err);
            goto done;
        }
        outq = mtconn_outq(fd);
        if (outq == 0)
            break;
        if (outq < 0) {
            result = mttcpconn_error(w, gen, -outq);
            goto done;
        }
        if (recheck < SEND_RECHECK_MAX_MS)
            recheck *= 2;
    }
    /* the ACK of the last byte queued its timestamp: take it now, or
     * the next wait on this connection would wake for it at once (more
     * of them, or an ICMP report, keep POLLERR up for that wait) */
    if (!took)
        (void)take_reports(w, fd);
    mtstream_op_end(w);
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
recv_some(int fd, char *p, size_t len, int *err)
{
    ssize_t n;

    if (len <= KEEP_GIL_MAX) {
        n = recv(fd, p, len, MSG_DONTWAIT);
        *err = errno;
        return n;
    }
    Py_BEGIN_ALLOW_THREADS
    n = recv(fd, p, len, MSG_DONTWAIT);
    *err = errno;
    Py_END_ALLOW_THREADS
    return n;
}

/* recv() that also returns what it left in the receive queue: *left, or
 * -1 when the kernel did not say */
static ssize_t
recv_left(int fd, char *p, size_t len, int *err, int *left)
{
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } ctrl;
    struct iovec iov;
    struct msghdr msg;
    struct cmsghdr *c;
    ssize_t n;

    iov.iov_base = p;
    iov.iov_len = len;
    memset(&msg, 0, sizeof(msg));
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = ctrl.buf;
    msg.msg_controllen = sizeof(ctrl.buf);
    if (len <= KEEP_GIL_MAX) {
        n = recvmsg(fd, &msg, MSG_DONTWAIT);
        *err = errno;
    }
    else {
        Py_BEGIN_ALLOW_THREADS
        n = recvmsg(fd, &msg, MSG_DONTWAIT);
        *err = errno;
        Py_END_ALLOW_THREADS
    }
    *left = -1;
    if (n > 0) {
        for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c))
            if (c->cmsg_level == IPPROTO_TCP && c->cmsg_type == TCP_CM_INQ)
                memcpy(left, CMSG_DATA(c), sizeof(*left));
    }
    return n;
}

/* Reads at most want bytes into p.  *urgent tells whether urgent data is
 * pending (POLLPRI): 1 reads the urgent data up to its mark, 0 normal
 * data; -1 means the first unread byte is not the mark (w->rcv_head), and
 * the read finds out, setting *urgent to 0 or 1.  Returns what recv()
 * returned; *mark: 1 if the data ends at the mark. */
static ssize_t
read_into(mtcp_watch *w, int fd, unsigned gen, char *p, Py_ssize_t want,
          int *urgent, int *err, int *mark)
{
    ssize_t n;
    int left;

    *mark = 0;
    if (*urgent < 0) {
        *urgent = 0;
        n = recv_left(fd, p, (size_t)want, err, &left);
        if (n <= 0 || left == 0)
            return n;   /* took all there was: no mark among it */
        if (n < want) {
            /* stopped short: at the mark (the data was urgent), or more
             * came after the read */
            if (!at_mark(fd)) {
                w->rcv_head = 1;
                w->rcv_head_gen = gen;
                return n;
            }
            *urgent = 1;
        }
        else {
            /* the buffer is full: data up to a mark further on is urgent
             * too */
            short rev = mtconn_poll_now(fd, POLLIN | POLLPRI);

            if (rev & POLLPRI)
                *urgent = 1;
            else
                note_head(w, gen, rev);
            return n;
        }
    }
    else if (*urgent && at_mark(fd)) {
        /* the byte at the mark ends the urgent data */
        n = recv_some(fd, p, 1, err);
        *mark = n == 1;
        return n;
    }
    else {
        /* the kernel stops a read just before the urgent byte */
        n = recv_some(fd, p, (size_t)want, err);
        if (!*urgent || n <= 0 || n >= want || !at_mark(fd))
            return n;
    }
    /* n bytes of urgent data read, and the mark is next */
    {
        int err2;

        if (recv_some(fd, p + n, 1, &err2) == 1) {
            n++;
            *mark = 1;
        }
    }
    return n;
}

/* Rcv reads at the stream's buffer size (see the header).  Up to
 * RCV_COPY_MAX it reads into the stream's own buffer and copies what came
 * (small reads are the common case, and a result allocated at the full
 * size would have to be shrunk); larger buffers are read into the result
 * directly, and above RCV_DIRECT_MAX after asking SIOCINQ (a big
 * allocation would cost more than the ioctl). */
#define RCV_COPY_MAX KEEP_GIL_MAX
#define RCV_DIRECT_MAX 65536

/* One attempt to read (*urgent as for read_into).  Returns the data, or
 * NULL: with an exception, or with *err set to the errno of a failed recv
 * (EAGAIN: nothing yet), or with *err = 0 and *eof = 1 at the end of the
 * data. */
static PyObject *
rcv_once(mtcp_stream *s, int fd, unsigned gen, int *urgent, int *err,
         int *eof, int *mark)
{
    Py_ssize_t want = s->w.bufsize;
    PyObject *data;
    ssize_t n;

    *err = 0;
    *eof = 0;
    if (want <= RCV_COPY_MAX) {
        if (s->rbuf == NULL) {
            s->rbuf = PyMem_Malloc((size_t)want);
            if (s->rbuf == NULL)
                return PyErr_NoMemory();
        }
        n = read_into(&s->w, fd, gen, s->rbuf, want, urgent, err, mark);
        if (n > 0)
            return PyBytes_FromStringAndSize(s->rbuf, n);
        data = NULL;
    }
    else {
        if (want > RCV_DIRECT_MAX) {
            int inq = mtconn_inq(fd);

            if (inq > 0 && inq < want)
                want = inq;
            else if (inq <= 0)
                want = RCV_DIRECT_MAX;  /* EOF, an error, or just came */
        }
        data = PyBytes_FromStringAndSize(NULL, want);
        if (data == NULL)
            return NULL;
        n = read_into(&s->w, fd, gen, PyBytes_AS_STRING(data), want, urgent,
                      err, mark);
        if (n > 0) {
            if (n < want && _PyBytes_Resize(&data, n) < 0)
                return NULL;
            return data;
        }
    }
    Py_XDECREF(data);
    if (n == 0) {
        *err = 0;
        *eof = 1;
    }
    return NULL;
}

/* (data, urgent, mark); steals data */
static PyObject *
rcv_result(PyObject *data, int urgent, int mark)
{
    PyObject *uflag = cs_int_from_long(urgent);
    PyObject *mflag = cs_int_from_long(mark);
    PyObject *result = NULL;

    if (uflag != NULL && mflag != NULL)
        result = PyTuple_New(3);
    if (result == NULL) {
        Py_DECREF(data);
        Py_XDECREF(uflag);
        Py_XDECREF(mflag);
        return NULL;
    }
    PyTuple_SET_ITEM(result, 0, data);     /* stolen */
    PyTuple_SET_ITEM(result, 1, uflag);
    PyTuple_SET_ITEM(result, 2, mflag);
    return result;
}

/* Rcv came to the end of a connection that ended with err (a reset, the
 * ULP timeout): the first such Rcv raises connectionTerminated, which
 * tells the program it was not the peer's orderly close; once that is
 * reported the connection is gone, and MacTCP says connectionDoesntExist.
 * Records err and ends the call; returns NULL. */
static PyObject *
rcv_ended(mtcp_watch *w, unsigned gen, int err)
{
    int first;

    mtdriver_lock();
    if (w->conn_gen == gen)
        mtconn_failed(w, err);
    first = !w->end_reported;
    w->end_reported = 1;
    mtstream_op_end_locked(w);
    mtdriver_unlock();
    if (first)
        return mterrors_raise_errno(0, err);
    return mterrors_raise(MT_connectionDoesntExist);
}

PyObject *
mttcpio_Rcv(PyObject *self, CS_POS_PARAMS)
{
    mtcp_stream *s = (mtcp_stream *)self;
    mtcp_watch *w = MTCP_WATCH(self);
    mtcp_deadline deadline;
    double timeout = 0;
    unsigned gen;
    int fd;
    int fast;
    short rev;

    if (CS_POS_NARGS == 1) {
        if (!mtstream_timeout_converter(CS_POS_ARGV[0], &timeout))
            return NULL;
    }
    else if (CS_POS_NARGS != 0
             && !cs_parse_array(CS_POS_ARGV, CS_POS_NARGS, "|O&:Rcv",
                                mtstream_timeout_converter, &timeout))
        return NULL;
    /* buffered data is still delivered after the connection ended */
    fd = mttcpconn_op_begin(w, 0, &gen);
    if (fd < 0)
        return NULL;
    mtwait_deadline(&deadline, timeout);
    /* what the descriptor reports decides what to do: no FIONREAD or
     * probing read before the recv, the error queue read only on
     * POLLERR, and after a wait its revents serve for the next look.
     * When the first unread byte is known (see note_head) the read comes
     * first; otherwise the wait, whose poll returns at once when there is
     * data. */
    fast = w->rcv_head && w->rcv_head_gen == gen;
    w->rcv_head = 0;
    rev = fast ? POLLIN : 0;
    for (;;) {
        PyObject *data;
        int err;
        int eof;
        int mark;
        int rc;

        if (rev & POLLERR) {
            /* ACK timestamps of our Sends, an ICMP report (posted), or
             * the error that ended the connection (recorded) */
            (void)mttcpconn_check(w, fd);
        }
        if (rev & (POLLIN | POLLPRI | POLLRDHUP | POLLHUP | POLLERR)) {
            int urgent = fast ? -1 : (rev & POLLPRI) != 0;
            int uflag = 0;

            fast = 0;
            data = rcv_once(s, fd, gen, &urgent, &err, &eof, &mark);
            if (data != NULL) {
                mtdriver_lock();
                if (urgent) {
                    uflag = !w->in_urgent;
                    w->in_urgent = !mark;
                    if (mark)
                        w->urg_armed = 1;
                }
                else
                    w->in_urgent = 0;
                w->data_armed = 1;
                mtstream_op_end_locked(w);
                mtdriver_unlock();
                return rcv_result(data, uflag, mark);
            }
            if (PyErr_Occurred()) {
                mtstream_op_end(w);
                return NULL;
            }
            if (eof) {
                int ended;
                int fin_sent;

                mtdriver_lock();
                w->eof_seen = 1;
                ended = w->sock_err;
                fin_sent = w->fin_sent;
                mtdriver_unlock();
                /* an end without our FIN having gone out first is a
                 * reset, not the peer's orderly close */
                if (ended == 0 && !fin_sent
                    && mtconn_tcp_state(fd) == TCP_CLOSE)
                    ended = mttcpconn_check(w, fd);
                if (ended != 0)
                    return rcv_ended(w, gen, ended);
                mtstream_op_end(w);
                return mterrors_raise(MT_connectionClosing);
            }
            if (err != EAGAIN && err != EWOULDBLOCK && err != EINTR) {
                if (mtconn_tcp_state(fd) != TCP_CLOSE) {
                    /* an ICMP report through SO_ERROR: the connection
                     * lives */
                    mtdriver_lock();
                    if (w->has_asr)
                        mtdriver_post(w, MT_TCPICMPReceived, 0);
                    mtdriver_unlock();
                    rev = mtconn_poll_now(fd, POLLIN | POLLPRI | POLLRDHUP);
                    continue;
                }
                return rcv_ended(w, gen, err);
            }
        }
        rc = mttcpconn_wait(w, fd, gen, POLLIN | POLLPRI | POLLRDHUP,
                           &deadline, -1, &rev);
        if (rc < 0)
            return NULL;
        if (rc == 0) {
            mtstream_op_end(w);
            return mterrors_raise(MT_commandTimeout);
        }
        if (rev == 0)   /* an asr ran: look again */
            rev = mtconn_poll_now(fd, POLLIN | POLLPRI | POLLRDHUP);
    }
}

/* conn.c - the socket side of a stream, without the GIL: socket
 * options, kernel state queries, and mtconn_service(), which reads the real
 * state of a watched descriptor, posts the asr events it implies and arms
 * the descriptor again for what is still of interest.
 *
 * mtconn_service() runs with the module lock held, from the driver when
 * epoll reports a descriptor and from a stream method when its blocking
 * call ends (or when the asr is set).  It trusts no epoll report: it polls
 * the descriptor with a zero timeout and decides from what it sees. */
#include "mactcp.h"
#include "fdutil.h"

#include <errno.h>
#include <limits.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/sockios.h>
#include <unistd.h>

/* ---- options ------------------------------------------------------------ */

static int
set_int(int fd, int level, int name, int value)
{
    if (setsockopt(fd, level, name, &value, sizeof(value)) < 0)
        return -errno;
    return 0;
}

/* Options every TCP descriptor gets before it connects or listens:
 * - SO_RCVBUF: the MacTCP buffer size sizes the receive buffer;
 * - SO_REUSEADDR: a port can be opened again at once;
 * - SO_OOBINLINE: urgent data stays in the stream, where Rcv can return
 *   all of it (MacTCP's urgent data is every byte up to the mark, not the
 *   one byte BSD's out-of-band read gives);
 * - IP_RECVERR: ICMP errors are reported (TCPICMPReceived);
 * - TCP_USER_TIMEOUT: MacPython's ULP timeout of 60 s;
 * - TCP_NODELAY: Send waits for the ACK of its last byte anyway, and Nagle
 *   would hold that last segment back for a round trip. */
static int
tcp_prepare(int fd, int bufsize)
{
    int err;

    if ((err = set_int(fd, SOL_SOCKET, SO_RCVBUF, bufsize)) < 0
        || (err = set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1)) < 0
        || (err = set_int(fd, SOL_SOCKET, SO_OOBINLINE, 1)) < 0
        || (err = set_int(fd, IPPROTO_IP, IP_RECVERR, 1)) < 0
        || (err = set_int(fd, IPPROTO_TCP, TCP_USER_TIMEOUT,
                          MT_ULP_TIMEOUT_MS)) < 0
        || (err = fdutil_set_nodelay(fd, 1)) < 0)
        return err;
    return 0;
}

/* binds fd to port on every local address */
int
mtconn_bind_any(int fd, int port)
{
    struct sockaddr_in sin;

    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_ANY);
    sin.sin_port = htons((uint16_t)port);
    if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
        return -errno;
    return 0;
}

int
mtconn_set_rcvbuf(int fd, int bufsize)
{
    return set_int(fd, SOL_SOCKET, SO_RCVBUF, bufsize);
}

int
mtconn_tcp_socket(int bufsize)
{
    int fd = fdutil_socket(AF_INET, SOCK_STREAM, 0, 1);
    int err;

    if (fd < 0)
        return fd;
    err = tcp_prepare(fd, bufsize);
    if (err < 0) {
        fdutil_close(fd);
        return err;
    }
    return fd;
}

/* ---- UDP receive buffers ------------------------------------------------ */

/* A MacTCP UDP buffer held each datagram with its IP and UDP headers, so
 * one of `size` bytes held at most size / 28 datagrams (the empty ones).
 * The kernel charges a datagram its skb's truesize instead (some 700 bytes
 * for a small one), so a receive buffer of the MacTCP size would hold far
 * fewer: the buffer is sized for that many datagrams at the kernel's cost,
 * measured once. */
#define MAC_DATAGRAM_OVERHEAD 28
#define FALLBACK_DATAGRAM_COST 1024 /* when it cannot be measured */

static int datagram_cost = 0;   /* measured; 0: not yet (GIL held) */

/* What the kernel charges a 1-byte datagram on loopback: sent to itself,
 * then read from SO_MEMINFO.  Loopback delivers before sendto() returns;
 * a datagram not there yet (or no SO_MEMINFO) gives the fallback, which
 * is more than the kernel charges, and is not remembered. */
static int
measure_datagram_cost(void)
{
    int cost = FALLBACK_DATAGRAM_COST;
#ifdef SO_MEMINFO
    uint32_t mem[SK_MEMINFO_VARS];
    socklen_t memlen = sizeof(mem);
    struct sockaddr_in sin;
    socklen_t len = sizeof(sin);
    char byte = 0;
    int fd = fdutil_socket(AF_INET, SOCK_DGRAM, 0, 1);

    if (fd < 0)
        return cost;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    memset(mem, 0, sizeof(mem));
    if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0
        && getsockname(fd, (struct sockaddr *)&sin, &len) == 0
        && sendto(fd, &byte, 1, 0, (struct sockaddr *)&sin, len) == 1
        && (mtconn_poll_now(fd, POLLIN) & POLLIN)
        && getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &memlen) == 0
        && mem[SK_MEMINFO_RMEM_ALLOC] > 0) {
        cost = (int)mem[SK_MEMINFO_RMEM_ALLOC];
        datagram_cost = cost;
    }
    fdutil_close(fd);
#endif
    return cost;
}

/* SO_RCVBUF for a MacTCP buffer of bufsize bytes: at least bufsize, and
 * room for bufsize / 28 datagrams at the kernel's cost (SO_RCVBUF is
 * doubled by the kernel; it refuses a datagram only once the charge is
 * over the buffer).  Above net.core.rmem_max it takes SO_RCVBUFFORCE,
 * where allowed (CAP_NET_ADMIN); otherwise the kernel's cap stands. */
static int
size_udp_buffer(int fd, int bufsize)
{
    long long cost = datagram_cost > 0 ? datagram_cost
                                       : measure_datagram_cost();
    long long want = (long long)(bufsize / MAC_DATAGRAM_OVERHEAD) * cost / 2;
    int value;
    int got = 0;
    socklen_t len = sizeof(got);
    int err;

    if (want < bufsize)
        want = bufsize;
    value = want > INT_MAX / 2 ? INT_MAX / 2 : (int)want;
    if ((err = set_int(fd, SOL_SOCKET, SO_RCVBUF, value)) < 0)
        return err;
    if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &len) == 0
        && got / 2 < value)
        (void)set_int(fd, SOL_SOCKET, SO_RCVBUFFORCE, value);
    return 0;
}

/* A UDP socket bound to port, with a receive buffer that holds what the
 * MacTCP buffer did; IP_RECVERR reports ICMP errors (UDPICMPReceived). */
int
mtconn_udp_socket(int bufsize, int port)
{
    int fd = fdutil_socket(AF_INET, SOCK_DGRAM, 0, 1);
    int err;

    if (fd < 0)
        return fd;
    if ((err = size_udp_buffer(fd, bufsize)) < 0
        || (err = set_int(fd, IPPROTO_IP, IP_RECVERR, 1)) < 0
        || (err = mtconn_bind_any(fd, port)) < 0) {
        fdutil_close(fd);
        return err;
    }
    return fd;
}

/* After the connection is up: the kernel queues a timestamp on the error
 * queue when the last byte of each send() is acknowledged.  That makes the
 * peer's ACK a wake-up (POLLERR) for Send, which returns only once all its
 * data is acknowledged; without it Send would have to poll TCP_INFO.
 * With OPT_ID each timestamp carries the number of the byte it is for,
 * counted from 0 at this point (before any data is sent), modulo 2**32:
 * the kernel acknowledges cumulatively, so the timestamp of the last byte
 * Send handed over says that all of it is acknowledged.  That number is in
 * the IP_RECVERR message; the time itself is not wanted, so no reporting
 * flag (SOF_TIMESTAMPING_SOFTWARE) asks the kernel for a second control
 * message with it. */
int
mtconn_tcp_connected(int fd)
{
    int flags = SOF_TIMESTAMPING_TX_ACK | SOF_TIMESTAMPING_OPT_TSONLY
                | SOF_TIMESTAMPING_OPT_ID;
    int err;

    err = set_int(fd, SOL_SOCKET, SO_TIMESTAMPING, flags);
    if (err < 0)
        return err;
    /* each read reports what it left in the receive queue (TCP_CM_INQ):
     * that is how Rcv can read without polling first (tcpio.c);
     * without it (before Linux 4.18) Rcv asks SIOCATMARK instead */
    (void)set_int(fd, IPPROTO_TCP, TCP_INQ, 1);
    /* accepted sockets inherit most options; set the rest again */
    (void)set_int(fd, SOL_SOCKET, SO_OOBINLINE, 1);
    (void)set_int(fd, IPPROTO_IP, IP_RECVERR, 1);
    (void)set_int(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, MT_ULP_TIMEOUT_MS);
    (void)fdutil_set_nodelay(fd, 1);
    return 0;
}

/* ---- queries ------------------------------------------------------------ */

int
mtconn_tcp_state(int fd)
{
    struct tcp_info info;
    socklen_t len = sizeof(info);

    if (fd < 0 || getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) < 0)
        return -1;
    return info.tcpi_state;
}

int
mtconn_mac_state(int fd)
{
    switch (mtconn_tcp_state(fd)) {
    case TCP_LISTEN: return MT_STATE_LISTEN;
    case TCP_SYN_RECV: return MT_STATE_SYN_RECEIVED;
    case TCP_SYN_SENT: return MT_STATE_SYN_SENT;
    case TCP_ESTABLISHED: return MT_STATE_ESTABLISHED;
    case TCP_FIN_WAIT1: return MT_STATE_FIN_WAIT1;
    case TCP_FIN_WAIT2: return MT_STATE_FIN_WAIT2;
    case TCP_CLOSE_WAIT: return MT_STATE_CLOSE_WAIT;
    case TCP_CLOSING: return MT_STATE_CLOSING;
    case TCP_LAST_ACK: return MT_STATE_LAST_ACK;
    case TCP_TIME_WAIT: return MT_STATE_TIME_WAIT;
    default: return MT_STATE_CLOSED;
    }
}

/* bytes in a queue of the socket: SIOCINQ or SIOCOUTQ */
static int
queued(int fd, unsigned long request)
{
    int n = 0;

    if (ioctl(fd, request, &n) < 0)
        return -errno;
    return n;
}

int
mtconn_inq(int fd)
{
    return queued(fd, SIOCINQ);
}

int
mtconn_outq(int fd)
{
    return queued(fd, SIOCOUTQ);
}

short
mtconn_poll_now(int fd, short events)
{
    struct pollfd p;
    int rc;

    p.fd = fd;
    p.events = events;
    p.revents = 0;
    do
        rc = poll(&p, 1, 0);
    while (rc < 0 && errno == EINTR);
    return rc > 0 ? p.revents : 0;
}

/* Reads up to `limit` messages (limit < 0: all) from the error queue.
 * Returns the number of ICMP reports among them; the acknowledgement
 * timestamps that Send uses as wake-ups are dropped.  *got: how many
 * messages were read; *key: the byte number of the last timestamp read
 * (see mtconn_tcp_connected), left alone when there was none. */
static int
read_errqueue(int fd, int limit, int *got, uint32_t *key)
{
    int icmp = 0;

    *got = 0;

    for (; limit != 0; limit--) {
        char data[64];
        union {
            char buf[512];
            struct cmsghdr align;
        } ctrl;
        struct iovec iov;
        struct msghdr msg;
        struct cmsghdr *c;
        ssize_t n;

        iov.iov_base = data;
        iov.iov_len = sizeof(data);
        memset(&msg, 0, sizeof(msg));
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = ctrl.buf;
        msg.msg_controllen = sizeof(ctrl.buf);
        n = recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        (*got)++;
        for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
            if ((c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR)
                || (c->cmsg_level == SOL_IPV6
                    && c->cmsg_type == IPV6_RECVERR)) {
                struct sock_extended_err ee;

                memcpy(&ee, CMSG_DATA(c), sizeof(ee));
                if (ee.ee_origin == SO_EE_ORIGIN_TIMESTAMPING)
                    *key = ee.ee_data;
                else if (ee.ee_origin == SO_EE_ORIGIN_ICMP
                    || ee.ee_origin == SO_EE_ORIGIN_ICMP6)
                    icmp++;
            }
        }
    }
    return icmp;
}

int
mtconn_drain_errqueue(int fd)
{
    int got;
    uint32_t key;

    return read_errqueue(fd, -1, &got, &key);
}

int
mtconn_take_errqueue(int fd, int *got, uint32_t *key)
{
    return read_errqueue(fd, 1, got, key);
}

int
mtconn_sockname(int fd, int peer, uint32_t *host, int *port)
{
    struct sockaddr_in sin;
    socklen_t len = sizeof(sin);
    int rc;

    memset(&sin, 0, sizeof(sin));
    rc = peer ? getpeername(fd, (struct sockaddr *)&sin, &len)
              : getsockname(fd, (struct sockaddr *)&sin, &len);
    if (rc < 0 || sin.sin_family != AF_INET) {
        *host = 0;
        *port = 0;
        return rc < 0 ? -errno : -EAFNOSUPPORT;
    }
    *host = ntohl(sin.sin_addr.s_addr);
    *port = ntohs(sin.sin_port);
    return 0;
}

/* RST instead of FIN: linger with a zero timeout, then close */
int
mtconn_abort_fd(int fd)
{
    struct linger lg;

    lg.l_onoff = 1;
    lg.l_linger = 0;
    (void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
    return fdutil_close(fd);
}

/* ---- state changes (lock held) ------------------------------------------ */

void
mtconn_reset(mtcp_watch *w)
{
    w->conn_gen++;
    w->data_armed = 1;
    w->urg_armed = 1;
    w->eof_seen = 0;
    w->closing_posted = 0;
    w->term_posted = 0;
    w->fin_sent = 0;
    w->in_urgent = 0;
    w->sock_err = 0;
    w->end_reported = 0;
    w->sent = 0;
    w->rcv_head = 0;
}

/* remember where the descriptor was bound, for GetSockName after it is
 * gone */
void
mtconn_remember_name(mtcp_watch *w)
{
    uint32_t host;
    int port;

    if (w->fd >= 0 && mtconn_sockname(w->fd, 0, &host, &port) == 0) {
        w->last_host = host;
        w->last_port = port;
    }
}

/* Disconnecting (connect with AF_UNSPEC) moves the socket to CLOSE: a
 * listener stops listening (keeping a port it was bound to by number), and
 * a live connection is reset, as an abort does.  poll() reports it as
 * POLLHUP, which is how mtconn_drop() ends what a blocking call of another
 * thread waits for: close() alone would not (that thread's poll() keeps
 * the socket open, waiting forever, and an aborted connection would send
 * its RST only then).  drop() only meets live connections when it aborts
 * them. */
void
mtconn_disconnect(int fd)
{
    struct sockaddr unspec;

    memset(&unspec, 0, sizeof(unspec));
    unspec.sa_family = AF_UNSPEC;
    (void)connect(fd, &unspec, sizeof(unspec));
}

void
mtconn_drop(mtcp_watch *w, int abort)
{
    if (w->fd < 0)
        return;
    mtconn_remember_name(w);
    if (w->ops > 0)
        mtconn_disconnect(w->fd);
    mtdriver_forget_fd(w);
    if (abort)
        mtconn_abort_fd(w->fd);
    else
        fdutil_close(w->fd);
    w->fd = -1;
    w->phase = MTC_IDLE;
    w->conn_gen++;
}

int
mtconn_ended(mtcp_watch *w)
{
    int state;

    if (w->fd < 0 || w->phase != MTC_CONN)
        return 1;
    state = mtconn_tcp_state(w->fd);
    return state < 0 || state == TCP_CLOSE || state == TCP_TIME_WAIT;
}

/* The connection is in CLOSE and no error was recorded for it.  A reset
 * leaves its error in SO_ERROR until someone reads it, and every reader
 * records it (mtconn_failed), so SO_ERROR decides.  Without an error: if
 * our FIN went out, the connection ended in order -- after TIME_WAIT or
 * LAST_ACK the kernel reports CLOSE, whether or not the peer's FIN has
 * been read yet; without our FIN, only a reset ends a connection. */
void
mtconn_closed_without_error(mtcp_watch *w, int fd)
{
    int err = -fdutil_pending_error(fd);

    if (err > 0)
        mtconn_failed(w, err);
    else if (!w->fin_sent)
        mtconn_failed(w, ECONNRESET);
    else
        w->eof_seen = 1;    /* CLOSE after our FIN needs the peer's FIN */
}

/* The connection ended with `err`: TCPTerminate, once per connection */
void
mtconn_failed(mtcp_watch *w, int err)
{
    if (w->sock_err == 0)
        w->sock_err = err;
    if (!w->term_posted) {
        w->term_posted = 1;
        if (w->has_asr)
            mtdriver_post(w, MT_TCPTerminate, mterrors_reason_for_errno(err));
    }
}

/* Looks at a connection and posts what it finds.  Returns the revents it
 * saw (0 when the descriptor needs no more watching). */
static short
conn_events(mtcp_watch *w)
{
    int fd = w->fd;
    short rev = mtconn_poll_now(fd, POLLIN | POLLPRI | POLLRDHUP);
    int inq = mtconn_inq(fd);
    int state;

    if (rev & POLLRDHUP)
        w->eof_seen = 1;
    /* data that came before a reset is still there to read: report it
     * before the reset */
    if (!w->term_posted) {
        if (w->urg_armed && (rev & POLLPRI)) {
            w->urg_armed = 0;
            mtdriver_post(w, MT_TCPUrgent, 0);
        }
        if (w->data_armed && inq > 0) {
            w->data_armed = 0;
            mtdriver_post(w, MT_TCPDataArrival, 0);
        }
    }
    if (rev & POLLERR) {
        int icmp = mtconn_drain_errqueue(fd);
        int err = -fdutil_pending_error(fd);

        for (; icmp > 0; icmp--)
            mtdriver_post(w, MT_TCPICMPReceived, 0);
        if (err > 0) {
            /* With IP_RECVERR an ICMP error on a live connection is
             * reported through SO_ERROR and the connection goes on. */
            if (mtconn_tcp_state(fd) != TCP_CLOSE)
                mtdriver_post(w, MT_TCPICMPReceived, 0);
            else
                mtconn_failed(w, err);
        }
    }
    state = mtconn_tcp_state(fd);
    if (state == TCP_CLOSE && w->sock_err == 0)
        mtconn_closed_without_error(w, fd);
    if (w->sock_err != 0)
        return 0;

    if (w->eof_seen && inq == 0 && !w->closing_posted) {
        w->closing_posted = 1;
        mtdriver_post(w, MT_TCPClosing, 0);
    }
    if (w->eof_seen && w->fin_sent && inq == 0 && !w->term_posted
        && state != TCP_FIN_WAIT1 && state != TCP_CLOSING
        && state != TCP_LAST_ACK) {
        w->term_posted = 1;
        mtdriver_post(w, MT_TCPTerminate, MT_TCPULPClose);
    }
    if (w->term_posted || (rev & POLLHUP))
        return 0;   /* HUP is level-triggered and cannot be masked */
    return rev | POLLOUT;   /* non-zero: keep watching */
}

static void
tcp_service(mtcp_watch *w, int from_op)
{
    uint32_t mask;

    if (w->fd < 0 || (w->ops > 0 && !from_op)) {
        mtdriver_forget_fd(w);
        return;
    }
    if (w->phase != MTC_CONN || !w->has_asr || from_op) {
        mtdriver_forget_fd(w);
        return;
    }
    if (conn_events(w) == 0) {
        mtdriver_forget_fd(w);
        return;
    }
    mask = EPOLLONESHOT;
    if (!w->eof_seen) {
        mask |= EPOLLRDHUP;
        if (w->data_armed)
            mask |= EPOLLIN;
        if (w->urg_armed)
            mask |= EPOLLPRI;
    }
    (void)mtdriver_arm(w, mask);
}

static void
udp_service(mtcp_watch *w, int from_op)
{
    short rev;

    if (w->fd < 0 || !w->has_asr || (w->ops > 0 && !from_op) || from_op) {
        mtdriver_forget_fd(w);
        return;
    }
    rev = mtconn_poll_now(w->fd, POLLIN);
    if (rev & POLLERR) {
        int icmp = mtconn_drain_errqueue(w->fd);

        /* the same report is also in SO_ERROR: clear it, or the next
         * Read or Write would fail with it */
        (void)fdutil_pending_error(w->fd);
        for (; icmp > 0; icmp--)
            mtdriver_post(w, MT_UDPICMPReceived, 0);
    }
    if ((rev & POLLIN) && w->data_armed) {
        w->data_armed = 0;
        mtdriver_post(w, MT_UDPDataArrival, 0);
    }
    (void)mtdriver_arm(w, EPOLLONESHOT | (w->data_armed ? EPOLLIN : 0));
}

void
mtconn_service(mtcp_watch *w, int from_op)
{
    switch (w->kind) {
    case MTW_TCP:
        tcp_service(w, from_op);
        break;
    case MTW_UDP:
        udp_service(w, from_op);
        break;
    default:
        mtdriver_forget_fd(w);
    }
}

/* listen.c - the listening ports that PassiveOpen shares.  MacTCP has no
 * listen backlog: each PassiveOpen waits for one connection, several
 * streams may wait on one port at once (the "N listens" of classic Mac
 * servers), and a connection that finds no PassiveOpen waiting is
 * refused.  Here one kernel socket per local port serves every stream
 * waiting on it; the driver accepts and hands each connection to the
 * stream whose PassiveOpen came first.  (MacPython's PassiveOpen accepts
 * any remote host and port, so a port is the only key.)
 *
 * A port's socket is bound with an explicit port number (for port 0, one
 * a scratch socket found free), so it keeps its port while it does not
 * listen.  Its states:
 * - LISTEN: streams wait.  The backlog lets the kernel complete as many
 *   handshakes as streams wait (listen(n - 1) holds n), so a peer beyond
 *   them gets no SYN-ACK; its TCP retries the SYN and finds the port in
 *   one of the states below.
 * - DRAIN: the last waiting stream has just been given its connection.
 *   The kernel completes handshakes by itself, and one that began in the
 *   same round trip as that stream's cannot be refused any more.  For
 *   DRAIN_MS the socket keeps listening with a filter that drops new SYNs
 *   (SO_ATTACH_FILTER), so such late handshakes complete; their
 *   connections are held for the next PassiveOpen on the port.  New peers
 *   get no answer: their TCP retries after 1 s and 3 s.
 * - IDLE: nobody waits: the socket is bound but does not listen, so the
 *   kernel refuses every connection (RST), as MacTCP did, and no other
 *   program can take the port (SO_REUSEADDR is off while it is idle).
 *   Connections still held when DRAIN ends are reset then: the one case
 *   of a connection accepted and then reset, which only a handshake racing
 *   the last PassiveOpen's can meet.
 * A PassiveOpen cancelled by Close, Abort or the stream's deletion makes
 * the port IDLE at once when nobody else waits.
 *
 * Each stream that waits on a port, or holds a connection accepted on it,
 * holds a reference; the port (and its number) is released when the last
 * one lets go: at the stream's next open, Abort or deletion.
 *
 * Everything here runs with the module lock held, except mtlisten_open,
 * which makes a port (GIL held).  The port's socket and its timer are
 * watches of their own, serviced by the driver through the function
 * pointers given to mtdriver_attach. */
#include "mactcp.h"
#include "fdutil.h"

#include <errno.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#define DRAIN_MS 1500       /* > the 1 s after which the kernel repeats a
                             * SYN-ACK whose ACK found the queue full */
#define HELD_MAX 64         /* connections held while nobody waits */

enum { PORT_IDLE = 0, PORT_LISTEN = 1, PORT_DRAIN = 2 };

struct mtcp_port {
    mtcp_watch lw;          /* lw.fd: the bound socket */
    mtcp_watch tw;          /* tw.fd: the DRAIN timer (timerfd) */
    mtcp_port *next;        /* the list of ports */
    int port;
    int refs;               /* streams waiting on it or connected through
                             * it */
    int state;              /* PORT_* */
    int waiting;            /* streams in the queue below */
    mtcp_watch *first;      /* the waiting streams, oldest first, linked
                             * through next_waiting */
    mtcp_watch *last;
    int held[HELD_MAX];     /* accepted while nobody waited, oldest first */
    int nheld;
};

static mtcp_port *ports = NULL;     /* guarded by the module lock */

static mtcp_port *
port_of_listener(mtcp_watch *lw)
{
    return (mtcp_port *)((char *)lw - offsetof(mtcp_port, lw));
}

static mtcp_port *
port_of_timer(mtcp_watch *tw)
{
    return (mtcp_port *)((char *)tw - offsetof(mtcp_port, tw));
}

static void
poke(int fd)
{
    uint64_t one = 1;
    ssize_t n;

    if (fd < 0)
        return;
    do
        n = write(fd, &one, sizeof(one));
    while (n < 0 && errno == EINTR);
}

static int
set_reuse(int fd, int on)
{
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0)
        return -errno;
    return 0;
}

/* DRAIN's filter: drop segments with SYN and without ACK (new handshakes),
 * pass everything else (the ACKs that complete handshakes under way).  At
 * a listener, the filter sees the packet from its TCP header on. */
static void
drop_new_syns(int fd, int on)
{
    static struct sock_filter code[] = {
        BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 13),        /* TCP flags */
        BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0x12),     /* SYN | ACK */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x02, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, 0),                  /* drop */
        BPF_STMT(BPF_RET | BPF_K, 0xFFFFFFFFu),        /* keep */
    };
    struct sock_fprog prog;
    int dummy = 0;

    if (on) {
        prog.len = (unsigned short)(sizeof(code) / sizeof(code[0]));
        prog.filter = code;
        (void)setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
                         sizeof(prog));
    }
    else
        (void)setsockopt(fd, SOL_SOCKET, SO_DETACH_FILTER, &dummy,
                         sizeof(dummy));
}

static void
set_timer(mtcp_port *p, int ms)
{
    struct itimerspec its;

    memset(&its, 0, sizeof(its));
    its.it_value.tv_sec = ms / 1000;
    its.it_value.tv_nsec = (long)(ms % 1000) * 1000000L;
    (void)timerfd_settime(p->tw.fd, 0, &its, NULL);
    (void)mtdriver_arm(&p->tw, ms > 0 ? EPOLLIN : 0);
}

/* ---- the queue of waiting streams -------------------------------------- */

static void
enqueue(mtcp_port *p, mtcp_watch *w)
{
    w->next_waiting = NULL;
    if (p->last != NULL)
        p->last->next_waiting = w;
    else
        p->first = w;
    p->last = w;
    p->waiting++;
}

/* takes w out of the queue; 1 if it was there */
static int
dequeue(mtcp_port *p, mtcp_watch *w)
{
    mtcp_watch **link = &p->first;
    mtcp_watch *prev = NULL;

    while (*link != NULL && *link != w) {
        prev = *link;
        link = &(*link)->next_waiting;
    }
    if (*link == NULL)
        return 0;
    *link = w->next_waiting;
    if (p->last == w)
        p->last = prev;
    w->next_waiting = NULL;
    p->waiting--;
    return 1;
}

/* ---- states ------------------------------------------------------------ */

/* Nobody waits: stop listening (the kernel resets what its queue holds),
 * reset what is held, and keep the port bound */
static void
go_idle(mtcp_port *p)
{
    int i;

    for (i = 0; i < p->nheld; i++)
        mtconn_abort_fd(p->held[i]);
    p->nheld = 0;
    if (p->state == PORT_IDLE)
        return;
    set_timer(p, 0);
    mtdriver_forget_fd(&p->lw);
    drop_new_syns(p->lw.fd, 0);
    /* off before it stops listening: an idle socket without SO_REUSEADDR
     * keeps other programs off the port */
    (void)set_reuse(p->lw.fd, 0);
    mtconn_disconnect(p->lw.fd);
    p->state = PORT_IDLE;
}

/* Listens for as many connections as streams wait (waiting > 0) */
static int
listen_for_waiting(mtcp_port *p)
{
    int err;

    if (p->state == PORT_IDLE && (err = set_reuse(p->lw.fd, 1)) < 0)
        return err;
    if (listen(p->lw.fd, p->waiting - 1) < 0) {
        err = -errno;
        if (p->state == PORT_IDLE)
            (void)set_reuse(p->lw.fd, 0);
        return err;
    }
    if (p->state == PORT_DRAIN) {
        set_timer(p, 0);
        drop_new_syns(p->lw.fd, 0);
    }
    p->state = PORT_LISTEN;
    return 0;
}

/* ---- connections ------------------------------------------------------- */

/* The PassiveOpen of w, first in the queue, ends with connection fd */
static void
give(mtcp_port *p, int fd)
{
    mtcp_watch *w = p->first;

    (void)dequeue(p, w);
    (void)mtconn_tcp_connected(fd);
    (void)mtconn_set_rcvbuf(fd, w->bufsize);
    w->fd = fd;
    mtconn_reset(w);
    w->phase = MTC_CONN;
    w->open_code = 0;
    w->open_errno = 0;
    if (w->has_asr)
        mtdriver_post(w, MT_PassiveOpenDone, 0);
    poke(w->done_fd);
    if (w->ops == 0)
        mtconn_service(w, 0);   /* watch the connection for the asr */
}

/* The PassiveOpen of w ends without a connection: wait() raises code */
static void
fail(mtcp_watch *w, int code, int err)
{
    w->phase = MTC_IDLE;
    w->conn_gen++;
    w->open_code = code;
    w->open_errno = err;
    if (w->has_asr)
        mtdriver_post(w, MT_PassiveOpenDone, 0);
    poke(w->done_fd);
}

/* Accepts every connection the kernel completed: to the waiting streams
 * in order, else held */
static void
accept_all(mtcp_port *p)
{
    while (p->state != PORT_IDLE) {
        int fd = fdutil_accept(p->lw.fd, NULL, NULL, 1);

        if (fd < 0) {
            mtcp_watch *w = p->first;

            switch (-fd) {
            case EINTR:
            case ECONNABORTED:      /* the peer gave up first */
            case EPROTO:
                continue;
            case EAGAIN:
                return;
            default:
                /* out of descriptors or memory: the PassiveOpen fails;
                 * with none left to fail, the port stops listening (the
                 * connection would keep waking the driver) */
                if (w == NULL) {
                    go_idle(p);
                    return;
                }
                (void)dequeue(p, w);
                fail(w, mterrors_code_for_errno(-fd), -fd);
                continue;
            }
        }
        if (p->first != NULL)
            give(p, fd);
        else if (p->nheld < HELD_MAX)
            p->held[p->nheld++] = fd;
        else
            mtconn_abort_fd(fd);
    }
}

/* After connections were given: the backlog follows the waiting streams;
 * when none waits any more, DRAIN begins */
static void
settle(mtcp_port *p)
{
    if (p->state != PORT_LISTEN)
        return;
    if (p->waiting > 0) {
        (void)listen(p->lw.fd, p->waiting - 1);
        return;
    }
    (void)listen(p->lw.fd, 0);
    drop_new_syns(p->lw.fd, 1);
    p->state = PORT_DRAIN;
    set_timer(p, DRAIN_MS);
}

/* the driver's service of the port's socket (an mtcp_service_fn) */
static void
listener_service(mtcp_watch *lw, int from_op)
{
    mtcp_port *p = port_of_listener(lw);

    (void)from_op;
    accept_all(p);
    settle(p);
    (void)mtdriver_arm(lw, p->state != PORT_IDLE ? EPOLLIN : 0);
}

/* the driver's service of the DRAIN timer */
static void
timer_service(mtcp_watch *tw, int from_op)
{
    mtcp_port *p = port_of_timer(tw);
    uint64_t expirations;

    (void)from_op;
    if (read(tw->fd, &expirations, sizeof(expirations)) < 0
        && errno == EAGAIN) {
        (void)mtdriver_arm(tw, p->state == PORT_DRAIN ? EPOLLIN : 0);
        return;     /* re-armed since the report */
    }
    if (p->state == PORT_DRAIN)
        go_idle(p);
    (void)mtdriver_arm(tw, 0);
}

/* ---- making and releasing ports ---------------------------------------- */

/* A TCP socket bound to port on every address with the port locked (a
 * socket bound to port 0 would lose its port when it stops listening):
 * port 0 takes one a scratch socket found free.  fd or -errno; *bound:
 * the port. */
static int
bind_port(int port, int bufsize, int *bound)
{
    int fd;
    int scratch = -1;
    int err;
    uint32_t host;

    if (port == 0) {
        scratch = mtconn_tcp_socket(bufsize);
        if (scratch < 0)
            return scratch;
        if ((err = mtconn_bind_any(scratch, 0)) < 0
            || (err = mtconn_sockname(scratch, 0, &host, &port)) < 0) {
            fdutil_close(scratch);
            return err;
        }
    }
    fd = mtconn_tcp_socket(bufsize);
    if (fd >= 0 && (err = mtconn_bind_any(fd, port)) < 0) {
        fdutil_close(fd);
        fd = err;
    }
    if (scratch >= 0)
        fdutil_close(scratch);
    *bound = port;
    return fd;
}

/* a new port, registered with the driver, IDLE; GIL held, lock not held */
static int
make_port(int port, int bufsize, mtcp_port **out)
{
    mtcp_port *p = calloc(1, sizeof(*p));
    int err;

    if (p == NULL)
        return -ENOMEM;
    p->lw.kind = p->tw.kind = MTW_PORT;
    p->lw.fd = bind_port(port, bufsize, &p->port);
    p->tw.fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (p->lw.fd < 0 || p->tw.fd < 0) {
        err = p->lw.fd < 0 ? p->lw.fd : -errno;
        goto error;
    }
    (void)set_reuse(p->lw.fd, 0);   /* idle */
    if ((err = mtdriver_attach(&p->lw, listener_service)) < 0)
        goto error;
    if ((err = mtdriver_attach(&p->tw, timer_service)) < 0) {
        mtdriver_detach(&p->lw);
        goto error;
    }
    p->state = PORT_IDLE;
    *out = p;
    return 0;

error:
    if (p->lw.fd >= 0)
        fdutil_close(p->lw.fd);
    if (p->tw.fd >= 0)
        fdutil_close(p->tw.fd);
    free(p);
    return err;
}

/* the last reference went: the port is closed and its number free */
static void
destroy(mtcp_port *p)
{
    mtcp_port **link = &ports;

    while (*link != NULL && *link != p)
        link = &(*link)->next;
    if (*link != NULL)
        *link = p->next;
    go_idle(p);
    mtdriver_unregister(&p->lw);
    mtdriver_unregister(&p->tw);
    fdutil_close(p->lw.fd);
    fdutil_close(p->tw.fd);
    free(p);
}

static void
unref(mtcp_port *p)
{
    if (--p->refs == 0)
        destroy(p);
}

/* ---- what the stream methods call -------------------------------------- */

int
mtlisten_open(mtcp_watch *w, int port)
{
    mtcp_port *p = NULL;
    mtcp_port *old;
    int err;

    if (w->done_fd < 0) {
        w->done_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (w->done_fd < 0)
            return -errno;
    }
    mtdriver_lock();
    if (port != 0)
        for (p = ports; p != NULL && p->port != port; p = p->next)
            ;
    if (p != NULL)
        p->refs++;
    mtdriver_unlock();
    if (p == NULL) {
        /* only GIL holders make or destroy ports: no other can come */
        err = make_port(port, w->bufsize, &p);
        if (err < 0)
            return err;
        mtdriver_lock();
        p->refs = 1;
        p->next = ports;
        ports = p;
    }
    else
        mtdriver_lock();
    mtlisten_clear(w);
    enqueue(p, w);
    err = listen_for_waiting(p);
    if (err < 0) {
        (void)dequeue(p, w);
        if (p->waiting == 0)
            go_idle(p);
        unref(p);
        mtdriver_unlock();
        return err;
    }
    old = w->lport;
    w->lport = p;
    if (old != NULL)
        unref(old);
    w->phase = MTC_LISTEN;
    w->open_code = 0;
    w->open_errno = 0;
    w->conn_gen++;
    w->last_host = 0;
    w->last_port = p->port;
    /* connections held for the next PassiveOpen go first */
    while (p->nheld > 0 && p->first != NULL) {
        int fd = p->held[0];

        p->nheld--;
        memmove(p->held, p->held + 1, (size_t)p->nheld * sizeof(int));
        give(p, fd);
    }
    listener_service(&p->lw, 1);
    mtdriver_unlock();
    return 0;
}

void
mtlisten_poll(mtcp_watch *w)
{
    if (w->phase == MTC_LISTEN && w->lport != NULL)
        listener_service(&w->lport->lw, 1);
}

void
mtlisten_cancel(mtcp_watch *w, int code, int err)
{
    mtcp_port *p = w->lport;

    if (w->phase != MTC_LISTEN || p == NULL)
        return;
    (void)dequeue(p, w);
    fail(w, code, err);
    if (p->waiting == 0)
        go_idle(p);
    else if (p->state == PORT_LISTEN)
        (void)listen(p->lw.fd, p->waiting - 1);
    mtlisten_release(w);
}

void
mtlisten_release(mtcp_watch *w)
{
    mtcp_port *p = w->lport;

    if (p == NULL)
        return;
    w->lport = NULL;
    unref(p);
}

void
mtlisten_clear(mtcp_watch *w)
{
    uint64_t value;
    ssize_t n;

    if (w->done_fd < 0)
        return;
    do
        n = read(w->done_fd, &value, sizeof(value));
    while (n < 0 && errno == EINTR);
}

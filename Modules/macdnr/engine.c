/* engine.c - the resolver thread: every query in flight, over UDP, with
 * one epoll loop.  Nothing here touches a Python object or the GIL.
 *
 * - One mutex (`lock`) guards the lists, every query's refs/done/efd and
 *   the thread's state.  Python threads hand queries over through the
 *   `incoming` list and an eventfd; the thread owns them from then on.
 * - Each query has its own UDP socket, connect()ed to the server of the
 *   try in flight: the kernel drops datagrams from anyone else and reports
 *   a closed port (ICMP) as ECONNREFUSED, so a dead server is left at
 *   once.  An answer counts only with the query's random id and question
 *   (wire.c).
 * - Tries: the servers in the query's order, `attempts` rounds, each try
 *   waiting `timeout` seconds; a server that answered with an error
 *   (SERVFAIL, REFUSED, ...) is not asked again.  All tries used: dnrErr
 *   if a server answered with an error, else noAnsErr.
 * - A truncated answer (TC) is asked again of the same server over TCP,
 *   within the same try's time.  If that fails, the truncated answer is
 *   used when it holds a record of the type asked; else the server counts
 *   as one that answered with an error.
 * - Done: the record is final, `done` is set and the query's eventfd, if
 *   a waiter made one, is written; waiters poll() it (result.c).
 * - The thread starts with the first query and runs, every signal
 *   blocked, until dnrengine_stop() (Close() and interpreter exit), which
 *   ends the queries still in flight with notOpenErr and joins it.
 * - fork(): the child has no resolver thread.  The fork handlers hold the
 *   lock across fork() so the child gets consistent lists; the child's
 *   next lock ends the copies of the queries in flight (notOpenErr), closes
 *   its copies of the descriptors, never writing an eventfd it shares with
 *   the parent, and the next query starts a new thread. */
#define _GNU_SOURCE
#include "macdnr.h"
#include "fdutil.h"

#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#define MAX_EVENTS 64
#define TCP_MAX (2 + 65535)     /* a message over TCP and its length */

/* TCP states of a query */
enum { TCP_SENDING = 1, TCP_RECEIVING = 2 };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static struct {
    int running;            /* thread started and not yet joined */
    int stopping;
    pthread_t thread;
    int epfd;
    int wakefd;
    dnr_query *incoming;    /* submitted, not started yet (FIFO) */
    dnr_query *incoming_tail;
    dnr_query *active;      /* in flight (doubly linked) */
    volatile sig_atomic_t forked;   /* set in a fork child */
} eng = {0, 0, 0, -1, -1, NULL, NULL, NULL, 0};

/* the resolver thread's receive buffer */
static unsigned char rbuf[65536];

static double
monotonic(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint16_t
random_id(void)
{
    static uint32_t state;
    uint16_t id;

    if (getrandom(&id, sizeof(id), GRND_NONBLOCK) == (ssize_t)sizeof(id))
        return id;
    /* no entropy yet (early boot): xorshift from the clock */
    if (state == 0)
        state = (uint32_t)(monotonic() * 1e9) ^ (uint32_t)getpid() ^ 1u;
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return (uint16_t)state;
}

dnr_query *
dnrengine_query_new(void)
{
    dnr_query *q = calloc(1, sizeof(*q));

    if (q == NULL)
        return NULL;
    q->refs = 1;
    q->efd = -1;
    q->fd = -1;
    return q;
}

/* lock held */
static void
unref(dnr_query *q)
{
    if (--q->refs > 0)
        return;
    if (q->efd >= 0)
        fdutil_close(q->efd);
    free(q);
}

void
dnrengine_release(dnr_query *q)
{
    dnrengine_lock();
    unref(q);
    dnrengine_unlock();
}

int
dnrengine_done_fd(dnr_query *q)
{
    if (q->efd < 0) {
        q->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (q->efd < 0)
            return -errno;
        if (q->done)
            fdutil_eventfd_poke(q->efd);
    }
    return q->efd;
}

/* ---- the lists (lock held) ---------------------------------------------- */
static void
link_active(dnr_query *q)
{
    q->prev = NULL;
    q->next = eng.active;
    if (eng.active != NULL)
        eng.active->prev = q;
    eng.active = q;
}

static void
unlink_active(dnr_query *q)
{
    if (q->prev != NULL)
        q->prev->next = q->next;
    else
        eng.active = q->next;
    if (q->next != NULL)
        q->next->prev = q->prev;
    q->next = q->prev = NULL;
}

/* q leaves the engine: its record is final.  `notify`: write the eventfd
 * (not in a fork child, where the parent shares it). */
static void
close_socket(dnr_query *q)
{
    if (q->fd >= 0) {
        fdutil_close(q->fd);   /* also leaves the epoll set */
        q->fd = -1;
    }
}

static void
complete(dnr_query *q, int notify)
{
    close_socket(q);
    free(q->tbuf);
    q->tbuf = NULL;
    q->done = 1;
    if (q->efd >= 0) {
        if (notify)
            fdutil_eventfd_poke(q->efd);
        else {
            fdutil_close(q->efd);
            q->efd = -1;
        }
    }
    unref(q);   /* the engine's reference */
}

static void
fail(dnr_query *q, int code, const char *detail, int notify)
{
    memset(&q->rec, 0, sizeof(q->rec));
    q->rec.rtn_code = code;
    q->rec.detail = detail;
    complete(q, notify);
}

/* Every query, started or not, ends with `code`. */
static void
end_all(int code, const char *detail, int notify)
{
    while (eng.active != NULL) {
        dnr_query *q = eng.active;

        unlink_active(q);
        fail(q, code, detail, notify);
    }
    while (eng.incoming != NULL) {
        dnr_query *q = eng.incoming;

        eng.incoming = q->next;
        q->next = NULL;
        fail(q, code, detail, notify);
    }
    eng.incoming_tail = NULL;
}

/* ---- tries (resolver thread, lock held) ----------------------------- */
static void
finish(dnr_query *q)
{
    unlink_active(q);
    complete(q, 1);
}

/* Sends the query to the next server that may still answer, or ends it
 * when no try is left. */
static void
next_try(dnr_query *q)
{
    while (q->tries < q->nservers * q->attempts) {
        int idx = q->tries % q->nservers;
        struct sockaddr_in sin;

        q->tries++;
        if (q->failed & (1u << idx))
            continue;
        memset(&sin, 0, sizeof(sin));
        sin.sin_family = AF_INET;
        sin.sin_port = htons((uint16_t)q->servers[idx].port);
        sin.sin_addr.s_addr = htonl(q->servers[idx].addr);
        q->cur = idx;
        /* a connected UDP socket only hears from its server; its
         * send errors (a refused port) mean the same as no answer */
        if (connect(q->fd, (struct sockaddr *)&sin, sizeof(sin)) < 0
            || send(q->fd, q->pkt, (size_t)q->pktlen, MSG_NOSIGNAL) < 0)
            continue;
        q->deadline = monotonic() + q->timeout;
        return;
    }
    unlink_active(q);
    fail(q, q->failed ? DNR_dnrErr : DNR_noAnsErr, NULL, 1);
}

/* A new socket of `type` for q, watched for `events`, in place of its
 * old one; 0, or -1 when none can be had. */
static int
open_socket(dnr_query *q, int type, uint32_t events)
{
    struct epoll_event ev;
    int fd;

    close_socket(q);
    fd = fdutil_socket(AF_INET, type, 0, 1);
    if (fd < 0)
        return -1;
    memset(&ev, 0, sizeof(ev));
    ev.events = events;
    ev.data.ptr = q;
    if (epoll_ctl(eng.epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
        fdutil_close(fd);
        return -1;
    }
    q->fd = fd;
    return 0;
}

static void
begin(dnr_query *q)
{
    link_active(q);
    if (open_socket(q, SOCK_DGRAM, EPOLLIN) < 0) {
        unlink_active(q);
        fail(q, DNR_outOfMemory, "no descriptor for the query", 1);
        return;
    }
    q->id = random_id();
    q->pktlen = dnrwire_query(q->pkt, sizeof(q->pkt), q->id, q->qname,
                              q->qtype);
    if (q->pktlen < 0) {
        unlink_active(q);
        fail(q, DNR_nameSyntaxErr, NULL, 1);
        return;
    }
    next_try(q);
}

/* ---- TCP after a truncated answer (resolver thread, lock held) -------- */
/* Back to UDP and on to the next server. */
static void
back_to_udp(dnr_query *q)
{
    q->tcp = 0;
    if (open_socket(q, SOCK_DGRAM, EPOLLIN) < 0) {
        unlink_active(q);
        fail(q, DNR_outOfMemory, "no descriptor for the query", 1);
        return;
    }
    next_try(q);
}

/* The TCP exchange failed (refused, reset, timed out, nonsense). */
static void
tcp_failed(dnr_query *q)
{
    if (q->has_partial) {
        q->rec = q->partial;
        finish(q);
        return;
    }
    q->failed |= 1u << q->cur;
    back_to_udp(q);
}

static void
start_tcp(dnr_query *q)
{
    struct sockaddr_in sin;

    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons((uint16_t)q->servers[q->cur].port);
    sin.sin_addr.s_addr = htonl(q->servers[q->cur].addr);
    if (open_socket(q, SOCK_STREAM, EPOLLOUT) < 0) {
        tcp_failed(q);
        return;
    }
    q->tcp = TCP_SENDING;
    q->tdone = 0;
    if (connect(q->fd, (struct sockaddr *)&sin, sizeof(sin)) < 0
        && errno != EINPROGRESS) {
        tcp_failed(q);
        return;
    }
    q->deadline = monotonic() + q->timeout;
}

static void
tcp_send(dnr_query *q)
{
    unsigned char out[2 + sizeof(q->pkt)];
    size_t total = 2 + (size_t)q->pktlen;
    struct epoll_event ev;
    ssize_t n;

    if (fdutil_pending_error(q->fd) != 0) {
        tcp_failed(q);      /* the connection was refused */
        return;
    }
    out[0] = (unsigned char)(q->pktlen >> 8);
    out[1] = (unsigned char)(q->pktlen & 0xFF);
    memcpy(out + 2, q->pkt, (size_t)q->pktlen);
    do
        n = send(q->fd, out + q->tdone, total - q->tdone, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOTCONN)
            tcp_failed(q);
        return;
    }
    q->tdone += (size_t)n;
    if (q->tdone < total)
        return;
    memset(&ev, 0, sizeof(ev));
    ev.events = EPOLLIN;
    ev.data.ptr = q;
    if (epoll_ctl(eng.epfd, EPOLL_CTL_MOD, q->fd, &ev) < 0) {
        tcp_failed(q);
        return;
    }
    q->tcp = TCP_RECEIVING;
    q->tdone = 0;
}

static void
tcp_receive(dnr_query *q)
{
    if (q->tbuf == NULL) {
        q->tbuf = malloc(TCP_MAX);
        if (q->tbuf == NULL) {
            tcp_failed(q);
            return;
        }
    }
    for (;;) {
        size_t need = q->tdone < 2 ? 2
                      : 2 + (((size_t)q->tbuf[0] << 8) | q->tbuf[1]);
        dnr_record rec;
        ssize_t n;

        if (q->tdone == need && need > 2) {
            rec = q->rec;
            switch (dnrwire_answer(q->tbuf + 2, need - 2, q->id, q->qname,
                                   q->qtype, &rec)) {
            case DNRW_FINAL:
            case DNRW_TRUNCATED:    /* over TCP: all there is */
                q->rec = rec;
                finish(q);
                return;
            case DNRW_SERVER_ERROR:
                q->failed |= 1u << q->cur;
                back_to_udp(q);
                return;
            default:
                tcp_failed(q);
                return;
            }
        }
        n = recv(q->fd, q->tbuf + q->tdone, need - q->tdone, MSG_DONTWAIT);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n <= 0) {
            tcp_failed(q);  /* closed or reset before the whole answer */
            return;
        }
        q->tdone += (size_t)n;
        /* an empty message asks recv() for 0 bytes next: 0, failed */
    }
}

static void
readable(dnr_query *q)
{
    for (;;) {
        ssize_t n = recv(q->fd, rbuf, sizeof(rbuf), MSG_DONTWAIT);
        dnr_record rec = q->rec;    /* as the resolver preset it */

        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                next_try(q);    /* the server's port is closed */
            return;
        }
        switch (dnrwire_answer(rbuf, (size_t)n, q->id, q->qname, q->qtype,
                               &rec)) {
        case DNRW_FINAL:
            q->rec = rec;
            finish(q);
            return;
        case DNRW_TRUNCATED:
            q->partial = rec;
            q->has_partial = rec.rtn_code == 0;
            start_tcp(q);
            return;
        case DNRW_SERVER_ERROR:
            q->failed |= 1u << q->cur;
            next_try(q);
            return;
        default:
            break;      /* not an answer to this query */
        }
    }
}

static void
expire(void)
{
    double t = monotonic();
    dnr_query *q = eng.active;

    while (q != NULL) {
        dnr_query *next = q->next;

        if (q->deadline <= t) {
            if (q->tcp)
                tcp_failed(q);
            else
                next_try(q);
        }
        q = next;
    }
}

static int
next_timeout_ms(void)
{
    double t = monotonic();
    double first = -1.0;
    dnr_query *q;
    double ms;

    for (q = eng.active; q != NULL; q = q->next)
        if (first < 0.0 || q->deadline < first)
            first = q->deadline;
    if (first < 0.0)
        return -1;
    ms = ceil((first - t) * 1000.0);
    return ms < 0.0 ? 0 : ms > 60000.0 ? 60000 : (int)ms;
}

static void *
run(void *arg)
{
    struct epoll_event evs[MAX_EVENTS];

    (void)arg;
    pthread_mutex_lock(&lock);
    for (;;) {
        int n;
        int i;
        int ms;

        while (eng.incoming != NULL) {
            dnr_query *q = eng.incoming;

            eng.incoming = q->next;
            if (eng.incoming == NULL)
                eng.incoming_tail = NULL;
            begin(q);
        }
        if (eng.stopping)
            break;
        ms = next_timeout_ms();
        pthread_mutex_unlock(&lock);
        n = epoll_wait(eng.epfd, evs, MAX_EVENTS, ms);
        pthread_mutex_lock(&lock);
        /* each query has one descriptor, so it appears at most once in
         * evs and is still in flight when its turn comes */
        for (i = 0; i < n; i++) {
            dnr_query *q = evs[i].data.ptr;

            if (q == NULL)
                fdutil_eventfd_drain(eng.wakefd);
            else if (q->tcp == TCP_SENDING)
                tcp_send(q);
            else if (q->tcp == TCP_RECEIVING)
                tcp_receive(q);
            else
                readable(q);
        }
        expire();
    }
    end_all(DNR_notOpenErr, "the resolver was closed", 1);
    pthread_mutex_unlock(&lock);
    return NULL;
}

/* ---- lifetime (lock held) --------------------------------------------- */
static void
close_loop(void)
{
    if (eng.epfd >= 0)
        fdutil_close(eng.epfd);
    if (eng.wakefd >= 0)
        fdutil_close(eng.wakefd);
    eng.epfd = eng.wakefd = -1;
}

static void
fork_prepare(void)
{
    pthread_mutex_lock(&lock);
}

static void
fork_parent(void)
{
    pthread_mutex_unlock(&lock);
}

static void
fork_child(void)
{
    eng.forked = 1;
    pthread_mutex_unlock(&lock);
}

static void
register_atfork(void)
{
    (void)pthread_atfork(fork_prepare, fork_parent, fork_child);
}

/* In a fork child: the thread is gone; the copies of its queries end. */
static void
after_fork(void)
{
    eng.forked = 0;
    if (!eng.running)
        return;
    end_all(DNR_notOpenErr, "the resolver thread does not survive fork()",
            0);
    close_loop();
    eng.running = 0;
    eng.stopping = 0;
}

void
dnrengine_lock(void)
{
    pthread_mutex_lock(&lock);
    if (eng.forked)
        after_fork();
}

void
dnrengine_unlock(void)
{
    pthread_mutex_unlock(&lock);
}

static int
start(void)
{
    struct epoll_event ev;
    sigset_t all;
    sigset_t old;
    int err;

    (void)pthread_once(&atfork_once, register_atfork);
    eng.epfd = epoll_create1(EPOLL_CLOEXEC);
    if (eng.epfd < 0)
        return -errno;
    eng.wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (eng.wakefd < 0) {
        err = -errno;
        close_loop();
        return err;
    }
    memset(&ev, 0, sizeof(ev));
    ev.events = EPOLLIN;
    ev.data.ptr = NULL;
    if (epoll_ctl(eng.epfd, EPOLL_CTL_ADD, eng.wakefd, &ev) < 0) {
        err = -errno;
        close_loop();
        return err;
    }
    /* signals belong to the program's threads */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    err = pthread_create(&eng.thread, NULL, run, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (err != 0) {
        close_loop();
        return -err;
    }
    eng.running = 1;
    eng.stopping = 0;
    return 0;
}

int
dnrengine_submit(dnr_query *q)
{
    int err;

    dnrengine_lock();
    if (!eng.running) {
        err = start();
        if (err < 0) {
            dnrengine_unlock();
            return err;
        }
    }
    q->refs++;      /* the engine's, until complete() */
    q->next = NULL;
    if (eng.incoming_tail != NULL)
        eng.incoming_tail->next = q;
    else
        eng.incoming = q;
    eng.incoming_tail = q;
    fdutil_eventfd_poke(eng.wakefd);
    dnrengine_unlock();
    return 0;
}

void
dnrengine_stop(void)
{
    pthread_t thread;

    dnrengine_lock();
    if (!eng.running) {
        dnrengine_unlock();
        return;
    }
    eng.stopping = 1;
    fdutil_eventfd_poke(eng.wakefd);
    thread = eng.thread;
    dnrengine_unlock();
    pthread_join(thread, NULL);
    dnrengine_lock();
    /* anything submitted after the thread's last look */
    end_all(DNR_notOpenErr, "the resolver was closed", 1);
    close_loop();
    eng.running = 0;
    eng.stopping = 0;
    dnrengine_unlock();
}

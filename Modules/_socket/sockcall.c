/* sockcall.c - the one blocking-call helper (see sockcall.h).
 *
 * The GIL is released once around the syscall, the waits in poll() and the
 * retries after false readiness; it is taken back only to run signal
 * handlers after EINTR or to raise.  A blocking socket makes exactly one
 * syscall per call: no poll(), no clock reads.  The deadline comes from
 * CLOCK_MONOTONIC and is computed at the first wait, so a call that does
 * not have to wait never reads the clock either.  sockcall_try() is the one
 * exception to the release: a MSG_DONTWAIT call, made with the GIL held
 * (sockcall.h says when). */
#include "sockcall.h"     /* first: Python.h sets the feature macros */

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <time.h>

#include "fdutil.h"
#include "sockerr.h"

/* What attempt() returns when the deadline has passed; failures are
 * negative errno values, so it cannot be mistaken for one. */
#define TIMED_OUT 1

struct call {
    sockobject *s;
    sockcall_fn fn;
    void *ctx;
    short events;           /* POLLIN or POLLOUT */
    int64_t timeout_ns;     /* <0 blocking, 0 non-blocking, >0 timeout */
    int connecting;         /* EINPROGRESS/EINTR mean "wait for it" */
    int in_progress;        /* a connect is under way: wait, then SO_ERROR */
    int wait_first;         /* the call was just refused (sockcall_try):
                               a socket with a timeout waits before it */
    int quiet;              /* sockcall_finish: EINTR ends the call */
    int have_deadline;
    int64_t deadline;       /* CLOCK_MONOTONIC, nanoseconds */
};

static int64_t
monotonic_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Waits until the socket is ready for c->events: 0, TIMED_OUT or -errno
 * (-EINTR included).  Runs without the GIL. */
static int
wait_ready(struct call *c)
{
    struct pollfd pfd;
    int ms = -1;
    int n;

    if (c->timeout_ns > 0 && !c->have_deadline) {
        c->deadline = monotonic_ns() + c->timeout_ns;
        c->have_deadline = 1;
    }
    for (;;) {
        if (c->have_deadline) {
            int64_t left = c->deadline - monotonic_ns();

            if (left <= 0)
                return TIMED_OUT;
            /* round up: waking a little early would only poll again */
            left = (left + 999999) / 1000000;
            ms = left > INT_MAX ? INT_MAX : (int)left;
        }
        pfd.fd = c->s->sock_fd;
        pfd.events = c->events;
        pfd.revents = 0;
        n = poll(&pfd, 1, ms);
        if (n < 0)
            return -errno;
        if (n > 0)
            return 0;   /* ready, or POLLERR/POLLHUP: the syscall says which */
        /* n == 0: the time is up, unless poll() woke a little early */
    }
}

/* Makes the call, waiting and retrying as the timeout allows, until it
 * succeeds (0), fails (-errno; -EINTR for the caller to handle) or times
 * out (TIMED_OUT).  Runs without the GIL. */
static int
attempt(struct call *c)
{
    int err;

    if (c->wait_first && c->timeout_ns > 0) {
        c->wait_first = 0;
        err = wait_ready(c);
        if (err != 0)
            return err;
    }
    for (;;) {
        if (c->in_progress) {
            err = wait_ready(c);
            if (err != 0)
                return err;
            return fdutil_pending_error(c->s->sock_fd);
        }
        err = c->fn(c->s, c->ctx);
        if (err == 0)
            return 0;
        if (c->connecting && c->timeout_ns != 0
            && (err == -EINPROGRESS || err == -EINTR)) {
            /* The connection goes on in the kernel; calling connect()
             * again would only say EALREADY.  Wait for it instead. */
            c->in_progress = 1;
            if (err == -EINTR)
                return err;
            continue;
        }
        if ((err != -EAGAIN && err != -EWOULDBLOCK) || c->timeout_ns == 0)
            return err;
        /* A blocking socket sees EAGAIN when SO_RCVTIMEO/SO_SNDTIMEO ran
         * out (the caller's to see), or when a dup() or fromfd() sibling
         * made the shared open file non-blocking: then wait, as blocking
         * mode means. */
        if (c->timeout_ns < 0 && fdutil_is_nonblocking(c->s->sock_fd) != 1)
            return err;
        err = wait_ready(c);
        if (err != 0)
            return err;
    }
}

/* The GIL side: runs signal handlers after EINTR and raises.  Returns 0,
 * -1 with an exception set, or (without raise_errors) a positive errno. */
static int
run(struct call *c, int raise_errors)
{
    int rc;

    for (;;) {
        Py_BEGIN_ALLOW_THREADS
        rc = attempt(c);
        Py_END_ALLOW_THREADS
        if (rc != -EINTR || c->quiet)
            break;
        if (PyErr_CheckSignals() < 0)
            return -1;
    }
    if (rc == 0)
        return 0;
    if (rc == TIMED_OUT) {
        if (!raise_errors)
            return EWOULDBLOCK;
        sockerr_timeout();
        return -1;
    }
    if (!raise_errors)
        return -rc;
    sockerr_code(-rc);
    return -1;
}

static void
call_init(struct call *c, sockobject *s, int want, sockcall_fn fn,
          void *ctx)
{
    c->s = s;
    c->fn = fn;
    c->ctx = ctx;
    c->events = want == SOCK_WANT_WRITE ? POLLOUT : POLLIN;
    c->timeout_ns = CS_TIMEOUT_NS(s->sock_timeout);
    c->connecting = 0;
    c->in_progress = 0;
    c->wait_first = 0;
    c->quiet = 0;
    c->have_deadline = 0;
    c->deadline = 0;
}

int
sockcall_run(sockobject *s, int want, sockcall_fn fn, void *ctx)
{
    struct call c;

    call_init(&c, s, want, fn, ctx);
    return run(&c, 1);
}

int
sockcall_try(sockobject *s, sockcall_fn fn, void *ctx)
{
    int err;

    for (;;) {
        err = fn(s, ctx);
        if (err == 0)
            return 1;
        if (err != -EINTR)
            break;
        if (PyErr_CheckSignals() < 0)
            return -1;
    }
    if (err == -EAGAIN || err == -EWOULDBLOCK) {
        /* A non-blocking socket raises now, as sockcall_run() would after
         * the same refusal; the others go on to sockcall_resume(). */
        if (CS_TIMEOUT_NS(s->sock_timeout) != 0)
            return 0;
    }
    sockerr_code(-err);
    return -1;
}

int
sockcall_resume(sockobject *s, int want, sockcall_fn fn, void *ctx)
{
    struct call c;

    call_init(&c, s, want, fn, ctx);
    c.wait_first = 1;
    return run(&c, 1);
}

int
sockcall_finish(sockobject *s, int want, sockcall_fn fn, void *ctx)
{
    struct call c;

    call_init(&c, s, want, fn, ctx);
    c.quiet = 1;
    return run(&c, 0);
}

struct connect_ctx {
    const struct sockaddr *addr;
    socklen_t len;
};

static int
connect_impl(sockobject *s, void *data)
{
    struct connect_ctx *ctx = data;

    if (connect(s->sock_fd, ctx->addr, ctx->len) < 0)
        return -errno;
    return 0;
}

int
sockcall_connect(sockobject *s, const struct sockaddr *addr, socklen_t len,
                 int raise_errors)
{
    struct connect_ctx ctx;
    struct call c;

    ctx.addr = addr;
    ctx.len = len;
    call_init(&c, s, SOCK_WANT_WRITE, connect_impl, &ctx);
    c.connecting = 1;
    return run(&c, raise_errors);
}

void
sockcall_close(int fd)
{
    Py_BEGIN_ALLOW_THREADS
    (void)fdutil_close(fd);
    Py_END_ALLOW_THREADS
}

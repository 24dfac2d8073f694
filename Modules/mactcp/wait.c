/* wait.c - mactcp's one blocking helper.  Every wait of a stream
 * method (Rcv, Send and Close waiting for the peer's ACK, wait(), UDP
 * Read) goes through mtwait_fd(), which:
 * - releases the GIL around poll();
 * - keeps a CLOCK_MONOTONIC deadline and gives poll() the remaining time
 *   in milliseconds, rounded up;
 * - retries EINTR after PyErr_CheckSignals(), so Ctrl-C works;
 * - on the main thread, also wakes for queued asr events and runs them
 *   right there, as MacPython ran its asr while the main thread waited. */
#include "mactcp.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <time.h>


static unsigned long main_ident;

void
mtwait_set_main_thread(unsigned long ident)
{
    main_ident = ident;
}

static int
is_main_thread(void)
{
    return cs_thread_ident() == main_ident;
}

static double
monotonic_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
mtwait_deadline(mtcp_deadline *d, double timeout)
{
    d->infinite = !(timeout > 0);
    d->at = d->infinite ? 0.0 : monotonic_now() + timeout;
}

/* Waits until fd reports one of `events` (POLLERR and POLLHUP are always
 * reported), the deadline passes, or max_ms milliseconds pass (max_ms < 0:
 * no such limit).  Returns 1 when fd is ready or max_ms passed (the caller
 * checks its condition again), 0 when the deadline passed, -1 with an
 * exception set (a signal handler's or an asr's). */
int
mtwait_fd(int fd, short events, const mtcp_deadline *d, int max_ms)
{
    return mtwait_fd_rev(fd, events, d, max_ms, NULL);
}

int
mtwait_fd_rev(int fd, short events, const mtcp_deadline *d, int max_ms,
              short *rev)
{
    if (rev != NULL)
        *rev = 0;
    for (;;) {
        struct pollfd p[2];
        int nfds = 1;
        int ms = -1;
        int capped = 0;
        int asrfd = -1;
        int rc;
        int err;

        if (PyErr_CheckSignals() < 0)
            return -1;
        if (!d->infinite) {
            double left = d->at - monotonic_now();

            if (left <= 0)
                return 0;
            /* a day at most: the int cannot overflow, and the loop
             * comes back here anyway */
            ms = left * 1000.0 > 86400000.0 ? 86400000
                                             : (int)ceil(left * 1000.0);
        }
        if (max_ms >= 0 && (ms < 0 || ms > max_ms)) {
            ms = max_ms;
            capped = 1;
        }
        p[0].fd = fd;
        p[0].events = events;
        p[0].revents = 0;
        if (is_main_thread() && !mtasr_draining())
            asrfd = mtdriver_asr_fd();
        if (asrfd >= 0) {
            p[1].fd = asrfd;
            p[1].events = POLLIN;
            p[1].revents = 0;
            nfds = 2;
        }
        Py_BEGIN_ALLOW_THREADS
        rc = poll(p, nfds, ms);
        err = errno;
        Py_END_ALLOW_THREADS
        if (rc < 0) {
            if (err == EINTR)
                continue;   /* PyErr_CheckSignals() at the top */
            mterrors_raise_errno(0, err);
            return -1;
        }
        if (rc == 0) {
            if (capped)
                return 1;
            continue;       /* the deadline check at the top decides */
        }
        if (nfds == 2 && p[1].revents != 0) {
            if (mtasr_drain() < 0)
                return -1;
            return 1;       /* an asr may have changed the stream */
        }
        if (p[0].revents != 0) {
            if (rev != NULL)
                *rev = p[0].revents;
            return 1;
        }
    }
}

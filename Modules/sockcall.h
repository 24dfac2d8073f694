/* sockcall.h - the one helper through which every blocking socket call
 * goes: it releases the GIL, waits in poll() up to the socket's timeout,
 * retries after EINTR once signal handlers have run, and raises.
 *
 * A call is a small function of type sockcall_fn that makes the syscall
 * and nothing else: it runs without the GIL, touches no Python object, and
 * returns 0 on success or -errno (results go into its ctx struct). */
#ifndef CLASSICSOCKET_SOCKCALL_H
#define CLASSICSOCKET_SOCKCALL_H

#include "sockobject.h"

#include <sys/socket.h>

#define SOCK_WANT_READ 0
#define SOCK_WANT_WRITE 1

typedef int (*sockcall_fn)(sockobject *s, void *ctx);

/* Runs fn(s, ctx) until it succeeds, following s->sock_timeout: a blocking
 * socket just makes the call; a non-blocking one (timeout 0) raises
 * error(EAGAIN) when the call would block; with a timeout, EAGAIN waits in
 * poll() for readability (SOCK_WANT_READ) or writability (SOCK_WANT_WRITE)
 * and raises timeout when the time is up.  0, or -1 with an exception set. */
int sockcall_run(sockobject *s, int want, sockcall_fn fn, void *ctx);

/* connect(2) with the same rules; an interrupted or in-progress connect is
 * waited for (writability) and its outcome read from SO_ERROR.  With
 * raise_errors, returns 0 or -1 with an exception set (connect()).
 * Without, a failure of the connection itself is returned as a positive
 * errno instead (connect_ex(): EWOULDBLOCK on timeout, as CPython 2.7); -1
 * still means an exception, e.g. from a signal handler. */
int sockcall_connect(sockobject *s, const struct sockaddr *addr,
                     socklen_t len, int raise_errors);

/* Closes fd with the GIL released (close() may linger on unsent data);
 * errors are ignored, as CPython 2.7 ignores them. */
void sockcall_close(int fd);

#endif /* CLASSICSOCKET_SOCKCALL_H */

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

/* Calls that cannot block may skip the GIL release.  Releasing and taking
 * back the GIL costs about 400 instructions on 3.x (two mutex round trips
 * and a condition signal), more than a small send(2) spends in user space,
 * and no other thread gains from a release that lasts a short copy.  So a
 * call may first be made with the GIL held, with MSG_DONTWAIT:
 *
 *     rc = sockcall_try(s, fn, ctx);          fn's call has MSG_DONTWAIT
 *     if (rc == 0)                            it would block:
 *         rc = sockcall_resume(s, want, fn, ctx);     fn's, without it
 *
 * Errors, EINTR and the socket's timeout behave exactly as with
 * sockcall_run() alone.  The rule (sockio.c):
 *   - only AF_INET, AF_INET6 and AF_UNIX, whose protocols honour
 *     MSG_DONTWAIT, and only for calls of at most SOCKCALL_TRY_MAX bytes,
 *     whose copy takes a few microseconds at most, far below the
 *     interpreter's 5 ms switch interval;
 *   - a socket with a timeout (or non-blocking) tries every such call:
 *     sockcall_run() would make the same non-blocking call first anyway;
 *   - a blocking socket tries sends of at most SOCKCALL_TRY_SEND_MAX bytes
 *     (one page, which seldom finds the buffer full: a refused try costs a
 *     syscall), and receives on a datagram socket while they find data
 *     waiting (after a refusal the tries are spaced out).  Stream receives
 *     are not tried: MSG_DONTWAIT may return less than a blocking recv()
 *     waits for (MSG_WAITALL, SO_RCVLOWAT), and a ping-pong finds no data.
 * The file object's receives and sends (sockfile.c) take the same paths.
 * Tests that the tried calls behave as the general ones:
 * Tests/test_sockio.py test_small_send_* and test_datagram_* (blocking,
 * EAGAIN, partial sends, errors reported once), Tests/test_timeouts.py
 * test_small_send_on_full_buffer_times_out_or_waits_for_room and
 * test_datagram_recv_times_out_then_gets_what_comes, Tests/test_signals.py
 * test_*_small_send_*, test_*_partly_done_send* and test_*_datagram_*
 * (signal handlers that raise or return during them).
 */
#define SOCKCALL_TRY_MAX 65536
#define SOCKCALL_TRY_SEND_MAX 4096

/* Makes fn's call once with the GIL held; fn must not block.  1 when it
 * succeeded; 0 when it would block and the socket is blocking or has a
 * timeout (go on with sockcall_resume()); -1 with an exception set: the
 * call's error (error(EAGAIN) on a non-blocking socket), as sockcall_run()
 * raises it, or one from a signal handler run after EINTR. */
int sockcall_try(sockobject *s, sockcall_fn fn, void *ctx);

/* sockcall_run() after sockcall_try() returned 0: a socket with a timeout
 * first waits for readiness, since the call was just refused. */
int sockcall_resume(sockobject *s, int want, sockcall_fn fn, void *ctx);

/* For the rest of a send on a blocking socket after sockcall_try() sent
 * part of the data: runs fn as sockcall_run() does but never raises.
 * Returns 0, or the errno that ended the call, EINTR included (the signal's
 * Python handlers then run at the interpreter's next check, as after a
 * blocking send(2) that a signal cut short once some data had gone: the
 * caller reports the bytes sent, as the kernel does). */
int sockcall_finish(sockobject *s, int want, sockcall_fn fn, void *ctx);

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

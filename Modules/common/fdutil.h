/* fdutil.h - descriptor chores shared by the extensions.  They run
 * without the GIL, never include Python.h, and return 0 (or a descriptor)
 * on success and -errno on failure; errno is left as the call set it. */
#ifndef CLASSICSOCKET_FDUTIL_H
#define CLASSICSOCKET_FDUTIL_H

#include <sys/socket.h>

int fdutil_set_nonblock(int fd, int nonblock);
int fdutil_is_nonblocking(int fd);         /* 1, 0 or -errno */
int fdutil_socket(int family, int type, int proto, int nonblock);   /* fd */
int fdutil_accept(int fd, struct sockaddr *addr, socklen_t *len,
                  int nonblock);                                     /* fd */
int fdutil_pending_error(int fd);           /* SO_ERROR as -errno, or 0 */
int fdutil_set_nodelay(int fd, int on);
int fdutil_close(int fd);                   /* keeps errno; EINTR is done */
int fdutil_dup_cloexec(int fd);                                      /* fd */
int fdutil_socketpair(int family, int type, int proto, int nonblock,
                      int sv[2]);
/* A non-blocking eventfd as a wake-up: poke makes it readable (a full
 * counter already is), drain reads it back to empty. */
void fdutil_eventfd_poke(int fd);
void fdutil_eventfd_drain(int fd);

#endif /* CLASSICSOCKET_FDUTIL_H */

/* fdutil.c - one small function per descriptor chore (as Redis's anet.c). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include "fdutil.h"

int
fdutil_set_nonblock(int fd, int nonblock)
{
    /* F_GETFL and F_SETFL cannot be interrupted by a signal. */
    int flags = fcntl(fd, F_GETFL);
    int wanted;

    if (flags < 0)
        return -errno;
    wanted = nonblock ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
    if (wanted != flags && fcntl(fd, F_SETFL, wanted) < 0)
        return -errno;
    return 0;
}

int
fdutil_is_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);

    if (flags < 0)
        return -errno;
    return (flags & O_NONBLOCK) != 0;
}

static int
set_cloexec(int fd)
{
    int flags = fcntl(fd, F_GETFD);

    if (flags < 0)
        return -errno;
    if (!(flags & FD_CLOEXEC) && fcntl(fd, F_SETFD, flags | FD_CLOEXEC) < 0)
        return -errno;
    return 0;
}

int
fdutil_socket(int family, int type, int proto, int nonblock)
{
    int fd = socket(family, type | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0),
                    proto);

    if (fd < 0 && errno == EINVAL) {
        /* a kernel without the type flags: set them one by one */
        int err;

        fd = socket(family, type, proto);
        if (fd < 0)
            return -errno;
        err = set_cloexec(fd);
        if (err == 0 && nonblock)
            err = fdutil_set_nonblock(fd, 1);
        if (err < 0) {
            fdutil_close(fd);
            return err;
        }
        return fd;
    }
    return fd < 0 ? -errno : fd;
}

int
fdutil_accept(int fd, struct sockaddr *addr, socklen_t *len, int nonblock)
{
    int conn = accept4(fd, addr, len, SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0));

    return conn < 0 ? -errno : conn;
}

int
fdutil_pending_error(int fd)
{
    int err = 0;
    socklen_t len = sizeof(err);

    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
        return -errno;
    return -err;
}

int
fdutil_set_nodelay(int fd, int on)
{
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) < 0)
        return -errno;
    return 0;
}

int
fdutil_close(int fd)
{
    int saved = errno;
    /* On Linux the descriptor is released even when close() reports EINTR,
     * so retrying could close a descriptor another thread just opened. */
    int rc = close(fd);
    int err = (rc < 0 && errno != EINTR) ? -errno : 0;

    errno = saved;
    return err;
}

int
fdutil_dup_cloexec(int fd)
{
    int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);

    return copy < 0 ? -errno : copy;
}

int
fdutil_socketpair(int family, int type, int proto, int nonblock, int sv[2])
{
    int flags = SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0);

    if (socketpair(family, type | flags, proto, sv) < 0)
        return -errno;
    return 0;
}

void
fdutil_eventfd_poke(int fd)
{
    uint64_t one = 1;
    ssize_t n;

    do
        n = write(fd, &one, sizeof(one));
    while (n < 0 && errno == EINTR);
    /* EAGAIN: the counter is already non-zero, still readable */
}

void
fdutil_eventfd_drain(int fd)
{
    uint64_t value;
    ssize_t n;

    do
        n = read(fd, &value, sizeof(value));
    while (n < 0 && errno == EINTR);
}

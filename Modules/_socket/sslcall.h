/* sslcall.h - the SSL object's layout, socket.sslerror, and the one way
 * the SSL object's OpenSSL calls that read or write the connection are
 * made: as attempts by sockcall_run() (sockcall.h), without the GIL, on
 * the socket's non-blocking fd, following the socket's timeout and the
 * project's rules for signals. */
#ifndef CLASSICSOCKET_SSLCALL_H
#define CLASSICSOCKET_SSLCALL_H

#include "sockobject.h"     /* first: Python.h sets the feature macros */

#include <openssl/ssl.h>

#if OPENSSL_VERSION_NUMBER < 0x10101000L
#error "socket.ssl() needs OpenSSL 1.1.1 or later"
#endif

/* sslerror's codes: Python 2.7's numbers (1-7 are OpenSSL's SSL_ERROR_*;
 * EOF and INVALID_ERROR_CODE were 2.7's own). */
#define SSLE_SSL 1
#define SSLE_WANT_READ 2
#define SSLE_WANT_WRITE 3
#define SSLE_WANT_X509_LOOKUP 4
#define SSLE_SYSCALL 5
#define SSLE_ZERO_RETURN 6
#define SSLE_WANT_CONNECT 7
#define SSLE_EOF 8
#define SSLE_INVALID_ERROR_CODE 10

/* 2.x kept the peer's names in fixed buffers of this size. */
#define SSLCALL_NAME_MAX 256

/* Where the connection's EOF stands. */
enum sslcall_eof {
    SSLCALL_EOF_NONE,
    SSLCALL_EOF_CLEAN,      /* close_notify received: reads return '' */
    SSLCALL_EOF_RAGGED      /* closed without close_notify: reads raise */
};

/* The SSL object (sslobject.c's type). */
typedef struct {
    PyObject_HEAD
    sockobject *sock;       /* the C socket (owned): keeps the fd open */
    int fd;                 /* the fd the SSL's BIO was given */
    SSL_CTX *ctx;           /* owned, freed in dealloc */
    SSL *ssl;               /* owned with its socket BIO (BIO_NOCLOSE:
                               the fd stays the socket's), freed in dealloc */
    PyThread_type_lock lock;    /* held around each OpenSSL call on ssl,
                                   never across a wait */
    int verified;           /* the chain was checked against cafile */
    enum sslcall_eof eof;
    PyObject *carry;        /* bytes a read() got before it raised, for the
                               next read(); owned, NULL when none */
    char server[SSLCALL_NAME_MAX];  /* the peer certificate's subject and */
    char issuer[SSLCALL_NAME_MAX];  /* issuer (X509_NAME_oneline), or "" */
} sslobject;

/* socket.sslerror, a subclass of socket.error: NULL until sslcall_init(),
 * then owned here for the life of the process. */
extern PyObject *sslcall_error;

/* Creates sslerror (once); 0 or -1 with an exception set. */
int sslcall_init(void);

/* sslerror(code, message); returns NULL. */
PyObject *sslcall_raise(int code, const char *message);

/* The error of a set-up call (context, files) from OpenSSL's queue:
 * IOError naming `path` for a file that could not be opened (path not
 * NULL), else sslerror(SSL_ERROR_SSL, reason).  Empties the queue;
 * returns NULL. */
PyObject *sslcall_raise_setup(const char *path);

/* One OpenSSL call on the connection and its outcome. */
enum sslcall_kind { SSLCALL_HANDSHAKE, SSLCALL_READ, SSLCALL_WRITE };

struct sslcall_op {
    sslobject *self;
    enum sslcall_kind kind;
    char *buf;              /* SSLCALL_READ: into; SSLCALL_WRITE: from */
    size_t len;
    int nonblocking;        /* the socket's timeout is 0 */
    /* results */
    size_t done;            /* bytes read or written by the call */
    int want;               /* SOCK_WANT_READ/WRITE: the next wait */
    int ssl_err;            /* SSL_get_error() of the call */
    unsigned long err;      /* the first queued OpenSSL error, or 0 */
    int sys_errno;          /* errno, or the system error OpenSSL queued */
    long verify;            /* SSL_get_verify_result() */
};

void sslcall_op_init(struct sslcall_op *op, sslobject *self,
                     enum sslcall_kind kind, char *buf, size_t len);

/* The socket is still the one the SSL was given (else error(EBADF)), and
 * its fd is non-blocking: a socket in blocking mode has a blocking fd
 * unless this made it non-blocking, and settimeout(None) undoes that.
 * Call before each method's calls; 0 or -1 with an exception set. */
int sslcall_check_socket(sslobject *self);

/* What sslcall_run() found when it did not raise. */
#define SSLCALL_DONE 0      /* the call succeeded: op->done */
#define SSLCALL_STOPPED 1   /* an outcome the caller handles (op) */

/* Makes op's call until it succeeds (SSLCALL_DONE), waiting in poll() as
 * the socket's timeout allows, with signal handlers run after EINTR; TLS
 * wanting the other direction (a handshake message during a read) is
 * waited for too.  Any other outcome raises (-1), or with `stop` returns
 * SSLCALL_STOPPED for a clean or ragged EOF and a non-blocking socket's
 * "would block", for the caller to handle. */
int sslcall_run(sslobject *self, struct sslcall_op *op, int stop);

/* The peer closed the connection without close_notify (SSL_ERROR_EOF). */
int sslcall_is_ragged_eof(const struct sslcall_op *op);

/* sslerror (or error) for op's outcome, never SSL_ERROR_NONE; NULL. */
PyObject *sslcall_raise_op(const struct sslcall_op *op);

/* Takes self->lock with the GIL held (released while waiting), for an
 * OpenSSL call outside sslcall_run(); PyThread_release_lock() after it. */
void sslcall_lock(sslobject *self);

#endif /* CLASSICSOCKET_SSLCALL_H */

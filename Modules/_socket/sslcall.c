/* sslcall.c - socket.sslerror and the SSL object's OpenSSL calls on the
 * connection (sslcall.h).
 *
 * Each call that may read or write the connection (handshake,
 * SSL_read_ex, SSL_write_ex) is one attempt made by sockcall_run()
 * without the GIL: "would block" in the direction waited for is -EAGAIN,
 * a system error -errno (socket.error, as 2.x raised it), and anything
 * else ends the call with the outcome in the op, which sslcall_run()
 * turns into success, sslerror, or an outcome its caller asked to see.
 * TLS may want the other direction (a handshake message during a read):
 * the op is then resumed waiting for that.  The SSL object's lock is
 * held around each OpenSSL call, never across a wait, so that one thread
 * may read while another writes. */
#include "sslcall.h"    /* first: Python.h sets the feature macros */

#include <errno.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "fdutil.h"
#include "sockcall.h"
#include "sockerr.h"

#define EOF_MESSAGE "EOF occurred in violation of protocol"

PyObject *sslcall_error;

static char sslerror_doc[] =
    "TLS errors of socket.ssl() and its SSL objects: (SSL_ERROR_* code, "
    "message).";

int
sslcall_init(void)
{
    if (sslcall_error == NULL)
        sslcall_error = PyErr_NewExceptionWithDoc("socket.sslerror",
                                                  sslerror_doc, sockerr_error,
                                                  NULL);
    return sslcall_error == NULL ? -1 : 0;
}

PyObject *
sslcall_raise(int code, const char *message)
{
    PyObject *value = Py_BuildValue("(is)", code, message);

    if (value != NULL) {
        PyErr_SetObject(sslcall_error, value);
        Py_DECREF(value);
    }
    return NULL;
}

/* The text of OpenSSL's error err (0: none) into buf. */
static void
error_text(unsigned long err, char *buf, size_t size)
{
    const char *reason = err ? ERR_reason_error_string(err) : NULL;

    if (reason != NULL)
        snprintf(buf, size, "%s", reason);
    else if (err != 0)
        ERR_error_string_n(err, buf, size);
    else
        snprintf(buf, size, "unknown SSL error");
}

PyObject *
sslcall_raise_setup(const char *path)
{
    unsigned long err = ERR_peek_error();
    char text[256];

    ERR_clear_error();
    if (err != 0 && ERR_GET_LIB(err) == ERR_LIB_SYS && path != NULL) {
        errno = ERR_GET_REASON(err);
        return PyErr_SetFromErrnoWithFilename(PyExc_IOError, path);
    }
    error_text(err, text, sizeof(text));
    return sslcall_raise(SSLE_SSL, text);
}

/* ---- one OpenSSL call, as a sockcall_fn --------------------------------- */

/* Makes op's OpenSSL call once.  Runs without the GIL (sockcall_run);
 * returns -EAGAIN to wait for op->want and be called again, -errno for a
 * system error (socket.error, as 2.x raised it), else 0 with the outcome
 * in op. */
static int
op_call(sockobject *s, void *data)
{
    struct sslcall_op *op = data;
    SSL *ssl = op->self->ssl;
    int ok;
    int e;
    int want;

    (void)s;
    PyThread_acquire_lock(op->self->lock, WAIT_LOCK);
    ERR_clear_error();
    errno = 0;
    op->done = 0;
    switch (op->kind) {
    case SSLCALL_HANDSHAKE:
        ok = SSL_do_handshake(ssl);
        break;
    case SSLCALL_READ:
        ok = SSL_read_ex(ssl, op->buf, op->len, &op->done);
        break;
    default:
        ok = SSL_write_ex(ssl, op->buf, op->len, &op->done);
        break;
    }
    op->sys_errno = errno;
    e = ok == 1 ? SSL_ERROR_NONE : SSL_get_error(ssl, ok);
    op->err = ERR_peek_error();
    op->verify = SSL_get_verify_result(ssl);
    ERR_clear_error();
    PyThread_release_lock(op->self->lock);

    op->ssl_err = e;
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
        want = e == SSL_ERROR_WANT_READ ? SOCK_WANT_READ : SOCK_WANT_WRITE;
        if (want == op->want && !op->nonblocking)
            return -EAGAIN;
        op->want = want;    /* the caller resumes waiting for that */
        return 0;
    }
    if (e == SSL_ERROR_SYSCALL) {
        if (op->err != 0 && ERR_GET_LIB(op->err) == ERR_LIB_SYS)
            op->sys_errno = ERR_GET_REASON(op->err);
        if (op->sys_errno != 0 && op->sys_errno != EAGAIN
            && op->sys_errno != EWOULDBLOCK)
            return -op->sys_errno;
    }
    return 0;
}

/* OpenSSL 1.1 says SSL_ERROR_SYSCALL with no error, 3.x SSL_ERROR_SSL
 * with a reason of its own; 2.x called both SSL_ERROR_EOF. */
int
sslcall_is_ragged_eof(const struct sslcall_op *op)
{
    if (op->ssl_err == SSL_ERROR_SYSCALL)
        return op->err == 0 && op->sys_errno == 0;
#ifdef SSL_R_UNEXPECTED_EOF_WHILE_READING
    if (op->ssl_err == SSL_ERROR_SSL && op->err != 0
        && ERR_GET_LIB(op->err) == ERR_LIB_SSL
        && ERR_GET_REASON(op->err) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
        return 1;
#endif
    return 0;
}

PyObject *
sslcall_raise_op(const struct sslcall_op *op)
{
    char text[512];

    if (sslcall_is_ragged_eof(op))
        return sslcall_raise(SSLE_EOF, EOF_MESSAGE);
    switch (op->ssl_err) {
    case SSL_ERROR_ZERO_RETURN:
        return sslcall_raise(SSLE_ZERO_RETURN,
                             "TLS/SSL connection has been closed");
    case SSL_ERROR_WANT_READ:
        return sslcall_raise(SSLE_WANT_READ,
                             "The operation did not complete (read)");
    case SSL_ERROR_WANT_WRITE:
        return sslcall_raise(SSLE_WANT_WRITE,
                             "The operation did not complete (write)");
    case SSL_ERROR_WANT_X509_LOOKUP:
        return sslcall_raise(SSLE_WANT_X509_LOOKUP,
                             "The operation did not complete (X509 lookup)");
    case SSL_ERROR_WANT_CONNECT:
        return sslcall_raise(SSLE_WANT_CONNECT,
                             "The operation did not complete (connect)");
    case SSL_ERROR_SYSCALL:
        return sslcall_raise(SSLE_SYSCALL, "Some I/O error occurred");
    case SSL_ERROR_SSL:
        error_text(op->err, text, sizeof(text));
        if (ERR_GET_LIB(op->err) == ERR_LIB_SSL
            && ERR_GET_REASON(op->err) == SSL_R_CERTIFICATE_VERIFY_FAILED
            && op->verify != X509_V_OK) {
            size_t used = strlen(text);

            snprintf(text + used, sizeof(text) - used, ": %s",
                     X509_verify_cert_error_string(op->verify));
        }
        return sslcall_raise(SSLE_SSL, text);
    default:
        return sslcall_raise(SSLE_INVALID_ERROR_CODE, "Invalid error code");
    }
}

int
sslcall_check_socket(sslobject *self)
{
    sockobject *s = self->sock;
    int rc;

    if (s->sock_fd == -1 || s->sock_fd != self->fd) {
        sockerr_code(EBADF);
        return -1;
    }
    if (s->sock_timeout >= 0)
        return 0;       /* timeout mode: the socket keeps it non-blocking */
    rc = fdutil_is_nonblocking(s->sock_fd);
    if (rc == 0)
        rc = fdutil_set_nonblock(s->sock_fd, 1);
    if (rc < 0) {
        sockerr_code(-rc);
        return -1;
    }
    return 0;
}

int
sslcall_run(sslobject *self, struct sslcall_op *op, int stop)
{
    sockobject *s = self->sock;
    int rc;

    op->nonblocking = CS_TIMEOUT_NS(s->sock_timeout) == 0;
    op->want = op->kind == SSLCALL_WRITE ? SOCK_WANT_WRITE : SOCK_WANT_READ;
    rc = sockcall_run(s, op->want, op_call, op);
    /* TLS wanted the other direction: wait for that instead */
    while (rc == 0 && !op->nonblocking
           && (op->ssl_err == SSL_ERROR_WANT_READ
               || op->ssl_err == SSL_ERROR_WANT_WRITE))
        rc = sockcall_resume(s, op->want, op_call, op);
    if (rc < 0)
        return -1;
    if (op->ssl_err == SSL_ERROR_NONE)
        return SSLCALL_DONE;
    if (stop && (op->ssl_err == SSL_ERROR_ZERO_RETURN
                 || sslcall_is_ragged_eof(op)
                 || op->ssl_err == SSL_ERROR_WANT_READ
                 || op->ssl_err == SSL_ERROR_WANT_WRITE))
        return SSLCALL_STOPPED;
    sslcall_raise_op(op);
    return -1;
}

void
sslcall_op_init(struct sslcall_op *op, sslobject *self,
                enum sslcall_kind kind, char *buf, size_t len)
{
    memset(op, 0, sizeof(*op));
    op->self = self;
    op->kind = kind;
    op->buf = buf;
    op->len = len;
}

/* The lock is held only around one OpenSSL call, which needs no GIL, so
 * waiting for it without the GIL is short. */
void
sslcall_lock(sslobject *self)
{
    if (!PyThread_acquire_lock(self->lock, NOWAIT_LOCK)) {
        Py_BEGIN_ALLOW_THREADS
        PyThread_acquire_lock(self->lock, WAIT_LOCK);
        Py_END_ALLOW_THREADS
    }
}

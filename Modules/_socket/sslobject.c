/* sslobject.c - socket.ssl() and its SSL objects (sslobject.h): a
 * client-side TLS connection over one of our socket objects, with
 * OpenSSL's libssl.
 *
 * Blocking, timeouts and signals follow the socket, through sockcall.c as
 * every socket call does.  The fd is used in non-blocking mode (a socket
 * in blocking mode keeps blocking: sockcall waits in poll() for it, with
 * the GIL released); each OpenSSL call that may read or write the
 * connection (handshake, SSL_read_ex, SSL_write_ex) is one attempt made
 * by sockcall_run() without the GIL: "would block" in the direction
 * waited for is -EAGAIN, and anything else ends the call with the
 * outcome in the op's struct, which this file turns into the result or
 * into sslerror.  TLS may want the other direction (a handshake message
 * during a read): the op is then resumed waiting for that.
 *
 * One SSL object can be used from several threads (one reading while
 * another writes): a lock, held only around each OpenSSL call (never
 * across a wait), serialises them.  socket.ssl() does not verify the peer
 * unless asked (cafile, server_hostname), as in Python 2.x; the protocol
 * floor is TLS 1.2. */
#include "sslobject.h"  /* first: Python.h sets the feature macros */

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "fdutil.h"
#include "sockcall.h"
#include "sockerr.h"
#include "sockobject.h"
#include "sslcert.h"

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

static const struct {
    const char *name;
    int value;
} ssl_constants[] = {
    {"SSL_ERROR_ZERO_RETURN", SSLE_ZERO_RETURN},
    {"SSL_ERROR_WANT_READ", SSLE_WANT_READ},
    {"SSL_ERROR_WANT_WRITE", SSLE_WANT_WRITE},
    {"SSL_ERROR_WANT_X509_LOOKUP", SSLE_WANT_X509_LOOKUP},
    {"SSL_ERROR_SYSCALL", SSLE_SYSCALL},
    {"SSL_ERROR_SSL", SSLE_SSL},
    {"SSL_ERROR_WANT_CONNECT", SSLE_WANT_CONNECT},
    {"SSL_ERROR_EOF", SSLE_EOF},
    {"SSL_ERROR_INVALID_ERROR_CODE", SSLE_INVALID_ERROR_CODE},
};

#define EOF_MESSAGE "EOF occurred in violation of protocol"

/* socket.sslerror: owned here for the life of the process (modules are
 * never unloaded); the module holds its own reference. */
static PyObject *ssl_error;

/* 2.x kept the peer's names in fixed buffers of this size. */
#define NAME_MAX_LEN 256

/* Where the connection's EOF stands. */
enum eof_state {
    EOF_NONE,
    EOF_CLEAN,      /* close_notify received: reads return '' */
    EOF_RAGGED      /* closed without close_notify: reads raise EOF */
};

typedef struct {
    PyObject_HEAD
    sockobject *sock;       /* the C socket (owned): keeps the fd open */
    int fd;                 /* the fd the SSL's BIO was given */
    SSL_CTX *ctx;           /* owned, freed in dealloc */
    SSL *ssl;               /* owned with its socket BIO (BIO_NOCLOSE:
                               the fd stays the socket's), freed in dealloc */
    PyThread_type_lock lock;    /* held around each OpenSSL call on ssl */
    int verified;           /* the chain was checked against cafile */
    enum eof_state eof;
    PyObject *carry;        /* bytes a read() got before it raised, for the
                               next read(); owned, NULL when none */
    char server[NAME_MAX_LEN];  /* the peer certificate's subject and */
    char issuer[NAME_MAX_LEN];  /* issuer (X509_NAME_oneline), or "" */
} sslobject;

static PyTypeObject sslobject_type;

/* ---- errors ------------------------------------------------------------- */

static PyObject *
raise_ssl(int code, const char *message)
{
    PyObject *value = Py_BuildValue("(is)", code, message);

    if (value != NULL) {
        PyErr_SetObject(ssl_error, value);
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

/* An error of a set-up call (context, files): IOError for a file that
 * could not be opened (`path` names it), else sslerror(SSL_ERROR_SSL,
 * reason).  Empties the thread's error queue. */
static PyObject *
raise_setup_error(const char *path)
{
    unsigned long err = ERR_peek_error();
    char text[256];

    ERR_clear_error();
    if (err != 0 && ERR_GET_LIB(err) == ERR_LIB_SYS && path != NULL) {
        errno = ERR_GET_REASON(err);
        return PyErr_SetFromErrnoWithFilename(PyExc_IOError, path);
    }
    error_text(err, text, sizeof(text));
    return raise_ssl(SSLE_SSL, text);
}

/* ---- one OpenSSL call, as a sockcall_fn --------------------------------- */

enum op_kind { OP_HANDSHAKE, OP_READ, OP_WRITE };

struct op {
    sslobject *self;
    enum op_kind kind;
    char *buf;              /* OP_READ: into; OP_WRITE: from */
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

/* Makes op's OpenSSL call once.  Runs without the GIL (sockcall_run);
 * returns -EAGAIN to wait for op->want and be called again, -errno for a
 * system error (socket.error, as 2.x raised it), else 0 with the outcome
 * in op. */
static int
op_call(sockobject *s, void *data)
{
    struct op *op = data;
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
    case OP_HANDSHAKE:
        ok = SSL_do_handshake(ssl);
        break;
    case OP_READ:
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

/* The peer closed the connection without close_notify: OpenSSL 1.1 says
 * SSL_ERROR_SYSCALL with no error, 3.x SSL_ERROR_SSL with its own reason.
 * 2.x called both SSL_ERROR_EOF. */
static int
is_ragged_eof(const struct op *op)
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

/* sslerror for op's outcome (never SSL_ERROR_NONE). */
static PyObject *
raise_op_error(const struct op *op)
{
    char text[512];

    if (is_ragged_eof(op))
        return raise_ssl(SSLE_EOF, EOF_MESSAGE);
    switch (op->ssl_err) {
    case SSL_ERROR_ZERO_RETURN:
        return raise_ssl(SSLE_ZERO_RETURN,
                         "TLS/SSL connection has been closed");
    case SSL_ERROR_WANT_READ:
        return raise_ssl(SSLE_WANT_READ,
                         "The operation did not complete (read)");
    case SSL_ERROR_WANT_WRITE:
        return raise_ssl(SSLE_WANT_WRITE,
                         "The operation did not complete (write)");
    case SSL_ERROR_WANT_X509_LOOKUP:
        return raise_ssl(SSLE_WANT_X509_LOOKUP,
                         "The operation did not complete (X509 lookup)");
    case SSL_ERROR_WANT_CONNECT:
        return raise_ssl(SSLE_WANT_CONNECT,
                         "The operation did not complete (connect)");
    case SSL_ERROR_SYSCALL:
        return raise_ssl(SSLE_SYSCALL, "Some I/O error occurred");
    case SSL_ERROR_SSL:
        error_text(op->err, text, sizeof(text));
        if (ERR_GET_LIB(op->err) == ERR_LIB_SSL
            && ERR_GET_REASON(op->err) == SSL_R_CERTIFICATE_VERIFY_FAILED
            && op->verify != X509_V_OK) {
            size_t used = strlen(text);

            snprintf(text + used, sizeof(text) - used, ": %s",
                     X509_verify_cert_error_string(op->verify));
        }
        return raise_ssl(SSLE_SSL, text);
    default:
        return raise_ssl(SSLE_INVALID_ERROR_CODE, "Invalid error code");
    }
}

/* The socket is still the one the SSL was given, and its fd is
 * non-blocking (a socket in blocking mode has a blocking fd unless we
 * made it non-blocking; settimeout(None) undoes that).  0, or -1 with
 * error(EBADF) or the fcntl error set. */
static int
check_socket(sslobject *self)
{
    sockobject *s = self->sock;
    int rc;

    if (s->sock_fd == -1 || s->sock_fd != self->fd) {
        set_error_code(EBADF);
        return -1;
    }
    if (s->sock_timeout >= 0)
        return 0;       /* timeout mode: the socket keeps it non-blocking */
    rc = fdutil_is_nonblocking(s->sock_fd);
    if (rc == 0)
        rc = fdutil_set_nonblock(s->sock_fd, 1);
    if (rc < 0) {
        set_error_code(-rc);
        return -1;
    }
    return 0;
}

/* What run_op() found when it did not raise. */
#define OP_DONE 0           /* the call succeeded: op->done */
#define OP_STOPPED 1        /* an outcome the caller handles (op) */

/* Runs op until it succeeds (OP_DONE) or has an outcome other than
 * success: -1 with the exception set, or OP_STOPPED when the caller
 * asked for that outcome (stop_on_eof: a clean or ragged EOF; and a
 * non-blocking socket's "would block") instead of an exception. */
static int
run_op(sslobject *self, struct op *op, int stop_on_eof)
{
    sockobject *s = self->sock;
    int rc;

    op->nonblocking = CS_TIMEOUT_NS(s->sock_timeout) == 0;
    op->want = op->kind == OP_WRITE ? SOCK_WANT_WRITE : SOCK_WANT_READ;
    rc = sockcall_run(s, op->want, op_call, op);
    /* TLS wanted the other direction: wait for that instead */
    while (rc == 0 && !op->nonblocking
           && (op->ssl_err == SSL_ERROR_WANT_READ
               || op->ssl_err == SSL_ERROR_WANT_WRITE))
        rc = sockcall_resume(s, op->want, op_call, op);
    if (rc < 0)
        return -1;
    if (op->ssl_err == SSL_ERROR_NONE)
        return OP_DONE;
    if (stop_on_eof && (op->ssl_err == SSL_ERROR_ZERO_RETURN
                        || is_ragged_eof(op)))
        return OP_STOPPED;
    if (stop_on_eof && (op->ssl_err == SSL_ERROR_WANT_READ
                        || op->ssl_err == SSL_ERROR_WANT_WRITE))
        return OP_STOPPED;
    raise_op_error(op);
    return -1;
}

static void
op_init(struct op *op, sslobject *self, enum op_kind kind, char *buf,
        size_t len)
{
    memset(op, 0, sizeof(*op));
    op->self = self;
    op->kind = kind;
    op->buf = buf;
    op->len = len;
}

/* The lock, taken with the GIL held: it is held only around one OpenSSL
 * call, which needs no GIL, so waiting for it without the GIL is short. */
static void
lock_ssl(sslobject *self)
{
    if (!PyThread_acquire_lock(self->lock, NOWAIT_LOCK)) {
        Py_BEGIN_ALLOW_THREADS
        PyThread_acquire_lock(self->lock, WAIT_LOCK);
        Py_END_ALLOW_THREADS
    }
}

/* ---- the SSL object's methods ------------------------------------------- */

PyDoc_STRVAR(write_doc,
"write(s) -> length of s\n\n"
"Writes all of s over the TLS connection.  On a non-blocking socket it\n"
"may write part of s and return that length, or raise sslerror\n"
"(SSL_ERROR_WANT_WRITE or _READ) when nothing could be written.");

static PyObject *
sslobj_write(sslobject *self, PyObject *args)
{
    Py_buffer view;
    Py_ssize_t sent = 0;
    struct op op;
    int rc = OP_DONE;

    if (!PyArg_ParseTuple(args, CS_BUF ":write", &view))
        return NULL;
    if (check_socket(self) < 0)
        goto error;
    while (sent < view.len) {
        op_init(&op, self, OP_WRITE, (char *)view.buf + sent,
                (size_t)(view.len - sent));
        rc = run_op(self, &op, sent > 0);
        if (rc < 0)
            goto error;
        if (rc == OP_STOPPED)
            break;      /* non-blocking, after part of it: that part */
        sent += (Py_ssize_t)op.done;
    }
    if (rc == OP_STOPPED && op.ssl_err != SSL_ERROR_WANT_WRITE
        && op.ssl_err != SSL_ERROR_WANT_READ) {
        raise_op_error(&op);
        goto error;
    }
    PyBuffer_Release(&view);
    return PyLong_FromSsize_t(sent);

error:
    PyBuffer_Release(&view);
    return NULL;
}

/* Reads of unknown length start with one TLS record's worth. */
#define READ_CHUNK 16384

/* read()'s result so far: a bytes object of `size` bytes, `got` filled. */
struct readbuf {
    PyObject *bytes;
    Py_ssize_t got;
    Py_ssize_t size;
};

/* Starts buf with what an interrupted read left (self->carry): at most
 * `limit` bytes of it (-1: all), the rest left for later.  0 or -1. */
static int
readbuf_start(sslobject *self, struct readbuf *buf, Py_ssize_t limit)
{
    Py_ssize_t have = self->carry ? PyBytes_GET_SIZE(self->carry) : 0;
    Py_ssize_t take = limit >= 0 && limit < have ? limit : have;

    buf->got = take;
    buf->size = limit >= 0 ? limit : take + READ_CHUNK;
    buf->bytes = PyBytes_FromStringAndSize(NULL, buf->size);
    if (buf->bytes == NULL)
        return -1;
    if (take > 0) {
        PyObject *rest = NULL;

        memcpy(PyBytes_AS_STRING(buf->bytes),
               PyBytes_AS_STRING(self->carry), (size_t)take);
        if (take < have) {
            rest = PyBytes_FromStringAndSize(
                PyBytes_AS_STRING(self->carry) + take, have - take);
            if (rest == NULL) {
                Py_CLEAR(buf->bytes);
                return -1;
            }
        }
        Py_XSETREF(self->carry, rest);
    }
    return 0;
}

/* Keeps the bytes of buf for the next read() (a read that raised), in
 * front of any it left there; the exception stays as it was. */
static void
readbuf_keep(sslobject *self, struct readbuf *buf)
{
    PyObject *exc_type, *exc_value, *exc_tb;
    PyObject *kept;
    Py_ssize_t rest;

    if (buf->got > 0) {
        PyErr_Fetch(&exc_type, &exc_value, &exc_tb);
        rest = self->carry ? PyBytes_GET_SIZE(self->carry) : 0;
        kept = PyBytes_FromStringAndSize(NULL, buf->got + rest);
        /* with no memory for that, the bytes are lost; the original
         * exception is the one to see */
        if (kept != NULL) {
            memcpy(PyBytes_AS_STRING(kept), PyBytes_AS_STRING(buf->bytes),
                   (size_t)buf->got);
            if (rest > 0)
                memcpy(PyBytes_AS_STRING(kept) + buf->got,
                       PyBytes_AS_STRING(self->carry), (size_t)rest);
            Py_XSETREF(self->carry, kept);
        }
        PyErr_Restore(exc_type, exc_value, exc_tb);
    }
    Py_CLEAR(buf->bytes);
}

PyDoc_STRVAR(read_doc,
"read([n]) -> bytes\n\n"
"Reads n bytes (fewer at EOF) from the TLS connection, or without n\n"
"everything until EOF.  At EOF after the peer's close_notify, returns\n"
"what it has ('' when nothing); a peer that closed without it raises\n"
"sslerror(SSL_ERROR_EOF) once the data before it was returned.  If the\n"
"read is interrupted (timeout, signal, error), the bytes it already had\n"
"are kept for the next read().");

static PyObject *
sslobj_read(sslobject *self, PyObject *args)
{
    Py_ssize_t n = -1;
    int given;
    struct readbuf buf;
    struct op op;

    if (!PyArg_ParseTuple(args, "|n:read", &n))
        return NULL;
    given = PyTuple_GET_SIZE(args) > 0;
    if (given && n < 0) {
        PyErr_SetString(PyExc_ValueError, "size should not be negative");
        return NULL;
    }
    if (readbuf_start(self, &buf, given ? n : -1) < 0)
        return NULL;
    if (buf.got < buf.size && self->eof == EOF_NONE
        && check_socket(self) < 0)
        goto error;
    while (!(given && buf.got >= n) && self->eof == EOF_NONE) {
        int rc;

        if (buf.got == buf.size) {      /* only without n: grow */
            buf.size *= 2;
            if (_PyBytes_Resize(&buf.bytes, buf.size) < 0)
                goto error;
        }
        op_init(&op, self, OP_READ, PyBytes_AS_STRING(buf.bytes) + buf.got,
                (size_t)(buf.size - buf.got));
        rc = run_op(self, &op, 1);
        if (rc < 0)
            goto error;
        if (rc == OP_DONE) {
            buf.got += (Py_ssize_t)op.done;
            continue;
        }
        if (op.ssl_err == SSL_ERROR_ZERO_RETURN)
            self->eof = EOF_CLEAN;
        else if (is_ragged_eof(&op))
            self->eof = EOF_RAGGED;
        else if (buf.got > 0)
            break;      /* non-blocking: what there was */
        else {
            raise_op_error(&op);
            goto error;
        }
    }
    if (buf.got == 0 && self->eof == EOF_RAGGED) {
        raise_ssl(SSLE_EOF, EOF_MESSAGE);
        goto error;
    }
    if (buf.got < buf.size && _PyBytes_Resize(&buf.bytes, buf.got) < 0)
        return NULL;    /* _PyBytes_Resize released it */
    return buf.bytes;

error:
    readbuf_keep(self, &buf);
    return NULL;
}

PyDoc_STRVAR(server_doc,
"server() -> str\n\n"
"The subject of the peer's certificate, in OpenSSL's one-line form\n"
"('/C=NL/O=Example/CN=www.example.org'); '' without a certificate.");

static PyObject *
sslobj_server(sslobject *self, PyObject *unused)
{
    (void)unused;
    return cs_native_str(self->server);
}

PyDoc_STRVAR(issuer_doc,
"issuer() -> str\n\n"
"The issuer of the peer's certificate, in the form of server().");

static PyObject *
sslobj_issuer(sslobject *self, PyObject *unused)
{
    (void)unused;
    return cs_native_str(self->issuer);
}

PyDoc_STRVAR(pending_doc,
"pending() -> int\n\n"
"The number of decrypted bytes that read() can return at once.");

static PyObject *
sslobj_pending(sslobject *self, PyObject *unused)
{
    int n;

    (void)unused;
    lock_ssl(self);
    n = SSL_pending(self->ssl);
    PyThread_release_lock(self->lock);
    if (self->carry != NULL)
        n += (int)PyBytes_GET_SIZE(self->carry);
    return cs_int_from_long(n);
}

PyDoc_STRVAR(cipher_doc,
"cipher() -> (name, protocol version, secret bits)\n\n"
"The cipher the connection uses, e.g. ('TLS_AES_256_GCM_SHA384',\n"
"'TLSv1.3', 256).");

static PyObject *
sslobj_cipher(sslobject *self, PyObject *unused)
{
    const SSL_CIPHER *cipher;
    const char *name;
    const char *version;
    int bits;

    (void)unused;
    lock_ssl(self);
    cipher = SSL_get_current_cipher(self->ssl);
    name = cipher ? SSL_CIPHER_get_name(cipher) : NULL;
    version = cipher ? SSL_CIPHER_get_version(cipher) : NULL;
    bits = cipher ? SSL_CIPHER_get_bits(cipher, NULL) : 0;
    PyThread_release_lock(self->lock);
    if (cipher == NULL)
        Py_RETURN_NONE;
    /* static strings of OpenSSL's cipher table */
    return Py_BuildValue("(ssi)", name, version, bits);
}

PyDoc_STRVAR(peer_certificate_doc,
"peer_certificate([binary_form]) -> dict, bytes or None\n\n"
"The peer's certificate: with binary_form true, in DER form; else as a\n"
"dict (subject, issuer, version, serialNumber, notBefore, notAfter,\n"
"subjectAltName) when ssl() verified it (cafile), {} when it did not,\n"
"as Python 2.7 gave it.  None without a certificate.");

static PyObject *
sslobj_peer_certificate(sslobject *self, PyObject *args)
{
    PyObject *binary = NULL;
    PyObject *result;
    X509 *cert;
    int want_der = 0;

    if (!PyArg_ParseTuple(args, "|O:peer_certificate", &binary))
        return NULL;
    if (binary != NULL) {
        want_der = PyObject_IsTrue(binary);
        if (want_der < 0)
            return NULL;
    }
    lock_ssl(self);
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
    cert = SSL_get1_peer_certificate(self->ssl);
#else
    cert = SSL_get_peer_certificate(self->ssl);
#endif
    PyThread_release_lock(self->lock);
    if (cert == NULL)
        Py_RETURN_NONE;
    if (want_der)
        result = sslcert_to_der(cert);
    else if (self->verified)
        result = sslcert_to_dict(cert);
    else
        result = PyDict_New();
    X509_free(cert);
    return result;
}

static PyMethodDef sslobject_methods[] = {
    {"write", (PyCFunction)sslobj_write, METH_VARARGS, write_doc},
    {"read", (PyCFunction)sslobj_read, METH_VARARGS, read_doc},
    {"server", (PyCFunction)sslobj_server, METH_NOARGS, server_doc},
    {"issuer", (PyCFunction)sslobj_issuer, METH_NOARGS, issuer_doc},
    {"pending", (PyCFunction)sslobj_pending, METH_NOARGS, pending_doc},
    {"cipher", (PyCFunction)sslobj_cipher, METH_NOARGS, cipher_doc},
    {"peer_certificate", (PyCFunction)sslobj_peer_certificate, METH_VARARGS,
     peer_certificate_doc},
    {NULL, NULL, 0, NULL}
};

static void
sslobj_dealloc(sslobject *self)
{
    sockobject *s = self->sock;

    /* SSL_free frees the socket BIO, which leaves the fd open; nothing
     * here writes to the connection (2.x sent no close_notify either). */
    if (self->ssl != NULL)
        SSL_free(self->ssl);
    /* a socket in blocking mode gets its blocking fd back (check_socket
     * made it non-blocking), for whatever else uses the fd */
    if (s != NULL && s->sock_fd == self->fd && s->sock_fd != -1
        && s->sock_timeout < 0)
        (void)fdutil_set_nonblock(s->sock_fd, 0);
    if (self->ctx != NULL)
        SSL_CTX_free(self->ctx);
    if (self->lock != NULL)
        PyThread_free_lock(self->lock);
    Py_XDECREF(self->carry);
    Py_XDECREF(self->sock);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

PyDoc_STRVAR(sslobject_doc,
"A TLS connection over a socket, as socket.ssl() returns it: write(),\n"
"read(), server(), issuer(), pending(), cipher(), peer_certificate().");

static PyTypeObject sslobject_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "socket.SSL",
    .tp_basicsize = sizeof(sslobject),
    .tp_dealloc = (destructor)sslobj_dealloc,
    .tp_flags = Py_TPFLAGS_CS_DEFAULT,
    .tp_doc = sslobject_doc,
    .tp_methods = sslobject_methods,
};

/* ---- ssl() -------------------------------------------------------------- */

/* The C socket of `obj`: one of ours, or an object (socket.socket) that
 * holds one in `_sock`.  New ref, or NULL with TypeError, or error(EBADF)
 * for a closed socket object. */
static sockobject *
c_socket(PyObject *obj)
{
    PyObject *inner;

    if (PyObject_TypeCheck(obj, &sockobject_type))
        return (sockobject *)Py_NewRef(obj);
    inner = PyObject_GetAttrString(obj, "_sock");
    if (inner == NULL) {
        if (!PyErr_ExceptionMatches(PyExc_AttributeError))
            return NULL;
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "ssl(): argument 1 must be a socket "
                     "object, not %.200s", Py_TYPE(obj)->tp_name);
        return NULL;
    }
    if (PyObject_TypeCheck(inner, &sockobject_type))
        return (sockobject *)inner;
    Py_DECREF(inner);
    set_error_code(EBADF);      /* a closed socket object's _closedsocket */
    return NULL;
}

/* O& converter: None, or a path (str, bytes) as a bytes object without
 * NUL characters; *out gets a new ref or NULL for None.  1 or 0. */
static int
path_converter(PyObject *obj, PyObject **out)
{
    PyObject *bytes;

    if (obj == Py_None) {
        *out = NULL;
        return 1;
    }
    bytes = cs_text_to_bytes(obj, NULL, "ssl()");
    if (bytes == NULL)
        return 0;
    if (strlen(PyBytes_AS_STRING(bytes)) != (size_t)PyBytes_GET_SIZE(bytes)
        || PyBytes_GET_SIZE(bytes) == 0) {
        Py_DECREF(bytes);
        PyErr_SetString(PyExc_ValueError, "ssl(): a file name must be "
                        "non-empty and without null characters");
        return 0;
    }
    *out = bytes;
    return 1;
}

/* O& converter: None, or a host name (str encoded with IDNA, bytes) or
 * IP address; as path_converter. */
static int
hostname_converter(PyObject *obj, PyObject **out)
{
    PyObject *bytes;

    if (obj == Py_None) {
        *out = NULL;
        return 1;
    }
    bytes = cs_text_to_bytes(obj, "idna", "ssl()");
    if (bytes == NULL)
        return 0;
    if (strlen(PyBytes_AS_STRING(bytes)) != (size_t)PyBytes_GET_SIZE(bytes)
        || PyBytes_GET_SIZE(bytes) == 0) {
        Py_DECREF(bytes);
        PyErr_SetString(PyExc_ValueError, "ssl(): server_hostname must be "
                        "non-empty and without null characters");
        return 0;
    }
    *out = bytes;
    return 1;
}

/* Encrypted private keys: no passphrase is asked for (OpenSSL would read
 * one from the terminal); loading such a key fails. */
static int
no_passphrase(char *buf, int size, int rwflag, void *userdata)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)userdata;
    return 0;
}

/* The verify callback for server_hostname without cafile: the name is
 * checked, the chain is not (nothing to check it against). */
static int
name_only_verify(int ok, X509_STORE_CTX *store)
{
    int err;

    if (ok)
        return 1;
    err = X509_STORE_CTX_get_error(store);
    return err == X509_V_ERR_HOSTNAME_MISMATCH
           || err == X509_V_ERR_IP_ADDRESS_MISMATCH ? 0 : 1;
}

struct ssl_args {
    PyObject *keyfile;      /* each a bytes path (owned) or NULL */
    PyObject *certfile;
    PyObject *cafile;
    PyObject *hostname;
};

/* A new SSL_CTX for args: TLS 1.2 at least, the client certificate and
 * the CA file loaded (with the GIL released: they read files).  NULL with
 * an exception set. */
static SSL_CTX *
new_context(const struct ssl_args *a)
{
    const char *cert = a->certfile ? PyBytes_AS_STRING(a->certfile) : NULL;
    const char *key = a->keyfile ? PyBytes_AS_STRING(a->keyfile) : cert;
    const char *ca = a->cafile ? PyBytes_AS_STRING(a->cafile) : NULL;
    const char *failed = NULL;      /* the file that failed to load */
    int bad_key = 0;
    SSL_CTX *ctx;

    Py_BEGIN_ALLOW_THREADS
    ERR_clear_error();
    ctx = SSL_CTX_new(TLS_client_method());
    if (ctx != NULL) {
        SSL_CTX_set_default_passwd_cb(ctx, no_passphrase);
        if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1)
            failed = "";
        else if (cert != NULL
                 && SSL_CTX_use_certificate_chain_file(ctx, cert) != 1)
            failed = cert;
        else if (key != NULL
                 && SSL_CTX_use_PrivateKey_file(ctx, key,
                                                SSL_FILETYPE_PEM) != 1)
            failed = key;
        else if (cert != NULL && SSL_CTX_check_private_key(ctx) != 1)
            bad_key = 1;
        else if (ca != NULL
                 && SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1)
            failed = ca;
    }
    Py_END_ALLOW_THREADS
    if (ctx != NULL && failed == NULL && !bad_key) {
        /* write() loops over records itself, so that a timeout bounds
         * each wait, not the whole transfer; a write cut short (timeout,
         * signal, non-blocking) may be retried from another buffer with
         * the same bytes, as write(s[sent:]) gives them */
        SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE
                              | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
        if (ca != NULL)
            SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
        return ctx;
    }
    if (bad_key) {
        ERR_clear_error();
        raise_ssl(SSLE_SSL, "the private key does not match the "
                  "certificate");
    }
    else
        raise_setup_error(failed != NULL && *failed ? failed : NULL);
    SSL_CTX_free(ctx);      /* NULL is fine */
    return NULL;
}

/* The peer name to check, and to send as SNI (a host name, not an IP
 * address: RFC 6066).  0, or -1 with an exception set. */
static int
set_server_name(SSL *ssl, const char *name, int have_ca)
{
    X509_VERIFY_PARAM *param = SSL_get0_param(ssl);
    unsigned char probe[16];
    int ok;

    X509_VERIFY_PARAM_set_hostflags(param,
                                    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (inet_pton(AF_INET, name, probe) == 1
        || inet_pton(AF_INET6, name, probe) == 1)
        ok = X509_VERIFY_PARAM_set1_ip_asc(param, name);
    else
        ok = SSL_set_tlsext_host_name(ssl, name) == 1
             && SSL_set1_host(ssl, name) == 1;
    if (ok != 1) {
        raise_setup_error(NULL);
        return -1;
    }
    if (!have_ca)
        SSL_set_verify(ssl, SSL_VERIFY_PEER, name_only_verify);
    return 0;
}

/* The handshake made, the peer's names kept; 0 or -1. */
static int
handshake(sslobject *self)
{
    struct op op;
    X509 *cert;

    op_init(&op, self, OP_HANDSHAKE, NULL, 0);
    if (run_op(self, &op, 0) < 0)
        return -1;
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
    cert = SSL_get1_peer_certificate(self->ssl);
#else
    cert = SSL_get_peer_certificate(self->ssl);
#endif
    if (cert != NULL) {
        X509_NAME_oneline(X509_get_subject_name(cert), self->server,
                          sizeof(self->server));
        X509_NAME_oneline(X509_get_issuer_name(cert), self->issuer,
                          sizeof(self->issuer));
        X509_free(cert);
    }
    return 0;
}

/* A new SSL object on s (not yet connected) for args; NULL with an
 * exception set. */
static sslobject *
new_sslobject(sockobject *s, const struct ssl_args *a)
{
    sslobject *self = PyObject_New(sslobject, &sslobject_type);

    if (self == NULL)
        return NULL;
    self->sock = (sockobject *)Py_NewRef(s);
    self->fd = s->sock_fd;
    self->ctx = NULL;
    self->ssl = NULL;
    self->verified = a->cafile != NULL;
    self->eof = EOF_NONE;
    self->carry = NULL;
    self->server[0] = '\0';
    self->issuer[0] = '\0';
    self->lock = PyThread_allocate_lock();
    if (self->lock == NULL) {
        PyErr_NoMemory();
        goto error;
    }
    self->ctx = new_context(a);
    if (self->ctx == NULL)
        goto error;
    self->ssl = SSL_new(self->ctx);
    if (self->ssl == NULL || SSL_set_fd(self->ssl, self->fd) != 1) {
        raise_setup_error(NULL);
        goto error;
    }
    if (a->hostname != NULL
        && set_server_name(self->ssl, PyBytes_AS_STRING(a->hostname),
                           a->cafile != NULL) < 0)
        goto error;
    SSL_set_connect_state(self->ssl);
    return self;

error:
    Py_DECREF(self);
    return NULL;
}

PyDoc_STRVAR(ssl_doc,
"ssl(sock[, keyfile, certfile[, cafile[, server_hostname]]]) -> SSL object\n\n"
"Makes a TLS connection (client side, TLS 1.2 or later) over the\n"
"connected socket sock, following its timeout.  keyfile and certfile\n"
"(PEM) give a client certificate; certfile alone may hold the key too.\n"
"Warning: as in Python 2.x, the peer is not verified unless asked:\n"
"with cafile (PEM), its certificate chain must lead to one of those CAs;\n"
"with server_hostname, that name is sent (SNI) and the certificate must\n"
"be for it.  A failed check raises sslerror.");

static PyObject *
socket_ssl(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"sock", "keyfile", "certfile", "cafile",
                             "server_hostname", NULL};
    struct ssl_args a = {NULL, NULL, NULL, NULL};
    PyObject *sock_arg;
    sockobject *s = NULL;
    sslobject *self = NULL;

    (void)module;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|O&O&O&O&:ssl", kwlist,
                                     &sock_arg, path_converter, &a.keyfile,
                                     path_converter, &a.certfile,
                                     path_converter, &a.cafile,
                                     hostname_converter, &a.hostname))
        goto done;
    if (a.keyfile != NULL && a.certfile == NULL) {
        PyErr_SetString(PyExc_ValueError,
                        "ssl(): keyfile needs certfile too");
        goto done;
    }
    s = c_socket(sock_arg);
    if (s == NULL)
        goto done;
    if (s->sock_fd == -1) {
        set_error_code(EBADF);
        goto done;
    }
    self = new_sslobject(s, &a);
    if (self == NULL)
        goto done;
    if (check_socket(self) < 0 || handshake(self) < 0)
        Py_CLEAR(self);

done:
    Py_XDECREF(s);
    Py_XDECREF(a.keyfile);
    Py_XDECREF(a.certfile);
    Py_XDECREF(a.cafile);
    Py_XDECREF(a.hostname);
    return (PyObject *)self;
}

/* ---- RAND_add, RAND_status ---------------------------------------------- */

PyDoc_STRVAR(rand_add_doc,
"RAND_add(string, entropy)\n\n"
"Mixes string into OpenSSL's random generator; entropy is the number of\n"
"bytes of randomness in it (a lower bound).");

static PyObject *
socket_RAND_add(PyObject *module, PyObject *args)
{
    Py_buffer view;
    double entropy;
    const char *p;
    Py_ssize_t left;

    (void)module;
    if (!PyArg_ParseTuple(args, "s*d:RAND_add", &view, &entropy))
        return NULL;
    /* RAND_add takes an int length: longer data goes in pieces, the
     * entropy spread over them */
    p = view.buf;
    left = view.len;
    do {
        int piece = left > 0x40000000 ? 0x40000000 : (int)left;

        RAND_add(p, piece, view.len ? entropy * piece / view.len : entropy);
        p += piece;
        left -= piece;
    } while (left > 0);
    PyBuffer_Release(&view);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(rand_status_doc,
"RAND_status() -> 0 or 1\n\n"
"1 when OpenSSL's random generator has been seeded with enough data.");

static PyObject *
socket_RAND_status(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    return cs_int_from_long(RAND_status());
}

PyMethodDef sslobject_functions[] = {
    {"ssl", (PyCFunction)(void (*)(void))socket_ssl,
     METH_VARARGS | METH_KEYWORDS, ssl_doc},
    {"RAND_add", socket_RAND_add, METH_VARARGS, rand_add_doc},
    {"RAND_status", socket_RAND_status, METH_NOARGS, rand_status_doc},
    {NULL, NULL, 0, NULL}
};

/* ---- registration ------------------------------------------------------- */

static char sslerror_doc[] =
    "TLS errors of socket.ssl() and its SSL objects: (SSL_ERROR_* code, "
    "message).";

int
sslobject_add_to_module(PyObject *module)
{
    size_t i;

    if (PyType_Ready(&sslobject_type) < 0)
        return -1;
    if (ssl_error == NULL) {
        ssl_error = PyErr_NewExceptionWithDoc("socket.sslerror", sslerror_doc,
                                              sock_error, NULL);
        if (ssl_error == NULL)
            return -1;
    }
    if (PyModule_AddObjectRef(module, "sslerror", ssl_error) < 0)
        return -1;
    for (i = 0; i < sizeof(ssl_constants) / sizeof(ssl_constants[0]); i++) {
        if (PyModule_AddIntConstant(module, ssl_constants[i].name,
                                    ssl_constants[i].value) < 0)
            return -1;
    }
    return 0;
}

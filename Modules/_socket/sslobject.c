/* sslobject.c - the SSL object that socket.ssl() returns: its handshake
 * and its methods write(), read(), server(), issuer(), pending(),
 * cipher() and peer_certificate() (sslobject.h).  The calls on the
 * connection go through sslcall.c; the object itself, its read buffer
 * (bytes kept from an interrupted read) and its EOF state live here. */
#include "sslobject.h"  /* first: Python.h sets the feature macros */

#include <string.h>

#include <openssl/x509.h>

#include "fdutil.h"
#include "sslcert.h"

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
    struct sslcall_op op;
    int rc = SSLCALL_DONE;

    if (!PyArg_ParseTuple(args, CS_BUF ":write", &view))
        return NULL;
    if (sslcall_check_socket(self) < 0)
        goto error;
    while (sent < view.len) {
        sslcall_op_init(&op, self, SSLCALL_WRITE, (char *)view.buf + sent,
                        (size_t)(view.len - sent));
        rc = sslcall_run(self, &op, sent > 0);
        if (rc < 0)
            goto error;
        if (rc == SSLCALL_STOPPED)
            break;      /* non-blocking, after part of it: that part */
        sent += (Py_ssize_t)op.done;
    }
    if (rc == SSLCALL_STOPPED && op.ssl_err != SSL_ERROR_WANT_WRITE
        && op.ssl_err != SSL_ERROR_WANT_READ) {
        sslcall_raise_op(&op);
        goto error;
    }
    PyBuffer_Release(&view);
    return cs_int_from_long((long)sent);

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

    if (buf->got > 0 && buf->bytes != NULL) {  /* NULL: a failed resize */
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
    struct sslcall_op op;

    if (!PyArg_ParseTuple(args, "|n:read", &n))
        return NULL;
    given = PyTuple_GET_SIZE(args) > 0;
    if (given && n < 0) {
        PyErr_SetString(PyExc_ValueError, "size should not be negative");
        return NULL;
    }
    if (readbuf_start(self, &buf, given ? n : -1) < 0)
        return NULL;
    if (buf.got < buf.size && self->eof == SSLCALL_EOF_NONE
        && sslcall_check_socket(self) < 0)
        goto error;
    while (!(given && buf.got >= n) && self->eof == SSLCALL_EOF_NONE) {
        int rc;

        if (buf.got == buf.size) {      /* only without n: grow */
            buf.size *= 2;
            if (_PyBytes_Resize(&buf.bytes, buf.size) < 0)
                goto error;
        }
        sslcall_op_init(&op, self, SSLCALL_READ,
                        PyBytes_AS_STRING(buf.bytes) + buf.got,
                        (size_t)(buf.size - buf.got));
        rc = sslcall_run(self, &op, 1);
        if (rc < 0)
            goto error;
        if (rc == SSLCALL_DONE) {
            buf.got += (Py_ssize_t)op.done;
            continue;
        }
        if (op.ssl_err == SSL_ERROR_ZERO_RETURN)
            self->eof = SSLCALL_EOF_CLEAN;
        else if (sslcall_is_ragged_eof(&op))
            self->eof = SSLCALL_EOF_RAGGED;
        else if (buf.got > 0)
            break;      /* non-blocking: what there was */
        else {
            sslcall_raise_op(&op);
            goto error;
        }
    }
    if (buf.got == 0 && self->eof == SSLCALL_EOF_RAGGED) {
        sslcall_raise(SSLE_EOF, "EOF occurred in violation of protocol");
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
    sslcall_lock(self);
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
    sslcall_lock(self);
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
    sslcall_lock(self);
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
    /* a socket in blocking mode gets its blocking fd back (made
     * non-blocking by sslcall_check_socket), for whatever else uses it */
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

/* ---- the handshake ------------------------------------------------------ */

int
sslobject_ready(void)
{
    return PyType_Ready(&sslobject_type);
}

/* The handshake made, the peer's names kept; 0 or -1. */
static int
handshake(sslobject *self)
{
    struct sslcall_op op;
    X509 *cert;

    sslcall_op_init(&op, self, SSLCALL_HANDSHAKE, NULL, 0);
    if (sslcall_check_socket(self) < 0 || sslcall_run(self, &op, 0) < 0)
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

PyObject *
sslobject_connect(sockobject *s, SSL_CTX *ctx, SSL *ssl, int verified)
{
    sslobject *self = PyObject_New(sslobject, &sslobject_type);

    if (self == NULL) {
        SSL_free(ssl);
        SSL_CTX_free(ctx);
        return NULL;
    }
    self->sock = (sockobject *)Py_NewRef(s);
    self->fd = s->sock_fd;
    self->ctx = ctx;
    self->ssl = ssl;
    self->verified = verified;
    self->eof = SSLCALL_EOF_NONE;
    self->carry = NULL;
    self->server[0] = '\0';
    self->issuer[0] = '\0';
    self->lock = PyThread_allocate_lock();
    if (self->lock == NULL) {
        PyErr_NoMemory();
        Py_DECREF(self);
        return NULL;
    }
    if (handshake(self) < 0) {
        Py_DECREF(self);
        return NULL;
    }
    return (PyObject *)self;
}

/* sslwrap.c - socket.ssl(): its arguments, the OpenSSL context they make
 * (the TLS 1.2 floor, a client certificate, the CA file and the checks
 * it asks for) and the SSL over the socket, handed to sslobject.c for the
 * handshake; plus RAND_add, RAND_status, and sslerror with the
 * SSL_ERROR_* constants in the module (sslwrap.h).
 *
 * As in Python 2.x, the peer is not verified unless asked (cafile,
 * server_hostname). */
#include "sslwrap.h"    /* first: Python.h sets the feature macros */

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "sockerr.h"
#include "sslobject.h"

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
    sockerr_code(EBADF);      /* a closed socket object's _closedsocket */
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
        sslcall_raise(SSLE_SSL, "the private key does not match the "
                  "certificate");
    }
    else
        sslcall_raise_setup(failed != NULL && *failed ? failed : NULL);
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
        sslcall_raise_setup(NULL);
        return -1;
    }
    if (!have_ca)
        SSL_set_verify(ssl, SSL_VERIFY_PEER, name_only_verify);
    return 0;
}

/* The SSL for args on s's fd, client side; NULL with an exception set
 * (ctx is the caller's to free). */
static SSL *
new_ssl(SSL_CTX *ctx, sockobject *s, const struct ssl_args *a)
{
    SSL *ssl = SSL_new(ctx);

    if (ssl == NULL || SSL_set_fd(ssl, s->sock_fd) != 1) {
        sslcall_raise_setup(NULL);
        SSL_free(ssl);      /* NULL is fine */
        return NULL;
    }
    if (a->hostname != NULL
        && set_server_name(ssl, PyBytes_AS_STRING(a->hostname),
                           a->cafile != NULL) < 0) {
        SSL_free(ssl);
        return NULL;
    }
    SSL_set_connect_state(ssl);
    return ssl;
}

const char sslwrap_ssl_doc[] =
"ssl(sock[, keyfile, certfile[, cafile[, server_hostname]]]) -> SSL object\n\n"
"Makes a TLS connection (client side, TLS 1.2 or later) over the\n"
"connected socket sock, following its timeout.  keyfile and certfile\n"
"(PEM) give a client certificate; certfile alone may hold the key too.\n"
"Warning: as in Python 2.x, the peer is not verified unless asked:\n"
"with cafile (PEM), its certificate chain must lead to one of those CAs;\n"
"with server_hostname, that name is sent (SNI) and the certificate must\n"
"be for it.  A failed check raises sslerror.";

PyObject *
sslwrap_ssl(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"sock", "keyfile", "certfile", "cafile",
                             "server_hostname", NULL};
    struct ssl_args a = {NULL, NULL, NULL, NULL};
    PyObject *sock_arg;
    sockobject *s = NULL;
    SSL_CTX *ctx;
    SSL *ssl;
    PyObject *result = NULL;

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
        sockerr_code(EBADF);
        goto done;
    }
    ctx = new_context(&a);
    if (ctx == NULL)
        goto done;
    ssl = new_ssl(ctx, s, &a);
    if (ssl == NULL) {
        SSL_CTX_free(ctx);
        goto done;
    }
    result = sslobject_connect(s, ctx, ssl, a.cafile != NULL);

done:
    Py_XDECREF(s);
    Py_XDECREF(a.keyfile);
    Py_XDECREF(a.certfile);
    Py_XDECREF(a.cafile);
    Py_XDECREF(a.hostname);
    return result;
}

/* ---- RAND_add, RAND_status ---------------------------------------------- */

const char sslwrap_rand_add_doc[] =
"RAND_add(string, entropy)\n\n"
"Mixes string into OpenSSL's random generator; entropy is the number of\n"
"bytes of randomness in it (a lower bound).";

PyObject *
sslwrap_rand_add(PyObject *module, PyObject *args)
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

const char sslwrap_rand_status_doc[] =
"RAND_status() -> 0 or 1\n\n"
"1 when OpenSSL's random generator has been seeded with enough data.";

PyObject *
sslwrap_rand_status(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    return cs_int_from_long(RAND_status());
}

/* ---- registration ------------------------------------------------------- */

int
sslwrap_add_to_module(PyObject *module)
{
    size_t i;

    if (sslobject_ready() < 0 || sslcall_init() < 0
        || PyModule_AddObjectRef(module, "sslerror", sslcall_error) < 0)
        return -1;
    for (i = 0; i < sizeof(ssl_constants) / sizeof(ssl_constants[0]); i++) {
        if (PyModule_AddIntConstant(module, ssl_constants[i].name,
                                    ssl_constants[i].value) < 0)
            return -1;
    }
    return 0;
}

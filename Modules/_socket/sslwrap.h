/* sslwrap.h - socket.ssl() and 2.x's other TLS names of the socket
 * module: a client-side TLS connection over a socket object, made with
 * OpenSSL's libssl (linked by our own build: the interpreter's ssl/_ssl
 * are neither imported nor shadowed). */
#ifndef CLASSICSOCKET_SSLWRAP_H
#define CLASSICSOCKET_SSLWRAP_H

#include "compat.h"

/* The module functions ssl, RAND_add and RAND_status. */
PyObject *sslwrap_ssl(PyObject *module, PyObject *args, PyObject *kwargs);
extern const char sslwrap_ssl_doc[];
PyObject *sslwrap_rand_add(PyObject *module, PyObject *args);
extern const char sslwrap_rand_add_doc[];
PyObject *sslwrap_rand_status(PyObject *module, PyObject *unused);
extern const char sslwrap_rand_status_doc[];

#define SSLWRAP_SSL_METHODDEF \
    {"ssl", (PyCFunction)(void (*)(void))sslwrap_ssl, \
     METH_VARARGS | METH_KEYWORDS, sslwrap_ssl_doc},
#define SSLWRAP_RAND_ADD_METHODDEF \
    {"RAND_add", sslwrap_rand_add, METH_VARARGS, sslwrap_rand_add_doc},
#define SSLWRAP_RAND_STATUS_METHODDEF \
    {"RAND_status", sslwrap_rand_status, METH_NOARGS, \
     sslwrap_rand_status_doc},

/* Readies the SSL object type and adds sslerror (a subclass of
 * socket.error) and the SSL_ERROR_* constants to module (after
 * sockerr_add_to_module); 0 or -1 with an exception set. */
int sslwrap_add_to_module(PyObject *module);

#endif /* CLASSICSOCKET_SSLWRAP_H */

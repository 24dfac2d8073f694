/* sslwrap.h - socket.ssl() and 2.x's other TLS names of the socket
 * module: a client-side TLS connection over a socket object, made with
 * OpenSSL's libssl (linked by our own build: the interpreter's ssl/_ssl
 * are neither imported nor shadowed). */
#ifndef CLASSICSOCKET_SSLWRAP_H
#define CLASSICSOCKET_SSLWRAP_H

#include "compat.h"

/* The module functions ssl, RAND_add and RAND_status ({NULL}-terminated). */
extern PyMethodDef sslwrap_functions[];

/* Readies the SSL object type and adds sslerror (a subclass of
 * socket.error) and the SSL_ERROR_* constants to module (after
 * sockerr_add_to_module); 0 or -1 with an exception set. */
int sslwrap_add_to_module(PyObject *module);

#endif /* CLASSICSOCKET_SSLWRAP_H */

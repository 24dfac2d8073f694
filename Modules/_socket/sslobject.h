/* sslobject.h - socket.ssl(): a client-side TLS connection over a socket
 * object, made with OpenSSL's libssl (linked by our own build: the
 * interpreter's ssl/_ssl are neither imported nor shadowed).  The SSL
 * object type, the exception sslerror, RAND_add/RAND_status and the
 * SSL_ERROR_* constants, as Python 2.x's socket module had them. */
#ifndef CLASSICSOCKET_SSLOBJECT_H
#define CLASSICSOCKET_SSLOBJECT_H

#include "compat.h"

/* The module functions ssl, RAND_add and RAND_status ({NULL}-terminated). */
extern PyMethodDef sslobject_functions[];

/* Creates sslerror (a subclass of socket.error) and adds it and the
 * SSL_ERROR_* constants to module (after sockerr_add_to_module); 0 or -1
 * with an exception set. */
int sslobject_add_to_module(PyObject *module);

#endif /* CLASSICSOCKET_SSLOBJECT_H */

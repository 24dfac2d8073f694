/* sslobject.h - the SSL object that socket.ssl() returns (its layout is
 * in sslcall.h, which makes its calls on the connection). */
#ifndef CLASSICSOCKET_SSLOBJECT_H
#define CLASSICSOCKET_SSLOBJECT_H

#include "sslcall.h"    /* first: Python.h sets the feature macros */

/* Readies the type (once, before the first sslobject_connect()); 0 or
 * -1 with an exception set. */
int sslobject_ready(void);

/* A new SSL object that owns ctx and ssl (set up for a client on s's fd)
 * and has made the handshake over s, following s's timeout.  New ref, or
 * NULL with an exception set; ctx and ssl are freed either way when the
 * object goes (or here, when there is none). */
PyObject *sslobject_connect(sockobject *s, SSL_CTX *ctx, SSL *ssl,
                            int verified);

#endif /* CLASSICSOCKET_SSLOBJECT_H */

/* sockio.h - the send/recv family of the socket type (sockio.c): its
 * methods, for the type's method table (sockobject.c) and the socket
 * objects' calls (wrapcall.c); and the receive and send-everything paths
 * of those methods over a C buffer, for the file object (sockfile.c). */
#ifndef CLASSICSOCKET_SOCKIO_H
#define CLASSICSOCKET_SOCKIO_H

#include "sockobject.h"

PyObject *sockio_recv(PyObject *self, CS_POS_PARAMS);
PyObject *sockio_recv_into(PyObject *self, CS_POSKW_PARAMS);
PyObject *sockio_recvfrom(PyObject *self, CS_POS_PARAMS);
PyObject *sockio_recvfrom_into(PyObject *self, CS_POSKW_PARAMS);
PyObject *sockio_send(PyObject *self, CS_POS_PARAMS);
PyObject *sockio_sendall(PyObject *self, CS_POS_PARAMS);
PyObject *sockio_sendto(PyObject *self, CS_POS_PARAMS);

extern const char sockio_recv_doc[];
extern const char sockio_recv_into_doc[];
extern const char sockio_recvfrom_doc[];
extern const char sockio_recvfrom_into_doc[];
extern const char sockio_send_doc[];
extern const char sockio_sendall_doc[];
extern const char sockio_sendto_doc[];

#define SOCKIO_RECV_METHODDEF \
    {"recv", CS_POS_FN(sockio_recv), CS_METH_POS, sockio_recv_doc},
#define SOCKIO_RECV_INTO_METHODDEF \
    {"recv_into", CS_POS_FN(sockio_recv_into), CS_METH_POSKW, \
     sockio_recv_into_doc},
#define SOCKIO_RECVFROM_METHODDEF \
    {"recvfrom", CS_POS_FN(sockio_recvfrom), CS_METH_POS, \
     sockio_recvfrom_doc},
#define SOCKIO_RECVFROM_INTO_METHODDEF \
    {"recvfrom_into", CS_POS_FN(sockio_recvfrom_into), CS_METH_POSKW, \
     sockio_recvfrom_into_doc},
#define SOCKIO_SEND_METHODDEF \
    {"send", CS_POS_FN(sockio_send), CS_METH_POS, sockio_send_doc},
#define SOCKIO_SENDALL_METHODDEF \
    {"sendall", CS_POS_FN(sockio_sendall), CS_METH_POS, sockio_sendall_doc},
#define SOCKIO_SENDTO_METHODDEF \
    {"sendto", CS_POS_FN(sockio_sendto), CS_METH_POS, sockio_sendto_doc},

/* recv(buf, len) on s into a C buffer, as recv() receives (flags 0): the
 * number of bytes received (0 at end of file), or -1 with an exception
 * set. */
Py_ssize_t sockio_recv_buffer(sockobject *s, char *buf, Py_ssize_t len);

/* sendall() of len bytes at buf: 0, or -1 with an exception set; *sent is
 * the number of bytes that went out either way. */
int sockio_sendall_buffer(sockobject *s, const char *buf, Py_ssize_t len,
                          int flags, Py_ssize_t *sent);

#endif /* CLASSICSOCKET_SOCKIO_H */

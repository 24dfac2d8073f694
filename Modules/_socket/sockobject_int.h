/* sockobject_int.h - what sockobject.c, sockio.c and sockopt.c share: the
 * methods that sockio.c (send/recv family) and sockopt.c (socket options)
 * define for the method table in sockobject.c, with their docstrings; and
 * sockio.c's recv(2)/send(2) calls, which sockfile.c makes too. */
#ifndef CLASSICSOCKET_SOCKOBJECT_INT_H
#define CLASSICSOCKET_SOCKOBJECT_INT_H

#include "sockobject.h"     /* first: Python.h sets the feature macros */

#include "sockaddr.h"

/* The instance layout: sockobject (shared with CPython's _ssl through the
 * capsule, so it stays as sockobject.h lays it out) followed by what only
 * this type uses. */
typedef struct {
    sockobject sock;
    PyObject *weakreflist;      /* weak references to the object; cleared
                                   in tp_dealloc */
    /* sendto's last destination host and recvfrom's last sender (sockio.c);
     * their objects are released in tp_dealloc */
    struct sockaddr_parse_cache sendto_cache;
    struct sockaddr_build_cache recvfrom_cache;
    /* a blocking socket's receives tried first with the GIL held (sockio.c):
     * how many to skip before the next try, and the skip after a refusal */
    unsigned short recv_skip;
    unsigned short recv_gap;
} sockobject_instance;

/* sockio.c: the sockcall_fn (sockcall.h) of recv(2) and send(2) on the
 * socket, with ctx->flags; their ctx structs serve recvfrom/sendto too. */
struct recv_ctx {
    char *buf;
    size_t len;
    int flags;
    sock_addr_t *addr;      /* recvfrom: the sender's address goes here */
    socklen_t addrlen;
    ssize_t result;
};

struct send_ctx {
    const char *buf;
    size_t len;
    int flags;
    const sock_addr_t *addr;    /* sendto: the destination, else NULL */
    socklen_t addrlen;
    ssize_t result;
};

int sockio_recv_call(sockobject *s, void *ctx);   /* struct recv_ctx */
int sockio_send_call(sockobject *s, void *ctx);   /* struct send_ctx */

/* sockio.c: methods with CS_POS_PARAMS / CS_POSKW_PARAMS (compat.h) */
PyObject *sock_recv(PyObject *self, CS_POS_PARAMS);
PyObject *sock_recv_into(PyObject *self, CS_POSKW_PARAMS);
PyObject *sock_recvfrom(PyObject *self, CS_POS_PARAMS);
PyObject *sock_recvfrom_into(PyObject *self, CS_POSKW_PARAMS);
PyObject *sock_send(PyObject *self, CS_POS_PARAMS);
PyObject *sock_sendall(PyObject *self, CS_POS_PARAMS);
PyObject *sock_sendto(PyObject *self, CS_POS_PARAMS);

extern const char sock_recv_doc[];
extern const char sock_recv_into_doc[];
extern const char sock_recvfrom_doc[];
extern const char sock_recvfrom_into_doc[];
extern const char sock_send_doc[];
extern const char sock_sendall_doc[];
extern const char sock_sendto_doc[];

/* sockopt.c: methods with CS_POS_PARAMS */
PyObject *sock_getsockopt(PyObject *self, CS_POS_PARAMS);
PyObject *sock_setsockopt(PyObject *self, CS_POS_PARAMS);

extern const char sock_getsockopt_doc[];
extern const char sock_setsockopt_doc[];

#endif /* CLASSICSOCKET_SOCKOBJECT_INT_H */

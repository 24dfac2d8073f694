/* sockobject_int.h - the instance layout of the socket type, which
 * sockobject.c and sockio.c (the send/recv family) share. */
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

#endif /* CLASSICSOCKET_SOCKOBJECT_INT_H */

/* sockobject.h - the socket object and the C-API capsule.
 *
 * The first fields of sockobject and the whole of sock_capi are laid out as
 * CPython's own PySocketSockObject / PySocketModule_APIObject, because the
 * interpreter's _ssl module imports "_socket.CAPI" and reads sock_fd and
 * sock_timeout straight from the struct.  New fields go only at the end. */
#ifndef CLASSICSOCKET_SOCKOBJECT_H
#define CLASSICSOCKET_SOCKOBJECT_H

#include "args.h"

typedef struct {
    PyObject_HEAD
    int sock_fd;                        /* -1 once closed */
    int sock_family;
    int sock_type;
    int sock_proto;
    PyObject *(*errorhandler)(void);    /* raises from errno, returns NULL */
    cs_timeout_t sock_timeout;          /* <0 blocking, 0 non-blocking */
#if CS_PY3
    void *sock_state;                   /* CPython 3.12's module-state slot;
                                           always NULL here */
#endif
} sockobject;

/* What "_socket.CAPI" points to: CPython 2.7 has the first two fields,
 * 3.x all three.  The objects are borrowed from the module. */
typedef struct {
    PyTypeObject *Sock_Type;
    PyObject *error;
#if CS_PY3
    PyObject *timeout_error;
#endif
} sock_capi;

#define SOCK_CAPI_NAME "_socket.CAPI"

extern PyTypeObject sockobject_type;

/* Default timeout for new sockets, set by setdefaulttimeout(). */
extern cs_timeout_t sock_default_timeout;

/* Registers the type as "socket" and "SocketType" in the module, plus the
 * timeout functions; 0 or -1 with an exception set. */
int sockobject_add_to_module(PyObject *module);

/* A new socket object owning fd (new ref); on failure the fd is closed and
 * NULL returned with an exception set. */
PyObject *sockobject_from_fd(int fd, int family, int type, int proto);

/* A new socket object on a new socket(family, type, proto) in the default
 * timeout mode, as _socket.socket(family, type, proto) makes it (new ref,
 * or NULL with an exception set). */
PyObject *sockobject_create(int family, int type, int proto);

#endif /* CLASSICSOCKET_SOCKOBJECT_H */

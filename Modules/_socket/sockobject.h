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

/* Registers the type as "socket" and "SocketType" in the module; 0 or -1
 * with an exception set. */
int sockobject_add_to_module(PyObject *module);

/* A new socket object on a new socket(family, type, proto) in the default
 * timeout mode, as _socket.socket(family, type, proto) makes it (new ref,
 * or NULL with an exception set). */
PyObject *sockobject_create(int family, int type, int proto);

/* The parameters of socket([family[, type[, proto]]]) in the usual call,
 * up to three exact ints (and no keywords, which the caller checks): 1
 * with params[] set (AF_INET, SOCK_STREAM and 0 for those not given); 0,
 * nothing set and no exception, when the general parser has to look at the
 * call.  The one fast parser of the socket type's constructor and of the
 * socket objects' (sockwrap.c). */
int sockobject_fast_params(PyObject *const *argv, Py_ssize_t nargs,
                           int params[3]);

/* The methods of the type (sockobject.c; the send/recv family is in
 * sockio.h, the options in sockopt.h), for its method table and the socket
 * objects' calls (wrapcall.c). */
PyObject *sockobject_accept(PyObject *self, PyObject *unused);
PyObject *sockobject_bind(PyObject *self, CS_POS_PARAMS);
PyObject *sockobject_close(PyObject *self, PyObject *unused);
PyObject *sockobject_connect(PyObject *self, CS_POS_PARAMS);
PyObject *sockobject_connect_ex(PyObject *self, CS_POS_PARAMS);
PyObject *sockobject_dup(PyObject *self, PyObject *unused);
PyObject *sockobject_fileno(PyObject *self, PyObject *unused);
PyObject *sockobject_getpeername(PyObject *self, PyObject *unused);
PyObject *sockobject_getsockname(PyObject *self, PyObject *unused);
PyObject *sockobject_gettimeout(PyObject *self, PyObject *unused);
PyObject *sockobject_listen(PyObject *self, PyObject *arg);
PyObject *sockobject_setblocking(PyObject *self, PyObject *arg);
PyObject *sockobject_settimeout(PyObject *self, PyObject *arg);
PyObject *sockobject_shutdown(PyObject *self, PyObject *arg);
extern const char sockobject_accept_doc[];
extern const char sockobject_bind_doc[];
extern const char sockobject_close_doc[];
extern const char sockobject_connect_doc[];
extern const char sockobject_connect_ex_doc[];
extern const char sockobject_dup_doc[];
extern const char sockobject_fileno_doc[];
extern const char sockobject_getpeername_doc[];
extern const char sockobject_getsockname_doc[];
extern const char sockobject_gettimeout_doc[];
extern const char sockobject_listen_doc[];
extern const char sockobject_setblocking_doc[];
extern const char sockobject_settimeout_doc[];
extern const char sockobject_shutdown_doc[];

#define SOCKOBJECT_ACCEPT_METHODDEF \
    {"accept", sockobject_accept, METH_NOARGS, sockobject_accept_doc},
#define SOCKOBJECT_BIND_METHODDEF \
    {"bind", CS_POS_FN(sockobject_bind), CS_METH_POS, sockobject_bind_doc},
#define SOCKOBJECT_CLOSE_METHODDEF \
    {"close", sockobject_close, METH_NOARGS, sockobject_close_doc},
#define SOCKOBJECT_CONNECT_METHODDEF \
    {"connect", CS_POS_FN(sockobject_connect), CS_METH_POS, \
     sockobject_connect_doc},
#define SOCKOBJECT_CONNECT_EX_METHODDEF \
    {"connect_ex", CS_POS_FN(sockobject_connect_ex), CS_METH_POS, \
     sockobject_connect_ex_doc},
#define SOCKOBJECT_DUP_METHODDEF \
    {"dup", sockobject_dup, METH_NOARGS, sockobject_dup_doc},
#define SOCKOBJECT_FILENO_METHODDEF \
    {"fileno", sockobject_fileno, METH_NOARGS, sockobject_fileno_doc},
#define SOCKOBJECT_GETPEERNAME_METHODDEF \
    {"getpeername", sockobject_getpeername, METH_NOARGS, \
     sockobject_getpeername_doc},
#define SOCKOBJECT_GETSOCKNAME_METHODDEF \
    {"getsockname", sockobject_getsockname, METH_NOARGS, \
     sockobject_getsockname_doc},
#define SOCKOBJECT_GETTIMEOUT_METHODDEF \
    {"gettimeout", sockobject_gettimeout, METH_NOARGS, \
     sockobject_gettimeout_doc},
#define SOCKOBJECT_LISTEN_METHODDEF \
    {"listen", sockobject_listen, METH_O, sockobject_listen_doc},
#define SOCKOBJECT_SETBLOCKING_METHODDEF \
    {"setblocking", sockobject_setblocking, METH_O, \
     sockobject_setblocking_doc},
#define SOCKOBJECT_SETTIMEOUT_METHODDEF \
    {"settimeout", sockobject_settimeout, METH_O, sockobject_settimeout_doc},
#define SOCKOBJECT_SHUTDOWN_METHODDEF \
    {"shutdown", sockobject_shutdown, METH_O, sockobject_shutdown_doc},

#if CS_PY3
/* Python 3's module functions close(fd) and dup(fd). */
PyObject *sockobject_close_fd(PyObject *self, PyObject *arg);
PyObject *sockobject_dup_fd(PyObject *self, PyObject *arg);
extern const char sockobject_close_fd_doc[];
extern const char sockobject_dup_fd_doc[];

#define SOCKOBJECT_CLOSE_FD_METHODDEF \
    {"close", sockobject_close_fd, METH_O, sockobject_close_fd_doc},
#define SOCKOBJECT_DUP_FD_METHODDEF \
    {"dup", sockobject_dup_fd, METH_O, sockobject_dup_fd_doc},
#else
#define SOCKOBJECT_CLOSE_FD_METHODDEF
#define SOCKOBJECT_DUP_FD_METHODDEF
#endif

/* Module functions: fromfd, socketpair, get/setdefaulttimeout. */
PyObject *sockobject_fromfd(PyObject *self, PyObject *args);
PyObject *sockobject_socketpair(PyObject *self, PyObject *args);
PyObject *sockobject_getdefaulttimeout(PyObject *self, PyObject *unused);
PyObject *sockobject_setdefaulttimeout(PyObject *self, PyObject *arg);
extern const char sockobject_fromfd_doc[];
extern const char sockobject_socketpair_doc[];
extern const char sockobject_getdefaulttimeout_doc[];
extern const char sockobject_setdefaulttimeout_doc[];

#define SOCKOBJECT_FROMFD_METHODDEF \
    {"fromfd", sockobject_fromfd, METH_VARARGS, sockobject_fromfd_doc},
#define SOCKOBJECT_SOCKETPAIR_METHODDEF \
    {"socketpair", sockobject_socketpair, METH_VARARGS, \
     sockobject_socketpair_doc},
#define SOCKOBJECT_GETDEFAULTTIMEOUT_METHODDEF \
    {"getdefaulttimeout", sockobject_getdefaulttimeout, METH_NOARGS, \
     sockobject_getdefaulttimeout_doc},
#define SOCKOBJECT_SETDEFAULTTIMEOUT_METHODDEF \
    {"setdefaulttimeout", sockobject_setdefaulttimeout, METH_O, \
     sockobject_setdefaulttimeout_doc},

#endif /* CLASSICSOCKET_SOCKOBJECT_H */

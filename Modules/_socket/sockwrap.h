/* sockwrap.h - what the files of _socket._socketobject share: sockwrap.c
 * (the type), sockwrap_call.c (calling the methods of the object the
 * socket object holds) and sockwrap_file.c (makefile() and the timeouts its
 * files follow). */
#ifndef CLASSICSOCKET_SOCKWRAP_H
#define CLASSICSOCKET_SOCKWRAP_H

#include "sockobject_int.h"     /* first: Python.h sets the feature macros */

/* The data methods, which the object stores as `_sock`'s own bound
 * methods (the C socket's: a call goes straight to C), as 2.7's does. */
enum data_slot {
    DM_RECV, DM_RECVFROM, DM_RECV_INTO, DM_RECVFROM_INTO, DM_SEND, DM_SENDTO,
    DM_COUNT
};

typedef struct {
    PyObject_HEAD
    PyObject *sock;         /* `_sock`: the C socket, any object put there,
                               the closed singleton after close(), or NULL
                               before __init__ / after `del s._sock`; owned */
    PyObject *data[DM_COUNT];   /* the data methods stored on the object:
                               NULL until first used, then `_sock`'s bound
                               method (or what was assigned); dropped when
                               `_sock` changes; owned */
    PyObject *files;        /* NULL until makefile(), then a list of weak
                               references to the dup()ed C sockets of the
                               files it made; owned */
    PyObject *weakreflist;  /* weak references to this object; cleared in
                               tp_dealloc */
} wrapobject;

/* ---- sockwrap.c --------------------------------------------------------- */

/* socket.py's globals(), set through _set_socket_namespace() (owned, for
 * the life of the process): makefile() takes `_fileobject` from it at each
 * call, accept() and dup() `_socketobject`, the class of the objects they
 * make, as socket.py's Python code would.  NULL until then: makefile()
 * asks the module "socket", and the objects are of this type. */
extern PyObject *sockwrap_namespace;

/* AttributeError for `_sock` read before __init__ set it, or after it was
 * deleted; returns NULL. */
PyObject *sockwrap_no_sock(PyObject *self);

/* ---- sockwrap_call.c: the C socket's methods the object calls ----------- */

enum cmeth {
    CM_ACCEPT, CM_BIND, CM_CLOSE, CM_CONNECT, CM_CONNECT_EX, CM_DUP,
    CM_FILENO, CM_GETPEERNAME, CM_GETSOCKNAME, CM_GETSOCKOPT, CM_GETTIMEOUT,
    CM_LISTEN, CM_RECV, CM_RECV_INTO, CM_RECVFROM, CM_RECVFROM_INTO,
    CM_SEND, CM_SENDALL, CM_SENDTO, CM_SETBLOCKING, CM_SETSOCKOPT,
    CM_SETTIMEOUT, CM_SHUTDOWN, CM_COUNT
};

/* Each name, its entry in sockobject_type's method table (borrowed from
 * that static table) and the name as a str for the Python-level path
 * (owned, kept for the life of the process); the last two are filled in by
 * wrapcall_find_methods(). */
struct wrapcall_method {
    const char *name;
    PyMethodDef *def;
    PyObject *str;
};

extern struct wrapcall_method wrapcall_methods[CM_COUNT];

/* The calling conventions of args.h's CS_POS_PARAMS / CS_POSKW_PARAMS. */
typedef PyObject *(*pos_fn)(PyObject *, CS_POS_PARAMS);
typedef PyObject *(*poskw_fn)(PyObject *, CS_POSKW_PARAMS);

#define IS_CSOCK(obj) (Py_TYPE(obj) == &sockobject_type)


/* Fills in wrapcall_methods; 0 or -1. */
int wrapcall_find_methods(void);

/* sock.<which>(*args, **kwargs), with no arguments, with one (new refs):
 * the C function itself when sock is exactly a _socket.socket and the
 * arguments fit its convention, else the Python-level lookup and call. */
PyObject *wrapcall_run(PyObject *sock, enum cmeth which, CS_POSKW_PARAMS);
PyObject *wrapcall_noargs(PyObject *sock, enum cmeth which);
PyObject *wrapcall_onearg(PyObject *sock, enum cmeth which, PyObject *arg);

/* sock.close() on an error path, keeping the exception set (a failing
 * close() replaces it). */
void wrapcall_close_on_error(PyObject *sock);

/* An OS-level duplicate of sock in the same timeout mode (new ref). */
PyObject *wrapcall_dup(PyObject *sock);

/* ---- sockwrap_file.c: makefile() and the timeouts its files follow ------ */

/* Its constants; 0 or -1. */
int wrapfile_init(void);

/* The methods makefile(), settimeout() and setblocking(). */
PyObject *wrapfile_makefile(PyObject *self, PyObject *args, PyObject *kwds);
PyObject *wrapfile_settimeout(PyObject *self, CS_POSKW_PARAMS);
PyObject *wrapfile_setblocking(PyObject *self, CS_POSKW_PARAMS);

extern const char wrapfile_makefile_doc[];
extern const char wrapfile_settimeout_doc[];
extern const char wrapfile_setblocking_doc[];

#endif /* CLASSICSOCKET_SOCKWRAP_H */

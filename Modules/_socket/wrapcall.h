/* wrapcall.h - how the socket objects of sockwrap.c (and the bookkeeping
 * of their files, wrapfile.c) call the methods of the object in `_sock`
 * (wrapcall.c). */
#ifndef CLASSICSOCKET_WRAPCALL_H
#define CLASSICSOCKET_WRAPCALL_H

#include "sockobject.h"     /* first: Python.h sets the feature macros */

#include "sockio.h"
#include "sockopt.h"

/* Every method of the C socket that a socket object calls, in one list:
 * X(NAME, name, KIND, OWNER, owner), where KIND is
 *   FWD   a method of the socket object that passes its call on to `_sock`
 *         (socket.py's _socketmethods; sockwrap.c generates it);
 *   DATA  a data method: `_sock`'s own bound method, stored on the object
 *         at its first use (socket.py's _delegate_methods);
 *   OWN   called only by the socket object's methods of its own (accept,
 *         close, dup, makefile, settimeout, setblocking);
 * and <OWNER>_<NAME>_METHODDEF (with the docstring <owner>_<name>_doc) is
 * the C socket's entry, in sockobject.h, sockio.h or sockopt.h.  From this
 * list come the CM_ numbers below, wrapcall.c's table, and in sockwrap.c
 * the forwarders and their method entries, the data methods' attributes,
 * the closed socket's dummies and the name tuples socket.py takes; FWD and
 * DATA are in the order of Python 2.7's tuples. */
#define WRAPCALL_METHODS(X) \
    X(BIND, bind, FWD, SOCKOBJECT, sockobject) \
    X(CONNECT, connect, FWD, SOCKOBJECT, sockobject) \
    X(CONNECT_EX, connect_ex, FWD, SOCKOBJECT, sockobject) \
    X(FILENO, fileno, FWD, SOCKOBJECT, sockobject) \
    X(LISTEN, listen, FWD, SOCKOBJECT, sockobject) \
    X(GETPEERNAME, getpeername, FWD, SOCKOBJECT, sockobject) \
    X(GETSOCKNAME, getsockname, FWD, SOCKOBJECT, sockobject) \
    X(GETSOCKOPT, getsockopt, FWD, SOCKOPT, sockopt) \
    X(SETSOCKOPT, setsockopt, FWD, SOCKOPT, sockopt) \
    X(SENDALL, sendall, FWD, SOCKIO, sockio) \
    X(GETTIMEOUT, gettimeout, FWD, SOCKOBJECT, sockobject) \
    X(SHUTDOWN, shutdown, FWD, SOCKOBJECT, sockobject) \
    X(RECV, recv, DATA, SOCKIO, sockio) \
    X(RECVFROM, recvfrom, DATA, SOCKIO, sockio) \
    X(RECV_INTO, recv_into, DATA, SOCKIO, sockio) \
    X(RECVFROM_INTO, recvfrom_into, DATA, SOCKIO, sockio) \
    X(SEND, send, DATA, SOCKIO, sockio) \
    X(SENDTO, sendto, DATA, SOCKIO, sockio) \
    X(ACCEPT, accept, OWN, SOCKOBJECT, sockobject) \
    X(CLOSE, close, OWN, SOCKOBJECT, sockobject) \
    X(DUP, dup, OWN, SOCKOBJECT, sockobject) \
    X(SETBLOCKING, setblocking, OWN, SOCKOBJECT, sockobject) \
    X(SETTIMEOUT, settimeout, OWN, SOCKOBJECT, sockobject)

#define WRAPCALL_ENUM(NAME, name, KIND, OWNER, owner) CM_##NAME,
enum cmeth {
    WRAPCALL_METHODS(WRAPCALL_ENUM)
    CM_COUNT
};
#undef WRAPCALL_ENUM

/* Each method's entry in the C socket's method table, and its name as a
 * str for the Python-level path (owned, made by wrapcall_init() and kept
 * for the life of the process). */
struct wrapcall_method {
    PyMethodDef def;
    PyObject *str;
};

extern struct wrapcall_method wrapcall_methods[CM_COUNT];

#define IS_CSOCK(obj) (Py_TYPE(obj) == &sockobject_type)

/* Makes the names' strs; 0 or -1. */
int wrapcall_init(void);

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

#endif /* CLASSICSOCKET_WRAPCALL_H */

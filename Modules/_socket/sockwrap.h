/* sockwrap.h - the socket objects of Python 2.7's socket.py in C
 * (sockwrap.c): the types _socketobject and _closedsocket, and the hook
 * through which socket.py hands over its namespace. */
#ifndef CLASSICSOCKET_SOCKWRAP_H
#define CLASSICSOCKET_SOCKWRAP_H

#include "compat.h"

/* _socketobject, _closedsocket and the name tuples _socketmethods and
 * _delegate_methods (after sockobject_add_to_module); 0 or -1. */
int sockwrap_add_to_module(PyObject *module);

/* _set_socket_namespace(namespace): socket.py passes its globals(). */
PyObject *sockwrap_set_socket_namespace(PyObject *self, PyObject *arg);
extern const char sockwrap_set_socket_namespace_doc[];

#define SOCKWRAP_SET_SOCKET_NAMESPACE_METHODDEF \
    {"_set_socket_namespace", sockwrap_set_socket_namespace, METH_O, \
     sockwrap_set_socket_namespace_doc},

#endif /* CLASSICSOCKET_SOCKWRAP_H */

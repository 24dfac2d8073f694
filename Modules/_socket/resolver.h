/* resolver.h - the host, service and protocol database functions of the
 * module (resolver.c), for its method table (socketmodule.c). */
#ifndef CLASSICSOCKET_RESOLVER_H
#define CLASSICSOCKET_RESOLVER_H

#include "compat.h"

PyObject *resolver_gethostbyname(PyObject *self, PyObject *arg);
PyObject *resolver_gethostbyname_ex(PyObject *self, PyObject *arg);
PyObject *resolver_gethostbyaddr(PyObject *self, PyObject *arg);
PyObject *resolver_gethostname(PyObject *self, PyObject *unused);
PyObject *resolver_getservbyname(PyObject *self, PyObject *args);
PyObject *resolver_getservbyport(PyObject *self, PyObject *args);
PyObject *resolver_getprotobyname(PyObject *self, PyObject *args);
extern const char resolver_gethostbyname_doc[];
extern const char resolver_gethostbyname_ex_doc[];
extern const char resolver_gethostbyaddr_doc[];
extern const char resolver_gethostname_doc[];
extern const char resolver_getservbyname_doc[];
extern const char resolver_getservbyport_doc[];
extern const char resolver_getprotobyname_doc[];

#define RESOLVER_GETHOSTBYNAME_METHODDEF \
    {"gethostbyname", resolver_gethostbyname, METH_O, \
     resolver_gethostbyname_doc},
#define RESOLVER_GETHOSTBYNAME_EX_METHODDEF \
    {"gethostbyname_ex", resolver_gethostbyname_ex, METH_O, \
     resolver_gethostbyname_ex_doc},
#define RESOLVER_GETHOSTBYADDR_METHODDEF \
    {"gethostbyaddr", resolver_gethostbyaddr, METH_O, \
     resolver_gethostbyaddr_doc},
#define RESOLVER_GETHOSTNAME_METHODDEF \
    {"gethostname", resolver_gethostname, METH_NOARGS, \
     resolver_gethostname_doc},
#define RESOLVER_GETSERVBYNAME_METHODDEF \
    {"getservbyname", resolver_getservbyname, METH_VARARGS, \
     resolver_getservbyname_doc},
#define RESOLVER_GETSERVBYPORT_METHODDEF \
    {"getservbyport", resolver_getservbyport, METH_VARARGS, \
     resolver_getservbyport_doc},
#define RESOLVER_GETPROTOBYNAME_METHODDEF \
    {"getprotobyname", resolver_getprotobyname, METH_VARARGS, \
     resolver_getprotobyname_doc},

#endif /* CLASSICSOCKET_RESOLVER_H */

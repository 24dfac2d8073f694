/* netif.h - Python 3's network interface and host name functions:
 * if_nameindex(), if_nametoindex(), if_indextoname() and sethostname().
 * Python 3 only: CPython 2.7's module has none of them. */
#ifndef CLASSICSOCKET_NETIF_H
#define CLASSICSOCKET_NETIF_H

#include "compat.h"

#if CS_PY3
PyObject *netif_if_nameindex(PyObject *self, PyObject *unused);
PyObject *netif_if_nametoindex(PyObject *self, PyObject *arg);
PyObject *netif_if_indextoname(PyObject *self, PyObject *arg);
PyObject *netif_sethostname(PyObject *self, PyObject *arg);
extern const char netif_if_nameindex_doc[];
extern const char netif_if_nametoindex_doc[];
extern const char netif_if_indextoname_doc[];
extern const char netif_sethostname_doc[];

#define NETIF_IF_NAMEINDEX_METHODDEF \
    {"if_nameindex", netif_if_nameindex, METH_NOARGS, netif_if_nameindex_doc},
#define NETIF_IF_NAMETOINDEX_METHODDEF \
    {"if_nametoindex", netif_if_nametoindex, METH_O, \
     netif_if_nametoindex_doc},
#define NETIF_IF_INDEXTONAME_METHODDEF \
    {"if_indextoname", netif_if_indextoname, METH_O, \
     netif_if_indextoname_doc},
#define NETIF_SETHOSTNAME_METHODDEF \
    {"sethostname", netif_sethostname, METH_O, netif_sethostname_doc},
#else
#define NETIF_IF_NAMEINDEX_METHODDEF
#define NETIF_IF_NAMETOINDEX_METHODDEF
#define NETIF_IF_INDEXTONAME_METHODDEF
#define NETIF_SETHOSTNAME_METHODDEF
#endif

#endif /* CLASSICSOCKET_NETIF_H */

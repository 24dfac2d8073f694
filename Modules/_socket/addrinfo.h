/* addrinfo.h - getaddrinfo and getnameinfo (addrinfo.c), for the module's
 * method table (socketmodule.c). */
#ifndef CLASSICSOCKET_ADDRINFO_H
#define CLASSICSOCKET_ADDRINFO_H

#include "args.h"

PyObject *addrinfo_getaddrinfo(PyObject *self, CS_POSKW_PARAMS);
PyObject *addrinfo_getnameinfo(PyObject *self, PyObject *args);
extern const char addrinfo_getaddrinfo_doc[];
extern const char addrinfo_getnameinfo_doc[];

#define ADDRINFO_GETADDRINFO_METHODDEF \
    {"getaddrinfo", CS_POS_FN(addrinfo_getaddrinfo), CS_METH_POSKW, \
     addrinfo_getaddrinfo_doc},
#define ADDRINFO_GETNAMEINFO_METHODDEF \
    {"getnameinfo", addrinfo_getnameinfo, METH_VARARGS, \
     addrinfo_getnameinfo_doc},

#endif /* CLASSICSOCKET_ADDRINFO_H */

/* sockopt.h - the socket type's getsockopt and setsockopt (sockopt.c), for
 * its method table (sockobject.c) and the socket objects' calls
 * (wrapcall.c). */
#ifndef CLASSICSOCKET_SOCKOPT_H
#define CLASSICSOCKET_SOCKOPT_H

#include "sockobject.h"

PyObject *sockopt_getsockopt(PyObject *self, CS_POS_PARAMS);
PyObject *sockopt_setsockopt(PyObject *self, CS_POS_PARAMS);
extern const char sockopt_getsockopt_doc[];
extern const char sockopt_setsockopt_doc[];

#define SOCKOPT_GETSOCKOPT_METHODDEF \
    {"getsockopt", CS_POS_FN(sockopt_getsockopt), CS_METH_POS, \
     sockopt_getsockopt_doc},
#define SOCKOPT_SETSOCKOPT_METHODDEF \
    {"setsockopt", CS_POS_FN(sockopt_setsockopt), CS_METH_POS, \
     sockopt_setsockopt_doc},

#endif /* CLASSICSOCKET_SOCKOPT_H */

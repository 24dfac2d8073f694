/* sockmsg.h - Python 3's sendmsg(), recvmsg() and recvmsg_into() with
 * ancillary data (SCM_RIGHTS, SCM_CREDENTIALS, ...), and the module
 * functions CMSG_LEN() and CMSG_SPACE().  Python 3 only: CPython 2.7's
 * module has none of them. */
#ifndef CLASSICSOCKET_SOCKMSG_H
#define CLASSICSOCKET_SOCKMSG_H

#include "sockobject.h"

#if CS_PY3
PyObject *sockmsg_sendmsg(PyObject *self, PyObject *args);
PyObject *sockmsg_recvmsg(PyObject *self, PyObject *args);
PyObject *sockmsg_recvmsg_into(PyObject *self, PyObject *args);
PyObject *sockmsg_cmsg_len(PyObject *self, PyObject *arg);
PyObject *sockmsg_cmsg_space(PyObject *self, PyObject *arg);
extern const char sockmsg_sendmsg_doc[];
extern const char sockmsg_recvmsg_doc[];
extern const char sockmsg_recvmsg_into_doc[];
extern const char sockmsg_cmsg_len_doc[];
extern const char sockmsg_cmsg_space_doc[];

#define SOCKMSG_SENDMSG_METHODDEF \
    {"sendmsg", sockmsg_sendmsg, METH_VARARGS, sockmsg_sendmsg_doc},
#define SOCKMSG_RECVMSG_METHODDEF \
    {"recvmsg", sockmsg_recvmsg, METH_VARARGS, sockmsg_recvmsg_doc},
#define SOCKMSG_RECVMSG_INTO_METHODDEF \
    {"recvmsg_into", sockmsg_recvmsg_into, METH_VARARGS, \
     sockmsg_recvmsg_into_doc},
#define SOCKMSG_CMSG_LEN_METHODDEF \
    {"CMSG_LEN", sockmsg_cmsg_len, METH_O, sockmsg_cmsg_len_doc},
#define SOCKMSG_CMSG_SPACE_METHODDEF \
    {"CMSG_SPACE", sockmsg_cmsg_space, METH_O, sockmsg_cmsg_space_doc},
/* sendmsg_afalg(): where the kernel headers have AF_ALG (<linux/if_alg.h>),
 * as Python 3 has it on Linux only */
#if defined(__linux__) && defined(__has_include)
#if __has_include(<linux/if_alg.h>)
#define SOCKMSG_HAVE_AFALG 1
PyObject *sockmsg_sendmsg_afalg(PyObject *self, PyObject *args,
                                PyObject *kwds);
extern const char sockmsg_sendmsg_afalg_doc[];
#define SOCKMSG_SENDMSG_AFALG_METHODDEF \
    {"sendmsg_afalg", (PyCFunction)(void (*)(void))sockmsg_sendmsg_afalg, \
     METH_VARARGS | METH_KEYWORDS, sockmsg_sendmsg_afalg_doc},
#endif
#endif
#ifndef SOCKMSG_SENDMSG_AFALG_METHODDEF
#define SOCKMSG_SENDMSG_AFALG_METHODDEF
#endif
#else
#define SOCKMSG_SENDMSG_AFALG_METHODDEF
#define SOCKMSG_SENDMSG_METHODDEF
#define SOCKMSG_RECVMSG_METHODDEF
#define SOCKMSG_RECVMSG_INTO_METHODDEF
#define SOCKMSG_CMSG_LEN_METHODDEF
#define SOCKMSG_CMSG_SPACE_METHODDEF
#endif

#endif /* CLASSICSOCKET_SOCKMSG_H */

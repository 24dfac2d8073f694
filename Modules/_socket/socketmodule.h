/* socketmodule.h - what each part of _socket hands to module init.
 *
 * Naming: sock_* are socket object methods, socket_* module functions,
 * sockaddr_/sockcall_/sockerr_ helpers shared between files. */
#ifndef CLASSICSOCKET_SOCKETMODULE_H
#define CLASSICSOCKET_SOCKETMODULE_H

#include "compat.h"

/* Module-level functions, each table ending with a {NULL} entry. */
extern PyMethodDef sockobject_functions[];  /* sockobject.c: fromfd,
                                               socketpair, get/setdefaulttimeout */
extern PyMethodDef resolver_functions[];    /* resolver.c: gethostby*, ... */
extern PyMethodDef addrinfo_functions[];    /* addrinfo.c: getaddrinfo, ... */
extern PyMethodDef inetconv_functions[];    /* inetconv.c: inet_*, hton*, ntoh* */

/* sockconst.c: every constant of sockconst.h; 0 or -1. */
int sockconst_add_to_module(PyObject *module);

/* sockwrap.c: _socketobject, _closedsocket and _set_socket_namespace
 * (after sockobject_add_to_module); 0 or -1. */
int sockwrap_add_to_module(PyObject *module);

/* sockfile.c: the type _fileobject (makefile()'s file object); 0 or -1. */
int sockfile_add_to_module(PyObject *module);

#endif /* CLASSICSOCKET_SOCKETMODULE_H */

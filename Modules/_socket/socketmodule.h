/* socketmodule.h - what the parts of _socket without a header of their own
 * hand to module init (socketmodule.c).  The others' headers give their
 * module functions' METHODDEF entries and their init:
 * sockobject.h, sockwrap.h, resolver.h, addrinfo.h, inetconv.h, sockerr.h.
 *
 * Naming: every global name starts with its file's stem (sockio_recv,
 * sockerr_errno, resolver_gethostbyname); <STEM>_<NAME>_METHODDEF is the
 * method table entry of <stem>_<name>. */
#ifndef CLASSICSOCKET_SOCKETMODULE_H
#define CLASSICSOCKET_SOCKETMODULE_H

#include "compat.h"

/* sockconst.c: every constant of sockconst.h; 0 or -1. */
int sockconst_add_to_module(PyObject *module);

/* sockfile.c: the type _fileobject (makefile()'s file object); 0 or -1. */
int sockfile_add_to_module(PyObject *module);

#endif /* CLASSICSOCKET_SOCKETMODULE_H */

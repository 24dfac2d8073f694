/* sockerr.h - the module's exceptions and the only helpers that raise them.
 * Each helper returns NULL so that call sites read
 * `return sockerr_errno();`. */
#ifndef CLASSICSOCKET_SOCKERR_H
#define CLASSICSOCKET_SOCKERR_H

#include "compat.h"

/* Owned by sockerr.c for the life of the process (modules are never
 * unloaded); the module holds its own references too. */
extern PyObject *sockerr_error;         /* socket.error: IOError (2.7) /
                                           OSError */
extern PyObject *sockerr_timeout_error; /* subclass of error: 'timed out' */

/* Creates the four exception classes and adds them to module; 0 or -1. */
int sockerr_add_to_module(PyObject *module);

/* herror and gaierror, the other two, are sockerr.c's own. */

PyObject *sockerr_errno(void);          /* error(errno, strerror(errno)) */
PyObject *sockerr_code(int err);        /* error(err, strerror(err)) */
PyObject *sockerr_herror(int h_error);  /* herror(h, hstrerror(h)) */
PyObject *sockerr_gaierror(int code);   /* gaierror(code, gai_strerror);
                                           EAI_SYSTEM falls back to errno */
PyObject *sockerr_timeout(void);        /* timeout('timed out') */

#endif /* CLASSICSOCKET_SOCKERR_H */

/* macdnr_py.h - the files of macdnr that hold the GIL and make Python
 * objects: errors.c, result.c and resolver.c (macdnr.h lists the
 * layers).  Include it instead of macdnr.h: Python.h must come first. */
#ifndef CLASSICSOCKET_MACDNR_PY_H
#define CLASSICSOCKET_MACDNR_PY_H

#include "compat.h"
#include "macdnr.h"

/* ---- errors.c ------------------------------------------------------ */
int dnrerrors_add_to_module(PyObject *module);
/* error((code, message)): the detail when given, else the code's text */
PyObject *dnrerrors_raise(int code, const char *detail);
PyObject *dnrerrors_raise_msg(const char *msg);     /* error(msg) */

/* ---- result.c: the result object ------------------------------------ */
int dnrresult_ready(void);      /* PyType_Ready */
/* A result of `kind` for q, taking over the caller's reference to q (it
 * is released even when this fails). */
PyObject *dnrresult_new(int kind, dnr_query *q);

/* ---- resolver.c: the open resolver ---------------------------------- */
/* Open(): path NULL for the system's configuration */
PyObject *dnrresolver_open(const char *path);
PyObject *dnrresolver_close(void);
int dnrresolver_ensure_open(void);  /* the implicit Open(): 0 or -1 */
/* StrToAddr / HInfo / MXInfo: kind DNR_ADDR, DNR_HINFO, DNR_MX */
PyObject *dnrresolver_lookup(int kind, PyObject *name, const char *caller);
PyObject *dnrresolver_addr_to_name(uint32_t addr);
void dnrresolver_shutdown(void);    /* at exit: closes, never raises */

#endif /* CLASSICSOCKET_MACDNR_PY_H */

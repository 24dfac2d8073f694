/* atexit.h - how an extension registers its exit hook: a C function
 * handed to the atexit module, so that it runs before the interpreter
 * tears down (threads the extension started are stopped there, while
 * the interpreter can still wait for them). */
#ifndef CLASSICSOCKET_ATEXIT_H
#define CLASSICSOCKET_ATEXIT_H

#include "compat.h"

/* atexit.register(def bound to module); 0, or -1 with an exception set.
 * def must live as long as the process (a static PyMethodDef). */
static inline int
cs_register_atexit(PyObject *module, PyMethodDef *def)
{
    PyObject *atexit_mod = PyImport_ImportModule("atexit");
    PyObject *func = NULL;
    PyObject *res = NULL;

    if (atexit_mod != NULL)
        func = PyCFunction_NewEx(def, module, NULL);
    if (func != NULL)
        res = PyObject_CallMethod(atexit_mod, "register", "O", func);
    Py_XDECREF(atexit_mod);
    Py_XDECREF(func);
    if (res == NULL)
        return -1;
    Py_DECREF(res);
    return 0;
}

#endif /* CLASSICSOCKET_ATEXIT_H */

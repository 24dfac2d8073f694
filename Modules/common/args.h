/* args.h - the argument-parsing toolkit of the extensions' methods: one
 * way to write a method for both lines' calling conventions (an argument
 * array on 3.7+, a tuple on 2.7), the general parser over it, the one
 * conversion of fast-call keyword names into a dict, and hand parsers for
 * the common argument types of hot methods.  The line-dependent switches
 * it reads (CS_PY3, CS_HAVE_FASTCALL) come from compat.h. */
#ifndef CLASSICSOCKET_ARGS_H
#define CLASSICSOCKET_ARGS_H

#include "compat.h"

#include <limits.h>
#include <stdarg.h>

/* ---- methods taking positional arguments ----------------------------------
 * 3.x passes them as a C array (METH_FASTCALL), 2.7 as a tuple.  A method
 * is written once:
 *     PyObject *sock_x(PyObject *self, CS_POS_PARAMS)
 * and reads its arguments as the array CS_POS_ARGV of CS_POS_NARGS items;
 * with keywords (CS_POSKW_PARAMS), CS_KW is what the interpreter passed for
 * them (3.x: a tuple of names, 2.7: a dict; either may be NULL).  The
 * method table entry uses CS_METH_POS or CS_METH_POSKW and CS_POS_FN(fn). */
#if CS_HAVE_FASTCALL
#define CS_METH_POS METH_FASTCALL
#define CS_METH_POSKW (METH_FASTCALL | METH_KEYWORDS)
#define CS_POS_PARAMS PyObject *const *cs_argv, Py_ssize_t cs_nargs
#define CS_POSKW_PARAMS \
    PyObject *const *cs_argv, Py_ssize_t cs_nargs, PyObject *cs_kw
#define CS_POS_ARGV cs_argv
#define CS_POS_NARGS cs_nargs
#else
#define CS_METH_POS METH_VARARGS
#define CS_METH_POSKW (METH_VARARGS | METH_KEYWORDS)
#define CS_POS_PARAMS PyObject *cs_args
#define CS_POSKW_PARAMS PyObject *cs_args, PyObject *cs_kw
#define CS_POS_ARGV (&PyTuple_GET_ITEM(cs_args, 0))
#define CS_POS_NARGS PyTuple_GET_SIZE(cs_args)
#endif
#define CS_KW cs_kw
#define CS_POS_FN(fn) ((PyCFunction)(void (*)(void))(fn))
/* The arguments of a CS_POS_PARAMS / CS_POSKW_PARAMS method, passed on
 * unchanged to another such function (followed by CS_KW or NULL for the
 * keywords of a CS_POSKW_PARAMS one). */
#if CS_HAVE_FASTCALL
#define CS_FWD_ARGS cs_argv, cs_nargs
#else
#define CS_FWD_ARGS cs_args
#endif

/* True when no keyword argument was passed. */
static inline int
cs_no_keywords(PyObject *kw)
{
#if CS_HAVE_FASTCALL
    return kw == NULL || PyTuple_GET_SIZE(kw) == 0;
#else
    return kw == NULL || PyDict_Size(kw) == 0;
#endif
}

/* True when a keyword dict (tp_init, METH_VARARGS | METH_KEYWORDS) is
 * NULL or empty. */
static inline int
cs_no_keywords_dict(PyObject *kwds)
{
    return kwds == NULL || PyDict_Size(kwds) == 0;
}

/* The general path: PyArg_ParseTuple(AndKeywords) over the arguments of a
 * CS_POS_PARAMS / CS_POSKW_PARAMS method, for the calls that the hand
 * parsers below leave to it (unusual types, wrong counts, keywords): the
 * conversions and the error messages are exactly the interpreter's.
 * Returns 1 or 0 as PyArg_ParseTuple does. */
static inline PyObject *
cs_tuple_from_array(PyObject *const *argv, Py_ssize_t nargs)
{
    PyObject *tuple = PyTuple_New(nargs);
    Py_ssize_t i;

    if (tuple == NULL)
        return NULL;
    for (i = 0; i < nargs; i++) {
        Py_INCREF(argv[i]);
        PyTuple_SET_ITEM(tuple, i, argv[i]);
    }
    return tuple;
}

static inline int
cs_parse_array(PyObject *const *argv, Py_ssize_t nargs, const char *format,
               ...)
{
    PyObject *tuple = cs_tuple_from_array(argv, nargs);
    va_list va;
    int ok;

    if (tuple == NULL)
        return 0;
    va_start(va, format);
    ok = PyArg_VaParse(tuple, format, va);
    va_end(va);
    Py_DECREF(tuple);
    return ok;
}

/* The keywords of a CS_POSKW_PARAMS call as a dict for the interpreter's
 * calls and parsers: *dict is a new reference, NULL when none were passed
 * (3.x: built from the names and the values after the positional
 * arguments; 2.7: the dict the interpreter passed).  0 or -1. */
static inline int
cs_kw_dict(PyObject *const *argv, Py_ssize_t nargs, PyObject *kw,
           PyObject **dict)
{
#if CS_HAVE_FASTCALL
    Py_ssize_t i;

    *dict = NULL;
    if (kw == NULL)
        return 0;
    *dict = PyDict_New();
    if (*dict == NULL)
        return -1;
    for (i = 0; i < PyTuple_GET_SIZE(kw); i++) {
        if (PyDict_SetItem(*dict, PyTuple_GET_ITEM(kw, i),
                           argv[nargs + i]) < 0) {
            Py_CLEAR(*dict);
            return -1;
        }
    }
    return 0;
#else
    (void)argv;
    (void)nargs;
    Py_XINCREF(kw);
    *dict = kw;
    return 0;
#endif
}

/* The arguments of a CS_POSKW_PARAMS method as a tuple and a dict (NULL
 * when there are no keywords) for PyObject_Call (new refs); 0 or -1. */
static inline int
cs_call_args(CS_POSKW_PARAMS, PyObject **args, PyObject **kwargs)
{
    *kwargs = NULL;
#if CS_HAVE_FASTCALL
    *args = cs_tuple_from_array(cs_argv, cs_nargs);
#else
    *args = Py_NewRef(cs_args);
#endif
    if (*args == NULL)
        return -1;
    if (cs_no_keywords(cs_kw))
        return 0;
    if (cs_kw_dict(CS_POS_ARGV, CS_POS_NARGS, cs_kw, kwargs) < 0) {
        Py_CLEAR(*args);
        return -1;
    }
    return 0;
}

static inline int
cs_parse_array_kw(PyObject *const *argv, Py_ssize_t nargs, PyObject *kw,
                  const char *format, char **keywords, ...)
{
    PyObject *tuple = cs_tuple_from_array(argv, nargs);
    PyObject *dict;
    va_list va;
    int ok;

    if (tuple == NULL)
        return 0;
    if (cs_kw_dict(argv, nargs, kw, &dict) < 0) {
        Py_DECREF(tuple);
        return 0;
    }
    va_start(va, keywords);
    ok = PyArg_VaParseTupleAndKeywords(tuple, dict, format, keywords, va);
    va_end(va);
    Py_XDECREF(dict);
    Py_DECREF(tuple);
    return ok;
}

/* Hand parsers for the common argument types of hot methods.  Each returns
 * 1 when it converted obj (as the format unit in its name would), and 0,
 * with no exception set and nothing to release, when obj is anything else:
 * the caller then leaves the whole call to cs_parse_array(), which converts
 * or raises exactly as before. */

/* "n": an exact int that fits a Py_ssize_t */
static inline int
cs_fast_ssize(PyObject *obj, Py_ssize_t *out)
{
#if CS_PY3
    Py_ssize_t value;

    if (!PyLong_CheckExact(obj))
        return 0;
    value = PyLong_AsSsize_t(obj);
    if (value == -1 && PyErr_Occurred()) {
        PyErr_Clear();
        return 0;
    }
    *out = value;
    return 1;
#else
    if (!PyInt_CheckExact(obj))
        return 0;
    *out = PyInt_AS_LONG(obj);
    return 1;
#endif
}

/* "i": an int that fits an int; on 3.x a subclass too (the enums
 * AF_INET and SOCK_STREAM are IntEnum members), whose value PyLong_AsLong
 * reads as "i" does, without calling __index__ */
static inline int
cs_fast_int(PyObject *obj, int *out)
{
    long value;

#if CS_PY3
    if (!PyLong_Check(obj))
        return 0;
    value = PyLong_AsLong(obj);
    if (value == -1 && PyErr_Occurred()) {
        PyErr_Clear();
        return 0;
    }
#else
    if (!PyInt_CheckExact(obj))
        return 0;
    value = PyInt_AS_LONG(obj);
#endif
    if (value < INT_MIN || value > INT_MAX)
        return 0;
    *out = (int)value;
    return 1;
}

/* A read-only view of the characters of an immutable bytes (2.7: str)
 * argument, without a reference: the caller's arguments keep the object
 * alive for the whole call, and PyBuffer_Release() of a view whose obj is
 * NULL does nothing.  Spares the buffer protocol on the hottest path. */
static inline void
cs_borrow_bytes(Py_buffer *view, char *data, Py_ssize_t size)
{
    view->buf = data;
    view->obj = NULL;
    view->len = size;
    view->itemsize = 1;
    view->readonly = 1;
    view->ndim = 1;
    view->format = NULL;
    view->shape = NULL;
    view->strides = NULL;
    view->suboffsets = NULL;
    view->internal = NULL;
}

/* obj's buffer with `flags`, if it has one and it is contiguous: 1 (release
 * *view), else 0 with no exception (the caller takes its general path). */
static inline int
cs_contiguous_buffer(PyObject *obj, Py_buffer *view, int flags)
{
    if (!PyObject_CheckBuffer(obj))
        return 0;
    if (PyObject_GetBuffer(obj, view, flags) < 0) {
        PyErr_Clear();
        return 0;
    }
    if (!PyBuffer_IsContiguous(view, 'C')) {
        PyBuffer_Release(view);
        return 0;
    }
    return 1;
}

/* CS_BUF ("y*" / "s*"): read-only data; on 2.7 only an exact str (the
 * general path handles unicode and old-style buffers).  *view is to be
 * released with PyBuffer_Release. */
static inline int
cs_fast_data(PyObject *obj, Py_buffer *view)
{
#if CS_PY3
    if (PyBytes_CheckExact(obj)) {
        cs_borrow_bytes(view, PyBytes_AS_STRING(obj), PyBytes_GET_SIZE(obj));
        return 1;
    }
    if (PyUnicode_Check(obj))
        return 0;
    return cs_contiguous_buffer(obj, view, PyBUF_SIMPLE);
#else
    if (!PyString_CheckExact(obj))
        return 0;
    cs_borrow_bytes(view, PyString_AS_STRING(obj), PyString_GET_SIZE(obj));
    return 1;
#endif
}

/* "w*": a writable, contiguous buffer; *view as for cs_fast_data. */
static inline int
cs_fast_writable(PyObject *obj, Py_buffer *view)
{
    return cs_contiguous_buffer(obj, view, PyBUF_WRITABLE);
}

#endif /* CLASSICSOCKET_ARGS_H */

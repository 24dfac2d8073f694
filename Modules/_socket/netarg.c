/* netarg.c - the argument converters of the network functions, shared by
 * the address code (sockaddr.c), the lookups (resolver.c, addrinfo.c) and
 * the byte-order functions (inetconv.c): host names and bounded unsigned
 * integers.  A leaf: it calls no other file of _socket. */
#include "netarg.h"     /* first: Python.h sets the feature macros */

#include <string.h>

static int
is_ascii(const char *chars, Py_ssize_t size)
{
    Py_ssize_t i;

    for (i = 0; i < size; i++)
        if ((unsigned char)chars[i] >= 0x80)
            return 0;
    return 1;
}

const char *
netarg_host_chars(PyObject *obj, PyObject **keep, const char *caller)
{
    PyObject *bytes = NULL;
    const char *chars;
    Py_ssize_t size;

    *keep = NULL;
    if (PyBytes_Check(obj)) {
        chars = PyBytes_AS_STRING(obj);
        size = PyBytes_GET_SIZE(obj);
    }
    else if (PyUnicode_Check(obj)) {
        /* ASCII names pass as they are (CPython 3 does not run them
         * through the codec either); others are IDNA-encoded. */
        chars = cs_text_utf8(obj, &size, &bytes);
        if (chars == NULL || !is_ascii(chars, size)) {
            PyErr_Clear();
            Py_XDECREF(bytes);
            bytes = PyUnicode_AsEncodedString(obj, "idna", NULL);
            if (bytes == NULL)
                return NULL;
            chars = PyBytes_AS_STRING(bytes);
            size = PyBytes_GET_SIZE(bytes);
        }
    }
    else if (PyByteArray_Check(obj)) {
        /* copied: the lookup runs without the GIL, when another thread
         * could resize the bytearray */
        bytes = PyBytes_FromStringAndSize(PyByteArray_AS_STRING(obj),
                                          PyByteArray_GET_SIZE(obj));
        if (bytes == NULL)
            return NULL;
        chars = PyBytes_AS_STRING(bytes);
        size = PyBytes_GET_SIZE(bytes);
    }
    else {
        PyErr_Format(PyExc_TypeError, "%s(): host must be str, bytes or "
                     "bytearray, not %.200s", caller, Py_TYPE(obj)->tp_name);
        return NULL;
    }
    if (strlen(chars) != (size_t)size) {
        Py_XDECREF(bytes);
        PyErr_Format(PyExc_TypeError,
                     "%s(): host name must not contain null character",
                     caller);
        return NULL;
    }
    *keep = bytes;
    return chars;
}

int
netarg_uint(PyObject *obj, unsigned long max, unsigned long *out)
{
    PyObject *index = NULL;
    long long value;

    /* Exact ints go straight to the conversion; anything else must have
     * __index__ (floats and strings raise TypeError here). */
    if (!cs_int_check(obj)) {
        index = PyNumber_Index(obj);
        if (index == NULL)
            return -1;
        obj = index;
    }
    value = PyLong_AsLongLong(obj);
    Py_XDECREF(index);
    if (value == -1 && PyErr_Occurred()) {
        if (!PyErr_ExceptionMatches(PyExc_OverflowError))
            return -1;
        PyErr_Clear();
        return 1;
    }
    if (value < 0 || (unsigned long long)value > max)
        return 1;
    *out = (unsigned long)value;
    return 0;
}

int
netarg_address_tuple(PyObject *obj, Py_ssize_t min, Py_ssize_t max,
                     const char *family, const char *size_message,
                     const char *caller)
{
    Py_ssize_t n;

    if (!PyTuple_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "%s(): %s address must be tuple, "
                     "not %.200s", caller, family, Py_TYPE(obj)->tp_name);
        return -1;
    }
    n = PyTuple_GET_SIZE(obj);
    if (n < min || n > max) {
        PyErr_Format(PyExc_TypeError, "%s(): %s", caller, size_message);
        return -1;
    }
    return 0;
}

/* sockopt.c - getsockopt and setsockopt, in their integer and raw-buffer
 * forms.  Neither call blocks, so both run with the GIL held. */
#include "sockopt.h"      /* first: Python.h sets the feature macros */

#include <errno.h>
#include <limits.h>
#include <sys/socket.h>

#include "sockerr.h"

/* The largest buffer getsockopt(level, option, buflen) returns, as in
 * CPython 2.7. */
#define GETSOCKOPT_MAX_BUFLEN 1024

const char sockopt_getsockopt_doc[] =
"getsockopt(level, option[, buffersize]) -> value\n\
\n\
Get a socket option.  See the Unix manual for level and option.\n\
If a nonzero buffersize argument is given, the return value is a\n\
string of that length; otherwise it is an integer.";

PyObject *
sockopt_getsockopt(PyObject *self, CS_POS_PARAMS)
{
    PyObject *const *argv = CS_POS_ARGV;
    Py_ssize_t nargs = CS_POS_NARGS;
    sockobject *s = (sockobject *)self;
    int level;
    int option;
    int buflen = 0;
    PyObject *buf;
    socklen_t len;

    if (!(nargs >= 2 && nargs <= 3 && cs_fast_int(argv[0], &level)
          && cs_fast_int(argv[1], &option)
          && (nargs == 2 || cs_fast_int(argv[2], &buflen)))
        && !cs_parse_array(argv, nargs, "ii|i:getsockopt", &level, &option,
                           &buflen))
        return NULL;
#if CS_PY3 && defined(AF_VSOCK)
    if (buflen == 0 && s->sock_family == AF_VSOCK) {
        /* AF_VSOCK's options are 64-bit */
        unsigned long long value = 0;

        len = sizeof(value);
        if (getsockopt(s->sock_fd, level, option, &value, &len) < 0)
            return sockerr_errno();
        return PyLong_FromUnsignedLongLong(value);
    }
#endif
    if (buflen == 0) {
        int value = 0;

        len = sizeof(value);
        if (getsockopt(s->sock_fd, level, option, &value, &len) < 0)
            return sockerr_errno();
        return cs_int_from_long(value);
    }
    if (buflen < 0 || buflen > GETSOCKOPT_MAX_BUFLEN) {
        /* socket.error with a message only, as CPython 2.7 raises it */
        PyErr_SetString(sockerr_error, "getsockopt buflen out of range");
        return NULL;
    }
    buf = PyBytes_FromStringAndSize(NULL, buflen);
    if (buf == NULL)
        return NULL;
    len = (socklen_t)buflen;
    if (getsockopt(s->sock_fd, level, option, PyBytes_AS_STRING(buf),
                   &len) < 0) {
        Py_DECREF(buf);
        return sockerr_errno();
    }
    if ((Py_ssize_t)len != buflen && _PyBytes_Resize(&buf, len) < 0)
        return NULL;            /* _PyBytes_Resize released buf */
    return buf;
}

const char sockopt_setsockopt_doc[] =
"setsockopt(level, option, value)\n\
\n\
Set a socket option.  See the Unix manual for level and option.\n\
The value argument can either be an integer or a string (a bytes-like\n\
object on Python 3) holding the option's raw bytes.";

PyObject *
sockopt_setsockopt(PyObject *self, CS_POS_PARAMS)
{
    PyObject *const *argv = CS_POS_ARGV;
    Py_ssize_t nargs = CS_POS_NARGS;
    sockobject *s = (sockobject *)self;
    int level;
    int option;
    int flag;
    Py_buffer view;
    int err = 0;

#if CS_PY3 && defined(AF_VSOCK)
    if (s->sock_family == AF_VSOCK && nargs == 3 && PyLong_Check(argv[2])) {
        /* AF_VSOCK's options are 64-bit */
        unsigned long long value;

        if (!cs_parse_array(argv, 2, "ii:setsockopt", &level, &option))
            return NULL;
        value = PyLong_AsUnsignedLongLong(argv[2]);
        if (value == (unsigned long long)-1 && PyErr_Occurred())
            return NULL;
        if (setsockopt(s->sock_fd, level, option, &value, sizeof(value)) < 0)
            return sockerr_errno();
        Py_RETURN_NONE;
    }
#endif
    /* As CPython 2.7: the integer form first, and when that does not
     * parse, the buffer form, whose error is the one reported. */
    if ((nargs == 3 && cs_fast_int(argv[0], &level)
         && cs_fast_int(argv[1], &option) && cs_fast_int(argv[2], &flag))
        || cs_parse_array(argv, nargs, "iii:setsockopt", &level, &option,
                          &flag)) {
        if (setsockopt(s->sock_fd, level, option, &flag, sizeof(flag)) < 0)
            err = errno;
    }
    else {
        PyErr_Clear();
        if (!cs_parse_array(argv, nargs, "ii" CS_BUF ":setsockopt", &level,
                            &option, &view))
            return NULL;
        if (view.len > INT_MAX) {
            PyBuffer_Release(&view);
            PyErr_SetString(PyExc_OverflowError,
                            "setsockopt() value is too long");
            return NULL;
        }
        if (setsockopt(s->sock_fd, level, option, view.buf,
                       (socklen_t)view.len) < 0)
            err = errno;
        PyBuffer_Release(&view);
    }
    if (err != 0)
        return sockerr_code(err);
    Py_RETURN_NONE;
}

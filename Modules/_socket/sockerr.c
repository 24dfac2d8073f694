/* sockerr.c - socket.error, herror, gaierror, timeout, and the helpers that
 * raise them.  socket.error carries exactly (errno, strerror), as in CPython:
 * no syscall names are added, because scripts compare e.args. */
#include "sockerr.h"     /* Python.h first: it sets the feature macros */

#include <errno.h>
#include <netdb.h>
#include <string.h>

PyObject *sockerr_error;
PyObject *sockerr_timeout_error;
static PyObject *herror_type;
static PyObject *gaierror_type;

/* Docstrings are writable arrays because 2.7's PyErr_NewExceptionWithDoc
 * takes a plain char *. */
#if !CS_PY3
static char error_doc[] = "Socket errors: (errno, strerror).";
#endif
static char herror_doc[] = "Host lookup errors: (h_errno, hstrerror).";
static char gaierror_doc[] =
    "getaddrinfo/getnameinfo errors: (EAI code, gai_strerror).";
#if !(CS_PY3 && PY_VERSION_HEX >= 0x030A0000)
static char timeout_doc[] = "A socket operation timed out.";
#endif

static int
add_exception(PyObject *module, PyObject **slot, const char *name,
              PyObject *base, char *doc)
{
    char qualname[64];

    if (*slot == NULL) {
        snprintf(qualname, sizeof(qualname), "socket.%s", name);
        *slot = PyErr_NewExceptionWithDoc(qualname, doc, base, NULL);
        if (*slot == NULL)
            return -1;
    }
    return PyModule_AddObjectRef(module, name, *slot);
}

/* timeout: the interpreter's TimeoutError itself from 3.10 on, as its own
 * module has it; before, a subclass of socket.error. */
static int
add_timeout(PyObject *module)
{
#if CS_PY3 && PY_VERSION_HEX >= 0x030A0000
    if (sockerr_timeout_error == NULL)
        sockerr_timeout_error = Py_NewRef(PyExc_TimeoutError);
    return PyModule_AddObjectRef(module, "timeout", sockerr_timeout_error);
#else
    return add_exception(module, &sockerr_timeout_error, "timeout",
                         sockerr_error, timeout_doc);
#endif
}

/* error: OSError itself on 3.x, as the interpreter's module has it (so an
 * errno with a specific subclass, ECONNREFUSED, EAGAIN, ..., raises that
 * subclass); on 2.7 a subclass of IOError. */
static int
add_error(PyObject *module)
{
#if CS_PY3
    if (sockerr_error == NULL)
        sockerr_error = Py_NewRef(PyExc_OSError);
    return PyModule_AddObjectRef(module, "error", sockerr_error);
#else
    return add_exception(module, &sockerr_error, "error", PyExc_IOError,
                         error_doc);
#endif
}

int
sockerr_add_to_module(PyObject *module)
{
    if (add_error(module) < 0
        || add_exception(module, &herror_type, "herror", sockerr_error,
                         herror_doc) < 0
        || add_exception(module, &gaierror_type, "gaierror", sockerr_error,
                         gaierror_doc) < 0
        || add_timeout(module) < 0)
        return -1;
    return 0;
}

/* The exception is made here rather than left for the interpreter to make
 * from the pair: OSError(errno, ...) is then already the subclass for that
 * errno (ConnectionRefusedError, ...), which `except` on Python 3.8-3.10
 * matches against the class set here, not the instance's. */
static PyObject *
raise_pair(PyObject *type, int code, const char *message)
{
    PyObject *value = PyObject_CallFunction(type, "is", code, message);

    if (value != NULL) {
        PyErr_SetObject((PyObject *)Py_TYPE(value), value);
        Py_DECREF(value);
    }
    return NULL;
}

/* On 3.x OSError(errno, strerror) is made the subclass for that errno
 * (ConnectionRefusedError, BlockingIOError, ...) by OSError itself. */
PyObject *
sockerr_code(int err)
{
    return raise_pair(sockerr_error, err, strerror(err));
}

PyObject *
sockerr_errno(void)
{
    return sockerr_code(errno);
}

PyObject *
sockerr_herror(int h_error)
{
    return raise_pair(herror_type, h_error, hstrerror(h_error));
}

PyObject *
sockerr_gaierror(int code)
{
    if (code == EAI_SYSTEM)
        return sockerr_errno();
    return raise_pair(gaierror_type, code, gai_strerror(code));
}

PyObject *
sockerr_timeout(void)
{
    PyErr_SetString(sockerr_timeout_error, "timed out");
    return NULL;
}

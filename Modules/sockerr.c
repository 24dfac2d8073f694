/* sockerr.c - socket.error, herror, gaierror, timeout, and the helpers that
 * raise them.  socket.error carries exactly (errno, strerror), as in CPython:
 * no syscall names are added, because scripts compare e.args. */
#include "sockerr.h"     /* Python.h first: it sets the feature macros */

#include <errno.h>
#include <netdb.h>
#include <string.h>

PyObject *sock_error;
PyObject *sock_herror;
PyObject *sock_gaierror;
PyObject *sock_timeout_error;

/* Docstrings are writable arrays because 2.7's PyErr_NewExceptionWithDoc
 * takes a plain char *. */
static char error_doc[] = "Socket errors: (errno, strerror).";
static char herror_doc[] = "Host lookup errors: (h_errno, hstrerror).";
static char gaierror_doc[] =
    "getaddrinfo/getnameinfo errors: (EAI code, gai_strerror).";
static char timeout_doc[] = "A socket operation timed out.";

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

int
sockerr_add_to_module(PyObject *module)
{
#if CS_PY3
    PyObject *base = PyExc_OSError;
#else
    PyObject *base = PyExc_IOError;
#endif

    if (add_exception(module, &sock_error, "error", base, error_doc) < 0
        || add_exception(module, &sock_herror, "herror", sock_error,
                         herror_doc) < 0
        || add_exception(module, &sock_gaierror, "gaierror", sock_error,
                         gaierror_doc) < 0
        || add_exception(module, &sock_timeout_error, "timeout", sock_error,
                         timeout_doc) < 0)
        return -1;
    return 0;
}

static PyObject *
raise_pair(PyObject *type, int code, const char *message)
{
    PyObject *value = Py_BuildValue("(is)", code, message);

    if (value != NULL) {
        PyErr_SetObject(type, value);
        Py_DECREF(value);
    }
    return NULL;
}

PyObject *
set_error_code(int err)
{
    return raise_pair(sock_error, err, strerror(err));
}

PyObject *
set_error(void)
{
    return set_error_code(errno);
}

PyObject *
set_herror(int h_error)
{
    return raise_pair(sock_herror, h_error, hstrerror(h_error));
}

PyObject *
set_gaierror(int code)
{
    if (code == EAI_SYSTEM)
        return set_error();
    return raise_pair(sock_gaierror, code, gai_strerror(code));
}

PyObject *
set_timeout(void)
{
    PyErr_SetString(sock_timeout_error, "timed out");
    return NULL;
}

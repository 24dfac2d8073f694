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

/* timeout: on 3.x also a TimeoutError, as the interpreter's own
 * socket.timeout is from 3.10 on. */
static int
add_timeout(PyObject *module)
{
#if CS_PY3
    PyObject *bases = PyTuple_Pack(2, sockerr_error, PyExc_TimeoutError);
    int rc;

    if (bases == NULL)
        return -1;
    rc = add_exception(module, &sockerr_timeout_error, "timeout", bases,
                       timeout_doc);
    Py_DECREF(bases);
    return rc;
#else
    return add_exception(module, &sockerr_timeout_error, "timeout",
                         sockerr_error, timeout_doc);
#endif
}

int
sockerr_add_to_module(PyObject *module)
{
#if CS_PY3
    PyObject *base = PyExc_OSError;
#else
    PyObject *base = PyExc_IOError;
#endif

    if (add_exception(module, &sockerr_error, "error", base, error_doc) < 0
        || add_exception(module, &herror_type, "herror", sockerr_error,
                         herror_doc) < 0
        || add_exception(module, &gaierror_type, "gaierror", sockerr_error,
                         gaierror_doc) < 0
        || add_timeout(module) < 0)
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

#if CS_PY3
/* On 3.x, OSError(errno, msg) becomes the PEP 3151 subclass for that errno
 * (BlockingIOError, ConnectionRefusedError, ...), and code such as asyncio
 * catches those.  socket.error is our own subclass of OSError, so for each
 * such errno we make, once, a class deriving from both socket.error and the
 * interpreter's class, and raise that: `except socket.error` and
 * `except ConnectionRefusedError` both work.  The classes are cached by
 * errno and owned here for the life of the process. */
#define ERRNO_CLASS_SLOTS 256
static PyObject *errno_class[ERRNO_CLASS_SLOTS];

static PyObject *
class_for_errno(int err)
{
    PyObject *probe, *mapped, *bases, *cls;
    char name[96];

    if (err <= 0 || err >= ERRNO_CLASS_SLOTS)
        return sockerr_error;
    if (errno_class[err] != NULL)
        return errno_class[err];
    /* Ask the interpreter which class it maps this errno to. */
    probe = PyObject_CallFunction(PyExc_OSError, "is", err, "");
    if (probe == NULL)
        return NULL;
    mapped = (PyObject *)Py_TYPE(probe);
    if (mapped == PyExc_OSError) {
        cls = Py_NewRef(sockerr_error);
    }
    else {
        snprintf(name, sizeof(name), "socket.%s",
                 ((PyTypeObject *)mapped)->tp_name);
        bases = PyTuple_Pack(2, sockerr_error, mapped);
        cls = bases ? PyErr_NewException(name, bases, NULL) : NULL;
        Py_XDECREF(bases);
    }
    Py_DECREF(probe);
    errno_class[err] = cls;
    return cls;
}
#else
#define class_for_errno(err) (sockerr_error)
#endif

PyObject *
sockerr_code(int err)
{
    PyObject *cls = class_for_errno(err);

    return cls ? raise_pair(cls, err, strerror(err)) : NULL;
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

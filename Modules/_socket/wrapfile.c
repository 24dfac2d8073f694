/* wrapfile.c - the files a socket object's makefile() made (sockwrap.c):
 * each a socket._fileobject on a dup()ed descriptor, remembered by a weak
 * reference to its C socket so that the file's timeout follows the
 * socket's later settimeout() and setblocking().  The list holds only the
 * files still open, give or take: makefile() drops the closed and
 * collected ones whenever the list has doubled since it last did. */
#include "wrapfile.h"           /* first: Python.h sets the feature macros */

/* Made by wrapfile_init() and kept for the life of the process. */
static PyObject *close_kwargs_key;  /* "close": the keyword _fileobject
                                       gets */

/* makefile() looks at the list when it reaches this length at least. */
#define PRUNE_MIN 16

int
wrapfile_init(void)
{
    if (close_kwargs_key != NULL)
        return 0;               /* a second init of the module */
    close_kwargs_key = cs_native_str("close");
    return close_kwargs_key ? 0 : -1;
}

/* ---- the files follow the socket's timeout ------------------------------ */

/* Whether a makefile() socket is still open: fileno() >= 0. */
static int
file_sock_open(PyObject *sock)
{
    PyObject *fd;
    PyObject *zero;
    int open;

    if (IS_CSOCK(sock))
        return ((sockobject *)sock)->sock_fd >= 0;
    fd = wrapcall_noargs(sock, CM_FILENO);
    if (fd == NULL)
        return -1;
    zero = cs_int_from_long(0);
    open = zero ? PyObject_RichCompareBool(fd, zero, Py_GE) : -1;
    Py_XDECREF(zero);
    Py_DECREF(fd);
    return open;
}

/* Removes ref (by identity) from the list, if it is still there. */
static int
forget_file(PyObject *files, PyObject *ref)
{
    Py_ssize_t i;

    for (i = 0; i < PyList_GET_SIZE(files); i++) {
        if (PyList_GET_ITEM(files, i) == ref)
            return PyList_SetSlice(files, i, i + 1, NULL);
    }
    return 0;
}

/* Gives the C sockets of the live makefile() files the timeout of `sock`,
 * and forgets those that are closed or gone; 0 or -1. */
static int
files_follow(PyObject *sock, PyObject *files)
{
    PyObject *timeout;
    PyObject *refs;
    Py_ssize_t i;
    int rc = -1;

    timeout = wrapcall_noargs(sock, CM_GETTIMEOUT);
    if (timeout == NULL)
        return -1;
    /* a copy to walk, and removal in place: a makefile() in another
     * thread may append meanwhile */
    refs = PyList_GetSlice(files, 0, PyList_GET_SIZE(files));
    if (refs == NULL)
        goto done;
    for (i = 0; i < PyList_GET_SIZE(refs); i++) {
        PyObject *ref = PyList_GET_ITEM(refs, i);
        PyObject *target = PyObject_CallObject(ref, NULL);
        int open = 0;

        if (target == NULL)
            goto done;
        if (target != Py_None)
            open = file_sock_open(target);
        if (open > 0) {
            PyObject *result = wrapcall_onearg(target, CM_SETTIMEOUT, timeout);

            Py_XDECREF(result);
            open = result ? 1 : -1;
        }
        Py_DECREF(target);
        if (open < 0 || (open == 0 && forget_file(files, ref) < 0))
            goto done;
    }
    rc = 0;
done:
    Py_XDECREF(refs);
    Py_DECREF(timeout);
    return rc;
}

int
wrapfile_follow(PyObject *sock, struct wrapfile_list *files)
{
    PyObject *refs = files->refs;
    int rc;

    if (refs == NULL || PyList_GET_SIZE(refs) == 0)
        return 0;
    Py_INCREF(refs);
    rc = files_follow(sock, refs);
    Py_DECREF(refs);
    return rc;
}

/* ---- makefile() ---------------------------------------------------------- */

/* Whether the file whose C socket ref refers to is closed or gone, found
 * without running Python code: a dead reference, or a C socket closed.
 * Another object stays (its fileno() would be Python code). */
static int
file_gone(PyObject *ref)
{
    PyObject *target = PyObject_CallObject(ref, NULL);     /* C: no code */
    int gone;

    if (target == NULL) {
        PyErr_Clear();
        return 0;
    }
    gone = target == Py_None
           || (IS_CSOCK(target) && ((sockobject *)target)->sock_fd < 0);
    Py_DECREF(target);
    return gone;
}

/* Drops the entries of closed or collected files; 0 or -1. */
static int
prune(struct wrapfile_list *files)
{
    PyObject *refs = files->refs;
    Py_ssize_t i;
    Py_ssize_t kept = 0;

    for (i = 0; i < PyList_GET_SIZE(refs); i++) {
        PyObject *ref = PyList_GET_ITEM(refs, i);

        if (file_gone(ref))
            continue;
        if (kept != i) {
            Py_INCREF(ref);
            /* steals the new reference; releases the dropped entry */
            PyList_SetItem(refs, kept, ref);
        }
        kept++;
    }
    if (PyList_SetSlice(refs, kept, PyList_GET_SIZE(refs), NULL) < 0)
        return -1;
    files->prune_at = kept * 2 > PRUNE_MIN ? kept * 2 : PRUNE_MIN;
    return 0;
}

/* Remembers the C socket of a new file; 0 or -1. */
static int
remember(struct wrapfile_list *files, PyObject *copy)
{
    PyObject *ref;
    int rc;

    if (files->refs == NULL) {
        files->refs = PyList_New(0);
        if (files->refs == NULL)
            return -1;
        files->prune_at = PRUNE_MIN;
    }
    else if (PyList_GET_SIZE(files->refs) >= files->prune_at
             && prune(files) < 0)
        return -1;
    ref = PyWeakref_NewRef(copy, NULL);
    if (ref == NULL)
        return -1;
    rc = PyList_Append(files->refs, ref);
    Py_DECREF(ref);
    return rc;
}

PyObject *
wrapfile_make(PyObject *sock, PyObject *cls, PyObject *mode,
              PyObject *bufsize, struct wrapfile_list *files)
{
    PyObject *copy = wrapcall_dup(sock);
    PyObject *call_args = NULL;
    PyObject *call_kwargs = NULL;
    PyObject *file = NULL;

    if (copy == NULL)
        return NULL;
    call_args = PyTuple_Pack(3, copy, mode, bufsize);
    call_kwargs = PyDict_New();
    if (call_args == NULL || call_kwargs == NULL
        || PyDict_SetItem(call_kwargs, close_kwargs_key, Py_True) < 0)
        goto error;
    file = PyObject_Call(cls, call_args, call_kwargs);
    if (file == NULL || remember(files, copy) < 0)
        goto error;
    Py_DECREF(call_kwargs);
    Py_DECREF(call_args);
    Py_DECREF(copy);
    return file;

error:
    wrapcall_close_on_error(copy);
    Py_XDECREF(file);
    Py_XDECREF(call_kwargs);
    Py_XDECREF(call_args);
    Py_DECREF(copy);
    return NULL;
}

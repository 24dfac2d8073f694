/* sockwrap_file.c - makefile() of socket objects (sockwrap.c): a
 * socket._fileobject on a dup()ed descriptor, whose timeout follows the
 * socket's later settimeout() and setblocking(). */
#include "sockwrap.h"           /* first: Python.h sets the feature macros */

/* Made by wrapfile_init() and kept for the life of the process. */
static PyObject *str_fileobject;    /* "_fileobject" */
static PyObject *default_mode;      /* "r": makefile()'s default mode */
static PyObject *default_bufsize;   /* -1: its default bufsize */
static PyObject *close_kwargs_key;  /* "close": the keyword _fileobject
                                       gets */

int
wrapfile_init(void)
{
    if (str_fileobject != NULL)
        return 0;               /* a second init of the module */
    str_fileobject = cs_native_str("_fileobject");
    default_mode = cs_native_str("r");
    default_bufsize = cs_int_from_long(-1);
    close_kwargs_key = cs_native_str("close");
    if (str_fileobject == NULL || default_mode == NULL
        || default_bufsize == NULL || close_kwargs_key == NULL)
        return -1;
    return 0;
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

/* After a timeout change (result: what the socket's setter returned, or
 * NULL): the files follow, if there are any.  None, or NULL. */
static PyObject *
after_timeout_change(wrapobject *w, PyObject *result)
{
    PyObject *files = w->files;
    PyObject *sock;
    int rc = 0;

    if (result == NULL)
        return NULL;
    Py_DECREF(result);
    if (files != NULL && PyList_GET_SIZE(files) > 0 && w->sock != NULL) {
        sock = Py_NewRef(w->sock);
        Py_INCREF(files);
        rc = files_follow(sock, files);
        Py_DECREF(files);
        Py_DECREF(sock);
    }
    if (rc < 0)
        return NULL;
    Py_RETURN_NONE;
}

/* ---- the methods -------------------------------------------------------- */

/* socket._fileobject as it is now (new ref). */
static PyObject *
current_fileobject(void)
{
    PyObject *module;
    PyObject *cls;

    if (sockwrap_namespace != NULL) {
        cls = PyDict_GetItem(sockwrap_namespace, str_fileobject);
        if (cls != NULL)
            return Py_NewRef(cls);
        PyErr_SetString(PyExc_NameError,
                        "name '_fileobject' is not defined");
        return NULL;
    }
    module = PyImport_ImportModule("socket");
    if (module == NULL)
        return NULL;
    cls = PyObject_GetAttr(module, str_fileobject);
    Py_DECREF(module);
    return cls;
}

const char wrapfile_makefile_doc[] =
"makefile([mode[, bufsize]]) -> file object\n\
\n\
Return a file object for the socket.  It works on a dup()ped\n\
descriptor, so the file and the socket may be closed or\n\
garbage-collected independently; the socket's timeout, now and\n\
as settimeout() and setblocking() change it later, is the\n\
file's.  mode and bufsize are as for the built-in open(): bufsize\n\
0 is unbuffered, 1 line buffered, and another positive value a\n\
buffer size.";

PyObject *
wrapfile_makefile(PyObject *self, PyObject *args, PyObject *kwds)
{
    static char *keywords[] = {"mode", "bufsize", NULL};
    wrapobject *w = (wrapobject *)self;
    PyObject *mode = default_mode;
    PyObject *bufsize = default_bufsize;
    PyObject *sock;
    PyObject *copy;
    PyObject *cls = NULL;
    PyObject *call_args = NULL;
    PyObject *call_kwargs = NULL;
    PyObject *file = NULL;
    PyObject *ref = NULL;

    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|OO:makefile", keywords,
                                     &mode, &bufsize))
        return NULL;
    sock = w->sock;
    if (sock == NULL)
        return sockwrap_no_sock(self);
    Py_INCREF(sock);
    copy = wrapcall_dup(sock);
    Py_DECREF(sock);
    if (copy == NULL)
        return NULL;
    cls = current_fileobject();
    if (cls == NULL)
        goto error;
    call_args = PyTuple_Pack(3, copy, mode, bufsize);
    call_kwargs = PyDict_New();
    if (call_args == NULL || call_kwargs == NULL
        || PyDict_SetItem(call_kwargs, close_kwargs_key, Py_True) < 0)
        goto error;
    file = PyObject_Call(cls, call_args, call_kwargs);
    if (file == NULL)
        goto error;
    if (w->files == NULL) {
        w->files = PyList_New(0);
        if (w->files == NULL)
            goto error;
    }
    ref = PyWeakref_NewRef(copy, NULL);
    if (ref == NULL || PyList_Append(w->files, ref) < 0)
        goto error;
    Py_DECREF(ref);
    Py_DECREF(call_kwargs);
    Py_DECREF(call_args);
    Py_DECREF(cls);
    Py_DECREF(copy);
    return file;

error:
    wrapcall_close_on_error(copy);
    Py_XDECREF(ref);
    Py_XDECREF(file);
    Py_XDECREF(call_kwargs);
    Py_XDECREF(call_args);
    Py_XDECREF(cls);
    Py_DECREF(copy);
    return NULL;
}

/* The one argument of settimeout(timeout) / setblocking(flag), positional
 * or by keyword (borrowed); NULL with TypeError set. */
static PyObject *
one_arg(CS_POSKW_PARAMS, const char *format, char **keywords)
{
    PyObject *arg = NULL;

    if (CS_POS_NARGS == 1 && cs_no_keywords(cs_kw))
        return CS_POS_ARGV[0];
    if (!cs_parse_array_kw(CS_POS_ARGV, CS_POS_NARGS, cs_kw, format,
                           keywords, &arg))
        return NULL;
    return arg;
}

const char wrapfile_settimeout_doc[] =
"settimeout(timeout)\n\
\n\
Set a timeout on socket operations (and on the reads and writes of\n\
the files makefile() made).  timeout can be a float, giving in\n\
seconds, or None.  Setting a timeout of None disables the timeout\n\
feature and is equivalent to setblocking(1).  Setting a timeout of\n\
zero is the same as setblocking(0).";

/* Both timeout setters: the socket, then the files; the file's descriptor
 * shares O_NONBLOCK with the socket's, so the two C objects must agree on
 * the mode, as they do in CPython 2.7, where the file uses the socket's C
 * object. */
static PyObject *
set_mode(PyObject *self, enum cmeth which, PyObject *arg)
{
    wrapobject *w = (wrapobject *)self;
    PyObject *sock = w->sock;
    PyObject *result;

    if (sock == NULL)
        return sockwrap_no_sock(self);
    Py_INCREF(sock);
    result = wrapcall_onearg(sock, which, arg);
    Py_DECREF(sock);
    return after_timeout_change(w, result);
}

PyObject *
wrapfile_settimeout(PyObject *self, CS_POSKW_PARAMS)
{
    static char *keywords[] = {"timeout", NULL};
    PyObject *arg = one_arg(CS_FWD_ARGS, cs_kw, "O:settimeout", keywords);

    return arg ? set_mode(self, CM_SETTIMEOUT, arg) : NULL;
}

const char wrapfile_setblocking_doc[] =
"setblocking(flag)\n\
\n\
Set the socket to blocking (flag is true) or non-blocking (false),\n\
and with it the files makefile() made.  setblocking(True) is\n\
equivalent to settimeout(None); setblocking(False) is equivalent to\n\
settimeout(0.0).";

PyObject *
wrapfile_setblocking(PyObject *self, CS_POSKW_PARAMS)
{
    static char *keywords[] = {"flag", NULL};
    PyObject *arg = one_arg(CS_FWD_ARGS, cs_kw, "O:setblocking", keywords);

    return arg ? set_mode(self, CM_SETBLOCKING, arg) : NULL;
}


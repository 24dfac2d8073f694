/* wrapcall.c - how a socket object (sockwrap.c) calls the methods of the
 * object in its `_sock`: when that is exactly a _socket.socket, the C
 * function straight from its entry in that type's method table (wrapcall.h
 * lists them); anything else (and a C call whose arguments do not fit the
 * function's convention, so that the error is the C socket's own) through
 * the Python-level attribute lookup and call. */
#include "wrapcall.h"           /* first: Python.h sets the feature macros */

/* The C socket's entries, copied from its method table's (no look-up by
 * name at init); the strs come from wrapcall_init(). */
#define WRAPCALL_ENTRY(NAME, name, KIND, OWNER, owner) \
    [CM_##NAME] = {OWNER##_##NAME##_METHODDEF NULL},
struct wrapcall_method wrapcall_methods[CM_COUNT] = {
    WRAPCALL_METHODS(WRAPCALL_ENTRY)
};
#undef WRAPCALL_ENTRY

/* The calling conventions of args.h's CS_POS_PARAMS / CS_POSKW_PARAMS. */
typedef PyObject *(*pos_fn)(PyObject *, CS_POS_PARAMS);
typedef PyObject *(*poskw_fn)(PyObject *, CS_POSKW_PARAMS);

/* name(*args, **kwargs) on obj, looked up and called at the Python level
 * (new ref).  The arguments are those of a CS_POSKW_PARAMS method. */
static PyObject *
call_by_name(PyObject *obj, PyObject *name, CS_POSKW_PARAMS)
{
    PyObject *meth = PyObject_GetAttr(obj, name);
    PyObject *args;
    PyObject *kwargs;
    PyObject *result;

    if (meth == NULL)
        return NULL;
    if (cs_call_args(CS_FWD_ARGS, cs_kw, &args, &kwargs) < 0) {
        Py_DECREF(meth);
        return NULL;
    }
    result = PyObject_Call(meth, args, kwargs);
    Py_XDECREF(kwargs);
    Py_DECREF(args);
    Py_DECREF(meth);
    return result;
}

/* sock.<which>(*args, **kwargs) (new ref).  A _socket.socket gets
 * its C method called directly when the arguments fit the method's
 * convention; everything else (other objects, and wrong argument counts,
 * whose error message is then exactly the C socket's) goes through the
 * Python-level call. */
PyObject *
wrapcall_run(PyObject *sock, enum cmeth which, CS_POSKW_PARAMS)
{
    if (IS_CSOCK(sock)) {
        PyMethodDef *def = &wrapcall_methods[which].def;
        int no_kw = cs_no_keywords(cs_kw);

        switch (def->ml_flags) {
        case METH_NOARGS:
            if (CS_POS_NARGS == 0 && no_kw)
                return def->ml_meth(sock, NULL);
            break;
        case METH_O:
            if (CS_POS_NARGS == 1 && no_kw)
                return def->ml_meth(sock, CS_POS_ARGV[0]);
            break;
        case CS_METH_POS:
            if (no_kw)
                return ((pos_fn)(void (*)(void))def->ml_meth)(sock,
                                                              CS_FWD_ARGS);
            break;
        case CS_METH_POSKW:
            return ((poskw_fn)(void (*)(void))def->ml_meth)(sock,
                                                            CS_FWD_ARGS,
                                                            cs_kw);
        default:
            break;
        }
    }
    return call_by_name(sock, wrapcall_methods[which].str, CS_FWD_ARGS,
                        cs_kw);
}

/* The same with no arguments, or with one. */
PyObject *
wrapcall_noargs(PyObject *sock, enum cmeth which)
{
    PyMethodDef *def = &wrapcall_methods[which].def;

    if (IS_CSOCK(sock) && def->ml_flags == METH_NOARGS)
        return def->ml_meth(sock, NULL);
    return PyObject_CallMethodObjArgs(sock, wrapcall_methods[which].str, NULL);
}

PyObject *
wrapcall_onearg(PyObject *sock, enum cmeth which, PyObject *arg)
{
    PyMethodDef *def = &wrapcall_methods[which].def;

    if (IS_CSOCK(sock) && def->ml_flags == METH_O)
        return def->ml_meth(sock, arg);
    return PyObject_CallMethodObjArgs(sock, wrapcall_methods[which].str, arg,
                                      NULL);
}

/* Calls sock.close(), keeping the exception already set, if any: the
 * clean-up of an error path.  A failing close() replaces it, as a `raise`
 * inside Python's `except` clause would. */
void
wrapcall_close_on_error(PyObject *sock)
{
    PyObject *type;
    PyObject *value;
    PyObject *tb;
    PyObject *result;

    PyErr_Fetch(&type, &value, &tb);
    result = wrapcall_noargs(sock, CM_CLOSE);
    if (result == NULL) {
        Py_XDECREF(type);
        Py_XDECREF(value);
        Py_XDECREF(tb);
        return;
    }
    Py_DECREF(result);
    PyErr_Restore(type, value, tb);
}

/* An OS-level duplicate of sock in the same timeout mode (new ref): the
 * descriptors share their O_NONBLOCK flag, so both objects must agree on
 * it.  A C socket's dup() already copies the timeout. */
PyObject *
wrapcall_dup(PyObject *sock)
{
    PyObject *copy = wrapcall_noargs(sock, CM_DUP);
    PyObject *timeout;
    PyObject *result;

    if (copy == NULL || (IS_CSOCK(sock) && IS_CSOCK(copy)))
        return copy;
    timeout = wrapcall_noargs(sock, CM_GETTIMEOUT);
    result = timeout ? wrapcall_onearg(copy, CM_SETTIMEOUT, timeout) : NULL;
    Py_XDECREF(timeout);
    if (result == NULL) {
        wrapcall_close_on_error(copy);
        Py_DECREF(copy);
        return NULL;
    }
    Py_DECREF(result);
    return copy;
}

int
wrapcall_init(void)
{
    int i;

    for (i = 0; i < CM_COUNT; i++) {
        if (wrapcall_methods[i].str == NULL) {
            wrapcall_methods[i].str =
                cs_native_str(wrapcall_methods[i].def.ml_name);
            if (wrapcall_methods[i].str == NULL)
                return -1;
        }
    }
    return 0;
}

/* sockwrap.c - the type _socket._socketobject: the socket object of
 * Python 2.7's socket.py in C (socket.py's socket, SocketType and
 * _socketobject are a thin Python subclass of it, so that their class
 * attributes can be set as a Python class's can), with _closedsocket, what
 * such an object holds once closed.
 *
 * The object holds its C socket in `_sock`, a read/write attribute that may
 * hold any object: Python 2.7's ssl.py shares another socket object's C
 * socket through socket.__init__(self, _sock=...).  The data methods
 * (recv ... sendto) are `_sock`'s own bound methods, stored on the object
 * at their first use, as 2.7 stores them in __init__.  Every other socket
 * method forwards to `_sock` (sockwrap_call.c: the C function directly
 * when `_sock` is exactly a _socket.socket), which is also how a closed
 * object fails: its `_sock` is the _closedsocket instance, whose every
 * attribute raises error(EBADF).
 *
 * On top of the C socket the object adds dup() on a new descriptor,
 * makefile() (sockwrap_file.c), close() that leaves other objects for the
 * same connection open, and the context manager. */
#include "sockwrap.h"           /* first: Python.h sets the feature macros */

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include "sockerr.h"
#include "socketmodule.h"

static PyTypeObject wrap_type;
static PyTypeObject closed_type;

/* Created once by sockwrap_add_to_module and kept for the life of the
 * process (the module is never unloaded): close() needs nothing from any
 * module's namespace, so it works while the interpreter tears them down. */
static PyObject *closed_singleton;  /* the _closedsocket every close() puts
                                       into `_sock` */
static PyObject *str_close;         /* "close" */
static PyObject *str_socketobject;  /* "_socketobject" */
static PyObject *str_sock;          /* "_sock" */
static PyObject *str_family;        /* "family" */
static PyObject *str_type;          /* "type" */
static PyObject *str_proto;         /* "proto" */

PyObject *sockwrap_namespace;       /* see sockwrap.h */

/* ---- helpers ------------------------------------------------------------ */

PyObject *
sockwrap_no_sock(PyObject *self)
{
    PyErr_Format(PyExc_AttributeError, "'%.100s' object has no attribute "
                 "'_sock'", Py_TYPE(self)->tp_name);
    return NULL;
}

/* Forgets the stored data methods: `_sock` has changed. */
static void
drop_data(wrapobject *w)
{
    int i;

    for (i = 0; i < DM_COUNT; i++)
        Py_CLEAR(w->data[i]);
}

/* What every forwarding method does: self._sock.<which>(*args, **kwargs).
 * The C socket is held for the call: another thread may close() this
 * object or replace `_sock` while the call waits without the GIL. */
static PyObject *
forward(PyObject *self, enum cmeth which, CS_POSKW_PARAMS)
{
    PyObject *sock = ((wrapobject *)self)->sock;
    PyObject *result;

    if (sock == NULL)
        return sockwrap_no_sock(self);
    Py_INCREF(sock);
    result = wrapcall_run(sock, which, CS_FWD_ARGS, cs_kw);
    Py_DECREF(sock);
    return result;
}

static PyObject *wrap_new(PyTypeObject *type, PyObject *args,
                          PyObject *kwds);
static int wrap_init(PyObject *self, PyObject *args, PyObject *kwds);

/* Whether calling cls makes its object with this file's tp_new and tp_init
 * alone: no __new__ or __init__ of a subclass (a test made at each call,
 * since a Python class's can be set at any time). */
static int
plain_class(PyObject *cls)
{
    PyTypeObject *tp = (PyTypeObject *)cls;

    return PyType_Check(cls) && tp->tp_new == wrap_new
           && tp->tp_init == wrap_init;
}

/* A new object of class cls (a plain_class()) holding sock, as
 * cls(_sock=sock) makes it. */
static PyObject *
wrap_around(PyObject *cls, PyObject *sock)
{
    PyTypeObject *tp = (PyTypeObject *)cls;
    wrapobject *w = (wrapobject *)tp->tp_alloc(tp, 0);

    if (w != NULL)
        w->sock = Py_NewRef(sock);
    return (PyObject *)w;
}

/* _socketobject(_sock=sock), with socket.py's _socketobject as it is now:
 * what accept() and dup() return. */
static PyObject *
new_wrapper(PyObject *sock)
{
    PyObject *cls = (PyObject *)&wrap_type;
    PyObject *args;
    PyObject *kwargs;
    PyObject *result;

    if (sockwrap_namespace != NULL) {
        cls = PyDict_GetItem(sockwrap_namespace, str_socketobject);
        if (cls == NULL) {
            PyErr_SetString(PyExc_NameError,
                            "name '_socketobject' is not defined");
            return NULL;
        }
    }
    if (plain_class(cls))
        return wrap_around(cls, sock);
    args = PyTuple_New(0);
    kwargs = args ? PyDict_New() : NULL;
    result = NULL;
    if (kwargs != NULL && PyDict_SetItem(kwargs, str_sock, sock) == 0)
        result = PyObject_Call(cls, args, kwargs);
    Py_XDECREF(kwargs);
    Py_XDECREF(args);
    return result;
}

/* The result of accept(): its two items, as `sock, addr = result` takes
 * them (new refs in *conn and *addr); 0 or -1. */
static int
unpack_pair(PyObject *result, PyObject **conn, PyObject **addr)
{
    PyObject *items = PySequence_Tuple(result);

    if (items == NULL)
        return -1;
    if (PyTuple_GET_SIZE(items) != 2) {
        PyErr_Format(PyExc_ValueError, "accept() gave %zd values, "
                     "expected 2", PyTuple_GET_SIZE(items));
        Py_DECREF(items);
        return -1;
    }
    *conn = Py_NewRef(PyTuple_GET_ITEM(items, 0));
    *addr = Py_NewRef(PyTuple_GET_ITEM(items, 1));
    Py_DECREF(items);
    return 0;
}

/* ---- creation and destruction ------------------------------------------- */

static PyObject *
wrap_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    (void)args;
    (void)kwds;
    return type->tp_alloc(type, 0);     /* all fields NULL */
}

/* A new C socket, as _socket.socket(*args) (new ref). */
static PyObject *
new_c_socket(PyObject *args)
{
    PyObject *sock = sockobject_type.tp_new(&sockobject_type, args, NULL);

    if (sock != NULL && sockobject_type.tp_init(sock, args, NULL) < 0)
        Py_CLEAR(sock);
    return sock;
}

/* The usual call socket([family[, type[, proto]]]) with plain ints, as the
 * C socket's own tp_init makes it, without an argument tuple: 1 with a new
 * C socket in *sock (or NULL and an exception set), 0 (nothing done, no
 * exception) when the call is another. */
static int
c_socket_from_ints(PyObject *const *argv, Py_ssize_t nargs, PyObject **sock)
{
    int value[3] = {AF_INET, SOCK_STREAM, 0};
    Py_ssize_t i;

    if (nargs > 3)
        return 0;
    for (i = 0; i < nargs; i++) {
        if (!cs_fast_int(argv[i], &value[i]))
            return 0;
    }
    *sock = sockobject_create(value[0], value[1], value[2]);
    return 1;
}

/* _socketobject(family=AF_INET, type=SOCK_STREAM, proto=0, _sock=None) */
static int
wrap_init(PyObject *self, PyObject *args, PyObject *kwds)
{
    static char *keywords[] = {"family", "type", "proto", "_sock", NULL};
    wrapobject *w = (wrapobject *)self;
    PyObject *family = NULL;
    PyObject *type = NULL;
    PyObject *proto = NULL;
    PyObject *sock = Py_None;
    PyObject *old;

    if (cs_no_keywords_dict(kwds) && PyTuple_GET_SIZE(args) <= 3) {
        /* the usual socket(family, type[, proto]); other arguments go to
         * the C socket's own parser as they came */
        if (!c_socket_from_ints(&PyTuple_GET_ITEM(args, 0),
                                PyTuple_GET_SIZE(args), &sock))
            sock = new_c_socket(args);
    }
    else {
        if (!PyArg_ParseTupleAndKeywords(args, kwds, "|OOOO:_socketobject",
                                         keywords, &family, &type, &proto,
                                         &sock))
            return -1;
        if (sock == Py_None) {
            PyObject *c_args;

            c_args = Py_BuildValue("(NNN)",
                                   family ? Py_NewRef(family)
                                          : cs_int_from_long(AF_INET),
                                   type ? Py_NewRef(type)
                                        : cs_int_from_long(SOCK_STREAM),
                                   proto ? Py_NewRef(proto)
                                         : cs_int_from_long(0));
            if (c_args == NULL)
                return -1;
            sock = new_c_socket(c_args);
            Py_DECREF(c_args);
        }
        else {
            Py_INCREF(sock);
        }
    }
    if (sock == NULL)
        return -1;
    old = w->sock;
    w->sock = sock;             /* the reference made above */
    drop_data(w);
    Py_XDECREF(old);
    Py_CLEAR(w->files);
    return 0;
}

#if CS_HAVE_TYPE_VECTORCALL
/* Calling the class (3.9+; this type and socket.py's subclass, see
 * set_socket_namespace): socket(family, type[, proto]) with plain ints
 * makes the object here, with no argument tuple, as wrap_new and wrap_init
 * would; any other call, or a class with its own __new__ or __init__, goes
 * the way of type.__call__. */
static PyObject *
wrap_vectorcall(PyObject *type, PyObject *const *args, size_t nargsf,
                PyObject *kwnames)
{
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    PyObject *sock = NULL;
    PyObject *call_args;
    PyObject *call_kwargs;
    PyObject *result;

    if (plain_class(type) && cs_no_keywords(kwnames)
        && c_socket_from_ints(args, nargs, &sock)) {
        if (sock == NULL)
            return NULL;
        result = wrap_around(type, sock);
        Py_DECREF(sock);
        return result;
    }
    if (cs_call_args(args, nargs, kwnames, &call_args, &call_kwargs) < 0)
        return NULL;
    result = PyType_Type.tp_call(type, call_args, call_kwargs);
    Py_XDECREF(call_kwargs);
    Py_DECREF(call_args);
    return result;
}
#endif

static int
wrap_traverse(PyObject *self, visitproc visit, void *arg)
{
    wrapobject *w = (wrapobject *)self;

    int i;

    Py_VISIT(w->sock);
    Py_VISIT(w->files);
    for (i = 0; i < DM_COUNT; i++)
        Py_VISIT(w->data[i]);
    return 0;
}

static int
wrap_clear(PyObject *self)
{
    wrapobject *w = (wrapobject *)self;

    drop_data(w);
    Py_CLEAR(w->sock);
    Py_CLEAR(w->files);
    return 0;
}

static void
wrap_dealloc(PyObject *self)
{
    PyObject_GC_UnTrack(self);
    if (((wrapobject *)self)->weakreflist != NULL)
        PyObject_ClearWeakRefs(self);
    /* dropping the C socket closes it unless someone else holds it */
    (void)wrap_clear(self);
    Py_TYPE(self)->tp_free(self);
}

/* ---- methods of the wrapper's own --------------------------------------- */

PyDoc_STRVAR(wrap_close_doc,
"close()\n\
\n\
Close the socket.  Every later operation on this object fails with\n\
error(EBADF); other objects for the same connection (from dup(),\n\
makefile()) are not affected.");

static PyObject *
wrap_close(PyObject *self, PyObject *unused)
{
    wrapobject *w = (wrapobject *)self;
    PyObject *sock = w->sock;
    PyObject *result;

    (void)unused;
    if (sock == NULL)
        return sockwrap_no_sock(self);
    if (Py_TYPE(sock) == &closed_type)
        Py_RETURN_NONE;
    /* closed before the C socket is: another thread sees EBADF at once
     * (data methods bound already still hold the C socket, which fails
     * with EBADF once closed) */
    w->sock = Py_NewRef(closed_singleton);
    drop_data(w);
    result = wrapcall_noargs(sock, CM_CLOSE);       /* our reference to sock */
    Py_DECREF(sock);
    if (result == NULL)
        return NULL;
    Py_DECREF(result);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(wrap_accept_doc,
"accept() -> (socket object, address info)\n\
\n\
Wait for an incoming connection.  Return a new socket representing the\n\
connection, and the address of the client.");

static PyObject *
wrap_accept(PyObject *self, PyObject *unused)
{
    PyObject *sock = ((wrapobject *)self)->sock;
    PyObject *result;
    PyObject *conn;
    PyObject *addr;
    PyObject *wrapped;

    (void)unused;
    if (sock == NULL)
        return sockwrap_no_sock(self);
    Py_INCREF(sock);
    result = wrapcall_noargs(sock, CM_ACCEPT);
    Py_DECREF(sock);
    if (result == NULL)
        return NULL;
    if (PyTuple_CheckExact(result) && PyTuple_GET_SIZE(result) == 2) {
        conn = Py_NewRef(PyTuple_GET_ITEM(result, 0));
        addr = Py_NewRef(PyTuple_GET_ITEM(result, 1));
    }
    else if (unpack_pair(result, &conn, &addr) < 0) {
        Py_DECREF(result);
        return NULL;
    }
    Py_DECREF(result);
    wrapped = new_wrapper(conn);
    result = wrapped ? PyTuple_Pack(2, wrapped, addr) : NULL;
    Py_XDECREF(wrapped);
    Py_DECREF(conn);
    Py_DECREF(addr);
    return result;
}

PyDoc_STRVAR(wrap_dup_doc,
"dup() -> socket object\n\
\n\
Return a new socket object for the same connection, on a new file\n\
descriptor: either may be closed without affecting the other.");

static PyObject *
wrap_dup(PyObject *self, PyObject *unused)
{
    PyObject *sock = ((wrapobject *)self)->sock;
    PyObject *copy;
    PyObject *result;

    (void)unused;
    if (sock == NULL)
        return sockwrap_no_sock(self);
    Py_INCREF(sock);
    copy = wrapcall_dup(sock);
    Py_DECREF(sock);
    if (copy == NULL)
        return NULL;
    result = new_wrapper(copy);
    Py_DECREF(copy);
    return result;
}

static PyObject *
wrap_enter(PyObject *self, PyObject *unused)
{
    (void)unused;
    return Py_NewRef(self);
}

/* __exit__(*exc_info): self.close(), a subclass's own close() included */
static PyObject *
wrap_exit(PyObject *self, PyObject *args)
{
    PyObject *result;

    (void)args;
    if (Py_TYPE(self) == &wrap_type)
        result = wrap_close(self, NULL);
    else
        result = PyObject_CallMethodObjArgs(self, str_close, NULL);
    if (result == NULL)
        return NULL;
    Py_DECREF(result);
    Py_RETURN_NONE;
}

/* ---- methods passed on to `_sock` ------------------------------------------
 * Positional arguments only, as Python 2.7's wrapper passes them. */

static PyObject *
wrap_bind(PyObject *self, CS_POS_PARAMS)
{
    return forward(self, CM_BIND, CS_FWD_ARGS, NULL);
}

static PyObject *
wrap_connect(PyObject *self, CS_POS_PARAMS)
{
    return forward(self, CM_CONNECT, CS_FWD_ARGS, NULL);
}

static PyObject *
wrap_connect_ex(PyObject *self, CS_POS_PARAMS)
{
    return forward(self, CM_CONNECT_EX, CS_FWD_ARGS, NULL);
}

static PyObject *
wrap_fileno(PyObject *self, CS_POS_PARAMS)
{
    return forward(self, CM_FILENO, CS_FWD_ARGS, NULL);
}

static PyObject *
wrap_listen(PyObject *self, CS_POS_PARAMS)
{
    return forward(self, CM_LISTEN, CS_FWD_ARGS, NULL);
}

static PyObject *
wrap_getpeername(PyObject *self, CS_POS_PARAMS)
{
    return forward(self, CM_GETPEERNAME, CS_FWD_ARGS, NULL);
}

static PyObject *
wrap_getsockname(PyObject *self, CS_POS_PARAMS)
{
    return forward(self, CM_GETSOCKNAME, CS_FWD_ARGS, NULL);
}

static PyObject *
wrap_getsockopt(PyObject *self, CS_POS_PARAMS)
{
    return forward(self, CM_GETSOCKOPT, CS_FWD_ARGS, NULL);
}

static PyObject *
wrap_setsockopt(PyObject *self, CS_POS_PARAMS)
{
    return forward(self, CM_SETSOCKOPT, CS_FWD_ARGS, NULL);
}

static PyObject *
wrap_sendall(PyObject *self, CS_POS_PARAMS)
{
    return forward(self, CM_SENDALL, CS_FWD_ARGS, NULL);
}

static PyObject *
wrap_gettimeout(PyObject *self, CS_POS_PARAMS)
{
    return forward(self, CM_GETTIMEOUT, CS_FWD_ARGS, NULL);
}

static PyObject *
wrap_shutdown(PyObject *self, CS_POS_PARAMS)
{
    return forward(self, CM_SHUTDOWN, CS_FWD_ARGS, NULL);
}

/* ---- attributes --------------------------------------------------------- */

static PyObject *
wrap_get_sock(PyObject *self, void *closure)
{
    PyObject *sock = ((wrapobject *)self)->sock;

    (void)closure;
    return sock ? Py_NewRef(sock) : sockwrap_no_sock(self);
}

static int
wrap_set_sock(PyObject *self, PyObject *value, void *closure)
{
    wrapobject *w = (wrapobject *)self;
    PyObject *old = w->sock;

    (void)closure;
    if (value == NULL && old == NULL) {
        sockwrap_no_sock(self);
        return -1;
    }
    Py_XINCREF(value);
    w->sock = value;
    drop_data(w);
    Py_XDECREF(old);
    return 0;
}

/* Which data method a getset entry is (its closure). */
static struct data_method {
    enum data_slot slot;
    enum cmeth which;
} data_methods[DM_COUNT] = {
    [DM_RECV] = {DM_RECV, CM_RECV},
    [DM_RECVFROM] = {DM_RECVFROM, CM_RECVFROM},
    [DM_RECV_INTO] = {DM_RECV_INTO, CM_RECV_INTO},
    [DM_RECVFROM_INTO] = {DM_RECVFROM_INTO, CM_RECVFROM_INTO},
    [DM_SEND] = {DM_SEND, CM_SEND},
    [DM_SENDTO] = {DM_SENDTO, CM_SENDTO},
};

/* s.recv and the other data methods: `_sock`'s bound method, stored on
 * the object at the first use.  Calls go to it with nothing in between. */
static PyObject *
wrap_get_data(PyObject *self, void *closure)
{
    struct data_method *dm = closure;
    wrapobject *w = (wrapobject *)self;
    PyObject *meth = w->data[dm->slot];
    PyObject *sock = w->sock;

    if (meth != NULL)
        return Py_NewRef(meth);
    if (sock == NULL)
        return sockwrap_no_sock(self);
    Py_INCREF(sock);
    meth = PyObject_GetAttr(sock, wrapcall_methods[dm->which].str);
    /* stored unless Python code that the lookup ran changed the object */
    if (meth != NULL && w->sock == sock && w->data[dm->slot] == NULL)
        w->data[dm->slot] = Py_NewRef(meth);
    Py_DECREF(sock);
    return meth;
}

/* s.recv = f stores f on the object (until `_sock` changes); del s.recv
 * forgets what is stored (AttributeError when nothing is) */
static int
wrap_set_data(PyObject *self, PyObject *value, void *closure)
{
    struct data_method *dm = closure;
    wrapobject *w = (wrapobject *)self;

    if (value == NULL && w->data[dm->slot] == NULL) {
        PyErr_SetString(PyExc_AttributeError,
                        wrapcall_methods[dm->which].name);
        return -1;
    }
    Py_XINCREF(value);
    Py_XSETREF(w->data[dm->slot], value);
    return 0;
}

static PyObject *
wrap_get_files(PyObject *self, void *closure)
{
    PyObject *files = ((wrapobject *)self)->files;

    (void)closure;
    return Py_NewRef(files ? files : Py_None);
}

/* family, type, proto: those of `_sock` (closure: the name) */
static PyObject *
wrap_get_sock_attr(PyObject *self, void *closure)
{
    PyObject *sock = ((wrapobject *)self)->sock;
    PyObject *name = *(PyObject **)closure;

    if (sock == NULL)
        return sockwrap_no_sock(self);
    if (IS_CSOCK(sock)) {
        sockobject *s = (sockobject *)sock;

        if (name == str_family)
            return cs_int_from_long(s->sock_family);
        if (name == str_type)
            return cs_int_from_long(s->sock_type);
        return cs_int_from_long(s->sock_proto);
    }
    return PyObject_GetAttr(sock, name);
}

static PyGetSetDef wrap_getset[] = {
    {"_sock", wrap_get_sock, wrap_set_sock,
     "the socket object this one passes its calls to", NULL},
    {"_files", wrap_get_files, NULL,
     "None, or weak references to the sockets of the files makefile() "
     "made", NULL},
    {"family", wrap_get_sock_attr, NULL, "the socket family", &str_family},
    {"type", wrap_get_sock_attr, NULL, "the socket type", &str_type},
    {"proto", wrap_get_sock_attr, NULL, "the socket protocol", &str_proto},
#define DATA_METHOD(name, slot) \
    {name, wrap_get_data, wrap_set_data, \
     "_sock." name ", stored on the object at its first use", \
     &data_methods[slot]}
    DATA_METHOD("recv", DM_RECV),
    DATA_METHOD("recvfrom", DM_RECVFROM),
    DATA_METHOD("recv_into", DM_RECV_INTO),
    DATA_METHOD("recvfrom_into", DM_RECVFROM_INTO),
    DATA_METHOD("send", DM_SEND),
    DATA_METHOD("sendto", DM_SENDTO),
#undef DATA_METHOD
    {NULL, NULL, NULL, NULL, NULL}
};

/* The methods passed on to `_sock` get the C socket's docstrings at module
 * init (their ml_doc is NULL here). */
static PyMethodDef wrap_methods[] = {
    {"close", wrap_close, METH_NOARGS, wrap_close_doc},
    {"accept", wrap_accept, METH_NOARGS, wrap_accept_doc},
    {"dup", wrap_dup, METH_NOARGS, wrap_dup_doc},
    {"makefile", (PyCFunction)(void (*)(void))wrapfile_makefile,
     METH_VARARGS | METH_KEYWORDS, wrapfile_makefile_doc},
    {"settimeout", CS_POS_FN(wrapfile_settimeout), CS_METH_POSKW,
     wrapfile_settimeout_doc},
    {"setblocking", CS_POS_FN(wrapfile_setblocking), CS_METH_POSKW,
     wrapfile_setblocking_doc},
    {"__enter__", wrap_enter, METH_NOARGS, NULL},
    {"__exit__", wrap_exit, METH_VARARGS, NULL},
    {"bind", CS_POS_FN(wrap_bind), CS_METH_POS, NULL},
    {"connect", CS_POS_FN(wrap_connect), CS_METH_POS, NULL},
    {"connect_ex", CS_POS_FN(wrap_connect_ex), CS_METH_POS, NULL},
    {"fileno", CS_POS_FN(wrap_fileno), CS_METH_POS, NULL},
    {"listen", CS_POS_FN(wrap_listen), CS_METH_POS, NULL},
    {"getpeername", CS_POS_FN(wrap_getpeername), CS_METH_POS, NULL},
    {"getsockname", CS_POS_FN(wrap_getsockname), CS_METH_POS, NULL},
    {"getsockopt", CS_POS_FN(wrap_getsockopt), CS_METH_POS, NULL},
    {"setsockopt", CS_POS_FN(wrap_setsockopt), CS_METH_POS, NULL},
    {"sendall", CS_POS_FN(wrap_sendall), CS_METH_POS, NULL},
    {"gettimeout", CS_POS_FN(wrap_gettimeout), CS_METH_POS, NULL},
    {"shutdown", CS_POS_FN(wrap_shutdown), CS_METH_POS, NULL},
    {NULL, NULL, 0, NULL}
};

static PyTypeObject wrap_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "_socket._socketobject",
    .tp_basicsize = sizeof(wrapobject),
    .tp_dealloc = wrap_dealloc,
    .tp_flags = Py_TPFLAGS_CS_DEFAULT | Py_TPFLAGS_BASETYPE
                | Py_TPFLAGS_HAVE_GC | CS_TPFLAGS_METHOD_CACHE,
    /* .tp_doc: the C socket type's, set at module init */
    .tp_traverse = wrap_traverse,
    .tp_clear = wrap_clear,
    .tp_weaklistoffset = offsetof(wrapobject, weakreflist),
    .tp_methods = wrap_methods,
    .tp_getset = wrap_getset,
    .tp_init = wrap_init,
    .tp_alloc = PyType_GenericAlloc,
    .tp_new = wrap_new,
    .tp_free = PyObject_GC_Del,
    CS_TYPE_VECTORCALL(wrap_vectorcall)
};

/* ---- _closedsocket ------------------------------------------------------ */

static PyObject *
closed_dummy(PyObject *self, PyObject *args, PyObject *kwds)
{
    (void)self;
    (void)args;
    (void)kwds;
    return sockerr_code(EBADF);
}

/* Anything not found on the object is EBADF too. */
static PyObject *
closed_getattro(PyObject *self, PyObject *name)
{
    PyObject *found = PyObject_GenericGetAttr(self, name);

    if (found == NULL && PyErr_ExceptionMatches(PyExc_AttributeError)) {
        PyErr_Clear();
        return sockerr_code(EBADF);
    }
    return found;
}

#define CLOSED_DUMMY(name) \
    {name, (PyCFunction)(void (*)(void))closed_dummy, \
     METH_VARARGS | METH_KEYWORDS, "Raises error(EBADF)."}

static PyMethodDef closed_methods[] = {
    CLOSED_DUMMY("_dummy"),
    CLOSED_DUMMY("send"),
    CLOSED_DUMMY("recv"),
    CLOSED_DUMMY("recv_into"),
    CLOSED_DUMMY("sendto"),
    CLOSED_DUMMY("recvfrom"),
    CLOSED_DUMMY("recvfrom_into"),
    {NULL, NULL, 0, NULL}
};

static PyTypeObject closed_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "socket._closedsocket",
    .tp_basicsize = sizeof(PyObject),
    .tp_getattro = closed_getattro,
    .tp_flags = Py_TPFLAGS_CS_DEFAULT | Py_TPFLAGS_BASETYPE
                | CS_TPFLAGS_METHOD_CACHE,
    .tp_doc = "What a socket object holds after close(): every use is EBADF.",
    .tp_methods = closed_methods,
    .tp_new = PyType_GenericNew,
};

/* ---- module ------------------------------------------------------------- */

PyDoc_STRVAR(set_socket_namespace_doc,
"_set_socket_namespace(namespace)\n\
\n\
socket.py passes its globals(): at each call, socket objects' makefile()\n\
takes _fileobject from it, and accept() and dup() _socketobject, the\n\
class of the objects they make.");

static PyObject *
set_socket_namespace(PyObject *self, PyObject *namespace)
{
    PyObject *cls;

    (void)self;
    if (!PyDict_Check(namespace)) {
        PyErr_Format(PyExc_TypeError, "_set_socket_namespace: expected "
                     "a dict, not %.200s", Py_TYPE(namespace)->tp_name);
        return NULL;
    }
    Py_INCREF(namespace);
    Py_XSETREF(sockwrap_namespace, namespace);
#if CS_HAVE_TYPE_VECTORCALL
    /* socket.py's subclass is called as this type is (wrap_vectorcall
     * checks at each call that the class has no __new__/__init__ of its
     * own; a class made by a class statement has no tp_vectorcall) */
    cls = PyDict_GetItem(namespace, str_socketobject);
    if (cls != NULL && PyType_Check(cls)
        && PyType_IsSubtype((PyTypeObject *)cls, &wrap_type))
        ((PyTypeObject *)cls)->tp_vectorcall = wrap_vectorcall;
#else
    (void)cls;
#endif
    Py_RETURN_NONE;
}

static PyMethodDef set_socket_namespace_def = {
    "_set_socket_namespace", set_socket_namespace, METH_O,
    set_socket_namespace_doc
};

/* The methods passed on to `_sock` get the docstrings of the C socket's
 * methods of the same names. */
static void
copy_docs(void)
{
    PyMethodDef *def;
    int i;

    for (def = wrap_methods; def->ml_name != NULL; def++) {
        for (i = 0; i < CM_COUNT; i++) {
            if (def->ml_doc == NULL
                && strcmp(def->ml_name, wrapcall_methods[i].name) == 0)
                def->ml_doc = wrapcall_methods[i].def->ml_doc;
        }
    }
}

static int
make_constants(void)
{
    if (closed_singleton != NULL)
        return 0;               /* a second init of the module */
    str_close = cs_native_str("close");
    str_socketobject = cs_native_str("_socketobject");
    str_sock = cs_native_str("_sock");
    str_family = cs_native_str("family");
    str_type = cs_native_str("type");
    str_proto = cs_native_str("proto");
    if (str_close == NULL || str_socketobject == NULL || str_sock == NULL
        || str_family == NULL || str_type == NULL || str_proto == NULL
        || wrapfile_init() < 0)
        return -1;
    closed_singleton = PyType_GenericNew(&closed_type, NULL, NULL);
    return closed_singleton ? 0 : -1;
}

int
sockwrap_add_to_module(PyObject *module)
{
    const char *modname = PyModule_GetName(module);
    PyObject *name;
    PyObject *func;
    int rc;

    if (modname == NULL || PyType_Ready(&sockobject_type) < 0
        || wrapcall_find_methods() < 0)
        return -1;
    copy_docs();
    wrap_type.tp_doc = sockobject_type.tp_doc;
    if (PyType_Ready(&wrap_type) < 0 || PyType_Ready(&closed_type) < 0
        || make_constants() < 0
        || PyModule_AddObjectRef(module, "_socketobject",
                                 (PyObject *)&wrap_type) < 0
        || PyModule_AddObjectRef(module, "_closedsocket",
                                 (PyObject *)&closed_type) < 0)
        return -1;
    name = cs_native_str(modname);
    if (name == NULL)
        return -1;
    func = PyCFunction_NewEx(&set_socket_namespace_def, NULL, name);
    Py_DECREF(name);
    rc = PyModule_AddObjectRef(module, "_set_socket_namespace", func);
    Py_XDECREF(func);
    return rc;
}

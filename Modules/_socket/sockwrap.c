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
 * method forwards to `_sock` (wrapcall.c: the C function directly
 * when `_sock` is exactly a _socket.socket), which is also how a closed
 * object fails: its `_sock` is the _closedsocket instance, whose every
 * attribute raises error(EBADF).
 *
 * On top of the C socket the object adds dup() on a new descriptor,
 * makefile() (wrapfile.c), close() that leaves other objects for the
 * same connection open, and the context manager.
 *
 * Fast path: the constructor called with a vector of arguments (3.9+,
 * wrap_vectorcall, which socket.py's subclass gets too).  When the class
 * has this file's tp_new and tp_init (no __new__ or __init__ of a
 * subclass) and the call is socket([family[, type[, proto]]]) with exact
 * ints and no keywords (sockobject_fast_params(), the one fast parser of
 * those arguments, which the C socket's tp_init uses too), it makes the C
 * socket with sockobject_create() and the object around it, with no
 * argument tuple.  Any other call goes to type.__call__, that is wrap_new
 * and wrap_init, which make the C socket through its own tp_new and
 * tp_init.  Test: Tests/test_socketpy.py,
 * test_fast_and_general_constructors_agree (family, type, proto, timeout
 * with and without a default, classes of both, errors, subclasses). */
#include "sockwrap.h"           /* first: Python.h sets the feature macros */

#include <errno.h>
#include <stddef.h>
#include <sys/socket.h>

#include "sockerr.h"
#include "wrapfile.h"

/* The data methods' slots on the object (DATA in wrapcall.h's list). */
#define DATA_SLOT_NAME_DATA(NAME) DM_##NAME,
#define DATA_SLOT_NAME_FWD(NAME)
#define DATA_SLOT_NAME_OWN(NAME)
#define DATA_SLOT(NAME, name, KIND, OWNER, owner) DATA_SLOT_NAME_##KIND(NAME)
enum data_slot {
    WRAPCALL_METHODS(DATA_SLOT)
    DM_COUNT
};
#undef DATA_SLOT

typedef struct {
    PyObject_HEAD
    PyObject *sock;         /* `_sock`: the C socket, any object put there,
                               the closed singleton after close(), or NULL
                               before __init__ / after `del s._sock`; owned */
    PyObject *data[DM_COUNT];   /* the data methods stored on the object:
                               NULL until first used, then `_sock`'s bound
                               method (or what was assigned); dropped when
                               `_sock` changes; owned */
    struct wrapfile_list files; /* the files makefile() made (wrapfile.h) */
    PyObject *weakreflist;  /* weak references to this object; cleared in
                               tp_dealloc */
} wrapobject;

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
static PyObject *str_fileobject;    /* "_fileobject" */
static PyObject *default_mode;      /* "r": makefile()'s default mode */
static PyObject *default_bufsize;   /* -1: its default bufsize */

/* socket.py's globals(), set through _set_socket_namespace() (owned, for
 * the life of the process): makefile() takes `_fileobject` from it at each
 * call, accept() and dup() `_socketobject`, the class of the objects they
 * make, as socket.py's Python code would.  NULL until then: makefile()
 * asks the module "socket", and the objects are of this type. */
static PyObject *socket_namespace;

/* ---- helpers ------------------------------------------------------------ */

/* AttributeError for `_sock` read before __init__ set it, or after it was
 * deleted; returns NULL. */
static PyObject *
no_sock(PyObject *self)
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
        return no_sock(self);
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

    if (socket_namespace != NULL) {
        cls = PyDict_GetItem(socket_namespace, str_socketobject);
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
    int params[3];

    if (!sockobject_fast_params(argv, nargs, params))
        return 0;
    *sock = sockobject_create(params[0], params[1], params[2]);
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
    Py_CLEAR(w->files.refs);
    w->files.prune_at = 0;
    return 0;
}

#if CS_HAVE_TYPE_VECTORCALL
/* Calling the class (3.9+; this type and socket.py's subclass, see
 * sockwrap_set_socket_namespace): the fast path of the file's header
 * comment. */
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
    Py_VISIT(w->files.refs);
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
    Py_CLEAR(w->files.refs);
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
        return no_sock(self);
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
        return no_sock(self);
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
        return no_sock(self);
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
 * Positional arguments only, as Python 2.7's wrapper passes them: one
 * wrap_<name> for each FWD method of wrapcall.h's list. */

#define FORWARDER_FWD(NAME, name) \
    static PyObject * \
    wrap_##name(PyObject *self, CS_POS_PARAMS) \
    { \
        return forward(self, CM_##NAME, CS_FWD_ARGS, NULL); \
    }
#define FORWARDER_DATA(NAME, name)
#define FORWARDER_OWN(NAME, name)
#define FORWARDER(NAME, name, KIND, OWNER, owner) FORWARDER_##KIND(NAME, name)
WRAPCALL_METHODS(FORWARDER)
#undef FORWARDER

/* ---- makefile() and the timeout setters (wrapfile.c) ------------------- */

/* socket._fileobject as it is now (new ref). */
static PyObject *
current_fileobject(void)
{
    PyObject *module;
    PyObject *cls;

    if (socket_namespace != NULL) {
        cls = PyDict_GetItem(socket_namespace, str_fileobject);
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

PyDoc_STRVAR(wrap_makefile_doc,
"makefile([mode[, bufsize]]) -> file object\n\
\n\
Return a file object for the socket.  It works on a dup()ped\n\
descriptor, so the file and the socket may be closed or\n\
garbage-collected independently; the socket's timeout, now and\n\
as settimeout() and setblocking() change it later, is the\n\
file's.  mode and bufsize are as for the built-in open(): bufsize\n\
0 is unbuffered, 1 line buffered, and another positive value a\n\
buffer size.");

static PyObject *
wrap_makefile(PyObject *self, PyObject *args, PyObject *kwds)
{
    static char *keywords[] = {"mode", "bufsize", NULL};
    wrapobject *w = (wrapobject *)self;
    PyObject *mode = default_mode;
    PyObject *bufsize = default_bufsize;
    PyObject *sock;
    PyObject *cls;
    PyObject *file;

    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|OO:makefile", keywords,
                                     &mode, &bufsize))
        return NULL;
    sock = w->sock;
    if (sock == NULL)
        return no_sock(self);
    cls = current_fileobject();
    if (cls == NULL)
        return NULL;
    Py_INCREF(sock);
    file = wrapfile_make(sock, cls, mode, bufsize, &w->files);
    Py_DECREF(sock);
    Py_DECREF(cls);
    return file;
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
    int rc;

    if (sock == NULL)
        return no_sock(self);
    Py_INCREF(sock);
    result = wrapcall_onearg(sock, which, arg);
    Py_DECREF(sock);
    if (result == NULL)
        return NULL;
    Py_DECREF(result);
    sock = w->sock;
    if (sock == NULL || w->files.refs == NULL)
        Py_RETURN_NONE;
    Py_INCREF(sock);
    rc = wrapfile_follow(sock, &w->files);
    Py_DECREF(sock);
    if (rc < 0)
        return NULL;
    Py_RETURN_NONE;
}

PyDoc_STRVAR(wrap_settimeout_doc,
"settimeout(timeout)\n\
\n\
Set a timeout on socket operations (and on the reads and writes of\n\
the files makefile() made).  timeout can be a float, giving in\n\
seconds, or None.  Setting a timeout of None disables the timeout\n\
feature and is equivalent to setblocking(1).  Setting a timeout of\n\
zero is the same as setblocking(0).");

static PyObject *
wrap_settimeout(PyObject *self, CS_POSKW_PARAMS)
{
    static char *keywords[] = {"timeout", NULL};
    PyObject *arg = one_arg(CS_FWD_ARGS, cs_kw, "O:settimeout", keywords);

    return arg ? set_mode(self, CM_SETTIMEOUT, arg) : NULL;
}

PyDoc_STRVAR(wrap_setblocking_doc,
"setblocking(flag)\n\
\n\
Set the socket to blocking (flag is true) or non-blocking (false),\n\
and with it the files makefile() made.  setblocking(True) is\n\
equivalent to settimeout(None); setblocking(False) is equivalent to\n\
settimeout(0.0).");

static PyObject *
wrap_setblocking(PyObject *self, CS_POSKW_PARAMS)
{
    static char *keywords[] = {"flag", NULL};
    PyObject *arg = one_arg(CS_FWD_ARGS, cs_kw, "O:setblocking", keywords);

    return arg ? set_mode(self, CM_SETBLOCKING, arg) : NULL;
}

/* ---- attributes --------------------------------------------------------- */

static PyObject *
wrap_get_sock(PyObject *self, void *closure)
{
    PyObject *sock = ((wrapobject *)self)->sock;

    (void)closure;
    return sock ? Py_NewRef(sock) : no_sock(self);
}

static int
wrap_set_sock(PyObject *self, PyObject *value, void *closure)
{
    wrapobject *w = (wrapobject *)self;
    PyObject *old = w->sock;

    (void)closure;
    if (value == NULL && old == NULL) {
        no_sock(self);
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
#define DATA_METHOD_DATA(NAME) [DM_##NAME] = {DM_##NAME, CM_##NAME},
#define DATA_METHOD_FWD(NAME)
#define DATA_METHOD_OWN(NAME)
#define DATA_METHOD(NAME, name, KIND, OWNER, owner) DATA_METHOD_##KIND(NAME)
    WRAPCALL_METHODS(DATA_METHOD)
#undef DATA_METHOD
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
        return no_sock(self);
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
                        wrapcall_methods[dm->which].def.ml_name);
        return -1;
    }
    Py_XINCREF(value);
    Py_XSETREF(w->data[dm->slot], value);
    return 0;
}

static PyObject *
wrap_get_files(PyObject *self, void *closure)
{
    PyObject *files = ((wrapobject *)self)->files.refs;

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
        return no_sock(self);
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
#define DATA_GETSET_DATA(NAME, name) \
    {#name, wrap_get_data, wrap_set_data, \
     "_sock." #name ", stored on the object at its first use", \
     &data_methods[DM_##NAME]},
#define DATA_GETSET_FWD(NAME, name)
#define DATA_GETSET_OWN(NAME, name)
#define DATA_GETSET(NAME, name, KIND, OWNER, owner) \
    DATA_GETSET_##KIND(NAME, name)
    WRAPCALL_METHODS(DATA_GETSET)
#undef DATA_GETSET
    {NULL, NULL, NULL, NULL, NULL}
};

/* The methods passed on to `_sock` have the C socket's docstrings. */
static PyMethodDef wrap_methods[] = {
    {"close", wrap_close, METH_NOARGS, wrap_close_doc},
    {"accept", wrap_accept, METH_NOARGS, wrap_accept_doc},
    {"dup", wrap_dup, METH_NOARGS, wrap_dup_doc},
    {"makefile", (PyCFunction)(void (*)(void))wrap_makefile,
     METH_VARARGS | METH_KEYWORDS, wrap_makefile_doc},
    {"settimeout", CS_POS_FN(wrap_settimeout), CS_METH_POSKW,
     wrap_settimeout_doc},
    {"setblocking", CS_POS_FN(wrap_setblocking), CS_METH_POSKW,
     wrap_setblocking_doc},
    {"__enter__", wrap_enter, METH_NOARGS, NULL},
    {"__exit__", wrap_exit, METH_VARARGS, NULL},
#define FORWARD_ENTRY_FWD(name, owner) \
    {#name, CS_POS_FN(wrap_##name), CS_METH_POS, owner##_##name##_doc},
#define FORWARD_ENTRY_DATA(name, owner)
#define FORWARD_ENTRY_OWN(name, owner)
#define FORWARD_ENTRY(NAME, name, KIND, OWNER, owner) \
    FORWARD_ENTRY_##KIND(name, owner)
    WRAPCALL_METHODS(FORWARD_ENTRY)
#undef FORWARD_ENTRY
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

/* _dummy and the data methods, as in 2.7 */
static PyMethodDef closed_methods[] = {
    CLOSED_DUMMY("_dummy"),
#define CLOSED_ENTRY_DATA(name) CLOSED_DUMMY(#name),
#define CLOSED_ENTRY_FWD(name)
#define CLOSED_ENTRY_OWN(name)
#define CLOSED_ENTRY(NAME, name, KIND, OWNER, owner) CLOSED_ENTRY_##KIND(name)
    WRAPCALL_METHODS(CLOSED_ENTRY)
#undef CLOSED_ENTRY
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

const char sockwrap_set_socket_namespace_doc[] =
"_set_socket_namespace(namespace)\n\
\n\
socket.py passes its globals(): at each call, socket objects' makefile()\n\
takes _fileobject from it, and accept() and dup() _socketobject, the\n\
class of the objects they make.";

PyObject *
sockwrap_set_socket_namespace(PyObject *self, PyObject *arg)
{
    PyObject *cls;

    (void)self;
    if (!PyDict_Check(arg)) {
        PyErr_Format(PyExc_TypeError, "_set_socket_namespace: expected "
                     "a dict, not %.200s", Py_TYPE(arg)->tp_name);
        return NULL;
    }
    Py_INCREF(arg);
    Py_XSETREF(socket_namespace, arg);
#if CS_HAVE_TYPE_VECTORCALL
    /* socket.py's subclass is called as this type is (wrap_vectorcall
     * checks at each call that the class has no __new__/__init__ of its
     * own; a class made by a class statement has no tp_vectorcall) */
    cls = PyDict_GetItem(arg, str_socketobject);
    if (cls != NULL && PyType_Check(cls)
        && PyType_IsSubtype((PyTypeObject *)cls, &wrap_type))
        ((PyTypeObject *)cls)->tp_vectorcall = wrap_vectorcall;
#else
    (void)cls;
#endif
    Py_RETURN_NONE;
}

/* The names of the FWD and DATA methods of wrapcall.h's list, for
 * socket.py's _socketmethods and _delegate_methods. */
#define NAME_OF_FWD(name) #name,
#define NAME_OF_DATA(name)
#define NAME_OF_OWN(name)
#define NAME_OF(NAME, name, KIND, OWNER, owner) NAME_OF_##KIND(name)
static const char *const forwarded_names[] = {WRAPCALL_METHODS(NAME_OF)};
#undef NAME_OF_FWD
#undef NAME_OF_DATA
#define NAME_OF_FWD(name)
#define NAME_OF_DATA(name) #name,
static const char *const data_names[] = {WRAPCALL_METHODS(NAME_OF)};
#undef NAME_OF

/* Adds the tuple of n names as `attr`; 0 or -1. */
static int
add_names(PyObject *module, const char *attr, const char *const *names,
          size_t n)
{
    PyObject *tuple = PyTuple_New((Py_ssize_t)n);
    size_t i;
    int rc;

    if (tuple == NULL)
        return -1;
    for (i = 0; i < n; i++) {
        PyObject *name = cs_native_str(names[i]);

        if (name == NULL) {
            Py_DECREF(tuple);
            return -1;
        }
        PyTuple_SET_ITEM(tuple, (Py_ssize_t)i, name);   /* stolen */
    }
    rc = PyModule_AddObjectRef(module, attr, tuple);
    Py_DECREF(tuple);
    return rc;
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
    str_fileobject = cs_native_str("_fileobject");
    default_mode = cs_native_str("r");
    default_bufsize = cs_int_from_long(-1);
    if (str_close == NULL || str_socketobject == NULL || str_sock == NULL
        || str_family == NULL || str_type == NULL || str_proto == NULL
        || str_fileobject == NULL || default_mode == NULL
        || default_bufsize == NULL || wrapcall_init() < 0
        || wrapfile_init() < 0)
        return -1;
    closed_singleton = PyType_GenericNew(&closed_type, NULL, NULL);
    return closed_singleton ? 0 : -1;
}

int
sockwrap_add_to_module(PyObject *module)
{
    wrap_type.tp_doc = sockobject_type.tp_doc;
    if (PyType_Ready(&sockobject_type) < 0 || PyType_Ready(&wrap_type) < 0
        || PyType_Ready(&closed_type) < 0 || make_constants() < 0
        || PyModule_AddObjectRef(module, "_socketobject",
                                 (PyObject *)&wrap_type) < 0
        || PyModule_AddObjectRef(module, "_closedsocket",
                                 (PyObject *)&closed_type) < 0
        || add_names(module, "_socketmethods", forwarded_names,
                     sizeof(forwarded_names) / sizeof(forwarded_names[0]))
           < 0
        || add_names(module, "_delegate_methods", data_names,
                     sizeof(data_names) / sizeof(data_names[0])) < 0)
        return -1;
    return 0;
}

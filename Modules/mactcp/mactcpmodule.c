/* mactcpmodule.c - the mactcp module: MacPython's MacTCP interface on
 * Linux.  Module init and the five functions MTU, IPAddr, NetMask,
 * TCPCreate and UDPCreate; the streams live in tcp.c (with
 * tcpio.c) and udp.c, the driver thread in driver.c.
 * mactcp does not use _socket. */
#include "mactcp.h"
#include "atexit.h"


static int
primary(mtcp_iface *iface)
{
    int err = mtiface_primary(iface);

    if (err < 0) {
        mterrors_raise_errno(MT_ipNoCnfgErr, -err);
        return -1;
    }
    return 0;
}

static PyObject *
mactcp_MTU(PyObject *module, PyObject *noargs)
{
    mtcp_iface iface;

    (void)module;
    (void)noargs;
    if (primary(&iface) < 0)
        return NULL;
    /* the largest UDP payload that fits: MTU minus IP and UDP headers */
    return cs_int_from_long(iface.mtu > 28 ? iface.mtu - 28 : 0);
}

static PyObject *
mactcp_IPAddr(PyObject *module, PyObject *noargs)
{
    mtcp_iface iface;

    (void)module;
    (void)noargs;
    if (primary(&iface) < 0)
        return NULL;
    return mtstream_host_object(iface.addr);
}

static PyObject *
mactcp_NetMask(PyObject *module, PyObject *noargs)
{
    mtcp_iface iface;

    (void)module;
    (void)noargs;
    if (primary(&iface) < 0)
        return NULL;
    return mtstream_host_object(iface.mask);
}

static PyObject *
mactcp_TCPCreate(PyObject *module, PyObject *args)
{
    int size;

    (void)module;
    if (!PyArg_ParseTuple(args, "O&:TCPCreate", mtstream_size_converter,
                          &size))
        return NULL;
    if (size < MT_TCP_MIN_BUFFER)
        return mterrors_raise(MT_invalidLength);
    return mttcp_new(size);
}

static PyObject *
mactcp_UDPCreate(PyObject *module, PyObject *args)
{
    int size;
    int port;

    (void)module;
    if (!PyArg_ParseTuple(args, "O&O&:UDPCreate", mtstream_size_converter,
                          &size, mtstream_port_converter, &port))
        return NULL;
    if (size < MT_UDP_MIN_BUFFER)
        return mterrors_raise(MT_invalidLength);
    return mtudp_new(size, port);
}

/* Registered with atexit: the driver must not ask for pending calls once
 * the interpreter starts to finalize.  (Normally the threading._shutdown
 * hook has stopped it already.) */
static PyObject *
mactcp_atexit(PyObject *module, PyObject *noargs)
{
    (void)module;
    (void)noargs;
    mtdriver_shutdown();
    Py_RETURN_NONE;
}

static PyMethodDef atexit_def = {
    "_mactcp_atexit", mactcp_atexit, METH_NOARGS,
    "stops the mactcp driver thread at exit"
};

static PyMethodDef mactcp_functions[] = {
    {"MTU", mactcp_MTU, METH_NOARGS,
     "MTU() -> largest UDP payload the primary interface sends unfragmented"},
    {"IPAddr", mactcp_IPAddr, METH_NOARGS,
     "IPAddr() -> IPv4 address of the primary interface, as an integer"},
    {"NetMask", mactcp_NetMask, METH_NOARGS,
     "NetMask() -> netmask of the primary interface, as an integer"},
    {"TCPCreate", mactcp_TCPCreate, METH_VARARGS,
     "TCPCreate(size) -> TCP stream with a receive buffer of size bytes"},
    {"UDPCreate", mactcp_UDPCreate, METH_VARARGS,
     "UDPCreate(size, port) -> UDP stream bound to port (0: any free port)"},
    {NULL, NULL, 0, NULL}
};

/* threading's own _shutdown, once hooked; owned for the process */
static PyObject *threading_shutdown = NULL;

/* Stands in for threading._shutdown, which the interpreter calls first
 * when the program is over, to join the other threads; the atexit
 * callbacks come after it (2.7 and 3.x alike).
 * - From here on an asr's exception has nobody to catch it: asr.c reports
 *   it as unraisable.
 * - Once the threads are joined, the events queued are delivered and the
 *   driver stops for good (as mactcp_atexit would, later): no asr runs
 *   in the atexit callbacks, and no pending call is asked for any more.  3.8 refuses pending calls from this point on, and prints
 *   a SystemError for each from the driver's thread. */
static PyObject *
mactcp_thread_shutdown(PyObject *module, PyObject *noargs)
{
    PyObject *res;

    (void)module;
    (void)noargs;
    mtasr_program_over();
    res = PyObject_CallObject(threading_shutdown, NULL);
    if (res != NULL)
        (void)mtasr_drain();    /* 0: the asr's errors are unraisable */
    mtdriver_shutdown();
    return res;
}

static PyMethodDef thread_shutdown_def = {
    "_shutdown", mactcp_thread_shutdown, METH_NOARGS,
    "threading's _shutdown, after mactcp has noted that the program is over"
};

static int
hook_thread_shutdown(PyObject *module)
{
    PyObject *threading;
    PyObject *hook = NULL;
    int rc = -1;

    if (threading_shutdown != NULL)
        return 0;       /* the module was initialised before */
    threading = PyImport_ImportModule("threading");
    if (threading == NULL)
        return -1;
    threading_shutdown = PyObject_GetAttrString(threading, "_shutdown");
    if (threading_shutdown == NULL) {
        /* nothing to hook: the interpreter will not call it either */
        PyErr_Clear();
        rc = 0;
        goto done;
    }
    hook = PyCFunction_NewEx(&thread_shutdown_def, module, NULL);
    if (hook == NULL
        || PyObject_SetAttrString(threading, "_shutdown", hook) < 0) {
        Py_CLEAR(threading_shutdown);
        goto done;
    }
    rc = 0;

done:
    Py_XDECREF(hook);
    Py_DECREF(threading);
    return rc;
}

/* The thread pending calls run in: threading.main_thread() where it
 * exists (3.x), else the importing thread. */
static void
find_main_thread(void)
{
    PyObject *threading = PyImport_ImportModule("threading");
    PyObject *main = NULL;
    PyObject *ident = NULL;
    unsigned long value = cs_thread_ident();

    if (threading != NULL && PyObject_HasAttrString(threading, "main_thread"))
        main = PyObject_CallMethod(threading, "main_thread", NULL);
    if (main != NULL)
        ident = PyObject_GetAttrString(main, "ident");
    if (ident != NULL && cs_int_check(ident)) {
        unsigned long v = PyLong_AsUnsignedLongMask(ident);

        if (!PyErr_Occurred())
            value = v;
    }
    PyErr_Clear();
    Py_XDECREF(ident);
    Py_XDECREF(main);
    Py_XDECREF(threading);
    mtwait_set_main_thread(value);
}

static int
mactcp_exec(PyObject *module)
{
    cs_init_threads();
    mtdriver_init(mtasr_pending);
    if (mttcp_ready() < 0 || mtudp_ready() < 0
        || mtstatus_ready() < 0)
        return -1;
    if (mterrors_add_to_module(module) < 0)
        return -1;
    if (cs_register_atexit(module, &atexit_def) < 0
        || hook_thread_shutdown(module) < 0)
        return -1;
    find_main_thread();
    return 0;
}

PyDoc_STRVAR(mactcp_doc,
"MacPython's interface to MacTCP, emulated on Linux sockets.\n\n"
"MTU(), IPAddr(), NetMask(), TCPCreate(size), UDPCreate(size, port) and\n"
"error.  Hosts are 32-bit integers (127.0.0.1 is 0x7F000001).  See\n"
"Doc/mactcp.rst.");

CS_MODULE(mactcp, mactcp_doc, mactcp_functions, mactcp_exec)

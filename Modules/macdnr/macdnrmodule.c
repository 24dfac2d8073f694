/* macdnrmodule.c - the macdnr module: MacPython's interface to MacTCP's
 * Domain Name Resolver, on a resolver thread of its own that asks real
 * DNS servers.  Module init and the functions Open, Close, StrToAddr,
 * AddrToName, AddrToStr, HInfo and MXInfo; the layers below are listed in
 * macdnr.h.  macdnr uses neither _socket nor mactcp; its hosts are
 * numbered as mactcp numbers them. */
#include "macdnr_py.h"
#include "atexit.h"

#include <string.h>

/* A host as mactcp takes it: unsigned (0x7F000001) or MacPython's signed
 * form (-1 for 255.255.255.255). */
static int
host_converter(PyObject *obj, void *out)
{
    long long v;

    if (!cs_int_check(obj) || PyBool_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "host must be an integer, not %.200s",
                     Py_TYPE(obj)->tp_name);
        return 0;
    }
    v = PyLong_AsLongLong(obj);
    if (v == -1 && PyErr_Occurred()) {
        if (!PyErr_ExceptionMatches(PyExc_OverflowError))
            return 0;
        PyErr_Clear();
        v = -0x80000001LL;      /* reported below */
    }
    if (v < -0x80000000LL || v > 0xFFFFFFFFLL) {
        PyErr_SetString(PyExc_OverflowError,
                        "host must fit in 32 bits (signed or unsigned)");
        return 0;
    }
    *(uint32_t *)out = (uint32_t)(v & 0xFFFFFFFFLL);
    return 1;
}

/* A file name: str (3.x: file-system encoding) or bytes. */
static int
path_converter(PyObject *obj, void *out)
{
    PyObject *bytes = cs_text_to_bytes(obj, NULL, "Open");

    if (bytes == NULL)
        return 0;
    if ((Py_ssize_t)strlen(PyBytes_AS_STRING(bytes))
        != PyBytes_GET_SIZE(bytes)) {
        Py_DECREF(bytes);
        PyErr_SetString(PyExc_ValueError, "Open: embedded null byte");
        return 0;
    }
    *(PyObject **)out = bytes;
    return 1;
}

static PyObject *
macdnr_Open(PyObject *module, PyObject *args)
{
    PyObject *path = NULL;
    PyObject *res;

    (void)module;
    if (!PyArg_ParseTuple(args, "|O&:Open", path_converter, &path))
        return NULL;
    res = dnrresolver_open(path != NULL ? PyBytes_AS_STRING(path) : NULL);
    Py_XDECREF(path);
    return res;
}

static PyObject *
macdnr_Close(PyObject *module, PyObject *noargs)
{
    (void)module;
    (void)noargs;
    return dnrresolver_close();
}

static PyObject *
macdnr_StrToAddr(PyObject *module, PyObject *name)
{
    (void)module;
    return dnrresolver_lookup(DNR_ADDR, name, "StrToAddr");
}

static PyObject *
macdnr_HInfo(PyObject *module, PyObject *name)
{
    (void)module;
    return dnrresolver_lookup(DNR_HINFO, name, "HInfo");
}

static PyObject *
macdnr_MXInfo(PyObject *module, PyObject *name)
{
    (void)module;
    return dnrresolver_lookup(DNR_MX, name, "MXInfo");
}

static PyObject *
macdnr_AddrToName(PyObject *module, PyObject *addr)
{
    uint32_t host;

    (void)module;
    if (!host_converter(addr, &host))
        return NULL;
    return dnrresolver_addr_to_name(host);
}

static PyObject *
macdnr_AddrToStr(PyObject *module, PyObject *addr)
{
    uint32_t host;
    char text[16];

    (void)module;
    if (!host_converter(addr, &host))
        return NULL;
    /* MacPython opened the resolver here too */
    if (dnrresolver_ensure_open() < 0)
        return NULL;
    dnrnames_format_addr(host, text);
    return cs_native_str(text);
}

/* Registered with atexit: the resolver thread is joined before the
 * interpreter finalizes. */
static PyObject *
macdnr_atexit(PyObject *module, PyObject *noargs)
{
    (void)module;
    (void)noargs;
    dnrresolver_shutdown();
    Py_RETURN_NONE;
}

static PyMethodDef atexit_def = {
    "_macdnr_atexit", macdnr_atexit, METH_NOARGS,
    "closes the resolver at exit"
};

static PyMethodDef macdnr_functions[] = {
    {"Open", macdnr_Open, METH_VARARGS,
     "Open([filename]) -> None; opens the resolver with a Hosts file, or "
     "with the system's configuration"},
    {"Close", macdnr_Close, METH_NOARGS,
     "Close() -> None; closes the resolver, ending queries in flight"},
    {"StrToAddr", macdnr_StrToAddr, METH_O,
     "StrToAddr(hostname) -> result with rtnCode, cname, ip0..ip3"},
    {"AddrToName", macdnr_AddrToName, METH_O,
     "AddrToName(addr) -> result with rtnCode, cname (the host's name)"},
    {"AddrToStr", macdnr_AddrToStr, METH_O,
     "AddrToStr(addr) -> 'W.X.Y.Z'"},
    {"HInfo", macdnr_HInfo, METH_O,
     "HInfo(hostname) -> result with rtnCode, cname, cpuType, osType"},
    {"MXInfo", macdnr_MXInfo, METH_O,
     "MXInfo(hostname) -> result with rtnCode, cname, preference, "
     "exchange"},
    {NULL, NULL, 0, NULL}
};

static int
macdnr_exec(PyObject *module)
{
    if (dnrresult_ready() < 0 || dnrerrors_add_to_module(module) < 0)
        return -1;
    return cs_register_atexit(module, &atexit_def);
}

PyDoc_STRVAR(macdnr_doc,
"MacPython's interface to the MacTCP Domain Name Resolver, asking real\n"
"DNS servers from a resolver thread.\n\n"
"Open([filename]), Close(), StrToAddr(hostname), AddrToName(addr),\n"
"AddrToStr(addr), HInfo(hostname), MXInfo(hostname) and error.  Hosts\n"
"are 32-bit integers numbered as mactcp numbers them (127.0.0.1 is\n"
"0x7F000001).  See Doc/macdnr.rst.");

CS_MODULE(macdnr, macdnr_doc, macdnr_functions, macdnr_exec)

/* socketmodule.c - the _socket module: its function tables and its init,
 * nothing more.  The work lives in the files named in socketmodule.h. */
#include "socketmodule.h"
#include "sockerr.h"
#include "sockobject.h"
#include "sslwrap.h"

PyDoc_STRVAR(socket_doc,
"Implementation module for socket operations (classicsocket).\n\n"
"See the socket module for documentation.");

static PyMethodDef socket_functions[] = {
    {NULL, NULL, 0, NULL}
};

static int
add_functions(PyObject *module, PyMethodDef *defs)
{
    const char *modname = PyModule_GetName(module);
    PyObject *name = modname ? cs_native_str(modname) : NULL;
    int rc = 0;

    if (name == NULL)
        return -1;
    for (; defs->ml_name != NULL; defs++) {
        PyObject *func = PyCFunction_NewEx(defs, NULL, name);

        if (func == NULL || PyModule_AddObject(module, defs->ml_name, func) < 0) {
            Py_XDECREF(func);
            rc = -1;
            break;
        }
    }
    Py_DECREF(name);
    return rc;
}

/* The capsule _ssl imports; its contents are borrowed from this module,
 * which is never unloaded. */
static sock_capi socket_capi;

static int
add_capi(PyObject *module)
{
    PyObject *capsule;
    int rc;

    socket_capi.Sock_Type = &sockobject_type;
    socket_capi.error = sock_error;
#if CS_PY3
    socket_capi.timeout_error = sock_timeout_error;
#endif
    capsule = PyCapsule_New(&socket_capi, SOCK_CAPI_NAME, NULL);
    rc = PyModule_AddObjectRef(module, "CAPI", capsule);
    Py_XDECREF(capsule);
    return rc;
}

static int
socket_exec(PyObject *module)
{
    if (sockerr_add_to_module(module) < 0
        || sockobject_add_to_module(module) < 0
        || sockwrap_add_to_module(module) < 0
        || sockfile_add_to_module(module) < 0
        || add_functions(module, sockobject_functions) < 0
        || add_functions(module, resolver_functions) < 0
        || add_functions(module, addrinfo_functions) < 0
        || add_functions(module, inetconv_functions) < 0
        || sockconst_add_to_module(module) < 0
        || PyModule_AddObjectRef(module, "has_ipv6", Py_True) < 0
        || add_capi(module) < 0
        || sslwrap_add_to_module(module) < 0
        || add_functions(module, sslwrap_functions) < 0)
        return -1;
    return 0;
}

CS_MODULE(_socket, socket_doc, socket_functions, socket_exec)

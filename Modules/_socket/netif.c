/* netif.c - if_nameindex(), if_nametoindex(), if_indextoname() and
 * sethostname(), Python 3 only (netif.h).  Names are taken as str (in the
 * file system encoding) or bytes and given back as str, as Python 3 does;
 * failures raise OSError from errno. */
#include "netif.h"      /* first: Python.h sets the feature macros */

#if CS_PY3
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <unistd.h>

#include "sockerr.h"

const char netif_if_nameindex_doc[] =
"if_nameindex() -> list of (index, name)\n\
\n\
The network interfaces: their indexes and names.";

PyObject *
netif_if_nameindex(PyObject *self, PyObject *unused)
{
    struct if_nameindex *all, *one;
    PyObject *list;

    (void)self;
    (void)unused;
    all = if_nameindex();
    if (all == NULL)
        return sockerr_errno();
    list = PyList_New(0);
    for (one = all; list != NULL && one->if_index != 0; one++) {
        PyObject *name = PyUnicode_DecodeFSDefault(one->if_name);
        PyObject *item = name ? Py_BuildValue("(IN)", one->if_index, name)
                              : NULL;

        if (item == NULL || PyList_Append(list, item) < 0)
            Py_CLEAR(list);
        Py_XDECREF(item);
    }
    if_freenameindex(all);
    return list;
}

const char netif_if_nametoindex_doc[] =
"if_nametoindex(if_name) -> integer\n\
\n\
The index of the network interface named if_name.";

PyObject *
netif_if_nametoindex(PyObject *self, PyObject *arg)
{
    PyObject *name = NULL;
    unsigned int index;

    (void)self;
    if (!PyUnicode_FSConverter(arg, &name))
        return NULL;
    index = if_nametoindex(PyBytes_AS_STRING(name));
    Py_DECREF(name);
    if (index == 0) {
        PyErr_SetString(PyExc_OSError, "no interface with this name");
        return NULL;
    }
    return PyLong_FromUnsignedLong(index);
}

const char netif_if_indextoname_doc[] =
"if_indextoname(if_index) -> string\n\
\n\
The name of the network interface whose index is if_index.";

PyObject *
netif_if_indextoname(PyObject *self, PyObject *arg)
{
    char name[IF_NAMESIZE + 1];
    unsigned long index;

    (void)self;
    if (!PyLong_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "an integer is required");
        return NULL;
    }
    index = PyLong_AsUnsignedLong(arg);
    if (index == (unsigned long)-1 && PyErr_Occurred())
        return NULL;
    if (index > UINT_MAX) {
        PyErr_SetString(PyExc_OverflowError, "index is too large");
        return NULL;
    }
    if (if_indextoname((unsigned int)index, name) == NULL)
        return sockerr_errno();
    return PyUnicode_DecodeFSDefault(name);
}

const char netif_sethostname_doc[] =
"sethostname(name)\n\
\n\
Set this host's name (root only).";

PyObject *
netif_sethostname(PyObject *self, PyObject *arg)
{
    PyObject *name = NULL;
    int rc;

    (void)self;
    if (!PyUnicode_FSConverter(arg, &name))
        return NULL;
    if (cs_audit("socket.sethostname", "O", name) < 0) {
        Py_DECREF(name);
        return NULL;
    }
    rc = sethostname(PyBytes_AS_STRING(name),
                     (size_t)PyBytes_GET_SIZE(name));
    Py_DECREF(name);
    if (rc < 0)
        return sockerr_errno();
    Py_RETURN_NONE;
}
#endif /* CS_PY3 */

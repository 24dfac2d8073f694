/* socketmodule.c - the _socket module: its function table and its init,
 * nothing more.  The work lives in the files whose headers are included
 * below. */
#include "socketmodule.h"       /* first: Python.h sets the feature macros */

#include "addrinfo.h"
#include "inetconv.h"
#include "netif.h"
#include "resolver.h"
#include "sockerr.h"
#include "sockmsg.h"
#include "sockobject.h"
#include "sockwrap.h"
#include "sslwrap.h"

PyDoc_STRVAR(socket_doc,
"Implementation module for socket operations (classicsocket).\n\n"
"See the socket module for documentation.");

static PyMethodDef socket_functions[] = {
    /* sockobject.c */
    SOCKOBJECT_FROMFD_METHODDEF
    SOCKOBJECT_SOCKETPAIR_METHODDEF
    SOCKOBJECT_GETDEFAULTTIMEOUT_METHODDEF
    SOCKOBJECT_SETDEFAULTTIMEOUT_METHODDEF
    SOCKOBJECT_CLOSE_FD_METHODDEF
    SOCKOBJECT_DUP_FD_METHODDEF
    /* netif.c (Python 3 only) */
    NETIF_IF_NAMEINDEX_METHODDEF
    NETIF_IF_NAMETOINDEX_METHODDEF
    NETIF_IF_INDEXTONAME_METHODDEF
    NETIF_SETHOSTNAME_METHODDEF
    /* sockmsg.c (Python 3 only) */
    SOCKMSG_CMSG_LEN_METHODDEF
    SOCKMSG_CMSG_SPACE_METHODDEF
    /* resolver.c */
    RESOLVER_GETHOSTBYNAME_METHODDEF
    RESOLVER_GETHOSTBYNAME_EX_METHODDEF
    RESOLVER_GETHOSTBYADDR_METHODDEF
    RESOLVER_GETHOSTNAME_METHODDEF
    RESOLVER_GETSERVBYNAME_METHODDEF
    RESOLVER_GETSERVBYPORT_METHODDEF
    RESOLVER_GETPROTOBYNAME_METHODDEF
    /* addrinfo.c */
    ADDRINFO_GETADDRINFO_METHODDEF
    ADDRINFO_GETNAMEINFO_METHODDEF
    /* inetconv.c */
    INETCONV_HTONS_METHODDEF
    INETCONV_NTOHS_METHODDEF
    INETCONV_HTONL_METHODDEF
    INETCONV_NTOHL_METHODDEF
    INETCONV_INET_ATON_METHODDEF
    INETCONV_INET_NTOA_METHODDEF
    INETCONV_INET_PTON_METHODDEF
    INETCONV_INET_NTOP_METHODDEF
    /* sockwrap.c: socket.py hands over its namespace */
    SOCKWRAP_SET_SOCKET_NAMESPACE_METHODDEF
    /* sslwrap.c: ssl() and OpenSSL's random generator */
    SSLWRAP_SSL_METHODDEF
    SSLWRAP_RAND_ADD_METHODDEF
    SSLWRAP_RAND_STATUS_METHODDEF
    {NULL, NULL, 0, NULL}
};

/* The capsule _ssl imports; its contents are borrowed from this module,
 * which is never unloaded. */
static sock_capi socket_capi;

static int
add_capi(PyObject *module)
{
    PyObject *capsule;
    int rc;

    socket_capi.Sock_Type = &sockobject_type;
    socket_capi.error = sockerr_error;
#if CS_PY3
    socket_capi.timeout_error = sockerr_timeout_error;
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
        || sockconst_add_to_module(module) < 0
        || PyModule_AddObjectRef(module, "has_ipv6", Py_True) < 0
        || add_capi(module) < 0
        || sslwrap_add_to_module(module) < 0)
        return -1;
    return 0;
}

CS_MODULE(_socket, socket_doc, socket_functions, socket_exec)

/* sockconst.c - registers the table of sockconst.h in the module. */
#include "compat.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

/* The Linux-only families whose constants CPython's _socket exports; each
 * header is optional, as in CPython's configure checks. */
#if defined(__linux__) && defined(__has_include)
#if __has_include(<netpacket/packet.h>)
#include <netpacket/packet.h>
#endif
#if __has_include(<linux/netlink.h>)
#include <linux/netlink.h>
#endif
#if __has_include(<linux/tipc.h>)
#include <linux/tipc.h>
#define CS_HAVE_LINUX_TIPC_H 1
#endif
#if __has_include(<linux/can.h>)
#include <linux/can.h>
#endif
#if __has_include(<linux/can/raw.h>)
#include <linux/can/raw.h>
#define CS_HAVE_LINUX_CAN_RAW_H 1
#endif
#if __has_include(<linux/can/bcm.h>)
#include <linux/can/bcm.h>
#define CS_HAVE_LINUX_CAN_BCM_H 1
#endif
#if __has_include(<linux/if_alg.h>)
#include <linux/if_alg.h>
#endif
#if __has_include(<net/ethernet.h>)
#include <net/ethernet.h>
#endif
#if __has_include(<linux/if_ether.h>)
#include <linux/if_ether.h>
#endif
#if __has_include(<linux/can/j1939.h>)
#include <linux/can/j1939.h>
#define CS_HAVE_LINUX_CAN_J1939_H 1
#endif
#if __has_include(<linux/vm_sockets.h>)
#include <sys/ioctl.h>          /* _IO() of IOCTL_VM_SOCKETS_GET_LOCAL_CID */
#include <linux/vm_sockets.h>
#endif
#if __has_include(<linux/qrtr.h>)
#include <linux/qrtr.h>
#endif
#endif

#include "socketmodule.h"
#include "sockconst.h"

/* Whether the running interpreter's own _socket has `name` (see
 * sockconst_spans); 2.7 has the whole table. */
static int
in_this_version(const char *name)
{
    size_t i;

    if (!CS_PY3)
        return 1;
    for (i = 0; i < sizeof(sockconst_spans) / sizeof(sockconst_spans[0]);
         i++) {
        const sockconst_span *span = &sockconst_spans[i];

        if (strcmp(span->name, name) == 0)
            return span->since <= PY_VERSION_HEX
                   && (span->until == 0 || PY_VERSION_HEX < span->until);
    }
    return 1;
}

int
sockconst_add_to_module(PyObject *module)
{
    size_t i;

    for (i = 0; i < sizeof(sockconst_table) / sizeof(sockconst_table[0]);
         i++) {
        PyObject *value;
        int rc;

        if (!in_this_version(sockconst_table[i].name))
            continue;
        value = cs_int_from_long(sockconst_table[i].value);
        if (value == NULL)
            return -1;
        rc = PyModule_AddObjectRef(module, sockconst_table[i].name, value);
        Py_DECREF(value);
        if (rc < 0)
            return -1;
    }
    return 0;
}

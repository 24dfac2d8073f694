/* sockaddr_linux.c - the addresses of the Linux families AF_PACKET,
 * AF_VSOCK and AF_ALG, in the forms, types and errors of the standard
 * library's socket module of Python 3 (observed by running it):
 *   - a wrong tuple (not a tuple, wrong size, a string item of the wrong
 *     type) is TypeError; integer items take __index__ (a float is
 *     TypeError);
 *   - AF_PACKET's proto must be 0-65535 (OverflowError), pkttype and
 *     hatype are C ints stored in their narrower fields, addr is bytes-like
 *     of 8 bytes or less (ValueError); an unknown ifname is error(ENODEV);
 *   - AF_VSOCK's cid and port, AF_ALG's feat and mask are unsigned 32-bit
 *     values taken modulo 2**32 (-1 is VMADDR_CID_ANY), as 3.x does;
 *   - AF_ALG's type must fit 13 bytes and name 63 (ValueError).
 * Strings are UTF-8 without NUL bytes (ValueError).  Called only from
 * sockaddr.c; calls nothing of it.  Tests: Tests/test_sockaddr_linux.py. */
#include "compat.h"

#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stddef.h>
#include <string.h>

#include "netarg.h"
#include "sockaddr_linux.h"
#include "sockerr.h"

#ifdef SOCKADDR_LINUX_PACKET
#include <linux/if_packet.h>
#endif
#ifdef SOCKADDR_LINUX_VSOCK
#include <linux/vm_sockets.h>
#endif
#ifdef SOCKADDR_LINUX_ALG
#include <linux/if_alg.h>
#endif

#if defined(SOCKADDR_LINUX_PACKET) || defined(SOCKADDR_LINUX_VSOCK) \
    || defined(SOCKADDR_LINUX_ALG)

/* An integer item taken modulo 2**32 (3.x's unsigned int arguments). */
static int
uint32_item(PyObject *obj, uint32_t *out)
{
    PyObject *index = PyNumber_Index(obj);
    unsigned long value;

    if (index == NULL)
        return -1;
    value = PyLong_AsUnsignedLongMask(index);
    Py_DECREF(index);
    if (value == (unsigned long)-1 && PyErr_Occurred())
        return -1;
    *out = (uint32_t)(value & 0xffffffffUL);
    return 0;
}
#endif

#if defined(SOCKADDR_LINUX_PACKET) || defined(SOCKADDR_LINUX_ALG)
/* The UTF-8 characters of a text item (str; str or unicode on 2.7) that
 * must be shorter than `limit` bytes.  NULL with TypeError (another type:
 * size_message, the form of the whole address) or ValueError (a NUL byte)
 * set; the length is checked by the caller.  *keep as cs_text_utf8(). */
static const char *
text_item(PyObject *obj, Py_ssize_t *size, PyObject **keep,
          const char *size_message, const char *caller)
{
    const char *chars;

    *keep = NULL;
#if !CS_PY3
    if (PyString_Check(obj)) {
        chars = PyString_AS_STRING(obj);
        *size = PyString_GET_SIZE(obj);
    }
    else
#endif
    if (PyUnicode_Check(obj)) {
        chars = cs_text_utf8(obj, size, keep);
        if (chars == NULL)
            return NULL;
    }
    else {
        PyErr_Format(PyExc_TypeError, "%s(): %s", caller, size_message);
        return NULL;
    }
    if (strlen(chars) != (size_t)*size) {
        Py_CLEAR(*keep);
        PyErr_SetString(PyExc_ValueError, "embedded null character");
        return NULL;
    }
    return chars;
}
#endif

/* ---- AF_PACKET ---------------------------------------------------------- */
#ifdef SOCKADDR_LINUX_PACKET
#define PACKET_FORM "AF_PACKET address must be a tuple of two to five elements"

/* A C int item (pkttype, hatype): OverflowError outside int's range. */
static int
int_item(PyObject *obj, int *out)
{
    Py_ssize_t value = PyNumber_AsSsize_t(obj, PyExc_OverflowError);

    if (value == -1 && PyErr_Occurred())
        return -1;
    if (value < INT_MIN || value > INT_MAX) {
        PyErr_SetString(PyExc_OverflowError,
                        "signed integer is out of the range of a C int");
        return -1;
    }
    *out = (int)value;
    return 0;
}

int
sockaddr_linux_parse_packet(PyObject *obj, sock_addr_t *addr,
                            socklen_t *len, const char *caller)
{
    struct sockaddr_ll *ll = (struct sockaddr_ll *)addr;
    Py_ssize_t n;
    PyObject *keep;
    const char *ifname;
    Py_ssize_t size;
    unsigned long proto;
    int pkttype = 0;
    int hatype = 0;
    Py_buffer hw;
    unsigned int index;
    int rc;

    if (netarg_address_tuple(obj, 2, 5, "AF_PACKET", PACKET_FORM, caller) < 0)
        return -1;
    n = PyTuple_GET_SIZE(obj);
    ifname = text_item(PyTuple_GET_ITEM(obj, 0), &size, &keep, PACKET_FORM,
                       caller);
    if (ifname == NULL)
        return -1;
    rc = netarg_uint(PyTuple_GET_ITEM(obj, 1), 65535, &proto);
    if (rc > 0)
        PyErr_Format(PyExc_OverflowError, "%s(): proto must be 0-65535.",
                     caller);
    if (rc == 0 && n > 2)
        rc = int_item(PyTuple_GET_ITEM(obj, 2), &pkttype);
    if (rc == 0 && n > 3)
        rc = int_item(PyTuple_GET_ITEM(obj, 3), &hatype);
    hw.buf = NULL;
    hw.len = 0;
    if (rc == 0 && n > 4) {
        rc = PyObject_GetBuffer(PyTuple_GET_ITEM(obj, 4), &hw,
                                PyBUF_SIMPLE);
        if (rc == 0 && hw.len > 8) {
            PyBuffer_Release(&hw);
            PyErr_SetString(PyExc_ValueError,
                            "Hardware address must be 8 bytes or less");
            rc = -1;
        }
    }
    if (rc != 0) {
        Py_XDECREF(keep);
        return -1;
    }
    /* if_nametoindex() asks the kernel with a short ioctl: no wait. */
    index = if_nametoindex(ifname);
    rc = errno;
    Py_XDECREF(keep);
    if (index == 0) {
        if (n > 4)
            PyBuffer_Release(&hw);
        sockerr_code(rc != 0 ? rc : ENODEV);
        return -1;
    }
    memset(addr, 0, sizeof(*addr));
    ll->sll_family = AF_PACKET;
    ll->sll_protocol = htons((uint16_t)proto);
    ll->sll_ifindex = (int)index;
    /* the narrower fields take the low bits, as 3.x stores them */
    ll->sll_pkttype = (unsigned char)pkttype;
    ll->sll_hatype = (unsigned short)hatype;
    if (n > 4) {
        ll->sll_halen = (unsigned char)hw.len;
        memcpy(ll->sll_addr, hw.buf, (size_t)hw.len);
        PyBuffer_Release(&hw);
    }
    *len = sizeof(*ll);
    return 0;
}

PyObject *
sockaddr_linux_build_packet(const struct sockaddr *addr, socklen_t len)
{
    const struct sockaddr_ll *ll = (const struct sockaddr_ll *)addr;
    size_t offset = offsetof(struct sockaddr_ll, sll_addr);
    char ifname[IF_NAMESIZE];
    size_t halen;
    PyObject *name;
    PyObject *hw;
    PyObject *result;

    if (len < offset)
        return NULL;
    /* An interface gone (or index 0) has no name: '', as in 3.x. */
    if (ll->sll_ifindex <= 0
        || if_indextoname((unsigned int)ll->sll_ifindex, ifname) == NULL)
        ifname[0] = '\0';
    halen = ll->sll_halen;
    if (halen > sizeof(ll->sll_addr))
        halen = sizeof(ll->sll_addr);
    if (halen > len - offset)
        halen = len - offset;
    name = cs_native_str(ifname);
    if (name == NULL)
        return NULL;
    hw = PyBytes_FromStringAndSize((const char *)ll->sll_addr,
                                   (Py_ssize_t)halen);
    if (hw == NULL) {
        Py_DECREF(name);
        return NULL;
    }
    result = Py_BuildValue("(OiiiO)", name, (int)ntohs(ll->sll_protocol),
                           (int)ll->sll_pkttype, (int)ll->sll_hatype, hw);
    Py_DECREF(name);
    Py_DECREF(hw);
    return result;
}
#endif

/* ---- AF_VSOCK ----------------------------------------------------------- */
#ifdef SOCKADDR_LINUX_VSOCK
int
sockaddr_linux_parse_vsock(PyObject *obj, sock_addr_t *addr,
                           socklen_t *len, const char *caller)
{
    struct sockaddr_vm *vm = (struct sockaddr_vm *)addr;
    uint32_t cid;
    uint32_t port;

    if (netarg_address_tuple(obj, 2, 2, "AF_VSOCK",
                             "AF_VSOCK address must be a pair (cid, port)",
                             caller) < 0)
        return -1;
    if (uint32_item(PyTuple_GET_ITEM(obj, 0), &cid) < 0
        || uint32_item(PyTuple_GET_ITEM(obj, 1), &port) < 0)
        return -1;
    memset(addr, 0, sizeof(*addr));
    vm->svm_family = AF_VSOCK;
    vm->svm_cid = cid;
    vm->svm_port = port;
    *len = sizeof(*vm);
    return 0;
}

PyObject *
sockaddr_linux_build_vsock(const struct sockaddr *addr, socklen_t len)
{
    const struct sockaddr_vm *vm = (const struct sockaddr_vm *)addr;

    if (len < sizeof(*vm))
        return NULL;
    return Py_BuildValue("(kk)", (unsigned long)vm->svm_cid,
                         (unsigned long)vm->svm_port);
}
#endif

/* ---- AF_ALG ------------------------------------------------------------- */
#ifdef SOCKADDR_LINUX_ALG
#define ALG_FORM "AF_ALG address must be a tuple (type, name[, feat[, mask]])"

int
sockaddr_linux_parse_alg(PyObject *obj, sock_addr_t *addr,
                         socklen_t *len, const char *caller)
{
    struct sockaddr_alg *alg = (struct sockaddr_alg *)addr;
    PyObject *type_keep;
    PyObject *name_keep = NULL;
    const char *type;
    const char *name;
    Py_ssize_t type_size;
    Py_ssize_t name_size;
    uint32_t feat = 0;
    uint32_t mask = 0;
    int rc = -1;

    /* sockaddr_alg must fit the union (it does: 88 bytes of 128) */
    if (netarg_address_tuple(obj, 2, 4, "AF_ALG", ALG_FORM, caller) < 0)
        return -1;
    type = text_item(PyTuple_GET_ITEM(obj, 0), &type_size, &type_keep,
                     ALG_FORM, caller);
    if (type == NULL)
        return -1;
    name = text_item(PyTuple_GET_ITEM(obj, 1), &name_size, &name_keep,
                     ALG_FORM, caller);
    if (name == NULL)
        goto done;
    if (PyTuple_GET_SIZE(obj) > 2
        && uint32_item(PyTuple_GET_ITEM(obj, 2), &feat) < 0)
        goto done;
    if (PyTuple_GET_SIZE(obj) > 3
        && uint32_item(PyTuple_GET_ITEM(obj, 3), &mask) < 0)
        goto done;
    /* both fields keep a terminating NUL */
    if ((size_t)type_size >= sizeof(alg->salg_type)) {
        PyErr_SetString(PyExc_ValueError, "AF_ALG type too long.");
        goto done;
    }
    if ((size_t)name_size >= sizeof(alg->salg_name)) {
        PyErr_SetString(PyExc_ValueError, "AF_ALG name too long.");
        goto done;
    }
    memset(addr, 0, sizeof(*addr));
    alg->salg_family = AF_ALG;
    memcpy(alg->salg_type, type, (size_t)type_size);
    memcpy(alg->salg_name, name, (size_t)name_size);
    alg->salg_feat = feat;
    alg->salg_mask = mask;
    *len = sizeof(*alg);
    rc = 0;
done:
    Py_XDECREF(type_keep);
    Py_XDECREF(name_keep);
    return rc;
}
#endif

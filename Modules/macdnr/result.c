/* result.c - the "MacTCP DNR Result" object that StrToAddr, AddrToName,
 * HInfo and MXInfo return at once: Apple's returnRec, filled in by the
 * resolver thread while the program goes on.
 *
 * - isdone(): 1 once the record is final, else 0.
 * - wait(): blocks until then, the GIL released, in poll() on the query's
 *   eventfd; EINTR runs the signal handlers (Ctrl-C raises
 *   KeyboardInterrupt, the query stays in flight) and polls again.  Then
 *   raises error(rtnCode, message) when rtnCode is not 0.
 * - The fields wait implicitly and never raise for rtnCode (MacPython's
 *   dnrr_getattr).  Which fields exist depends on the kind: rtnCode and
 *   cname always; ip0-ip3 for addresses (StrToAddr, AddrToName); cpuType
 *   and osType for HInfo; preference and exchange for MXInfo.  A field of
 *   another kind is an AttributeError. */
#include "macdnr_py.h"

#include <errno.h>
#include <poll.h>

typedef struct {
    PyObject_HEAD
    int kind;               /* DNR_ADDR, DNR_HINFO or DNR_MX */
    int final;              /* q->done seen: q->rec may be read freely */
    dnr_query *q;           /* owned: one of the query's references */
} dnrresult;

enum {
    F_RTN, F_CNAME, F_IP0, F_IP1, F_IP2, F_IP3, F_CPU, F_OS, F_PREF, F_EXCH
};

#define K_ADDR (1 << DNR_ADDR)
#define K_HINFO (1 << DNR_HINFO)
#define K_MX (1 << DNR_MX)

static struct {
    const char *name;
    int field;
    int kinds;
    PyObject *interned;     /* owned for the process */
} fields[] = {
    {"rtnCode", F_RTN, K_ADDR | K_HINFO | K_MX, NULL},
    {"cname", F_CNAME, K_ADDR | K_HINFO | K_MX, NULL},
    {"ip0", F_IP0, K_ADDR, NULL},
    {"ip1", F_IP1, K_ADDR, NULL},
    {"ip2", F_IP2, K_ADDR, NULL},
    {"ip3", F_IP3, K_ADDR, NULL},
    {"cpuType", F_CPU, K_HINFO, NULL},
    {"osType", F_OS, K_HINFO, NULL},
    {"preference", F_PREF, K_MX, NULL},
    {"exchange", F_EXCH, K_MX, NULL},
};

#define NFIELDS ((int)(sizeof(fields) / sizeof(fields[0])))

static const char *
kind_name(int kind)
{
    return kind == DNR_ADDR ? "address" : kind == DNR_HINFO ? "HInfo"
                                                            : "MXInfo";
}

/* Waits until the record is final.  0, or -1 with an exception (a
 * signal handler's). */
static int
wait_final(dnrresult *r)
{
    while (!r->final) {
        struct pollfd p;
        int fd;
        int rc;
        int err;

        dnrengine_lock();
        if (r->q->done) {
            r->final = 1;
            dnrengine_unlock();
            break;
        }
        fd = dnrengine_done_fd(r->q);
        dnrengine_unlock();
        if (fd < 0) {
            dnrerrors_raise(DNR_outOfMemory, "no descriptor to wait on");
            return -1;
        }
        if (PyErr_CheckSignals() < 0)
            return -1;
        /* the descriptor lives as long as the query, which r keeps */
        p.fd = fd;
        p.events = POLLIN;
        p.revents = 0;
        Py_BEGIN_ALLOW_THREADS
        rc = poll(&p, 1, -1);
        err = errno;
        Py_END_ALLOW_THREADS
        if (rc < 0 && err != EINTR) {
            errno = err;
            PyErr_SetFromErrno(PyExc_OSError);
            return -1;
        }
    }
    return 0;
}

static PyObject *
result_wait(PyObject *self, PyObject *noargs)
{
    dnrresult *r = (dnrresult *)self;

    (void)noargs;
    if (wait_final(r) < 0)
        return NULL;
    if (r->q->rec.rtn_code != 0)
        return dnrerrors_raise(r->q->rec.rtn_code, r->q->rec.detail);
    Py_RETURN_NONE;
}

static PyObject *
result_isdone(PyObject *self, PyObject *noargs)
{
    dnrresult *r = (dnrresult *)self;
    int done;

    (void)noargs;
    if (r->final)
        return cs_int_from_long(1);
    dnrengine_lock();
    done = r->q->done;
    dnrengine_unlock();
    r->final = done;
    return cs_int_from_long(done);
}

static PyObject *
field_value(dnrresult *r, int field)
{
    const dnr_record *rec = &r->q->rec;

    switch (field) {
    case F_RTN:
        return cs_int_from_long(rec->rtn_code);
    case F_CNAME:
        return cs_native_str(rec->cname);
    case F_IP0:
    case F_IP1:
    case F_IP2:
    case F_IP3:
        /* numbered as mactcp numbers hosts: 127.0.0.1 is 0x7F000001 */
        return cs_int_from_long((long)rec->addr[field - F_IP0]);
    case F_CPU:
        return cs_native_str(rec->cpu_type);
    case F_OS:
        return cs_native_str(rec->os_type);
    case F_PREF:
        return cs_int_from_long((long)rec->preference);
    default:
        return cs_native_str(rec->exchange);
    }
}

/* the field `name` names, or -1 */
static int
find_field(PyObject *name)
{
    int i;

    for (i = 0; i < NFIELDS; i++) {
        int eq;

        if (name == fields[i].interned)
            return i;
        eq = PyObject_RichCompareBool(name, fields[i].interned, Py_EQ);
        if (eq < 0) {
            PyErr_Clear();
            return -1;
        }
        if (eq)
            return i;
    }
    return -1;
}

static PyObject *
result_getattro(PyObject *self, PyObject *name)
{
    dnrresult *r = (dnrresult *)self;
    int i = find_field(name);

    if (i < 0)
        return PyObject_GenericGetAttr(self, name);
    if (!(fields[i].kinds & (1 << r->kind))) {
        PyErr_Format(PyExc_AttributeError,
                     "%s result has no attribute '%s'", kind_name(r->kind),
                     fields[i].name);
        return NULL;
    }
    /* the implicit wait: no error for rtnCode, as MacPython's */
    if (wait_final(r) < 0)
        return NULL;
    return field_value(r, fields[i].field);
}

static PyObject *
result_repr(PyObject *self)
{
    dnrresult *r = (dnrresult *)self;
    PyObject *done = result_isdone(self, NULL);
    char buf[80];

    if (done == NULL)
        return NULL;
    Py_DECREF(done);
    if (!r->final)
        snprintf(buf, sizeof(buf), "<MacTCP DNR Result (%s) pending>",
                 kind_name(r->kind));
    else
        snprintf(buf, sizeof(buf), "<MacTCP DNR Result (%s) rtnCode=%d>",
                 kind_name(r->kind), r->q->rec.rtn_code);
    return cs_native_str(buf);
}

static void
result_dealloc(PyObject *self)
{
    dnrresult *r = (dnrresult *)self;

    if (r->q != NULL)
        dnrengine_release(r->q);
    PyObject_Free(self);
}

static PyMethodDef result_methods[] = {
    {"wait", result_wait, METH_NOARGS,
     "wait() -> None; blocks until the query is done, then raises "
     "macdnr.error(rtnCode, message) if it failed"},
    {"isdone", result_isdone, METH_NOARGS,
     "isdone() -> 1 when the query is done, else 0"},
    {NULL, NULL, 0, NULL}
};

static PyTypeObject dnrresult_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "macdnr.DNRResult",
    .tp_basicsize = sizeof(dnrresult),
    .tp_dealloc = result_dealloc,
    .tp_repr = result_repr,
    .tp_getattro = result_getattro,
    .tp_flags = Py_TPFLAGS_DEFAULT | CS_TPFLAGS_METHOD_CACHE,
    .tp_doc = "MacTCP DNR Result: the record of one resolver query",
    .tp_methods = result_methods,
};

int
dnrresult_ready(void)
{
    int i;

    for (i = 0; i < NFIELDS; i++) {
        if (fields[i].interned == NULL) {
            fields[i].interned = cs_intern(fields[i].name);
            if (fields[i].interned == NULL)
                return -1;
        }
    }
    return PyType_Ready(&dnrresult_type);
}

PyObject *
dnrresult_new(int kind, dnr_query *q)
{
    dnrresult *r = PyObject_New(dnrresult, &dnrresult_type);

    if (r == NULL) {
        dnrengine_release(q);
        return NULL;
    }
    r->kind = kind;
    r->final = 0;
    r->q = q;
    return (PyObject *)r;
}

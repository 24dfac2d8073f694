/* stream.c - what the TCP and UDP stream objects share: creation and
 * release, the asr attribute, registration with the driver, the bracket
 * around blocking calls, and the argument converters for sizes, hosts,
 * ports and timeouts. */
#include "mactcp.h"
#include "fdutil.h"

#include <limits.h>
#include <stddef.h>
#include <string.h>


mtcp_stream *
mtstream_owner_of(mtcp_watch *w)
{
    return (mtcp_stream *)((char *)w - offsetof(mtcp_stream, w));
}

static int
stream_init(mtcp_stream *s, int kind, int bufsize)
{
    int err;

    memset(&s->w, 0, sizeof(s->w));
    s->w.kind = kind;
    s->w.fd = -1;
    s->w.ep_fd = -1;
    s->w.done_fd = -1;
    s->w.bufsize = bufsize;
    s->w.phase = MTC_IDLE;
    s->w.data_armed = 1;
    s->w.urg_armed = 1;
    s->port = 0;
    s->asr = Py_NewRef(Py_None);
    err = mtdriver_attach(&s->w, mtconn_service);
    if (err < 0) {
        mterrors_raise_errno(MT_insufficientResources, -err);
        return -1;
    }
    return 0;
}

PyObject *
mtstream_new(PyTypeObject *type, int kind, int bufsize)
{
    mtcp_stream *s = PyObject_GC_New(mtcp_stream, type);

    if (s == NULL)
        return NULL;
    /* what mtstream_dealloc looks at, before anything can fail */
    s->asr = NULL;
    s->rbuf = NULL;
    s->w.serial = 0;
    s->w.fd = -1;
    s->w.done_fd = -1;
    s->w.lport = NULL;
    if (stream_init(s, kind, bufsize) < 0) {
        Py_DECREF(s);
        return NULL;
    }
    PyObject_GC_Track((PyObject *)s);
    return (PyObject *)s;
}

void
mtstream_dealloc(PyObject *self)
{
    mtcp_stream *s = (mtcp_stream *)self;
    mtcp_watch *w = &s->w;

    PyObject_GC_UnTrack(self);
    if (w->serial != 0 && w->kind == MTW_TCP) {
        /* before the stream leaves the registry: its port is not the last
         * watch (mtdriver_unregister) */
        mtdriver_lock();
        mtlisten_cancel(w, MT_connectionTerminated, 0);
        mtlisten_release(w);
        mtdriver_unlock();
    }
    /* once detached the driver no longer sees w: no lock needed below */
    if (w->serial != 0)
        mtdriver_detach(w);
    if (w->fd >= 0) {
        /* MacTCP's TCPRelease aborts the connection; one we already
         * closed our side of may end gracefully instead */
        if (w->kind == MTW_TCP && w->phase == MTC_CONN && !w->fin_sent
            && !mtconn_ended(w))
            mtconn_abort_fd(w->fd);
        else
            fdutil_close(w->fd);
        w->fd = -1;
    }
    if (w->done_fd >= 0) {
        fdutil_close(w->done_fd);
        w->done_fd = -1;
    }
    Py_CLEAR(s->asr);
    PyMem_Free(s->rbuf);
    s->rbuf = NULL;
    Py_TYPE(self)->tp_free(self);
}

PyObject *
mtstream_get_asr(mtcp_stream *s, void *closure)
{
    (void)closure;
    return Py_NewRef(s->asr != NULL ? s->asr : Py_None);
}

int
mtstream_set_asr(mtcp_stream *s, PyObject *value, void *closure)
{
    PyObject *old = s->asr;

    (void)closure;
    if (value == NULL) {
        PyErr_SetString(PyExc_TypeError, "cannot delete the asr attribute; "
                        "set it to None");
        return -1;
    }
    if (value != Py_None && !PyCallable_Check(value)) {
        PyErr_Format(PyExc_TypeError, "asr must be None or callable, not "
                     "%.200s", Py_TYPE(value)->tp_name);
        return -1;
    }
    s->asr = Py_NewRef(value);
    Py_XDECREF(old);
    mtdriver_lock();
    s->w.has_asr = value != Py_None;
    if (s->w.ops == 0)
        mtconn_service(&s->w, 0);
    mtdriver_unlock();
    return 0;
}

int
mtstream_traverse(PyObject *self, visitproc visit, void *arg)
{
    Py_VISIT(((mtcp_stream *)self)->asr);
    return 0;
}

int
mtstream_clear(PyObject *self)
{
    mtcp_stream *s = (mtcp_stream *)self;

    mtdriver_lock();
    s->w.has_asr = 0;
    mtdriver_unlock();
    Py_CLEAR(s->asr);
    return 0;
}

int
mtstream_op_begin_locked(mtcp_watch *w)
{
    unsigned long me = cs_thread_ident();

    if (w->ops > 0 && w->owner != me)
        return -1;
    w->ops++;
    w->owner = me;
    mtdriver_forget_fd(w);     /* the driver keeps off while we use fd */
    return 0;
}

PyObject *
mtstream_op_busy(void)
{
    return mterrors_raise_msg("Operation not allowed, another thread is using "
                           "this stream");
}

int
mtstream_op_begin(mtcp_watch *w)
{
    int rc;

    mtdriver_lock();
    rc = mtstream_op_begin_locked(w);
    mtdriver_unlock();
    if (rc < 0)
        mtstream_op_busy();
    return rc;
}

void
mtstream_op_end_locked(mtcp_watch *w)
{
    if (w->ops > 0)
        w->ops--;
    if (w->ops == 0)
        mtconn_service(w, 0);
}

void
mtstream_op_end(mtcp_watch *w)
{
    mtdriver_lock();
    mtstream_op_end_locked(w);
    mtdriver_unlock();
}

/* ---- converters --------------------------------------------------------- */

static int
as_long_long(PyObject *obj, const char *what, long long *out)
{
    if (!cs_int_check(obj) || PyBool_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "%s must be an integer, not %.200s",
                     what, Py_TYPE(obj)->tp_name);
        return 0;
    }
    *out = PyLong_AsLongLong(obj);
    if (*out == -1 && PyErr_Occurred()) {
        if (PyErr_ExceptionMatches(PyExc_OverflowError)) {
            PyErr_Clear();
            PyErr_Format(PyExc_OverflowError, "%s out of range", what);
        }
        return 0;
    }
    return 1;
}

/* a buffer size: any integer that fits a C int; the caller checks the
 * minimum */
int
mtstream_size_converter(PyObject *obj, void *out)
{
    long long v;

    if (!as_long_long(obj, "size", &v))
        return 0;
    if (v > INT_MAX || v < INT_MIN) {
        PyErr_SetString(PyExc_OverflowError, "size out of range");
        return 0;
    }
    *(int *)out = (int)v;
    return 1;
}

/* A host in MacTCP numbering: unsigned (0x7F000001) or MacPython's signed
 * form (-1 for 255.255.255.255). */
int
mtstream_host_converter(PyObject *obj, void *out)
{
    long long v;

    if (!as_long_long(obj, "host", &v))
        return 0;
    if (v < -0x80000000LL || v > 0xFFFFFFFFLL) {
        PyErr_SetString(PyExc_OverflowError,
                        "host must fit in 32 bits (signed or unsigned)");
        return 0;
    }
    *(uint32_t *)out = (uint32_t)(v & 0xFFFFFFFFLL);
    return 1;
}

int
mtstream_port_converter(PyObject *obj, void *out)
{
    long long v;

    if (!as_long_long(obj, "port", &v))
        return 0;
    if (v < 0 || v > 65535) {
        PyErr_SetString(PyExc_OverflowError, "port must be 0-65535");
        return 0;
    }
    *(int *)out = (int)v;
    return 1;
}

/* seconds as a number; the caller checks the range */
int
mtstream_timeout_converter(PyObject *obj, void *out)
{
    double v;

    if (PyBool_Check(obj) || !(cs_int_check(obj) || PyFloat_Check(obj))) {
        PyErr_Format(PyExc_TypeError, "timeout must be a number, not %.200s",
                     Py_TYPE(obj)->tp_name);
        return 0;
    }
    v = PyFloat_AsDouble(obj);
    if (v == -1.0 && PyErr_Occurred())
        return 0;
    if (v != v) {
        PyErr_SetString(PyExc_ValueError, "timeout must not be NaN");
        return 0;
    }
    *(double *)out = v;
    return 1;
}

PyObject *
mtstream_host_object(uint32_t host)
{
    return cs_int_from_long((long)host);
}

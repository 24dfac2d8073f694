/* compat.h - every difference between CPython 2.7 and 3.8-3.13 that the C
 * sources need.  The .c files are written in the 3.x dialect; this header
 * supplies the 2.7 side.  It is the only file that tests the Python version;
 * the others (args.h's two calling conventions among them) follow the
 * switches it defines (CS_PY3, CS_HAVE_FASTCALL, ...). */
#ifndef CLASSICSOCKET_COMPAT_H
#define CLASSICSOCKET_COMPAT_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>

#if PY_MAJOR_VERSION >= 3
#define CS_PY3 1
#else
#define CS_PY3 0
#endif

/* Format unit for read-only data arguments: any bytes-like object on 3.x,
 * str or buffer on 2.7.  Use as  "" CS_BUF "|i:send". */
#if CS_PY3
#define CS_BUF "y*"
#else
#define CS_BUF "s*"
#endif

/* ---- small integers: 2.7 scripts expect int, not long ------------------- */
#if CS_PY3
#define cs_int_from_long(v) PyLong_FromLong(v)
#define cs_int_check(o) PyLong_Check(o)
#define cs_int_check_exact(o) PyLong_CheckExact(o)
#else
#define cs_int_from_long(v) PyInt_FromLong(v)
#define cs_int_check(o) (PyInt_Check(o) || PyLong_Check(o))
#define cs_int_check_exact(o) (PyInt_CheckExact(o) || PyLong_CheckExact(o))
#endif

/* ---- the native str of each line ----------------------------------------- */
#if CS_PY3
#define cs_native_str(s) PyUnicode_FromString(s)
#define cs_native_str_and_size(s, n) PyUnicode_FromStringAndSize((s), (n))
/* file-system names (AF_UNIX paths): decoded like os.fsdecode() */
#define cs_fs_str_and_size(s, n) PyUnicode_DecodeFSDefaultAndSize((s), (n))
#else
#define cs_native_str(s) PyString_FromString(s)
#define cs_native_str_and_size(s, n) PyString_FromStringAndSize((s), (n))
#define cs_fs_str_and_size(s, n) PyString_FromStringAndSize((s), (n))
#endif

/* cs_text_to_bytes: a host name or AF_UNIX path given as str (3.x: encoded
 * with `encoding`, or the file-system encoding when it is NULL), unicode (2.7)
 * or bytes.  Returns a new bytes reference, or NULL with TypeError naming
 * `caller`. */
static inline PyObject *
cs_text_to_bytes(PyObject *obj, const char *encoding, const char *caller)
{
    if (PyBytes_Check(obj)) {
        Py_INCREF(obj);
        return obj;
    }
    if (PyUnicode_Check(obj)) {
#if CS_PY3
        if (encoding == NULL)
            return PyUnicode_EncodeFSDefault(obj);
#endif
        return PyUnicode_AsEncodedString(obj, encoding ? encoding : "utf-8",
                                         "strict");
    }
    if (PyByteArray_Check(obj))
        return PyBytes_FromStringAndSize(PyByteArray_AS_STRING(obj),
                                         PyByteArray_GET_SIZE(obj));
    PyErr_Format(PyExc_TypeError, "%s: expected str or bytes, not %.200s",
                 caller, Py_TYPE(obj)->tp_name);
    return NULL;
}

/* ---- backports of 3.10 helpers -------------------------------------------- */
#if PY_VERSION_HEX < 0x030A0000
static inline PyObject *
cs_newref(PyObject *o)
{
    Py_INCREF(o);
    return o;
}
#define Py_NewRef(o) cs_newref((PyObject *)(o))

static inline int
cs_module_add_object_ref(PyObject *m, const char *name, PyObject *value)
{
    if (value == NULL)
        return -1;
    Py_INCREF(value);
    if (PyModule_AddObject(m, name, value) < 0) {
        Py_DECREF(value);
        return -1;
    }
    return 0;
}
#define PyModule_AddObjectRef(m, n, v) \
    cs_module_add_object_ref((m), (n), (PyObject *)(v))
#endif

#if !CS_PY3
#define Py_TPFLAGS_CS_DEFAULT (Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_NEWBUFFER)
#else
/* 3.8 and 3.9 give a Python subclass its base's tp_finalize only when the
 * base has this flag (later versions ignore it) */
#define Py_TPFLAGS_CS_DEFAULT (Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_FINALIZE)
#endif

/* 2.7 keeps attribute lookups on an extension type (and on its Python
 * subclasses) out of its method cache unless the type asks for the cache:
 * extensions of 2.5 changed their types' tp_dict directly.  A type that
 * changes its tp_dict only through PyType_Modified() (or never) adds
 * CS_TPFLAGS_METHOD_CACHE to its flags; 3.x caches every type. */
#if !CS_PY3
#define CS_TPFLAGS_METHOD_CACHE Py_TPFLAGS_HAVE_VERSION_TAG
#else
#define CS_TPFLAGS_METHOD_CACHE 0
#endif

/* ---- socket timeouts in the representation CPython's own _ssl reads ------
 * 2.7: double seconds; 3.x: _PyTime_t, int64 nanoseconds.  Negative means
 * blocking (no timeout), zero means non-blocking. */
#if CS_PY3
typedef int64_t cs_timeout_t;
#define CS_TIMEOUT_NS(t) (t)
static inline cs_timeout_t
cs_timeout_from_seconds(double secs)
{
    /* rounded up, as CPython rounds timeouts: a tiny positive timeout never
     * becomes "non-blocking", and 20.0 stays exactly 20 s */
    return secs < 0 ? -1 : (cs_timeout_t)ceil(secs * 1e9);
}
static inline double
cs_timeout_to_seconds(cs_timeout_t t)
{
    return t < 0 ? -1.0 : (double)t / 1e9;
}
#else
typedef double cs_timeout_t;
#define CS_TIMEOUT_NS(t) ((t) < 0 ? (int64_t)-1 : (int64_t)((t) * 1e9 + 0.5))
static inline cs_timeout_t
cs_timeout_from_seconds(double secs)
{
    return secs < 0 ? -1.0 : secs;
}
static inline double
cs_timeout_to_seconds(cs_timeout_t t)
{
    return t < 0 ? -1.0 : t;
}
#endif

/* ---- threads --------------------------------------------------------------
 * 2.7 creates the GIL only on request; a thread that calls Py_AddPendingCall
 * needs it.  3.7+ always has it. */
#if PY_VERSION_HEX < 0x03070000
#define cs_init_threads() PyEval_InitThreads()
#else
#define cs_init_threads() ((void)0)
#endif

/* ---- pending calls ---------------------------------------------------------
 * CPython 3.9 to 3.11 set the main thread's eval breaker for a pending call
 * only when Py_AddPendingCall runs in the main thread; a call added from
 * another thread waits until the main thread next takes the GIL back
 * (driver.c makes that happen).  2.7, 3.8 and 3.12+ need nothing. */
#if PY_VERSION_HEX >= 0x03090000 && PY_VERSION_HEX < 0x030C0000
#define CS_PENDING_CALLS_NEED_GIL_KICK 1
#else
#define CS_PENDING_CALLS_NEED_GIL_KICK 0
#endif

/* ---- module entry points --------------------------------------------------
 * CS_MODULE(name, doc, methods, exec) defines PyInit_<name> (3.x) or
 * init<name> (2.7).  Both call `int exec(PyObject *module)`, which returns 0
 * or -1 with an exception set. */
#if CS_PY3
#define CS_MODULE(name, doc, methods, exec)                                  \
    static struct PyModuleDef name##_moduledef = {                           \
        PyModuleDef_HEAD_INIT, #name, doc, -1, methods,                      \
        NULL, NULL, NULL, NULL};                                             \
    PyMODINIT_FUNC PyInit_##name(void)                                       \
    {                                                                        \
        PyObject *m = PyModule_Create(&name##_moduledef);                    \
        if (m != NULL && exec(m) < 0)                                        \
            Py_CLEAR(m);                                                     \
        return m;                                                            \
    }
#else
#define CS_MODULE(name, doc, methods, exec)                                  \
    PyMODINIT_FUNC init##name(void)                                          \
    {                                                                        \
        PyObject *m = Py_InitModule3(#name, methods, doc);                   \
        if (m != NULL)                                                       \
            (void)exec(m);                                                   \
    }
#endif

/* getaddrinfo() with an integer port beyond a C long: 3.12 and later pass
 * its decimal text to the C library (gaierror, if any); earlier lines raise
 * OverflowError. */
#define CS_GAI_BIG_PORT_AS_TEXT (PY_VERSION_HEX >= 0x030C0000)

/* htons()/ntohs() of 65536 to INT_MAX: 3.8 and 3.9 warn (DeprecationWarning)
 * and truncate; 2.7 here and 3.10 on raise OverflowError. */
#define CS_HTONS_WARNS_AND_TRUNCATES \
    (PY_VERSION_HEX >= 0x03080000 && PY_VERSION_HEX < 0x030A0000)

/* ---- the characters of a text object --------------------------------------
 * cs_text_utf8(obj, &size, &keep): the UTF-8 characters of a str (unicode
 * on 2.7) and their number.  3.x: cached in the object, nothing to release
 * (*keep is NULL); 2.7: encoded into a new object returned in *keep, to be
 * released with Py_XDECREF after the last use.  NULL with an exception set
 * on failure.  Used where a call is hot (inet_aton, host names). */
#if CS_PY3
static inline const char *
cs_text_utf8(PyObject *obj, Py_ssize_t *size, PyObject **keep)
{
    *keep = NULL;
    return PyUnicode_AsUTF8AndSize(obj, size);
}
#else
static inline const char *
cs_text_utf8(PyObject *obj, Py_ssize_t *size, PyObject **keep)
{
    *keep = PyUnicode_AsUTF8String(obj);
    if (*keep == NULL)
        return NULL;
    *size = PyString_GET_SIZE(*keep);
    return PyString_AS_STRING(*keep);
}
#endif

/* ---- thread identity: long on 2.7, unsigned long on 3.x ------------------ */
#include "pythread.h"
static inline unsigned long
cs_thread_ident(void)
{
    return (unsigned long)PyThread_get_thread_ident();
}

/* ---- METH_FASTCALL --------------------------------------------------------
 * 3.7+ can call a C function with a plain array of arguments (no argument
 * tuple); hot functions offer that form where it exists and METH_VARARGS
 * elsewhere. */
#if PY_VERSION_HEX >= 0x03070000
#define CS_HAVE_FASTCALL 1
#else
#define CS_HAVE_FASTCALL 0
#endif

/* ---- calling a type without an argument tuple -----------------------------
 * 3.9+ call a type through its tp_vectorcall when it has one (3.8 has the
 * field but calls types through tp_call).  CS_TYPE_VECTORCALL(fn), as the
 * last entry of a type initializer, names fn there:
 *     PyObject *fn(PyObject *type, PyObject *const *args, size_t nargsf,
 *                  PyObject *kwnames)
 * and fn exists only #if CS_HAVE_TYPE_VECTORCALL. */
#if PY_VERSION_HEX >= 0x03090000
#define CS_HAVE_TYPE_VECTORCALL 1
#define CS_TYPE_VECTORCALL(fn) .tp_vectorcall = (fn),
#else
#define CS_HAVE_TYPE_VECTORCALL 0
#define CS_TYPE_VECTORCALL(fn)
#endif

/* ---- names looked up often: an interned native str ------------------------ */
#if CS_PY3
#define cs_intern(s) PyUnicode_InternFromString(s)
#else
#define cs_intern(s) PyString_InternFromString(s)
#endif

/* ---- data written to a file object ----------------------------------------
 * cs_write_bytes(obj): the bytes a socket file's write() sends for obj, as
 * a new bytes (2.7: str) reference, or NULL.  3.x: any bytes-like object
 * (str raises TypeError); 2.7: a str as it is, a memoryview's bytes, else
 * str(obj), as 2.7's socket._fileobject wrote. */
#if CS_PY3
static inline PyObject *
cs_write_bytes(PyObject *obj)
{
    Py_buffer view;
    PyObject *bytes;

    if (PyBytes_CheckExact(obj)) {
        Py_INCREF(obj);
        return obj;
    }
    if (PyObject_GetBuffer(obj, &view, PyBUF_FULL_RO) < 0)
        return NULL;
    bytes = PyBytes_FromStringAndSize(NULL, view.len);
    if (bytes != NULL
        && PyBuffer_ToContiguous(PyBytes_AS_STRING(bytes), &view, view.len,
                                 'C') < 0)
        Py_CLEAR(bytes);
    PyBuffer_Release(&view);
    return bytes;
}
#else
static inline PyObject *
cs_write_bytes(PyObject *obj)
{
    if (PyString_CheckExact(obj)) {
        Py_INCREF(obj);
        return obj;
    }
    if (PyMemoryView_Check(obj))
        return PyObject_CallMethod(obj, "tobytes", NULL);
    return PyObject_Str(obj);
}
#endif

/* ---- finalizers -------------------------------------------------------------
 * A type whose objects must be closed when collected names its finalizer
 * `void fn(PyObject *self)` (which keeps any exception being raised) with
 * CS_TP_FINALIZE(fn) as the last entry of its type initializer, and starts
 * its tp_dealloc with
 *     if (cs_dealloc_finalize(self, &obj->weakreflist, fn) < 0)
 *         return;     (resurrected by the finalizer)
 * 3.x: fn is tp_finalize, run (once) with the object alive, before the
 * collector clears a cycle.  2.7 has no tp_finalize: fn runs from
 * tp_dealloc, with the reference count at 0, once the object is untracked
 * and its weak references cleared, so that no Python code can reach it;
 * fn must not touch its reference count.  (As 2.7's own objects with
 * __del__, one in a reference cycle is not finalized there.) */
#if CS_PY3
#define CS_TP_FINALIZE(fn) .tp_finalize = (fn),
static inline int
cs_dealloc_finalize(PyObject *self, PyObject **weakreflist,
                    void (*fn)(PyObject *))
{
    (void)weakreflist;
    (void)fn;
    return PyObject_CallFinalizerFromDealloc(self);
}
#else
#define CS_TP_FINALIZE(fn)
static inline int
cs_dealloc_finalize(PyObject *self, PyObject **weakreflist,
                    void (*fn)(PyObject *))
{
    PyObject_GC_UnTrack(self);
    if (*weakreflist != NULL)
        PyObject_ClearWeakRefs(self);
    fn(self);
    return 0;
}
#endif

/* ---- audit events (PEP 578): sys.audit's hooks see what 3.8+ raises -----
 * cs_audit(event, format, ...) is PySys_Audit: 0, or -1 with the hook's
 * exception set (the call must then stop before it acts).  2.7 has no
 * hooks: always 0 (a function, so that what is passed counts as used). */
#if CS_PY3
#define cs_audit(...) PySys_Audit(__VA_ARGS__)
#else
static inline int
cs_audit(const char *event, const char *format, ...)
{
    (void)event;
    (void)format;
    return 0;
}
#endif

#endif /* CLASSICSOCKET_COMPAT_H */

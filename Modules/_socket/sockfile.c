/* sockfile.c - socket._fileobject, the file object of makefile(): buffered
 * reads (read, readline, readlines, readinto, iteration) and writes (write,
 * writelines, flush) over any object with recv() and sendall().
 *
 * Each direction has one contiguous byte buffer (struct fbuf).  Reading
 * takes lines and sizes out of the read buffer with memchr() and one bytes
 * object per result; what a failed call (timeout, a signal handler that
 * raised, EAGAIN) had received stays in the buffer for the next read.
 * When the file's _sock is exactly our C socket type, data is received
 * into the buffer and sent from it by the paths of its recv() and
 * sendall() (sockio_recv_buffer, sockio_sendall_buffer), with no
 * Python-level call; any other object (an ssl socket, urllib2's response,
 * a test's stand-in) gets sock.recv(n) and sock.sendall(data), whose EINTR
 * errors are retried.
 *
 * An operation that may block, or call Python code, first takes the
 * buffer out of the object (buffer_take) and works on its own copy of the
 * struct; buffer_give puts it back, after what other threads, signal
 * handlers or finalizers may have left there meanwhile.  So whatever runs
 * while the GIL is released or while Python code runs can never free or
 * move memory the operation is using. */
#include "socketmodule.h"       /* first: Python.h sets the feature macros */

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include "structmember.h"

#include "sockio.h"

/* A function the compiler must not inline, to keep a hot caller short. */
#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

/* ---- the buffer ----------------------------------------------------------- */

struct fbuf {
    char *data;             /* PyMem_Malloc'd, or NULL */
    Py_ssize_t start;       /* the bytes held are data[start:end] */
    Py_ssize_t end;
    Py_ssize_t cap;         /* bytes allocated */
};

#define FBUF_EMPTY {NULL, 0, 0, 0}

static Py_ssize_t
buffer_len(const struct fbuf *b)
{
    return b->end - b->start;
}

/* The first byte held.  Never NULL: before anything is allocated it is an
 * empty array (NULL + 0 is no pointer to hand to memcpy and friends). */
static char *
buffer_head(const struct fbuf *b)
{
    static char nothing[1];

    return b->data != NULL ? b->data + b->start : nothing;
}

static void
buffer_free(struct fbuf *b)
{
    PyMem_Free(b->data);
    b->data = NULL;
    b->start = b->end = b->cap = 0;
}

/* Makes room for n more bytes after b->end: moves what is held to the
 * front, or grows the buffer (at least doubling it).  0, or -1 without an
 * exception set (buffer_reserve sets MemoryError). */
static int
buffer_make_room(struct fbuf *b, Py_ssize_t n)
{
    Py_ssize_t len = buffer_len(b);
    Py_ssize_t want;
    char *data;

    if (b->cap - b->end >= n)
        return 0;
    if (b->start > 0 && b->cap - len >= n) {
        memmove(b->data, b->data + b->start, (size_t)len);
        b->start = 0;
        b->end = len;
        return 0;
    }
    if (n > PY_SSIZE_T_MAX - len)
        return -1;
    want = len + n;
    if (b->cap <= PY_SSIZE_T_MAX / 2 && b->cap * 2 > want)
        want = b->cap * 2;
    if (b->start > 0) {
        /* compact first: realloc would copy the consumed bytes too */
        memmove(b->data, b->data + b->start, (size_t)len);
        b->start = 0;
        b->end = len;
    }
    data = PyMem_Realloc(b->data, (size_t)want);
    if (data == NULL)
        return -1;
    b->data = data;
    b->cap = want;
    return 0;
}

static int
buffer_reserve(struct fbuf *b, Py_ssize_t n)
{
    if (buffer_make_room(b, n) < 0) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

static int
buffer_append(struct fbuf *b, const char *p, Py_ssize_t n)
{
    if (n == 0)
        return 0;
    if (buffer_reserve(b, n) < 0)
        return -1;
    memcpy(b->data + b->end, p, (size_t)n);
    b->end += n;
    return 0;
}

/* (An emptied buffer is moved back to its start by buffer_make_room, when
 * room is needed; not here, on readline()'s path.) */
static void
buffer_consume(struct fbuf *b, Py_ssize_t n)
{
    b->start += n;
}

/* Moves the buffer *slot (of the file) into *local, leaving *slot empty. */
static void
buffer_take(struct fbuf *slot, struct fbuf *local)
{
    *local = *slot;
    slot->data = NULL;
    slot->start = slot->end = slot->cap = 0;
}

/* Puts *local back into *slot, before whatever was put there since
 * buffer_take (nothing, unless another thread or a signal handler used the
 * file meanwhile).  With keep false (the file was closed meanwhile) the
 * bytes are dropped, as close() drops them.  Never raises: should the two
 * not fit in memory together, the bytes of *local are dropped. */
static void
buffer_give(struct fbuf *slot, struct fbuf *local, int keep)
{
    Py_ssize_t len = buffer_len(slot);

    if (!keep || buffer_len(local) == 0) {
        buffer_free(local);
        return;
    }
    if (len > 0) {
        if (buffer_make_room(local, len) < 0) {
            buffer_free(local);
            return;
        }
        memcpy(local->data + local->end, slot->data + slot->start,
               (size_t)len);
        local->end += len;
    }
    buffer_free(slot);
    *slot = *local;
}

/* ---- the object ----------------------------------------------------------- */

typedef struct {
    PyObject_HEAD
    PyObject *sock;         /* owned: _sock; NULL or None once closed */
    PyObject *mode;         /* owned: as given (recorded only) */
    PyObject *softspace;    /* owned: for Python 2's print >> f */
    PyObject *close_sock;   /* owned: _close, tested when closing */
    PyObject *weakreflist;  /* weak references; cleared in tp_dealloc */
    Py_ssize_t bufsize;
    Py_ssize_t rbufsize;    /* <= 1: unbuffered reads */
    Py_ssize_t wbufsize;    /* 0: at once, 1: at newlines, n: n bytes */
    Py_ssize_t default_bufsize;
    struct fbuf rbuf;       /* received, not read yet */
    struct fbuf wbuf;       /* written, not sent yet */
} sockfile;

/* The object references of sockfile, for tp_traverse and tp_clear. */
#define SOCKFILE_OBJECT_FIELDS(X) X(sock) X(mode) X(softspace) X(close_sock)

/* Interned names, created once by sockfile_add_to_module (never freed:
 * the module is never unloaded). */
static PyObject *str_recv;
static PyObject *str_sendall;
static PyObject *str_close;
static PyObject *str_fileno;
static PyObject *str_sent;
static PyObject *str_errno;
static PyObject *str_default_bufsize;
static PyObject *str_rb;

static int
is_closed(const sockfile *f)
{
    return f->sock == NULL || f->sock == Py_None;
}

static int
check_open(const sockfile *f)
{
    if (is_closed(f)) {
        PyErr_SetString(PyExc_ValueError, "I/O operation on closed file");
        return -1;
    }
    return 0;
}

/* An int argument as a Py_ssize_t; None gives -1.  Values beyond the
 * range are clipped (a size that large means "no limit" anyway). */
static int
size_from_object(PyObject *obj, Py_ssize_t *size)
{
    if (obj == Py_None) {
        *size = -1;
        return 0;
    }
    if (cs_fast_ssize(obj, size))
        return 0;
    *size = PyNumber_AsSsize_t(obj, NULL);
    if (*size == -1 && PyErr_Occurred())
        return -1;
    return 0;
}

/* The one optional size argument of read(), readline() and readlines();
 * format is "|O:<name>".  -1 when it is absent or None. */
static int
parse_size(PyObject *const *argv, Py_ssize_t nargs, PyObject *kw,
           const char *format, char **keywords, Py_ssize_t *size)
{
    PyObject *obj = Py_None;

    if (nargs <= 1 && cs_no_keywords(kw)) {
        if (nargs == 1)
            obj = argv[0];
    }
    else if (!cs_parse_array_kw(argv, nargs, kw, format, keywords, &obj))
        return -1;
    return size_from_object(obj, size);
}

/* ---- receiving ------------------------------------------------------------ */

/* Whether obj, an exception instance, reports EINTR: its errno attribute,
 * or its first argument (error(EINTR) has no errno attribute on 2.7). */
static int
reports_eintr(PyObject *exc)
{
    PyObject *code = PyObject_GetAttr(exc, str_errno);
    PyObject *args;
    long value = -1;

    if (code == NULL)
        PyErr_Clear();
    else if (code == Py_None || !cs_int_check(code))
        Py_CLEAR(code);
    if (code == NULL) {
        args = PyObject_GetAttrString(exc, "args");
        if (args == NULL) {
            PyErr_Clear();
            return 0;
        }
        if (PyTuple_Check(args) && PyTuple_GET_SIZE(args) > 0
            && cs_int_check(PyTuple_GET_ITEM(args, 0)))
            code = Py_NewRef(PyTuple_GET_ITEM(args, 0));
        Py_DECREF(args);
        if (code == NULL)
            return 0;
    }
    value = PyLong_AsLong(code);
    Py_DECREF(code);
    if (value == -1 && PyErr_Occurred())
        PyErr_Clear();
    return value == EINTR;
}

/* After a Python-level recv() or sendall() raised: when the exception is
 * an EnvironmentError for EINTR, clears it and runs the signal handlers;
 * returns 1 (retry) unless a handler raised.  Else 0, the exception kept. */
static int
retry_after(void)
{
    PyObject *type;
    PyObject *value;
    PyObject *tb;
    int eintr;

    if (!PyErr_ExceptionMatches(PyExc_EnvironmentError))
        return 0;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    eintr = value != NULL && reports_eintr(value);
    if (!eintr) {
        PyErr_Restore(type, value, tb);
        return 0;
    }
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    return PyErr_CheckSignals() < 0 ? 0 : 1;
}

/* sock.recv(n), its result appended to b. */
static Py_ssize_t
receive_call(PyObject *sock, struct fbuf *b, Py_ssize_t n)
{
    PyObject *size = cs_int_from_long((long)n);
    PyObject *data = NULL;
    Py_buffer view;
    Py_ssize_t got;

    if (size == NULL)
        return -1;
    for (;;) {
        data = PyObject_CallMethodObjArgs(sock, str_recv, size, NULL);
        if (data != NULL || !retry_after())
            break;
    }
    Py_DECREF(size);
    if (data == NULL)
        return -1;
    if (PyBytes_Check(data)) {
        got = PyBytes_GET_SIZE(data);
        if (buffer_append(b, PyBytes_AS_STRING(data), got) < 0)
            got = -1;
    }
    else if (PyObject_GetBuffer(data, &view, PyBUF_SIMPLE) == 0) {
        got = view.len;
        if (buffer_append(b, view.buf, got) < 0)
            got = -1;
        PyBuffer_Release(&view);
    }
    else {
        PyErr_Format(PyExc_TypeError, "recv() returned %.200s, not bytes",
                     Py_TYPE(data)->tp_name);
        got = -1;
    }
    Py_DECREF(data);
    return got;
}

/* Receives up to n more bytes at the end of b, a buffer taken from f: the
 * number received, 0 at end of file, or -1 with an exception set (b still
 * holds all it held). */
static Py_ssize_t
receive(sockfile *f, struct fbuf *b, Py_ssize_t n)
{
    PyObject *sock;
    Py_ssize_t got;

    if (check_open(f) < 0)
        return -1;
    /* _sock is writable: it is looked at on each call, and held while the
     * GIL is released, in case another thread replaces it. */
    sock = Py_NewRef(f->sock);
    if (Py_TYPE(sock) == &sockobject_type) {
        got = -1;
        if (buffer_reserve(b, n) == 0) {
            got = sockio_recv_buffer((sockobject *)sock, b->data + b->end, n);
            if (got > 0)
                b->end += got;
        }
    }
    else
        got = receive_call(sock, b, n);
    Py_DECREF(sock);
    return got;
}

/* ---- reading -------------------------------------------------------------- */

/* The next line, of at most limit bytes (limit < 0: no limit), receiving
 * as much as needed: a new bytes object (b'' at end of file) or NULL. */
static PyObject *
read_line_slow(sockfile *f, Py_ssize_t limit)
{
    struct fbuf b;
    Py_ssize_t scanned = 0;     /* bytes of b searched for a newline */
    Py_ssize_t n;
    PyObject *line = NULL;

    if (check_open(f) < 0)
        return NULL;
    buffer_take(&f->rbuf, &b);
    for (;;) {
        Py_ssize_t len = buffer_len(&b);
        Py_ssize_t upto = limit >= 0 && limit < len ? limit : len;
        const char *nl;

        nl = upto > scanned ? memchr(buffer_head(&b) + scanned, '\n',
                                     (size_t)(upto - scanned))
                            : NULL;
        if (nl != NULL) {
            n = nl - buffer_head(&b) + 1;
            break;
        }
        if (limit >= 0 && len >= limit) {
            n = limit;
            break;
        }
        scanned = upto;
        /* unbuffered: byte by byte, so as not to read past the line */
        n = receive(f, &b, f->rbufsize > 1 ? f->rbufsize : 1);
        if (n < 0)
            goto done;
        if (n == 0) {
            n = len;            /* end of file: what is left */
            break;
        }
    }
    line = PyBytes_FromStringAndSize(buffer_head(&b), n);
    if (line != NULL)
        buffer_consume(&b, n);
done:
    buffer_give(&f->rbuf, &b, !is_closed(f));
    return line;
}

/* The next line, without limit: taken straight from the buffer when it
 * holds a whole one (the common case: a memchr and a bytes object). */
static PyObject *
read_line(sockfile *f)
{
    struct fbuf *b = &f->rbuf;
    Py_ssize_t len = buffer_len(b);

    if (len > 0) {
        const char *p = b->data + b->start;
        const char *nl = memchr(p, '\n', (size_t)len);

        if (nl != NULL) {
            Py_ssize_t n = nl - p + 1;
            /* creating bytes runs no Python code: b stays valid */
            PyObject *line = PyBytes_FromStringAndSize(p, n);

            if (line != NULL)
                buffer_consume(b, n);
            return line;
        }
    }
    return read_line_slow(f, -1);
}

/* Receives into b (taken from f) until it holds size bytes or the end of
 * file comes; never asks for more than is missing, so nothing is taken
 * from the socket beyond what the caller wants.  0 or -1. */
static int
fill(sockfile *f, struct fbuf *b, Py_ssize_t size)
{
    Py_ssize_t step = f->rbufsize > 65536 ? f->rbufsize : 65536;

    while (buffer_len(b) < size) {
        Py_ssize_t missing = size - buffer_len(b);
        Py_ssize_t got = receive(f, b, missing < step ? missing : step);

        if (got < 0)
            return -1;
        if (got == 0)
            break;
    }
    return 0;
}

/* Everything up to the end of file. */
static PyObject *
read_all(sockfile *f)
{
    struct fbuf b;
    Py_ssize_t step = f->rbufsize > f->default_bufsize ? f->rbufsize
                                                       : f->default_bufsize;
    PyObject *data = NULL;
    Py_ssize_t got;

    if (step < 1)
        step = 1;
    buffer_take(&f->rbuf, &b);
    do {
        got = receive(f, &b, step);
        if (got < 0)
            goto done;
    } while (got > 0);
    data = PyBytes_FromStringAndSize(buffer_head(&b), buffer_len(&b));
    if (data != NULL)
        buffer_consume(&b, buffer_len(&b));
done:
    buffer_give(&f->rbuf, &b, !is_closed(f));
    return data;
}

/* size bytes, fewer only at end of file. */
static PyObject *
read_size(sockfile *f, Py_ssize_t size)
{
    struct fbuf b;
    PyObject *data = NULL;

    if (buffer_len(&f->rbuf) >= size) {
        data = PyBytes_FromStringAndSize(buffer_head(&f->rbuf), size);
        if (data != NULL)
            buffer_consume(&f->rbuf, size);
        return data;
    }
    buffer_take(&f->rbuf, &b);
    if (fill(f, &b, size) == 0) {
        if (size > buffer_len(&b))
            size = buffer_len(&b);
        data = PyBytes_FromStringAndSize(buffer_head(&b), size);
        if (data != NULL)
            buffer_consume(&b, size);
    }
    buffer_give(&f->rbuf, &b, !is_closed(f));
    return data;
}

PyDoc_STRVAR(sockfile_read_doc,
"read([size]) -> string\n\
\n\
Read up to size bytes, fewer only at end of file; without size, or\n\
with a negative one, read to end of file.  What was received before\n\
an error stays buffered for the next read.");

static PyObject *
sockfile_read(PyObject *self, CS_POSKW_PARAMS)
{
    static char *keywords[] = {"size", NULL};
    sockfile *f = (sockfile *)self;
    Py_ssize_t size;

    if (parse_size(CS_POS_ARGV, CS_POS_NARGS, CS_KW, "|O:read", keywords,
                   &size) < 0
        || check_open(f) < 0)
        return NULL;
    if (size < 0)
        return read_all(f);
    return read_size(f, size);
}

PyDoc_STRVAR(sockfile_readinto_doc,
"readinto(buffer) -> number of bytes read into it (0 at end of\n\
file); fills the buffer unless the end of file comes first.");

static PyObject *
sockfile_readinto(PyObject *self, PyObject *arg)
{
    sockfile *f = (sockfile *)self;
    Py_buffer view;
    struct fbuf b;
    Py_ssize_t n = -1;

    if (!PyArg_Parse(arg, "w*:readinto", &view))
        return NULL;
    if (check_open(f) < 0)
        goto done;
    buffer_take(&f->rbuf, &b);
    if (fill(f, &b, view.len) == 0) {
        n = buffer_len(&b) < view.len ? buffer_len(&b) : view.len;
        memcpy(view.buf, buffer_head(&b), (size_t)n);
        buffer_consume(&b, n);
    }
    buffer_give(&f->rbuf, &b, !is_closed(f));
done:
    PyBuffer_Release(&view);
    if (n < 0)
        return NULL;
    return cs_int_from_long((long)n);
}

PyDoc_STRVAR(sockfile_readline_doc,
"readline([size]) -> next line, newline included; at most size\n\
bytes if size is given and not negative; '' at end of file.");

/* readline() with arguments; kept out of sockfile_readline so that the
 * call without any stays as short as it can be. */
static NOINLINE PyObject *
readline_args(PyObject *self, PyObject *const *argv, Py_ssize_t nargs,
              PyObject *kw)
{
    static char *keywords[] = {"size", NULL};
    Py_ssize_t size;

    if (parse_size(argv, nargs, kw, "|O:readline", keywords, &size) < 0)
        return NULL;
    if (size < 0)
        return read_line((sockfile *)self);
    return read_line_slow((sockfile *)self, size);
}

static PyObject *
sockfile_readline(PyObject *self, CS_POSKW_PARAMS)
{
    if (CS_POS_NARGS == 0 && CS_KW == NULL)
        return read_line((sockfile *)self);
    return readline_args(self, CS_POS_ARGV, CS_POS_NARGS, CS_KW);
}

PyDoc_STRVAR(sockfile_readlines_doc,
"readlines([sizehint]) -> list of lines up to end of file, or\n\
until about sizehint bytes have been read when sizehint > 0.");

static PyObject *
sockfile_readlines(PyObject *self, CS_POSKW_PARAMS)
{
    static char *keywords[] = {"sizehint", NULL};
    sockfile *f = (sockfile *)self;
    Py_ssize_t hint;
    Py_ssize_t total = 0;
    PyObject *lines;

    if (parse_size(CS_POS_ARGV, CS_POS_NARGS, CS_KW, "|O:readlines",
                   keywords, &hint) < 0)
        return NULL;
    lines = PyList_New(0);
    if (lines == NULL)
        return NULL;
    for (;;) {
        PyObject *line = read_line(f);
        Py_ssize_t len;

        if (line == NULL)
            goto error;
        len = PyBytes_GET_SIZE(line);
        if (len == 0) {
            Py_DECREF(line);
            break;
        }
        if (PyList_Append(lines, line) < 0) {
            Py_DECREF(line);
            goto error;
        }
        Py_DECREF(line);
        total += len;
        if (hint > 0 && total >= hint)
            break;
    }
    return lines;

error:
    Py_DECREF(lines);
    return NULL;
}

static PyObject *
sockfile_iternext(PyObject *self)
{
    PyObject *line = read_line((sockfile *)self);

    if (line != NULL && PyBytes_GET_SIZE(line) == 0)
        Py_CLEAR(line);     /* NULL without an exception: StopIteration */
    return line;
}

#if CS_PY3
/* next() under its Python 2 name (2.7 makes it from tp_iternext) */
static PyObject *
sockfile_next(PyObject *self, PyObject *unused)
{
    PyObject *line = sockfile_iternext(self);

    (void)unused;
    if (line == NULL && !PyErr_Occurred())
        PyErr_SetNone(PyExc_StopIteration);
    return line;
}
#endif

/* ---- writing -------------------------------------------------------------- */

/* How many bytes of a sendall() of limit bytes went out before it raised
 * the exception being raised (the `sent` attribute of our sendall's
 * errors, 0 without one).  The exception is kept. */
static Py_ssize_t
sent_before(Py_ssize_t limit)
{
    PyObject *type;
    PyObject *value;
    PyObject *tb;
    PyObject *sent = NULL;
    Py_ssize_t n = 0;

    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    if (value != NULL)
        sent = PyObject_GetAttr(value, str_sent);
    if (sent != NULL && cs_int_check(sent))
        n = PyNumber_AsSsize_t(sent, NULL);
    Py_XDECREF(sent);
    PyErr_Clear();
    PyErr_Restore(type, value, tb);
    if (n < 0)
        return 0;
    return n < limit ? n : limit;
}

/* Sends what b holds, consuming it as it goes out: 0, or -1 with an
 * exception set and what was not sent still in b. */
static int
send_buffer(sockfile *f, struct fbuf *b)
{
    PyObject *sock;
    int rc = 0;

    if (check_open(f) < 0)
        return -1;
    sock = Py_NewRef(f->sock);
    if (Py_TYPE(sock) == &sockobject_type) {
        Py_ssize_t sent;

        rc = sockio_sendall_buffer((sockobject *)sock, buffer_head(b),
                                   buffer_len(b), 0, &sent);
        buffer_consume(b, sent);
    }
    else {
        /* sendall() in pieces, as the Python version did */
        Py_ssize_t chunk = f->wbufsize > 65536 ? f->wbufsize : 65536;

        while (buffer_len(b) > 0) {
            Py_ssize_t len = buffer_len(b) < chunk ? buffer_len(b) : chunk;
            PyObject *piece = PyBytes_FromStringAndSize(b->data + b->start,
                                                        len);
            PyObject *result;

            if (piece == NULL) {
                rc = -1;
                break;
            }
            result = PyObject_CallMethodObjArgs(sock, str_sendall, piece,
                                                NULL);
            Py_DECREF(piece);
            if (result != NULL) {
                Py_DECREF(result);
                buffer_consume(b, len);
                continue;
            }
            buffer_consume(b, sent_before(len));
            if (!retry_after()) {
                rc = -1;
                break;
            }
        }
    }
    Py_DECREF(sock);
    return rc;
}

/* Sends everything buffered; on failure, what was not sent stays
 * buffered.  0 or -1. */
static int
flush_file(sockfile *f)
{
    struct fbuf b;
    int rc;

    if (check_open(f) < 0)
        return -1;
    if (buffer_len(&f->wbuf) == 0)
        return 0;
    buffer_take(&f->wbuf, &b);
    rc = send_buffer(f, &b);
    buffer_give(&f->wbuf, &b, !is_closed(f));
    return rc;
}

PyDoc_STRVAR(sockfile_flush_doc,
"flush()\n\
\n\
Send everything buffered.  If sending fails, what was not sent\n\
stays buffered.");

static PyObject *
sockfile_flush(PyObject *self, PyObject *unused)
{
    (void)unused;
    if (flush_file((sockfile *)self) < 0)
        return NULL;
    Py_RETURN_NONE;
}

/* Adds the bytes of data (as cs_write_bytes() makes them) to the write
 * buffer.  Returns their number, or -1. */
static Py_ssize_t
buffer_data(sockfile *f, PyObject *data)
{
    PyObject *bytes = cs_write_bytes(data);
    Py_ssize_t n;

    if (bytes == NULL)
        return -1;
    n = PyBytes_GET_SIZE(bytes);
    if (n > 0 && buffer_append(&f->wbuf, PyBytes_AS_STRING(bytes), n) < 0)
        n = -1;
    Py_DECREF(bytes);
    return n;
}

PyDoc_STRVAR(sockfile_write_doc,
"write(data)\n\
\n\
Buffer data (a string) and send it as the buffering mode says.");

static PyObject *
sockfile_write(PyObject *self, PyObject *data)
{
    sockfile *f = (sockfile *)self;
    PyObject *bytes;
    Py_ssize_t n;
    int now;

    if (check_open(f) < 0)
        return NULL;
    bytes = cs_write_bytes(data);
    if (bytes == NULL)
        return NULL;
    n = PyBytes_GET_SIZE(bytes);
    if (n == 0) {
        Py_DECREF(bytes);
        Py_RETURN_NONE;
    }
    if (buffer_append(&f->wbuf, PyBytes_AS_STRING(bytes), n) < 0) {
        Py_DECREF(bytes);
        return NULL;
    }
    now = f->wbufsize == 0
          || (f->wbufsize == 1
              && memchr(PyBytes_AS_STRING(bytes), '\n', (size_t)n) != NULL)
          || (f->wbufsize > 1 && buffer_len(&f->wbuf) >= f->wbufsize);
    Py_DECREF(bytes);
    if (now && flush_file(f) < 0)
        return NULL;
    Py_RETURN_NONE;
}

PyDoc_STRVAR(sockfile_writelines_doc,
"writelines(lines)\n\
\n\
Write each string of the iterable lines (no newlines added).");

static PyObject *
sockfile_writelines(PyObject *self, PyObject *lines)
{
    sockfile *f = (sockfile *)self;
    PyObject *it;
    PyObject *line;

    if (check_open(f) < 0)
        return NULL;
    it = PyObject_GetIter(lines);
    if (it == NULL)
        return NULL;
    while ((line = PyIter_Next(it)) != NULL) {
        Py_ssize_t n = buffer_data(f, line);

        Py_DECREF(line);
        if (n < 0)
            break;
    }
    Py_DECREF(it);
    if (PyErr_Occurred())
        return NULL;
    if ((f->wbufsize <= 1 || buffer_len(&f->wbuf) >= f->wbufsize)
        && flush_file(f) < 0)
        return NULL;
    Py_RETURN_NONE;
}

/* ---- closing -------------------------------------------------------------- */

/* close(): flushes, then drops the buffers and _sock, closing it with
 * close=True even when flushing failed (the flush error is raised unless
 * closing the socket raised too).  0 or -1.  Does not touch the reference
 * count of f (the 2.7 dealloc calls it on a dying object). */
static int
close_file(sockfile *f)
{
    PyObject *sock;
    PyObject *type;
    PyObject *value;
    PyObject *tb;
    int close_it;
    int rc;

    if (is_closed(f))
        return 0;
    rc = flush_file(f);
    PyErr_Fetch(&type, &value, &tb);
    sock = f->sock;             /* the flush may have run Python code */
    f->sock = NULL;             /* ours now */
    buffer_free(&f->rbuf);
    buffer_free(&f->wbuf);
    close_it = f->close_sock != NULL ? PyObject_IsTrue(f->close_sock) : 0;
    if (close_it > 0 && sock != NULL && sock != Py_None) {
        PyObject *result = PyObject_CallMethodObjArgs(sock, str_close, NULL);

        if (result == NULL)
            close_it = -1;
        Py_XDECREF(result);
    }
    Py_XDECREF(sock);
    if (close_it < 0) {
        /* this error wins, as the finally: clause's would */
        Py_XDECREF(type);
        Py_XDECREF(value);
        Py_XDECREF(tb);
        return -1;
    }
    PyErr_Restore(type, value, tb);
    return rc;
}

PyDoc_STRVAR(sockfile_close_doc,
"close()\n\
\n\
Flush what is buffered and close the file; with close=True the\n\
socket under it is closed too.");

static PyObject *
sockfile_close(PyObject *self, PyObject *unused)
{
    (void)unused;
    if (close_file((sockfile *)self) < 0)
        return NULL;
    Py_RETURN_NONE;
}

/* Closing a file that is collected: as 2.7's __del__, errors ignored. */
static void
sockfile_finalize(PyObject *self)
{
    PyObject *type;
    PyObject *value;
    PyObject *tb;

    PyErr_Fetch(&type, &value, &tb);
    if (close_file((sockfile *)self) < 0)
        PyErr_Clear();
    PyErr_Restore(type, value, tb);
}

static PyObject *
sockfile_enter(PyObject *self, PyObject *unused)
{
    (void)unused;
    return Py_NewRef(self);
}

static PyObject *
sockfile_exit(PyObject *self, PyObject *args)
{
    (void)args;
    return sockfile_close(self, NULL);
}

PyDoc_STRVAR(sockfile_fileno_doc,
"fileno() -> integer\n\
\n\
The file descriptor of the socket under the file.");

static PyObject *
sockfile_fileno(PyObject *self, PyObject *unused)
{
    sockfile *f = (sockfile *)self;

    (void)unused;
    if (check_open(f) < 0)
        return NULL;
    return PyObject_CallMethodObjArgs(f->sock, str_fileno, NULL);
}

static PyObject *
sockfile_get_closed(PyObject *self, void *closure)
{
    (void)closure;
    return PyBool_FromLong(is_closed((sockfile *)self));
}

/* ---- creation and the type ------------------------------------------------ */

static int
sockfile_init(PyObject *self, PyObject *args, PyObject *kwds)
{
    static char *keywords[] = {"sock", "mode", "bufsize", "close", NULL};
    sockfile *f = (sockfile *)self;
    PyObject *sock;
    PyObject *mode = str_rb;
    PyObject *bufobj = Py_None;
    PyObject *close_sock = Py_False;
    PyObject *value;
    Py_ssize_t bufsize;
    Py_ssize_t default_bufsize;

    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|OOO:_fileobject",
                                     keywords, &sock, &mode, &bufobj,
                                     &close_sock))
        return -1;
    /* closed until the end, as the Python version was */
    Py_CLEAR(f->sock);
    if (size_from_object(bufobj, &bufsize) < 0)
        return -1;
    /* an attribute of the class, which user code may change */
    value = PyObject_GetAttr(self, str_default_bufsize);
    if (value == NULL)
        return -1;
    default_bufsize = PyNumber_AsSsize_t(value, PyExc_OverflowError);
    Py_DECREF(value);
    if (default_bufsize == -1 && PyErr_Occurred())
        return -1;
    if (bufsize < 0)
        bufsize = default_bufsize;
    f->bufsize = bufsize;
    f->default_bufsize = default_bufsize;
    /* reads: unbuffered (0) takes single bytes where a read could go past
     * what the caller asked for, so nothing is left in the buffer */
    if (bufsize == 0)
        f->rbufsize = 1;
    else if (bufsize == 1)
        f->rbufsize = default_bufsize;
    else
        f->rbufsize = bufsize;
    /* writes: 0 sends at once, 1 at each newline, n once n bytes wait */
    f->wbufsize = bufsize;
    buffer_free(&f->rbuf);
    buffer_free(&f->wbuf);
    Py_XSETREF(f->mode, Py_NewRef(mode));
    Py_XSETREF(f->softspace, Py_NewRef(Py_False));
    Py_XSETREF(f->close_sock, Py_NewRef(close_sock));
    Py_XSETREF(f->sock, Py_NewRef(sock));
    return 0;
}

#define VISIT_FIELD(name) Py_VISIT(f->name);
#define CLEAR_FIELD(name) Py_CLEAR(f->name);

static int
sockfile_traverse(PyObject *self, visitproc visit, void *arg)
{
    sockfile *f = (sockfile *)self;

    SOCKFILE_OBJECT_FIELDS(VISIT_FIELD)
    return 0;
}

static int
sockfile_clear(PyObject *self)
{
    sockfile *f = (sockfile *)self;

    SOCKFILE_OBJECT_FIELDS(CLEAR_FIELD)
    return 0;
}

static void
sockfile_dealloc(PyObject *self)
{
    sockfile *f = (sockfile *)self;

    /* 3.x: tp_finalize closes the file; 2.7: closes it here, once the
     * object is out of the collector's and the weak references' reach */
    if (cs_dealloc_finalize(self, &f->weakreflist, sockfile_finalize) < 0)
        return;                 /* resurrected */
    PyObject_GC_UnTrack(self);
    if (f->weakreflist != NULL)
        PyObject_ClearWeakRefs(self);
    sockfile_clear(self);
    buffer_free(&f->rbuf);
    buffer_free(&f->wbuf);
    Py_TYPE(self)->tp_free(self);
}

static PyMethodDef sockfile_methods[] = {
    {"close", sockfile_close, METH_NOARGS, sockfile_close_doc},
    {"flush", sockfile_flush, METH_NOARGS, sockfile_flush_doc},
    {"fileno", sockfile_fileno, METH_NOARGS, sockfile_fileno_doc},
    {"write", sockfile_write, METH_O, sockfile_write_doc},
    {"writelines", sockfile_writelines, METH_O, sockfile_writelines_doc},
    {"read", CS_POS_FN(sockfile_read), CS_METH_POSKW, sockfile_read_doc},
    {"readinto", sockfile_readinto, METH_O, sockfile_readinto_doc},
    {"readline", CS_POS_FN(sockfile_readline), CS_METH_POSKW,
     sockfile_readline_doc},
    {"readlines", CS_POS_FN(sockfile_readlines), CS_METH_POSKW,
     sockfile_readlines_doc},
#if CS_PY3
    {"next", sockfile_next, METH_NOARGS, "next() -> the next line"},
#endif
    {"__enter__", sockfile_enter, METH_NOARGS, NULL},
    {"__exit__", sockfile_exit, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL}
};

static PyMemberDef sockfile_members[] = {
    {"_sock", T_OBJECT, offsetof(sockfile, sock), 0,
     "the socket (None once the file is closed)"},
    {"mode", T_OBJECT, offsetof(sockfile, mode), 0, "the mode given"},
    {"softspace", T_OBJECT, offsetof(sockfile, softspace), 0,
     "whether print must write a space first"},
    {"bufsize", T_PYSSIZET, offsetof(sockfile, bufsize), 0,
     "the buffer size"},
    {"_rbufsize", T_PYSSIZET, offsetof(sockfile, rbufsize), 0,
     "bytes asked of the socket at a time (1: unbuffered)"},
    {"_wbufsize", T_PYSSIZET, offsetof(sockfile, wbufsize), 0,
     "0: send at once, 1: at newlines, n: once n bytes wait"},
    {"_close", T_OBJECT, offsetof(sockfile, close_sock), 0,
     "whether closing the file closes the socket"},
    {NULL, 0, 0, 0, NULL}
};

static PyGetSetDef sockfile_getset[] = {
    {"closed", sockfile_get_closed, NULL, "True if the file is closed",
     NULL},
    {NULL, NULL, NULL, NULL, NULL}
};

PyDoc_STRVAR(sockfile_doc,
"_fileobject(sock[, mode[, bufsize[, close]]])\n\
\n\
A file object on a socket, as makefile() returns: read(), readline(),\n\
readlines(), iteration, readinto(), write(), writelines(), flush() and\n\
close().  `sock` needs recv() for reading and sendall() for writing;\n\
with close=True, closing the file closes it.");

static PyTypeObject sockfile_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "_socket._fileobject",
    .tp_basicsize = sizeof(sockfile),
    .tp_dealloc = sockfile_dealloc,
    .tp_flags = Py_TPFLAGS_CS_DEFAULT | Py_TPFLAGS_BASETYPE
                | Py_TPFLAGS_HAVE_GC | CS_TPFLAGS_METHOD_CACHE,
    .tp_doc = sockfile_doc,
    .tp_traverse = sockfile_traverse,
    .tp_clear = sockfile_clear,
    .tp_weaklistoffset = offsetof(sockfile, weakreflist),
    .tp_iter = PyObject_SelfIter,
    .tp_iternext = sockfile_iternext,
    .tp_methods = sockfile_methods,
    .tp_members = sockfile_members,
    .tp_getset = sockfile_getset,
    .tp_init = sockfile_init,
    .tp_new = PyType_GenericNew,
    CS_TP_FINALIZE(sockfile_finalize)
};

static int
intern_names(void)
{
    static const struct {
        PyObject **slot;
        const char *text;
    } names[] = {
        {&str_recv, "recv"},
        {&str_sendall, "sendall"},
        {&str_close, "close"},
        {&str_fileno, "fileno"},
        {&str_sent, "sent"},
        {&str_errno, "errno"},
        {&str_default_bufsize, "default_bufsize"},
        {&str_rb, "rb"},
    };
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (*names[i].slot == NULL) {
            *names[i].slot = cs_intern(names[i].text);
            if (*names[i].slot == NULL)
                return -1;
        }
    }
    return 0;
}

/* The class attributes: default_bufsize (read by __init__ through the
 * instance, so that a subclass or user code may change it) and name. */
static int
add_class_attributes(void)
{
    PyObject *dict = sockfile_type.tp_dict;     /* borrowed */
    PyObject *size = cs_int_from_long(8192);
    PyObject *name = cs_native_str("<socket>");
    int rc = -1;

    if (size != NULL && name != NULL
        && PyDict_SetItem(dict, str_default_bufsize, size) == 0
        && PyDict_SetItemString(dict, "name", name) == 0) {
        PyType_Modified(&sockfile_type);
        rc = 0;
    }
    Py_XDECREF(size);
    Py_XDECREF(name);
    return rc;
}

int
sockfile_add_to_module(PyObject *module)
{
    if (intern_names() < 0 || PyType_Ready(&sockfile_type) < 0
        || add_class_attributes() < 0
        || PyModule_AddObjectRef(module, "_fileobject",
                                 (PyObject *)&sockfile_type) < 0)
        return -1;
    return 0;
}

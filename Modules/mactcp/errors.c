/* errors.c - mactcp.error, the text of MacTCP's error codes, and the
 * one table that turns a Linux errno into a MacTCP code. */
#include "mactcp.h"

#include <errno.h>
#include <string.h>

/* mactcp.error; owned for the process */
static PyObject *error_class = NULL;

/* MacTCP's result codes with the meaning Apple gives them (facts 5.3). */
static const struct {
    int code;
    const char *text;
} code_texts[] = {
    {MT_ipBadLapErr, "bad network configuration"},
    {MT_ipBadCnfgErr, "bad IP configuration"},
    {MT_ipNoCnfgErr, "missing IP or LAP configuration"},
    {MT_ipLoadErr, "error in MacTCP load"},
    {MT_ipBadAddr, "error in getting address"},
    {MT_connectionClosing, "connection is closing"},
    {MT_invalidLength, "invalid length"},
    {MT_connectionExists, "the stream already has a connection"},
    {MT_connectionDoesntExist, "connection does not exist"},
    {MT_insufficientResources, "insufficient resources"},
    {MT_invalidStreamPtr, "invalid stream"},
    {MT_streamAlreadyOpen, "stream already open"},
    {MT_connectionTerminated, "connection terminated"},
    {MT_invalidBufPtr, "invalid buffer"},
    {MT_invalidRDS, "invalid RDS/WDS"},
    {MT_openFailed, "open failed"},
    {MT_commandTimeout, "command timeout"},
    {MT_duplicateSocket, "duplicate socket"},
    {MT_ipDontFragErr, "packet too large to send without fragmenting"},
    {MT_ipDestDeadErr, "destination not responding"},
    {MT_ipNoFragMemErr, "no memory to send fragmented packet"},
    {MT_ipRouteErr, "cannot route packet off-net"},
};

/* The errno -> MacTCP table (documented in Doc/mactcp.rst).  An errno that
 * is not listed maps to connectionTerminated. */
static const struct errno_row {
    int err;
    int code;
    int reason;     /* TCPTerminate reason when it ends a connection */
} errno_table[] = {
    {ECONNREFUSED, MT_openFailed, MT_TCPRemoteAbort},
    {ECONNRESET, MT_connectionTerminated, MT_TCPRemoteAbort},
    {EPIPE, MT_connectionTerminated, MT_TCPRemoteAbort},
    {ECONNABORTED, MT_connectionTerminated, MT_TCPRemoteAbort},
    {ETIMEDOUT, MT_connectionTerminated, MT_TCPULPTimeoutTerminate},
    {EADDRINUSE, MT_duplicateSocket, MT_TCPNetworkFailure},
    {EADDRNOTAVAIL, MT_ipBadAddr, MT_TCPNetworkFailure},
    {EHOSTUNREACH, MT_ipDestDeadErr, MT_TCPNetworkFailure},
    {EHOSTDOWN, MT_ipDestDeadErr, MT_TCPNetworkFailure},
    {ENETUNREACH, MT_ipRouteErr, MT_TCPNetworkFailure},
    {ENETDOWN, MT_ipBadLapErr, MT_TCPNetworkFailure},
    {ENONET, MT_ipBadLapErr, MT_TCPNetworkFailure},
    {EMSGSIZE, MT_ipDontFragErr, MT_TCPNetworkFailure},
    {ENOBUFS, MT_insufficientResources, MT_TCPNetworkFailure},
    {ENOMEM, MT_insufficientResources, MT_TCPNetworkFailure},
    {EMFILE, MT_insufficientResources, MT_TCPNetworkFailure},
    {ENFILE, MT_insufficientResources, MT_TCPNetworkFailure},
    {ENOTCONN, MT_connectionDoesntExist, MT_TCPNetworkFailure},
    {EISCONN, MT_connectionExists, MT_TCPNetworkFailure},
    {EPROTO, MT_connectionTerminated, MT_TCPNetworkFailure},
    {EACCES, MT_openFailed, MT_TCPNetworkFailure},
    {EPERM, MT_openFailed, MT_TCPNetworkFailure},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* the errno's row of errno_table, or NULL */
static const struct errno_row *
errno_row(int err)
{
    size_t i;

    for (i = 0; i < COUNT(errno_table); i++)
        if (errno_table[i].err == err)
            return &errno_table[i];
    return NULL;
}

int
mterrors_code_for_errno(int err)
{
    const struct errno_row *row = errno_row(err);

    return row != NULL ? row->code : MT_connectionTerminated;
}

int
mterrors_reason_for_errno(int err)
{
    const struct errno_row *row = errno_row(err);

    return row != NULL ? row->reason : MT_TCPNetworkFailure;
}

static const char *
code_text(int code)
{
    size_t i;

    for (i = 0; i < COUNT(code_texts); i++)
        if (code_texts[i].code == code)
            return code_texts[i].text;
    return NULL;
}

/* error((code, text)) */
static PyObject *
raise_text(int code, const char *text)
{
    PyObject *value = Py_BuildValue("(iN)", code, cs_native_str(text));

    if (value != NULL) {
        PyErr_SetObject(error_class, value);
        Py_DECREF(value);
    }
    return NULL;
}

/* error((code, message)); the message adds strerror(err) when err != 0 */
PyObject *
mterrors_raise_errno(int code, int err)
{
    char buf[256];
    const char *text;

    if (code == 0)
        code = mterrors_code_for_errno(err);
    text = code_text(code);
    if (text == NULL)
        snprintf(buf, sizeof(buf), "Mac OS error code %d", code);
    else if (err != 0)
        snprintf(buf, sizeof(buf), "%s (%s)", text, strerror(err));
    else
        snprintf(buf, sizeof(buf), "%s", text);
    return raise_text(code, buf);
}

PyObject *
mterrors_raise(int code)
{
    return mterrors_raise_errno(code, 0);
}

PyObject *
mterrors_raise_msg(const char *msg)
{
    PyErr_SetString(error_class, msg);
    return NULL;
}

/* error((insufficientResources, text)) for events the driver could not
 * queue */
PyObject *
mterrors_events_lost(int count)
{
    char buf[128];

    snprintf(buf, sizeof(buf), "%s: %d asr event%s lost (out of memory)",
             code_text(MT_insufficientResources), count,
             count == 1 ? "" : "s");
    return raise_text(MT_insufficientResources, buf);
}

PyObject *
mterrors_passive_busy(void)
{
    return mterrors_raise_msg("Operation not allowed, PassiveOpen in "
                              "progress");
}

int
mterrors_add_to_module(PyObject *module)
{
    if (error_class == NULL) {
        error_class = PyErr_NewException("mactcp.error", NULL, NULL);
        if (error_class == NULL)
            return -1;
    }
    return PyModule_AddObjectRef(module, "error", error_class);
}

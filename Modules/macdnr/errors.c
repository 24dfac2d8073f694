/* errors.c - macdnr.error and the texts of the DNR's result codes.  The
 * value raised is (code, message) as MacPython's PyErr_Mac made it, or a
 * plain string for the module's own checks ("DNR already open"). */
#include "macdnr_py.h"

static PyObject *dnrerrors_error = NULL;   /* owned for the process */

/* The codes with the meanings MacTCP's guide gives them (facts 4). */
static const struct {
    int code;
    const char *text;
} texts[] = {
    {DNR_notOpenErr, "the resolver is not open"},
    {DNR_ioErr, "I/O error"},
    {DNR_fnfErr, "file not found"},
    {DNR_nameSyntaxErr, "host name syntax error"},
    {DNR_cacheFault, "not in the cache: a name server is being asked"},
    {DNR_noNameServer, "no name server can be found for the name"},
    {DNR_authNameErr, "this domain name does not exist"},
    {DNR_noAnsErr, "none of the known name servers are responding"},
    {DNR_dnrErr, "the domain name server has returned an error"},
    {DNR_outOfMemory, "not enough memory"},
};

PyObject *
dnrerrors_raise(int code, const char *detail)
{
    char buf[64];
    const char *text = detail;
    PyObject *value;
    size_t i;

    for (i = 0; text == NULL && i < sizeof(texts) / sizeof(texts[0]); i++)
        if (texts[i].code == code)
            text = texts[i].text;
    if (text == NULL) {
        snprintf(buf, sizeof(buf), "Mac OS error code %d", code);
        text = buf;
    }
    value = Py_BuildValue("(iN)", code, cs_native_str(text));
    if (value != NULL) {
        PyErr_SetObject(dnrerrors_error, value);
        Py_DECREF(value);
    }
    return NULL;
}

PyObject *
dnrerrors_raise_msg(const char *msg)
{
    PyErr_SetString(dnrerrors_error, msg);
    return NULL;
}

int
dnrerrors_add_to_module(PyObject *module)
{
    if (dnrerrors_error == NULL) {
        dnrerrors_error = PyErr_NewException("macdnr.error", NULL, NULL);
        if (dnrerrors_error == NULL)
            return -1;
    }
    return PyModule_AddObjectRef(module, "error", dnrerrors_error);
}

/* resolver.c - the open resolver: Open() and Close(), and how a query
 * starts (macdnr-facts section 2).
 *
 * Open(path) reads a Hosts file and nothing else: its NS records (the
 * root's, `. NS name`, for the default server) are the only servers asked,
 * and its ;macdnr directives give the default domain.  Open() without a
 * path, and the implicit open of a first query, read the system's
 * configuration (sysconf.c).  Everything here runs with the GIL held;
 * files are read with it released.
 *
 * A query completes at once, with no server asked, when the input is a
 * dotted quad or the cache (the Hosts entries) knows the name; a name that
 * is malformed, or that no server serves, raises at once (nameSyntaxErr,
 * noNameServer), as MacPython raised any code but cacheFault.  Otherwise
 * the query goes to the resolver thread with its own copy of the servers
 * to ask, and the result object is returned pending.  Close() ends the
 * queries still in flight with notOpenErr. */
#include "macdnr_py.h"

#include <string.h>

#define RESOLV_CONF "/etc/resolv.conf"
#define ETC_HOSTS "/etc/hosts"

static dnr_config *current = NULL;      /* owned while open */

/* Reads a configuration (the GIL released); NULL with an exception. */
static dnr_config *
load(const char *path)
{
    dnr_config *cfg = dnrconfig_new();
    char err[512];
    int code;

    if (cfg == NULL) {
        dnrerrors_raise(DNR_outOfMemory, NULL);
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    if (path != NULL)
        code = dnrhosts_load(cfg, path, err, sizeof(err));
    else
        code = dnrsysconf_load(cfg, RESOLV_CONF, ETC_HOSTS) < 0
               ? DNR_outOfMemory : 0;
    Py_END_ALLOW_THREADS
    if (code != 0) {
        dnrconfig_free(cfg);
        dnrerrors_raise(code, code == DNR_outOfMemory ? NULL : err);
        return NULL;
    }
    return cfg;
}

PyObject *
dnrresolver_open(const char *path)
{
    dnr_config *cfg;

    if (current != NULL)
        return dnrerrors_raise_msg("DNR already open");
    cfg = load(path);
    if (cfg == NULL)
        return NULL;
    if (current != NULL) {      /* another thread opened meanwhile */
        dnrconfig_free(cfg);
        return dnrerrors_raise_msg("DNR already open");
    }
    current = cfg;
    Py_RETURN_NONE;
}

int
dnrresolver_ensure_open(void)
{
    dnr_config *cfg;

    if (current != NULL)
        return 0;
    cfg = load(NULL);
    if (cfg == NULL)
        return -1;
    if (current != NULL)        /* another thread opened meanwhile */
        dnrconfig_free(cfg);
    else
        current = cfg;
    return 0;
}

/* Stops the engine: its thread never takes the GIL and leaves at once
 * when told, so the join is short and needs no GIL release (which would
 * let another thread submit to the engine being stopped). */
static void
close_current(void)
{
    dnrconfig_free(current);
    current = NULL;
    dnrengine_stop();
}

PyObject *
dnrresolver_close(void)
{
    if (current == NULL)
        return dnrerrors_raise(DNR_notOpenErr, NULL);
    close_current();
    Py_RETURN_NONE;
}

void
dnrresolver_shutdown(void)
{
    if (current != NULL)
        close_current();
    else
        dnrengine_stop();
}

/* A finished query that asked no server. */
static dnr_query *
answered(void)
{
    dnr_query *q = dnrengine_query_new();

    if (q != NULL)
        q->done = 1;
    return q;
}

/* Hands q to the resolver thread, asking the servers for its qname. */
static PyObject *
submit(int kind, dnr_query *q)
{
    int err;

    q->nservers = dnrconfig_servers(current, q->qname, q->servers);
    if (q->nservers == 0) {
        dnrengine_release(q);
        return dnrerrors_raise(DNR_noNameServer, NULL);
    }
    q->timeout = current->timeout;
    q->attempts = current->attempts;
    err = dnrengine_submit(q);
    if (err < 0) {
        dnrengine_release(q);
        return dnrerrors_raise(DNR_outOfMemory, strerror(-err));
    }
    return dnrresult_new(kind, q);
}

PyObject *
dnrresolver_lookup(int kind, PyObject *name_obj, const char *caller)
{
    static const int qtypes[] = {0, DNR_T_A, DNR_T_HINFO, DNR_T_MX};
    PyObject *bytes = cs_text_to_bytes(name_obj, "utf-8", caller);
    char name[DNR_NAME_SIZE];
    char qname[DNR_NAME_SIZE];
    uint32_t addr[DNR_NUM_ADDRS];
    dnr_query *q;
    Py_ssize_t len;
    int n;

    if (bytes == NULL)
        return NULL;
    len = PyBytes_GET_SIZE(bytes);
    if (len >= (Py_ssize_t)sizeof(name)
        || (Py_ssize_t)strlen(PyBytes_AS_STRING(bytes)) != len) {
        Py_DECREF(bytes);
        return dnrerrors_raise(DNR_nameSyntaxErr, NULL);
    }
    memcpy(name, PyBytes_AS_STRING(bytes), (size_t)len + 1);
    Py_DECREF(bytes);
    if (dnrresolver_ensure_open() < 0)
        return NULL;

    if (kind == DNR_ADDR) {
        n = dnrnames_dotted(name, &addr[0]);
        if (n < 0)
            return dnrerrors_raise(DNR_nameSyntaxErr, NULL);
        if (n == 1) {
            q = answered();
            if (q == NULL)
                return dnrerrors_raise(DNR_outOfMemory, NULL);
            q->rec.addr[0] = addr[0];
            dnrnames_format_addr(addr[0], q->rec.cname);
            return dnrresult_new(kind, q);
        }
    }
    if (dnrnames_check(name) < 0
        || dnrnames_qualify(name, current->domain, qname, sizeof(qname)) < 0)
        return dnrerrors_raise(DNR_nameSyntaxErr, NULL);

    /* the cache: its CNAMEs lead the query, its A records answer it */
    q = dnrengine_query_new();
    if (q == NULL)
        return dnrerrors_raise(DNR_outOfMemory, NULL);
    n = dnrconfig_lookup(current, qname, q->qname, sizeof(q->qname), addr);
    if (kind == DNR_ADDR && n > 0) {
        q->done = 1;
        memcpy(q->rec.addr, addr, sizeof(uint32_t) * (size_t)n);
        dnrnames_absolute(q->qname, q->rec.cname, sizeof(q->rec.cname));
        return dnrresult_new(kind, q);
    }
    q->qtype = qtypes[kind];
    return submit(kind, q);
}

PyObject *
dnrresolver_addr_to_name(uint32_t addr)
{
    dnr_query *q;

    if (dnrresolver_ensure_open() < 0)
        return NULL;
    q = dnrengine_query_new();
    if (q == NULL)
        return dnrerrors_raise(DNR_outOfMemory, NULL);
    dnrnames_reverse(addr, q->qname, sizeof(q->qname));
    q->qtype = DNR_T_PTR;
    q->rec.addr[0] = addr;      /* the address asked about, as ip0 */
    return submit(DNR_ADDR, q);
}

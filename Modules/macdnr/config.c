/* config.c - what an Open() sets up: the cache of fixed entries (A, CNAME
 * and NS records from the Hosts file, or /etc/hosts), the default domain,
 * the default servers and the retry policy; and the two questions asked
 * of it, the cache's answer for a name and the servers for a name.
 * Plain C with malloc: a config is built and read with the GIL held, and
 * the resolver thread never sees it (a query carries its own servers). */
#include "macdnr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_HOPS 16         /* CNAMEs followed in the cache */

dnr_config *
dnrconfig_new(void)
{
    dnr_config *cfg = calloc(1, sizeof(*cfg));

    if (cfg == NULL)
        return NULL;
    cfg->timeout = DNR_DEFAULT_TIMEOUT;
    cfg->attempts = DNR_DEFAULT_ATTEMPTS;
    return cfg;
}

void
dnrconfig_free(dnr_config *cfg)
{
    if (cfg == NULL)
        return;
    free(cfg->entries);
    free(cfg);
}

int
dnrconfig_add(dnr_config *cfg, const char *name, int type, uint32_t addr,
              int port, const char *target)
{
    dnr_entry *e;

    if (cfg->count == cfg->cap) {
        size_t cap = cfg->cap ? cfg->cap * 2 : 16;
        dnr_entry *grown = realloc(cfg->entries, cap * sizeof(*grown));

        if (grown == NULL)
            return -1;
        cfg->entries = grown;
        cfg->cap = cap;
    }
    e = &cfg->entries[cfg->count++];
    memset(e, 0, sizeof(*e));
    snprintf(e->name, sizeof(e->name), "%s", name);
    e->type = type;
    e->addr = addr;
    e->port = port;
    if (target != NULL)
        snprintf(e->target, sizeof(e->target), "%s", target);
    return 0;
}

int
dnrconfig_lookup(const dnr_config *cfg, const char *qname, char *final,
                 size_t size, uint32_t addr[DNR_NUM_ADDRS])
{
    char cur[DNR_NAME_SIZE];
    int hops;
    int n = 0;
    size_t i;

    snprintf(cur, sizeof(cur), "%s", qname);
    for (hops = 0; hops < MAX_HOPS; hops++) {
        int moved = 0;

        for (i = 0; i < cfg->count; i++) {
            const dnr_entry *e = &cfg->entries[i];

            if (e->type == DNR_T_CNAME && dnrnames_equal(e->name, cur)) {
                snprintf(cur, sizeof(cur), "%s", e->target);
                moved = 1;
                break;
            }
        }
        if (!moved)
            break;
    }
    for (i = 0; i < cfg->count && n < DNR_NUM_ADDRS; i++) {
        const dnr_entry *e = &cfg->entries[i];

        if (e->type == DNR_T_A && dnrnames_equal(e->name, cur))
            addr[n++] = e->addr;
    }
    snprintf(final, size, "%s", cur);
    return n;
}

/* Adds a server unless it is there already; returns the new count. */
static int
add_server(dnr_server *out, int n, uint32_t addr, int port)
{
    int i;

    if (n >= DNR_MAX_SERVERS)
        return n;
    for (i = 0; i < n; i++)
        if (out[i].addr == addr && out[i].port == port)
            return n;
    out[n].addr = addr;
    out[n].port = port;
    return n + 1;
}

/* The servers named by the NS entries of exactly `zone`, through the A
 * entries of their names (an NS whose name has no A entry is skipped:
 * finding it would need a server already). */
static int
zone_servers(const dnr_config *cfg, const char *zone, dnr_server *out,
             int n)
{
    size_t i;
    size_t j;

    for (i = 0; i < cfg->count; i++) {
        const dnr_entry *ns = &cfg->entries[i];

        if (ns->type != DNR_T_NS || !dnrnames_equal(ns->name, zone))
            continue;
        for (j = 0; j < cfg->count; j++) {
            const dnr_entry *a = &cfg->entries[j];

            if (a->type == DNR_T_A && dnrnames_equal(a->name, ns->target))
                n = add_server(out, n, a->addr, a->port);
        }
    }
    return n;
}

int
dnrconfig_servers(const dnr_config *cfg, const char *qname,
                  dnr_server out[DNR_MAX_SERVERS])
{
    const char *zone = qname;
    int n = 0;
    int i;

    /* the name's own domain, then each parent up to the root ("") */
    for (;;) {
        n = zone_servers(cfg, zone, out, n);
        if (*zone == '\0')
            break;
        zone = strchr(zone, '.');
        zone = zone != NULL ? zone + 1 : "";
    }
    for (i = 0; i < cfg->ndflt; i++)
        n = add_server(out, n, cfg->dflt[i].addr, cfg->dflt[i].port);
    return n;
}

/* sysconf.c - the system's configuration, what MacTCP took from its
 * Control Panel and the System Folder's Hosts file: from resolv.conf the
 * default name servers (`nameserver`, IPv4 ones, at most 3 as glibc reads
 * them), the default domain (`domain`, or the first name of `search`,
 * whichever comes last; else the domain part of the host name) and
 * `options timeout:N attempts:N`; from the hosts file the fixed entries
 * (IPv4 lines: the first name is an A record, the others CNAMEs to it).
 * A missing file is an empty one. */
#include "macdnr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_NAMESERVERS 3

/* The blank-separated words of line (modified) into words; their number */
static int
words(char *line, char **out, int max)
{
    int n = 0;
    char *save = NULL;
    char *w;

    line[strcspn(line, "#;\r\n")] = '\0';
    for (w = strtok_r(line, " \t", &save); w != NULL && n < max;
         w = strtok_r(NULL, " \t", &save))
        out[n++] = w;
    return n;
}

static void
set_domain(dnr_config *cfg, const char *name)
{
    size_t len = strlen(name);

    if (dnrnames_check(name) < 0)
        return;
    if (len > 0 && name[len - 1] == '.')
        len--;
    snprintf(cfg->domain, sizeof(cfg->domain), "%.*s", (int)len, name);
}

static void
read_options(dnr_config *cfg, char **w, int n)
{
    int i;

    for (i = 1; i < n; i++) {
        if (strncmp(w[i], "timeout:", 8) == 0) {
            int v = atoi(w[i] + 8);

            /* glibc's bounds: at least 1 s, at most 30 */
            cfg->timeout = v < 1 ? 1.0 : v > 30 ? 30.0 : (double)v;
        }
        else if (strncmp(w[i], "attempts:", 9) == 0) {
            int v = atoi(w[i] + 9);

            cfg->attempts = v < 1 ? 1 : v > 5 ? 5 : v;
        }
    }
}

static void
read_resolv_conf(dnr_config *cfg, const char *path)
{
    FILE *f = fopen(path, "re");
    char line[1024];
    int have_domain = 0;

    cfg->timeout = 5.0;     /* glibc's RES_TIMEOUT and RES_DFLRETRY */
    cfg->attempts = 2;
    if (f != NULL) {
        while (fgets(line, sizeof(line), f) != NULL) {
            char *w[16];
            int n = words(line, w, 16);
            uint32_t addr;

            if (n >= 2 && strcmp(w[0], "nameserver") == 0) {
                if (cfg->ndflt < MAX_NAMESERVERS
                    && dnrnames_dotted(w[1], &addr) == 1) {
                    cfg->dflt[cfg->ndflt].addr = addr;
                    cfg->dflt[cfg->ndflt].port = DNR_DNS_PORT;
                    cfg->ndflt++;
                }
            }
            else if (n >= 2 && (strcmp(w[0], "domain") == 0
                                || strcmp(w[0], "search") == 0)) {
                set_domain(cfg, w[1]);
                have_domain = 1;
            }
            else if (n >= 2 && strcmp(w[0], "options") == 0) {
                read_options(cfg, w, n);
            }
        }
        fclose(f);
    }
    if (!have_domain) {
        char host[256];
        const char *dot;

        if (gethostname(host, sizeof(host)) == 0) {
            host[sizeof(host) - 1] = '\0';
            dot = strchr(host, '.');
            if (dot != NULL && dot[1] != '\0')
                set_domain(cfg, dot + 1);
        }
    }
}

/* A name of the hosts file, read with MacTCP's rule for the names it is
 * asked: no dots, relative to the default domain; else as written. */
static int
hosts_name(const dnr_config *cfg, const char *name, char *out)
{
    if (dnrnames_check(name) < 0)
        return -1;
    return dnrnames_qualify(name, cfg->domain, out, DNR_NAME_SIZE);
}

static int
read_hosts(dnr_config *cfg, const char *path)
{
    FILE *f = fopen(path, "re");
    char line[1024];
    int status = 0;

    if (f == NULL)
        return 0;
    while (status == 0 && fgets(line, sizeof(line), f) != NULL) {
        char *w[34];
        char first[DNR_NAME_SIZE];
        char name[DNR_NAME_SIZE];
        int n = words(line, w, 34);
        uint32_t addr;
        int i;

        if (n < 2 || dnrnames_dotted(w[0], &addr) != 1
            || hosts_name(cfg, w[1], first) < 0)
            continue;   /* IPv6 lines and others MacTCP has no use for */
        status = dnrconfig_add(cfg, first, DNR_T_A, addr, DNR_DNS_PORT,
                               NULL);
        for (i = 2; status == 0 && i < n; i++)
            if (hosts_name(cfg, w[i], name) == 0)
                status = dnrconfig_add(cfg, name, DNR_T_CNAME, 0, 0, first);
    }
    fclose(f);
    return status;
}

int
dnrsysconf_load(dnr_config *cfg, const char *resolv_conf, const char *hosts)
{
    read_resolv_conf(cfg, resolv_conf);
    return read_hosts(cfg, hosts);
}

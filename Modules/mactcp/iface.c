/* iface.c - the "primary interface" behind MTU(), IPAddr() and
 * NetMask(): the interface holding the IPv4 default route (lowest metric);
 * else the first interface that is up, not loopback and has an IPv4
 * address; else loopback.  Everything is read from the kernel:
 * /proc/net/route, getifaddrs() and SIOCGIFMTU. */
#include "mactcp.h"
#include "fdutil.h"

#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

/* Name of the interface holding the default route, from /proc/net/route.
 * Returns 1 when found. */
static int
default_route_iface(char *name, size_t size)
{
    FILE *f = fopen("/proc/net/route", "re");
    char line[512];
    unsigned long best_metric = (unsigned long)-1;
    int found = 0;

    if (f == NULL)
        return 0;
    while (fgets(line, sizeof(line), f) != NULL) {
        char ifname[IF_NAMESIZE + 1];
        unsigned long dest;
        unsigned long gw;
        unsigned long flags;
        unsigned long refcnt;
        unsigned long use;
        unsigned long metric;
        unsigned long mask;

        if (sscanf(line, "%16s %lx %lx %lx %lu %lu %lu %lx", ifname, &dest,
                   &gw, &flags, &refcnt, &use, &metric, &mask) != 8)
            continue;   /* the header line */
        if (dest != 0 || mask != 0 || !(flags & 0x1 /* RTF_UP */))
            continue;
        if (!found || metric < best_metric) {
            snprintf(name, size, "%s", ifname);
            best_metric = metric;
            found = 1;
        }
    }
    fclose(f);
    return found;
}

static int
iface_mtu(const char *name)
{
    struct ifreq ifr;
    int fd = fdutil_socket(AF_INET, SOCK_DGRAM, 0, 0);
    int mtu = -1;

    if (fd < 0)
        return fd;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
    if (ioctl(fd, SIOCGIFMTU, &ifr) == 0)
        mtu = ifr.ifr_mtu;
    else
        mtu = -errno;
    fdutil_close(fd);
    return mtu;
}

int
mtiface_primary(mtcp_iface *out)
{
    struct ifaddrs *list;
    struct ifaddrs *ifa;
    struct ifaddrs *chosen = NULL;
    struct ifaddrs *loopback = NULL;
    struct ifaddrs *first_up = NULL;
    char route_if[IF_NAMESIZE + 1];
    int have_route;
    int mtu;

    memset(out, 0, sizeof(*out));
    have_route = default_route_iface(route_if, sizeof(route_if));
    if (getifaddrs(&list) < 0)
        return -errno;
    for (ifa = list; ifa != NULL; ifa = ifa->ifa_next) {
        if (ifa->ifa_addr == NULL || ifa->ifa_addr->sa_family != AF_INET
            || !(ifa->ifa_flags & IFF_UP))
            continue;
        if (have_route && chosen == NULL
            && strcmp(ifa->ifa_name, route_if) == 0)
            chosen = ifa;
        if (ifa->ifa_flags & IFF_LOOPBACK) {
            if (loopback == NULL)
                loopback = ifa;
        }
        else if (first_up == NULL)
            first_up = ifa;
    }
    if (chosen == NULL)
        chosen = first_up != NULL ? first_up : loopback;
    if (chosen == NULL) {
        freeifaddrs(list);
        return -ENODEV;
    }
    out->addr = ntohl(
        ((struct sockaddr_in *)chosen->ifa_addr)->sin_addr.s_addr);
    if (chosen->ifa_netmask != NULL)
        out->mask = ntohl(
            ((struct sockaddr_in *)chosen->ifa_netmask)->sin_addr.s_addr);
    mtu = iface_mtu(chosen->ifa_name);
    freeifaddrs(list);
    if (mtu < 0)
        return mtu;
    out->mtu = mtu;
    return 0;
}

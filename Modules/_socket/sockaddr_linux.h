/* sockaddr_linux.h - Python objects <-> struct sockaddr for the Linux
 * families AF_PACKET, AF_VSOCK and AF_ALG (sockaddr_linux.c), called by
 * sockaddr_parse() and sockaddr_build() (sockaddr.c).  A family is
 * converted where the system defines it and has its header; the macros
 * below say which. */
#ifndef CLASSICSOCKET_SOCKADDR_LINUX_H
#define CLASSICSOCKET_SOCKADDR_LINUX_H

#include "sockaddr.h"

#if defined(__linux__) && defined(__has_include)
#if defined(AF_PACKET) && __has_include(<linux/if_packet.h>)
#define SOCKADDR_LINUX_PACKET 1
#endif
#if defined(AF_VSOCK) && __has_include(<linux/vm_sockets.h>)
#define SOCKADDR_LINUX_VSOCK 1
#endif
#if defined(AF_ALG) && __has_include(<linux/if_alg.h>)
#define SOCKADDR_LINUX_ALG 1
#endif
#endif

/* Each parse function fills *addr and *len from obj: 0, or -1 with
 * TypeError (not a tuple of the family's form), ValueError, OverflowError
 * or error (an unknown interface) set, as the standard library raises
 * them; messages name `caller`.  Each build function returns the Python
 * form of an address of its family (new ref), or NULL with no exception
 * set when len is too short for it (the caller then gives the raw form). */
#ifdef SOCKADDR_LINUX_PACKET
/* (ifname, proto[, pkttype[, hatype[, addr]]]) <->
 * (ifname, proto, pkttype, hatype, addr bytes) */
int sockaddr_linux_parse_packet(PyObject *obj, sock_addr_t *addr,
                                socklen_t *len, const char *caller);
PyObject *sockaddr_linux_build_packet(const struct sockaddr *addr,
                                      socklen_t len);
#endif
#ifdef SOCKADDR_LINUX_VSOCK
/* (cid, port) */
int sockaddr_linux_parse_vsock(PyObject *obj, sock_addr_t *addr,
                               socklen_t *len, const char *caller);
PyObject *sockaddr_linux_build_vsock(const struct sockaddr *addr,
                                     socklen_t len);
#endif
#ifdef SOCKADDR_LINUX_ALG
/* (type, name[, feat[, mask]]).  No build: the kernel never reports an
 * AF_ALG address (no getsockname, accept gives none), and the standard
 * library has no form for one either. */
int sockaddr_linux_parse_alg(PyObject *obj, sock_addr_t *addr,
                             socklen_t *len, const char *caller);
#endif

#endif /* CLASSICSOCKET_SOCKADDR_LINUX_H */

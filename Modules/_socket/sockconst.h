/* sockconst.h - the integer constants of _socket, as one table.
 *
 * Every entry is data: SC(NAME) expands to {"NAME", NAME} and is compiled
 * only when the platform headers define NAME, so the values are always the
 * platform's own.  SC_DEFAULT gives the value CPython's _socket uses
 * when a header lacks the name (glibc declares IPPORT_* only as enum
 * members, which #ifdef cannot see; UDPLITE_* and the newer ALG_* are
 * fixed by the kernel ABI but missing from some headers).  Other enum
 * members are guarded by the presence of their header instead:
 * CS_HAVE_LINUX_TIPC_H, CS_HAVE_LINUX_CAN_RAW_H, CS_HAVE_LINUX_CAN_BCM_H and
 * CS_HAVE_LINUX_CAN_J1939_H, which sockconst.c defines.
 *
 * The names are the union of the integer constants of CPython 2.7's and
 * CPython 3.8-3.13's _socket on Linux in the families AF_, PF_, SOCK_, SOL_,
 * SO_, SOMAXCONN, SCM_, MSG_, SHUT_, IPPROTO_, IPPORT_, INADDR_, IP_, IPV6_,
 * TCP_, EAI_, AI_, NI_, NETLINK_, PACKET_, TIPC_, the AF_VSOCK ones
 * (VMADDR_, VM_SOCKETS_, IOCTL_VM_SOCKETS_), CAN_, J1939_, ALG_, UDPLITE_
 * and ETHERTYPE_/ETH_P_ALL.  sockconst_spans, at the end, restricts each
 * Python 3 to the names of its own _socket.
 *
 * Only sockconst.c includes this file, after the system headers. */
#ifndef CLASSICSOCKET_SOCKCONST_H
#define CLASSICSOCKET_SOCKCONST_H

typedef struct {
    const char *name;
    long value;
} sockconst;

#define SC(name) {#name, (long)(name)}
#define SC_DEFAULT(name, value) {#name, (value)}
/* a name CPython gives a kernel constant of another spelling (CAN BCM's) */
#define SC_AS(name, cname) {#name, (long)(cname)}

static const sockconst sockconst_table[] = {

    /* ---- AF_* ---- */
#ifdef AF_ALG
    SC(AF_ALG),
#endif
#ifdef AF_APPLETALK
    SC(AF_APPLETALK),
#endif
#ifdef AF_ASH
    SC(AF_ASH),
#endif
#ifdef AF_ATMPVC
    SC(AF_ATMPVC),
#endif
#ifdef AF_ATMSVC
    SC(AF_ATMSVC),
#endif
#ifdef AF_AX25
    SC(AF_AX25),
#endif
#ifdef AF_BRIDGE
    SC(AF_BRIDGE),
#endif
#ifdef AF_CAN
    SC(AF_CAN),
#endif
#ifdef AF_DECnet
    SC(AF_DECnet),
#endif
#ifdef AF_ECONET
    SC(AF_ECONET),
#endif
#ifdef AF_INET
    SC(AF_INET),
#endif
#ifdef AF_INET6
    SC(AF_INET6),
#endif
#ifdef AF_IPX
    SC(AF_IPX),
#endif
#ifdef AF_IRDA
    SC(AF_IRDA),
#endif
#ifdef AF_KEY
    SC(AF_KEY),
#endif
#ifdef AF_LLC
    SC(AF_LLC),
#endif
#ifdef AF_NETBEUI
    SC(AF_NETBEUI),
#endif
#ifdef AF_NETLINK
    SC(AF_NETLINK),
#endif
#ifdef AF_NETROM
    SC(AF_NETROM),
#endif
#ifdef AF_PACKET
    SC(AF_PACKET),
#endif
#ifdef AF_PPPOX
    SC(AF_PPPOX),
#endif
#ifdef AF_QIPCRTR
    SC(AF_QIPCRTR),
#endif
#ifdef AF_RDS
    SC(AF_RDS),
#endif
#ifdef AF_ROSE
    SC(AF_ROSE),
#endif
#ifdef AF_ROUTE
    SC(AF_ROUTE),
#endif
#ifdef AF_SECURITY
    SC(AF_SECURITY),
#endif
#ifdef AF_SNA
    SC(AF_SNA),
#endif
#ifdef AF_TIPC
    SC(AF_TIPC),
#endif
#ifdef AF_UNIX
    SC(AF_UNIX),
#endif
#ifdef AF_UNSPEC
    SC(AF_UNSPEC),
#endif
#ifdef AF_VSOCK
    SC(AF_VSOCK),
#endif
#ifdef AF_WANPIPE
    SC(AF_WANPIPE),
#endif
#ifdef AF_X25
    SC(AF_X25),
#endif

    /* ---- PF_* ---- */
#ifdef PF_CAN
    SC(PF_CAN),
#endif
#ifdef PF_PACKET
    SC(PF_PACKET),
#endif
#ifdef PF_RDS
    SC(PF_RDS),
#endif

    /* ---- SOCK_* ---- */
#ifdef SOCK_CLOEXEC
    SC(SOCK_CLOEXEC),
#endif
#ifdef SOCK_DGRAM
    SC(SOCK_DGRAM),
#endif
#ifdef SOCK_NONBLOCK
    SC(SOCK_NONBLOCK),
#endif
#ifdef SOCK_RAW
    SC(SOCK_RAW),
#endif
#ifdef SOCK_RDM
    SC(SOCK_RDM),
#endif
#ifdef SOCK_SEQPACKET
    SC(SOCK_SEQPACKET),
#endif
#ifdef SOCK_STREAM
    SC(SOCK_STREAM),
#endif

    /* ---- SOL_* ---- */
#ifdef SOL_ALG
    SC(SOL_ALG),
#endif
#ifdef SOL_CAN_BASE
    SC(SOL_CAN_BASE),
#endif
#ifdef SOL_CAN_RAW
    SC(SOL_CAN_RAW),
#endif
#ifdef SOL_IP
    SC(SOL_IP),
#else
    SC_DEFAULT(SOL_IP, 0),
#endif
#ifdef SOL_RDS
    SC(SOL_RDS),
#endif
#ifdef SOL_SOCKET
    SC(SOL_SOCKET),
#endif
#ifdef SOL_TCP
    SC(SOL_TCP),
#else
    SC_DEFAULT(SOL_TCP, 6),
#endif
#ifdef SOL_TIPC
    SC(SOL_TIPC),
#endif
#ifdef SOL_UDP
    SC(SOL_UDP),
#else
    SC_DEFAULT(SOL_UDP, 17),
#endif

    /* ---- SO_* ---- */
#ifdef SO_ACCEPTCONN
    SC(SO_ACCEPTCONN),
#endif
#ifdef SO_BINDTODEVICE
    SC(SO_BINDTODEVICE),
#endif
#ifdef SO_BINDTOIFINDEX
    SC(SO_BINDTOIFINDEX),
#endif
#ifdef SO_BROADCAST
    SC(SO_BROADCAST),
#endif
#ifdef SO_DEBUG
    SC(SO_DEBUG),
#endif
#ifdef SO_DOMAIN
    SC(SO_DOMAIN),
#endif
#ifdef SO_DONTROUTE
    SC(SO_DONTROUTE),
#endif
#ifdef SO_ERROR
    SC(SO_ERROR),
#endif
#ifdef SO_INCOMING_CPU
    SC(SO_INCOMING_CPU),
#endif
#if defined(SO_J1939_ERRQUEUE) || defined(CS_HAVE_LINUX_CAN_J1939_H)
    SC(SO_J1939_ERRQUEUE),
#endif
#if defined(SO_J1939_FILTER) || defined(CS_HAVE_LINUX_CAN_J1939_H)
    SC(SO_J1939_FILTER),
#endif
#if defined(SO_J1939_PROMISC) || defined(CS_HAVE_LINUX_CAN_J1939_H)
    SC(SO_J1939_PROMISC),
#endif
#if defined(SO_J1939_SEND_PRIO) || defined(CS_HAVE_LINUX_CAN_J1939_H)
    SC(SO_J1939_SEND_PRIO),
#endif
#ifdef SO_KEEPALIVE
    SC(SO_KEEPALIVE),
#endif
#ifdef SO_LINGER
    SC(SO_LINGER),
#endif
#ifdef SO_MARK
    SC(SO_MARK),
#endif
#ifdef SO_OOBINLINE
    SC(SO_OOBINLINE),
#endif
#ifdef SO_PASSCRED
    SC(SO_PASSCRED),
#endif
#ifdef SO_PASSSEC
    SC(SO_PASSSEC),
#endif
#ifdef SO_PEERCRED
    SC(SO_PEERCRED),
#endif
#ifdef SO_PEERSEC
    SC(SO_PEERSEC),
#endif
#ifdef SO_PRIORITY
    SC(SO_PRIORITY),
#endif
#ifdef SO_PROTOCOL
    SC(SO_PROTOCOL),
#endif
#ifdef SO_RCVBUF
    SC(SO_RCVBUF),
#endif
#ifdef SO_RCVLOWAT
    SC(SO_RCVLOWAT),
#endif
#ifdef SO_RCVTIMEO
    SC(SO_RCVTIMEO),
#endif
#ifdef SO_REUSEADDR
    SC(SO_REUSEADDR),
#endif
#ifdef SO_REUSEPORT
    SC(SO_REUSEPORT),
#endif
#ifdef SO_SNDBUF
    SC(SO_SNDBUF),
#endif
#ifdef SO_SNDLOWAT
    SC(SO_SNDLOWAT),
#endif
#ifdef SO_SNDTIMEO
    SC(SO_SNDTIMEO),
#endif
#ifdef SO_TYPE
    SC(SO_TYPE),
#endif
#ifdef SO_VM_SOCKETS_BUFFER_MAX_SIZE
    SC(SO_VM_SOCKETS_BUFFER_MAX_SIZE),
#endif
#ifdef SO_VM_SOCKETS_BUFFER_MIN_SIZE
    SC(SO_VM_SOCKETS_BUFFER_MIN_SIZE),
#endif
#ifdef SO_VM_SOCKETS_BUFFER_SIZE
    SC(SO_VM_SOCKETS_BUFFER_SIZE),
#endif

    /* ---- SOMAXCONN ---- */
#ifdef SOMAXCONN
    SC(SOMAXCONN),
#else
    SC_DEFAULT(SOMAXCONN, 5),
#endif

    /* ---- SCM_* ---- */
#ifdef SCM_CREDENTIALS
    SC(SCM_CREDENTIALS),
#endif
#if defined(SCM_J1939_DEST_ADDR) || defined(CS_HAVE_LINUX_CAN_J1939_H)
    SC(SCM_J1939_DEST_ADDR),
#endif
#if defined(SCM_J1939_DEST_NAME) || defined(CS_HAVE_LINUX_CAN_J1939_H)
    SC(SCM_J1939_DEST_NAME),
#endif
#if defined(SCM_J1939_ERRQUEUE) || defined(CS_HAVE_LINUX_CAN_J1939_H)
    SC(SCM_J1939_ERRQUEUE),
#endif
#if defined(SCM_J1939_PRIO) || defined(CS_HAVE_LINUX_CAN_J1939_H)
    SC(SCM_J1939_PRIO),
#endif
#ifdef SCM_RIGHTS
    SC(SCM_RIGHTS),
#endif

    /* ---- MSG_* ---- */
#ifdef MSG_CMSG_CLOEXEC
    SC(MSG_CMSG_CLOEXEC),
#endif
#ifdef MSG_CONFIRM
    SC(MSG_CONFIRM),
#endif
#ifdef MSG_CTRUNC
    SC(MSG_CTRUNC),
#endif
#ifdef MSG_DONTROUTE
    SC(MSG_DONTROUTE),
#endif
#ifdef MSG_DONTWAIT
    SC(MSG_DONTWAIT),
#endif
#ifdef MSG_EOR
    SC(MSG_EOR),
#endif
#ifdef MSG_ERRQUEUE
    SC(MSG_ERRQUEUE),
#endif
#ifdef MSG_FASTOPEN
    SC(MSG_FASTOPEN),
#endif
#ifdef MSG_MORE
    SC(MSG_MORE),
#endif
#ifdef MSG_NOSIGNAL
    SC(MSG_NOSIGNAL),
#endif
#ifdef MSG_OOB
    SC(MSG_OOB),
#endif
#ifdef MSG_PEEK
    SC(MSG_PEEK),
#endif
#ifdef MSG_TRUNC
    SC(MSG_TRUNC),
#endif
#ifdef MSG_WAITALL
    SC(MSG_WAITALL),
#endif

    /* ---- SHUT_* ---- */
#ifdef SHUT_RD
    SC(SHUT_RD),
#endif
#ifdef SHUT_RDWR
    SC(SHUT_RDWR),
#endif
#ifdef SHUT_WR
    SC(SHUT_WR),
#endif

    /* ---- IPPROTO_* ---- */
#ifdef IPPROTO_AH
    SC(IPPROTO_AH),
#endif
#ifdef IPPROTO_DSTOPTS
    SC(IPPROTO_DSTOPTS),
#endif
#ifdef IPPROTO_EGP
    SC(IPPROTO_EGP),
#endif
#ifdef IPPROTO_ESP
    SC(IPPROTO_ESP),
#endif
#ifdef IPPROTO_FRAGMENT
    SC(IPPROTO_FRAGMENT),
#endif
#ifdef IPPROTO_GRE
    SC(IPPROTO_GRE),
#endif
#ifdef IPPROTO_HOPOPTS
    SC(IPPROTO_HOPOPTS),
#endif
#ifdef IPPROTO_ICMP
    SC(IPPROTO_ICMP),
#else
    SC_DEFAULT(IPPROTO_ICMP, 1),
#endif
#ifdef IPPROTO_ICMPV6
    SC(IPPROTO_ICMPV6),
#endif
#ifdef IPPROTO_IDP
    SC(IPPROTO_IDP),
#endif
#ifdef IPPROTO_IGMP
    SC(IPPROTO_IGMP),
#endif
#ifdef IPPROTO_IP
    SC(IPPROTO_IP),
#else
    SC_DEFAULT(IPPROTO_IP, 0),
#endif
#ifdef IPPROTO_IPIP
    SC(IPPROTO_IPIP),
#endif
#ifdef IPPROTO_IPV6
    SC(IPPROTO_IPV6),
#endif
#ifdef IPPROTO_MPTCP
    SC(IPPROTO_MPTCP),
#endif
#ifdef IPPROTO_NONE
    SC(IPPROTO_NONE),
#endif
#ifdef IPPROTO_PIM
    SC(IPPROTO_PIM),
#endif
#ifdef IPPROTO_PUP
    SC(IPPROTO_PUP),
#endif
#ifdef IPPROTO_RAW
    SC(IPPROTO_RAW),
#else
    SC_DEFAULT(IPPROTO_RAW, 255),
#endif
#ifdef IPPROTO_ROUTING
    SC(IPPROTO_ROUTING),
#endif
#ifdef IPPROTO_RSVP
    SC(IPPROTO_RSVP),
#endif
#ifdef IPPROTO_SCTP
    SC(IPPROTO_SCTP),
#endif
#ifdef IPPROTO_TCP
    SC(IPPROTO_TCP),
#else
    SC_DEFAULT(IPPROTO_TCP, 6),
#endif
#ifdef IPPROTO_TP
    SC(IPPROTO_TP),
#endif
#ifdef IPPROTO_UDP
    SC(IPPROTO_UDP),
#else
    SC_DEFAULT(IPPROTO_UDP, 17),
#endif
#ifdef IPPROTO_UDPLITE
    SC(IPPROTO_UDPLITE),
#endif

    /* ---- IPPORT_* ---- */
#ifdef IPPORT_RESERVED
    SC(IPPORT_RESERVED),
#else
    SC_DEFAULT(IPPORT_RESERVED, 1024),
#endif
#ifdef IPPORT_USERRESERVED
    SC(IPPORT_USERRESERVED),
#else
    SC_DEFAULT(IPPORT_USERRESERVED, 5000),
#endif

    /* ---- INADDR_* ---- */
#ifdef INADDR_ALLHOSTS_GROUP
    SC(INADDR_ALLHOSTS_GROUP),
#else
    SC_DEFAULT(INADDR_ALLHOSTS_GROUP, 0xe0000001L),
#endif
#ifdef INADDR_ANY
    SC(INADDR_ANY),
#else
    SC_DEFAULT(INADDR_ANY, 0x00000000L),
#endif
#ifdef INADDR_BROADCAST
    SC(INADDR_BROADCAST),
#else
    SC_DEFAULT(INADDR_BROADCAST, 0xffffffffL),
#endif
#ifdef INADDR_LOOPBACK
    SC(INADDR_LOOPBACK),
#else
    SC_DEFAULT(INADDR_LOOPBACK, 0x7f000001L),
#endif
#ifdef INADDR_MAX_LOCAL_GROUP
    SC(INADDR_MAX_LOCAL_GROUP),
#else
    SC_DEFAULT(INADDR_MAX_LOCAL_GROUP, 0xe00000ffL),
#endif
#ifdef INADDR_NONE
    SC(INADDR_NONE),
#else
    SC_DEFAULT(INADDR_NONE, 0xffffffffL),
#endif
#ifdef INADDR_UNSPEC_GROUP
    SC(INADDR_UNSPEC_GROUP),
#else
    SC_DEFAULT(INADDR_UNSPEC_GROUP, 0xe0000000L),
#endif

    /* ---- IP_* ---- */
#ifdef IP_ADD_MEMBERSHIP
    SC(IP_ADD_MEMBERSHIP),
#endif
#ifdef IP_ADD_SOURCE_MEMBERSHIP
    SC(IP_ADD_SOURCE_MEMBERSHIP),
#endif
#ifdef IP_BIND_ADDRESS_NO_PORT
    SC(IP_BIND_ADDRESS_NO_PORT),
#endif
#ifdef IP_BLOCK_SOURCE
    SC(IP_BLOCK_SOURCE),
#endif
#ifdef IP_DEFAULT_MULTICAST_LOOP
    SC(IP_DEFAULT_MULTICAST_LOOP),
#endif
#ifdef IP_DEFAULT_MULTICAST_TTL
    SC(IP_DEFAULT_MULTICAST_TTL),
#endif
#ifdef IP_DROP_MEMBERSHIP
    SC(IP_DROP_MEMBERSHIP),
#endif
#ifdef IP_DROP_SOURCE_MEMBERSHIP
    SC(IP_DROP_SOURCE_MEMBERSHIP),
#endif
#ifdef IP_HDRINCL
    SC(IP_HDRINCL),
#endif
#ifdef IP_MAX_MEMBERSHIPS
    SC(IP_MAX_MEMBERSHIPS),
#endif
#ifdef IP_MULTICAST_IF
    SC(IP_MULTICAST_IF),
#endif
#ifdef IP_MULTICAST_LOOP
    SC(IP_MULTICAST_LOOP),
#endif
#ifdef IP_MULTICAST_TTL
    SC(IP_MULTICAST_TTL),
#endif
#ifdef IP_OPTIONS
    SC(IP_OPTIONS),
#endif
#ifdef IP_PKTINFO
    SC(IP_PKTINFO),
#endif
#ifdef IP_RECVOPTS
    SC(IP_RECVOPTS),
#endif
#ifdef IP_RECVRETOPTS
    SC(IP_RECVRETOPTS),
#endif
#ifdef IP_RECVTOS
    SC(IP_RECVTOS),
#endif
#ifdef IP_RETOPTS
    SC(IP_RETOPTS),
#endif
#ifdef IP_TOS
    SC(IP_TOS),
#endif
#ifdef IP_TRANSPARENT
    SC(IP_TRANSPARENT),
#endif
#ifdef IP_TTL
    SC(IP_TTL),
#endif
#ifdef IP_UNBLOCK_SOURCE
    SC(IP_UNBLOCK_SOURCE),
#endif

    /* ---- IPV6_* ---- */
#ifdef IPV6_CHECKSUM
    SC(IPV6_CHECKSUM),
#endif
#ifdef IPV6_DONTFRAG
    SC(IPV6_DONTFRAG),
#endif
#ifdef IPV6_DSTOPTS
    SC(IPV6_DSTOPTS),
#endif
#ifdef IPV6_HOPLIMIT
    SC(IPV6_HOPLIMIT),
#endif
#ifdef IPV6_HOPOPTS
    SC(IPV6_HOPOPTS),
#endif
#ifdef IPV6_JOIN_GROUP
    SC(IPV6_JOIN_GROUP),
#endif
#ifdef IPV6_LEAVE_GROUP
    SC(IPV6_LEAVE_GROUP),
#endif
#ifdef IPV6_MULTICAST_HOPS
    SC(IPV6_MULTICAST_HOPS),
#endif
#ifdef IPV6_MULTICAST_IF
    SC(IPV6_MULTICAST_IF),
#endif
#ifdef IPV6_MULTICAST_LOOP
    SC(IPV6_MULTICAST_LOOP),
#endif
#ifdef IPV6_NEXTHOP
    SC(IPV6_NEXTHOP),
#endif
#ifdef IPV6_PATHMTU
    SC(IPV6_PATHMTU),
#endif
#ifdef IPV6_PKTINFO
    SC(IPV6_PKTINFO),
#endif
#ifdef IPV6_RECVDSTOPTS
    SC(IPV6_RECVDSTOPTS),
#endif
#ifdef IPV6_RECVHOPLIMIT
    SC(IPV6_RECVHOPLIMIT),
#endif
#ifdef IPV6_RECVHOPOPTS
    SC(IPV6_RECVHOPOPTS),
#endif
#ifdef IPV6_RECVPATHMTU
    SC(IPV6_RECVPATHMTU),
#endif
#ifdef IPV6_RECVPKTINFO
    SC(IPV6_RECVPKTINFO),
#endif
#ifdef IPV6_RECVRTHDR
    SC(IPV6_RECVRTHDR),
#endif
#ifdef IPV6_RECVTCLASS
    SC(IPV6_RECVTCLASS),
#endif
#ifdef IPV6_RTHDR
    SC(IPV6_RTHDR),
#endif
#ifdef IPV6_RTHDRDSTOPTS
    SC(IPV6_RTHDRDSTOPTS),
#endif
#ifdef IPV6_RTHDR_TYPE_0
    SC(IPV6_RTHDR_TYPE_0),
#endif
#ifdef IPV6_TCLASS
    SC(IPV6_TCLASS),
#endif
#ifdef IPV6_UNICAST_HOPS
    SC(IPV6_UNICAST_HOPS),
#endif
#ifdef IPV6_V6ONLY
    SC(IPV6_V6ONLY),
#endif

    /* ---- TCP_* ---- */
#ifdef TCP_CC_INFO
    SC(TCP_CC_INFO),
#endif
#ifdef TCP_CONGESTION
    SC(TCP_CONGESTION),
#endif
#ifdef TCP_CORK
    SC(TCP_CORK),
#endif
#ifdef TCP_DEFER_ACCEPT
    SC(TCP_DEFER_ACCEPT),
#endif
#ifdef TCP_FASTOPEN
    SC(TCP_FASTOPEN),
#endif
#ifdef TCP_FASTOPEN_CONNECT
    SC(TCP_FASTOPEN_CONNECT),
#endif
#ifdef TCP_FASTOPEN_KEY
    SC(TCP_FASTOPEN_KEY),
#endif
#ifdef TCP_FASTOPEN_NO_COOKIE
    SC(TCP_FASTOPEN_NO_COOKIE),
#endif
#ifdef TCP_INFO
    SC(TCP_INFO),
#endif
#ifdef TCP_INQ
    SC(TCP_INQ),
#endif
#ifdef TCP_KEEPCNT
    SC(TCP_KEEPCNT),
#endif
#ifdef TCP_KEEPIDLE
    SC(TCP_KEEPIDLE),
#endif
#ifdef TCP_KEEPINTVL
    SC(TCP_KEEPINTVL),
#endif
#ifdef TCP_LINGER2
    SC(TCP_LINGER2),
#endif
#ifdef TCP_MAXSEG
    SC(TCP_MAXSEG),
#endif
#ifdef TCP_MD5SIG
    SC(TCP_MD5SIG),
#endif
#ifdef TCP_MD5SIG_EXT
    SC(TCP_MD5SIG_EXT),
#endif
#ifdef TCP_NODELAY
    SC(TCP_NODELAY),
#endif
#ifdef TCP_NOTSENT_LOWAT
    SC(TCP_NOTSENT_LOWAT),
#endif
#ifdef TCP_QUEUE_SEQ
    SC(TCP_QUEUE_SEQ),
#endif
#ifdef TCP_QUICKACK
    SC(TCP_QUICKACK),
#endif
#ifdef TCP_REPAIR
    SC(TCP_REPAIR),
#endif
#ifdef TCP_REPAIR_OPTIONS
    SC(TCP_REPAIR_OPTIONS),
#endif
#ifdef TCP_REPAIR_QUEUE
    SC(TCP_REPAIR_QUEUE),
#endif
#ifdef TCP_REPAIR_WINDOW
    SC(TCP_REPAIR_WINDOW),
#endif
#ifdef TCP_SAVED_SYN
    SC(TCP_SAVED_SYN),
#endif
#ifdef TCP_SAVE_SYN
    SC(TCP_SAVE_SYN),
#endif
#ifdef TCP_SYNCNT
    SC(TCP_SYNCNT),
#endif
#ifdef TCP_THIN_DUPACK
    SC(TCP_THIN_DUPACK),
#endif
#ifdef TCP_THIN_LINEAR_TIMEOUTS
    SC(TCP_THIN_LINEAR_TIMEOUTS),
#endif
#ifdef TCP_TIMESTAMP
    SC(TCP_TIMESTAMP),
#endif
#ifdef TCP_TX_DELAY
    SC(TCP_TX_DELAY),
#endif
#ifdef TCP_ULP
    SC(TCP_ULP),
#endif
#ifdef TCP_USER_TIMEOUT
    SC(TCP_USER_TIMEOUT),
#endif
#ifdef TCP_WINDOW_CLAMP
    SC(TCP_WINDOW_CLAMP),
#endif
#ifdef TCP_ZEROCOPY_RECEIVE
    SC(TCP_ZEROCOPY_RECEIVE),
#endif

    /* ---- EAI_* ---- */
#ifdef EAI_ADDRFAMILY
    SC(EAI_ADDRFAMILY),
#endif
#ifdef EAI_AGAIN
    SC(EAI_AGAIN),
#endif
#ifdef EAI_BADFLAGS
    SC(EAI_BADFLAGS),
#endif
#ifdef EAI_FAIL
    SC(EAI_FAIL),
#endif
#ifdef EAI_FAMILY
    SC(EAI_FAMILY),
#endif
#ifdef EAI_MEMORY
    SC(EAI_MEMORY),
#endif
#ifdef EAI_NODATA
    SC(EAI_NODATA),
#endif
#ifdef EAI_NONAME
    SC(EAI_NONAME),
#endif
#ifdef EAI_OVERFLOW
    SC(EAI_OVERFLOW),
#endif
#ifdef EAI_SERVICE
    SC(EAI_SERVICE),
#endif
#ifdef EAI_SOCKTYPE
    SC(EAI_SOCKTYPE),
#endif
#ifdef EAI_SYSTEM
    SC(EAI_SYSTEM),
#endif

    /* ---- AI_* ---- */
#ifdef AI_ADDRCONFIG
    SC(AI_ADDRCONFIG),
#endif
#ifdef AI_ALL
    SC(AI_ALL),
#endif
#ifdef AI_CANONNAME
    SC(AI_CANONNAME),
#endif
#ifdef AI_NUMERICHOST
    SC(AI_NUMERICHOST),
#endif
#ifdef AI_NUMERICSERV
    SC(AI_NUMERICSERV),
#endif
#ifdef AI_PASSIVE
    SC(AI_PASSIVE),
#endif
#ifdef AI_V4MAPPED
    SC(AI_V4MAPPED),
#endif

    /* ---- NI_* ---- */
#ifdef NI_DGRAM
    SC(NI_DGRAM),
#endif
#ifdef NI_IDN
    SC(NI_IDN),
#endif
#ifdef NI_MAXHOST
    SC(NI_MAXHOST),
#endif
#ifdef NI_MAXSERV
    SC(NI_MAXSERV),
#endif
#ifdef NI_NAMEREQD
    SC(NI_NAMEREQD),
#endif
#ifdef NI_NOFQDN
    SC(NI_NOFQDN),
#endif
#ifdef NI_NUMERICHOST
    SC(NI_NUMERICHOST),
#endif
#ifdef NI_NUMERICSERV
    SC(NI_NUMERICSERV),
#endif

    /* ---- NETLINK_* ---- */
#ifdef NETLINK_CRYPTO
    SC(NETLINK_CRYPTO),
#endif
#ifdef NETLINK_DNRTMSG
    SC(NETLINK_DNRTMSG),
#endif
#ifdef NETLINK_FIREWALL
    SC(NETLINK_FIREWALL),
#endif
#ifdef NETLINK_IP6_FW
    SC(NETLINK_IP6_FW),
#endif
#ifdef NETLINK_NFLOG
    SC(NETLINK_NFLOG),
#endif
#ifdef NETLINK_ROUTE
    SC(NETLINK_ROUTE),
#endif
#ifdef NETLINK_USERSOCK
    SC(NETLINK_USERSOCK),
#endif
#ifdef NETLINK_XFRM
    SC(NETLINK_XFRM),
#endif

    /* ---- PACKET_* ---- */
#ifdef PACKET_BROADCAST
    SC(PACKET_BROADCAST),
#endif
#ifdef PACKET_FASTROUTE
    SC(PACKET_FASTROUTE),
#endif
#ifdef PACKET_HOST
    SC(PACKET_HOST),
#endif
#ifdef PACKET_LOOPBACK
    SC(PACKET_LOOPBACK),
#endif
#ifdef PACKET_MULTICAST
    SC(PACKET_MULTICAST),
#endif
#ifdef PACKET_OTHERHOST
    SC(PACKET_OTHERHOST),
#endif
#ifdef PACKET_OUTGOING
    SC(PACKET_OUTGOING),
#endif

    /* ---- TIPC_* ---- */
#ifdef TIPC_ADDR_ID
    SC(TIPC_ADDR_ID),
#endif
#ifdef TIPC_ADDR_NAME
    SC(TIPC_ADDR_NAME),
#endif
#ifdef TIPC_ADDR_NAMESEQ
    SC(TIPC_ADDR_NAMESEQ),
#endif
#ifdef TIPC_CFG_SRV
    SC(TIPC_CFG_SRV),
#endif
#if defined(TIPC_CLUSTER_SCOPE) || defined(CS_HAVE_LINUX_TIPC_H)
    SC(TIPC_CLUSTER_SCOPE),
#endif
#ifdef TIPC_CONN_TIMEOUT
    SC(TIPC_CONN_TIMEOUT),
#endif
#ifdef TIPC_CRITICAL_IMPORTANCE
    SC(TIPC_CRITICAL_IMPORTANCE),
#endif
#ifdef TIPC_DEST_DROPPABLE
    SC(TIPC_DEST_DROPPABLE),
#endif
#ifdef TIPC_HIGH_IMPORTANCE
    SC(TIPC_HIGH_IMPORTANCE),
#endif
#ifdef TIPC_IMPORTANCE
    SC(TIPC_IMPORTANCE),
#endif
#ifdef TIPC_LOW_IMPORTANCE
    SC(TIPC_LOW_IMPORTANCE),
#endif
#ifdef TIPC_MEDIUM_IMPORTANCE
    SC(TIPC_MEDIUM_IMPORTANCE),
#endif
#if defined(TIPC_NODE_SCOPE) || defined(CS_HAVE_LINUX_TIPC_H)
    SC(TIPC_NODE_SCOPE),
#endif
#ifdef TIPC_PUBLISHED
    SC(TIPC_PUBLISHED),
#endif
#ifdef TIPC_SRC_DROPPABLE
    SC(TIPC_SRC_DROPPABLE),
#endif
#ifdef TIPC_SUBSCR_TIMEOUT
    SC(TIPC_SUBSCR_TIMEOUT),
#endif
#ifdef TIPC_SUB_CANCEL
    SC(TIPC_SUB_CANCEL),
#endif
#ifdef TIPC_SUB_PORTS
    SC(TIPC_SUB_PORTS),
#endif
#ifdef TIPC_SUB_SERVICE
    SC(TIPC_SUB_SERVICE),
#endif
#ifdef TIPC_TOP_SRV
    SC(TIPC_TOP_SRV),
#endif
#ifdef TIPC_WAIT_FOREVER
    SC(TIPC_WAIT_FOREVER),
#endif
#ifdef TIPC_WITHDRAWN
    SC(TIPC_WITHDRAWN),
#endif
#ifdef TIPC_ZONE_SCOPE
    SC(TIPC_ZONE_SCOPE),
#endif

    /* ---- VMADDR_*, VM_SOCKETS_*, IOCTL_VM_SOCKETS_* (AF_VSOCK) ---- */
#ifdef VMADDR_CID_ANY
    SC(VMADDR_CID_ANY),
#endif
#ifdef VMADDR_CID_HOST
    SC(VMADDR_CID_HOST),
#endif
#ifdef VMADDR_PORT_ANY
    SC(VMADDR_PORT_ANY),
#endif
#ifdef VM_SOCKETS_INVALID_VERSION
    SC(VM_SOCKETS_INVALID_VERSION),
#endif
#ifdef IOCTL_VM_SOCKETS_GET_LOCAL_CID
    SC(IOCTL_VM_SOCKETS_GET_LOCAL_CID),
#endif

    /* ---- CAN_* (AF_CAN: <linux/can.h>, raw.h, bcm.h) ---- */
#ifdef CAN_BCM
    SC(CAN_BCM),
#endif
#ifdef CAN_EFF_FLAG
    SC(CAN_EFF_FLAG),
#endif
#ifdef CAN_EFF_MASK
    SC(CAN_EFF_MASK),
#endif
#ifdef CAN_ERR_FLAG
    SC(CAN_ERR_FLAG),
#endif
#ifdef CAN_ERR_MASK
    SC(CAN_ERR_MASK),
#endif
#ifdef CAN_ISOTP
    SC(CAN_ISOTP),
#endif
#ifdef CAN_J1939
    SC(CAN_J1939),
#endif
#ifdef CAN_RAW
    SC(CAN_RAW),
#endif
#ifdef CAN_RTR_FLAG
    SC(CAN_RTR_FLAG),
#endif
#ifdef CAN_SFF_MASK
    SC(CAN_SFF_MASK),
#endif
#if defined(CAN_RAW_ERR_FILTER) || defined(CS_HAVE_LINUX_CAN_RAW_H)
    SC(CAN_RAW_ERR_FILTER),
#endif
#if defined(CAN_RAW_FD_FRAMES) || defined(CS_HAVE_LINUX_CAN_RAW_H)
    SC(CAN_RAW_FD_FRAMES),
#endif
#if defined(CAN_RAW_FILTER) || defined(CS_HAVE_LINUX_CAN_RAW_H)
    SC(CAN_RAW_FILTER),
#endif
#if defined(CAN_RAW_JOIN_FILTERS) || defined(CS_HAVE_LINUX_CAN_RAW_H)
    SC(CAN_RAW_JOIN_FILTERS),
#endif
#if defined(CAN_RAW_LOOPBACK) || defined(CS_HAVE_LINUX_CAN_RAW_H)
    SC(CAN_RAW_LOOPBACK),
#endif
#if defined(CAN_RAW_RECV_OWN_MSGS) || defined(CS_HAVE_LINUX_CAN_RAW_H)
    SC(CAN_RAW_RECV_OWN_MSGS),
#endif
#ifdef CS_HAVE_LINUX_CAN_BCM_H
    SC_AS(CAN_BCM_CAN_FD_FRAME, CAN_FD_FRAME),
    SC_AS(CAN_BCM_RX_ANNOUNCE_RESUME, RX_ANNOUNCE_RESUME),
    SC_AS(CAN_BCM_RX_CHANGED, RX_CHANGED),
    SC_AS(CAN_BCM_RX_CHECK_DLC, RX_CHECK_DLC),
    SC_AS(CAN_BCM_RX_DELETE, RX_DELETE),
    SC_AS(CAN_BCM_RX_FILTER_ID, RX_FILTER_ID),
    SC_AS(CAN_BCM_RX_NO_AUTOTIMER, RX_NO_AUTOTIMER),
    SC_AS(CAN_BCM_RX_READ, RX_READ),
    SC_AS(CAN_BCM_RX_RTR_FRAME, RX_RTR_FRAME),
    SC_AS(CAN_BCM_RX_SETUP, RX_SETUP),
    SC_AS(CAN_BCM_RX_STATUS, RX_STATUS),
    SC_AS(CAN_BCM_RX_TIMEOUT, RX_TIMEOUT),
    SC_AS(CAN_BCM_SETTIMER, SETTIMER),
    SC_AS(CAN_BCM_STARTTIMER, STARTTIMER),
    SC_AS(CAN_BCM_TX_ANNOUNCE, TX_ANNOUNCE),
    SC_AS(CAN_BCM_TX_COUNTEVT, TX_COUNTEVT),
    SC_AS(CAN_BCM_TX_CP_CAN_ID, TX_CP_CAN_ID),
    SC_AS(CAN_BCM_TX_DELETE, TX_DELETE),
    SC_AS(CAN_BCM_TX_EXPIRED, TX_EXPIRED),
    SC_AS(CAN_BCM_TX_READ, TX_READ),
    SC_AS(CAN_BCM_TX_RESET_MULTI_IDX, TX_RESET_MULTI_IDX),
    SC_AS(CAN_BCM_TX_SEND, TX_SEND),
    SC_AS(CAN_BCM_TX_SETUP, TX_SETUP),
    SC_AS(CAN_BCM_TX_STATUS, TX_STATUS),
#endif

    /* ---- J1939_* (<linux/can/j1939.h>; NLA_ and EE_INFO_ are enum members) ---- */
#ifdef J1939_FILTER_MAX
    SC(J1939_FILTER_MAX),
#endif
#ifdef J1939_IDLE_ADDR
    SC(J1939_IDLE_ADDR),
#endif
#ifdef J1939_MAX_UNICAST_ADDR
    SC(J1939_MAX_UNICAST_ADDR),
#endif
#ifdef J1939_NO_ADDR
    SC(J1939_NO_ADDR),
#endif
#ifdef J1939_NO_NAME
    SC(J1939_NO_NAME),
#endif
#ifdef J1939_NO_PGN
    SC(J1939_NO_PGN),
#endif
#ifdef J1939_PGN_ADDRESS_CLAIMED
    SC(J1939_PGN_ADDRESS_CLAIMED),
#endif
#ifdef J1939_PGN_ADDRESS_COMMANDED
    SC(J1939_PGN_ADDRESS_COMMANDED),
#endif
#ifdef J1939_PGN_MAX
    SC(J1939_PGN_MAX),
#endif
#ifdef J1939_PGN_PDU1_MAX
    SC(J1939_PGN_PDU1_MAX),
#endif
#ifdef J1939_PGN_REQUEST
    SC(J1939_PGN_REQUEST),
#endif
#if defined(J1939_EE_INFO_NONE) || defined(CS_HAVE_LINUX_CAN_J1939_H)
    SC(J1939_EE_INFO_NONE),
#endif
#if defined(J1939_EE_INFO_TX_ABORT) || defined(CS_HAVE_LINUX_CAN_J1939_H)
    SC(J1939_EE_INFO_TX_ABORT),
#endif
#if defined(J1939_NLA_BYTES_ACKED) || defined(CS_HAVE_LINUX_CAN_J1939_H)
    SC(J1939_NLA_BYTES_ACKED),
#endif
#if defined(J1939_NLA_PAD) || defined(CS_HAVE_LINUX_CAN_J1939_H)
    SC(J1939_NLA_PAD),
#endif

    /* ---- ALG_* (AF_ALG: <linux/if_alg.h>; older headers lack the
     * asymmetric-cipher ones, whose values the kernel ABI fixes) ---- */
#ifdef ALG_OP_DECRYPT
    SC(ALG_OP_DECRYPT),
#endif
#ifdef ALG_OP_ENCRYPT
    SC(ALG_OP_ENCRYPT),
#endif
#ifdef ALG_SET_AEAD_ASSOCLEN
    SC(ALG_SET_AEAD_ASSOCLEN),
#endif
#ifdef ALG_SET_AEAD_AUTHSIZE
    SC(ALG_SET_AEAD_AUTHSIZE),
#endif
#ifdef ALG_SET_IV
    SC(ALG_SET_IV),
#endif
#ifdef ALG_SET_KEY
    SC(ALG_SET_KEY),
#endif
#ifdef ALG_SET_OP
    SC(ALG_SET_OP),
#endif
#if defined(AF_ALG)
#ifdef ALG_OP_SIGN
    SC(ALG_OP_SIGN),
#else
    SC_DEFAULT(ALG_OP_SIGN, 2),
#endif
#endif
#if defined(AF_ALG)
#ifdef ALG_OP_VERIFY
    SC(ALG_OP_VERIFY),
#else
    SC_DEFAULT(ALG_OP_VERIFY, 3),
#endif
#endif
#if defined(AF_ALG)
#ifdef ALG_SET_PUBKEY
    SC(ALG_SET_PUBKEY),
#else
    SC_DEFAULT(ALG_SET_PUBKEY, 6),
#endif
#endif

    /* ---- UDPLITE_* (socket options of IPPROTO_UDPLITE; kernel ABI values:
     * glibc's <netinet/udp.h> does not always define them) ---- */
#if defined(IPPROTO_UDPLITE)
#ifdef UDPLITE_RECV_CSCOV
    SC(UDPLITE_RECV_CSCOV),
#else
    SC_DEFAULT(UDPLITE_RECV_CSCOV, 11),
#endif
#endif
#if defined(IPPROTO_UDPLITE)
#ifdef UDPLITE_SEND_CSCOV
    SC(UDPLITE_SEND_CSCOV),
#else
    SC_DEFAULT(UDPLITE_SEND_CSCOV, 10),
#endif
#endif

    /* ---- ETHERTYPE_* (<net/ethernet.h>), ETH_P_ALL (<linux/if_ether.h>) ---- */
#ifdef ETHERTYPE_ARP
    SC(ETHERTYPE_ARP),
#endif
#ifdef ETHERTYPE_IP
    SC(ETHERTYPE_IP),
#endif
#ifdef ETHERTYPE_IPV6
    SC(ETHERTYPE_IPV6),
#endif
#ifdef ETHERTYPE_VLAN
    SC(ETHERTYPE_VLAN),
#endif
#ifdef ETH_P_ALL
    SC(ETH_P_ALL),
#endif
};

/* The names Python 3 gained after 3.8 (or dropped), as observed in each
 * version's own _socket on Linux: on 3.x a name is added only when
 * since <= PY_VERSION_HEX < until (0: still there).  2.7 takes the whole
 * table, as above.  A name absent here is in every 3.8-3.13. */
typedef struct {
    const char *name;
    unsigned long since;
    unsigned long until;
} sockconst_span;

static const sockconst_span sockconst_spans[] = {
    {"CAN_RAW_ERR_FILTER", 0, 0x030B0000},
    {"CAN_J1939", 0x03090000, 0},
    {"CAN_RAW_JOIN_FILTERS", 0x03090000, 0},
    {"IPPROTO_UDPLITE", 0x03090000, 0},
    {"J1939_EE_INFO_NONE", 0x03090000, 0},
    {"J1939_EE_INFO_TX_ABORT", 0x03090000, 0},
    {"J1939_FILTER_MAX", 0x03090000, 0},
    {"J1939_IDLE_ADDR", 0x03090000, 0},
    {"J1939_MAX_UNICAST_ADDR", 0x03090000, 0},
    {"J1939_NLA_BYTES_ACKED", 0x03090000, 0},
    {"J1939_NLA_PAD", 0x03090000, 0},
    {"J1939_NO_ADDR", 0x03090000, 0},
    {"J1939_NO_NAME", 0x03090000, 0},
    {"J1939_NO_PGN", 0x03090000, 0},
    {"J1939_PGN_ADDRESS_CLAIMED", 0x03090000, 0},
    {"J1939_PGN_ADDRESS_COMMANDED", 0x03090000, 0},
    {"J1939_PGN_MAX", 0x03090000, 0},
    {"J1939_PGN_PDU1_MAX", 0x03090000, 0},
    {"J1939_PGN_REQUEST", 0x03090000, 0},
    {"SCM_J1939_DEST_ADDR", 0x03090000, 0},
    {"SCM_J1939_DEST_NAME", 0x03090000, 0},
    {"SCM_J1939_ERRQUEUE", 0x03090000, 0},
    {"SCM_J1939_PRIO", 0x03090000, 0},
    {"SO_J1939_ERRQUEUE", 0x03090000, 0},
    {"SO_J1939_FILTER", 0x03090000, 0},
    {"SO_J1939_PROMISC", 0x03090000, 0},
    {"SO_J1939_SEND_PRIO", 0x03090000, 0},
    {"UDPLITE_RECV_CSCOV", 0x03090000, 0},
    {"UDPLITE_SEND_CSCOV", 0x03090000, 0},
    {"IPPROTO_MPTCP", 0x030A0000, 0},
    {"IP_RECVTOS", 0x030A0000, 0},
    {"IP_BIND_ADDRESS_NO_PORT", 0x030B0000, 0},
    {"SO_INCOMING_CPU", 0x030B0000, 0},
    {"ETHERTYPE_ARP", 0x030C0000, 0},
    {"ETHERTYPE_IP", 0x030C0000, 0},
    {"ETHERTYPE_IPV6", 0x030C0000, 0},
    {"ETHERTYPE_VLAN", 0x030C0000, 0},
    {"ETH_P_ALL", 0x030C0000, 0},
    {"IP_ADD_SOURCE_MEMBERSHIP", 0x030C0000, 0},
    {"IP_BLOCK_SOURCE", 0x030C0000, 0},
    {"IP_DROP_SOURCE_MEMBERSHIP", 0x030C0000, 0},
    {"IP_PKTINFO", 0x030C0000, 0},
    {"IP_UNBLOCK_SOURCE", 0x030C0000, 0},
    {"TCP_CC_INFO", 0x030C0000, 0},
    {"TCP_FASTOPEN_CONNECT", 0x030C0000, 0},
    {"TCP_FASTOPEN_KEY", 0x030C0000, 0},
    {"TCP_FASTOPEN_NO_COOKIE", 0x030C0000, 0},
    {"TCP_INQ", 0x030C0000, 0},
    {"TCP_MD5SIG", 0x030C0000, 0},
    {"TCP_MD5SIG_EXT", 0x030C0000, 0},
    {"TCP_QUEUE_SEQ", 0x030C0000, 0},
    {"TCP_REPAIR", 0x030C0000, 0},
    {"TCP_REPAIR_OPTIONS", 0x030C0000, 0},
    {"TCP_REPAIR_QUEUE", 0x030C0000, 0},
    {"TCP_REPAIR_WINDOW", 0x030C0000, 0},
    {"TCP_SAVED_SYN", 0x030C0000, 0},
    {"TCP_SAVE_SYN", 0x030C0000, 0},
    {"TCP_THIN_DUPACK", 0x030C0000, 0},
    {"TCP_THIN_LINEAR_TIMEOUTS", 0x030C0000, 0},
    {"TCP_TIMESTAMP", 0x030C0000, 0},
    {"TCP_TX_DELAY", 0x030C0000, 0},
    {"TCP_ULP", 0x030C0000, 0},
    {"TCP_ZEROCOPY_RECEIVE", 0x030C0000, 0},
    {"NI_IDN", 0x030D0000, 0},
    {"SO_BINDTOIFINDEX", 0x030D0000, 0},
};

#undef SC
#undef SC_DEFAULT
#undef SC_AS

#endif /* CLASSICSOCKET_SOCKCONST_H */

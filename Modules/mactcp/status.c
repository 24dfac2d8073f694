/* status.c - the TCP status object ("MacTCP connection status"): a
 * snapshot of the kernel's view of a connection, taken by Status().
 *
 * Sources: TCP_INFO, SIOCOUTQ/SIOCINQ, getsockname/getpeername and IP_TOS.
 * Linux keeps no absolute sequence numbers visible to programs, so the
 * three sequence fields are relative (the SYN is 0, the first data byte
 * is 1), as tcpdump and Wireshark show them; Doc/mactcp.rst lists every
 * mapping. */
#include "mactcp.h"

#include <errno.h>
#include <linux/sockios.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "structmember.h"

/* one field list generates the struct and the member table */
#define STATUS_FIELDS(X)                                                     \
    X(remoteHost, "remote IP address")                                       \
    X(remotePort, "remote TCP port")                                         \
    X(localHost, "local IP address")                                         \
    X(localPort, "local TCP port")                                           \
    X(tosFlags, "type of service: 1 low delay, 2 throughput, 4 reliability") \
    X(precedence, "IP precedence (0-7)")                                     \
    X(connectionState, "MacTCP connection state (0 closed ... 20 time wait)")\
    X(sendWindow, "bytes the peer will currently accept")                    \
    X(rcvWindow, "bytes we will currently accept")                           \
    X(amtUnackedData, "bytes sent but not yet acknowledged")                 \
    X(amtUnreadData, "bytes received but not yet read")                      \
    X(sendUnacked, "SND.UNA, relative to the initial sequence number")       \
    X(sendNext, "SND.NXT, relative to the initial sequence number")          \
    X(congestionWindow, "congestion window in bytes")                        \
    X(rcvNext, "RCV.NXT, relative to the peer's initial sequence number")    \
    X(srtt, "smoothed round-trip time in milliseconds")                      \
    X(lastRTT, "round-trip time in milliseconds (the kernel's estimate)")    \
    X(sendMaxSegSize, "largest segment we send")

static PyTypeObject status_type;

#define AS_FIELD(name, doc) long name;
typedef struct {
    PyObject_HEAD
    STATUS_FIELDS(AS_FIELD)
} mtcp_status;

#define AS_MEMBER(name, doc) \
    {#name, T_LONG, offsetof(mtcp_status, name), READONLY, doc},
static PyMemberDef status_members[] = {
    STATUS_FIELDS(AS_MEMBER)
    {NULL, 0, 0, 0, NULL}
};

static long
ms(uint32_t usec)
{
    return (long)((usec + 500) / 1000);
}

PyObject *
mtstatus_new(int fd)
{
    struct tcp_info info;
    socklen_t len = sizeof(info);
    mtcp_status *st;
    uint32_t host;
    int port;
    int tos = 0;
    socklen_t toslen = sizeof(tos);
    int outq = 0;
    int inq = 0;
    long inflight;
    uint64_t sent;

    memset(&info, 0, sizeof(info));
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) < 0)
        return mterrors_raise_errno(0, errno);
    (void)ioctl(fd, SIOCOUTQ, &outq);
    (void)ioctl(fd, SIOCINQ, &inq);
    (void)getsockopt(fd, IPPROTO_IP, IP_TOS, &tos, &toslen);

    st = PyObject_New(mtcp_status, &status_type);
    if (st == NULL)
        return NULL;
    mtconn_sockname(fd, 1, &host, &port);
    st->remoteHost = (long)host;
    st->remotePort = port;
    mtconn_sockname(fd, 0, &host, &port);
    st->localHost = (long)host;
    st->localPort = port;
    st->tosFlags = ((tos & IPTOS_LOWDELAY) ? 1 : 0)
                   | ((tos & IPTOS_THROUGHPUT) ? 2 : 0)
                   | ((tos & IPTOS_RELIABILITY) ? 4 : 0);
    st->precedence = (tos >> 5) & 7;
    st->connectionState = mtconn_mac_state(fd);
    st->sendWindow = (long)info.tcpi_snd_wnd;
    st->rcvWindow = (long)info.tcpi_rcv_ssthresh > inq
                    ? (long)info.tcpi_rcv_ssthresh - inq : 0;
    st->amtUnackedData = outq > 0 ? outq : 0;
    st->amtUnreadData = inq > 0 ? inq : 0;
    inflight = (long)outq - (long)info.tcpi_notsent_bytes;
    if (inflight < 0)
        inflight = 0;
    /* SND.NXT - ISS: the SYN plus every distinct data byte sent */
    sent = 1 + info.tcpi_bytes_sent - info.tcpi_bytes_retrans;
    st->sendNext = (long)(sent & 0xFFFFFFFFu);
    st->sendUnacked = (long)((sent - (uint64_t)inflight) & 0xFFFFFFFFu);
    st->rcvNext = (long)((1 + info.tcpi_bytes_received) & 0xFFFFFFFFu);
    st->congestionWindow = (long)info.tcpi_snd_cwnd * (long)info.tcpi_snd_mss;
    st->srtt = ms(info.tcpi_rtt);
    st->lastRTT = ms(info.tcpi_rtt);
    st->sendMaxSegSize = (long)info.tcpi_snd_mss;
    return (PyObject *)st;
}

static void
status_dealloc(PyObject *self)
{
    PyObject_Free(self);
}

static PyTypeObject status_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "mactcp.TCPStatus",
    .tp_basicsize = sizeof(mtcp_status),
    .tp_dealloc = status_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | CS_TPFLAGS_METHOD_CACHE,
    .tp_doc = "MacTCP connection status (from Status())",
    .tp_members = status_members,
};

int
mtstatus_ready(void)
{
    return PyType_Ready(&status_type);
}

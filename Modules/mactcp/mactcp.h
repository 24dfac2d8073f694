/* mactcp.h - what the mactcp files share: MacTCP's numbers, the watch that
 * the driver thread and the stream objects both see, and the prototypes of
 * the helpers each file exports.
 *
 * Threads.  One driver thread (driver.c) watches every stream with
 * epoll and never holds a Python reference, nor the GIL except for an
 * instant with no lock held (on 3.9 to 3.11, see driver.c's
 * kick_main_thread).  A stream's C state lives in a `mtcp_watch` embedded
 * in its Python object; the driver finds it through the registry by serial
 * number, under the one module lock, so an object that is deallocated
 * simply disappears from the registry.
 *
 * Layers, lowest first: a file calls only files on the lines above its
 * own (Tools/depcheck.py checks), and the driver reaches up only through
 * the function pointers it is given (mtdriver_init, mtdriver_attach).
 *   driver.c (thread, registry, FIFO), errors.c, iface.c
 *   conn.c (socket chores without the GIL)
 *   listen.c (the listening ports PassiveOpen shares)
 *   stream.c (what both stream types share), status.c
 *   asr.c (runs the asr), wait.c (the one blocking helper)
 *   tcpconn.c (a TCP stream's connection checks), udp.c
 *   tcpio.c (Send, Rcv)
 *   tcp.c (the TCP stream type)
 *   mactcpmodule.c
 *
 * Who may touch a watch's descriptor: with the module lock held, anyone;
 * without it, only the thread that owns the watch's blocking call
 * (w->ops > 0).  While ops > 0 the driver leaves the descriptor alone. */
#ifndef CLASSICSOCKET_MTCP_H
#define CLASSICSOCKET_MTCP_H

#include "compat.h"
#include "args.h"

#include <stdint.h>

/* ---- MacTCP's numbers (mactcp-facts section 5) -------------------------- */
enum {
    MT_ipBadLapErr = -23000,
    MT_ipBadCnfgErr = -23001,
    MT_ipNoCnfgErr = -23002,
    MT_ipLoadErr = -23003,
    MT_ipBadAddr = -23004,
    MT_connectionClosing = -23005,
    MT_invalidLength = -23006,
    MT_connectionExists = -23007,
    MT_connectionDoesntExist = -23008,
    MT_insufficientResources = -23009,
    MT_invalidStreamPtr = -23010,
    MT_streamAlreadyOpen = -23011,
    MT_connectionTerminated = -23012,
    MT_invalidBufPtr = -23013,
    MT_invalidRDS = -23014,
    MT_openFailed = -23015,
    MT_commandTimeout = -23016,
    MT_duplicateSocket = -23017,
    MT_ipDontFragErr = -23032,
    MT_ipDestDeadErr = -23033,
    MT_ipNoFragMemErr = -23036,
    MT_ipRouteErr = -23037
};

/* asr event codes */
enum {
    MT_TCPClosing = 1,
    MT_TCPULPTimeout = 2,
    MT_TCPTerminate = 3,
    MT_TCPDataArrival = 4,
    MT_TCPUrgent = 5,
    MT_TCPICMPReceived = 6,
    MT_PassiveOpenDone = 32766,
    MT_UDPDataArrival = 1,
    MT_UDPICMPReceived = 2,
    /* not MacTCP's: events the driver could not queue for lack of memory
     * (driver.c); the drain raises mactcp.error for it */
    MT_EVENT_LOST = 0
};

/* TCPTerminate reasons */
enum {
    MT_TCPRemoteAbort = 2,
    MT_TCPNetworkFailure = 3,
    MT_TCPULPTimeoutTerminate = 5,
    MT_TCPULPAbort = 6,
    MT_TCPULPClose = 7
};

/* connectionState values (facts 3.2) */
enum {
    MT_STATE_CLOSED = 0,
    MT_STATE_LISTEN = 2,
    MT_STATE_SYN_RECEIVED = 4,
    MT_STATE_SYN_SENT = 6,
    MT_STATE_ESTABLISHED = 8,
    MT_STATE_FIN_WAIT1 = 10,
    MT_STATE_FIN_WAIT2 = 12,
    MT_STATE_CLOSE_WAIT = 14,
    MT_STATE_CLOSING = 16,
    MT_STATE_LAST_ACK = 18,
    MT_STATE_TIME_WAIT = 20
};

#define MT_TCP_MIN_BUFFER 4096
#define MT_UDP_MIN_BUFFER 2048
#define MT_ULP_TIMEOUT_MS 60000     /* MacPython's ULP timeout: 60 s */

/* ---- the watch ---------------------------------------------------------- */
enum { MTW_TCP = 1, MTW_UDP = 2, MTW_PORT = 3 };   /* PORT: listen.c's */

/* TCP phases */
enum {
    MTC_IDLE = 0,       /* no connection (w->fd may still hold an ended one) */
    MTC_LISTEN = 1,     /* PassiveOpen pending (w->fd is -1): the stream
                         * waits in its port's queue (listen.c) */
    MTC_OPENING = 2,    /* ActiveOpen in progress */
    MTC_CONN = 3        /* w->fd is a connection (maybe ended by now) */
};

typedef struct mtcp_event {
    struct mtcp_event *next;
    uint64_t serial;        /* the watch it is for */
    int code;               /* an asr event code, or MT_EVENT_LOST */
    int detail;             /* MT_EVENT_LOST: how many were lost (0: the
                             * watch's `lost` is not in the FIFO) */
} mtcp_event;

struct mtcp_watch;
typedef struct mtcp_port mtcp_port;     /* listen.c's */
/* looks at a watched descriptor, posts its events and arms it again
 * (conn.c's mtconn_service); lock held; from_op: by the call that owns fd */
typedef void (*mtcp_service_fn)(struct mtcp_watch *w, int from_op);

typedef struct mtcp_watch {
    /* set by the registry (mtdriver_attach) */
    uint64_t serial;        /* registry key; 0 while not registered */
    int ep_fd;              /* descriptor added to epoll, or -1 */
    mtcp_service_fn service;    /* what the driver calls on a report */
    mtcp_event lost;        /* queued for the events malloc could not make */
    /* set by the owner (all fields below are guarded by the module lock) */
    int kind;               /* MTW_TCP or MTW_UDP */
    int fd;                 /* listener, connection or UDP socket; -1 */
    int bufsize;            /* the MacTCP buffer size given at creation */
    int has_asr;            /* events are generated only while an asr is set */
    int ops;                /* blocking calls in progress on fd */
    unsigned long owner;    /* thread ident of those calls */
    int data_armed;         /* DataArrival may be posted */
    /* TCP */
    int phase;              /* MTC_* */
    int open_code;          /* MacTCP code of a failed PassiveOpen, or 0 */
    int open_errno;         /* its errno, or 0 */
    unsigned conn_gen;      /* bumped for every new descriptor */
    int urg_armed;          /* TCPUrgent may be posted */
    int eof_seen;           /* the peer's FIN arrived */
    int closing_posted;     /* TCPClosing was posted for this connection */
    int term_posted;        /* TCPTerminate was posted (or is not wanted) */
    int fin_sent;           /* Close() shut our side down */
    int in_urgent;          /* Rcv returned urgent data, not yet the mark */
    int sock_err;           /* errno that ended the connection, or 0 */
    uint32_t sent;          /* bytes sent on it, modulo 2**32 (only the
                             * thread of the Send in progress uses it) */
    /* Rcv may read at once, without a poll first: the first unread byte of
     * connection rcv_head_gen is known and is not the urgent mark (only
     * the thread of the Send or Rcv in progress uses these two) */
    int rcv_head;
    unsigned rcv_head_gen;
    int end_reported;       /* Rcv raised connectionTerminated for its end */
    uint32_t last_host;     /* GetSockName of the last descriptor */
    int last_port;
    /* PassiveOpen (listen.c) */
    mtcp_port *lport;       /* the port it waits on, or its connection came
                             * through: one reference, or NULL */
    struct mtcp_watch *next_waiting;    /* the port's queue */
    int done_fd;            /* eventfd poked when its PassiveOpen ends, for
                             * wait(); -1 until the first PassiveOpen */
} mtcp_watch;

/* ---- driver.c: registry, epoll thread, event FIFO ------------------ */
/* module init: the pending call that delivers the FIFO (mtasr_pending) */
void mtdriver_init(int (*deliver_fifo)(void *));
void mtdriver_lock(void);
void mtdriver_unlock(void);     /* also schedules the asr pending call */
/* GIL held; 0 or -errno.  The driver calls service on each report. */
int mtdriver_attach(mtcp_watch *w, mtcp_service_fn service);
void mtdriver_detach(mtcp_watch *w);    /* GIL held; also purges its events */
/* lock held: a watch without events leaves the registry; never the last
 * one (listen.c's ports, held by registered streams) */
void mtdriver_unregister(mtcp_watch *w);
void mtdriver_shutdown(void);   /* at exit: stops the thread for good */
/* lock held: */
int mtdriver_arm(mtcp_watch *w, uint32_t events);  /* 0 events: stop */
void mtdriver_forget_fd(mtcp_watch *w);     /* before w->fd is closed */
void mtdriver_post(mtcp_watch *w, int code, int detail);
mtcp_watch *mtdriver_find(uint64_t serial);
int mtdriver_pop(mtcp_event *out);          /* 1 popped, 0 empty */
int mtdriver_asr_fd(void);                  /* readable while events wait */
void mtdriver_reschedule(void); /* GIL held: events remain after an error */
/* GIL held: a drain left events for later: the driver asks for the next
 * pending call RETRY_MS from now, so that the program runs meanwhile */
void mtdriver_defer(void);

/* ---- conn.c: socket chores without the GIL ------------------------- */
int mtconn_tcp_socket(int bufsize);         /* fd or -errno */
int mtconn_udp_socket(int bufsize, int port);       /* fd or -errno */
int mtconn_bind_any(int fd, int port);      /* 0 or -errno */
int mtconn_tcp_connected(int fd);           /* options after connect */
int mtconn_tcp_state(int fd);               /* TCP_* state or -1 */
int mtconn_mac_state(int fd);               /* MacTCP connectionState */
int mtconn_inq(int fd);                     /* SIOCINQ or -errno */
int mtconn_outq(int fd);                    /* SIOCOUTQ or -errno */
int mtconn_drain_errqueue(int fd);          /* ICMP reports read */
/* the same, one message at most; *got: 1 if one was read */
int mtconn_take_errqueue(int fd, int *got, uint32_t *key);
short mtconn_poll_now(int fd, short events);    /* revents, no waiting */
int mtconn_sockname(int fd, int peer, uint32_t *host, int *port);
int mtconn_abort_fd(int fd);                /* RST and close */
void mtconn_disconnect(int fd);     /* connect(AF_UNSPEC): to CLOSE */
int mtconn_set_rcvbuf(int fd, int bufsize);     /* 0 or -errno */
/* lock held: */
void mtconn_service(mtcp_watch *w, int from_op);    /* an mtcp_service_fn */
void mtconn_failed(mtcp_watch *w, int err);
void mtconn_reset(mtcp_watch *w);           /* new connection state */
void mtconn_remember_name(mtcp_watch *w);   /* for GetSockName */
void mtconn_drop(mtcp_watch *w, int abort); /* close w->fd; abort: RST */
int mtconn_ended(mtcp_watch *w);    /* no connection, or it ended */
void mtconn_closed_without_error(mtcp_watch *w, int fd);  /* CLOSE seen */

/* ---- listen.c: the listening ports PassiveOpen shares ------------------ */
/* GIL held, lock not held: w waits on port (0: a free one) behind the
 * streams already waiting there; 0 or -errno */
int mtlisten_open(mtcp_watch *w, int port);
/* lock held: */
void mtlisten_poll(mtcp_watch *w);      /* accept what came for w's port */
/* w's pending PassiveOpen ends without a connection (wait() raises code);
 * w lets go of the port */
void mtlisten_cancel(mtcp_watch *w, int code, int err);
void mtlisten_release(mtcp_watch *w);   /* w lets go of its port */
void mtlisten_clear(mtcp_watch *w);     /* reads w->done_fd empty */

/* ---- iface.c: the primary interface -------------------------------- */
typedef struct mtcp_iface {
    uint32_t addr;          /* host order */
    uint32_t mask;
    int mtu;
} mtcp_iface;
int mtiface_primary(mtcp_iface *out);       /* 0 or -errno */

/* ---- errors.c ------------------------------------------------------ */
int mterrors_add_to_module(PyObject *module);
int mterrors_code_for_errno(int err);          /* GIL-free */
int mterrors_reason_for_errno(int err);        /* TCPTerminate reason */
PyObject *mterrors_raise(int code);            /* error(code, text) */
PyObject *mterrors_raise_errno(int code, int err); /* code 0: from table */
PyObject *mterrors_raise_msg(const char *msg); /* error(msg) */
PyObject *mterrors_passive_busy(void);
PyObject *mterrors_events_lost(int count);  /* insufficientResources */

/* ---- wait.c -------------------------------------------------------- */
typedef struct mtcp_deadline {
    int infinite;
    double at;              /* CLOCK_MONOTONIC seconds */
} mtcp_deadline;
void mtwait_deadline(mtcp_deadline *d, double timeout);    /* <=0: never */
int mtwait_fd(int fd, short events, const mtcp_deadline *d, int max_ms);
/* the same; *rev gets fd's revents when it was fd that woke, else 0 */
int mtwait_fd_rev(int fd, short events, const mtcp_deadline *d, int max_ms,
                  short *rev);
void mtwait_set_main_thread(unsigned long ident);

/* ---- asr.c --------------------------------------------------------- */
int mtasr_pending(void *arg);   /* the Py_AddPendingCall callback */
int mtasr_drain(void);  /* 0, or -1 with the asr's (or a lost event's)
                         * exception */
int mtasr_draining(void);
/* threading._shutdown() has begun: asr exceptions become unraisable */
void mtasr_program_over(void);

/* ---- stream.c: what TCP and UDP stream objects share --------------- */
typedef struct mtcp_stream {
    PyObject_HEAD
    PyObject *asr;          /* owned: None or a callable; tp_clear clears */
    int port;               /* UDP: the bound port */
    char *rbuf;             /* owned: TCP Rcv's read buffer (PyMem), made
                             * at its first use, freed by dealloc */
    mtcp_watch w;           /* registered with the driver while alive */
} mtcp_stream;

/* the watch of a TCP or UDP stream object */
#define MTCP_WATCH(self) (&((mtcp_stream *)(self))->w)

/* the stream owning a registered watch: borrowed, valid with the GIL held */
mtcp_stream *mtstream_owner_of(mtcp_watch *w);
/* a new stream of type, registered with the driver, no descriptor yet */
PyObject *mtstream_new(PyTypeObject *type, int kind, int bufsize);
/* the slots both stream types use */
void mtstream_dealloc(PyObject *self);   /* like TCPRelease/UDPRelease */
int mtstream_traverse(PyObject *self, visitproc visit, void *arg);
int mtstream_clear(PyObject *self);
PyObject *mtstream_get_asr(mtcp_stream *s, void *closure);
int mtstream_set_asr(mtcp_stream *s, PyObject *value, void *closure);

/* shared argument converters (O&): 1 or 0 */
int mtstream_size_converter(PyObject *obj, void *out);  /* int */
int mtstream_host_converter(PyObject *obj, void *out);  /* uint32_t */
int mtstream_port_converter(PyObject *obj, void *out);  /* int 0..65535 */
int mtstream_timeout_converter(PyObject *obj, void *out);   /* double >= 0 */
PyObject *mtstream_host_object(uint32_t host);

/* op bracket for blocking calls: refuses a call from a second thread */
int mtstream_op_begin(mtcp_watch *w);           /* 0 or -1 with exception */
void mtstream_op_end(mtcp_watch *w);
/* the same with the module lock held; begin: 0, or -1 (no exception)
 * when another thread is using the stream, then raise mtstream_op_busy() */
int mtstream_op_begin_locked(mtcp_watch *w);
void mtstream_op_end_locked(mtcp_watch *w);
PyObject *mtstream_op_busy(void);               /* raises; NULL */

/* ---- status.c, udp.c, tcp.c: the types ----------------------------- */
int mtstatus_ready(void);       /* PyType_Ready */
PyObject *mtstatus_new(int fd);     /* of a connected TCP socket */
int mtudp_ready(void);
PyObject *mtudp_new(int bufsize, int port);
int mttcp_ready(void);
PyObject *mttcp_new(int bufsize);

/* ---- tcpconn.c: the connection checks the TCP methods share ------ */
/* The stream's connection: its descriptor (and *gen, its generation), or
 * -1 with an exception when a PassiveOpen is pending, there is no
 * connection, or it failed before the call (connectionDoesntExist). */
int mttcpconn_live_fd(mtcp_watch *w, unsigned *gen);
/* Send's state check, as MacPython made it (with Close Wait for its 18):
 * 0 in Established and Close Wait before our Close; else raises (Closed:
 * connectionDoesntExist, others the 'Operation not allowed, connection
 * state=N' string) and returns -1. */
int mttcpconn_refuse_state(int state, int fin_sent);
/* The data path's start: the checks of mttcpconn_live_fd() (the failure
 * only with MTTCPCONN_LIVE: Rcv still reads what came before it), with MTTCPCONN_NO_FIN the state check
 * after our Close(), then mtstream_op_begin(), all under one lock and
 * raising in that order.  The descriptor, or -1 with an exception. */
#define MTTCPCONN_LIVE 1
#define MTTCPCONN_NO_FIN 2
int mttcpconn_op_begin(mtcp_watch *w, int checks, unsigned *gen);
/* In a blocking call: the connection failed with err; records it, ends
 * the call (mtstream_op_end) and raises; returns NULL. */
PyObject *mttcpconn_error(mtcp_watch *w, unsigned gen, int err);
/* In a blocking call: mtwait_fd() on the connection.  Returns 1 to look
 * again, 0 when the deadline passed, or -1 with an exception and the call
 * ended (a signal, an asr's exception, or the descriptor replaced). */
int mttcpconn_wait(mtcp_watch *w, int fd, unsigned gen, short events,
                  const mtcp_deadline *d, int max_ms, short *rev);
/* After a wake-up: posts the ICMP reports found on the error queue and in
 * SO_ERROR; returns 0, or the errno that ended the connection (recorded
 * in w->sock_err).  A connection in CLOSE after our FIN, with no error,
 * ended in order: 0. */
int mttcpconn_check(mtcp_watch *w, int fd);

/* ---- tcpio.c: the data path ----------------------------------------- */
PyObject *mttcpio_Send(PyObject *self, CS_POSKW_PARAMS);
PyObject *mttcpio_Rcv(PyObject *self, CS_POS_PARAMS);
/* their entries of the TCP method table (tcp.c) */
#define MTTCPIO_SEND_METHODDEF                                              \
    {"Send", CS_POS_FN(mttcpio_Send), CS_METH_POSKW,                        \
     "Send(buf, push=0, urgent=0): returns when the peer has acknowledged " \
     "all of buf"},
#define MTTCPIO_RCV_METHODDEF                                               \
    {"Rcv", CS_POS_FN(mttcpio_Rcv), CS_METH_POS,                            \
     "Rcv(timeout) -> (data, urgent, mark); timeout in seconds, 0 or less = " \
     "forever"},

#endif /* CLASSICSOCKET_MTCP_H */

/* driver.c - the driver thread: one epoll loop per process that
 * watches every stream, plus the registry of streams and the FIFO of asr
 * events.  Nothing here touches a Python object; events leave through
 * Py_AddPendingCall, which needs neither the GIL nor a thread state (on
 * 3.9 to 3.11 the driver then takes the GIL for a moment, holding nothing
 * else: see kick_main_thread).
 *
 * The lowest layer of mactcp: it calls no other mactcp file.  It reaches
 * up only through two function pointers (libuv's watcher callbacks): each
 * watch's `service`, given to mtdriver_attach(), and the pending call
 * that delivers the FIFO, given to mtdriver_init().
 *
 * Design (libuv's loop, adapted):
 * - One mutex (`lock`) guards the registry, the FIFO and every watch.
 * - Watches are armed EPOLLONESHOT: each report disables the descriptor
 *   until the watch's service (conn.c's mtconn_service) has looked at the
 *   real state again and armed it for what is still of interest.
 *   Level-triggered conditions that cannot be masked (EPOLLHUP) therefore
 *   never make the loop spin.
 * - epoll_ctl is called by whichever thread holds the lock, not only by the
 *   driver: epoll is thread-safe, and re-arming a stream right where a
 *   Rcv or Send ends saves a thread hop per call on the data path.
 * - The thread is started by the first stream and joined when the last one
 *   is deleted, so no thread or descriptor outlives the streams.  It runs
 *   with every signal blocked: signals belong to the program.
 * - The FIFO is announced once, when it turns non-empty: one write to
 *   asr_fd (which wakes a main thread blocked in mactcp) and one
 *   Py_AddPendingCall.  A refused pending call is asked for again by the
 *   driver RETRY_MS later, until accepted.  A drain that stops after its
 *   batch with events left (asr.c) has the driver ask for the next one
 *   the same RETRY_MS later (mtdriver_defer): the program runs in between,
 *   however fast the events come.
 * - No event is dropped while its stream lives and the driver runs (from
 *   the first stream to the last, or to mtdriver_shutdown at exit).  When
 *   malloc cannot make an event, mtdriver_post queues the watch's own
 *   preallocated `lost` event in its place (code MT_EVENT_LOST), and each
 *   further event lost before it is delivered adds one to its count
 *   (detail).  The drain (asr.c) raises mactcp.error(insufficientResources)
 *   for it at the point where the asr would have run, as it propagates an
 *   asr's exception; events before and after it keep their order. */
#include "mactcp.h"
#include "fdutil.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#define WAKE_SERIAL 0       /* epoll data of the driver's own eventfd */
/* pause before the driver asks again for a pending call (refused, or a
 * drain left events for later) */
#define RETRY_MS 2

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* the Py_AddPendingCall callback that delivers the FIFO (mtdriver_init) */
static int (*deliver)(void *) = NULL;

static struct {
    mtcp_watch **watches;   /* the registry; borrowed pointers */
    size_t count;
    size_t cap;
    uint64_t next_serial;
    int epfd;
    int wakefd;             /* wakes the driver (stop, retry) */
    int asrfd;              /* readable while the FIFO is announced */
    pthread_t thread;
    int running;
    int stopping;
    int finished;           /* mtdriver_shutdown ran: never start again */
    mtcp_event *head;       /* the FIFO */
    mtcp_event *tail;
    int announced;          /* asrfd written and a pending call asked for */
    int call_wanted;        /* ask for a pending call after unlocking */
    int64_t retry_at;       /* CLOCK_MONOTONIC ms when the driver asks for
                             * a pending call again, or 0 */
} drv = {NULL, 0, 0, 0, -1, -1, -1, 0, 0, 0, 0, NULL, NULL, 0, 0, 0};

static int64_t
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* lock held: the driver asks for a pending call RETRY_MS from now */
static void
retry_later(void)
{
    if (drv.running && drv.retry_at == 0) {
        drv.retry_at = now_ms() + RETRY_MS;
        fdutil_eventfd_poke(drv.wakefd);   /* epoll_wait takes the new timeout */
    }
}

/* An event leaves the FIFO: malloc'd ones are freed; a watch's `lost`
 * event is only marked as out of the FIFO (count 0). */
static void
release_event(mtcp_event *e)
{
    if (e->code == MT_EVENT_LOST)
        e->detail = 0;
    else
        free(e);
}

void
mtdriver_init(int (*deliver_fifo)(void *))
{
    deliver = deliver_fifo;
}

void
mtdriver_lock(void)
{
    pthread_mutex_lock(&lock);
}

/* CPython 3.9 to 3.11 decide in the thread that adds a pending call
 * whether the eval loop is to be interrupted for it, and only the main
 * thread counts: from any other thread Py_AddPendingCall queues the call
 * but leaves the main thread's eval breaker unset, so a main thread
 * running pure Python code (no GIL release) would run it only at its next
 * blocking call.  The main thread recomputes its eval breaker whenever it
 * takes the GIL back; a thread that asks for the GIL makes it drop the
 * GIL within a switch interval and take it back.  2.7, 3.8 and 3.12 on
 * set the breaker from any thread. */
#if CS_PENDING_CALLS_NEED_GIL_KICK
static void
kick_main_thread(void)
{
    PyGILState_STATE gil;

    if (PyGILState_Check())
        return;     /* the main thread recomputes when it gets the GIL */
    gil = PyGILState_Ensure();
    PyGILState_Release(gil);
}
#else
static void
kick_main_thread(void)
{
}
#endif

static void
request_call(void)
{
    if (Py_AddPendingCall(deliver, NULL) == 0) {
        kick_main_thread();
        return;
    }
    pthread_mutex_lock(&lock);
    retry_later();
    pthread_mutex_unlock(&lock);
}

void
mtdriver_unlock(void)
{
    int want = drv.call_wanted;

    drv.call_wanted = 0;
    pthread_mutex_unlock(&lock);
    if (want)
        request_call();
}

mtcp_watch *
mtdriver_find(uint64_t serial)
{
    size_t i;

    for (i = 0; i < drv.count; i++)
        if (drv.watches[i]->serial == serial)
            return drv.watches[i];
    return NULL;
}

static void *
driver_main(void *arg)
{
    struct epoll_event evs[32];

    (void)arg;
    for (;;) {
        int timeout = -1;
        int n;
        int i;
        int retry;

        pthread_mutex_lock(&lock);
        if (drv.retry_at != 0) {
            int64_t left = drv.retry_at - now_ms();

            timeout = left > 0 ? (int)left : 0;
        }
        pthread_mutex_unlock(&lock);

        n = epoll_wait(drv.epfd, evs, 32, timeout);
        if (n < 0)
            n = 0;          /* EINTR cannot happen (signals are blocked) */

        pthread_mutex_lock(&lock);
        if (drv.stopping) {
            pthread_mutex_unlock(&lock);
            break;
        }
        for (i = 0; i < n; i++) {
            mtcp_watch *w;

            if (evs[i].data.u64 == WAKE_SERIAL) {
                fdutil_eventfd_drain(drv.wakefd);
                continue;
            }
            w = mtdriver_find(evs[i].data.u64);
            if (w == NULL)
                continue;   /* deleted after epoll_wait reported it */
            /* the report disabled the oneshot registration */
            w->service(w, 0);
        }
        retry = drv.retry_at != 0 && now_ms() >= drv.retry_at;
        if (retry)
            drv.retry_at = 0;
        mtdriver_unlock();
        if (retry)
            request_call();
    }
    return NULL;
}

/* lock held: starts the thread on the descriptors in drv */
static int
spawn_thread(void)
{
    sigset_t all;
    sigset_t old;
    int err;

    drv.stopping = 0;
    /* signals belong to the program: with all of them blocked, no
     * handler runs on the driver and epoll_wait never sees EINTR */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    err = -pthread_create(&drv.thread, NULL, driver_main, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (err < 0)
        return err;
    /* a name the tests (and ps -L) can find; set before anyone looks */
    (void)pthread_setname_np(drv.thread, "mactcp-driver");
    return 0;
}

/* lock held */
static int
start_driver(void)
{
    struct epoll_event ev;
    int err;

    drv.epfd = epoll_create1(EPOLL_CLOEXEC);
    if (drv.epfd < 0)
        return -errno;
    drv.wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    drv.asrfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (drv.wakefd < 0 || drv.asrfd < 0) {
        err = -errno;
        goto error;
    }
    ev.events = EPOLLIN;
    ev.data.u64 = WAKE_SERIAL;
    if (epoll_ctl(drv.epfd, EPOLL_CTL_ADD, drv.wakefd, &ev) < 0) {
        err = -errno;
        goto error;
    }
    drv.retry_at = 0;
    err = spawn_thread();
    if (err < 0)
        goto error;
    drv.running = 1;
    return 0;

error:
    if (drv.epfd >= 0)
        fdutil_close(drv.epfd);
    if (drv.wakefd >= 0)
        fdutil_close(drv.wakefd);
    if (drv.asrfd >= 0)
        fdutil_close(drv.asrfd);
    drv.epfd = drv.wakefd = drv.asrfd = -1;
    return err;
}

/* Stops and joins the thread.  Called without the lock, with the GIL. */
static void
stop_driver(void)
{
    mtcp_event *e;

    pthread_mutex_lock(&lock);
    if (!drv.running || drv.stopping) {
        /* not running, or another thread is joining it */
        pthread_mutex_unlock(&lock);
        return;
    }
    drv.stopping = 1;
    fdutil_eventfd_poke(drv.wakefd);
    pthread_mutex_unlock(&lock);
    /* the driver may be waiting for the GIL (kick_main_thread) */
    Py_BEGIN_ALLOW_THREADS
    pthread_join(drv.thread, NULL);
    Py_END_ALLOW_THREADS

    pthread_mutex_lock(&lock);
    if (drv.count > 0 && !drv.finished && spawn_thread() == 0) {
        /* a stream was created while the GIL was released for the join:
         * a new thread carries on with the same epoll set and FIFO */
        pthread_mutex_unlock(&lock);
        return;
    }
    drv.running = 0;
    fdutil_close(drv.epfd);
    fdutil_close(drv.wakefd);
    fdutil_close(drv.asrfd);
    drv.epfd = drv.wakefd = drv.asrfd = -1;
    while ((e = drv.head) != NULL) {
        drv.head = e->next;
        release_event(e);
    }
    drv.tail = NULL;
    drv.announced = 0;
    drv.retry_at = 0;
    pthread_mutex_unlock(&lock);
}

int
mtdriver_attach(mtcp_watch *w, mtcp_service_fn service)
{
    int err = 0;

    pthread_mutex_lock(&lock);
    if (drv.count == drv.cap) {
        size_t cap = drv.cap ? drv.cap * 2 : 16;
        mtcp_watch **grown = realloc(drv.watches, cap * sizeof(*grown));

        if (grown == NULL) {
            pthread_mutex_unlock(&lock);
            return -ENOMEM;
        }
        drv.watches = grown;
        drv.cap = cap;
    }
    if (!drv.running && !drv.finished) {
        err = start_driver();
        if (err < 0) {
            pthread_mutex_unlock(&lock);
            return err;
        }
    }
    w->serial = ++drv.next_serial;
    w->ep_fd = -1;
    w->service = service;
    w->lost.code = MT_EVENT_LOST;
    w->lost.detail = 0;
    drv.watches[drv.count++] = w;
    pthread_mutex_unlock(&lock);
    return 0;
}

void
mtdriver_detach(mtcp_watch *w)
{
    mtcp_event **link;
    size_t i;
    int last;

    pthread_mutex_lock(&lock);
    mtdriver_forget_fd(w);
    for (i = 0; i < drv.count; i++) {
        if (drv.watches[i] == w) {
            drv.watches[i] = drv.watches[--drv.count];
            break;
        }
    }
    /* its undelivered events go with it */
    link = &drv.head;
    drv.tail = NULL;
    while (*link != NULL) {
        mtcp_event *e = *link;

        if (e->serial == w->serial) {
            *link = e->next;
            release_event(e);
        }
        else {
            drv.tail = e;
            link = &e->next;
        }
    }
    w->serial = 0;
    last = drv.count == 0 && drv.running;
    if (drv.count == 0) {
        free(drv.watches);
        drv.watches = NULL;
        drv.cap = 0;
    }
    pthread_mutex_unlock(&lock);
    if (last)
        stop_driver();
}

void
mtdriver_unregister(mtcp_watch *w)
{
    size_t i;

    /* never the last watch (mactcp.h): the thread keeps running */
    mtdriver_forget_fd(w);
    for (i = 0; i < drv.count; i++) {
        if (drv.watches[i] == w) {
            drv.watches[i] = drv.watches[--drv.count];
            break;
        }
    }
    w->serial = 0;
}

void
mtdriver_shutdown(void)
{
    pthread_mutex_lock(&lock);
    drv.finished = 1;
    pthread_mutex_unlock(&lock);
    stop_driver();
}

void
mtdriver_forget_fd(mtcp_watch *w)
{
    if (w->ep_fd >= 0 && drv.epfd >= 0)
        (void)epoll_ctl(drv.epfd, EPOLL_CTL_DEL, w->ep_fd, NULL);
    w->ep_fd = -1;
}

int
mtdriver_arm(mtcp_watch *w, uint32_t events)
{
    struct epoll_event ev;

    if (events == 0 || w->fd < 0 || w->serial == 0 || drv.epfd < 0) {
        mtdriver_forget_fd(w);
        return 0;
    }
    ev.events = events | EPOLLONESHOT;
    ev.data.u64 = w->serial;
    if (w->ep_fd == w->fd) {
        if (epoll_ctl(drv.epfd, EPOLL_CTL_MOD, w->fd, &ev) == 0)
            return 0;
        if (errno != ENOENT)
            return -errno;
        /* the old descriptor was closed and its number reused */
    }
    else
        mtdriver_forget_fd(w);
    if (epoll_ctl(drv.epfd, EPOLL_CTL_ADD, w->fd, &ev) < 0) {
        w->ep_fd = -1;
        return -errno;
    }
    w->ep_fd = w->fd;
    return 0;
}

void
mtdriver_post(mtcp_watch *w, int code, int detail)
{
    mtcp_event *e;

    if (!drv.running || w->serial == 0)
        return;
    e = malloc(sizeof(*e));
    if (e != NULL) {
        e->code = code;
        e->detail = detail;
    }
    else {
        /* out of memory: the watch's own event reports the loss */
        e = &w->lost;
        if (e->detail++ > 0)
            return;     /* already queued; it counts this one too */
    }
    e->next = NULL;
    e->serial = w->serial;
    if (drv.tail != NULL)
        drv.tail->next = e;
    else
        drv.head = e;
    drv.tail = e;
    if (!drv.announced) {
        drv.announced = 1;
        fdutil_eventfd_poke(drv.asrfd);
        drv.call_wanted = 1;
    }
}

int
mtdriver_pop(mtcp_event *out)
{
    mtcp_event *e = drv.head;

    if (e == NULL) {
        if (drv.announced) {
            drv.announced = 0;
            fdutil_eventfd_drain(drv.asrfd);
        }
        return 0;
    }
    drv.head = e->next;
    if (drv.head == NULL)
        drv.tail = NULL;
    *out = *e;
    out->next = NULL;
    release_event(e);
    return 1;
}

int
mtdriver_asr_fd(void)
{
    return drv.asrfd;
}

void
mtdriver_defer(void)
{
    mtcp_event probe;

    pthread_mutex_lock(&lock);
    if (drv.head != NULL)
        retry_later();
    else
        (void)mtdriver_pop(&probe);     /* empty: clears the announcement */
    pthread_mutex_unlock(&lock);
}

void
mtdriver_reschedule(void)
{
    mtcp_event probe;

    pthread_mutex_lock(&lock);
    if (drv.head != NULL)
        drv.call_wanted = 1;
    else
        (void)mtdriver_pop(&probe);    /* empty: clears the announcement */
    mtdriver_unlock();
}

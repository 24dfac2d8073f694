/* asr.c - the bridge that runs asr callbacks in the main thread.
 *
 * The driver appends events to its FIFO and asks for one pending call;
 * mtasr_pending() (that call) and mtwait_fd() (while the main thread waits
 * in mactcp) both drain the FIFO through mtasr_drain(), one event at a
 * time and in order.  An event holds the serial number of its watch, not
 * an object: a stream deleted in the meantime is simply not found.
 *
 * - A drain delivers at most BATCH events.  With more waiting (an asr that
 *   causes an event for itself on every call keeps the FIFO full) it
 *   returns, and the driver asks for the next pending call a moment later
 *   (mtdriver_defer), so the program runs in between.
 * - If an asr raises, the exception propagates from the point where the
 *   drain ran and the remaining events get a new pending call.  Events
 *   the driver could not queue for lack of memory arrive as one
 *   MT_EVENT_LOST, which raises mactcp.error(insufficientResources) in the
 *   asr's place.
 * - Once the program is over (threading._shutdown() has begun: the module
 *   hooks it, mactcpmodule.c), nothing is left to catch such an exception:
 *   the join of the other threads would be cut short, then the atexit
 *   callbacks.  From then on the drain reports it as unraisable
 *   (sys.unraisablehook; 2.7: "Exception ... ignored") and goes on with
 *   the next event.  (When the join is done the hook drains the FIFO once
 *   more and stops the driver.) */
#include "mactcp.h"

#define BATCH 64    /* events one drain delivers before the program runs */

static int draining = 0;    /* GIL-protected: no nested drains */
static int program_over = 0;    /* GIL-protected: mtasr_program_over ran */

int
mtasr_draining(void)
{
    return draining;
}

void
mtasr_program_over(void)
{
    program_over = 1;
}

int
mtasr_drain(void)
{
    int rc = 0;
    int left = BATCH;

    if (draining)
        return 0;   /* an asr is running: its caller's loop goes on */
    draining = 1;
    for (;;) {
        mtcp_event ev;
        mtcp_watch *w;
        mtcp_stream *s = NULL;
        PyObject *asr;
        PyObject *res;

        if (left == 0)
            break;
        mtdriver_lock();
        if (!mtdriver_pop(&ev)) {
            mtdriver_unlock();
            break;
        }
        w = mtdriver_find(ev.serial);
        if (w != NULL) {
            /* alive: its dealloc would have unregistered it, and that
             * needs the GIL we hold */
            s = mtstream_owner_of(w);
            Py_INCREF(s);
        }
        mtdriver_unlock();
        if (s == NULL)
            continue;
        left--;
        asr = s->asr;
        if (asr != NULL && asr != Py_None) {
            Py_INCREF(asr);
            if (ev.code == MT_EVENT_LOST)
                res = mterrors_events_lost(ev.detail);
            else if (s->w.kind == MTW_TCP)
                res = PyObject_CallFunction(asr, "ii", ev.code, ev.detail);
            else
                res = PyObject_CallFunction(asr, "i", ev.code);
            if (res == NULL && program_over)
                PyErr_WriteUnraisable(asr);
            Py_DECREF(asr);
            if (res == NULL && !program_over) {
                Py_DECREF(s);
                rc = -1;
                break;
            }
            Py_XDECREF(res);
        }
        Py_DECREF(s);
    }
    draining = 0;
    if (rc < 0)
        mtdriver_reschedule();
    else if (left == 0)
        mtdriver_defer();   /* more may wait: the program first */
    return rc;
}

int
mtasr_pending(void *arg)
{
    (void)arg;
    return mtasr_drain();
}

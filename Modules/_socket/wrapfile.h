/* wrapfile.h - the files a socket object's makefile() made, and the
 * timeout they follow (wrapfile.c), for the socket objects of sockwrap.c. */
#ifndef CLASSICSOCKET_WRAPFILE_H
#define CLASSICSOCKET_WRAPFILE_H

#include "wrapcall.h"           /* first: Python.h sets the feature macros */

/* A socket object's files, which it starts zeroed. */
struct wrapfile_list {
    PyObject *refs;         /* NULL until the first makefile(), then a list
                               of weak references to the dup()ed C sockets
                               of the files made, closed and collected ones
                               dropped now and then; owned */
    Py_ssize_t prune_at;    /* makefile() drops those when the list has
                               this many entries */
};

/* Its constants; 0 or -1. */
int wrapfile_init(void);

/* makefile(): cls(<a dup of sock>, mode, bufsize, close=True), the
 * duplicate remembered in files (new ref, or NULL with the duplicate
 * closed). */
PyObject *wrapfile_make(PyObject *sock, PyObject *cls, PyObject *mode,
                        PyObject *bufsize, struct wrapfile_list *files);

/* After a change of sock's timeout: gives the C sockets of the files still
 * open that timeout, and forgets the others; 0 or -1. */
int wrapfile_follow(PyObject *sock, struct wrapfile_list *files);

#endif /* CLASSICSOCKET_WRAPFILE_H */

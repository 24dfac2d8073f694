/* netarg.h - argument converters of the network functions (netarg.c):
 * host names and bounded unsigned integers. */
#ifndef CLASSICSOCKET_NETARG_H
#define CLASSICSOCKET_NETARG_H

#include "compat.h"

/* The C string of a host name given as str (3.x: ASCII as is, anything
 * else through the "idna" codec, as CPython 3 does), unicode (2.7: "idna"),
 * bytes or bytearray.  *keep receives a new reference that owns the
 * characters (or NULL when obj itself does); release it with Py_XDECREF
 * after the last use of the result.  NULL with TypeError naming `caller`
 * for another type or an embedded NUL, or the codec's error. */
const char *netarg_host_chars(PyObject *obj, PyObject **keep,
                              const char *caller);

/* The value of an integer argument (int, long on 2.7, or anything with
 * __index__) if it lies in 0..max.  Returns 0 with *out set, 1 when the
 * value is out of range (no exception set: the caller raises OverflowError
 * with its own message), or -1 with TypeError set for a non-integer. */
int netarg_uint(PyObject *obj, unsigned long max, unsigned long *out);

/* Checks that an address of `family` ("AF_INET") is a tuple of min..max
 * items: TypeError "<caller>(): <family> address must be tuple, not X", or
 * "<caller>(): <size_message>" for a tuple of another size.  0, or -1. */
int netarg_address_tuple(PyObject *obj, Py_ssize_t min, Py_ssize_t max,
                         const char *family, const char *size_message,
                         const char *caller);

#endif /* CLASSICSOCKET_NETARG_H */

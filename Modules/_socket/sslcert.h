/* sslcert.h - an X509 certificate as Python objects, as Python 2.7's
 * ssl module gave a peer's certificate (peer_certificate()). */
#ifndef CLASSICSOCKET_SSLCERT_H
#define CLASSICSOCKET_SSLCERT_H

#include "compat.h"

#include <openssl/x509.h>

/* A dict with 'subject' and 'issuer' (tuples of relative distinguished
 * names, each a tuple of (attribute long name, value) pairs), 'version',
 * 'serialNumber' (upper-case hex), 'notBefore' and 'notAfter' (as
 * "Jan  5 09:34:43 2028 GMT") and, when the certificate has one,
 * 'subjectAltName' (a tuple of (kind, value): 'DNS', 'IP Address',
 * 'email', 'URI', 'DirName').  New ref, or NULL with an exception set. */
PyObject *sslcert_to_dict(X509 *cert);

/* The certificate in DER form as bytes (2.7: str); new ref or NULL. */
PyObject *sslcert_to_der(X509 *cert);

#endif /* CLASSICSOCKET_SSLCERT_H */

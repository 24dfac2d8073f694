/* sslcert.c - a peer's X509 certificate as Python objects (sslcert.h).
 *
 * The dict has the keys and value shapes of Python 2.7's
 * SSLSocket.getpeercert(): attribute names are OpenSSL's long names
 * ('commonName'), attribute values text decoded from UTF-8 (unicode on
 * 2.7), the rest native str.  Runs with the GIL held; every OpenSSL object
 * made here is freed here. */
#include "sslcert.h"    /* first: Python.h sets the feature macros */

#include <arpa/inet.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

/* Long enough for any attribute name OBJ_obj2txt gives (a dotted OID of an
 * unknown attribute included); longer ones are cut, as 2.7 cut them. */
#define ATTR_NAME_MAX 256

/* What was written to a memory BIO, as a native str; frees the BIO. */
static PyObject *
bio_text(BIO *bio)
{
    char *data = NULL;
    long len = BIO_get_mem_data(bio, &data);
    PyObject *text = cs_native_str_and_size(data, len);

    BIO_free(bio);
    return text;
}

static BIO *
new_mem_bio(void)
{
    BIO *bio = BIO_new(BIO_s_mem());

    if (bio == NULL)
        PyErr_NoMemory();
    return bio;
}

/* (name, value) of one attribute of a distinguished name. */
static PyObject *
attribute_pair(X509_NAME_ENTRY *entry)
{
    char name[ATTR_NAME_MAX];
    unsigned char *utf8 = NULL;
    PyObject *value;
    PyObject *pair;
    int len;

    len = OBJ_obj2txt(name, sizeof(name), X509_NAME_ENTRY_get_object(entry),
                      0);
    if (len < 0) {
        PyErr_SetString(PyExc_ValueError, "unreadable attribute name");
        return NULL;
    }
    len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(entry));
    if (len < 0) {
        PyErr_SetString(PyExc_ValueError, "unreadable attribute value");
        return NULL;
    }
    value = PyUnicode_DecodeUTF8((const char *)utf8, len, "strict");
    OPENSSL_free(utf8);
    if (value == NULL)
        return NULL;
    pair = Py_BuildValue("(sN)", name, value);      /* N: steals value */
    return pair;
}

/* A list as a tuple, the list released; NULL passes through. */
static PyObject *
list_to_tuple(PyObject *list)
{
    PyObject *tuple;

    if (list == NULL)
        return NULL;
    tuple = PyList_AsTuple(list);
    Py_DECREF(list);
    return tuple;
}

/* Appends the tuple of *rdn to rdns and starts a new list in *rdn;
 * 0 or -1. */
static int
close_rdn(PyObject *rdns, PyObject **rdn)
{
    PyObject *tuple = list_to_tuple(*rdn);
    int rc;

    *rdn = NULL;
    if (tuple == NULL)
        return -1;
    rc = PyList_Append(rdns, tuple);
    Py_DECREF(tuple);
    if (rc < 0)
        return -1;
    *rdn = PyList_New(0);
    return *rdn == NULL ? -1 : 0;
}

/* A distinguished name as a tuple of relative distinguished names, each a
 * tuple of (name, value) pairs (entries of one set go into one RDN). */
static PyObject *
name_tuple(X509_NAME *name)
{
    PyObject *rdns = PyList_New(0);
    PyObject *rdn = NULL;
    int count = X509_NAME_entry_count(name);
    int last_set = -1;
    int i;

    if (rdns == NULL)
        return NULL;
    rdn = PyList_New(0);
    if (rdn == NULL)
        goto error;
    for (i = 0; i < count; i++) {
        X509_NAME_ENTRY *entry = X509_NAME_get_entry(name, i);
        int set = X509_NAME_ENTRY_set(entry);
        PyObject *pair;
        int rc;

        if (set != last_set && PyList_GET_SIZE(rdn) > 0
            && close_rdn(rdns, &rdn) < 0)
            goto error;
        last_set = set;
        pair = attribute_pair(entry);
        if (pair == NULL)
            goto error;
        rc = PyList_Append(rdn, pair);
        Py_DECREF(pair);
        if (rc < 0)
            goto error;
    }
    if (PyList_GET_SIZE(rdn) > 0 && close_rdn(rdns, &rdn) < 0)
        goto error;
    Py_XDECREF(rdn);
    return list_to_tuple(rdns);

error:
    Py_XDECREF(rdn);
    Py_DECREF(rdns);
    return NULL;
}

/* The text of an IA5String (DNS name, email, URI) as a native str. */
static PyObject *
ia5_text(const ASN1_STRING *s)
{
    return cs_native_str_and_size((const char *)ASN1_STRING_get0_data(s),
                                  ASN1_STRING_length(s));
}

/* An iPAddress entry in the usual text form; other lengths as '<invalid>',
 * as 2.7 wrote them. */
static PyObject *
ip_text(const ASN1_OCTET_STRING *ip)
{
    char text[INET6_ADDRSTRLEN];
    const unsigned char *p = ASN1_STRING_get0_data(ip);
    int len = ASN1_STRING_length(ip);

    if ((len == 4 && inet_ntop(AF_INET, p, text, sizeof(text)) != NULL)
        || (len == 16 && inet_ntop(AF_INET6, p, text, sizeof(text)) != NULL))
        return cs_native_str(text);
    return cs_native_str("<invalid>");
}

static PyObject *
general_name_pair(const GENERAL_NAME *gn)
{
    switch (gn->type) {
    case GEN_DNS:
        return Py_BuildValue("(sN)", "DNS", ia5_text(gn->d.dNSName));
    case GEN_EMAIL:
        return Py_BuildValue("(sN)", "email", ia5_text(gn->d.rfc822Name));
    case GEN_URI:
        return Py_BuildValue("(sN)", "URI",
                             ia5_text(gn->d.uniformResourceIdentifier));
    case GEN_IPADD:
        return Py_BuildValue("(sN)", "IP Address", ip_text(gn->d.iPAddress));
    case GEN_DIRNAME:
        return Py_BuildValue("(sN)", "DirName",
                             name_tuple(gn->d.directoryName));
    default:
        /* as 2.7: the kinds it did not decode are named, not given */
        return Py_BuildValue("(ss)", "othername", "<unsupported>");
    }
}

/* The subjectAltName tuple; NULL with *failed = 0 and no exception when
 * the certificate has none, NULL with *failed = 1 and an exception set on
 * failure. */
static PyObject *
alt_names(X509 *cert, int *failed)
{
    GENERAL_NAMES *names;
    PyObject *list;
    PyObject *tuple;
    int i;

    *failed = 0;
    names = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
    if (names == NULL)
        return NULL;
    list = PyList_New(0);
    for (i = 0; list != NULL && i < sk_GENERAL_NAME_num(names); i++) {
        PyObject *pair = general_name_pair(sk_GENERAL_NAME_value(names, i));

        if (pair == NULL || PyList_Append(list, pair) < 0)
            Py_CLEAR(list);
        Py_XDECREF(pair);
    }
    GENERAL_NAMES_free(names);
    tuple = list_to_tuple(list);
    *failed = tuple == NULL;
    return tuple;
}

static PyObject *
serial_text(X509 *cert)
{
    BIO *bio = new_mem_bio();

    if (bio == NULL)
        return NULL;
    if (i2a_ASN1_INTEGER(bio, X509_get_serialNumber(cert)) < 0) {
        BIO_free(bio);
        PyErr_SetString(PyExc_ValueError, "unreadable serial number");
        return NULL;
    }
    return bio_text(bio);
}

static PyObject *
time_text(const ASN1_TIME *when)
{
    BIO *bio = new_mem_bio();

    if (bio == NULL)
        return NULL;
    if (ASN1_TIME_print(bio, when) != 1) {
        BIO_free(bio);
        PyErr_SetString(PyExc_ValueError, "unreadable validity time");
        return NULL;
    }
    return bio_text(bio);
}

/* dict[key] = value, value released; 0 or -1 (also for a NULL value). */
static int
set_item(PyObject *dict, const char *key, PyObject *value)
{
    int rc;

    if (value == NULL)
        return -1;
    rc = PyDict_SetItemString(dict, key, value);
    Py_DECREF(value);
    return rc;
}

PyObject *
sslcert_to_dict(X509 *cert)
{
    PyObject *dict = PyDict_New();
    PyObject *alt;
    int failed;

    if (dict == NULL)
        return NULL;
    if (set_item(dict, "subject", name_tuple(X509_get_subject_name(cert))) < 0
        || set_item(dict, "issuer",
                    name_tuple(X509_get_issuer_name(cert))) < 0
        || set_item(dict, "version",
                    cs_int_from_long(X509_get_version(cert) + 1)) < 0
        || set_item(dict, "serialNumber", serial_text(cert)) < 0
        || set_item(dict, "notBefore",
                    time_text(X509_get0_notBefore(cert))) < 0
        || set_item(dict, "notAfter", time_text(X509_get0_notAfter(cert))) < 0)
        goto error;
    alt = alt_names(cert, &failed);
    if (failed || (alt != NULL && set_item(dict, "subjectAltName", alt) < 0))
        goto error;
    return dict;

error:
    Py_DECREF(dict);
    return NULL;
}

PyObject *
sslcert_to_der(X509 *cert)
{
    unsigned char *der = NULL;
    int len = i2d_X509(cert, &der);
    PyObject *bytes;

    if (len < 0) {
        PyErr_SetString(PyExc_ValueError, "the certificate has no DER form");
        return NULL;
    }
    bytes = PyBytes_FromStringAndSize((const char *)der, len);
    OPENSSL_free(der);
    return bytes;
}

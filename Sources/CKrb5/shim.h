#ifndef EDCA_CKRB5_SHIM_H
#define EDCA_CKRB5_SHIM_H
#include <krb5.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_krb5.h>
#include <gssapi/gssapi_ext.h>

/* The library's OID constants are mutable C globals, which Swift 6 refuses to read; these return them. */
static inline gss_OID edca_gss_nt_hostbased_service(void) { return GSS_C_NT_HOSTBASED_SERVICE; }
static inline gss_OID edca_gss_mech_krb5(void) { return (gss_OID)gss_mech_krb5; }
#endif

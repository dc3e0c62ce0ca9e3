/* number.h: the numbers kapka gives its receipts and permits, "<issuer>-<series>-<id>"
 * (KG-SW-000042, TRACECA-ECO-000007, KG-BZ-000003): the issuing authority's whole code,
 * the series, and the row id with at least six digits. Pure: no I/O. */
#ifndef KP_NUMBER_H
#define KP_NUMBER_H

#include <stdint.h>

/* Room for any number: an authority code (16), a series (8), an id (19) and two dashes. */
#define KP_NUMBER_MAX 48

/* Series of numbers. */
#define KP_NUMBER_WINDOW "SW"  /* single-window fee receipts */
#define KP_NUMBER_ECOTAX "ECO" /* ecotax payment receipts */
#define KP_NUMBER_ZONE "BZ"    /* border-zone permits */

/* Writes issuer's number id in series into out (NUL-terminated, never cut: issuer is at
 * most KP_AUTHORITY_CODE_MAX characters and series at most 8). */
void kp_number_format(const char *issuer, const char *series, int64_t id, char out[KP_NUMBER_MAX]);

/* The id in number when it is issuer's number in series, else 0. */
int64_t kp_number_parse(const char *issuer, const char *series, const char *number);

#endif

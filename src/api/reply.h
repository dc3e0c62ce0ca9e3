/* reply.h: the generic answers every resource shares, beyond http/'s JSON and errors:
 * store codes as HTTP statuses, CSV tables, QR codes and PDF documents. */
#ifndef KP_API_REPLY_H
#define KP_API_REPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"

/* Map a store return code (KP_DB_*) to a 4xx/5xx answer about what. */
void kp_reply_db_error(kp_req_t *req, int rc, const char *what);

/* True when the client asked for CSV (?format=csv or Accept: text/csv). */
bool kp_api_wants_csv(const kp_req_t *req);
/* A CSV answer from rows of cells (nrows rows of ncols cells, after the header). */
void kp_api_reply_csv(kp_req_t *req, const char *filename, const char *const *header, int ncols,
                      const char *const *cells, int nrows);

/* The QR image format the client asked for (?format=svg|png, SVG by default); NULL after
 * answering 400 when it is another. */
const char *kp_api_qr_format(kp_req_t *req);
/* A QR code of text as the answer: SVG or PNG as ?format= asks (SVG by default; anything
 * else answers 400), shown inline as filename.svg/.png. */
void kp_api_reply_qr(kp_req_t *req, const char *text, const char *filename);
/* A PDF document as the answer, inline as filename.pdf; takes the malloc'd pdf. */
void kp_api_reply_pdf(kp_req_t *req, unsigned char *pdf, size_t len, const char *filename);

#endif

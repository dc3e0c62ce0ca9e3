/* receipt.h: a one-page receipt in Kyrgyz, Russian and English: a title, rows of labelled
 * values and the QR of its signed credential (ecotax receipts, single-window fees). */
#ifndef KP_RECEIPT_H
#define KP_RECEIPT_H

#include "doc/pdf.h"

#include <stddef.h>

typedef struct kp_receipt_row {
	const kp_pdf_label_t *label;
	const char *value;
} kp_receipt_row_t;

/* The PDF of a receipt: title ('\n' between languages), number as the subtitle, the rows,
 * and the QR of credential. *out is malloc'd (the caller frees it or hands it on). 0, or a
 * KP_PDF_* / QR error. */
int kp_receipt_pdf(const char *title, const char *number, const kp_receipt_row_t *rows, size_t n,
                   const char *credential, unsigned char **out, size_t *len);

#endif

/* receipt.c: one-page receipts with a signed QR. */
#include "doc/receipt.h"

#include <string.h>

int kp_receipt_pdf(const char *title, const char *number, const kp_receipt_row_t *rows, size_t n,
                   const char *credential, unsigned char **out, size_t *len)
{
	kp_pdf_t *pdf = NULL;
	kp_qr_t qr = {0};
	int rc = kp_pdf_new(NULL, &pdf);
	if (rc == 0)
		rc = kp_pdf_title(pdf, title, number);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = kp_pdf_row(pdf, rows[i].label, rows[i].value);
	if (rc == 0)
		rc = kp_qr_encode(credential, strlen(credential), KP_QR_ECC_DEFAULT, &qr);
	if (rc == 0)
		rc = kp_pdf_qr(pdf, &qr, KP_PDF_QR_MIN_MM, "Текшерүү · Проверка · Verify (ES256)");
	if (rc == 0)
		rc = kp_pdf_finish(pdf, out, len);
	kp_qr_cleanup(&qr);
	kp_pdf_free(pdf);
	return rc;
}

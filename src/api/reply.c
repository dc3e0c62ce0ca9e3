/* reply.c: generic answers: store codes, CSV, QR codes and PDF documents. */
#include "api/reply.h"
#include "core/arena.h"
#include "doc/qr.h"
#include "store/db.h"

#include <string.h>

void kp_reply_db_error(kp_req_t *req, int rc, const char *what)
{
	switch (rc) {
	case KP_DB_NOTFOUND:
		kp_reply_error(req, 404, "not_found", "%s not found", what);
		break;
	case KP_DB_CONFLICT:
		kp_reply_error(req, 409, "conflict", "%s already exists", what);
		break;
	case KP_DB_FORBIDDEN:
		kp_reply_error(req, 403, "not_yours", "this %s belongs to another account", what);
		break;
	case KP_DB_REF:
		kp_reply_error(req, 422, "invalid_reference", "%s refers to something that does not exist", what);
		break;
	case KP_DB_BUSY:
		kp_reply_header(req, "Retry-After", "1");
		kp_reply_error(req, 503, "busy", "the database is busy; try again in a moment");
		break;
	default:
		kp_reply_error(req, 500, "internal", "the request could not be completed; it was logged as %s",
		               req->request_id);
	}
}

bool kp_api_wants_csv(const kp_req_t *req)
{
	const char *f = kp_req_query(req, "format");
	const char *accept = kp_req_header(req, "Accept");
	return (f && strcmp(f, "csv") == 0) || (accept && strstr(accept, "text/csv"));
}

/* Append one cell; afterwards at least 5 bytes stay free for a separator or line end.
 * Quote a cell when it holds a separator, quote or line break (RFC 4180); a leading
 * =, +, - or @ is prefixed with ' so spreadsheets do not run it as a formula. */
static void csv_cell(kp_arena_t *a, char **buf, size_t *len, size_t *cap, const char *v)
{
	if (v == NULL)
		v = "";
	size_t n = strlen(v);
	if (*len + 2 * n + 8 > *cap) {
		size_t ncap = (*cap + 2 * n + 8) * 2;
		char *nb = kp_arena_alloc(a, ncap);
		memcpy(nb, *buf, *len);
		*buf = nb;
		*cap = ncap;
	}
	bool quote = strpbrk(v, ",\"\r\n") != NULL || strchr("=+-@", v[0] ? v[0] : 'x') != NULL;
	char *o = *buf + *len;
	if (quote)
		*o++ = '"';
	if (v[0] && strchr("=+-@", v[0]))
		*o++ = '\'';
	for (const char *p = v; *p; p++) {
		if (*p == '"')
			*o++ = '"';
		*o++ = *p;
	}
	if (quote)
		*o++ = '"';
	*len = (size_t)(o - *buf);
}

void kp_api_reply_csv(kp_req_t *req, const char *filename, const char *const *header, int ncols,
                      const char *const *cells, int nrows)
{
	size_t cap = 4096, len = 0;
	char *buf = kp_arena_alloc(&req->arena, cap);
	for (int r = -1; r < nrows; r++) {
		for (int c = 0; c < ncols; c++) {
			if (c)
				buf[len++] = ',';
			csv_cell(&req->arena, &buf, &len, &cap, r < 0 ? header[c] : cells[r * ncols + c]);
		}
		buf[len++] = '\r';
		buf[len++] = '\n';
	}
	kp_reply_bytes(req, 200, "text/csv; charset=utf-8", buf, len);
	kp_reply_header(req, "Content-Disposition", kp_arena_printf(&req->arena, "attachment; filename=\"%s\"", filename));
}

const char *kp_api_qr_format(kp_req_t *req)
{
	const char *format = kp_req_query(req, "format");
	if (format == NULL)
		return "svg";
	if (strcmp(format, "svg") != 0 && strcmp(format, "png") != 0) {
		kp_reply_error(req, 400, "bad_query", "format must be svg or png");
		return NULL;
	}
	return format;
}

void kp_api_reply_qr(kp_req_t *req, const char *text, const char *filename)
{
	const char *format = kp_api_qr_format(req);
	if (format == NULL)
		return;
	kp_qr_t qr;
	char *out = NULL;
	size_t len = 0;
	int rc = kp_qr_encode(text, strlen(text), KP_QR_ECC_DEFAULT, &qr);
	if (rc == 0)
		rc = strcmp(format, "svg") == 0 ? kp_qr_svg(&qr, KP_QR_QUIET, &out, &len)
		                                : kp_qr_png(&qr, 8, KP_QR_QUIET, (unsigned char **)&out, &len);
	kp_qr_cleanup(&qr);
	if (rc != 0) {
		kp_reply_error(req, 500, "internal", "the QR code could not be drawn");
		return;
	}
	kp_reply_take(req, 200, strcmp(format, "svg") == 0 ? "image/svg+xml" : "image/png", out, len);
	kp_reply_header(req, "Content-Disposition",
	                kp_arena_printf(&req->arena, "inline; filename=\"%s.%s\"", filename, format));
}

void kp_api_reply_pdf(kp_req_t *req, unsigned char *pdf, size_t len, const char *filename)
{
	kp_reply_take(req, 200, "application/pdf", pdf, len);
	kp_reply_header(req, "Content-Disposition", kp_arena_printf(&req->arena, "inline; filename=\"%s.pdf\"", filename));
}

/* qr.c: QR symbols through libqrencode; SVG by hand and PNG through a minimal writer
 * (signature, IHDR, one zlib IDAT, IEND) so no image library is needed. */
#include "doc/qr.h"
#include "core/util.h"

#include <errno.h>
#include <qrencode.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

int kp_qr_encode(const char *text, size_t len, kp_qr_ecc_t ecc, kp_qr_t *out)
{
	static const QRecLevel levels[] = {QR_ECLEVEL_L, QR_ECLEVEL_M, QR_ECLEVEL_Q, QR_ECLEVEL_H};
	if (out == NULL)
		return KP_QR_EINVAL;
	memset(out, 0, sizeof(*out));
	if (text == NULL || len == 0 || (unsigned)ecc >= KP_ARRAY_LEN(levels))
		return KP_QR_EINVAL;
	if (len > 7089) /* more than any symbol holds, and keeps the int cast safe */
		return KP_QR_ETOOLONG;
	errno = 0;
	QRcode *code = QRcode_encodeData((int)len, (const unsigned char *)text, 0, levels[ecc]);
	if (code == NULL)
		return errno == ERANGE ? KP_QR_ETOOLONG : KP_QR_EENCODE;
	size_t n = (size_t)code->width * (size_t)code->width;
	out->version = code->version;
	out->width = code->width;
	out->modules = kp_malloc(n);
	for (size_t i = 0; i < n; i++)
		out->modules[i] = code->data[i] & 1;
	QRcode_free(code);
	return KP_QR_OK;
}

void kp_qr_cleanup(kp_qr_t *qr)
{
	if (qr == NULL)
		return;
	free(qr->modules);
	memset(qr, 0, sizeof(*qr));
}

bool kp_qr_dark(const kp_qr_t *qr, int x, int y)
{
	if (x < 0 || y < 0 || x >= qr->width || y >= qr->width)
		return false;
	return qr->modules[(size_t)y * (size_t)qr->width + (size_t)x] != 0;
}

static bool qr_valid(const kp_qr_t *qr)
{
	return qr != NULL && qr->modules != NULL && qr->width > 0 && qr->width <= 177;
}

/* A growable text buffer for the SVG. */
struct text {
	char *p;
	size_t len, cap;
};

static void text_printf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void text_printf(struct text *t, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		va_start(ap, fmt);
		int n = vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			kp_fatal("vsnprintf failed");
		if ((size_t)n < t->cap - t->len) {
			t->len += (size_t)n;
			return;
		}
		t->cap = t->cap * 2 + (size_t)n;
		t->p = kp_realloc(t->p, t->cap);
	}
}

void kp_qr_each_run(const kp_qr_t *qr, void (*fn)(void *ctx, int x, int y, int run), void *ctx)
{
	for (int y = 0; y < qr->width; y++) {
		for (int x = 0; x < qr->width;) {
			if (!kp_qr_dark(qr, x, y)) {
				x++;
				continue;
			}
			int run = 1;
			while (kp_qr_dark(qr, x + run, y))
				run++;
			fn(ctx, x, y, run);
			x += run;
		}
	}
}

struct svg_runs {
	struct text *t;
	int quiet;
};

static void svg_run(void *ctx, int x, int y, int run)
{
	struct svg_runs *sr = ctx;
	text_printf(sr->t, "M%d %dh%dv1h-%dz", x + sr->quiet, y + sr->quiet, run, run);
}

int kp_qr_svg(const kp_qr_t *qr, int quiet, char **out, size_t *outlen)
{
	if (out == NULL || outlen == NULL)
		return KP_QR_EINVAL;
	*out = NULL;
	*outlen = 0;
	if (!qr_valid(qr) || quiet < 0 || quiet > KP_QR_QUIET_MAX)
		return KP_QR_EINVAL;
	int size = qr->width + 2 * quiet;
	struct text t = {kp_malloc(4096), 0, 4096};
	text_printf(&t,
	            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
	            "shape-rendering=\"crispEdges\">"
	            "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
	            size, size, size, size);
	struct svg_runs sr = {&t, quiet};
	kp_qr_each_run(qr, svg_run, &sr);
	text_printf(&t, "\"/></svg>\n");
	*out = t.p;
	*outlen = t.len;
	return KP_QR_OK;
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* Appends a PNG chunk (length, type, data, CRC of type and data) at *pos in buf. */
static void put_chunk(unsigned char *buf, size_t *pos, const char type[4], const unsigned char *data, size_t len)
{
	unsigned char *p = buf + *pos;
	put_be32(p, (uint32_t)len);
	memcpy(p + 4, type, 4);
	if (len > 0)
		memcpy(p + 8, data, len);
	uLong crc = crc32(0L, p + 4, (uInt)(len + 4));
	put_be32(p + 8 + len, (uint32_t)crc);
	*pos += len + 12;
}

/* The filtered scanlines (filter byte 0, then 1 bit per pixel, 1 = white). */
static unsigned char *png_scanlines(const kp_qr_t *qr, int scale, int quiet, size_t px, size_t *len)
{
	size_t rowbytes = 1 + (px + 7) / 8;
	unsigned char *raw = kp_malloc(rowbytes * px);
	for (size_t y = 0; y < px; y++) {
		unsigned char *row = raw + y * rowbytes;
		if (y % (size_t)scale != 0) { /* same as the row above */
			memcpy(row, row - rowbytes, rowbytes);
			continue;
		}
		memset(row, 0, rowbytes);
		int my = (int)(y / (size_t)scale) - quiet;
		for (size_t x = 0; x < px; x++) {
			int mx = (int)(x / (size_t)scale) - quiet;
			if (!kp_qr_dark(qr, mx, my))
				row[1 + x / 8] |= (unsigned char)(0x80 >> (x % 8));
		}
	}
	*len = rowbytes * px;
	return raw;
}

int kp_qr_png(const kp_qr_t *qr, int scale, int quiet, unsigned char **out, size_t *outlen)
{
	static const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	if (out == NULL || outlen == NULL)
		return KP_QR_EINVAL;
	*out = NULL;
	*outlen = 0;
	if (!qr_valid(qr) || scale < 1 || scale > KP_QR_SCALE_MAX || quiet < 0 || quiet > KP_QR_QUIET_MAX)
		return KP_QR_EINVAL;
	/* At most (177 + 32) * 32 pixels a side, so no size below can overflow. */
	size_t px = (size_t)(qr->width + 2 * quiet) * (size_t)scale;
	size_t rawlen;
	unsigned char *raw = png_scanlines(qr, scale, quiet, px, &rawlen);
	uLongf zlen = compressBound((uLong)rawlen);
	unsigned char *z = kp_malloc(zlen);
	int zrc = compress2(z, &zlen, raw, (uLong)rawlen, Z_BEST_COMPRESSION);
	free(raw);
	if (zrc != Z_OK) {
		free(z);
		return KP_QR_EENCODE;
	}
	unsigned char ihdr[13];
	put_be32(ihdr, (uint32_t)px);
	put_be32(ihdr + 4, (uint32_t)px);
	ihdr[8] = 1;  /* bit depth */
	ihdr[9] = 0;  /* grayscale */
	ihdr[10] = 0; /* deflate */
	ihdr[11] = 0; /* adaptive filtering, every row filter 0 */
	ihdr[12] = 0; /* not interlaced */
	unsigned char *png = kp_malloc(sizeof(signature) + 3 * 12 + sizeof(ihdr) + zlen);
	size_t pos = sizeof(signature);
	memcpy(png, signature, sizeof(signature));
	put_chunk(png, &pos, "IHDR", ihdr, sizeof(ihdr));
	put_chunk(png, &pos, "IDAT", z, zlen);
	put_chunk(png, &pos, "IEND", NULL, 0);
	free(z);
	*out = png;
	*outlen = pos;
	return KP_QR_OK;
}

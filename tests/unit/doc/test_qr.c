/* test_qr.c: QR symbols and their renderings (src/doc/qr.c): the SVG path draws exactly
 * the dark modules, the PNG is valid and pixel-exact, and zbarimg reads the text back. */
#include "doc_test.h"

#include "doc/qr.h"

#include <zlib.h>

#define PERMIT_ID "KG-UZ-2026-1-17"

/* A JWS of the size a permit QR carries (about 400 bytes). */
static const char
    jws_text[] = "eyJhbGciOiJFUzI1NiIsImtpZCI6ImtnLTEifQ"
                 ".eyJpZCI6IktHLVVaLTIwMjYtMS0xNyIsImlhdCI6IjAyLzAzLzIwMjYiLCJleHAiOiIzMS8wMS8yMDI3IiwicG4i"
                 "OiIwMUtHMTIzQUJDIiwiY24iOiLQkNC70LAt0KLQvtC-INCi0YDQsNC90YEg0JDQmtCeIn0"
                 ".hkYZd9x__XTCJb3EfD_pT7MV4mku3Fv-QAL6cnMYzFslpo7nlLam18OHtUQozmrbRzT7FkNUvY3iCarcnffweA";

static void encode(const char *text, kp_qr_ecc_t ecc, kp_qr_t *qr)
{
	assert_int_equal(kp_qr_encode(text, strlen(text), ecc, qr), KP_QR_OK);
	assert_int_equal(qr->width, 17 + 4 * qr->version);
	assert_non_null(qr->modules);
}

static void encode_basics(void **state)
{
	(void)state;
	kp_qr_t qr, h;
	encode(PERMIT_ID, KP_QR_ECC_L, &qr);
	encode(PERMIT_ID, KP_QR_ECC_H, &h);
	assert_true(h.version >= qr.version);
	/* The three finder patterns: dark 7x7 corners with a light ring inside. */
	int corners[3][2] = {{0, 0}, {qr.width - 7, 0}, {0, qr.width - 7}};
	for (int c = 0; c < 3; c++) {
		assert_true(kp_qr_dark(&qr, corners[c][0], corners[c][1]));
		assert_false(kp_qr_dark(&qr, corners[c][0] + 1, corners[c][1] + 1));
		assert_true(kp_qr_dark(&qr, corners[c][0] + 3, corners[c][1] + 3));
	}
	assert_false(kp_qr_dark(&qr, -1, 0));
	assert_false(kp_qr_dark(&qr, qr.width, 0));
	kp_qr_cleanup(&qr);
	kp_qr_cleanup(&h);
	assert_null(qr.modules);

	encode(jws_text, KP_QR_ECC_DEFAULT, &qr);
	kp_qr_cleanup(&qr);

	/* Errors. */
	assert_int_equal(kp_qr_encode("", 0, KP_QR_ECC_M, &qr), KP_QR_EINVAL);
	assert_int_equal(kp_qr_encode(NULL, 3, KP_QR_ECC_M, &qr), KP_QR_EINVAL);
	assert_int_equal(kp_qr_encode("x", 1, (kp_qr_ecc_t)9, &qr), KP_QR_EINVAL);
	char *big = malloc(3000);
	memset(big, 'a', 3000);
	assert_int_equal(kp_qr_encode(big, 3000, KP_QR_ECC_M, &qr), KP_QR_ETOOLONG);
	assert_int_equal(kp_qr_encode(big, 100000, KP_QR_ECC_M, &qr), KP_QR_ETOOLONG);
	free(big);
	assert_null(qr.modules);
	kp_qr_cleanup(&qr);
}

/* Tags open and close in order (a small check of the SVG's shape, enough for our output). */
static void assert_well_formed(const char *svg)
{
	const char *stack[8];
	int depth = 0;
	assert_true(strncmp(svg, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ", 44) == 0);
	for (const char *p = strchr(svg + 2, '<'); p; p = strchr(p + 1, '<')) {
		const char *end = strchr(p, '>');
		assert_non_null(end);
		assert_null(memchr(p + 1, '<', (size_t)(end - p - 1)));
		if (p[1] == '/') {
			assert_true(depth > 0);
			size_t n = strcspn(p + 2, ">");
			assert_true(strncmp(stack[--depth], p + 2, n) == 0);
		} else if (end[-1] != '/') {
			assert_true(depth < 8);
			stack[depth++] = p + 1;
		}
	}
	assert_int_equal(depth, 0);
}

/* Reads the path back: every "M x yhNv1h-Nz" fills a run; the grid must equal the symbol. */
static void check_svg_path(const char *svg, const kp_qr_t *qr, int quiet)
{
	int size = qr->width + 2 * quiet, dark = 0, drawn = 0;
	unsigned char *grid = calloc((size_t)(size * size), 1);
	const char *d = strstr(svg, " d=\"");
	assert_non_null(d);
	d += 4;
	while (*d == 'M') {
		int x, y, n, n2, used;
		assert_int_equal(sscanf(d, "M%d %dh%dv1h-%dz%n", &x, &y, &n, &n2, &used), 4);
		assert_int_equal(n, n2);
		for (int i = 0; i < n; i++) {
			assert_true(x + i >= quiet && x + i < quiet + qr->width && y >= quiet && y < quiet + qr->width);
			assert_int_equal(grid[y * size + x + i], 0); /* no module drawn twice */
			grid[y * size + x + i] = 1;
			drawn++;
		}
		d += used;
	}
	assert_int_equal(*d, '"');
	for (int y = 0; y < qr->width; y++)
		for (int x = 0; x < qr->width; x++) {
			dark += kp_qr_dark(qr, x, y);
			assert_int_equal(grid[(y + quiet) * size + x + quiet], kp_qr_dark(qr, x, y));
		}
	assert_int_equal(drawn, dark);
	free(grid);
}

static void svg_rendering(void **state)
{
	(void)state;
	kp_qr_t qr;
	char *svg = NULL, want[64];
	size_t len = 0;
	encode(jws_text, KP_QR_ECC_M, &qr);
	assert_int_equal(kp_qr_svg(&qr, KP_QR_QUIET, &svg, &len), KP_QR_OK);
	assert_int_equal(strlen(svg), len);
	assert_well_formed(svg);
	snprintf(want, sizeof(want), "viewBox=\"0 0 %d %d\"", qr.width + 8, qr.width + 8);
	assert_non_null(strstr(svg, want));
	assert_non_null(strstr(svg, "shape-rendering=\"crispEdges\""));
	check_svg_path(svg, &qr, KP_QR_QUIET);
	free(svg);
	assert_int_equal(kp_qr_svg(&qr, 0, &svg, &len), KP_QR_OK);
	check_svg_path(svg, &qr, 0);
	free(svg);
	assert_int_equal(kp_qr_svg(&qr, -1, &svg, &len), KP_QR_EINVAL);
	assert_null(svg);
	kp_qr_cleanup(&qr);
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Walks the chunks (CRCs checked), then inflates IDAT and compares every pixel. */
static void check_png(const unsigned char *png, size_t len, const kp_qr_t *qr, int scale, int quiet)
{
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	uint32_t px = (uint32_t)((qr->width + 2 * quiet) * scale);
	assert_true(len > 8 + 25);
	assert_memory_equal(png, sig, 8);
	assert_memory_equal(png + 12, "IHDR", 4);
	assert_int_equal(be32(png + 8), 13);
	assert_int_equal(be32(png + 16), px);
	assert_int_equal(be32(png + 20), px);
	assert_int_equal(png[24], 1); /* bit depth */
	assert_int_equal(png[25], 0); /* grayscale */
	size_t pos = 8, rowbytes = 1 + (px + 7) / 8;
	uLongf rawlen = (uLongf)(rowbytes * px);
	unsigned char *raw = malloc(rawlen);
	bool iend = false;
	while (pos + 12 <= len) {
		uint32_t n = be32(png + pos);
		assert_true(pos + 12 + n <= len);
		assert_int_equal(be32(png + pos + 8 + n), (uint32_t)crc32(0, png + pos + 4, n + 4));
		if (memcmp(png + pos + 4, "IDAT", 4) == 0)
			assert_int_equal(uncompress(raw, &rawlen, png + pos + 8, n), Z_OK);
		iend = memcmp(png + pos + 4, "IEND", 4) == 0;
		pos += 12 + n;
	}
	assert_true(iend);
	assert_int_equal(pos, len);
	assert_int_equal(rawlen, rowbytes * px);
	for (uint32_t y = 0; y < px; y++) {
		assert_int_equal(raw[y * rowbytes], 0);
		for (uint32_t x = 0; x < px; x++) {
			bool white = raw[y * rowbytes + 1 + x / 8] & (0x80 >> (x % 8));
			bool dark = kp_qr_dark(qr, (int)(x / (uint32_t)scale) - quiet, (int)(y / (uint32_t)scale) - quiet);
			if (white == dark)
				fail_msg("pixel %u,%u", x, y);
		}
	}
	free(raw);
}

static void png_rendering(void **state)
{
	(void)state;
	kp_qr_t qr;
	unsigned char *png = NULL;
	size_t len = 0;
	encode(jws_text, KP_QR_ECC_M, &qr);
	const int cases[][2] = {{1, 0}, {3, 4}, {8, 4}, {5, 2}};
	for (size_t i = 0; i < KP_ROWS(cases); i++) {
		assert_int_equal(kp_qr_png(&qr, cases[i][0], cases[i][1], &png, &len), KP_QR_OK);
		check_png(png, len, &qr, cases[i][0], cases[i][1]);
		free(png);
	}
	assert_int_equal(kp_qr_png(&qr, 0, 4, &png, &len), KP_QR_EINVAL);
	assert_int_equal(kp_qr_png(&qr, KP_QR_SCALE_MAX + 1, 4, &png, &len), KP_QR_EINVAL);
	assert_int_equal(kp_qr_png(&qr, 4, KP_QR_QUIET_MAX + 1, &png, &len), KP_QR_EINVAL);
	assert_null(png);
	kp_qr_cleanup(&qr);
}

/* The PNG decodes back to the exact text with zbarimg (not optional: see deps.sh). */
static void decodes_with_zbarimg(void **state)
{
	(void)state;
	doc_require_tool("zbarimg");
	const char *texts[] = {PERMIT_ID, jws_text, "1." PERMIT_ID};
	char dir[256], path[300], cmd[700];
	kp_test_mkdtemp(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/qr.png", dir);
	for (size_t i = 0; i < KP_ROWS(texts); i++) {
		kp_qr_t qr;
		unsigned char *png = NULL;
		size_t len = 0;
		int st;
		encode(texts[i], KP_QR_ECC_DEFAULT, &qr);
		assert_int_equal(kp_qr_png(&qr, 4, KP_QR_QUIET, &png, &len), KP_QR_OK);
		doc_write_file(path, png, len);
		snprintf(cmd, sizeof(cmd), "zbarimg --nodbus --raw -q -Sdisable -Sqrcode.enable '%s'", path);
		char *out = doc_run(cmd, &st);
		assert_int_equal(st, 0);
		size_t n = strlen(out);
		assert_true(n > 0 && out[n - 1] == '\n');
		out[n - 1] = '\0';
		assert_string_equal(out, texts[i]);
		free(out);
		free(png);
		kp_qr_cleanup(&qr);
	}
	kp_test_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(encode_basics),
	    cmocka_unit_test(svg_rendering),
	    cmocka_unit_test(png_rendering),
	    cmocka_unit_test(decodes_with_zbarimg),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

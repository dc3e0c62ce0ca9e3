/* qr.h: QR codes (libqrencode, byte mode) as a module matrix, and that matrix rendered as
 * SVG or as a 1-bit grayscale PNG, for permits on screen and on paper. */
#ifndef KP_QR_H
#define KP_QR_H

#include <stdbool.h>
#include <stddef.h>

/* Error correction level: recovers about 7, 15, 25 and 30 % of the symbol. */
typedef enum kp_qr_ecc {
	KP_QR_ECC_L,
	KP_QR_ECC_M,
	KP_QR_ECC_Q,
	KP_QR_ECC_H,
} kp_qr_ecc_t;

/* The default level: M survives creases and stains on a printed permit while a ~700-byte
 * JWS still fits a symbol a phone reads from paper. */
#define KP_QR_ECC_DEFAULT KP_QR_ECC_M
/* The quiet zone ISO/IEC 18004 asks for, in modules, on each side. */
#define KP_QR_QUIET 4
/* Limits of the renderers' arguments. */
#define KP_QR_QUIET_MAX 16
#define KP_QR_SCALE_MAX 32

enum kp_qr_status {
	KP_QR_OK = 0,
	KP_QR_EINVAL = -1,   /* NULL or empty text, bad level, scale or quiet zone */
	KP_QR_ETOOLONG = -2, /* the text does not fit a version 40 symbol at this level */
	KP_QR_EENCODE = -3,  /* libqrencode or zlib failed */
};

/* A QR symbol: width x width modules, row-major from the top-left, 1 = dark. */
typedef struct kp_qr {
	int version;
	int width;
	unsigned char *modules;
} kp_qr_t;

/* Encodes text[0..len) (any bytes; UTF-8 for text) in byte mode at the smallest version
 * that fits, with the given error correction level. Fills *out, which the caller releases
 * with kp_qr_cleanup (also safe after a failure). */
int kp_qr_encode(const char *text, size_t len, kp_qr_ecc_t ecc, kp_qr_t *out);
void kp_qr_cleanup(kp_qr_t *qr);

/* True when module (x, y) is dark; false outside the symbol (so in the quiet zone). */
bool kp_qr_dark(const kp_qr_t *qr, int x, int y);
/* Call fn for each horizontal run of dark modules, row by row: its row y, first column x
 * and length (the SVG path and the PDF drawing are both made of these runs). */
void kp_qr_each_run(const kp_qr_t *qr, void (*fn)(void *ctx, int x, int y, int run), void *ctx);

/* An SVG document: viewBox in module units including `quiet` modules of margin on each
 * side (0..KP_QR_QUIET_MAX; normally KP_QR_QUIET), no fixed size so it scales to its box,
 * a white background and the dark modules as one path (a run of dark modules per row is
 * one rectangle) with shape-rendering="crispEdges". *out is malloc'd and NUL-terminated,
 * *outlen its length; the caller frees it. */
int kp_qr_svg(const kp_qr_t *qr, int quiet, char **out, size_t *outlen);

/* A PNG image, 1-bit grayscale, each module `scale` pixels square (1..KP_QR_SCALE_MAX),
 * with a `quiet`-module white margin, so (width + 2 * quiet) * scale pixels square.
 * *out is malloc'd, *outlen its length; the caller frees it. */
int kp_qr_png(const kp_qr_t *qr, int scale, int quiet, unsigned char **out, size_t *outlen);

#endif

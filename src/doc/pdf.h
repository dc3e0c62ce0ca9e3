/* pdf.h: printable A4 documents of one or more pages (permits, border-zone permits, receipts) with
 * libharu: a title block, rows labelled in Kyrgyz, Russian and English, paragraphs, and a
 * QR code drawn as vector rectangles. Text is UTF-8 set in DejaVu Sans (Cyrillic). */
#ifndef KP_PDF_H
#define KP_PDF_H

#include "doc/qr.h"

#include <stddef.h>

/* A document being built; elements flow down the page from the top margin. One owner;
 * not for use from two threads at once. Release with kp_pdf_free. */
typedef struct kp_pdf kp_pdf_t;

/* A row label in the three languages of the document; each is UTF-8 and may be NULL or
 * empty to leave that line out, e.g. {"Уруксат номери", "Номер разрешения", "Permit number"}.
 * Callers keep their labels in static tables. */
typedef struct kp_pdf_label {
	const char *ky;
	const char *ru;
	const char *en;
} kp_pdf_label_t;

enum kp_pdf_status {
	KP_PDF_OK = 0,
	KP_PDF_EINVAL = -1, /* NULL argument, text not valid UTF-8, bad size */
	KP_PDF_EFONT = -2,  /* the TrueType fonts could not be found or loaded */
	KP_PDF_EFULL = -3,  /* the element does not fit on what is left of the page */
	KP_PDF_ELIB = -4,   /* libharu reported an error */
};

/* Where DejaVuSans.ttf and DejaVuSans-Bold.ttf are looked for when font_dir is NULL
 * (Debian package fonts-dejavu-core). */
#define KP_PDF_FONT_DIR "/usr/share/fonts/truetype/dejavu"
/* Smallest and default printed QR size (the symbol, without quiet zone), in mm. */
#define KP_PDF_QR_MIN_MM 50.0
#define KP_PDF_QR_DEFAULT_MM 60.0

/* A new document with one empty A4 portrait page; fonts are embedded from font_dir (NULL
 * for KP_PDF_FONT_DIR). */
int kp_pdf_new(const char *font_dir, kp_pdf_t **out);
void kp_pdf_free(kp_pdf_t *pdf);

/* The title block: title in bold 16 pt (a '\n' starts a new line, e.g. one per language),
 * subtitle (may be NULL) in 10 pt grey, then a rule across the page. */
int kp_pdf_title(kp_pdf_t *pdf, const char *title, const char *subtitle);

/* One table row: the label's three languages stacked in small type on the left, value in
 * bold on the right, wrapped to its column; consecutive rows share rules and form a table.
 * value may be empty. */
int kp_pdf_row(kp_pdf_t *pdf, const kp_pdf_label_t *label, const char *value);

/* A paragraph across the page in size_pt (6..24) type, wrapped at spaces (and inside
 * words too long for a line), with '\n' for line breaks. */
int kp_pdf_text(kp_pdf_t *pdf, const char *text, double size_pt);

/* Vertical space of mm millimetres (0..100). */
int kp_pdf_space(kp_pdf_t *pdf, double mm);

/* The QR symbol centred on the page, size_mm wide without its 4-module quiet zone
 * (0 for KP_PDF_QR_DEFAULT_MM; below KP_PDF_QR_MIN_MM is refused), each dark module run a
 * filled rectangle so it prints crisp at any resolution; caption (may be NULL) is centred
 * underneath. */
int kp_pdf_qr(kp_pdf_t *pdf, const kp_qr_t *qr, double size_mm, const char *caption);

/* Start a new A4 page; later elements flow down it from the top margin (a copy of a
 * border-zone permit for each post on the route is one page each). */
int kp_pdf_page(kp_pdf_t *pdf);

/* Serialises the document (streams compressed, fonts embedded) into a malloc'd buffer
 * *out of *outlen bytes that the caller frees. The document may still be freed only. */
int kp_pdf_finish(kp_pdf_t *pdf, unsigned char **out, size_t *outlen);

#endif

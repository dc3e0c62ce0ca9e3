/* pdf.c: A4 documents through libharu: a flowing layout (title, labelled rows,
 * paragraphs, vector QR), DejaVu Sans embedded with the UTF-8 encoder for Cyrillic. */
#include "doc/pdf.h"
#include "core/util.h"

#include <hpdf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MM (72.0f / 25.4f)
#define MARGIN (18.0f * MM)
#define ROW_PAD 4.0f
#define COL_GAP 10.0f
#define LEADING 1.25f

struct kp_pdf {
	HPDF_Doc doc;
	HPDF_Page page;
	HPDF_Font regular, bold;
	float width, height; /* page size in points */
	float y;             /* top of the free space, points from the bottom */
	bool in_table;       /* the previous element was a row */
	int status;          /* first failure; every later call returns it */
	HPDF_STATUS hpdf_error, hpdf_detail;
};

struct style {
	HPDF_Font font;
	float size;
	float gray; /* 0 black .. 1 white */
};

/* libharu's error handler: remembers the first error; the failing call then returns an
 * error code that the caller turns into KP_PDF_ELIB. Nothing jumps or aborts. */
static void HPDF_STDCALL on_hpdf_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user_data)
{
	kp_pdf_t *pdf = user_data;
	if (pdf->hpdf_error == 0) {
		pdf->hpdf_error = error_no;
		pdf->hpdf_detail = detail_no;
	}
}

/* The document's status after a libharu call: latches ELIB once libharu complained. */
static int status_of(kp_pdf_t *pdf)
{
	if (pdf->status == KP_PDF_OK && pdf->hpdf_error != 0)
		pdf->status = KP_PDF_ELIB;
	return pdf->status;
}

static int load_font(kp_pdf_t *pdf, const char *dir, const char *file, HPDF_Font *out)
{
	char path[4096];
	if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path) || access(path, R_OK) != 0)
		return KP_PDF_EFONT;
	const char *name = HPDF_LoadTTFontFromFile(pdf->doc, path, HPDF_TRUE);
	if (name == NULL)
		return KP_PDF_EFONT;
	*out = HPDF_GetFont(pdf->doc, name, "UTF-8");
	return *out != NULL ? KP_PDF_OK : KP_PDF_EFONT;
}

int kp_pdf_new(const char *font_dir, kp_pdf_t **out)
{
	int rc = KP_PDF_ELIB;
	if (out == NULL)
		return KP_PDF_EINVAL;
	kp_pdf_t *pdf = kp_calloc(1, sizeof(*pdf));
	*out = NULL;
	if ((pdf->doc = HPDF_New(on_hpdf_error, pdf)) == NULL)
		goto fail;
	HPDF_SetCompressionMode(pdf->doc, HPDF_COMP_ALL);
	HPDF_SetInfoAttr(pdf->doc, HPDF_INFO_CREATOR, "kapka");
	if (HPDF_UseUTFEncodings(pdf->doc) != HPDF_OK || HPDF_SetCurrentEncoder(pdf->doc, "UTF-8") != HPDF_OK)
		goto fail;
	const char *dir = font_dir ? font_dir : KP_PDF_FONT_DIR;
	if ((rc = load_font(pdf, dir, "DejaVuSans.ttf", &pdf->regular)) != KP_PDF_OK ||
	    (rc = load_font(pdf, dir, "DejaVuSans-Bold.ttf", &pdf->bold)) != KP_PDF_OK)
		goto fail;
	rc = KP_PDF_ELIB;
	if ((pdf->page = HPDF_AddPage(pdf->doc)) == NULL ||
	    HPDF_Page_SetSize(pdf->page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT) != HPDF_OK)
		goto fail;
	pdf->width = HPDF_Page_GetWidth(pdf->page);
	pdf->height = HPDF_Page_GetHeight(pdf->page);
	pdf->y = pdf->height - MARGIN;
	if (status_of(pdf) != KP_PDF_OK)
		goto fail;
	*out = pdf;
	return KP_PDF_OK;
fail:
	kp_pdf_free(pdf);
	return rc;
}

void kp_pdf_free(kp_pdf_t *pdf)
{
	if (pdf == NULL)
		return;
	if (pdf->doc != NULL)
		HPDF_Free(pdf->doc);
	free(pdf);
}

/* Width in points of s[0..n) in the style's font and size. */
static float text_width(const struct style *st, const char *s, size_t n)
{
	HPDF_TextWidth tw = HPDF_Font_TextWidth(st->font, (const HPDF_BYTE *)s, (HPDF_UINT)n);
	return (float)tw.width * st->size / 1000.0f;
}

static size_t utf8_step(const char *s, size_t i, size_t len)
{
	unsigned char c = (unsigned char)s[i];
	size_t n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	return i + n <= len ? i + n : len;
}

/* The next line of s[0..len) that fits width: returns its length in bytes and sets *skip
 * to the bytes it consumes (the line plus the space or newline it broke at). Breaks at the
 * last space that fits, else inside the word; a line always takes at least one character. */
static size_t fit_line(const struct style *st, const char *s, size_t len, float width, size_t *skip)
{
	size_t i = 0, brk = 0;
	while (i < len && s[i] != '\n') {
		size_t next = utf8_step(s, i, len);
		if (i > 0 && text_width(st, s, next) > width)
			break;
		if (s[i] == ' ')
			brk = i;
		i = next;
	}
	if (i >= len || s[i] == '\n') {
		*skip = i < len ? i + 1 : i;
		return i;
	}
	if (brk > 0) {
		*skip = brk + 1;
		return brk;
	}
	*skip = i;
	return i;
}

static int draw_line(kp_pdf_t *pdf, const struct style *st, float x, float baseline, const char *s, size_t n)
{
	char *line = kp_malloc(n + 1);
	memcpy(line, s, n);
	line[n] = '\0';
	HPDF_Page_BeginText(pdf->page);
	HPDF_Page_SetFontAndSize(pdf->page, st->font, st->size);
	HPDF_Page_SetGrayFill(pdf->page, st->gray);
	HPDF_Page_TextOut(pdf->page, x, baseline, line);
	HPDF_Page_EndText(pdf->page);
	free(line);
	return status_of(pdf);
}

/* Height in points of text wrapped to width. */
static float block_height(const struct style *st, const char *text, float width)
{
	size_t len = strlen(text), pos = 0, skip = 0;
	int lines = 0;
	while (pos < len) {
		fit_line(st, text + pos, len - pos, width, &skip);
		lines++;
		pos += skip;
	}
	return st->size * LEADING * (float)lines;
}

/* Draws text wrapped in the column [x, x + width] from ytop down (block_height tall);
 * center centres each line in the column. */
static int text_block(kp_pdf_t *pdf, const struct style *st, const char *text, float x, float ytop, float width,
                      bool center)
{
	size_t len = strlen(text), pos = 0, skip = 0;
	float lead = st->size * LEADING, baseline = ytop - st->size;
	while (pos < len) {
		size_t n = fit_line(st, text + pos, len - pos, width, &skip);
		float lx = center ? x + (width - text_width(st, text + pos, n)) / 2.0f : x;
		if (draw_line(pdf, st, lx, baseline, text + pos, n) != KP_PDF_OK)
			return pdf->status;
		baseline -= lead;
		pos += skip;
	}
	return KP_PDF_OK;
}

static int rule(kp_pdf_t *pdf, float y, float line_width, float gray)
{
	HPDF_Page_SetLineWidth(pdf->page, line_width);
	HPDF_Page_SetGrayStroke(pdf->page, gray);
	HPDF_Page_MoveTo(pdf->page, MARGIN, y);
	HPDF_Page_LineTo(pdf->page, pdf->width - MARGIN, y);
	HPDF_Page_Stroke(pdf->page);
	return status_of(pdf);
}

/* Common entry checks: document usable, every string valid UTF-8 (NULL allowed). */
static int begin(kp_pdf_t *pdf, const char *a, const char *b)
{
	if (pdf == NULL)
		return KP_PDF_EINVAL;
	if (pdf->status != KP_PDF_OK)
		return pdf->status;
	if ((a && !kp_utf8_valid(a, strlen(a), true)) || (b && !kp_utf8_valid(b, strlen(b), true)))
		return KP_PDF_EINVAL;
	return KP_PDF_OK;
}

static bool fits(const kp_pdf_t *pdf, float h)
{
	return pdf->y - h >= MARGIN;
}

int kp_pdf_title(kp_pdf_t *pdf, const char *title, const char *subtitle)
{
	int rc = begin(pdf, title, subtitle);
	if (rc != KP_PDF_OK)
		return rc;
	if (title == NULL)
		return KP_PDF_EINVAL;
	const struct style big = {pdf->bold, 16.0f, 0.0f};
	const struct style small = {pdf->regular, 10.0f, 0.35f};
	float w = pdf->width - 2 * MARGIN;
	float th = block_height(&big, title, w), sh = subtitle ? block_height(&small, subtitle, w) : 0;
	if (!fits(pdf, th + sh + 8.0f))
		return KP_PDF_EFULL;
	if ((rc = text_block(pdf, &big, title, MARGIN, pdf->y, w, false)) != KP_PDF_OK)
		return rc;
	pdf->y -= th;
	if (subtitle && (rc = text_block(pdf, &small, subtitle, MARGIN, pdf->y, w, false)) != KP_PDF_OK)
		return rc;
	pdf->y -= sh + 4.0f;
	if ((rc = rule(pdf, pdf->y, 1.2f, 0.0f)) != KP_PDF_OK)
		return rc;
	pdf->y -= 4.0f;
	pdf->in_table = false;
	return KP_PDF_OK;
}

/* Style of line i of a label: Kyrgyz and Russian dark, English lighter; all 8 pt. */
static struct style label_style(const kp_pdf_t *pdf, int i)
{
	struct style st = {pdf->regular, 8.0f, i < 2 ? 0.15f : 0.45f};
	return st;
}

static float label_height(const kp_pdf_t *pdf, const kp_pdf_label_t *label, float width)
{
	const char *lines[3] = {label->ky, label->ru, label->en};
	float total = 0;
	for (int i = 0; i < 3; i++) {
		struct style st = label_style(pdf, i);
		if (lines[i] != NULL && lines[i][0] != '\0')
			total += block_height(&st, lines[i], width);
	}
	return total;
}

/* The label's languages stacked in the left column from ytop down. */
static int label_block(kp_pdf_t *pdf, const kp_pdf_label_t *label, float ytop, float width)
{
	const char *lines[3] = {label->ky, label->ru, label->en};
	for (int i = 0; i < 3; i++) {
		struct style st = label_style(pdf, i);
		if (lines[i] == NULL || lines[i][0] == '\0')
			continue;
		int rc = text_block(pdf, &st, lines[i], MARGIN, ytop, width, false);
		if (rc != KP_PDF_OK)
			return rc;
		ytop -= block_height(&st, lines[i], width);
	}
	return KP_PDF_OK;
}

int kp_pdf_row(kp_pdf_t *pdf, const kp_pdf_label_t *label, const char *value)
{
	int rc = begin(pdf, value, NULL);
	if (rc != KP_PDF_OK)
		return rc;
	if (label == NULL || value == NULL)
		return KP_PDF_EINVAL;
	if (begin(pdf, label->ky, label->ru) != KP_PDF_OK || begin(pdf, label->en, NULL) != KP_PDF_OK)
		return KP_PDF_EINVAL;
	const struct style val = {pdf->bold, 11.0f, 0.0f};
	float content = pdf->width - 2 * MARGIN;
	float lw = content * 0.42f, vx = MARGIN + lw + COL_GAP, vw = content - lw - COL_GAP;
	float lh = label_height(pdf, label, lw);
	float vh = block_height(&val, value, vw);
	float h = (lh > vh ? lh : vh) + 2 * ROW_PAD;
	if (!fits(pdf, h))
		return KP_PDF_EFULL;
	if (!pdf->in_table && (rc = rule(pdf, pdf->y, 0.5f, 0.6f)) != KP_PDF_OK)
		return rc;
	if ((rc = label_block(pdf, label, pdf->y - ROW_PAD, lw)) != KP_PDF_OK ||
	    (rc = text_block(pdf, &val, value, vx, pdf->y - ROW_PAD, vw, false)) != KP_PDF_OK)
		return rc;
	pdf->y -= h;
	if ((rc = rule(pdf, pdf->y, 0.5f, 0.6f)) != KP_PDF_OK)
		return rc;
	pdf->in_table = true;
	return KP_PDF_OK;
}

int kp_pdf_text(kp_pdf_t *pdf, const char *text, double size_pt)
{
	int rc = begin(pdf, text, NULL);
	if (rc != KP_PDF_OK)
		return rc;
	if (text == NULL || size_pt < 6.0 || size_pt > 24.0)
		return KP_PDF_EINVAL;
	const struct style st = {pdf->regular, (float)size_pt, 0.0f};
	float w = pdf->width - 2 * MARGIN, gap = pdf->in_table ? 6.0f : 2.0f;
	float h = block_height(&st, text, w);
	if (!fits(pdf, gap + h + 2.0f))
		return KP_PDF_EFULL;
	pdf->y -= gap;
	if ((rc = text_block(pdf, &st, text, MARGIN, pdf->y, w, false)) != KP_PDF_OK)
		return rc;
	pdf->y -= h + 2.0f;
	pdf->in_table = false;
	return KP_PDF_OK;
}

int kp_pdf_space(kp_pdf_t *pdf, double mm)
{
	int rc = begin(pdf, NULL, NULL);
	if (rc != KP_PDF_OK)
		return rc;
	if (mm < 0 || mm > 100)
		return KP_PDF_EINVAL;
	float h = (float)mm * MM;
	if (!fits(pdf, h))
		return KP_PDF_EFULL;
	pdf->y -= h;
	pdf->in_table = false;
	return KP_PDF_OK;
}

/* The dark modules as one path of row runs filled at once, so neighbouring rectangles
 * leave no hairline seams; (x0, ytop) is the symbol's top-left corner. */
struct pdf_runs {
	HPDF_Page page;
	float x0, ytop, module;
};

static void pdf_run(void *ctx, int x, int y, int run)
{
	struct pdf_runs *r = ctx;
	HPDF_Page_Rectangle(r->page, r->x0 + (float)x * r->module, r->ytop - (float)(y + 1) * r->module,
	                    (float)run * r->module, r->module);
}

static int draw_modules(kp_pdf_t *pdf, const kp_qr_t *qr, float x0, float ytop, float module)
{
	HPDF_Page_SetGrayFill(pdf->page, 0.0f);
	struct pdf_runs r = {pdf->page, x0, ytop, module};
	kp_qr_each_run(qr, pdf_run, &r);
	HPDF_Page_Fill(pdf->page);
	return status_of(pdf);
}

int kp_pdf_qr(kp_pdf_t *pdf, const kp_qr_t *qr, double size_mm, const char *caption)
{
	int rc = begin(pdf, caption, NULL);
	if (rc != KP_PDF_OK)
		return rc;
	if (size_mm == 0)
		size_mm = KP_PDF_QR_DEFAULT_MM;
	if (qr == NULL || qr->modules == NULL || qr->width <= 0 || size_mm < KP_PDF_QR_MIN_MM || size_mm > 170.0)
		return KP_PDF_EINVAL;
	const struct style cap = {pdf->regular, 10.0f, 0.0f};
	float side = (float)size_mm * MM, module = side / (float)qr->width;
	float quiet = (float)KP_QR_QUIET * module, content = pdf->width - 2 * MARGIN;
	float ch = caption ? block_height(&cap, caption, content) : 0;
	if (!fits(pdf, side + 2 * quiet + ch))
		return KP_PDF_EFULL;
	if ((rc = draw_modules(pdf, qr, (pdf->width - side) / 2.0f, pdf->y - quiet, module)) != KP_PDF_OK)
		return rc;
	pdf->y -= side + 2 * quiet;
	if (caption && (rc = text_block(pdf, &cap, caption, MARGIN, pdf->y, content, true)) != KP_PDF_OK)
		return rc;
	pdf->y -= ch;
	pdf->in_table = false;
	return KP_PDF_OK;
}

int kp_pdf_page(kp_pdf_t *pdf)
{
	int rc = begin(pdf, NULL, NULL);
	if (rc != KP_PDF_OK)
		return rc;
	HPDF_Page page = HPDF_AddPage(pdf->doc);
	if (page == NULL || HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT) != HPDF_OK)
		return status_of(pdf) != KP_PDF_OK ? pdf->status : (pdf->status = KP_PDF_ELIB);
	pdf->page = page;
	pdf->y = pdf->height - MARGIN;
	pdf->in_table = false;
	return status_of(pdf);
}

int kp_pdf_finish(kp_pdf_t *pdf, unsigned char **out, size_t *outlen)
{
	if (out == NULL || outlen == NULL)
		return KP_PDF_EINVAL;
	*out = NULL;
	*outlen = 0;
	int rc = begin(pdf, NULL, NULL);
	if (rc != KP_PDF_OK)
		return rc;
	if (HPDF_SaveToStream(pdf->doc) != HPDF_OK)
		return status_of(pdf) != KP_PDF_OK ? pdf->status : (pdf->status = KP_PDF_ELIB);
	HPDF_UINT32 size = HPDF_GetStreamSize(pdf->doc);
	if (size == 0)
		return pdf->status = KP_PDF_ELIB;
	unsigned char *buf = kp_malloc(size);
	size_t pos = 0;
	while (pos < size) {
		HPDF_UINT32 n = (HPDF_UINT32)(size - pos);
		HPDF_STATUS st = HPDF_ReadFromStream(pdf->doc, buf + pos, &n);
		pos += n;
		if (st == HPDF_STREAM_EOF || n == 0 || (st != HPDF_OK && pos < size))
			break;
	}
	if (pos != size) {
		free(buf);
		return pdf->status = KP_PDF_ELIB;
	}
	*out = buf;
	*outlen = size;
	return KP_PDF_OK;
}

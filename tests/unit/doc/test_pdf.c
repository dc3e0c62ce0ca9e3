/* test_pdf.c: one-page documents (src/doc/pdf.c): a permit-like page is a one-page PDF
 * whose Kyrgyz, Russian and English text pdftotext reads back, and whose printed QR code
 * (rendered at 150 dpi by pdftoppm) zbarimg decodes to the exact text. */
#include "doc_test.h"

#include "doc/pdf.h"
#include "doc/qr.h"

#define PERMIT_ID "KG-UZ-2026-1-17"

static const char
    qr_text[] = "eyJhbGciOiJFUzI1NiIsImtpZCI6ImtnLTEifQ"
                ".eyJpZCI6IktHLVVaLTIwMjYtMS0xNyIsImlhdCI6IjAyLzAzLzIwMjYiLCJleHAiOiIzMS8wMS8yMDI3IiwicG4i"
                "OiIwMUtHMTIzQUJDIiwiY24iOiLQkNC70LAt0KLQvtC-INCi0YDQsNC90YEg0JDQmtCeIn0"
                ".hkYZd9x__XTCJb3EfD_pT7MV4mku3Fv-QAL6cnMYzFslpo7nlLam18OHtUQozmrbRzT7FkNUvY3iCarcnffweA";

static const kp_pdf_label_t labels[] = {
    {"Уруксат номери", "Номер разрешения", "Permit number"},
    {"Ташуучу", "Перевозчик", "Carrier"},
    {"Унаанын мамлекеттик номери", "Государственный номер транспортного средства", "Vehicle registration plate"},
    {"Берилген күнү", "Дата выдачи", "Issued on"},
    {"Жарактуулук мөөнөтү", "Действительно до", "Valid until"},
    {"Өтүүчү өлкө", NULL, "Country of entry"},
};

/* A permit-like page into *pdf_out; returns its length. */
static size_t build_permit(unsigned char **pdf_out)
{
	kp_pdf_t *pdf = NULL;
	kp_qr_t qr;
	size_t len = 0;
	assert_int_equal(kp_pdf_new(NULL, &pdf), KP_PDF_OK);
	assert_int_equal(kp_pdf_title(pdf,
	                              "Эл аралык жүк ташуу уруксаты\n"
	                              "Разрешение на международную перевозку грузов\n"
	                              "International road freight permit",
	                              "Кыргыз Республикасы · Кыргызская Республика · Kyrgyz Republic"),
	                 KP_PDF_OK);
	const char *values[] = {PERMIT_ID,
	                        "ОсОО «Ала-Тоо Транс» (ИНН 01234567890123)",
	                        "01KG123ABC / 01KG456DEF",
	                        "02/03/2026",
	                        "31/01/2027",
	                        "Өзбекстан · Узбекистан · Uzbekistan"};
	for (size_t i = 0; i < KP_ROWS(labels); i++)
		assert_int_equal(kp_pdf_row(pdf, &labels[i], values[i]), KP_PDF_OK);
	assert_int_equal(kp_pdf_space(pdf, 6), KP_PDF_OK);
	assert_int_equal(kp_qr_encode(qr_text, strlen(qr_text), KP_QR_ECC_DEFAULT, &qr), KP_QR_OK);
	assert_int_equal(kp_pdf_qr(pdf, &qr, 0, PERMIT_ID), KP_PDF_OK);
	kp_qr_cleanup(&qr);
	assert_int_equal(kp_pdf_text(pdf,
	                             "Бул уруксат чек арада QR-код аркылуу текшерилет. Разрешение проверяется "
	                             "на границе по QR-коду. This permit is verified at the border from its QR code.\n"
	                             "Signed credential: ",
	                             9),
	                 KP_PDF_OK);
	/* A word far longer than a line is broken inside. */
	assert_int_equal(kp_pdf_text(pdf, qr_text, 7), KP_PDF_OK);
	assert_int_equal(kp_pdf_finish(pdf, pdf_out, &len), KP_PDF_OK);
	kp_pdf_free(pdf);
	return len;
}

static size_t count(const unsigned char *hay, size_t len, const char *needle)
{
	size_t n = 0, k = strlen(needle);
	for (size_t i = 0; i + k <= len; i++)
		if (memcmp(hay + i, needle, k) == 0)
			n++;
	return n;
}

static void one_page_pdf(void **state)
{
	(void)state;
	unsigned char *pdf = NULL;
	size_t len = build_permit(&pdf);
	assert_true(len > 1000);
	assert_memory_equal(pdf, "%PDF-", 5);
	assert_true(count(pdf + len - 16, 16, "%%EOF") == 1);
	/* "/Type /Page" also prefixes "/Type /Pages": one page object and one page tree. */
	assert_int_equal(count(pdf, len, "/Type /Page") - count(pdf, len, "/Type /Pages"), 1);
	assert_int_equal(count(pdf, len, "/Count 1"), 1);
	assert_true(count(pdf, len, "/FontFile2") >= 1); /* fonts embedded */
	free(pdf);
}

/* The value of a "Name:   value" line of pdfinfo's output (a static copy). */
static const char *info_field(const char *info, const char *name)
{
	static char value[128];
	const char *p = strstr(info, name);
	assert_non_null(p);
	p += strlen(name);
	p += strspn(p, " ");
	snprintf(value, sizeof(value), "%.*s", (int)strcspn(p, "\n"), p);
	return value;
}

/* pdftotext reads the Kyrgyz, Russian and English text and the permit id. */
static void text_extracts(void **state)
{
	(void)state;
	doc_require_tool("pdftotext");
	doc_require_tool("pdfinfo");
	char dir[256], path[300], cmd[700];
	unsigned char *pdf = NULL;
	int st;
	size_t len = build_permit(&pdf);
	kp_test_mkdtemp(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/permit.pdf", dir);
	doc_write_file(path, pdf, len);
	snprintf(cmd, sizeof(cmd), "pdfinfo '%s'", path);
	char *info = doc_run(cmd, &st);
	assert_int_equal(st, 0);
	assert_string_equal(info_field(info, "Pages:"), "1");
	assert_string_equal(info_field(info, "Page size:"), "595.276 x 841.89 pts (A4)");
	free(info);
	snprintf(cmd, sizeof(cmd), "pdftotext -enc UTF-8 '%s' - 2>/dev/null", path);
	char *text = doc_run(cmd, &st);
	assert_int_equal(st, 0);
	const char *want[] = {"Уруксат номери",
	                      "Разрешение на международную перевозку грузов",
	                      "Эл аралык жүк ташуу уруксаты",
	                      "Өтүүчү өлкө",
	                      "Permit number",
	                      PERMIT_ID,
	                      "ОсОО «Ала-Тоо Транс»",
	                      "Жарактуулук мөөнөтү",
	                      "31/01/2027"};
	for (size_t i = 0; i < KP_ROWS(want); i++)
		if (strstr(text, want[i]) == NULL)
			fail_msg("\"%s\" not in the extracted text:\n%s", want[i], text);
	free(text);
	free(pdf);
	kp_test_rmtree(dir);
}

/* The page printed at 150 dpi still carries a QR that decodes to the exact text. */
static void qr_scans_from_render(void **state)
{
	(void)state;
	doc_require_tool("pdftoppm");
	doc_require_tool("zbarimg");
	char dir[256], path[300], cmd[1400];
	unsigned char *pdf = NULL;
	int st;
	size_t len = build_permit(&pdf);
	kp_test_mkdtemp(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/permit.pdf", dir);
	doc_write_file(path, pdf, len);
	snprintf(cmd, sizeof(cmd),
	         "pdftoppm -r 150 -png -singlefile '%s' '%s/page' 2>/dev/null && "
	         "zbarimg --nodbus --raw -q -Sdisable -Sqrcode.enable '%s/page.png'",
	         path, dir, dir);
	char *out = doc_run(cmd, &st);
	assert_int_equal(st, 0);
	size_t n = strlen(out);
	assert_true(n > 0 && out[n - 1] == '\n');
	out[n - 1] = '\0';
	assert_string_equal(out, qr_text);
	free(out);
	free(pdf);
	kp_test_rmtree(dir);
}

/* Errors come back as codes: bad UTF-8, small QR, missing or broken fonts (libharu's own
 * error path), and a full page, after which the document can still be finished. */
static void errors(void **state)
{
	(void)state;
	kp_pdf_t *pdf = NULL;
	kp_qr_t qr;
	unsigned char *out = NULL;
	size_t len = 0;
	char dir[256], path[300];

	kp_test_mkdtemp(dir, sizeof(dir));
	assert_int_equal(kp_pdf_new(dir, &pdf), KP_PDF_EFONT);
	assert_null(pdf);
	snprintf(path, sizeof(path), "%s/DejaVuSans.ttf", dir);
	doc_write_file(path, "this is not a TrueType font", 27);
	snprintf(path, sizeof(path), "%s/DejaVuSans-Bold.ttf", dir);
	doc_write_file(path, "\0\1\0\0garbage", 11);
	assert_int_equal(kp_pdf_new(dir, &pdf), KP_PDF_EFONT);
	assert_null(pdf);
	kp_test_rmtree(dir);

	assert_int_equal(kp_pdf_new(NULL, &pdf), KP_PDF_OK);
	assert_int_equal(kp_pdf_title(pdf, "bad \xff UTF-8", NULL), KP_PDF_EINVAL);
	assert_int_equal(kp_pdf_row(pdf, &labels[0], "\xd0"), KP_PDF_EINVAL);
	assert_int_equal(kp_pdf_row(pdf, &(kp_pdf_label_t){"\xc3\x28", NULL, NULL}, "x"), KP_PDF_EINVAL);
	assert_int_equal(kp_pdf_row(pdf, NULL, "x"), KP_PDF_EINVAL);
	assert_int_equal(kp_pdf_text(pdf, "tiny", 2), KP_PDF_EINVAL);
	assert_int_equal(kp_qr_encode(PERMIT_ID, strlen(PERMIT_ID), KP_QR_ECC_M, &qr), KP_QR_OK);
	assert_int_equal(kp_pdf_qr(pdf, &qr, 40, NULL), KP_PDF_EINVAL);
	assert_int_equal(kp_pdf_qr(pdf, NULL, 60, NULL), KP_PDF_EINVAL);
	int rc, rows = 0;
	while ((rc = kp_pdf_row(pdf, &labels[2], "01KG123ABC")) == KP_PDF_OK)
		rows++;
	assert_int_equal(rc, KP_PDF_EFULL);
	assert_true(rows > 10 && rows < 60);
	assert_int_equal(kp_pdf_qr(pdf, &qr, 50, NULL), KP_PDF_EFULL);
	kp_qr_cleanup(&qr);
	assert_int_equal(kp_pdf_finish(pdf, &out, &len), KP_PDF_OK);
	assert_memory_equal(out, "%PDF-", 5);
	free(out);
	kp_pdf_free(pdf);
	kp_pdf_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(one_page_pdf),
	    cmocka_unit_test(text_extracts),
	    cmocka_unit_test(qr_scans_from_render),
	    cmocka_unit_test(errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

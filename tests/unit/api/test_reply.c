/* test_reply.c: the generic answers of src/api/reply.c: store codes mapped to statuses,
 * CSV tables (quoting, formula guard), PDF answers. */
#include "kp_req_test.h"

#include "api/reply.h"
#include "store/db.h"

static const struct {
	int rc, status;
	const char *code, *message_has;
	bool retry_after;
} db_cases[] = {
    {KP_DB_NOTFOUND, 404, "not_found", "user not found", false},
    {KP_DB_CONFLICT, 409, "conflict", "user already exists", false},
    {KP_DB_REF, 422, "invalid_reference", "user refers to something that does not exist", false},
    {KP_DB_BUSY, 503, "busy", "busy", true},
    {KP_DB_ERR, 500, "internal", "logged as " KP_T_REQUEST_ID, false},
    {-99, 500, "internal", "logged as", false},
};

static void db_error_table(void **state)
{
	for (size_t i = 0; i < KP_ROWS(db_cases); i++) {
		kp_t_bare_teardown(state);
		kp_t_bare_setup(state);
		kp_req_t *req = *state;
		kp_reply_db_error(req, db_cases[i].rc, "user");
		assert_int_equal(req->status, db_cases[i].status);
		assert_string_equal(kp_t_error_str(req, "code"), db_cases[i].code);
		if (strstr(kp_t_error_str(req, "message"), db_cases[i].message_has) == NULL)
			fail_msg("rc %d: message \"%s\" lacks \"%s\"", db_cases[i].rc, kp_t_error_str(req, "message"),
			         db_cases[i].message_has);
		if (db_cases[i].retry_after)
			assert_string_equal(kp_t_header(req, "Retry-After"), "1");
		else
			assert_null(kp_t_header(req, "Retry-After"));
	}
}

/* RFC 4180 quoting, and a leading =, +, - or @ made harmless for spreadsheets. */
static void csv_table(void **state)
{
	kp_req_t *req = *state;
	const char *names[] = {"id", "note"};
	const char *cells[] = {"1", "plain", "2", "a,b", "3", "say \"hi\"", "4", "=SUM(A1)", "5", NULL};
	kp_api_reply_csv(req, "x.csv", names, 2, cells, 5);
	assert_int_equal(req->status, 200);
	assert_string_equal(req->content_type, "text/csv; charset=utf-8");
	const char *want = "id,note\r\n1,plain\r\n2,\"a,b\"\r\n3,\"say \"\"hi\"\"\"\r\n4,\"'=SUM(A1)\"\r\n5,\r\n";
	assert_int_equal(req->reply_len, strlen(want));
	assert_memory_equal(req->reply_body, want, strlen(want));
	assert_string_equal(kp_t_header(req, "Content-Disposition"), "attachment; filename=\"x.csv\"");
}

static void pdf_answer(void **state)
{
	kp_req_t *req = *state;
	unsigned char *pdf = malloc(8);
	assert_non_null(pdf);
	memcpy(pdf, "%PDF-1.4", 8);
	kp_api_reply_pdf(req, pdf, 8, "KG-1");
	assert_int_equal(req->status, 200);
	assert_string_equal(req->content_type, "application/pdf");
	assert_int_equal(req->reply_len, 8);
	assert_string_equal(kp_t_header(req, "Content-Disposition"), "inline; filename=\"KG-1.pdf\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(db_error_table, kp_t_bare_setup, kp_t_bare_teardown),
	    cmocka_unit_test_setup_teardown(csv_table, kp_t_bare_setup, kp_t_bare_teardown),
	    cmocka_unit_test_setup_teardown(pdf_answer, kp_t_bare_setup, kp_t_bare_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

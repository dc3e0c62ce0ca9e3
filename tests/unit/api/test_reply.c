/* test_reply.c: the generic answers of src/api/reply.c: store codes mapped to statuses,
 * CSV tables (quoting, formula guard), PDF answers. */
#include "kp_test.h"

#include "api/reply.h"
#include "store/db.h"

static int setup(void **state)
{
	kp_req_t *req = calloc(1, sizeof(*req));
	if (req == NULL)
		return -1;
	kp_arena_init(&req->arena);
	snprintf(req->request_id, sizeof(req->request_id), "abcd1234-7");
	*state = req;
	return 0;
}

static int teardown(void **state)
{
	kp_req_t *req = *state;
	json_decref(req->reply_json);
	json_decref(req->field_errors);
	free(req->reply_body);
	kp_arena_cleanup(&req->arena);
	free(req);
	return 0;
}

static const char *err_str(const kp_req_t *req, const char *key)
{
	json_t *e = json_object_get(req->reply_json, "error");
	assert_non_null(e);
	return json_string_value(json_object_get(e, key));
}

static const char *header(const kp_req_t *req, const char *name)
{
	for (int i = 0; i < req->nheaders; i++)
		if (strcmp(req->headers[i].name, name) == 0)
			return req->headers[i].value;
	return NULL;
}

static const struct {
	int rc, status;
	const char *code, *message_has;
	bool retry_after;
} db_cases[] = {
	{KP_DB_NOTFOUND, 404, "not_found", "user not found", false},
	{KP_DB_CONFLICT, 409, "conflict", "user already exists", false},
	{KP_DB_REF, 422, "invalid_reference", "user refers to something that does not exist", false},
	{KP_DB_BUSY, 503, "busy", "busy", true},
	{KP_DB_ERR, 500, "internal", "logged as abcd1234-7", false},
	{-99, 500, "internal", "logged as", false},
};

static void db_error_table(void **state)
{
	for (size_t i = 0; i < KP_ROWS(db_cases); i++) {
		teardown(state);
		setup(state);
		kp_req_t *req = *state;
		kp_reply_db_error(req, db_cases[i].rc, "user");
		assert_int_equal(req->status, db_cases[i].status);
		assert_string_equal(err_str(req, "code"), db_cases[i].code);
		if (strstr(err_str(req, "message"), db_cases[i].message_has) == NULL)
			fail_msg("rc %d: message \"%s\" lacks \"%s\"", db_cases[i].rc, err_str(req, "message"),
			         db_cases[i].message_has);
		if (db_cases[i].retry_after)
			assert_string_equal(header(req, "Retry-After"), "1");
		else
			assert_null(header(req, "Retry-After"));
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
	assert_string_equal(header(req, "Content-Disposition"), "attachment; filename=\"x.csv\"");
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
	assert_string_equal(header(req, "Content-Disposition"), "inline; filename=\"KG-1.pdf\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(db_error_table, setup, teardown),
		cmocka_unit_test_setup_teardown(csv_table, setup, teardown),
		cmocka_unit_test_setup_teardown(pdf_answer, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_ecmr.c: the e-CMR's acts and their order (src/domain/ecmr.c) as a table: each row
 * a state, an act by a role, and the verdict; and the document's checks. */
#include "kp_test.h"

#include "domain/ecmr.h"

struct act_case {
	const char *status, *holder;
	bool reservations;
	const char *done; /* "act:role,act:role" already sealed */
	const char *act, *role;
	const char *want; /* NULL: allowed */
};

static const struct act_case act_cases[] = {
    {"draft", "sender", false, "", "issue", "sender", NULL},
    {"draft", "sender", false, "", "issue", "carrier", "ROLE_NOT_ALLOWED"},
    {"draft", "sender", false, "", "take_over", "carrier", "OUT_OF_ORDER"},
    {"draft", "sender", false, "", "deliver", "consignee", "OUT_OF_ORDER"},
    {"draft", "sender", false, "", "transfer_disposal", "sender", "OUT_OF_ORDER"},
    {"draft", "sender", false, "", "sing", "sender", "UNKNOWN_ACT"},
    {"draft", "sender", false, "", "issue", "driver", "ROLE_NOT_ALLOWED"},
    {"issued", "sender", false, "issue:sender", "issue", "sender", "ALREADY_SEALED"},
    {"issued", "sender", false, "issue:sender", "take_over", "carrier", NULL},
    {"issued", "sender", false, "issue:sender", "transfer_disposal", "sender", NULL},
    {"issued", "sender", false, "issue:sender", "transfer_disposal", "consignee", "NOT_DISPOSAL_HOLDER"},
    {"issued", "sender", false, "issue:sender", "transfer_disposal", "carrier", "ROLE_NOT_ALLOWED"},
    {"in_transit", "sender", false, "issue:sender,take_over:carrier", "accept_reservations", "sender",
     "NO_RESERVATIONS"},
    {"in_transit", "sender", true, "issue:sender,take_over:carrier", "accept_reservations", "sender", NULL},
    {"in_transit", "sender", true, "issue:sender,take_over:carrier", "accept_reservations", "consignee",
     "ROLE_NOT_ALLOWED"},
    {"in_transit", "sender", true, "issue:sender,take_over:carrier", "instructions", "sender", NULL},
    {"in_transit", "consignee", true, "issue:sender,take_over:carrier,transfer_disposal:sender", "instructions",
     "sender", "NOT_DISPOSAL_HOLDER"},
    {"in_transit", "consignee", true, "issue:sender,take_over:carrier,transfer_disposal:sender", "instructions",
     "consignee", NULL},
    {"in_transit", "consignee", true, "issue:sender,take_over:carrier,transfer_disposal:sender", "transfer_disposal",
     "consignee", "DISPOSAL_ALREADY_TRANSFERRED"},
    {"in_transit", "consignee", true, "issue:sender,take_over:carrier,transfer_disposal:sender", "transfer_disposal",
     "sender", "ALREADY_SEALED"},
    {"in_transit", "sender", false, "issue:sender,take_over:carrier", "deliver", "consignee", NULL},
    {"in_transit", "sender", false, "issue:sender,take_over:carrier", "deliver", "carrier", "ROLE_NOT_ALLOWED"},
    {"delivered", "sender", false, "issue:sender,take_over:carrier,deliver:consignee", "deliver", "consignee",
     "ALREADY_SEALED"},
    {"delivered", "sender", false, "issue:sender,take_over:carrier,deliver:consignee", "instructions", "sender",
     "OUT_OF_ORDER"},
    {"delivered", "sender", true, "issue:sender,take_over:carrier,deliver:consignee", "accept_reservations", "sender",
     "OUT_OF_ORDER"},
};

static void acts_in_order(void **state)
{
	(void)state;
	for (size_t i = 0; i < KP_ROWS(act_cases); i++) {
		const struct act_case *c = &act_cases[i];
		char buf[256];
		const char *acts[8], *roles[8];
		int n = 0;
		snprintf(buf, sizeof(buf), "%s", c->done);
		for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			char *colon = strchr(tok, ':');
			*colon = '\0';
			acts[n] = tok;
			roles[n++] = colon + 1;
		}
		kp_ecmr_state_t st = {c->status, c->holder, c->reservations, acts, roles, n};
		const char *got = kp_ecmr_act_check(&st, c->act, c->role);
		if ((got == NULL) != (c->want == NULL) || (got && strcmp(got, c->want) != 0))
			fail_msg("row %zu: %s by %s at %s: got %s, want %s", i, c->act, c->role, c->status, got ? got : "allowed",
			         c->want ? c->want : "allowed");
	}
}

static void acts_move_the_status(void **state)
{
	(void)state;
	const char *s, *h;
	kp_ecmr_act_apply("issue", "draft", "sender", &s, &h);
	assert_string_equal(s, "issued");
	kp_ecmr_act_apply("take_over", "issued", "sender", &s, &h);
	assert_string_equal(s, "in_transit");
	kp_ecmr_act_apply("transfer_disposal", "in_transit", "sender", &s, &h);
	assert_string_equal(s, "in_transit");
	assert_string_equal(h, "consignee");
	kp_ecmr_act_apply("deliver", "in_transit", "consignee", &s, &h);
	assert_string_equal(s, "delivered");
	assert_string_equal(h, "consignee");
}

/* Every act by every role from every status, with nothing yet sealed and reservations made:
 * a status moves only where the act's check allows it, and only along draft -> issued ->
 * in_transit -> delivered; the holder's acts are allowed exactly while the note is under way,
 * which is the store's KP_ECMR_UNDER_WAY_SQL; nothing moves a delivered note. */
static void every_act_from_every_status(void **state)
{
	(void)state;
	static const char *const statuses[] = {KP_ECMR_S_DRAFT, KP_ECMR_S_ISSUED, KP_ECMR_S_IN_TRANSIT, KP_ECMR_S_DELIVERED,
	                                       "sealed"};
	static const char *const acts[] =
	    {"issue", "take_over", "accept_reservations", "transfer_disposal", "instructions", "deliver", "sing"};
	static const char *const roles[] = {"sender", "carrier", "consignee", "driver"};
	for (size_t i = 0; i < KP_ROWS(statuses); i++) {
		const char *from = statuses[i];
		assert_int_equal(kp_ecmr_status_known(from), i < 4);
		char quoted[32];
		snprintf(quoted, sizeof(quoted), "'%s'", from);
		assert_int_equal(strstr(KP_ECMR_UNDER_WAY_SQL, quoted) != NULL, kp_ecmr_under_way(from));
		bool holder_may = false;
		for (size_t j = 0; j < KP_ROWS(acts); j++)
			for (size_t k = 0; k < KP_ROWS(roles); k++) {
				kp_ecmr_state_t st = {from, "sender", true, NULL, NULL, 0};
				const char *verdict = kp_ecmr_act_check(&st, acts[j], roles[k]);
				const char *to, *holder;
				kp_ecmr_act_apply(acts[j], from, "sender", &to, &holder);
				if (!strcmp(acts[j], "transfer_disposal") || !strcmp(acts[j], "instructions"))
					holder_may = holder_may || verdict == NULL;
				if (verdict != NULL || !strcmp(to, from))
					continue;
				/* a move: allowed, one step along the order */
				int at = (int)i, next = -1;
				for (int m = 0; m < 4; m++)
					if (!strcmp(to, statuses[m]))
						next = m;
				if (next != at + 1)
					fail_msg("%s by %s moves %s to %s", acts[j], roles[k], from, to);
			}
		assert_int_equal(holder_may, kp_ecmr_under_way(from));
	}
	/* each move of the order is some act's */
	const char *s, *h;
	kp_ecmr_act_apply("issue", KP_ECMR_S_DRAFT, "sender", &s, &h);
	assert_string_equal(s, KP_ECMR_S_ISSUED);
	kp_ecmr_act_apply("take_over", KP_ECMR_S_ISSUED, "sender", &s, &h);
	assert_string_equal(s, KP_ECMR_S_IN_TRANSIT);
	kp_ecmr_act_apply("deliver", KP_ECMR_S_IN_TRANSIT, "sender", &s, &h);
	assert_string_equal(s, KP_ECMR_S_DELIVERED);
}

static int problems;
static void count_problem(void *ctx, const char *field, const char *problem)
{
	(void)ctx, (void)field, (void)problem;
	problems++;
}

static void document_checked_and_canonical(void **state)
{
	(void)state;
	json_t *in =
	    json_loads("{\"consignor\":{\"name\":\" Osh Fruit \",\"address\":{\"city\":\"Osh\",\"country\":\"KG\"},"
	               "\"email\":\"a@b.kg\",\"unknown\":1},\"consignee\":{\"name\":\"Almaty Trade\",\"address\":"
	               "{\"city\":\"Almaty\",\"country\":\"KZ\"},\"phone\":\"+7 701 555 1234\"},\"taking_over\":"
	               "{\"location\":{\"city\":\"Osh\",\"country\":\"KG\"},\"date\":\"2026-12-06\"},\"delivery\":"
	               "{\"location\":{\"city\":\"Almaty\",\"country\":\"KZ\"}},\"transport\":{\"plate\":\"01 kg 123 abc\","
	               "\"plate_country\":\"KG\"},\"goods\":[{\"packages\":3,\"packaging\":\"boxes\",\"nature\":\"tea\","
	               "\"gross_weight_kg\":0.1}]}",
	               0, NULL);
	problems = 0;
	json_t *doc = kp_ecmr_document(in, "Tian Shan Cargo", "KG", count_problem, NULL);
	assert_int_equal(problems, 0);
	assert_non_null(doc);
	char *text = kp_ecmr_canonical(doc);
	assert_non_null(strstr(text, "\"name\":\"Osh Fruit\""));
	assert_null(strstr(text, "unknown"));
	assert_non_null(strstr(text, "\"gross_weight_kg\":0.1,"));
	assert_non_null(strstr(text, "\"plate\":\"01KG123ABC\""));
	assert_non_null(strstr(text, "\"carrier\":{\"address\":{\"country\":\"KG\"},\"name\":\"Tian Shan Cargo\"}"));
	free(text);
	json_decref(doc);
	json_object_set_new(json_object_get(in, "transport"), "plate_country", json_string("kg"));
	json_object_set_new(in, "goods", json_array());
	json_object_del(json_object_get(in, "consignee"), "phone");
	problems = 0;
	assert_null(kp_ecmr_document(in, "Tian Shan Cargo", "KG", count_problem, NULL));
	assert_int_equal(problems, 3);
	json_decref(in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(acts_in_order),
	    cmocka_unit_test(acts_move_the_status),
	    cmocka_unit_test(every_act_from_every_status),
	    cmocka_unit_test(document_checked_and_canonical),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_ecmr.c: the e-CMR and agency store (src/store/ecmr.c, agencies.c, deliveries.c) on
 * both backends: two seals racing for one place in the chain (one wins), a used link, event
 * fan-out only to granted agencies, and deliveries claimed in order per subject. */
#define KP_TEST_DB_PREFIX "kapka_ecmr_test"
#include "kp_store_test.h"

#include "core/log.h"
#include "store/agencies.h"
#include "store/ecmr.h"

typedef struct fixture {
	KP_STORE_FX_FIELDS;
	int64_t org;
} fx_t;

static const kp_actor_t tester = {0, "tester", "req-1", "192.0.2.7"};

static int setup(void **state)
{
	fx_t *f = calloc(1, sizeof(*f));
	if (f == NULL)
		return -1;
	*state = f;
	if (KP_STORE_FX_OPEN(f, "ecmr", 4) != 0)
		return -1;
	kp_org_t o = {.kind = "carrier", .name = "Tian Shan Cargo", .inn = "01234567890123", .country = "KG"};
	if (kp_store_org_create(f->c, &tester, &o) != KP_DB_OK)
		return -1;
	f->org = o.id;
	return 0;
}

static int teardown(void **state)
{
	fx_t *f = *state;
	if (f == NULL)
		return 0;
	KP_STORE_FX_CLOSE(f);
	free(f);
	return 0;
}

static kp_ecmr_t note(fx_t *f, const char *ref)
{
	kp_ecmr_t e = {.ref = ref,
	               .carrier_org_id = f->org,
	               .document = "{}",
	               .doc_digest = "d0",
	               .plate = "01KG123ABC",
	               .plate_country = "KG",
	               .sender_name = "S",
	               .consignee_name = "C"};
	assert_int_equal(kp_store_ecmr_create(f->c, &tester, &e), KP_DB_OK);
	return e;
}

static kp_ecmr_seal_t seal(int seq, const char *act, const char *role, const char *digest, const char *prev)
{
	return (kp_ecmr_seal_t){.seq = seq,
	                        .act = act,
	                        .role = role,
	                        .party_name = "P",
	                        .custody = "kapka",
	                        .kid = "k1",
	                        .jws = digest,
	                        .digest = digest,
	                        .prev = prev,
	                        .at = 1};
}

static void seals_race_for_one_place(void **state)
{
	fx_t *f = *state;
	kp_ecmr_t e = note(f, "ECMR-KG-TEST000001");
	kp_ecmr_seal_t a = seal(1, "issue", "sender", "aa", NULL), b = seal(1, "issue", "sender", "bb", NULL);
	assert_int_equal(kp_store_ecmr_seal_add(f->c, &tester, &e, &a, "issued", "sender", false, 0, NULL), KP_DB_OK);
	/* b was signed against the same state: it must lose, and leave nothing behind */
	assert_int_equal(kp_store_ecmr_seal_add(f->c, &tester, &e, &b, "issued", "sender", false, 0, NULL), KP_DB_CONFLICT);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM ecmr_seals"), 1);
	kp_ecmr_t now;
	assert_int_equal(kp_store_ecmr_by_ref(f->c, &f->a, e.ref, &now), KP_DB_OK);
	assert_int_equal(now.seals, 1);
	assert_string_equal(now.head, "aa");
	assert_string_equal(now.status, "issued");
	/* the draft no longer changes */
	now.document = "{\"x\":1}";
	assert_int_equal(kp_store_ecmr_update_draft(f->c, &tester, &now), KP_DB_CONFLICT);
	/* a used link cannot seal twice: the whole seal rolls back */
	assert_int_equal(kp_store_ecmr_link_create(f->c, &tester, e.id, "sender", "th", "ch", "a@b.kg", 99, "s", "dg"),
	                 KP_DB_OK);
	kp_ecmr_link_t l;
	assert_int_equal(kp_store_ecmr_link_get(f->c, &f->a, "th", &l), KP_DB_OK);
	kp_ecmr_seal_t c = seal(2, "transfer_disposal", "sender", "cc", "aa");
	assert_int_equal(kp_store_ecmr_seal_add(f->c, &tester, &now, &c, "issued", "consignee", false, l.id, NULL),
	                 KP_DB_OK);
	assert_int_equal(kp_store_ecmr_by_ref(f->c, &f->a, e.ref, &now), KP_DB_OK);
	kp_ecmr_seal_t d = seal(3, "instructions", "consignee", "dd", "cc");
	assert_int_equal(kp_store_ecmr_seal_add(f->c, &tester, &now, &d, "issued", "consignee", false, l.id, NULL),
	                 KP_DB_CONFLICT);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM ecmr_seals"), 2);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM tlog_leaves"), 2);
}

static json_t *event(const char *subject, int n)
{
	return json_pack("{s:s, s:s, s:s, s:{s:i}}", "type", "ecmr.sealed", "service", "ecmr", "subject", subject, "data",
	                 "n", n);
}

static void deliveries_go_to_grants_in_order_per_subject(void **state)
{
	fx_t *f = *state;
	kp_agency_t customs = {.code = "customs", .kind = "customs", .name = "Customs"};
	kp_agency_t vet = {.code = "vet", .kind = "veterinary", .name = "Vet"};
	assert_int_equal(kp_store_agency_create(f->c, &tester, &customs), KP_DB_OK);
	assert_int_equal(kp_store_agency_create(f->c, &tester, &vet), KP_DB_OK);
	int64_t gid;
	assert_int_equal(kp_store_agency_grant(f->c, &tester, customs.id, 0, "ecmr", &gid), KP_DB_OK);
	assert_int_equal(kp_store_agency_grant(f->c, &tester, customs.id, 0, "ecmr", &gid), KP_DB_CONFLICT);
	kp_agency_endpoint_t e1 = {.agency_id = customs.id, .url = "http://x/", .secret = "whsec_AAAA"};
	kp_agency_endpoint_t e2 = {.agency_id = vet.id, .url = "http://y/", .secret = "whsec_AAAA"};
	assert_int_equal(kp_store_agency_endpoint_add(f->c, &tester, &e1), KP_DB_OK);
	assert_int_equal(kp_store_agency_endpoint_add(f->c, &tester, &e2), KP_DB_OK);
	const char *subjects[] = {"ecmr:A", "ecmr:B", "ecmr:A", "ecmr:A"};
	for (int i = 0; i < 4; i++) {
		json_t *ev = event(subjects[i], i);
		assert_int_equal(kp_store_begin(f->c), KP_DB_OK);
		assert_int_equal(kp_store_agency_event_add(f->c, ev), KP_DB_OK);
		assert_int_equal(kp_store_commit(f->c), KP_DB_OK);
		json_decref(ev);
	}
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM agency_deliveries"), 4); /* the vet has no grant */
	kp_agency_delivery_t *d;
	int n;
	int64_t now = kp_now_ms();
	/* one per subject: A's first and B's */
	assert_int_equal(kp_store_delivery_claim(f->c, &f->a, now, 60000, 10, &d, &n), KP_DB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(d[0].subject, "ecmr:A");
	assert_string_equal(d[1].subject, "ecmr:B");
	kp_agency_delivery_t firstA = d[0];
	/* leased: nothing more until A's first is done */
	assert_int_equal(kp_store_delivery_claim(f->c, &f->a, now, 60000, 10, &d, &n), KP_DB_OK);
	assert_int_equal(n, 0);
	/* it fails and waits: A's later events wait behind it (in order per subject) */
	assert_int_equal(kp_store_delivery_attempt(f->c, &firstA, 1, 503, "down", "dg", "v1,x", false, now + 5000, false),
	                 KP_DB_OK);
	assert_int_equal(kp_store_delivery_claim(f->c, &f->a, now, 60000, 10, &d, &n), KP_DB_OK);
	assert_int_equal(n, 0);
	/* once due again it goes first, then the next of A */
	assert_int_equal(kp_store_delivery_claim(f->c, &f->a, now + 6000, 60000, 10, &d, &n), KP_DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(d[0].id, firstA.id);
	assert_int_equal(d[0].attempts, 1);
	assert_int_equal(kp_store_delivery_attempt(f->c, &d[0], 2, 200, NULL, "dg", "v1,x", true, 0, false), KP_DB_OK);
	assert_int_equal(kp_store_delivery_claim(f->c, &f->a, now + 6000, 60000, 10, &d, &n), KP_DB_OK);
	assert_int_equal(n, 1);
	assert_true(d[0].event_row > firstA.event_row);
	/* 410: the endpoint is disabled */
	assert_int_equal(kp_store_delivery_attempt(f->c, &d[0], 3, 410, "gone", "dg", "v1,x", false, -1, true), KP_DB_OK);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM agency_endpoints WHERE status = 'disabled'"), 1);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM agency_attempts"), 3);
	/* the feed: only granted services, after the cursor */
	kp_agency_event_t *ev;
	assert_int_equal(kp_store_agency_feed(f->c, &f->a, customs.id, 0, NULL, 0, 100, &ev, &n), KP_DB_OK);
	assert_int_equal(n, 4);
	assert_int_equal(kp_store_agency_feed(f->c, &f->a, customs.id, 0, NULL, ev[1].id, 100, &ev, &n), KP_DB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(kp_store_agency_feed(f->c, &f->a, vet.id, 0, NULL, 0, 100, &ev, &n), KP_DB_OK);
	assert_int_equal(n, 0);
}

#define TESTS \
	cmocka_unit_test_setup_teardown(seals_race_for_one_place, setup, teardown), \
	    cmocka_unit_test_setup_teardown(deliveries_go_to_grants_in_order_per_subject, setup, teardown)

KP_STORE_TEST_MAIN("e-CMR store", TESTS)

/* test_tlog.c: the transparency log's leaf storage (src/store/tlog.c) on both backends:
 * leaves numbered without gaps, and an object's first leaf found however many followed it
 * and only among the leaves a checkpoint covers; an instance never serves a checkpoint its
 * own tree cannot prove against. */
#define KP_TEST_DB_PREFIX "kapka_tlog_test"
#include "kp_store_test.h"

#include "core/log.h"
#include "store/tlog_log.h"

/* The plain store fixture (kp_store_test.h): a migrated store and one held connection. */
typedef kp_store_fx_t fx_t;

/* Append one leaf of kind about object in its own transaction; its index. */
static int64_t append(fx_t *f, const char *kind, const char *object)
{
	json_t *personal = json_pack("{s:s}", "plate", "01KG123ABC");
	kp_tlog_leaf_t leaf = {.kind = kind, .object = object, .personal = personal};
	int64_t idx;
	assert_int_equal(kp_store_begin(f->c), KP_DB_OK);
	assert_int_equal(kp_tlog_append(f->c, &leaf, &idx), KP_DB_OK);
	assert_int_equal(kp_store_commit(f->c), KP_DB_OK);
	json_decref(personal);
	return idx;
}

/* A permit used more than a hundred times still proves its issue, the first leaf about it
 * (the lookup once read only the newest hundred leaves and picked the oldest of those). */
static void first_leaf_of_an_object_is_its_first(void **state)
{
	fx_t *f = *state;
	assert_int_equal(append(f, "quota.create", "quota/1"), 0);
	assert_int_equal(append(f, "permit.issue", "KG-UZ-2026-1-1"), 1);
	for (int i = 0; i < 120; i++)
		assert_int_equal(append(f, i % 10 ? "permit.use" : "quota.adjust", i % 10 ? "KG-UZ-2026-1-1" : "quota/1"),
		                 2 + i);
	int64_t size;
	assert_int_equal(kp_store_tlog_size(f->c, &size), KP_DB_OK);
	assert_int_equal(size, 122);
	kp_tlog_row_t leaf;
	assert_int_equal(kp_store_tlog_first_of_object(f->c, &f->a, "KG-UZ-2026-1-1", size, &leaf), KP_DB_OK);
	assert_int_equal(leaf.idx, 1);
	assert_string_equal(leaf.kind, "permit.issue");
	assert_non_null(leaf.salt);
	assert_non_null(strstr(leaf.entry, "\"commitment\""));
	/* only what a checkpoint of size `below` covers */
	assert_int_equal(kp_store_tlog_first_of_object(f->c, &f->a, "KG-UZ-2026-1-1", 1, &leaf), KP_DB_NOTFOUND);
	assert_int_equal(kp_store_tlog_first_of_object(f->c, &f->a, "KG-UZ-2026-1-1", 2, &leaf), KP_DB_OK);
	assert_int_equal(kp_store_tlog_first_of_object(f->c, &f->a, "KG-UZ-2026-1-2", size, &leaf), KP_DB_NOTFOUND);
}

/* A leaf appended in a transaction that rolls back leaves no number behind. */
static void rolled_back_leaf_leaves_no_gap(void **state)
{
	fx_t *f = *state;
	assert_int_equal(append(f, "permit.issue", "KG-UZ-2026-1-1"), 0);
	kp_tlog_leaf_t leaf = {.kind = "permit.issue", .object = "KG-UZ-2026-1-2"};
	assert_int_equal(kp_store_begin(f->c), KP_DB_OK);
	assert_int_equal(kp_tlog_append(f->c, &leaf, NULL), KP_DB_OK);
	assert_int_equal(kp_store_rollback(f->c), KP_DB_OK);
	assert_int_equal(append(f, "permit.issue", "KG-UZ-2026-1-3"), 1);
	kp_tlog_row_t leaf3;
	assert_int_equal(kp_store_tlog_first_of_object(f->c, &f->a, "KG-UZ-2026-1-2", 2, &leaf3), KP_DB_NOTFOUND);
}

/* Two instances on one database: what one serves is a checkpoint its own tree holds, even
 * when the other has signed further (it once loaded the other's newer checkpoint, and then
 * failed every proof and tile up to it until its own next commit). */
static void checkpoint_served_is_one_the_tree_covers(void **state)
{
	fx_t *f = *state;
	char err[256];
	append(f, "permit.issue", "KG-UZ-2026-1-1");
	kp_tlog_t *a = kp_tlog_open(f->s, "pass phrase", "a.example/log", err, sizeof(err));
	assert_non_null(a);
	kp_tlog_t *b = kp_tlog_open(f->s, "pass phrase", "a.example/log", err, sizeof(err));
	assert_non_null(b);
	for (int i = 2; i <= 5; i++)
		append(f, "permit.issue", "KG-UZ-2026-1-2");
	assert_int_equal(kp_tlog_sync(b, f->c), KP_DB_OK); /* b signs 5; a's tree still holds 1 */
	int64_t size;
	free(kp_tlog_checkpoint(b, &size, NULL));
	assert_int_equal(size, 5);
	assert_int_equal(kp_tlog_reload_cosignatures(a, f->c), KP_DB_OK); /* a witness answered a */
	char *note = kp_tlog_checkpoint(a, &size, NULL);
	assert_non_null(note);
	assert_int_equal(size, 1);
	assert_int_equal(kp_tlog_tree_size(kp_tlog_tree(a)), 1);
	free(note);
	assert_int_equal(kp_tlog_sync(a, f->c), KP_DB_OK); /* caught up: b's checkpoint stands */
	free(kp_tlog_checkpoint(a, &size, NULL));
	assert_int_equal(size, 5);
	kp_tlog_free(a);
	kp_tlog_free(b);
}

#define TESTS \
	KP_STORE_FX_TEST(first_leaf_of_an_object_is_its_first), KP_STORE_FX_TEST(rolled_back_leaf_leaves_no_gap), \
	    KP_STORE_FX_TEST(checkpoint_served_is_one_the_tree_covers)

KP_STORE_TEST_MAIN("transparency log store", TESTS)

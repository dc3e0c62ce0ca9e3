/* test_tlog_backfill.c: an upgrade appends what an older version left out of the
 * transparency log (src/store/tlog_backfill.c, sql/125_tlog_backfill.sql), on both backends:
 * a partner's quota and keys stored without leaves, as the exchange once stored them, get
 * their leaves once, at the end of the log, with their own times and "backfilled_at"; two
 * instances upgrading together append them once; the leaves and checkpoints from before
 * are untouched, so the old checkpoint is a prefix of the new one. */
#define KP_TEST_DB_PREFIX "kapka_tlog_backfill_test"
#include "kp_store_test.h"

#include "store/permits.h"
#include "store/tlog_acts.h"
#include "store/tlog_log.h"
#include "tlog/tree.h"

#include <sodium.h>

typedef kp_store_fx_t fx_t;

static void run(fx_t *f, const char *sql)
{
	assert_int_equal(kp_db_run(f->c, sql, NULL, 0, NULL), KP_DB_OK);
}

/* The database as a version before the backfill left it: our own quota with its leaf and a
 * signed checkpoint; the partner UZ's quota and two keys (one revoked) without leaves. */
static void old_version_state(fx_t *f, kp_hash_t old_root)
{
	assert_int_equal(kp_store_begin(f->c), KP_DB_OK);
	run(f, "INSERT INTO quotas (id, issuer, verifier, year, type, start_number, end_number, next_serial, created_at)"
	       " VALUES (1, 'UZ', 'KG', 2026, 1, 1, 100, 1, 1690000500)");
	kp_quota_t q =
	    {.id = 1, .issuer = "UZ", .verifier = "KG", .year = 2026, .type = 1, .start_number = 1, .end_number = 100};
	assert_int_equal(kp_tlog_quota(f->c, "quota.create", &q), KP_DB_OK);
	assert_int_equal(kp_store_commit(f->c), KP_DB_OK);
	char err[256];
	kp_tlog_t *l = kp_tlog_open(f->s, "pass phrase", "kg.example/log", err, sizeof(err));
	assert_non_null(l);
	assert_int_equal(kp_tlog_sync(l, f->c), KP_DB_OK);
	assert_int_equal(kp_merkle_root(kp_tlog_tree_get, kp_tlog_tree(l), 1, old_root), 0);
	kp_tlog_free(l);
	run(f, "INSERT INTO quotas (id, issuer, verifier, year, type, start_number, end_number, next_serial, created_at)"
	       " VALUES (2, 'KG', 'UZ', 2026, 1, 1, 50, 1, 1700000000)");
	run(f, "INSERT INTO authority_keys (kid, authority, jwk, created_at, revoked_at) VALUES"
	       " ('uz-0', 'UZ', '{\"kty\":\"OKP\",\"x\":\"a\"}', 1690000000, 1700000200),"
	       " ('uz-1', 'UZ', '{\"kty\":\"OKP\",\"x\":\"b\"}', 1700000100, NULL)");
	/* ... and knew nothing of migration 125 */
	run(f, "DROP TABLE tlog_backfills");
	run(f, "DELETE FROM schema_migrations WHERE version = 125");
}

static void expect_leaf(fx_t *f, int64_t idx, const char *kind, const char *object, int64_t at)
{
	kp_tlog_row_t *rows;
	int n;
	assert_int_equal(kp_store_tlog_leaves(f->c, &f->a, idx, 1, &rows, &n), KP_DB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].kind, kind);
	assert_string_equal(rows[0].object, object);
	assert_int_equal(rows[0].at, at);
	json_t *leaf = json_loads(rows[0].entry, 0, NULL);
	assert_int_equal(json_integer_value(json_object_get(leaf, "at")), at);
	assert_true(json_integer_value(json_object_get(leaf, "backfilled_at")) >= kp_now() - 600);
	json_decref(leaf);
}

/* Two instances start on the old database together: the missing acts are appended once,
 * oldest first, after the old leaves, and a third start appends nothing. */
static void upgrade_appends_missing_acts_once(void **state)
{
	fx_t *f = *state;
	kp_hash_t old_root;
	old_version_state(f, old_root);
	kp_tlog_row_t *before;
	int nb;
	assert_int_equal(kp_store_tlog_leaves(f->c, &f->a, 0, 10, &before, &nb), KP_DB_OK);
	assert_int_equal(nb, 1);
	assert_int_equal(kp_store_race_migrate(f->dsn, 2), 1); /* two instances, migration 125 once */
	int64_t size;
	assert_int_equal(kp_store_tlog_size(f->c, &size), KP_DB_OK);
	assert_int_equal(size, 5);
	kp_tlog_row_t *after;
	int na;
	assert_int_equal(kp_store_tlog_leaves(f->c, &f->a, 0, 10, &after, &na), KP_DB_OK);
	assert_int_equal(na, 5);
	assert_string_equal(after[0].entry, before[0].entry);
	assert_null(strstr(after[0].entry, "backfilled_at"));
	expect_leaf(f, 1, "key.add", "uz-0", 1690000000);
	expect_leaf(f, 2, "quota.create", "quota/2", 1700000000);
	expect_leaf(f, 3, "key.add", "uz-1", 1700000100);
	expect_leaf(f, 4, "key.revoke", "uz-0", 1700000200);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM tlog_backfills WHERE version = 125 AND first_idx = 1"
	                                      " AND leaves = 4"),
	                 1);
	int applied;
	assert_int_equal(kp_store_migrate(f->s, &applied), KP_DB_OK);
	assert_int_equal(applied, 0);
	assert_int_equal(kp_store_tlog_size(f->c, &size), KP_DB_OK);
	assert_int_equal(size, 5);

	/* The checkpoint signed before the upgrade is a prefix of the one signed after. */
	char err[256];
	kp_tlog_t *l = kp_tlog_open(f->s, "pass phrase", "kg.example/log", err, sizeof(err));
	assert_non_null(l);
	assert_int_equal(kp_tlog_sync(l, f->c), KP_DB_OK);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM tlog_checkpoints WHERE size IN (1, 5)"), 2);
	kp_hash_t root1, root5, proof[64];
	int np;
	kp_tlog_tree_t *tree = kp_tlog_tree(l);
	assert_int_equal(kp_merkle_root(kp_tlog_tree_get, tree, 1, root1), 0);
	assert_memory_equal(root1, old_root, KP_HASH_SIZE);
	assert_int_equal(kp_merkle_root(kp_tlog_tree_get, tree, 5, root5), 0);
	assert_int_equal(kp_merkle_consistency_proof(kp_tlog_tree_get, tree, 1, 5, proof, &np), 0);
	assert_true(kp_merkle_verify_consistency(1, old_root, 5, root5, proof, np));
	kp_tlog_free(l);
}

/* A new database has nothing to append: the run is recorded with no leaves. */
static void new_database_appends_nothing(void **state)
{
	fx_t *f = *state;
	int64_t size;
	assert_int_equal(kp_store_tlog_size(f->c, &size), KP_DB_OK);
	assert_int_equal(size, 0);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM tlog_backfills WHERE leaves = 0"), 1);
}

#define TESTS KP_STORE_FX_TEST(upgrade_appends_missing_acts_once), KP_STORE_FX_TEST(new_database_appends_nothing)

KP_STORE_TEST_MAIN("transparency log backfill at upgrade", TESTS)

/* test_arena.c: the request arena (src/core/arena.c): alignment, no overlap, big
 * blocks, string helpers, reuse after cleanup. Run under ASan to catch overruns. */
#include "kp_test.h"

#include "core/arena.h"

static int setup(void **state)
{
	kp_arena_t *a = malloc(sizeof(*a));
	if (a == NULL)
		return -1;
	kp_arena_init(a);
	*state = a;
	return 0;
}

static int teardown(void **state)
{
	kp_arena_cleanup(*state);
	free(*state);
	return 0;
}

/* Many blocks of awkward sizes: each 16-byte aligned, and each keeps what was written
 * into it (so no two overlap), across many chunks. */
static void alignment_and_no_overlap(void **state)
{
	kp_arena_t *a = *state;
	enum { N = 3000 };
	static unsigned char *blocks[N];
	static size_t sizes[N];
	for (size_t i = 0; i < N; i++) {
		sizes[i] = (i * 7919) % 300 + (i % 50 == 0 ? 9000 : 0); /* some bigger than a chunk */
		blocks[i] = kp_arena_alloc(a, sizes[i]);
		assert_non_null(blocks[i]);
		assert_int_equal((uintptr_t)blocks[i] % 16, 0);
		memset(blocks[i], (int)(i & 0xff), sizes[i]);
	}
	for (size_t i = 0; i < N; i++)
		for (size_t j = 0; j < sizes[i]; j++)
			if (blocks[i][j] != (unsigned char)(i & 0xff))
				fail_msg("block %zu byte %zu was overwritten", i, j);
}

/* A block too big for a chunk gets a chunk of its own, and the current chunk's free
 * space stays in use: small blocks on either side of it are neighbours. */
static void big_block_keeps_current_chunk(void **state)
{
	kp_arena_t *a = *state;
	char *s1 = kp_arena_alloc(a, 16);
	char *big = kp_arena_alloc(a, 100000);
	char *s2 = kp_arena_alloc(a, 16);
	memset(big, 'x', 100000);
	assert_ptr_equal(s2, s1 + 16);
	assert_true(big + 100000 <= s1 || big >= s2 + 16);
}

static void zalloc_zeroes(void **state)
{
	kp_arena_t *a = *state;
	for (size_t n = 1; n < 20000; n = n * 3 + 1) {
		unsigned char *p = kp_arena_alloc(a, n);
		memset(p, 0xa5, n);
		unsigned char *z = kp_arena_zalloc(a, n);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(z[i], 0);
	}
}

static void strings(void **state)
{
	kp_arena_t *a = *state;
	assert_null(kp_arena_strdup(a, NULL));
	assert_string_equal(kp_arena_strdup(a, ""), "");
	const char *src = "Бишкек-Ош";
	char *d = kp_arena_strdup(a, src);
	assert_string_equal(d, src);
	assert_ptr_not_equal(d, src);
	assert_string_equal(kp_arena_strndup(a, "border crossing", 6), "border");
	char *nd = kp_arena_strndup(a, "abc", 0);
	assert_string_equal(nd, "");
	assert_string_equal(kp_arena_printf(a, "%s-%03d-%lld", "KG", 7, -12LL), "KG-007--12");

	/* Longer than a chunk: printf must size the block from the formatted length. */
	char *big = malloc(20001);
	assert_non_null(big);
	memset(big, 'q', 20000);
	big[20000] = '\0';
	char *p = kp_arena_printf(a, "<%s>", big);
	assert_int_equal(strlen(p), 20002);
	assert_int_equal(p[0], '<');
	assert_int_equal(p[20001], '>');
	free(big);
}

static void zero_size_and_reuse(void **state)
{
	kp_arena_t *a = *state;
	assert_non_null(kp_arena_alloc(a, 0));
	kp_arena_cleanup(a);
	assert_null(a->head);
	kp_arena_cleanup(a); /* twice is harmless */
	kp_arena_init(a);
	char *s = kp_arena_strdup(a, "again");
	assert_string_equal(s, "again");
}

static void overflow_child(void)
{
	kp_arena_t a;
	kp_arena_init(&a);
	volatile size_t n = SIZE_MAX - 8;
	kp_arena_alloc(&a, n);
}

/* A size that would overflow the rounding aborts instead of returning a short block. */
static void overflow_aborts(void **state)
{
	(void)state;
	assert_true(kp_test_aborts(overflow_child));
}

/* Deferred destructors run once each at cleanup, newest first, and the arena is reusable. */
static int order[8], norder;

static void record(void *p)
{
	order[norder++] = *(int *)p;
}

static void free_and_record(void *p)
{
	order[norder++] = 100;
	free(p);
}

static void defers_run_newest_first(void **state)
{
	(void)state;
	kp_arena_t a;
	kp_arena_init(&a);
	static int one = 1, two = 2, three = 3;
	norder = 0;
	assert_ptr_equal(kp_arena_defer(&a, record, &one), &one);
	kp_arena_defer(&a, record, &two);
	assert_null(kp_arena_defer(&a, record, NULL));   /* nothing to own: nothing runs */
	kp_arena_defer(&a, free_and_record, malloc(64)); /* ASan checks it is freed */
	kp_arena_defer(&a, record, &three);
	kp_arena_cleanup(&a);
	assert_int_equal(norder, 4);
	assert_int_equal(order[0], 3);
	assert_int_equal(order[1], 100);
	assert_int_equal(order[2], 2);
	assert_int_equal(order[3], 1);
	kp_arena_cleanup(&a); /* twice: nothing more runs */
	assert_int_equal(norder, 4);
	kp_arena_init(&a);
	kp_arena_defer(&a, record, &one);
	kp_arena_cleanup(&a);
	assert_int_equal(norder, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(alignment_and_no_overlap, setup, teardown),
	    cmocka_unit_test_setup_teardown(big_block_keeps_current_chunk, setup, teardown),
	    cmocka_unit_test_setup_teardown(zalloc_zeroes, setup, teardown),
	    cmocka_unit_test_setup_teardown(strings, setup, teardown),
	    cmocka_unit_test_setup_teardown(zero_size_and_reuse, setup, teardown),
	    cmocka_unit_test(overflow_aborts),
	    cmocka_unit_test(defers_run_newest_first),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

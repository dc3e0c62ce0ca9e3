/* page.h: one page of a list that can grow: an optional search text, how many rows and
 * from which row, with the total of the rows matching. Every list route reads it the same
 * way (api/paging.c) and every store list query runs it the same way (store/page.c). */
#ifndef KP_STORE_PAGE_H
#define KP_STORE_PAGE_H

#include <stdint.h>

#include "core/arena.h"
#include "store/db.h"

typedef struct kp_page {
	const char *q;  /* what to look for (trimmed, never empty), or NULL */
	int limit;      /* rows on the page, >= 1 */
	int64_t offset; /* rows skipped, >= 0 */
} kp_page_t;

/* One searched column: kp_fold(col) LIKE kp_fold(pattern) with '!' escaping. kp_fold is
 * the case folding of core/fold.h (Latin and Cyrillic), the same SQL function on both
 * databases (sqlite.c registers it, store.c creates it on PostgreSQL). */
#define KP_LIKE(col) " kp_fold(" col ") LIKE kp_fold(?) ESCAPE '!'"

/* The LIKE pattern "%q%" for p->q with % _ ! escaped (in a), or NULL without a search. */
const char *kp_page_pattern(kp_arena_t *a, const kp_page_t *p);

/* Run count_sql (SELECT COUNT(*) …) with params into *total, then rows_sql with params and
 * the page's LIMIT and OFFSET appended as two more parameters (rows_sql must end with
 * " LIMIT ? OFFSET ?"). Both strings must be literals (statements are cached by address). */
int kp_page_query(kp_conn_t *c, kp_arena_t *a, const char *count_sql, const char *rows_sql, const kp_val_t *params,
                  int n, const kp_page_t *p, kp_rows_t *rows, int64_t *total);

#endif

/* page.c: running a page of a list (page.h): the count and the rows of one search. */
#include "store/page.h"
#include "core/util.h"

#include <string.h>

const char *kp_page_pattern(kp_arena_t *a, const kp_page_t *p)
{
	if (p == NULL || p->q == NULL || *p->q == '\0')
		return NULL;
	size_t n = strlen(p->q);
	char *out = kp_arena_alloc(a, n * 2 + 3);
	char *w = out;
	*w++ = '%';
	for (const char *s = p->q; *s; s++) {
		if (*s == '%' || *s == '_' || *s == '!')
			*w++ = '!';
		*w++ = *s;
	}
	*w++ = '%';
	*w = '\0';
	return out;
}

int kp_page_query(kp_conn_t *c, kp_arena_t *a, const char *count_sql, const char *rows_sql, const kp_val_t *params,
                  int n, const kp_page_t *p, kp_rows_t *rows, int64_t *total)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r, count_sql, params, n);
	if (rc != KP_DB_OK)
		return rc;
	*total = r.nrows ? kp_rows_int(&r, 0, 0) : 0;
	kp_val_t *all = kp_arena_alloc(a, sizeof(kp_val_t) * (size_t)(n + 2));
	if (n > 0)
		memcpy(all, params, sizeof(kp_val_t) * (size_t)n);
	all[n] = KV_INT(p->limit);
	all[n + 1] = KV_INT(p->offset);
	return kp_db_exec(c, a, rows, rows_sql, all, n + 2);
}

/* paging.c: reading and answering a page of a list (paging.h). */
#include "api/paging.h"
#include "core/util.h"

#include <string.h>

#define OFFSET_MAX 1000000000LL

int kp_api_page_read(kp_req_t *req, int max_limit, int def_limit, kp_page_t *p)
{
	long long limit, offset;
	memset(p, 0, sizeof(*p));
	if (kp_req_query_int(req, "limit", 1, max_limit, def_limit, &limit) != 0 ||
	    kp_req_query_int(req, "offset", 0, OFFSET_MAX, 0, &offset) != 0)
		return -1;
	p->limit = (int)limit;
	p->offset = offset;
	const char *q = kp_req_query(req, "q");
	if (q == NULL)
		return 0;
	while (*q == ' ')
		q++;
	size_t len = strlen(q);
	while (len > 0 && q[len - 1] == ' ')
		len--;
	char *t = kp_arena_alloc(&req->arena, len + 1);
	memcpy(t, q, len);
	t[len] = '\0';
	/* Valid UTF-8 without controls (a tab included) before it reaches a database. */
	if (!kp_utf8_valid(t, len, false) || strchr(t, '\t') || kp_utf8_len(t) > KP_PAGE_Q_MAX) {
		kp_reply_error(req, 400, "bad_query", "query parameter 'q' must be text of at most %d characters",
		               KP_PAGE_Q_MAX);
		return -1;
	}
	p->q = len ? t : NULL;
	return 0;
}

void kp_api_page_reply(kp_req_t *req, json_t *items, int64_t total, const kp_page_t *p)
{
	json_t *j = json_pack("{s:o, s:I, s:i, s:I}", "items", items, "total", (json_int_t)total, "limit", p->limit,
	                      "offset", (json_int_t)p->offset);
	int64_t next = p->offset + (int64_t)json_array_size(items);
	if (next < total && json_array_size(items) > 0)
		json_object_set_new(j, "next_offset", json_integer(next));
	kp_reply_json(req, 200, j);
}

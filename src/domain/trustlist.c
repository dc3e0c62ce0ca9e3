/* trustlist.c: compact encoding of revoked permit ids (see trustlist.h). */
#include "domain/trustlist.h"
#include "domain/dates.h"
#include "crypto/hash.h"
#include "domain/permit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct item {
	char group[64];
	int64_t serial;
};

static int by_group_serial(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	int c = strcmp(x->group, y->group);
	return c ? c : (x->serial > y->serial) - (x->serial < y->serial);
}

static int by_text(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void put_group(json_t *out, const char *group, const unsigned char *buf, size_t len)
{
	char *text = malloc(len * 4 / 3 + 8);
	if (text == NULL)
		abort();
	kp_b64url_encode(buf, len, text);
	json_object_set_new(out, group, json_string(text));
	free(text);
}

json_t *kp_trustlist_encode(const char *const *ids, int n, json_t **other)
{
	struct item *items = calloc((size_t)n + 1, sizeof(*items));
	const char **rest = calloc((size_t)n + 1, sizeof(char *));
	unsigned char *buf = malloc((size_t)n * 10 + 16);
	if (!items || !rest || !buf)
		abort();
	int ni = 0, nr = 0;
	for (int i = 0; i < n; i++) {
		kp_permit_id_t pid;
		if (kp_permit_id_parse(ids[i], &pid) != 0) {
			rest[nr++] = ids[i];
			continue;
		}
		snprintf(items[ni].group, sizeof(items[ni].group), "%s-%s-%d-%d", pid.issuer, pid.verifier, pid.year, pid.type);
		items[ni++].serial = pid.serial;
	}
	qsort(items, (size_t)ni, sizeof(*items), by_group_serial);
	qsort(rest, (size_t)nr, sizeof(char *), by_text);
	json_t *out = json_object();
	size_t len = 0;
	int64_t last = 0;
	for (int i = 0; i < ni; i++) {
		if (i > 0 && strcmp(items[i].group, items[i - 1].group) != 0) {
			put_group(out, items[i - 1].group, buf, len);
			len = 0;
			last = 0;
		}
		if (i > 0 && len > 0 && items[i].serial == last)
			continue; /* a duplicate */
		uint64_t gap = (uint64_t)(items[i].serial - last);
		last = items[i].serial;
		do {
			unsigned char b = gap & 0x7f;
			gap >>= 7;
			buf[len++] = (unsigned char)(b | (gap ? 0x80 : 0));
		} while (gap);
	}
	if (ni > 0)
		put_group(out, items[ni - 1].group, buf, len);
	*other = json_array();
	for (int i = 0; i < nr; i++)
		if (i == 0 || strcmp(rest[i], rest[i - 1]) != 0)
			json_array_append_new(*other, json_string(rest[i]));
	free(items);
	free(rest);
	free(buf);
	return out;
}

/* Walk a group's serials: calls stop(serial, ctx) for each until it returns true.
 * Returns 1 when stopped, 0 at the end, -1 when corrupt. */
static int walk(const char *b64, bool (*stop)(int64_t, void *), void *ctx)
{
	size_t n = strlen(b64);
	unsigned char *buf = malloc(n + 4);
	if (buf == NULL)
		abort();
	long len = kp_b64url_decode(b64, n, buf, n + 4);
	int rc = len < 0 ? -1 : 0;
	int64_t serial = 0;
	for (long i = 0; rc == 0 && i < len;) {
		uint64_t gap = 0;
		int shift = 0;
		for (;; shift += 7) {
			if (i >= len || shift > 56) {
				rc = -1;
				break;
			}
			unsigned char b = buf[i++];
			gap |= (uint64_t)(b & 0x7f) << shift;
			if (!(b & 0x80))
				break;
		}
		/* Serials are positive int64: a gap that would pass INT64_MAX is a corrupt list
		 * (found by fuzz_trustlist), not a wrap-around. */
		if (rc == 0 && gap > (uint64_t)(INT64_MAX - serial))
			rc = -1;
		if (rc == 0) {
			serial += (int64_t)gap;
			if (stop(serial, ctx))
				rc = 1;
		}
	}
	free(buf);
	return rc;
}

struct search {
	int64_t target, stopped_at;
};

static bool reached(int64_t serial, void *ctx)
{
	struct search *q = ctx;
	q->stopped_at = serial;
	return serial >= q->target;
}

static bool never(int64_t serial, void *ctx)
{
	(void)serial;
	(*(long *)ctx)++;
	return false;
}

int kp_trustlist_contains(json_t *revoked, json_t *other, const char *permit_id)
{
	kp_permit_id_t pid;
	if (kp_permit_id_parse(permit_id, &pid) != 0) {
		size_t i;
		json_t *v;
		json_array_foreach(other, i, v)
			if (json_string_value(v) && strcmp(json_string_value(v), permit_id) == 0)
				return 1;
		return 0;
	}
	char group[64];
	snprintf(group, sizeof(group), "%s-%s-%d-%d", pid.issuer, pid.verifier, pid.year, pid.type);
	const char *b64 = json_string_value(json_object_get(revoked, group));
	if (b64 == NULL)
		return 0;
	struct search q = {pid.serial, -1};
	int rc = walk(b64, reached, &q);
	return rc < 0 ? -1 : rc == 1 && q.stopped_at == pid.serial;
}

long kp_trustlist_count(json_t *revoked)
{
	long count = 0;
	const char *k;
	json_t *v;
	json_object_foreach(revoked, k, v) {
		if (!json_is_string(v) || walk(json_string_value(v), never, &count) < 0)
			return -1;
	}
	return count;
}

bool kp_trustlist_member(json_t *members, const char *organisation, const char *country, int64_t day)
{
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(members, organisation), i, m) {
		const char *who = json_string_value(json_object_get(m, "member"));
		const char *to = json_string_value(json_object_get(m, "to"));
		int64_t from_day, to_day = INT64_MAX;
		if (!who || strcmp(who, country) != 0 ||
		    kp_date_parse_iso(json_string_value(json_object_get(m, "from")), &from_day) != 0 ||
		    (to && kp_date_parse_iso(to, &to_day) != 0))
			continue;
		if (from_day <= day && day <= to_day)
			return true;
	}
	return false;
}

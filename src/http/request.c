/* request.c: reading path parameters, the query, headers, cookies and body fields. */
#include "http/http.h"
#include "core/util.h"

#include <ctype.h>
#include <microhttpd.h>
#include <string.h>

const char *kp_req_param(const kp_req_t *req, const char *name)
{
	for (int i = 0; i < req->nparams; i++)
		if (strcmp(req->param_names[i], name) == 0)
			return req->param_values[i];
	return NULL;
}

int kp_req_param_id(kp_req_t *req, const char *name, int64_t *out)
{
	long long v;
	if (kp_parse_int(kp_req_param(req, name), 1, INT64_MAX, &v) != 0) {
		kp_reply_error(req, 404, "not_found", "no such %s: it must be a positive number", name);
		return -1;
	}
	*out = v;
	return 0;
}

const char *kp_req_query(const kp_req_t *req, const char *name)
{
	return MHD_lookup_connection_value(req->mhd, MHD_GET_ARGUMENT_KIND, name);
}

struct query_scan {
	const char *bad; /* the first parameter that is not UTF-8 text ("" when its name is not) */
};

static enum MHD_Result scan_query(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct query_scan *s = cls;
	if (!kp_utf8_valid(key, strlen(key), false))
		s->bad = "";
	else if (value && !kp_utf8_valid(value, strlen(value), true))
		s->bad = key;
	return s->bad ? MHD_NO : MHD_YES;
}

int kp_req_query_check(kp_req_t *req)
{
	struct query_scan s = {NULL};
	MHD_get_connection_values(req->mhd, MHD_GET_ARGUMENT_KIND, scan_query, &s);
	if (s.bad == NULL)
		return 0;
	if (*s.bad == '\0')
		kp_reply_error(req, 400, "bad_query", "a query parameter's name is not UTF-8 text");
	else
		kp_reply_error(req, 400, "bad_query", "query parameter '%s' is not UTF-8 text", s.bad);
	return -1;
}

int kp_req_query_int(kp_req_t *req, const char *name, long long min, long long max, long long def, long long *out)
{
	const char *v = kp_req_query(req, name);
	if (v == NULL || *v == '\0') {
		*out = def;
		return 0;
	}
	if (kp_parse_int(v, min, max, out) != 0) {
		kp_reply_error(req, 400, "bad_query", "query parameter '%s' must be a whole number from %lld to %lld",
		               name, min, max);
		return -1;
	}
	return 0;
}

const char *kp_req_header(const kp_req_t *req, const char *name)
{
	return MHD_lookup_connection_value(req->mhd, MHD_HEADER_KIND, name);
}

const char *kp_req_cookie(const kp_req_t *req, const char *name)
{
	return MHD_lookup_connection_value(req->mhd, MHD_COOKIE_KIND, name);
}

void kp_field_problem(kp_req_t *req, const char *field, const char *code, json_t *args, const char *problem)
{
	if (req->field_errors == NULL)
		req->field_errors = json_array();
	json_t *p = json_pack("{s:s, s:s, s:s}", "field", field, "code", code, "problem", problem);
	if (p == NULL) /* a field name or problem that is not UTF-8: still name the field's problem */
		p = json_pack("{s:s, s:s, s:s}", "field", "(unnamed)", "code", code, "problem", "is not valid");
	if (args)
		json_object_set_new(p, "args", args);
	json_array_append_new(req->field_errors, p);
}

void kp_field_error(kp_req_t *req, const char *field, const char *problem)
{
	kp_field_problem(req, field, "invalid", NULL, problem);
}

int kp_body_check(kp_req_t *req)
{
	size_t n = req->field_errors ? json_array_size(req->field_errors) : 0;
	if (n == 0)
		return 0;
	json_t *first = json_array_get(req->field_errors, 0);
	const char *field = json_string_value(json_object_get(first, "field"));
	const char *problem = json_string_value(json_object_get(first, "problem"));
	if (n == 1)
		kp_reply_error(req, 422, "invalid_field", "%s %s", field, problem);
	else
		kp_reply_error(req, 422, "invalid_field", "%s %s (and %zu more problems, see fields)", field, problem,
		               n - 1);
	return -1;
}

const char *kp_body_str(kp_req_t *req, const char *name, size_t max_chars, bool required)
{
	json_t *v = req->json ? json_object_get(req->json, name) : NULL;
	if (v == NULL || json_is_null(v)) {
		if (required)
			kp_field_problem(req, name, "required", NULL, "is required");
		return NULL;
	}
	if (!json_is_string(v)) {
		kp_field_problem(req, name, "not_text", NULL, "must be a string");
		return NULL;
	}
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	if (strlen(s) != len || !kp_utf8_valid(s, len, false)) {
		kp_field_problem(req, name, "control_chars", NULL, "must not contain control characters");
		return NULL;
	}
	while (isspace((unsigned char)*s))
		s++, len--;
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	if (len == 0) {
		if (required)
			kp_field_problem(req, name, "required", NULL, "must not be empty");
		return NULL;
	}
	char *copy = kp_arena_strndup(&req->arena, s, len);
	if (kp_utf8_len(copy) > max_chars) {
		kp_field_problem(req, name, "max_chars", json_pack("{s:I}", "count", (json_int_t)max_chars),
		                 kp_arena_printf(&req->arena, "must be at most %zu characters", max_chars));
		return NULL;
	}
	return copy;
}

const char *kp_body_str_checked(kp_req_t *req, const char *name, size_t max_chars, bool required,
                                const char *(*check)(const char *))
{
	const char *s = kp_body_str(req, name, max_chars, required);
	if (s == NULL)
		return NULL;
	const char *why = check(s);
	if (why) {
		kp_field_error(req, name, why);
		return NULL;
	}
	return s;
}

bool kp_body_int(kp_req_t *req, const char *name, long long min, long long max, bool required, long long *out)
{
	json_t *v = req->json ? json_object_get(req->json, name) : NULL;
	if (v == NULL || json_is_null(v)) {
		if (required)
			kp_field_problem(req, name, "required", NULL, "is required");
		return false;
	}
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
		kp_field_problem(req, name, "number_range", json_pack("{s:I, s:I}", "min", (json_int_t)min, "max", (json_int_t)max),
		                 kp_arena_printf(&req->arena, "must be a whole number from %lld to %lld", min, max));
		return false;
	}
	*out = json_integer_value(v);
	return true;
}

static int hex_value(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Percent-decoding as libmicrohttpd does it, except that an encoded NUL becomes DEL
 * (0x7f), which the path and field checks refuse: a decoded NUL would silently cut the
 * path short ("/permits/X%00/pdf" would reach "/permits/X"). */
size_t kp_http_unescape(char *s)
{
	char *r = s, *w = s;
	while (*r) {
		int hi, lo;
		if (r[0] == '%' && (hi = hex_value(r[1])) >= 0 && (lo = hex_value(r[2])) >= 0) {
			int v = hi * 16 + lo;
			*w++ = v == 0 ? 0x7f : (char)v;
			r += 3;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	return (size_t)(w - s);
}

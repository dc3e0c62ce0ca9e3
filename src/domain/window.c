/* window.c: the single window's rules: procedure definitions, forms, conditions, the
 * step graph and the transitions a step may make. */
#include "domain/window.h"

#include "domain/account.h"
#include "core/util.h"
#include "domain/dates.h"

#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#define PROBLEM(field, ...) (fn(ctx, (field), kp_arena_printf(a, __VA_ARGS__)), ++problems)

static bool is_code(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	return n >= 2 && n <= max && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-_") == n;
}

static bool has_names(const json_t *o)
{
	static const char *const langs[] = {"ky", "ru", "en"};
	if (!json_is_object(o))
		return false;
	for (int i = 0; i < 3; i++) {
		const char *s = json_string_value(json_object_get(o, langs[i]));
		if (s == NULL || *s == '\0' || strlen(s) > 200)
			return false;
	}
	return true;
}

static bool in_string_array(const json_t *arr, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) {
		if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return true;
	}
	return false;
}

/* A JSON array of codes, each in known (when not NULL), none twice. */
static int check_codes(kp_arena_t *a, const json_t *arr, const char *where, const json_t *known, kp_sw_problem_fn fn,
                       void *ctx)
{
	int problems = 0;
	size_t i;
	json_t *v;
	if (arr == NULL)
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) > 32)
		return PROBLEM(where, "must be an array of at most 32 codes");
	json_array_foreach(arr, i, v) {
		const char *s = json_string_value(v);
		if (!is_code(s, 40))
			PROBLEM(where, "item %zu must be a code of 2 to 40 lower-case letters, digits, '-' or '_'", i);
		else if (known && !in_string_array(known, s))
			PROBLEM(where, "item %zu (%s) is not defined", i, s);
	}
	return problems;
}

static int check_field_def(kp_arena_t *a, const json_t *f, size_t i, kp_sw_problem_fn fn, void *ctx)
{
	static const char *const types[] = {"text", "enum", "bool", "date", "country", "vehicles"};
	int problems = 0;
	const char *where = kp_arena_printf(a, "fields[%zu]", i);
	const char *name = json_string_value(json_object_get(f, "name"));
	const char *type = json_string_value(json_object_get(f, "type"));
	if (!is_code(name, 40))
		PROBLEM(where, "needs a name of 2 to 40 lower-case letters, digits, '-' or '_'");
	bool known = false;
	for (size_t k = 0; type && k < sizeof(types) / sizeof(types[0]); k++)
		known |= strcmp(type, types[k]) == 0;
	if (!known)
		PROBLEM(where, "type must be text, enum, bool, date, country or vehicles");
	if (!has_names(json_object_get(f, "label")))
		PROBLEM(where, "needs a label in ky, ru and en");
	const json_t *opts = json_object_get(f, "options");
	if (type && strcmp(type, "enum") == 0 && (!json_is_array(opts) || json_array_size(opts) == 0))
		PROBLEM(where, "an enum needs options");
	if (type && (strcmp(type, "enum") == 0 || strcmp(type, "vehicles") == 0))
		problems += check_codes(a, opts, kp_arena_printf(a, "%s.options", where), NULL, fn, ctx);
	const char *pattern = json_string_value(json_object_get(f, "pattern"));
	regex_t re;
	if (pattern) {
		if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
			PROBLEM(where, "pattern is not a POSIX extended regular expression");
		else
			regfree(&re);
	}
	const json_t *hint = json_object_get(f, "pattern_hint");
	if (hint && !(json_is_string(hint) && *json_string_value(hint)) && !has_names(hint))
		PROBLEM(where, "pattern_hint must be text or names in ky, ru and en");
	return problems;
}

static int check_step_def(kp_arena_t *a, const json_t *s, size_t i, const json_t *codes, const json_t *fields,
                          const json_t *docs, kp_sw_problem_fn fn, void *ctx)
{
	int problems = 0;
	const char *where = kp_arena_printf(a, "steps[%zu]", i);
	const char *code = json_string_value(json_object_get(s, "code"));
	const char *role = json_string_value(json_object_get(s, "role"));
	if (!is_code(code, 40))
		PROBLEM(where, "needs a code of 2 to 40 lower-case letters, digits, '-' or '_'");
	else if (in_string_array(codes, code))
		PROBLEM(where, "code %s is used by an earlier step", code);
	if (!is_code(json_string_value(json_object_get(s, "agency")), 40))
		PROBLEM(where, "needs the code of the agency that decides it");
	if (role == NULL || (strcmp(role, "officer") != 0 && strcmp(role, "ministry") != 0))
		PROBLEM(where, "role must be officer or ministry");
	if (!has_names(json_object_get(s, "label")))
		PROBLEM(where, "needs a label in ky, ru and en");
	json_int_t sla = json_integer_value(json_object_get(s, "sla_hours"));
	if (!json_is_integer(json_object_get(s, "sla_hours")) || sla < 1 || sla > 24 * 365)
		PROBLEM(where, "sla_hours must be a whole number of hours from 1 to 8760");
	problems += check_codes(a, json_object_get(s, "after"), kp_arena_printf(a, "%s.after", where), codes, fn, ctx);
	problems += check_codes(a, json_object_get(s, "fields"), kp_arena_printf(a, "%s.fields", where), fields, fn, ctx);
	problems += check_codes(a, json_object_get(s, "documents"), kp_arena_printf(a, "%s.documents", where), docs, fn,
	                        ctx);
	const json_t *fee = json_object_get(s, "fee");
	if (fee) {
		json_int_t amt = json_integer_value(json_object_get(fee, "amount_som"));
		if (!json_is_integer(json_object_get(fee, "amount_som")) || amt < 0 || amt > 100000000)
			PROBLEM(where, "fee.amount_som must be a whole number of som from 0 to 100000000");
		if (!is_code(json_string_value(json_object_get(fee, "collector")), 40))
			PROBLEM(where, "fee.collector must name the agency that collects it");
	}
	const json_t *when = json_object_get(s, "when");
	if (when && (!json_is_string(json_object_get(when, "field")) || !json_is_array(json_object_get(when, "any_of"))))
		PROBLEM(where, "when must be {\"field\": path, \"any_of\": [values]}");
	const json_t *effect = json_object_get(s, "effect");
	if (effect && !json_is_null(effect) && strcmp(json_string_value(effect) ?: "", "ev_quota.reserve") != 0)
		PROBLEM(where, "effect must be ev_quota.reserve or null");
	return problems;
}

/* The codes (field names, document kinds) a definition's list declares. */
static json_t *names_of(const json_t *list, const char *key)
{
	json_t *out = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v) {
		const char *s = json_string_value(json_object_get(v, key));
		if (s)
			json_array_append_new(out, json_string(s));
	}
	return out;
}

static int check_applicants(kp_arena_t *a, const json_t *apps, kp_sw_problem_fn fn, void *ctx)
{
	int problems = 0;
	size_t i;
	json_t *v;
	if (!json_is_array(apps) || json_array_size(apps) == 0)
		PROBLEM("applicants", "must list the roles that may apply (carrier, traveller)");
	json_array_foreach(apps, i, v) {
		const char *r = json_string_value(v);
		if (r == NULL || (strcmp(r, "carrier") != 0 && strcmp(r, "traveller") != 0))
			PROBLEM("applicants", "item %zu must be carrier or traveller", i);
	}
	return problems;
}

int kp_sw_definition_check(kp_arena_t *a, const json_t *def, kp_sw_problem_fn fn, void *ctx)
{
	int problems = 0;
	if (!json_is_object(def))
		return PROBLEM("definition", "must be a JSON object");
	if (!is_code(json_string_value(json_object_get(def, "code")), 40))
		PROBLEM("code", "must be 2 to 40 lower-case letters, digits, '-' or '_'");
	if (!has_names(json_object_get(def, "name")))
		PROBLEM("name", "needs the procedure's name in ky, ru and en");
	problems += check_applicants(a, json_object_get(def, "applicants"), fn, ctx);
	size_t i;
	json_t *v;
	json_int_t days = json_integer_value(json_object_get(def, "expires_days"));
	if (!json_is_integer(json_object_get(def, "expires_days")) || days < 1 || days > 366)
		PROBLEM("expires_days", "must be the days an application may take, 1 to 366");
	const json_t *fields = json_object_get(def, "fields"), *docs = json_object_get(def, "documents"),
	             *steps = json_object_get(def, "steps");
	if (!json_is_array(fields) || json_array_size(fields) > 40)
		PROBLEM("fields", "must be an array of at most 40 field definitions");
	json_array_foreach(fields, i, v)
		problems += check_field_def(a, v, i, fn, ctx);
	if (!json_is_array(docs) || json_array_size(docs) > 20)
		PROBLEM("documents", "must be an array of at most 20 document kinds");
	json_array_foreach(docs, i, v) {
		if (!is_code(json_string_value(json_object_get(v, "kind")), 40) || !has_names(json_object_get(v, "label")))
			PROBLEM(kp_arena_printf(a, "documents[%zu]", i), "needs a kind (code) and a label in ky, ru and en");
	}
	if (!json_is_array(steps) || json_array_size(steps) == 0 || json_array_size(steps) > 20)
		PROBLEM("steps", "must be an array of 1 to 20 steps");
	/* the EV quota's effect draws on the form's vehicles, and only its steps reserve */
	const json_t *effect = json_object_get(def, "effect");
	bool ev = json_is_string(effect) && strcmp(json_string_value(effect), "ev_quota") == 0;
	if (effect && !json_is_null(effect) && !ev)
		PROBLEM("effect", "must be ev_quota or null");
	bool vehicles = false;
	json_array_foreach(fields, i, v)
		vehicles |= strcmp(json_string_value(json_object_get(v, "type")) ?: "", "vehicles") == 0;
	if (ev && !vehicles)
		PROBLEM("fields", "the ev_quota effect needs a field of type vehicles");
	json_array_foreach(steps, i, v) {
		if (!ev && json_is_string(json_object_get(v, "effect")))
			PROBLEM(kp_arena_printf(a, "steps[%zu].effect", i), "needs the procedure's effect ev_quota");
	}
	json_t *fnames = names_of(fields, "name"), *dkinds = names_of(docs, "kind"), *codes = json_array();
	json_array_foreach(steps, i, v) {
		problems += check_step_def(a, v, i, codes, fnames, dkinds, fn, ctx);
		const char *code = json_string_value(json_object_get(v, "code"));
		if (code)
			json_array_append_new(codes, json_string(code));
	}
	json_decref(fnames);
	json_decref(dkinds);
	json_decref(codes);
	return problems;
}

static const char *check_date(const char *s)
{
	int64_t day;
	return s && kp_date_parse_iso(s, &day) == 0 ? NULL : "must be a date YYYY-MM-DD";
}

static int check_vehicles(kp_arena_t *a, const json_t *f, const char *name, const json_t *v,
                          const char *(*vin_check)(const char *), kp_sw_problem_fn fn, void *ctx)
{
	int problems = 0;
	json_int_t max = json_integer_value(json_object_get(f, "max"));
	if (max <= 0)
		max = 50;
	if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > (size_t)max)
		return PROBLEM(name, "must list 1 to %lld vehicles", (long long)max);
	size_t i;
	json_t *item;
	json_array_foreach(v, i, item) {
		const char *where = kp_arena_printf(a, "%s[%zu]", name, i);
		const char *vin = json_string_value(json_object_get(item, "vin"));
		const char *kind = json_string_value(json_object_get(item, "kind"));
		const char *model = json_string_value(json_object_get(item, "make_model"));
		const char *why = vin_check ? vin_check(vin) : NULL;
		if (!json_is_object(item))
			PROBLEM(where, "must be an object with vin, kind and make_model");
		else if (why)
			PROBLEM(kp_arena_printf(a, "%s.vin", where), "%s", why);
		if (json_is_object(item) && (kind == NULL || !in_string_array(json_object_get(f, "options"), kind)))
			PROBLEM(kp_arena_printf(a, "%s.kind", where), "must be one of the kinds this procedure admits");
		if (json_is_object(item) && (model == NULL || *model == '\0' || strlen(model) > 80))
			PROBLEM(kp_arena_printf(a, "%s.make_model", where), "must be given, at most 80 characters");
		for (size_t k = 0; vin && k < i; k++)
			if (strcmp(vin, json_string_value(json_object_get(json_array_get(v, k), "vin")) ?: "") == 0)
				PROBLEM(kp_arena_printf(a, "%s.vin", where), "is listed twice in this application");
	}
	return problems;
}

/* What a field's pattern asks for, in English: its pattern_hint (text, or names in ky, ru
 * and en, which the pages show in their language). */
static const char *pattern_hint(const json_t *f)
{
	const json_t *hint = json_object_get(f, "pattern_hint");
	const char *en = json_string_value(json_is_object(hint) ? json_object_get(hint, "en") : hint);
	return en && *en ? en : "has the wrong form";
}

static int check_field(kp_arena_t *a, const json_t *f, const json_t *v, const char *(*vin_check)(const char *),
                       kp_sw_problem_fn fn, void *ctx)
{
	int problems = 0;
	const char *type = json_string_value(json_object_get(f, "type"));
	const char *name = kp_arena_printf(a, "data.%s", json_string_value(json_object_get(f, "name")));
	const char *s = json_string_value(v);
	if (strcmp(type, "vehicles") == 0)
		return check_vehicles(a, f, name, v, vin_check, fn, ctx);
	if (strcmp(type, "bool") == 0) {
		if (!json_is_boolean(v))
			return PROBLEM(name, "must be true or false");
		if (json_is_true(json_object_get(f, "must_be_true")) && !json_is_true(v))
			return PROBLEM(name, "must be true: the rule requires it");
		return 0;
	}
	if (s == NULL)
		return PROBLEM(name, "must be a string");
	json_int_t max = json_integer_value(json_object_get(f, "max"));
	if (!kp_utf8_valid(s, strlen(s), false) || kp_utf8_len(s) > (size_t)(max > 0 ? max : 200))
		return PROBLEM(name, "must be text of at most %lld characters", (long long)(max > 0 ? max : 200));
	const char *why = NULL;
	if (strcmp(type, "enum") == 0 && !in_string_array(json_object_get(f, "options"), s))
		why = "is not one of the allowed values";
	else if (strcmp(type, "date") == 0)
		why = check_date(s);
	else if (strcmp(type, "country") == 0)
		why = kp_check_country(s);
	const char *pattern = json_string_value(json_object_get(f, "pattern"));
	regex_t re;
	if (why == NULL && pattern && regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) == 0) {
		if (regexec(&re, s, 0, NULL, 0) != 0)
			why = pattern_hint(f);
		regfree(&re);
	}
	if (why)
		PROBLEM(name, "%s", why);
	return problems;
}

int kp_sw_form_check(kp_arena_t *a, const json_t *def, const json_t *data, const char *(*vin_check)(const char *),
                     kp_sw_problem_fn fn, void *ctx)
{
	int problems = 0;
	if (!json_is_object(data))
		return PROBLEM("data", "must be an object holding the form's fields");
	const json_t *fields = json_object_get(def, "fields");
	size_t i;
	json_t *f;
	json_array_foreach(fields, i, f) {
		const char *name = json_string_value(json_object_get(f, "name"));
		const json_t *v = json_object_get(data, name);
		if (v == NULL || json_is_null(v) || (json_is_string(v) && *json_string_value(v) == '\0')) {
			if (json_is_true(json_object_get(f, "required")))
				PROBLEM(kp_arena_printf(a, "data.%s", name), "is required");
			continue;
		}
		problems += check_field(a, f, v, vin_check, fn, ctx);
	}
	const char *key;
	json_t *v;
	union {
		const json_t *c;
		json_t *m;
	} obj = {data}; /* jansson's iteration takes a non-const object; it does not change it */
	json_object_foreach(obj.m, key, v) {
		bool known = false;
		json_array_foreach(fields, i, f)
			known |= strcmp(json_string_value(json_object_get(f, "name")), key) == 0;
		if (!known)
			PROBLEM(kp_arena_printf(a, "data.%.40s", key), "is not a field of this procedure");
	}
	return problems;
}

int kp_sw_values(const json_t *data, const char *path, const char **out, int n)
{
	const char *br = strstr(path, "[].");
	int got = 0;
	if (br == NULL) {
		const json_t *v = json_object_get(data, path);
		if (json_is_string(v) && got < n)
			out[got++] = json_string_value(v);
		size_t i;
		json_t *item;
		json_array_foreach(v, i, item)
			if (json_is_string(item) && got < n)
				out[got++] = json_string_value(item);
		return got;
	}
	char list[64];
	size_t len = (size_t)(br - path);
	if (len >= sizeof(list))
		return 0;
	memcpy(list, path, len);
	list[len] = '\0';
	size_t i;
	json_t *item;
	json_array_foreach(json_object_get(data, list), i, item) {
		const char *s = json_string_value(json_object_get(item, br + 3));
		if (s && got < n)
			out[got++] = s;
	}
	return got;
}

bool kp_sw_when(const json_t *when, const json_t *data)
{
	if (when == NULL || json_is_null(when))
		return true;
	const char *vals[64];
	int n = kp_sw_values(data, json_string_value(json_object_get(when, "field")) ?: "", vals, 64);
	for (int i = 0; i < n; i++)
		if (in_string_array(json_object_get(when, "any_of"), vals[i]))
			return true;
	return false;
}

json_t *kp_sw_form_view(const json_t *data, const json_t *fields)
{
	json_t *out = json_object();
	size_t i;
	json_t *f;
	json_array_foreach(fields, i, f) {
		const char *name = json_string_value(f);
		json_t *v = name ? json_object_get(data, name) : NULL;
		if (v)
			json_object_set(out, name, v);
	}
	return out;
}

bool kp_sw_step_unblocked(const kp_sw_step_state_t *steps, int n, int i)
{
	for (int k = 0; k < steps[i].nafter; k++) {
		bool done = false;
		for (int j = 0; j < n; j++)
			if (strcmp(steps[j].code, steps[i].after[k]) == 0)
				done = strcmp(steps[j].state, KP_SW_APPROVED) == 0 || strcmp(steps[j].state, KP_SW_SKIPPED) == 0;
		if (!done)
			return false;
	}
	return true;
}

const char *kp_sw_outcome(const kp_sw_step_state_t *steps, int n)
{
	bool all = true;
	for (int i = 0; i < n; i++) {
		if (strcmp(steps[i].state, KP_SW_REFUSED) == 0)
			return KP_SW_APP_REFUSED;
		all &= strcmp(steps[i].state, KP_SW_APPROVED) == 0 || strcmp(steps[i].state, KP_SW_SKIPPED) == 0;
	}
	return all ? KP_SW_APP_APPROVED : KP_SW_APP_IN_PROGRESS;
}

const char *kp_sw_transition(const char *state, enum kp_sw_action action)
{
	bool ready = strcmp(state, KP_SW_READY) == 0, busy = strcmp(state, KP_SW_IN_PROGRESS) == 0;
	switch (action) {
	case KP_SW_TAKE:
		return ready ? KP_SW_IN_PROGRESS : NULL;
	case KP_SW_APPROVE:
		return ready || busy ? KP_SW_APPROVED : NULL;
	case KP_SW_REFUSE:
		return ready || busy ? KP_SW_REFUSED : NULL;
	case KP_SW_ASK:
		return ready || busy ? KP_SW_MORE_INFO : NULL;
	case KP_SW_ANSWER:
		return strcmp(state, KP_SW_MORE_INFO) == 0 ? KP_SW_IN_PROGRESS : NULL;
	}
	return NULL;
}

int kp_sw_decision_parse(const char *s)
{
	if (s == NULL)
		return -1;
	if (strcmp(s, "approve") == 0)
		return KP_SW_APPROVE;
	if (strcmp(s, "refuse") == 0)
		return KP_SW_REFUSE;
	if (strcmp(s, "ask") == 0)
		return KP_SW_ASK;
	return -1;
}

static bool one_of(const char *s, const char *const *names, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return true;
	return false;
}

bool kp_sw_app_status_known(const char *s)
{
	static const char *const names[] = {KP_SW_APP_IN_PROGRESS, KP_SW_APP_APPROVED, KP_SW_APP_REFUSED, KP_SW_APP_EXPIRED,
	                                    KP_SW_APP_WITHDRAWN};
	return one_of(s, names, sizeof(names) / sizeof(names[0]));
}

bool kp_sw_step_state_known(const char *s)
{
	static const char *const names[] = {KP_SW_WAITING, KP_SW_READY,     KP_SW_IN_PROGRESS, KP_SW_APPROVED,
	                                    KP_SW_REFUSED, KP_SW_MORE_INFO, KP_SW_SKIPPED,     KP_SW_CLOSED};
	return one_of(s, names, sizeof(names) / sizeof(names[0]));
}

bool kp_sw_app_open(const char *s)
{
	return s && strcmp(s, KP_SW_APP_IN_PROGRESS) == 0;
}

bool kp_sw_state_open(const char *state)
{
	return strcmp(state, KP_SW_READY) == 0 || strcmp(state, KP_SW_IN_PROGRESS) == 0;
}

static int cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return (a > b) - (a < b);
}

void kp_sw_percentiles(int64_t *v, int n, int64_t *median, int64_t *p90)
{
	*median = *p90 = 0;
	if (n <= 0)
		return;
	qsort(v, (size_t)n, sizeof(*v), cmp_i64);
	*median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	int rank = (90 * n + 99) / 100; /* nearest rank: ceil(0.9 n) */
	*p90 = v[rank - 1];
}

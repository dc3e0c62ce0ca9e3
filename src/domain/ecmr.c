/* ecmr.c: the e-CMR's acts and their order, the note's document and a seal's claims. */
#include "domain/ecmr.h"
#include "domain/account.h"
#include "domain/permit.h"
#include "core/util.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each act: who seals it and at which status. */
static const struct act_rule {
	const char *act, *role, *status, *next_status;
} act_rules[] = {
    {"issue", "sender", KP_ECMR_S_DRAFT, KP_ECMR_S_ISSUED},
    {"take_over", "carrier", KP_ECMR_S_ISSUED, KP_ECMR_S_IN_TRANSIT},
    {"accept_reservations", "sender", KP_ECMR_S_IN_TRANSIT, NULL},
    {"transfer_disposal", NULL, NULL, NULL}, /* the holder, while issued or in transit */
    {"instructions", NULL, NULL, NULL},      /* the holder, while issued or in transit */
    {"deliver", "consignee", KP_ECMR_S_IN_TRANSIT, KP_ECMR_S_DELIVERED},
};

bool kp_ecmr_status_known(const char *s)
{
	return s && (!strcmp(s, KP_ECMR_S_DRAFT) || !strcmp(s, KP_ECMR_S_ISSUED) || !strcmp(s, KP_ECMR_S_IN_TRANSIT) ||
	             !strcmp(s, KP_ECMR_S_DELIVERED));
}

bool kp_ecmr_under_way(const char *status)
{
	return status && (!strcmp(status, KP_ECMR_S_ISSUED) || !strcmp(status, KP_ECMR_S_IN_TRANSIT));
}

static const struct act_rule *find_act(const char *act)
{
	for (size_t i = 0; act && i < KP_ARRAY_LEN(act_rules); i++)
		if (strcmp(act_rules[i].act, act) == 0)
			return &act_rules[i];
	return NULL;
}

bool kp_ecmr_act_valid(const char *act)
{
	return find_act(act) != NULL;
}

bool kp_ecmr_role_valid(const char *role)
{
	return role && (!strcmp(role, "sender") || !strcmp(role, "carrier") || !strcmp(role, "consignee"));
}

static bool sealed(const kp_ecmr_state_t *st, const char *act, const char *role)
{
	for (int i = 0; i < st->ndone; i++)
		if (!strcmp(st->done_acts[i], act) && (!role || !strcmp(st->done_roles[i], role)))
			return true;
	return false;
}

const char *kp_ecmr_act_check(const kp_ecmr_state_t *st, const char *act, const char *role)
{
	const struct act_rule *r = find_act(act);
	if (!r)
		return "UNKNOWN_ACT";
	if (!kp_ecmr_role_valid(role))
		return "ROLE_NOT_ALLOWED";
	bool by_holder = r->role == NULL;
	if (by_holder && !strcmp(role, "carrier"))
		return "ROLE_NOT_ALLOWED";
	if (!by_holder && strcmp(r->role, role) != 0)
		return "ROLE_NOT_ALLOWED";
	if (sealed(st, act, role))
		return "ALREADY_SEALED";
	if (by_holder) {
		if (!kp_ecmr_under_way(st->status))
			return "OUT_OF_ORDER";
		if (!strcmp(act, "transfer_disposal") && sealed(st, act, NULL))
			return "DISPOSAL_ALREADY_TRANSFERRED";
		if (strcmp(st->disposal_holder, role) != 0)
			return "NOT_DISPOSAL_HOLDER";
		return NULL;
	}
	if (strcmp(st->status, r->status) != 0)
		return "OUT_OF_ORDER";
	if (!strcmp(act, "accept_reservations") && !st->carrier_reservations)
		return "NO_RESERVATIONS";
	return NULL;
}

void kp_ecmr_act_apply(const char *act, const char *status, const char *holder, const char **new_status,
                       const char **new_holder)
{
	const struct act_rule *r = find_act(act);
	*new_status = r && r->next_status ? r->next_status : status;
	*new_holder = act && !strcmp(act, "transfer_disposal") ? "consignee" : holder;
}

/* --- the document --- */

struct doc_ctx {
	kp_ecmr_err_fn err;
	void *ctx;
	int problems;
};

static void problem(struct doc_ctx *d, const char *field, const char *what)
{
	d->problems++;
	d->err(d->ctx, field, what);
}

#define FIELD_MAX 160

/* The field's name as problems name it: "path.key", or key at the top level. */
static void field_name(char field[FIELD_MAX], const char *path, const char *key)
{
	snprintf(field, FIELD_MAX, "%s%s%s", path, *path ? "." : "", key);
}

/* obj[key], its name in field; NULL when absent or null (a problem when required). */
static const json_t *member(struct doc_ctx *d, const json_t *obj, const char *key, const char *path, bool required,
                            char field[FIELD_MAX])
{
	field_name(field, path, key);
	const json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v)) {
		if (required)
			problem(d, field, "is required");
		return NULL;
	}
	return v;
}

/* A trimmed string member of obj into out[key] (NULL when absent and optional). */
static const char *take_str(struct doc_ctx *d, const json_t *obj, const char *key, const char *path, size_t max,
                            bool required, json_t *out)
{
	char field[FIELD_MAX];
	const json_t *v = member(d, obj, key, path, required, field);
	if (!v)
		return NULL;
	if (!json_is_string(v)) {
		problem(d, field, "must be a string");
		return NULL;
	}
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	while (len && isspace((unsigned char)*s))
		s++, len--;
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (!kp_utf8_valid(s, len, true) || memchr(s, 0, len)) {
		problem(d, field, "must be text without control characters");
		return NULL;
	}
	if (len == 0) {
		if (required)
			problem(d, field, "is required");
		return NULL;
	}
	char *copy = strndup(s, len);
	if (!copy)
		kp_fatal("out of memory");
	if (kp_utf8_len(copy) > max) {
		char why[64];
		snprintf(why, sizeof(why), "must be at most %zu characters", max);
		problem(d, field, why);
		free(copy);
		return NULL;
	}
	json_object_set_new(out, key, json_string(copy));
	free(copy);
	return json_string_value(json_object_get(out, key));
}

static void take_country(struct doc_ctx *d, const json_t *obj, const char *key, const char *path, bool required,
                         json_t *out)
{
	const char *c = take_str(d, obj, key, path, 2, required, out);
	const char *why = c ? kp_check_country(c) : NULL;
	if (why) {
		char field[FIELD_MAX];
		field_name(field, path, key);
		problem(d, field, why);
	}
}

/* A number member in (min, max]; stored as given. */
static void take_number(struct doc_ctx *d, const json_t *obj, const char *key, const char *path, double min, double max,
                        bool integer, bool required, json_t *out)
{
	char field[FIELD_MAX];
	const json_t *v = member(d, obj, key, path, required, field);
	if (!v)
		return;
	if (!json_is_number(v) || (integer && !json_is_integer(v))) {
		problem(d, field, integer ? "must be a whole number" : "must be a number");
		return;
	}
	double x = json_number_value(v);
	if (!isfinite(x) || x <= min || x > max) {
		char why[96];
		snprintf(why, sizeof(why), "must be more than %g and at most %g", min, max);
		problem(d, field, why);
		return;
	}
	json_object_set_new(out, key, integer ? json_integer(json_integer_value(v)) : json_real(round(x * 1000) / 1000));
}

static bool date_valid(const char *s)
{
	int y, m, dd;
	char tail;
	return s && strlen(s) == 10 && sscanf(s, "%4d-%2d-%2d%c", &y, &m, &dd, &tail) == 3 && y >= 2000 && y <= 2100 &&
	       m >= 1 && m <= 12 && dd >= 1 && dd <= 31;
}

static void take_date(struct doc_ctx *d, const json_t *obj, const char *key, const char *path, bool required,
                      json_t *out)
{
	const char *s = take_str(d, obj, key, path, 10, required, out);
	if (s && !date_valid(s)) {
		char field[FIELD_MAX];
		field_name(field, path, key);
		problem(d, field, "must be a date YYYY-MM-DD");
	}
}

/* A member that must be an object (or absent when optional); NULL when absent or wrong. */
static const json_t *sub_object(struct doc_ctx *d, const json_t *obj, const char *key, const char *path, bool required)
{
	char field[FIELD_MAX];
	const json_t *v = member(d, obj, key, path, required, field);
	if (!v)
		return NULL;
	if (!json_is_object(v)) {
		problem(d, field, "must be an object");
		return NULL;
	}
	return v;
}

static json_t *location(struct doc_ctx *d, const json_t *in, const char *path)
{
	json_t *out = json_object();
	take_str(d, in, "street", path, 200, false, out);
	take_str(d, in, "city", path, 100, true, out);
	take_str(d, in, "postcode", path, 20, false, out);
	take_country(d, in, "country", path, true, out);
	return out;
}

/* A party (sender, consignee, successive carrier): name, address, contact. */
static json_t *party(struct doc_ctx *d, const json_t *in, const char *path, bool contact_required)
{
	json_t *out = json_object();
	take_str(d, in, "name", path, 200, true, out);
	char sub[160];
	snprintf(sub, sizeof(sub), "%s.address", path);
	const json_t *addr = sub_object(d, in, "address", path, true);
	if (addr)
		json_object_set_new(out, "address", location(d, addr, sub));
	const char *email = take_str(d, in, "email", path, 254, false, out);
	const char *phone = take_str(d, in, "phone", path, 20, false, out);
	char field[160];
	if (email && kp_check_email(email)) {
		snprintf(field, sizeof(field), "%s.email", path);
		problem(d, field, kp_check_email(email));
	}
	if (phone && kp_check_phone(phone)) {
		snprintf(field, sizeof(field), "%s.phone", path);
		problem(d, field, kp_check_phone(phone));
	}
	if (contact_required && !email && !phone) {
		snprintf(field, sizeof(field), "%s.email", path);
		problem(d, field, "an email or a phone is required: the party seals through a link sent there");
	}
	take_str(d, in, "tax_id", path, 40, false, out);
	return out;
}

/* One goods line (CMR boxes 6-12). */
static json_t *goods_item(struct doc_ctx *d, const json_t *in, const char *path)
{
	json_t *out = json_object();
	take_str(d, in, "marks", path, 200, false, out);
	take_number(d, in, "packages", path, 0, 1e6, true, true, out);
	take_str(d, in, "packaging", path, 60, true, out);
	take_str(d, in, "nature", path, 300, true, out);
	const char *hs = take_str(d, in, "hs_code", path, 10, false, out);
	if (hs) {
		bool ok = strlen(hs) >= 4;
		for (const char *p = hs; *p; p++)
			ok = ok && isdigit((unsigned char)*p);
		if (!ok) {
			char field[160];
			snprintf(field, sizeof(field), "%s.hs_code", path);
			problem(d, field, "must be 4 to 10 digits");
		}
	}
	take_number(d, in, "gross_weight_kg", path, 0, 100000, false, true, out);
	take_number(d, in, "volume_m3", path, 0, 1000, false, false, out);
	char sub[160];
	snprintf(sub, sizeof(sub), "%s.dangerous_goods", path);
	const json_t *dg = sub_object(d, in, "dangerous_goods", path, false);
	if (dg) {
		json_t *o = json_object();
		const char *un = take_str(d, dg, "un_number", sub, 6, true, o);
		if (un && !(strlen(un) == 6 && !strncmp(un, "UN", 2) && isdigit((unsigned char)un[2]) &&
		            isdigit((unsigned char)un[3]) && isdigit((unsigned char)un[4]) && isdigit((unsigned char)un[5]))) {
			char field[192];
			snprintf(field, sizeof(field), "%s.un_number", sub);
			problem(d, field, "must be UN and four digits, like UN1203");
		}
		take_str(d, dg, "class", sub, 4, true, o);
		take_str(d, dg, "packing_group", sub, 3, false, o);
		json_object_set_new(out, "dangerous_goods", o);
	}
	return out;
}

/* An array member of 0..max objects, each checked by fn; NULL when absent. */
static json_t *object_list(struct doc_ctx *d, const json_t *in, const char *key, size_t min, size_t max,
                           json_t *(*fn)(struct doc_ctx *, const json_t *, const char *))
{
	json_t *v = json_object_get(in, key);
	if ((!v || json_is_null(v)) && min == 0)
		return NULL;
	if (!json_is_array(v) || json_array_size(v) < min || json_array_size(v) > max) {
		char why[80];
		snprintf(why, sizeof(why), "must be a list of %zu to %zu entries", min, max);
		problem(d, key, why);
		return NULL;
	}
	json_t *out = json_array();
	size_t i;
	json_t *e;
	json_array_foreach(v, i, e) {
		char path[64];
		snprintf(path, sizeof(path), "%s[%zu]", key, i);
		if (!json_is_object(e)) {
			problem(d, path, "must be an object");
			continue;
		}
		json_array_append_new(out, fn(d, e, path));
	}
	return out;
}

static json_t *successive(struct doc_ctx *d, const json_t *in, const char *path)
{
	return party(d, in, path, false);
}

static json_t *attached(struct doc_ctx *d, const json_t *in, const char *path)
{
	json_t *out = json_object();
	take_str(d, in, "type", path, 60, true, out);
	take_str(d, in, "id", path, 60, false, out);
	return out;
}

static void transport(struct doc_ctx *d, const json_t *in, json_t *doc)
{
	const json_t *t = sub_object(d, in, "transport", "", true);
	if (!t)
		return;
	json_t *out = json_object();
	const char *plates[] = {"plate", "trailer_plate"};
	for (int i = 0; i < 2; i++) {
		const char *p = take_str(d, t, plates[i], "transport", 20, i == 0, out);
		char norm[16], field[40];
		const char *why = p ? kp_plate_normalise(p, norm, sizeof(norm)) : NULL;
		snprintf(field, sizeof(field), "transport.%s", plates[i]);
		if (why)
			problem(d, field, why);
		else if (p)
			json_object_set_new(out, plates[i], json_string(norm));
	}
	take_country(d, t, "plate_country", "transport", true, out);
	json_object_set_new(doc, "transport", out);
}

json_t *kp_ecmr_document(const json_t *in, const char *carrier_name, const char *carrier_country, kp_ecmr_err_fn err,
                         void *ctx)
{
	struct doc_ctx d = {err, ctx, 0};
	json_t *doc = json_object();
	const json_t *o;
	if ((o = sub_object(&d, in, "consignor", "", true)))
		json_object_set_new(doc, "consignor", party(&d, o, "consignor", true));
	if ((o = sub_object(&d, in, "consignee", "", true)))
		json_object_set_new(doc, "consignee", party(&d, o, "consignee", true));
	json_object_set_new(doc, "carrier",
	                    json_pack("{s:s, s:{s:s}}", "name", carrier_name, "address", "country",
	                              carrier_country ? carrier_country : "KG"));
	json_t *l = object_list(&d, in, "successive_carriers", 0, 5, successive);
	if (l)
		json_object_set_new(doc, "successive_carriers", l);
	if ((o = sub_object(&d, in, "taking_over", "", true))) {
		json_t *t = json_object();
		const json_t *loc = sub_object(&d, o, "location", "taking_over", true);
		if (loc)
			json_object_set_new(t, "location", location(&d, loc, "taking_over.location"));
		take_date(&d, o, "date", "taking_over", true, t);
		json_object_set_new(doc, "taking_over", t);
	}
	if ((o = sub_object(&d, in, "delivery", "", true))) {
		json_t *t = json_object();
		const json_t *loc = sub_object(&d, o, "location", "delivery", true);
		if (loc)
			json_object_set_new(t, "location", location(&d, loc, "delivery.location"));
		json_object_set_new(doc, "delivery", t);
	}
	transport(&d, in, doc);
	if ((l = object_list(&d, in, "goods", 1, 50, goods_item)))
		json_object_set_new(doc, "goods", l);
	if ((l = object_list(&d, in, "documents_attached", 0, 20, attached)))
		json_object_set_new(doc, "documents_attached", l);
	take_str(&d, in, "sender_instructions", "", 2000, false, doc);
	take_str(&d, in, "special_agreements", "", 2000, false, doc);
	const char *terms = take_str(&d, in, "payment_terms", "", 10, false, doc);
	if (terms && strcmp(terms, "prepaid") && strcmp(terms, "forward"))
		problem(&d, "payment_terms", "must be prepaid or forward");
	take_str(&d, in, "charges", "", 500, false, doc);
	if ((o = sub_object(&d, in, "cash_on_delivery", "", false))) {
		json_t *c = json_object();
		take_number(&d, o, "amount", "cash_on_delivery", 0, 1e9, false, true, c);
		const char *cur = take_str(&d, o, "currency", "cash_on_delivery", 3, true, c);
		if (cur && (strlen(cur) != 3 || !isupper((unsigned char)cur[0]) || !isupper((unsigned char)cur[1]) ||
		            !isupper((unsigned char)cur[2])))
			problem(&d, "cash_on_delivery.currency", "must be a three-letter currency code like USD");
		json_object_set_new(doc, "cash_on_delivery", c);
	}
	if ((o = sub_object(&d, in, "established", "", false))) {
		json_t *e = json_object();
		take_str(&d, o, "place", "established", 100, true, e);
		take_date(&d, o, "date", "established", true, e);
		json_object_set_new(doc, "established", e);
	}
	if (d.problems) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

char *kp_ecmr_canonical(const json_t *doc)
{
	char *s = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(12));
	if (!s)
		kp_fatal("out of memory");
	return s;
}

json_t *kp_ecmr_seal_payload(const kp_ecmr_seal_claims_t *c)
{
	json_t *p = json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:o, s:I}", "ecmr", c->ref, "seq", c->seq, "act", c->act,
	                      "role", c->role, "party", c->party, "doc", c->doc_digest, "prev",
	                      c->prev ? json_string(c->prev) : json_null(), "at", (json_int_t)c->at);
	if (c->text)
		json_object_set_new(p, !strcmp(c->act, "instructions") ? "instructions" : "reservations", json_string(c->text));
	if (c->custody)
		json_object_set_new(p, "custody", json_string(c->custody));
	return p;
}

/* tlog_acts.c: the leaves of permits, applications, quotas, keys and rule data. */
#include "store/tlog_acts.h"
#include "store/travellers.h"

#include <string.h>

/* Append (as of late, when given) and drop the JSON this file built. */
static int append_late(kp_conn_t *c, kp_tlog_leaf_t *leaf, const kp_tlog_late_t *late)
{
	int rc = late ? kp_tlog_append_late(c, leaf, late->at, late->backfilled_at, NULL) : kp_tlog_append(c, leaf, NULL);
	json_decref(leaf->facts);
	json_decref(leaf->personal);
	return rc;
}

static int append(kp_conn_t *c, kp_tlog_leaf_t *leaf)
{
	return append_late(c, leaf, NULL);
}

/* What a permit's holder can prove is theirs: the plate and the company. */
json_t *kp_tlog_permit_personal(const kp_permit_t *p)
{
	return json_pack("{s:s, s:s, s:s, s:s}", "permit", p->id, "plate", p->plate ? p->plate : "", "company_name",
	                 p->company_name ? p->company_name : "", "company_id", p->company_id ? p->company_id : "");
}

int kp_tlog_permit(kp_conn_t *c, const char *kind, const kp_permit_t *p, const char *reason)
{
	return kp_tlog_permit_late(c, kind, p, reason, NULL);
}

int kp_tlog_permit_late(kp_conn_t *c, const char *kind, const kp_permit_t *p, const char *reason,
                        const kp_tlog_late_t *late)
{
	json_t *personal = kp_tlog_permit_personal(p);
	if (reason)
		json_object_set_new(personal, "reason", json_string(reason));
	kp_tlog_leaf_t leaf = {
	    .kind = kind,
	    .object = p->id,
	    .partner = p->verifier,
	    .facts = json_pack("{s:s, s:i, s:i, s:I, s:I}", "issuer", p->issuer, "year", p->year, "type", p->type, "serial",
	                       (json_int_t)p->serial, "expires_at", (json_int_t)p->expires_at),
	    .personal = personal,
	};
	return append_late(c, &leaf, late);
}

int kp_tlog_permit_use(kp_conn_t *c, const kp_permit_t *p, const kp_activity_row_t *act, bool used_up)
{
	kp_tlog_leaf_t leaf = {
	    .kind = "permit.use",
	    .object = p->id,
	    .partner = strcmp(act->country, p->issuer) == 0 ? p->verifier : act->country,
	    .facts = json_pack("{s:s, s:s, s:s, s:i, s:i, s:I, s:s?, s:b}", "issuer", p->issuer, "activity", act->type,
	                       "country", act->country, "year", p->year, "type", p->type, "crossed_at", (json_int_t)act->at,
	                       "checkpoint", act->checkpoint, "used_up", used_up),
	    .personal = kp_tlog_permit_personal(p),
	};
	return append(c, &leaf);
}

int kp_tlog_application(kp_conn_t *c, const char *kind, const kp_application_t *ap, const kp_check_failure_t *reasons,
                        int nreasons, const char *reason)
{
	json_t *codes = json_array();
	for (int i = 0; i < nreasons; i++)
		json_array_append_new(codes, json_string(reasons[i].code));
	char object[32];
	snprintf(object, sizeof(object), "application/%lld", (long long)ap->id);
	json_t *personal = json_pack("{s:I, s:I}", "org_id", (json_int_t)ap->org_id, "vehicle_id",
	                             (json_int_t)ap->vehicle_id);
	if (reason)
		json_object_set_new(personal, "reason", json_string(reason));
	kp_tlog_leaf_t leaf = {
	    .kind = kind,
	    .object = ap->id ? object : NULL,
	    .partner = ap->verifier,
	    .facts = json_pack("{s:i, s:i, s:o, s:I}", "year", ap->year, "type", ap->type, "reasons", codes, "applied_at",
	                       (json_int_t)ap->created_at),
	    .personal = personal,
	};
	return append(c, &leaf);
}

int kp_tlog_quota(kp_conn_t *c, const char *kind, const kp_quota_t *q)
{
	return kp_tlog_quota_late(c, kind, q, NULL);
}

int kp_tlog_quota_late(kp_conn_t *c, const char *kind, const kp_quota_t *q, const kp_tlog_late_t *late)
{
	char object[32];
	snprintf(object, sizeof(object), "quota/%lld", (long long)q->id);
	kp_tlog_leaf_t leaf = {
	    .kind = kind,
	    .object = object,
	    .facts = json_pack("{s:s, s:s, s:i, s:i, s:I, s:I}", "issuer", q->issuer, "verifier", q->verifier, "year",
	                       q->year, "type", q->type, "start_number", (json_int_t)q->start_number, "end_number",
	                       (json_int_t)q->end_number),
	};
	return append_late(c, &leaf, late);
}

int kp_tlog_key_change(kp_conn_t *c, const char *kind, const char *authority, const char *kid, const char *jwk)
{
	return kp_tlog_key_change_late(c, kind, authority, kid, jwk, NULL);
}

int kp_tlog_key_change_late(kp_conn_t *c, const char *kind, const char *authority, const char *kid, const char *jwk,
                            const kp_tlog_late_t *late)
{
	json_t *pub = jwk ? json_loads(jwk, 0, NULL) : NULL;
	kp_tlog_leaf_t leaf = {
	    .kind = kind,
	    .object = kid,
	    .partner = authority,
	    .facts = json_pack("{s:o?}", "jwk", pub),
	};
	return append_late(c, &leaf, late);
}

int kp_tlog_rules(kp_conn_t *c, const char *table, const char *object, json_t *after)
{
	char kind[64];
	snprintf(kind, sizeof(kind), "rules.%s", table);
	kp_tlog_leaf_t leaf = {.kind = kind, .object = object, .facts = json_pack("{s:O?}", "after", after)};
	return append(c, &leaf);
}

int kp_tlog_zone_permit(kp_conn_t *c, const char *kind, const kp_zone_app_t *x, const kp_zone_permit_t *p,
                        const char *reason)
{
	char object[48];
	snprintf(object, sizeof(object), "zone-permit/%lld", (long long)p->id);
	json_t *personal = json_pack("{s:s?, s:s?, s:s?, s:s?}", "surname", p->surname, "given_names", p->given_names,
	                             "passport_number", p->passport_number, "reason", reason);
	kp_tlog_leaf_t leaf = {
	    .kind = kind,
	    .object = object,
	    .facts = json_pack("{s:o?, s:I, s:I, s:s?}", "zones", x && x->zones ? json_loads(x->zones, 0, NULL) : NULL,
	                       "valid_from", (json_int_t)(x ? x->valid_from : 0), "valid_until",
	                       (json_int_t)(x ? x->valid_until : 0), "nationality", p->nationality),
	    .personal = personal,
	};
	return append(c, &leaf);
}

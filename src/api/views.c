/* views.c: the JSON shapes of organisations and users, shared by every resource. */
#include "api/api.h"
#include "core/util.h"

json_t *kp_api_org_json(const kp_org_t *o)
{
	char created[32];
	kp_iso8601(o->created_at, created, sizeof(created));
	return json_pack("{s:I, s:s, s:s, s:s?, s:s?, s:{s:s?, s:s?, s:s?}, s:s?, s:s, s:s, s:s}", "id", (json_int_t)o->id,
	                 "kind", o->kind, "name", o->name, "inn", o->inn, "address", o->address, "contact", "name",
	                 o->contact_name, "phone", o->contact_phone, "email", o->contact_email, "licence_number",
	                 o->licence_number, "country", o->country, "status", o->status, "created_at", created);
}

json_t *kp_api_user_json(const kp_user_t *u)
{
	char created[32];
	kp_iso8601(u->created_at, created, sizeof(created));
	json_t *j = json_pack("{s:I, s:s, s:s, s:s?, s:s?, s:s?, s:s, s:s, s:s}", "id", (json_int_t)u->id, "username",
	                      u->username, "role", u->role, "full_name", u->full_name, "email", u->email, "phone", u->phone,
	                      "language", u->language, "status", u->status, "created_at", created);
	json_object_set_new(j, "organisation_id", u->org_id ? json_integer(u->org_id) : json_null());
	return j;
}

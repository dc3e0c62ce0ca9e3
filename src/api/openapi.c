/* openapi.c: the OpenAPI document, kept in docs/openapi/ as one file per area of the API
 * (00-base.json first: info, security, shared components) and served merged. */
#include "api/api.h"
#include "core/embed.h"
#include "core/log.h"

#include <pthread.h>
#include <string.h>

/* Add src's members to dst; a name both define is an error (two areas claiming it). */
static int merge_object(json_t *dst, json_t *src, const char *where, const char *file)
{
	const char *k;
	json_t *v;
	json_object_foreach(src, k, v) {
		if (json_object_get(dst, k) != NULL) {
			kp_error("openapi: %s \"%s\" in %s is already defined by another file", where, k, file);
			return -1;
		}
		json_object_set(dst, k, v);
	}
	return 0;
}

/* Merge one area file into doc: its tags, paths and components. */
static int merge_area(json_t *doc, json_t *area, const char *file)
{
	json_array_extend(json_object_get(doc, "tags"), json_object_get(area, "tags"));
	if (merge_object(json_object_get(doc, "paths"), json_object_get(area, "paths"), "path", file) != 0)
		return -1;
	json_t *comps = json_object_get(doc, "components");
	const char *kind;
	json_t *members;
	json_object_foreach(json_object_get(area, "components"), kind, members) {
		json_t *into = json_object_get(comps, kind);
		if (into == NULL)
			json_object_set_new(comps, kind, into = json_object());
		if (merge_object(into, members, kind, file) != 0)
			return -1;
	}
	return 0;
}

json_t *kp_api_openapi_merge(const struct kp_embed *files)
{
	json_t *doc = NULL;
	for (const struct kp_embed *f = files; f->name; f++) {
		json_error_t e;
		json_t *part = json_loadb(f->data, f->len, JSON_REJECT_DUPLICATES, &e);
		if (part == NULL) {
			kp_error("openapi: %s: %s at line %d", f->name, e.text, e.line);
			json_decref(doc);
			return NULL;
		}
		if (doc == NULL) {
			doc = part;
			if (!json_is_array(json_object_get(doc, "tags")))
				json_object_set_new(doc, "tags", json_array());
			if (!json_is_object(json_object_get(doc, "paths")))
				json_object_set_new(doc, "paths", json_object());
			if (!json_is_object(json_object_get(doc, "components")))
				json_object_set_new(doc, "components", json_object());
			continue;
		}
		int rc = merge_area(doc, part, f->name);
		json_decref(part);
		if (rc != 0) {
			json_decref(doc);
			return NULL;
		}
	}
	return doc;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char *served;

static void build_served(void)
{
	json_t *doc = kp_api_openapi_merge(kp_openapi);
	if (doc != NULL)
		served = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
}

void kp_api_openapi(kp_req_t *req)
{
	pthread_once(&once, build_served);
	if (served == NULL) {
		kp_reply_error(req, 500, "internal", "the OpenAPI document could not be assembled");
		return;
	}
	kp_reply_bytes(req, 200, "application/json; charset=utf-8", served, strlen(served));
	kp_reply_header(req, "Cache-Control", "public, max-age=300");
}

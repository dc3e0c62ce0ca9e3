/* xroad.c: kapka's services behind a Tunduk (X-Road) security server. The security server
 * forwards a client's REST call with X-Road-Client (INSTANCE/CLASS/MEMBER/SUBSYSTEM),
 * X-Road-Id, X-Road-UserId and X-Road-Issue; kapka trusts them only from the configured
 * security servers, authorises the client subsystem per service against the grants its
 * agency holds, logs every call with its X-Road ids, and never sets an X-Road-* response
 * header (the security server adds its own). docs/agencies.md. */
#include "api/agencies.h"
#include "api/ecmr.h"
#include "core/log.h"
#include "core/util.h"
#include "domain/account.h"
#include "domain/agency.h"
#include "domain/permit.h"
#include "store/agencies.h"

#include "core/embed.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Whether the peer is one of xroad_security_servers (addresses or networks, matched as
 * trusted_proxies and metrics_allow are; the setting is parsed once when kapka starts). */
static bool from_security_server(const kp_req_t *req, const kp_app_t *app)
{
	return app->xroad_servers && kp_http_proxy_trusted(app->xroad_servers, req->addr);
}

/* Bytes an X-Road header value may hold, and which: printable ASCII. */
static const char *xheader(kp_req_t *req, const char *name, size_t max)
{
	const char *v = kp_req_header(req, name);
	if (!v)
		return NULL;
	if (strlen(v) > max)
		return "";
	for (const char *p = v; *p; p++)
		if (*p < ' ' || *p > '~')
			return "";
	return v;
}

/* Authorise the call for service; answers (and logs) a refusal. *sub gets the subsystem. */
static int authorise(kp_req_t *req, const char *service, kp_agency_subsystem_t *sub)
{
	const char *client = xheader(req, "X-Road-Client", 300), *id = xheader(req, "X-Road-Id", 200);
	const char *user = xheader(req, "X-Road-UserId", 200), *issue = xheader(req, "X-Road-Issue", 300);
	kp_conn_t *c = kp_api_db(req);
	int status = 0;
	const char *code = NULL, *msg = NULL;
	memset(sub, 0, sizeof(*sub));
	if (!from_security_server(req, kp_api_app(req))) {
		status = 403, code = "not_security_server", msg = "X-Road services answer only the configured security servers";
	} else if (!client || !*client) {
		status = 400, code = "xroad_client_missing", msg = "X-Road-Client is missing or not an X-Road client id";
	} else if ((id && !*id) || (user && !*user) || (issue && !*issue)) {
		status = 400, code = "bad_xroad_header", msg = "an X-Road header is too long or not printable";
	} else if (kp_store_agency_subsystem_by_client(c, &req->arena, client, sub) != KP_DB_OK) {
		status = 403, code = "not_granted", msg = "this client subsystem is not known to kapka";
	} else {
		bool granted = false;
		kp_store_agency_may(c, sub->agency_id, sub->id, service, &granted);
		if (!granted)
			status = 403, code = "not_granted", msg = "this client subsystem has no grant for the service";
	}
	if (!code || strcmp(code, "not_security_server") != 0) /* strangers fill no table: the access log has them */
		kp_store_xroad_log(c, client && *client ? client : "-", id, user, issue, service, sub->id,
		                   status ? status : 200, req->request_id);
	kp_info("x-road %s: client %s id %s user %s issue %s: %d", service, client ? client : "-", id ? id : "-",
	        user ? user : "-", issue ? issue : "-", status ? status : 200);
	if (status) {
		kp_reply_error(req, status, code, "%s", msg);
		return -1;
	}
	return 0;
}

/* GET /xroad/v1/ecmr?plate=&country=: the eFTI identifier query (service ecmr). */
void kp_api_xroad_ecmr_query(kp_req_t *req)
{
	kp_agency_subsystem_t sub;
	if (authorise(req, "ecmr", &sub) != 0)
		return;
	const char *plate = kp_req_query(req, "plate"), *country = kp_req_query(req, "country");
	char norm[16];
	if (!plate || kp_plate_normalise(plate, norm, sizeof(norm)) || (country && kp_check_country(country))) {
		kp_reply_error(req, 400, "bad_query", "plate (a registration number) is required; country is a code like KG");
		return;
	}
	kp_ecmr_t *e;
	int n;
	int rc = kp_store_ecmr_list(kp_api_db(req), &req->arena, 0, norm, country, NULL, 50, &e, &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "consignment notes");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:s, s:s, s:s?, s:s?, s:s?}", "ref", e[i].ref, "status", e[i].status,
		                                       "plate", e[i].plate, "plate_country", e[i].plate_country,
		                                       "destination_country", e[i].destination_country));
	kp_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

/* GET /xroad/v1/ecmr/{ref}: one note (service ecmr). */
void kp_api_xroad_ecmr_get(kp_req_t *req)
{
	kp_agency_subsystem_t sub;
	if (authorise(req, "ecmr", &sub) != 0)
		return;
	const char *ref = kp_req_param(req, "ref");
	kp_ecmr_t e;
	int rc = strlen(ref) <= 40 ? kp_store_ecmr_by_ref(kp_api_db(req), &req->arena, ref, &e) : KP_DB_NOTFOUND;
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "consignment note");
		return;
	}
	kp_reply_json(req, 200, kp_ecmr_json(req, &e));
}

/* GET /xroad/v1/events/{service}?after=: the feed of one service. */
void kp_api_xroad_events(kp_req_t *req)
{
	const char *service = kp_req_param(req, "service");
	if (!kp_agency_service_valid(service)) {
		kp_reply_error(req, 404, "not_found", "no such service");
		return;
	}
	kp_agency_subsystem_t sub;
	long long after, limit;
	if (authorise(req, service, &sub) != 0 || kp_req_query_int(req, "after", 0, INT64_MAX, 0, &after) != 0 ||
	    kp_req_query_int(req, "limit", 1, 1000, 100, &limit) != 0)
		return;
	kp_agency_event_t *e;
	int n;
	int rc = kp_store_agency_feed(kp_api_db(req), &req->arena, sub.agency_id, sub.id, service, after, (int)limit, &e,
	                              &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "events");
		return;
	}
	kp_reply_json(req, 200, kp_agency_events_json(e, n, after));
}

static pthread_once_t xroad_once = PTHREAD_ONCE_INIT;
static char *xroad_doc;

/* The OpenAPI document of the X-Road services only: what the security server's owner
 * uploads as the REST service description. */
static void build_xroad_doc(void)
{
	json_t *doc = kp_api_openapi_merge(kp_openapi);
	if (!doc)
		return;
	json_t *paths = json_object(), *all = json_object_get(doc, "paths");
	const char *path;
	json_t *v;
	json_object_foreach(all, path, v) if (strncmp(path, "/xroad/", 7) == 0) json_object_set(paths, path, v);
	json_object_set_new(doc, "paths", paths);
	json_object_set_new(json_object_get(doc, "info"), "title", json_string("kapka X-Road services"));
	xroad_doc = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
}

void kp_api_xroad_openapi(kp_req_t *req)
{
	pthread_once(&xroad_once, build_xroad_doc);
	if (!xroad_doc) {
		kp_reply_error(req, 500, "internal", "the OpenAPI document could not be assembled");
		return;
	}
	kp_reply_bytes(req, 200, "application/json; charset=utf-8", xroad_doc, strlen(xroad_doc));
}

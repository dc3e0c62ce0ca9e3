/* routes.c: the one route table of kapka. Every entry must also be described in
 * docs/openapi.json (tests/unit/api/test_routes.c checks). */
#include "api/api.h"
#include "core/util.h"
#include "domain/account.h"

#define ANY KP_ROLES_ALL
#define STAFF (KP_ROLE_MINISTRY | KP_ROLE_AUDITOR | KP_ROLE_ADMIN)
#define PUBLIC KP_ROUTE_PUBLIC
#define BODY KP_ROUTE_JSON_BODY

const kp_route_t kp_api_routes[] = {
	{"GET", "/healthz", kp_api_healthz, 0, PUBLIC, "process is alive"},
	{"GET", "/readyz", kp_api_readyz, 0, PUBLIC, "database reachable"},
	{"GET", "/api/v1/openapi.json", kp_api_openapi, 0, PUBLIC, "this API's OpenAPI document"},

	{"POST", "/api/v1/session", kp_api_session_create, 0, PUBLIC | BODY, "sign in"},
	{"GET", "/api/v1/session", kp_api_session_get, ANY, 0, "who is signed in"},
	{"DELETE", "/api/v1/session", kp_api_session_delete, ANY, 0, "sign out"},

	{"POST", "/api/v1/carriers", kp_api_carrier_register, 0, PUBLIC | BODY, "register a carrier company"},
	{"POST", "/api/v1/travellers", kp_api_traveller_register, 0, PUBLIC | BODY, "register a traveller"},

	{"GET", "/api/v1/organisations", kp_api_org_list, STAFF | KP_ROLE_OFFICER, 0, "list organisations"},
	{"POST", "/api/v1/organisations", kp_api_org_create, KP_ROLE_ADMIN, BODY, "create an organisation"},
	{"GET", "/api/v1/organisations/mine", kp_api_org_mine, ANY & ~KP_ROLE_TRAVELLER, 0, "my organisation"},
	{"GET", "/api/v1/organisations/{id}", kp_api_org_get, ANY & ~KP_ROLE_TRAVELLER, 0, "one organisation"},

	{"GET", "/api/v1/users", kp_api_user_list, KP_ROLE_ADMIN | KP_ROLE_AUDITOR, 0, "list users"},
	{"POST", "/api/v1/users", kp_api_user_create, KP_ROLE_ADMIN, BODY, "create a user"},
	{"GET", "/api/v1/users/{id}", kp_api_user_get, ANY, 0, "one user"},
	{"PUT", "/api/v1/users/{id}/status", kp_api_user_set_status, KP_ROLE_ADMIN, BODY, "suspend or reactivate"},

	{"GET", "/api/v1/audit", kp_api_audit_list, KP_ROLE_AUDITOR | KP_ROLE_ADMIN | KP_ROLE_MINISTRY, 0,
	 "the audit log, newest first"},
};

const size_t kp_api_nroutes = KP_ARRAY_LEN(kp_api_routes);

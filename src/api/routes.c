/* routes.c: the one route table of kapka. Every entry must also be described in
 * the OpenAPI document, the files in docs/openapi/ (tests/unit/api/test_routes.c checks). */
#include "api/api.h"
#include "core/util.h"
#include "domain/account.h"

#define ANY KP_ROLES_ALL
#define STAFF (KP_ROLE_MINISTRY | KP_ROLE_AUDITOR | KP_ROLE_ADMIN)
#define GOV (KP_ROLE_MINISTRY | KP_ROLE_ADMIN)
#define PERMIT_READERS (KP_ROLE_CARRIER | KP_ROLE_OFFICER | STAFF)
#define DRIVERS (KP_ROLE_CARRIER | KP_ROLE_TRAVELLER)
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
	{"PUT", "/api/v1/organisations/{id}/status", kp_api_org_set_status, KP_ROLE_MINISTRY | KP_ROLE_ADMIN, BODY,
	 "suspend or reactivate an organisation (a suspended carrier gets no permits)"},

	{"GET", "/api/v1/users", kp_api_user_list, KP_ROLE_ADMIN | KP_ROLE_AUDITOR, 0, "list users"},
	{"POST", "/api/v1/users", kp_api_user_create, KP_ROLE_ADMIN, BODY, "create a user"},
	{"GET", "/api/v1/users/{id}", kp_api_user_get, ANY, 0, "one user"},
	{"PUT", "/api/v1/users/{id}/status", kp_api_user_set_status, KP_ROLE_ADMIN, BODY, "suspend or reactivate"},

	{"GET", "/api/v1/audit", kp_api_audit_list, KP_ROLE_AUDITOR | KP_ROLE_ADMIN | KP_ROLE_MINISTRY, 0,
	 "the audit log, newest first"},

	{"GET", "/api/v1/authorities", kp_api_authority_list, 0, PUBLIC, "partner authorities"},
	{"POST", "/api/v1/authorities", kp_api_authority_put, GOV, BODY, "add or update a partner authority"},
	{"GET", "/api/v1/authorities/{code}", kp_api_authority_get, 0, PUBLIC, "one authority with its public keys"},
	{"GET", "/api/v1/permit-types", kp_api_permit_type_list, 0, PUBLIC, "permit types and their rules"},
	{"PUT", "/api/v1/permit-types/{code}", kp_api_permit_type_update, GOV, BODY, "change a permit type's rules"},

	{"GET", "/api/v1/quotas", kp_api_quota_list, STAFF | KP_ROLE_CARRIER, 0, "quotas with their usage"},
	{"POST", "/api/v1/quotas", kp_api_quota_create, GOV, BODY, "add a quota range"},
	{"GET", "/api/v1/quotas/parity", kp_api_quota_parity, STAFF, 0, "both directions per partner and year"},
	{"GET", "/api/v1/quotas/usage", kp_api_quota_usage, STAFF, 0, "usage per partner, type and year (JSON or CSV)"},
	{"GET", "/api/v1/quotas/usage/carriers", kp_api_usage_carriers, STAFF, 0, "usage per carrier (JSON or CSV)"},
	{"PATCH", "/api/v1/quotas/{id}", kp_api_quota_adjust, GOV, BODY, "move the end of a quota range"},

	{"GET", "/api/v1/vehicles", kp_api_vehicle_list, KP_ROLE_CARRIER | STAFF | KP_ROLE_OFFICER, 0, "vehicles"},
	{"POST", "/api/v1/vehicles", kp_api_vehicle_create, KP_ROLE_CARRIER, BODY, "register a vehicle"},
	{"GET", "/api/v1/vehicles/{id}", kp_api_vehicle_get, KP_ROLE_CARRIER | STAFF | KP_ROLE_OFFICER, 0, "one vehicle"},
	{"PUT", "/api/v1/vehicles/{id}/status", kp_api_vehicle_set_status, KP_ROLE_CARRIER | KP_ROLE_ADMIN, BODY,
	 "retire or reactivate a vehicle"},

	{"POST", "/api/v1/permit-applications", kp_api_application_create, KP_ROLE_CARRIER, BODY,
	 "apply; the decision comes in the answer"},
	{"GET", "/api/v1/permit-applications", kp_api_application_list, KP_ROLE_CARRIER | STAFF, 0, "applications"},
	{"GET", "/api/v1/permit-applications/{id}", kp_api_application_get, KP_ROLE_CARRIER | STAFF, 0, "one application"},
	{"POST", "/api/v1/permit-applications/{id}/decision", kp_api_application_decide, GOV, BODY,
	 "approve or reject a queued application"},

	{"GET", "/api/v1/permits", kp_api_permit_list, PERMIT_READERS, 0, "permits (own, or all for officials)"},
	{"GET", "/api/v1/permits/{id}", kp_api_permit_get, PERMIT_READERS, 0, "one permit"},
	{"GET", "/api/v1/permits/{id}/qr", kp_api_permit_qr, PERMIT_READERS, 0, "the permit's QR code (SVG or PNG)"},
	{"GET", "/api/v1/permits/{id}/pdf", kp_api_permit_pdf, PERMIT_READERS, 0, "the printable permit"},
	{"GET", "/api/v1/permits/{id}/activities", kp_api_permit_activities, PERMIT_READERS, 0, "border activities"},
	{"POST", "/api/v1/permits/{id}/activities", kp_api_permit_activity_add, KP_ROLE_OFFICER, BODY,
	 "record an ENTRANCE or EXIT"},
	{"POST", "/api/v1/permits/{id}/return", kp_api_permit_return, KP_ROLE_CARRIER, 0, "return an unused permit"},
	{"POST", "/api/v1/permits/{id}/revoke", kp_api_permit_revoke, GOV, BODY, "revoke an unused permit"},
	{"POST", "/api/v1/verify", kp_api_verify, 0, PUBLIC | BODY, "verify a permit's QR text"},

	/* partner exchange: the e-permit protocol, partners, the outbox */

	/* checkpoints, crossings and the booked queue */
	{"GET", "/api/v1/checkpoints", kp_api_checkpoint_list, 0, PUBLIC, "every crossing with its status; nearest open alternative"},
	{"GET", "/api/v1/checkpoints/{code}", kp_api_checkpoint_get, 0, PUBLIC, "one crossing with hours, closures, capacity"},
	{"PUT", "/api/v1/checkpoints/{code}", kp_api_checkpoint_update, GOV, BODY, "change traffic allowed, permission, capacity"},
	{"GET", "/api/v1/checkpoints/{code}/status", kp_api_checkpoint_status, 0, PUBLIC,
	 "can I cross here, at this time, with this vehicle?"},
	{"POST", "/api/v1/checkpoints/{code}/closures", kp_api_closure_add, GOV, BODY, "close a crossing (with a reason)"},
	{"DELETE", "/api/v1/checkpoints/{code}/closures/{id}", kp_api_closure_lift, GOV, 0, "end a closure now"},
	{"GET", "/api/v1/checkpoints/{code}/devices", kp_api_device_list, KP_ROLE_ADMIN | KP_ROLE_OFFICER, 0,
	 "equipment keys of a checkpoint"},
	{"POST", "/api/v1/checkpoints/{code}/devices", kp_api_device_create, KP_ROLE_ADMIN | KP_ROLE_OFFICER, BODY,
	 "create an equipment key (shown once)"},
	{"POST", "/api/v1/devices/{id}/revoke", kp_api_device_revoke, KP_ROLE_ADMIN | KP_ROLE_OFFICER, 0, "revoke an equipment key"},
	{"POST", "/api/v1/crossings", kp_api_crossing_register, KP_ROLE_OFFICER | KP_ROLE_DEVICE, BODY,
	 "register a crossing; the permit match comes in the answer"},
	{"GET", "/api/v1/crossings", kp_api_crossing_list, KP_ROLE_OFFICER | STAFF, 0, "registered crossings"},
	{"GET", "/api/v1/crossings/{id}", kp_api_crossing_get, KP_ROLE_OFFICER | STAFF, 0, "one crossing with the people on board"},
	{"GET", "/api/v1/throughput", kp_api_throughput, STAFF, 0, "vehicles, waits and capacity used per checkpoint and day (JSON or CSV)"},
	{"GET", "/api/v1/checkpoints/{code}/slots", kp_api_slot_list, 0, PUBLIC, "booking slots of a day"},
	{"POST", "/api/v1/checkpoints/{code}/slots", kp_api_slot_create, GOV | KP_ROLE_OFFICER, BODY, "open hourly slots"},
	{"GET", "/api/v1/checkpoints/{code}/queue", kp_api_queue_list, KP_ROLE_OFFICER | STAFF, 0, "the waiting zone in call order"},
	{"POST", "/api/v1/checkpoints/{code}/queue", kp_api_queue_live, DRIVERS | KP_ROLE_OFFICER, BODY,
	 "join the live queue without a booking"},
	{"POST", "/api/v1/checkpoints/{code}/queue/call", kp_api_queue_call, KP_ROLE_OFFICER, BODY, "call vehicles forward"},
	{"POST", "/api/v1/bookings", kp_api_booking_create, DRIVERS | KP_ROLE_OFFICER, BODY, "book a slot for a vehicle"},
	{"GET", "/api/v1/bookings", kp_api_booking_list, DRIVERS | KP_ROLE_OFFICER | STAFF, 0, "bookings (a driver's own)"},
	{"GET", "/api/v1/bookings/{id}", kp_api_booking_get, DRIVERS | KP_ROLE_OFFICER | STAFF, 0, "one booking, its call and place"},
	{"POST", "/api/v1/bookings/{id}/check-in", kp_api_booking_check_in, DRIVERS | KP_ROLE_OFFICER, 0,
	 "check in at the waiting zone"},
	{"DELETE", "/api/v1/bookings/{id}", kp_api_booking_cancel, DRIVERS | KP_ROLE_OFFICER, 0, "cancel a booking"},

	/* travellers: border-zone permits, the stay calculator, temporary import and ecotax */
};

const size_t kp_api_nroutes = KP_ARRAY_LEN(kp_api_routes);

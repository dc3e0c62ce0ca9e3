/* routes.c: the one route table of kapka. Every entry must also be described in
 * the OpenAPI document, the files in docs/openapi/ (tests/unit/api/test_routes.c checks). */
#include "api/api.h"
#include "api/agencies.h"
#include "api/ecmr.h"
#include "api/notices.h"
#include "api/operations.h"
#include "api/rules.h"
#include "api/transparency.h"
#include "core/util.h"
#include "domain/account.h"

#include <stdio.h>
#include <string.h>

#define ANY KP_ROLES_ALL
#define STAFF (KP_ROLE_MINISTRY | KP_ROLE_AUDITOR | KP_ROLE_ADMIN)
#define GOV (KP_ROLE_MINISTRY | KP_ROLE_ADMIN)
#define PERMIT_READERS (KP_ROLE_CARRIER | KP_ROLE_OFFICER | STAFF)
#define TRAVELLER KP_ROLE_TRAVELLER
#define ZONE_READERS (KP_ROLE_TRAVELLER | KP_ROLE_OFFICER | STAFF)
#define TIP_READERS (KP_ROLE_TRAVELLER | KP_ROLE_OFFICER | STAFF)
#define DRIVERS (KP_ROLE_CARRIER | KP_ROLE_TRAVELLER)
#define PUBLIC KP_ROUTE_PUBLIC
#define BODY KP_ROUTE_JSON_BODY
/* The default base of the public e-permit API; kp_api_routes_at moves it. */
#define EPERMIT_BASE "/e-permit"

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

	/* the ministry issues a permit itself: paper to digital, a carrier without an account */
	{"POST", "/api/v1/permits", kp_api_permit_issue, GOV, BODY, "issue a permit directly (no application)"},
	{"GET", "/api/v1/permit-search", kp_api_permit_search, PERMIT_READERS, 0, "search permits, a page at a time"},
	{"GET", "/api/v1/permit-years", kp_api_permit_years, KP_ROLE_CARRIER | STAFF, 0,
	 "the permit years open for applications now"},
	/* who takes part in an organisation's permit system (TRACECA), as dated data */
	{"POST", "/api/v1/authorities/{code}/members", kp_api_authority_member_add, GOV, BODY,
	 "record a period of membership in an organisation's permit system"},
	/* carriers that registered themselves are verified by the ministry before their first permit */
	{"GET", "/api/v1/carrier-verification", kp_api_carrier_check_mine, KP_ROLE_CARRIER, 0,
	 "my company's verification: what is pending"},
	{"GET", "/api/v1/carrier-verifications", kp_api_carrier_check_list, STAFF, 0, "carriers' verifications"},
	{"POST", "/api/v1/carrier-verifications/{id}", kp_api_carrier_check_decide, GOV, BODY,
	 "verify a carrier (licence and INN checked) or reject it with a note"},

	/* the universal verifier's call on the issuer (epermit_verify.c), readable from any origin */
	{"GET", EPERMIT_BASE "/verify/{qr}", kp_api_epermit_verify, 0, PUBLIC | KP_ROUTE_CORS,
	 "the permit a QR text names (the reference's PermitDto), 404 when revoked or unknown"},

	/* partner exchange: the e-permit protocol, partners, the outbox */
	{"GET", EPERMIT_BASE, kp_api_epermit_config, 0, PUBLIC | KP_ROUTE_CORS, "our configuration: code, name, version, keys"},
	{"GET", EPERMIT_BASE "/", kp_api_epermit_config, 0, PUBLIC | KP_ROUTE_CORS,
	 "our configuration: code, name, version, keys"},
	{"POST", EPERMIT_BASE "/events/{type}", kp_api_epermit_event, 0, PUBLIC | KP_ROUTE_RAW_BODY | KP_ROUTE_SLASHES,
	 "receive a partner's event with its detached proof"},
	{"GET", EPERMIT_BASE "/healthcheck", kp_api_epermit_healthcheck, 0, PUBLIC | KP_ROUTE_SLASHES | KP_ROUTE_CORS,
	 "the last event ids both ways, for a partner's signed JWT"},

	{"GET", "/api/v1/partners", kp_api_partner_list, STAFF, 0, "partners, their keys, handshake and backlog"},
	{"POST", "/api/v1/partners", kp_api_partner_add, GOV, BODY, "add a partner by its public API address"},
	{"GET", "/api/v1/partners/{code}", kp_api_partner_get, STAFF, 0, "one partner"},
	{"POST", "/api/v1/partners/{code}/refresh", kp_api_partner_refresh, GOV, 0, "fetch a partner's configuration again"},
	{"GET", "/api/v1/partners/{code}/outbox", kp_api_partner_outbox, STAFF, 0, "events queued or sent to a partner"},
	{"GET", "/api/v1/partners/{code}/inbox", kp_api_partner_inbox, STAFF, 0, "events received from a partner"},
	{"POST", "/api/v1/partners/{code}/outbox/{id}/retry", kp_api_partner_outbox_retry, GOV, 0,
	 "put an event set aside back in the queue"},
	{"POST", "/api/v1/partners/{code}/outbox/{id}/skip", kp_api_partner_outbox_skip, GOV, 0,
	 "give up an undelivered event"},
	{"GET", "/api/v1/partners/{code}/healthcheck", kp_api_partner_healthcheck, STAFF, 0,
	 "ask the partner whether both chains are in step"},
	{"GET", "/api/v1/keys", kp_api_key_list, STAFF, 0, "our signing keys"},
	{"POST", "/api/v1/keys", kp_api_key_rotate, GOV, 0, "make a new signing key (partners get KEY_CREATED)"},
	{"POST", "/api/v1/keys/{kid}/revoke", kp_api_key_revoke, GOV, 0, "revoke an old key (partners get KEY_REVOKED)"},
	{"GET", "/api/v1/trustlist", kp_api_trustlist, KP_ROLE_OFFICER | STAFF, 0, "the signed offline trust list"},

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
	/* security: one's own password; what drivers may not declare themselves */
	{"PUT", "/api/v1/session/password", kp_api_password_change, ANY, BODY, "change one's own password"},
	{"PUT", "/api/v1/bookings/{id}/priority", kp_api_booking_priority, KP_ROLE_OFFICER, BODY,
	 "an officer grants or withdraws a booking's priority"},

	/* travellers: border-zone permits, the stay calculator, temporary import and ecotax */
	{"GET", "/api/v1/border-zones", kp_api_border_zones, 0, PUBLIC, "restricted border zones and their places"},
	{"PUT", "/api/v1/border-zones/places/{code}", kp_api_zone_place_put, GOV, BODY, "add or change a place in a zone"},
	{"GET", "/api/v1/zone-fees", kp_api_zone_fees_get, 0, PUBLIC, "zone-permit fees by number of zones"},
	{"PUT", "/api/v1/zone-fees", kp_api_zone_fees_put, GOV, BODY, "replace the zone-permit fee table"},
	{"GET", "/api/v1/currency-rates", kp_api_rates_get, 0, PUBLIC, "exchange rates kept by the ministry"},
	{"PUT", "/api/v1/currency-rates/{code}", kp_api_rate_put, GOV, BODY, "set a currency's rate"},
	{"GET", "/api/v1/passport-formats", kp_api_passport_formats_get, 0, PUBLIC, "passport number forms per nationality"},
	{"PUT", "/api/v1/passport-formats/{nationality}", kp_api_passport_format_put, GOV, BODY,
	 "set a nationality's passport number form"},
	{"POST", "/api/v1/zone-permit-applications", kp_api_zone_apply, TRAVELLER, BODY,
	 "apply for border-zone permits (one person or a group)"},
	{"GET", "/api/v1/zone-permit-applications", kp_api_zone_app_list, TRAVELLER | STAFF, 0, "zone-permit applications"},
	{"GET", "/api/v1/zone-permit-applications/{id}", kp_api_zone_app_get, TRAVELLER | STAFF, 0, "one application"},
	{"POST", "/api/v1/zone-permit-applications/{id}/payment", kp_api_zone_pay, TRAVELLER, BODY,
	 "record the payment; the permits are signed"},
	{"POST", "/api/v1/zone-permit-applications/{id}/extension", kp_api_zone_extend, TRAVELLER, BODY,
	 "extend validity once, up to two months"},
	{"POST", "/api/v1/zone-permit-applications/{id}/cancel", kp_api_zone_cancel, TRAVELLER, 0,
	 "cancel an unpaid application"},
	{"GET", "/api/v1/zone-permits/{id}", kp_api_zone_permit_get, ZONE_READERS, 0, "one border-zone permit"},
	{"GET", "/api/v1/zone-permits/{id}/qr", kp_api_zone_permit_qr, ZONE_READERS, 0, "its QR code (SVG or PNG)"},
	{"GET", "/api/v1/zone-permits/{id}/pdf", kp_api_zone_permit_pdf, ZONE_READERS, 0,
	 "printable permit: the original and a copy per post"},
	{"GET", "/api/v1/zone-permits/{id}/checks", kp_api_zone_permit_checks, ZONE_READERS, 0, "its checks at posts"},
	{"POST", "/api/v1/zone-permits/{id}/revoke", kp_api_zone_permit_revoke, GOV, BODY, "revoke a permit"},
	{"POST", "/api/v1/zone-permit-checks", kp_api_zone_check, KP_ROLE_OFFICER, BODY,
	 "verify a permit QR against a passport at a post (recorded)"},
	{"GET", "/api/v1/stay-rules", kp_api_stay_rules_get, 0, PUBLIC, "stay rules per destination and nationality"},
	{"PUT", "/api/v1/stay-rules/{destination}/{nationality}", kp_api_stay_rule_put, GOV, BODY, "set a stay rule"},
	{"POST", "/api/v1/stay-calculations", kp_api_stay_calculate, 0, PUBLIC | BODY,
	 "days used and left, last legal day, earliest entry"},
	{"GET", "/api/v1/ecotax-fees", kp_api_ecotax_fees_get, 0, PUBLIC, "ecotax fees and the customs union's members"},
	{"PUT", "/api/v1/ecotax-fees/{kind}", kp_api_ecotax_fee_put, GOV, BODY, "set the ecotax of a vehicle kind"},
	{"POST", "/api/v1/tips", kp_api_tip_enter, TRAVELLER | KP_ROLE_OFFICER, BODY,
	 "record a vehicle entering: temporary import and ecotax"},
	{"GET", "/api/v1/tips", kp_api_tip_list, TIP_READERS, 0, "temporary imports (reminders: ?expiring_within=)"},
	{"GET", "/api/v1/tips/{id}", kp_api_tip_get, TIP_READERS, 0, "one temporary import"},
	{"POST", "/api/v1/tips/{id}/exit", kp_api_tip_exit, TRAVELLER | KP_ROLE_OFFICER, BODY,
	 "record the vehicle leaving"},
	{"POST", "/api/v1/tips/{id}/ecotax-payment", kp_api_ecotax_pay, TRAVELLER, BODY, "record the ecotax payment"},
	{"GET", "/api/v1/tips/{id}/ecotax-receipt", kp_api_ecotax_receipt, TIP_READERS, 0, "the ecotax receipt (PDF, QR)"},

	/* The single window (issue 15): procedures as data, one application and one status page,
	 * each agency's queue, documents, fees; and the duty-free EV quota's public register. */
#define SW_APPLICANTS (KP_ROLE_CARRIER | KP_ROLE_TRAVELLER)
#define SW_AGENCY (KP_ROLE_OFFICER | KP_ROLE_MINISTRY)
	{"GET", "/api/v1/window/procedures", kp_api_sw_procedures, 0, PUBLIC, "single-window procedures (data)"},
	{"GET", "/api/v1/window/procedures/{code}", kp_api_sw_procedure_get, 0, PUBLIC, "one procedure's definition"},
	{"PUT", "/api/v1/window/procedures/{code}", kp_api_sw_procedure_put, KP_ROLE_ADMIN, BODY, "define or change a procedure"},
	{"GET", "/api/v1/window/agencies", kp_api_sw_agencies, 0, PUBLIC, "agencies that decide single-window steps"},
	{"PUT", "/api/v1/window/agencies/{code}", kp_api_sw_agency_put, KP_ROLE_ADMIN, BODY, "add an agency or link it to its organisation"},
	{"POST", "/api/v1/window/applications", kp_api_sw_apply, SW_APPLICANTS, BODY, "apply to a procedure"},
	{"GET", "/api/v1/window/applications", kp_api_sw_app_list, SW_APPLICANTS | KP_ROLE_ADMIN | KP_ROLE_AUDITOR, 0,
	 "my applications (oversight: all)"},
	{"GET", "/api/v1/window/applications/{id}", kp_api_sw_app_get, SW_APPLICANTS | KP_ROLE_ADMIN | KP_ROLE_AUDITOR, 0,
	 "an application's status page: every agency's step, time and decision"},
	{"POST", "/api/v1/window/applications/{id}/answers", kp_api_sw_answer, SW_APPLICANTS, BODY,
	 "answer an agency's request for more"},
	{"POST", "/api/v1/window/applications/{id}/withdrawal", kp_api_sw_withdraw, SW_APPLICANTS, 0,
	 "withdraw an application in progress (its reservation is released)"},
	{"GET", "/api/v1/window/queue", kp_api_sw_queue, SW_AGENCY, 0, "my agency's queue"},
	{"GET", "/api/v1/window/steps/{id}", kp_api_sw_step_get, SW_AGENCY, 0, "one step as its agency sees it"},
	{"POST", "/api/v1/window/steps/{id}/take", kp_api_sw_step_take, SW_AGENCY, 0, "start working on a step"},
	{"POST", "/api/v1/window/steps/{id}/decision", kp_api_sw_step_decide, SW_AGENCY, BODY,
	 "approve, refuse (with reasons) or ask for more"},
	{"GET", "/api/v1/window/steps/{id}/notes", kp_api_sw_notes, SW_AGENCY, 0, "the agency's private notes on a step"},
	{"POST", "/api/v1/window/steps/{id}/notes", kp_api_sw_note_add, SW_AGENCY, BODY, "add a private note"},
	{"POST", "/api/v1/window/documents", kp_api_sw_document_upload, SW_APPLICANTS, KP_ROUTE_RAW_BODY,
	 "upload a document (PDF, JPEG, PNG)"},
	{"GET", "/api/v1/window/documents", kp_api_sw_documents_mine, SW_APPLICANTS, 0, "my documents"},
	{"GET", "/api/v1/window/documents/{id}", kp_api_sw_document_get, ANY, 0, "a document's bytes (attachment)"},
	{"POST", "/api/v1/window/fees/{id}/payment", kp_api_sw_fee_pay, SW_APPLICANTS, BODY, "record a fee's payment"},
	{"GET", "/api/v1/window/fees/{id}/receipt", kp_api_sw_fee_receipt, ANY, 0, "a fee's receipt (PDF, signed QR)"},
	{"GET", "/api/v1/window/performance", kp_api_sw_performance, 0, PUBLIC,
	 "median and 90th-percentile decision times per procedure, agency and step"},
	{"GET", "/api/v1/ev-quota", kp_api_ev_register, 0, PUBLIC, "the duty-free EV quota's public register"},
	{"PUT", "/api/v1/ev-quota/{year}", kp_api_ev_year_put, KP_ROLE_MINISTRY | KP_ROLE_ADMIN, BODY,
	 "set a year's ledger (Ministry of Economy)"},
	{"GET", "/api/v1/ev-quota/vins/{vin}", kp_api_ev_vin, 0, PUBLIC, "does a VIN hold a duty-free allocation"},
	/* rules: rule data in force by date, with sources (docs/rules.md) */
	{"GET", "/api/v1/public-holidays", kp_api_holidays_get, 0, PUBLIC, "public holidays of the crossings' countries"},
	{"POST", "/api/v1/public-holidays", kp_api_holiday_add, GOV, BODY, "add a public holiday with its source"},
	{"DELETE", "/api/v1/public-holidays/{id}", kp_api_holiday_delete, GOV, 0, "remove a public holiday"},
	{"PUT", "/api/v1/checkpoints/{code}/season", kp_api_season_put, GOV, BODY, "a checkpoint's open season, from a date"},
	{"PUT", "/api/v1/checkpoints/{code}/hours", kp_api_hours_put, GOV, BODY, "a checkpoint's weekly hours, from a date"},
	{"GET", "/api/v1/rule-changes", kp_api_rule_changes_get, 0, PUBLIC, "changes to seasons and hours, pending and applied"},
	{"GET", "/api/v1/booking-notices", kp_api_booking_notices_get, DRIVERS, 0, "notices about my bookings"},
	/* e-CMR consignment notes (docs/ecmr.md) */
#define ECMR_READERS (KP_ROLE_CARRIER | KP_ROLE_OFFICER | STAFF)
	{"POST", "/api/v1/ecmr", kp_api_ecmr_create, KP_ROLE_CARRIER, BODY, "draw up a consignment note"},
	{"GET", "/api/v1/ecmr", kp_api_ecmr_list, ECMR_READERS, 0, "consignment notes; by plate and country (eFTI)"},
	{"GET", "/api/v1/ecmr/{ref}", kp_api_ecmr_get, ECMR_READERS, 0, "one consignment note"},
	{"PUT", "/api/v1/ecmr/{ref}", kp_api_ecmr_update, KP_ROLE_CARRIER, BODY, "change a draft"},
	{"POST", "/api/v1/ecmr/{ref}/seals", kp_api_ecmr_seal, KP_ROLE_CARRIER, BODY, "seal an act as the carrier"},
	{"POST", "/api/v1/ecmr/{ref}/seals/external", kp_api_ecmr_seal_external, 0, PUBLIC | BODY,
	 "record a seal made on a partner platform"},
	{"POST", "/api/v1/ecmr/{ref}/links", kp_api_ecmr_link_create, KP_ROLE_CARRIER, BODY, "send a party its sealing link"},
	{"GET", "/api/v1/ecmr/{ref}/verification", kp_api_ecmr_verification, ECMR_READERS, 0, "check the note and its seals"},
	{"GET", "/api/v1/ecmr/{ref}/bundle", kp_api_ecmr_bundle, ECMR_READERS, 0, "the note as a bundle for offline checks"},
	{"GET", "/api/v1/ecmr/{ref}/qr", kp_api_ecmr_qr, ECMR_READERS, 0, "the note's signed QR (SVG, PNG or text)"},
	{"GET", "/api/v1/ecmr/{ref}/pdf", kp_api_ecmr_pdf, ECMR_READERS, 0, "the note in the CMR layout (PDF)"},
	{"POST", "/api/v1/ecmr/{ref}/authority-link", kp_api_ecmr_authority_link,
	 KP_ROLE_CARRIER | KP_ROLE_OFFICER | GOV, 0, "a unique link for authorities"},
	{"GET", "/api/v1/ecmr-shared/{token}", kp_api_ecmr_shared, 0, PUBLIC, "a note through its authority link"},
	{"GET", "/api/v1/ecmr-links/{token}", kp_api_ecmr_link_get, 0, PUBLIC, "a party's view through its link"},
	{"POST", "/api/v1/ecmr-links/{token}/seals", kp_api_ecmr_link_seal, 0, PUBLIC | BODY, "seal through a one-time link"},
	{"POST", "/api/v1/ecmr-verifications", kp_api_ecmr_bundle_verify, 0, PUBLIC | BODY, "check a bundle someone holds"},
	{"POST", "/api/v1/ecmr-checks", kp_api_ecmr_check, KP_ROLE_OFFICER | STAFF, BODY, "check a scanned e-CMR QR; the note and its permit"},
	/* the agency exchange: agencies, grants, webhooks, the feed, equipment, X-Road (docs/agencies.md) */
#define AGENCY_STAFF (KP_ROLE_OFFICER | KP_ROLE_AUDITOR)
	{"POST", "/api/v1/border-agencies", kp_api_agency_create, GOV, BODY, "add a border agency"},
	{"GET", "/api/v1/border-agencies", kp_api_agency_list, GOV | AGENCY_STAFF, 0, "agencies (a member sees its own)"},
	{"GET", "/api/v1/border-agencies/{id}", kp_api_agency_get, GOV | AGENCY_STAFF, 0, "one agency with grants and endpoints"},
	{"POST", "/api/v1/border-agencies/{id}/members", kp_api_agency_member_add, GOV, BODY, "add a member"},
	{"POST", "/api/v1/border-agencies/{id}/subsystems", kp_api_agency_subsystem_add, GOV, BODY, "add an X-Road subsystem"},
	{"POST", "/api/v1/border-agencies/{id}/grants", kp_api_agency_grant, GOV, BODY, "grant a service"},
	{"DELETE", "/api/v1/border-agencies/{id}/grants/{grant}", kp_api_agency_revoke, GOV, 0, "revoke a grant"},
	{"POST", "/api/v1/border-agencies/{id}/endpoints", kp_api_agency_endpoint_add, GOV | AGENCY_STAFF, BODY,
	 "add a webhook endpoint (its secret is shown once)"},
	{"PUT", "/api/v1/border-agencies/{id}/endpoints/{endpoint}", kp_api_agency_endpoint_set, GOV | AGENCY_STAFF, BODY,
	 "enable or disable an endpoint"},
	{"GET", "/api/v1/border-agencies/{id}/deliveries", kp_api_agency_deliveries, GOV | AGENCY_STAFF, 0,
	 "webhook deliveries; ?status=dead: the dead letters"},
	{"POST", "/api/v1/border-agencies/{id}/deliveries/{delivery}/replay", kp_api_agency_replay, GOV | AGENCY_STAFF, 0,
	 "send a delivery again"},
	{"GET", "/api/v1/agency-feed", kp_api_agency_feed, AGENCY_STAFF, 0, "the agency's events after a cursor"},
	{"GET", "/api/v1/agency-exchange/keys", kp_api_agency_keys, 0, PUBLIC, "how to check kapka's webhooks"},
	{"POST", "/api/v1/equipment-readings", kp_api_equipment_reading, KP_ROLE_OFFICER | KP_ROLE_DEVICE, BODY,
	 "a reading from checkpoint equipment"},
	{"GET", "/api/v1/inspection-tasks", kp_api_inspection_list, KP_ROLE_OFFICER | STAFF, 0, "inspection tasks"},
	{"POST", "/api/v1/inspection-tasks/{id}/close", kp_api_inspection_close, KP_ROLE_OFFICER | AGENCY_STAFF, BODY,
	 "close an inspection task with a note"},
	{"GET", "/api/v1/xroad-log", kp_api_xroad_log, KP_ROLE_AUDITOR | KP_ROLE_ADMIN, 0, "X-Road calls served or refused"},
	{"GET", "/xroad/v1/ecmr", kp_api_xroad_ecmr_query, 0, PUBLIC, "X-Road: the eFTI identifier query"},
	{"GET", "/xroad/v1/ecmr/{ref}", kp_api_xroad_ecmr_get, 0, PUBLIC, "X-Road: one consignment note"},
	{"GET", "/xroad/v1/events/{service}", kp_api_xroad_events, 0, PUBLIC, "X-Road: a service's events"},
	{"GET", "/xroad/v1/openapi.json", kp_api_xroad_openapi, 0, PUBLIC, "X-Road: the services' OpenAPI document"},

	/* transparency log (docs/transparency.md): C2SP tlog-tiles under /log/, proofs as JSON;
	 * all public. Entry bundles come before tiles: "entries" would match {level}. */
	{"GET", "/log/checkpoint", kp_api_log_checkpoint, 0, PUBLIC, "the log's latest signed checkpoint"},
	{"GET", "/log/tile/entries/{n}", kp_api_log_tile, 0, PUBLIC, "an entry bundle"},
	{"GET", "/log/tile/entries/{n1}/{n2}", kp_api_log_tile, 0, PUBLIC, "an entry bundle"},
	{"GET", "/log/tile/entries/{n1}/{n2}/{n3}", kp_api_log_tile, 0, PUBLIC, "an entry bundle"},
	{"GET", "/log/tile/entries/{n1}/{n2}/{n3}/{n4}", kp_api_log_tile, 0, PUBLIC, "an entry bundle"},
	{"GET", "/log/tile/{level}/{n}", kp_api_log_tile, 0, PUBLIC, "a Merkle tree tile"},
	{"GET", "/log/tile/{level}/{n1}/{n2}", kp_api_log_tile, 0, PUBLIC, "a Merkle tree tile"},
	{"GET", "/log/tile/{level}/{n1}/{n2}/{n3}", kp_api_log_tile, 0, PUBLIC, "a Merkle tree tile"},
	{"GET", "/log/tile/{level}/{n1}/{n2}/{n3}/{n4}", kp_api_log_tile, 0, PUBLIC, "a Merkle tree tile"},
	{"GET", "/api/v1/transparency", kp_api_transparency_info, 0, PUBLIC, "the log's name, key and latest checkpoint"},
	{"GET", "/api/v1/transparency/proofs/inclusion", kp_api_transparency_inclusion, 0, PUBLIC,
	 "inclusion proof of a leaf in a signed tree"},
	{"GET", "/api/v1/transparency/proofs/consistency", kp_api_transparency_consistency, 0, PUBLIC,
	 "consistency proof between two signed trees"},
	{"GET", "/api/v1/transparency/leaves/{index}", kp_api_transparency_leaf, 0, PUBLIC, "one leaf of the log"},
	{"GET", "/api/v1/transparency/permits/{id}", kp_api_transparency_permit, 0, PUBLIC,
	 "a permit's offline proof (tlog-proof), with the commitment's opening for its holder"},

	/* Trends for the ministry's charts (web/js/pages/trends.js): counts per month or day. */
	{"GET", "/api/v1/trends/permits", kp_api_trend_permits, STAFF, 0,
	 "permits issued per month by type or partner, with each partner's quota"},
	{"GET", "/api/v1/trends/crossings", kp_api_trend_crossings, STAFF, 0,
	 "crossings and waiting-zone waits per day at a checkpoint"},
	{"GET", "/api/v1/trends/window", kp_api_trend_window, STAFF, 0,
	 "single-window applications per month by state"},

	/* Operations (docs/operations.md): metrics for the monitoring system. */
	{"GET", "/metrics", kp_api_metrics, 0, PUBLIC, "Prometheus metrics (settings metrics_allow, metrics_token)"},

	/* notifications (docs/notifications.md): my in-app notices and channels; the SMS and
	 * email outbox for operators */
	{"GET", "/api/v1/notices", kp_api_notices_list, ANY, 0, "my notices, newest first, and how many are unread"},
	{"POST", "/api/v1/notices/read", kp_api_notices_read_all, ANY, 0, "mark all my notices read"},
	{"POST", "/api/v1/notices/{id}/read", kp_api_notice_read, ANY, 0, "mark one of my notices read"},
	{"GET", "/api/v1/notification-settings", kp_api_notify_prefs_get, ANY, 0, "my phone, email and channels"},
	{"PUT", "/api/v1/notification-settings", kp_api_notify_prefs_put, ANY, BODY, "change my phone, email and channels"},
	{"GET", "/api/v1/notification-outbox", kp_api_notify_outbox, KP_ROLE_ADMIN | KP_ROLE_MINISTRY, 0,
	 "SMS and email by state (default: failed and given up)"},
	{"POST", "/api/v1/notification-outbox/{id}/retry", kp_api_notify_retry, KP_ROLE_ADMIN | KP_ROLE_MINISTRY, 0,
	 "send a failed or given-up SMS or email again"},
	/* SMS delivery reports (docs/notifications.md): Kannel's smsbox calls the dlr-url kapka gave */
	{"GET", "/api/v1/sms-delivery/{token}", kp_api_sms_delivery, 0, PUBLIC,
	 "Kannel reports an SMS's delivery (type=%d), the URL's token its credential"},

	/* Status history (who did what, when) and moving a booking in one step (issue 17). */
	{"POST", "/api/v1/bookings/{id}/move", kp_api_booking_move, DRIVERS | KP_ROLE_OFFICER, BODY,
	 "move a booking to another hour, keeping its id"},
	{"GET", "/api/v1/bookings/{id}/history", kp_api_booking_history, DRIVERS | KP_ROLE_OFFICER | STAFF, 0,
	 "a booking's history"},
	{"GET", "/api/v1/permits/{id}/history", kp_api_permit_history, PERMIT_READERS, 0, "a permit's history"},
	{"GET", "/api/v1/permit-applications/{id}/history", kp_api_application_history, KP_ROLE_CARRIER | STAFF, 0,
	 "an application's history"},
	{"GET", "/api/v1/zone-permit-applications/{id}/history", kp_api_zone_app_history, TRAVELLER | STAFF, 0,
	 "a border-zone application's history"},
};

const size_t kp_api_nroutes = KP_ARRAY_LEN(kp_api_routes);

/* A route of the public e-permit API: EPERMIT_BASE itself or below it. */
static bool is_epermit(const char *pattern)
{
	size_t n = strlen(EPERMIT_BASE);
	return strncmp(pattern, EPERMIT_BASE, n) == 0 && (pattern[n] == '\0' || pattern[n] == '/');
}

kp_route_t *kp_api_routes_at(const char *epermit_base)
{
	size_t base = strlen(EPERMIT_BASE), extra = 0;
	for (size_t i = 0; i < kp_api_nroutes; i++)
		if (is_epermit(kp_api_routes[i].pattern))
			extra += strlen(epermit_base) + strlen(kp_api_routes[i].pattern) + 1;
	/* one block: the table, then the rewritten patterns */
	kp_route_t *out = kp_malloc(sizeof(kp_route_t) * kp_api_nroutes + extra);
	char *text = (char *)(out + kp_api_nroutes);
	size_t blen = strlen(epermit_base);
	while (blen > 0 && epermit_base[blen - 1] == '/')
		blen--;
	for (size_t i = 0; i < kp_api_nroutes; i++) {
		out[i] = kp_api_routes[i];
		if (!is_epermit(out[i].pattern))
			continue;
		int n = sprintf(text, "%.*s%s", (int)blen, epermit_base, kp_api_routes[i].pattern + base);
		out[i].pattern = text;
		text += n + 1;
	}
	return out;
}

/* api.h: the route table and the handlers it names, one group per resource file. The
 * helpers handlers share have homes of their own, included here: context.h (the app, the
 * request's database connection and actor, the HTTP hooks), reply.h (store codes, CSV,
 * QR and PDF answers) and views.h (JSON views shared across resources). */
#ifndef KP_API_H
#define KP_API_H

#include "api/context.h"
#include "api/reply.h"
#include "api/views.h"
#include "app/app.h"
#include "core/config.h"
#include "http/http.h"
#include "store/store.h"

extern const kp_route_t kp_api_routes[];
extern const size_t kp_api_nroutes;
/* The table with the public e-permit API under epermit_base instead of /e-permit; one
 * malloc'd block (free it). */
kp_route_t *kp_api_routes_at(const char *epermit_base);

/* Handlers, one group per resource file. */
void kp_api_healthz(kp_req_t *req);
void kp_api_readyz(kp_req_t *req);
void kp_api_openapi(kp_req_t *req);
/* The verdict on a permit QR at here (a country code): what POST /api/v1/verify answers. */
json_t *kp_api_verdict(kp_req_t *req, const char *qr, const char *here);
struct kp_embed;
/* The OpenAPI document merged from its per-area files (docs/openapi/); NULL, logged, when
 * two files define the same path or component or one is not JSON. */
json_t *kp_api_openapi_merge(const struct kp_embed *files);
void kp_api_session_create(kp_req_t *req);
void kp_api_session_get(kp_req_t *req);
void kp_api_session_delete(kp_req_t *req);
void kp_api_carrier_register(kp_req_t *req);
void kp_api_traveller_register(kp_req_t *req);
void kp_api_org_list(kp_req_t *req);
void kp_api_org_create(kp_req_t *req);
void kp_api_org_get(kp_req_t *req);
void kp_api_org_mine(kp_req_t *req);
void kp_api_org_set_status(kp_req_t *req);
void kp_api_user_list(kp_req_t *req);
void kp_api_user_create(kp_req_t *req);
void kp_api_user_get(kp_req_t *req);
void kp_api_user_set_status(kp_req_t *req);
void kp_api_audit_list(kp_req_t *req);

/* Freight permits (issue 3). */
void kp_api_authority_list(kp_req_t *req);
void kp_api_authority_get(kp_req_t *req);
void kp_api_authority_put(kp_req_t *req);
void kp_api_permit_type_list(kp_req_t *req);
void kp_api_permit_type_update(kp_req_t *req);
void kp_api_quota_list(kp_req_t *req);
void kp_api_quota_create(kp_req_t *req);
void kp_api_quota_adjust(kp_req_t *req);
void kp_api_quota_parity(kp_req_t *req);
void kp_api_quota_usage(kp_req_t *req);
void kp_api_usage_carriers(kp_req_t *req);
void kp_api_vehicle_list(kp_req_t *req);
void kp_api_vehicle_create(kp_req_t *req);
void kp_api_vehicle_get(kp_req_t *req);
void kp_api_vehicle_set_status(kp_req_t *req);
void kp_api_application_create(kp_req_t *req);
void kp_api_application_list(kp_req_t *req);
void kp_api_application_get(kp_req_t *req);
void kp_api_application_decide(kp_req_t *req);
void kp_api_permit_list(kp_req_t *req);
void kp_api_permit_get(kp_req_t *req);
void kp_api_permit_qr(kp_req_t *req);
void kp_api_permit_pdf(kp_req_t *req);
void kp_api_permit_activities(kp_req_t *req);
void kp_api_permit_activity_add(kp_req_t *req);
void kp_api_permit_return(kp_req_t *req);
void kp_api_permit_revoke(kp_req_t *req);
/* The ministry issues a permit itself (permit_issue.c); the paged permit search (permit_search.c). */
void kp_api_permit_issue(kp_req_t *req);
void kp_api_permit_search(kp_req_t *req);
void kp_api_permit_years(kp_req_t *req);
/* The ministry's verification of self-registered carriers (carrier_checks.c). */
void kp_api_carrier_check_mine(kp_req_t *req);
void kp_api_carrier_check_list(kp_req_t *req);
void kp_api_carrier_check_decide(kp_req_t *req);
/* Organisations' dated membership (authority_members.c). */
void kp_api_authority_member_add(kp_req_t *req);
void kp_api_verify(kp_req_t *req);

/* Travellers (issue 6): border-zone permits, the stay calculator, temporary import and
 * ecotax, and the reference data the ministry keeps for them. */
void kp_api_zone_apply(kp_req_t *req);
void kp_api_zone_app_list(kp_req_t *req);
void kp_api_zone_app_get(kp_req_t *req);
void kp_api_zone_pay(kp_req_t *req);
void kp_api_zone_extend(kp_req_t *req);
void kp_api_zone_cancel(kp_req_t *req);
void kp_api_zone_permit_get(kp_req_t *req);
void kp_api_zone_permit_qr(kp_req_t *req);
void kp_api_zone_permit_pdf(kp_req_t *req);
void kp_api_zone_permit_revoke(kp_req_t *req);
void kp_api_zone_permit_checks(kp_req_t *req);
void kp_api_zone_check(kp_req_t *req);
void kp_api_border_zones(kp_req_t *req);
void kp_api_zone_place_put(kp_req_t *req);
void kp_api_zone_fees_get(kp_req_t *req);
void kp_api_zone_fees_put(kp_req_t *req);
void kp_api_rates_get(kp_req_t *req);
void kp_api_rate_put(kp_req_t *req);
void kp_api_passport_formats_get(kp_req_t *req);
void kp_api_passport_format_put(kp_req_t *req);
void kp_api_stay_rules_get(kp_req_t *req);
void kp_api_stay_rule_put(kp_req_t *req);
void kp_api_stay_calculate(kp_req_t *req);
void kp_api_ecotax_fees_get(kp_req_t *req);
void kp_api_ecotax_fee_put(kp_req_t *req);
void kp_api_tip_enter(kp_req_t *req);
void kp_api_tip_list(kp_req_t *req);
void kp_api_tip_get(kp_req_t *req);
void kp_api_tip_exit(kp_req_t *req);
void kp_api_ecotax_pay(kp_req_t *req);
void kp_api_ecotax_receipt(kp_req_t *req);
/* Checkpoints, crossings and the booked queue (issue 5). */
void kp_api_checkpoint_list(kp_req_t *req);
void kp_api_checkpoint_get(kp_req_t *req);
void kp_api_checkpoint_status(kp_req_t *req);
void kp_api_checkpoint_update(kp_req_t *req);
void kp_api_closure_add(kp_req_t *req);
void kp_api_closure_lift(kp_req_t *req);
void kp_api_device_list(kp_req_t *req);
void kp_api_device_create(kp_req_t *req);
void kp_api_device_revoke(kp_req_t *req);
void kp_api_crossing_register(kp_req_t *req);
void kp_api_crossing_list(kp_req_t *req);
void kp_api_crossing_get(kp_req_t *req);
void kp_api_throughput(kp_req_t *req);
/* Trends for the ministry's charts (trends.c). */
void kp_api_trend_permits(kp_req_t *req);
void kp_api_trend_crossings(kp_req_t *req);
void kp_api_trend_window(kp_req_t *req);
void kp_api_slot_list(kp_req_t *req);
void kp_api_slot_create(kp_req_t *req);
void kp_api_booking_create(kp_req_t *req);
void kp_api_booking_list(kp_req_t *req);
void kp_api_booking_get(kp_req_t *req);
void kp_api_booking_check_in(kp_req_t *req);
void kp_api_booking_cancel(kp_req_t *req);
void kp_api_booking_priority(kp_req_t *req);
/* passwords.c: hashing a few at a time (answers 503 busy and returns -1 when at the limit;
 * *out in the request arena), the registration throttle (answers 429 and returns -1),
 * and PUT /api/v1/session/password. */
int kp_api_password_hash(kp_req_t *req, const char *password, const char **out);
int kp_api_registration_allowed(kp_req_t *req);
void kp_api_password_change(kp_req_t *req);
void kp_api_queue_live(kp_req_t *req);
void kp_api_queue_list(kp_req_t *req);
void kp_api_queue_call(kp_req_t *req);
/* The single window and the EV quota (issue 15; window_*.c). */
void kp_api_sw_procedures(kp_req_t *req);
void kp_api_sw_procedure_get(kp_req_t *req);
void kp_api_sw_procedure_put(kp_req_t *req);
void kp_api_sw_agencies(kp_req_t *req);
void kp_api_sw_agency_put(kp_req_t *req);
void kp_api_sw_apply(kp_req_t *req);
void kp_api_sw_app_list(kp_req_t *req);
void kp_api_sw_app_get(kp_req_t *req);
void kp_api_sw_answer(kp_req_t *req);
void kp_api_sw_withdraw(kp_req_t *req);
void kp_api_sw_queue(kp_req_t *req);
void kp_api_sw_step_get(kp_req_t *req);
void kp_api_sw_step_take(kp_req_t *req);
void kp_api_sw_step_decide(kp_req_t *req);
void kp_api_sw_notes(kp_req_t *req);
void kp_api_sw_note_add(kp_req_t *req);
void kp_api_sw_document_upload(kp_req_t *req);
void kp_api_sw_documents_mine(kp_req_t *req);
void kp_api_sw_document_get(kp_req_t *req);
void kp_api_sw_fee_pay(kp_req_t *req);
void kp_api_sw_fee_receipt(kp_req_t *req);
void kp_api_sw_performance(kp_req_t *req);
void kp_api_ev_register(kp_req_t *req);
void kp_api_ev_year_put(kp_req_t *req);
void kp_api_ev_vin(kp_req_t *req);
/* A device signing in with its key "kpd_..." (devices.c): fills req->auth and returns true;
 * false when the token is no unrevoked device's key (it may still be a session token). */
bool kp_api_device_authenticate(kp_req_t *req, const char *token);

/* partner exchange: the public e-permit API (epermit.c), partners and keys (partners.c) */
void kp_api_epermit_config(kp_req_t *req);
void kp_api_epermit_event(kp_req_t *req);
void kp_api_epermit_verify(kp_req_t *req);
void kp_api_epermit_healthcheck(kp_req_t *req);
void kp_api_partner_list(kp_req_t *req);
void kp_api_partner_add(kp_req_t *req);
void kp_api_partner_get(kp_req_t *req);
void kp_api_partner_refresh(kp_req_t *req);
void kp_api_partner_outbox(kp_req_t *req);
void kp_api_partner_inbox(kp_req_t *req);
void kp_api_partner_outbox_retry(kp_req_t *req);
void kp_api_partner_outbox_skip(kp_req_t *req);
void kp_api_partner_healthcheck(kp_req_t *req);
void kp_api_key_list(kp_req_t *req);
void kp_api_key_rotate(kp_req_t *req);
void kp_api_key_revoke(kp_req_t *req);
void kp_api_trustlist(kp_req_t *req);

/* status history and moving a booking (history.c, queue.c, permits.c, applications.c) */
void kp_api_booking_move(kp_req_t *req);
void kp_api_booking_history(kp_req_t *req);
void kp_api_permit_history(kp_req_t *req);
void kp_api_application_history(kp_req_t *req);
void kp_api_zone_app_history(kp_req_t *req);

#endif

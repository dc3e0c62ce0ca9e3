/* travellers.h: storage for travellers: reference data the ministry keeps (border
 * zones and places, zone-permit fees, currency rates, passport formats, stay rules, the
 * customs union, ecotax fees), border-zone permit applications with their permits,
 * payments and checks at posts, and vehicles' temporary imports with ecotax payments.
 * Each state change is one transaction with its audit rows. */
#ifndef KP_STORE_TRAVELLERS_H
#define KP_STORE_TRAVELLERS_H

#include "domain/zone.h"
#include "store/store.h"

/* ---- reference data (travel_refs.c) ---- */

typedef struct kp_border_zone {
	int code;
	const char *region_en, *region_ru, *region_ky;
} kp_border_zone_t;

typedef struct kp_place_row {
	const char *code, *name_en, *name_ru, *name_ky;
	int zone;
	bool post;
} kp_place_row_t;

/* Zones by code and places by zone, then name. */
int kp_store_zones(kp_conn_t *c, kp_arena_t *a, kp_border_zone_t **zones, int *nz, kp_place_row_t **places, int *np);
int kp_store_place_put(kp_conn_t *c, const kp_actor_t *who, const kp_place_row_t *p); /* KP_DB_REF: no such zone */

/* The fee table, by max_zones. */
int kp_store_zone_fees(kp_conn_t *c, kp_arena_t *a, kp_zone_fee_t **out, int *n);
/* Replace the whole fee table (n >= 1 rows). */
int kp_store_zone_fees_set(kp_conn_t *c, const kp_actor_t *who, const kp_zone_fee_t *rows, int n);

typedef struct kp_rate {
	const char *code, *usd_per_unit;
	int64_t updated_at;
	int64_t rate_date;  /* the civil day the rate is for; -1 not given */
	const char *source; /* where it comes from (bank, publication) */
} kp_rate_t;
int kp_store_rates(kp_conn_t *c, kp_arena_t *a, kp_rate_t **out, int *n);
int kp_store_rate_get(kp_conn_t *c, kp_arena_t *a, const char *code, kp_rate_t *out);
/* Set a rate with the day it is for and its source; audited with the one it replaces. */
int kp_store_rate_put(kp_conn_t *c, const kp_actor_t *who, const kp_rate_t *rate);

typedef struct kp_passport_format {
	const char *nationality, *pattern, *example;
} kp_passport_format_t;
int kp_store_passport_formats(kp_conn_t *c, kp_arena_t *a, kp_passport_format_t **out, int *n);
/* The nationality's row, else the '*' row. */
int kp_store_passport_format_for(kp_conn_t *c, kp_arena_t *a, const char *nationality, kp_passport_format_t *out);
int kp_store_passport_format_put(kp_conn_t *c, const kp_actor_t *who, const kp_passport_format_t *f);

/* A stay rule in force from valid_from to valid_to (civil days; valid_to -1: until changed). */
typedef struct kp_stay_rule_row {
	int64_t id, valid_from, valid_to;
	const char *destination, *nationality, *kind, *note, *rule_group, *source;
	int days, window;
} kp_stay_rule_row_t;
/* destination, nationality NULL: all; on >= 0: only the rows in force on that day. */
int kp_store_stay_rules(kp_conn_t *c, kp_arena_t *a, const char *destination, const char *nationality, int64_t on,
                        kp_stay_rule_row_t **out, int *n);
/* Every period of the nationality's rules for destination and of the destination's '*'
 * rules, in time order, the nationality's first (the caller lays them over each other). */
int kp_store_stay_rule_periods(kp_conn_t *c, kp_arena_t *a, const char *destination, const char *nationality,
                               kp_stay_rule_row_t **out, int *n);
/* A new rule for (destination, nationality) in force from r->valid_from: the period in force
 * then ends the day before, periods starting later are replaced; audited. Sets r->id. */
int kp_store_stay_rule_put(kp_conn_t *c, const kp_actor_t *who, kp_stay_rule_row_t *r);

/* Customs-union members as a NULL-terminated list of codes. */
int kp_store_union_members(kp_conn_t *c, kp_arena_t *a, const char ***out);
/* Ecotax fee of a vehicle kind; -1 when none is set. */
int kp_store_ecotax_fee(kp_conn_t *c, kp_arena_t *a, const char *kind, int64_t *fee);
typedef struct kp_ecotax_fee {
	const char *kind;
	int64_t fee_som;
	const char *source; /* where the fee comes from; NULL when not recorded */
} kp_ecotax_fee_t;
int kp_store_ecotax_fees(kp_conn_t *c, kp_arena_t *a, kp_ecotax_fee_t **out, int *n);
int kp_store_ecotax_fee_put(kp_conn_t *c, const kp_actor_t *who, const char *kind, int64_t fee);

/* ---- border-zone permits (zone_permits.c) ---- */

typedef struct kp_zone_app {
	int64_t id, user_id, date_from, date_to, valid_from, valid_until, fee_per_person, fee_total, created_at;
	const char *zones, *route, *purpose, *status; /* zones, route: JSON arrays */
	bool extended;
	/* the payment, when paid */
	const char *pay_currency, *pay_amount, *pay_reference;
	int64_t pay_amount_som, paid_at, payer_id;
} kp_zone_app_t;

typedef struct kp_zone_permit {
	int64_t id, application_id, passport_expiry, created_at;
	const char *surname, *given_names, *nationality, *passport_number, *status, *status_reason, *credential, *kid;
} kp_zone_permit_t;

/* Store an application (status awaiting_payment) and a permit per person, in one
 * transaction; sets app->id and each permit's id. */
int kp_store_zone_apply(kp_conn_t *c, const kp_actor_t *who, kp_zone_app_t *app, kp_zone_permit_t *people, int n);
int kp_store_zone_app_get(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_zone_app_t *out, kp_zone_permit_t **permits,
                          int *n);
/* A page of applications, newest first; user_id 0: everyone's; page->q searches the
 * number, the purpose, the zones and the people's names and passport numbers. *total:
 * all that match. */
int kp_store_zone_app_list(kp_conn_t *c, kp_arena_t *a, int64_t user_id, const kp_page_t *page, kp_zone_app_t **out,
                           int *n, int64_t *total);
int kp_store_zone_permit_get(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_zone_permit_t *out, kp_zone_app_t *app);

/* Signs one permit's credential for its application; 0 and *credential, *kid (arena). */
typedef struct kp_zone_signer {
	void *ctx;
	int (*sign)(void *ctx, kp_arena_t *a, const kp_zone_app_t *app, const kp_zone_permit_t *p, const char **credential,
	            const char **kid);
} kp_zone_signer_t;

typedef struct kp_zone_payment {
	int64_t amount_som;
	const char *currency, *amount, *reference;
} kp_zone_payment_t;
/* Record the payment, sign every permit and make them active, in one transaction.
 * KP_DB_CONFLICT when the application is not awaiting payment (*status gets its status);
 * KP_DB_NOTFOUND. */
int kp_store_zone_pay(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, int64_t app_id, const kp_zone_payment_t *pay,
                      const kp_zone_signer_t *signer, const char **status);
/* Extend a paid application's validity to new_until under kp_zone_extension_check and
 * sign its active permits anew. KP_DB_CONFLICT with *ext (a kp_zone_extension) when the
 * rule refuses, or *ext 0 and *status set when it is not paid. */
int kp_store_zone_extend(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, int64_t app_id, int64_t new_until,
                         int64_t today, int max_months, const kp_zone_signer_t *signer, int *ext, const char **status);
/* Cancel an application awaiting payment (its permits too). KP_DB_CONFLICT when paid. */
int kp_store_zone_cancel(kp_conn_t *c, const kp_actor_t *who, int64_t app_id);
/* Revoke an active permit with a reason. KP_DB_CONFLICT when not active. */
int kp_store_zone_permit_revoke(kp_conn_t *c, const kp_actor_t *who, int64_t permit_id, const char *reason);

/* For the offline trust list: the numbers (ISSUER-BZ-...) of every zone permit that was
 * revoked or cancelled, issued by issuer, oldest first, as a NULL-terminated array in the
 * arena. A verifier holding the list refuses these even without a connection. */
int kp_store_zone_permit_revoked_ids(kp_conn_t *c, kp_arena_t *a, const char *issuer, const char ***ids, int *n);

typedef struct kp_zone_check_row {
	int64_t id, permit_id, officer_id, checked_at;
	const char *place, *passport_number, *reasons, *officer; /* reasons: JSON array of codes */
	int zone;
	bool valid;
} kp_zone_check_row_t;
/* Record one verification at a post (audited). */
int kp_store_zone_check_add(kp_conn_t *c, const kp_actor_t *who, kp_zone_check_row_t *row);
int kp_store_zone_checks(kp_conn_t *c, kp_arena_t *a, int64_t permit_id, kp_zone_check_row_t **out, int *n);

/* ---- temporary imports and ecotax (tips.c) ---- */

typedef struct kp_tip {
	int64_t id, user_id, entry_date, expiry_date, exit_date, created_at, ecotax_som;
	int term_months;
	const char *plate, *plate_country, *vin, *kind, *make_model, *owner_name, *owner_passport, *entry_checkpoint,
	    *entered_from, *status, *closed_reason, *exit_checkpoint, *exit_to, *ecotax_reason;
	/* ecotax payment, when paid */
	int64_t ecotax_paid_at, ecotax_payment_id;
	const char *ecotax_reference, *ecotax_credential;
	/* in (kp_store_tip_enter): the vehicle's open TIP may only be kept or replaced when
	 * user_id recorded it (a traveller; an officer at the checkpoint acts on any). */
	bool own_only;
} kp_tip_t;

/* What an entry did. */
typedef struct kp_tip_entry_result {
	const char *action;  /* opened, kept, replaced, carried_in */
	int64_t replaced_id; /* the TIP closed by a replacement */
} kp_tip_entry_result_t;

/* Record a vehicle entering: decide with kp_tip_entry (union membership of tip->entered_from,
 * an open TIP for the vehicle, an ecotax paid before, the kind's fee) and open, keep or
 * replace its TIP in one transaction. tip: in: vehicle, owner, entry fields, term; out: the
 * TIP now open (the kept one when kept). KP_DB_FORBIDDEN when tip->own_only and the
 * vehicle's open TIP was recorded by another account (nothing of it is returned). */
int kp_store_tip_enter(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, kp_tip_t *tip, kp_tip_entry_result_t *res);
int kp_store_tip_get(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_tip_t *out);
/* *other: the plate (normalised) has an open TIP recorded by an account other than user_id. */
int kp_store_tip_held_by_other(kp_conn_t *c, kp_arena_t *a, const char *plate, int64_t user_id, bool *other);
/* user_id 0: all; status NULL: any; expiring_before 0: no bound (else open TIPs expiring
 * on or before that day). Soonest expiry first. */
int kp_store_tip_list(kp_conn_t *c, kp_arena_t *a, int64_t user_id, const char *status, int64_t expiring_before,
                      int limit, kp_tip_t **out, int *n);
/* A page of the same; page->q searches the plate, VIN, make and owner. *total: all that match. */
int kp_store_tip_page(kp_conn_t *c, kp_arena_t *a, int64_t user_id, const char *status, int64_t expiring_before,
                      const kp_page_t *page, kp_tip_t **out, int *n, int64_t *total);
/* Leaving through a checkpoint to a country: the TIP ends unless the country is a union
 * member. KP_DB_CONFLICT when the TIP is closed or the exit is before the entry. *ended tells. */
int kp_store_tip_exit(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, int64_t id, int64_t day,
                      const char *checkpoint, const char *to_country, bool *ended);

/* Signs an ecotax receipt's credential. */
typedef struct kp_receipt_signer {
	void *ctx;
	int (*sign)(void *ctx, kp_arena_t *a, const kp_tip_t *tip, int64_t payment_id, int64_t paid_at,
	            const char **credential, const char **kid);
} kp_receipt_signer_t;
/* Record the ecotax payment of a TIP with its signed receipt. KP_DB_CONFLICT when nothing
 * is due or it is paid already. */
int kp_store_ecotax_pay(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, int64_t tip_id, const char *reference,
                        const kp_receipt_signer_t *signer);

#endif

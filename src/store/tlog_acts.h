/* tlog_acts.h: the leaves of kapka's own acts (permits, applications, quotas, keys, rule
 * data), built in one place so that what is public and what is only committed to is
 * decided once. Each calls kp_tlog_append inside the caller's transaction. */
#ifndef KP_STORE_TLOG_ACTS_H
#define KP_STORE_TLOG_ACTS_H

#include "store/permits.h"
#include "store/tlog.h"

/* An act appended late (kp_tlog_backfill): at is when it happened, backfilled_at when it
 * was appended; the leaf carries both. The _late calls take NULL for an act appended now. */
typedef struct kp_tlog_late {
	int64_t at, backfilled_at;
} kp_tlog_late_t;

/* What a permit's leaves commit to (a new object): {"company_id","company_name","permit",
 * "plate"}. The holder gets it with the salt; verifiers recompute it from the permit. */
json_t *kp_tlog_permit_personal(const kp_permit_t *p);
/* kind: permit.issue, permit.revoke, permit.return. reason (withdrawals) is committed to,
 * not published: an officer's free text may name people. */
int kp_tlog_permit(kp_conn_t *c, const char *kind, const kp_permit_t *p, const char *reason);
int kp_tlog_permit_late(kp_conn_t *c, const char *kind, const kp_permit_t *p, const char *reason,
                        const kp_tlog_late_t *late);
/* A permit used at a border (ENTRANCE/EXIT). */
int kp_tlog_permit_use(kp_conn_t *c, const kp_permit_t *p, const kp_activity_row_t *act, bool used_up);
/* kind: application.refuse (reasons are the refusal codes) or application.reject (the
 * ministry's decision; its reason text is committed to). ap->id 0: refused before storing. */
int kp_tlog_application(kp_conn_t *c, const char *kind, const kp_application_t *ap, const kp_check_failure_t *reasons,
                        int nreasons, const char *reason);
/* kind: quota.create or quota.adjust. The leaf names issuer and verifier, so a reader
 * sees which quotas were granted (we verify) and which received (we issue). */
int kp_tlog_quota(kp_conn_t *c, const char *kind, const kp_quota_t *q);
int kp_tlog_quota_late(kp_conn_t *c, const char *kind, const kp_quota_t *q, const kp_tlog_late_t *late);
/* A key added to or revoked from an authority's key set: kind key.add / key.revoke. */
int kp_tlog_key_change(kp_conn_t *c, const char *kind, const char *authority, const char *kid, const char *jwk);
int kp_tlog_key_change_late(kp_conn_t *c, const char *kind, const char *authority, const char *kid, const char *jwk,
                            const kp_tlog_late_t *late);
struct kp_zone_app;
struct kp_zone_permit;
/* A border-zone permit: kind zone_permit.issue (paid), zone_permit.extend, zone_permit.revoke.
 * The traveller's name and passport are committed to; zones and dates are public. */
int kp_tlog_zone_permit(kp_conn_t *c, const char *kind, const struct kp_zone_app *x, const struct kp_zone_permit *p,
                        const char *reason);
/* A change of rule data by the ministry: kind rules.<table>, object the row's key, after
 * the new row (borrowed; must hold no personal data). */
int kp_tlog_rules(kp_conn_t *c, const char *table, const char *object, json_t *after);

/* Inside the transaction of migration version (under the migration lock, so exactly once):
 * append every act `kapka log verify` would find missing from the log (tlog_backfill.c) as
 * of late {its own time, now}, and record the run in tlog_backfills. *added: leaves appended. */
int kp_tlog_backfill(kp_conn_t *c, int version, int64_t now, int *added);

#endif

/* checkpoint_views.h: JSON views shared by the checkpoint, crossing and queue resources. */
#ifndef KP_CHECKPOINT_VIEWS_H
#define KP_CHECKPOINT_VIEWS_H

#include "api/api.h"
#include "domain/account.h"
#include "store/checkpoints.h"

/* A checkpoint; detailed adds hours, closures, season, holiday rule and time zones. */
json_t *kp_api_checkpoint_json(const kp_checkpoint_t *cp, bool detailed);
/* A status answer: open, reasons with messages, next opening, local times per side. */
json_t *kp_api_cp_status_json(const kp_checkpoint_t *cp, const kp_cp_status_t *st, int64_t at, unsigned mode);
json_t *kp_api_crossing_json(const kp_crossing_t *x);
json_t *kp_api_slot_json(const kp_slot_t *s);
json_t *kp_api_booking_json(const kp_booking_t *b);
/* Data named in each language, {"en", "ky", "ru"} (a missing one null), or null without
 * the English; pages show the page's language and fall back to the English. */
json_t *kp_api_names_json(const char *en, const char *ky, const char *ru);
/* ISO time or JSON null for 0. */
json_t *kp_api_time_or_null(int64_t t);
/* The query's at (default now; no zone: local at offset), mode and foreign; answers 400
 * and returns -1 when one is bad. */
int kp_api_status_query(kp_req_t *req, int offset, int64_t *at, unsigned *mode, bool *foreign);

/* ?name=true|false|1|0 (absent: false); answers 400 and returns -1 otherwise. */
int kp_api_query_bool(kp_req_t *req, const char *name, bool *out);

#endif

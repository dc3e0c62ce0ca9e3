/* agency.h: the agency exchange's rules: the services kapka offers agencies, which agency a
 * crossing flag or an equipment reading concerns, when a reading trips a threshold, and the
 * Standard Webhooks retry schedule. Pure: no I/O. */
#ifndef KP_DOMAIN_AGENCY_H
#define KP_DOMAIN_AGENCY_H

#include <stdbool.h>
#include <stdint.h>

/* Services an agency can be granted (each is a stream of events and the reads behind it):
 * ecmr (seals, pre-arrival), permits (issued, used, revoked), crossings (registered),
 * equipment (weighbridge, scanner, radiation, camera readings), inspections (flags and
 * tasks). */
bool kp_agency_service_valid(const char *service);
/* Agency kinds: customs, border_service, phytosanitary, veterinary, transport_inspection,
 * sanitary_epidemiological. */
bool kp_agency_kind_valid(const char *kind);

/* The agency kind that inspects a crossing flag (OVERWEIGHT, NO_PERMIT, SCAN_ALARM,
 * XRAY_ALARM, RADIATION_ALARM); NULL for a flag no agency inspects. */
const char *kp_agency_for_flag(const char *flag);

/* Radiation above this dose rate (µSv/h) trips the portal's threshold. */
#define KP_RADIATION_THRESHOLD_USVH 0.3

/* Whether an equipment reading trips its threshold: weighbridge value (kg) above max_kg (0:
 * none), radiation value above KP_RADIATION_THRESHOLD_USVH or result "alarm", scanner result
 * "alarm". *flag gets the crossing flag it stands for (static), NULL when none. */
bool kp_agency_reading_trips(const char *kind, double value, bool has_value, const char *result, int64_t max_kg,
                             const char **flag);

/* Seconds to wait before the next attempt after `failures` failed ones, from a schedule like
 * "5,300,1800" (Standard Webhooks: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h); -1 when the
 * schedule is used up (the delivery goes to the dead letters) or malformed. */
long long kp_agency_retry_after(const char *schedule, int failures);

/* An agency's webhook endpoint: active, or disabled (by the agency, or when it answered
 * 410 Gone); the agency sets either at any time. */
#define KP_AGENCY_ENDPOINT_S_ACTIVE "active"
#define KP_AGENCY_ENDPOINT_S_DISABLED "disabled"
bool kp_agency_endpoint_status_known(const char *s);

/* An event's delivery to one endpoint: pending until an attempt delivers it, or the retry
 * schedule is used up and it goes to the dead letters; the agency replays one not
 * delivered, pending again. */
#define KP_AGENCY_DELIVERY_S_PENDING "pending"
#define KP_AGENCY_DELIVERY_S_DELIVERED "delivered"
#define KP_AGENCY_DELIVERY_S_DEAD "dead"
typedef enum kp_agency_delivery_action {
	KP_AGENCY_DELIVERY_OK,      /* an attempt delivered it */
	KP_AGENCY_DELIVERY_RETRY,   /* an attempt failed; another is scheduled */
	KP_AGENCY_DELIVERY_GIVE_UP, /* an attempt failed and the schedule is used up */
	KP_AGENCY_DELIVERY_REPLAY,  /* the agency asks for it again */
} kp_agency_delivery_action_t;
/* The status action leads to from status; NULL when it is not allowed there. Static. */
const char *kp_agency_delivery_next(const char *status, kp_agency_delivery_action_t action);
bool kp_agency_delivery_status_known(const char *s);
/* Quoted for the store's SQL IN list (a statement stays a literal, db.h): the statuses a
 * replay moves from. */
#define KP_AGENCY_DELIVERY_REPLAYABLE_SQL "('" KP_AGENCY_DELIVERY_S_PENDING "', '" KP_AGENCY_DELIVERY_S_DEAD "')"

/* An inspection task: open from the flag or reading that raised it until the agency closes
 * it. */
#define KP_AGENCY_TASK_S_OPEN "open"
#define KP_AGENCY_TASK_S_CLOSED "closed"
typedef enum kp_agency_task_action {
	KP_AGENCY_TASK_CLOSE,
} kp_agency_task_action_t;
const char *kp_agency_task_next(const char *status, kp_agency_task_action_t action);
bool kp_agency_task_status_known(const char *s);

#endif

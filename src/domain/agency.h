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

#endif

/* agency.c: the agency exchange's rules (see agency.h). */
#include "domain/agency.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

static bool in(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

bool kp_agency_service_valid(const char *service)
{
	static const char *const services[] = {"ecmr", "permits", "crossings", "equipment", "inspections"};
	return in(service, services, KP_ARRAY_LEN(services));
}

bool kp_agency_kind_valid(const char *kind)
{
	static const char *const kinds[] = {"customs",    "border_service",       "phytosanitary",
	                                    "veterinary", "transport_inspection", "sanitary_epidemiological"};
	return in(kind, kinds, KP_ARRAY_LEN(kinds));
}

const char *kp_agency_for_flag(const char *flag)
{
	static const struct {
		const char *flag, *kind;
	} map[] = {
	    {"OVERWEIGHT", "transport_inspection"},
	    {"NO_PERMIT", "transport_inspection"},
	    {"SCAN_ALARM", "customs"},
	    {"XRAY_ALARM", "customs"},
	    {"RADIATION_ALARM", "sanitary_epidemiological"},
	};
	for (size_t i = 0; flag && i < KP_ARRAY_LEN(map); i++)
		if (strcmp(flag, map[i].flag) == 0)
			return map[i].kind;
	return NULL;
}

bool kp_agency_reading_trips(const char *kind, double value, bool has_value, const char *result, int64_t max_kg,
                             const char **flag)
{
	bool alarm = result && strcmp(result, "alarm") == 0;
	*flag = NULL;
	if (!kind)
		return false;
	if (!strcmp(kind, "weighbridge") && has_value && max_kg > 0 && value > (double)max_kg)
		*flag = "OVERWEIGHT";
	else if (!strcmp(kind, "radiation") && (alarm || (has_value && value > KP_RADIATION_THRESHOLD_USVH)))
		*flag = "RADIATION_ALARM";
	else if (!strcmp(kind, "scanner") && alarm)
		*flag = "SCAN_ALARM";
	return *flag != NULL;
}

long long kp_agency_retry_after(const char *schedule, int failures)
{
	if (!schedule || failures < 1)
		return -1;
	const char *p = schedule;
	for (int i = 1;; i++) {
		char *end;
		long long v = strtoll(p, &end, 10);
		if (end == p || v < 0)
			return -1;
		if (i == failures)
			return v;
		if (*end != ',')
			return -1;
		p = end + 1;
	}
}

bool kp_agency_endpoint_status_known(const char *s)
{
	return s && (!strcmp(s, KP_AGENCY_ENDPOINT_S_ACTIVE) || !strcmp(s, KP_AGENCY_ENDPOINT_S_DISABLED));
}

/* Each move a delivery makes: from which status, by which action, to which. */
static const struct delivery_move {
	const char *from;
	kp_agency_delivery_action_t action;
	const char *to;
} delivery_moves[] = {
    {KP_AGENCY_DELIVERY_S_PENDING, KP_AGENCY_DELIVERY_OK, KP_AGENCY_DELIVERY_S_DELIVERED},
    {KP_AGENCY_DELIVERY_S_PENDING, KP_AGENCY_DELIVERY_RETRY, KP_AGENCY_DELIVERY_S_PENDING},
    {KP_AGENCY_DELIVERY_S_PENDING, KP_AGENCY_DELIVERY_GIVE_UP, KP_AGENCY_DELIVERY_S_DEAD},
    {KP_AGENCY_DELIVERY_S_PENDING, KP_AGENCY_DELIVERY_REPLAY, KP_AGENCY_DELIVERY_S_PENDING},
    {KP_AGENCY_DELIVERY_S_DEAD, KP_AGENCY_DELIVERY_REPLAY, KP_AGENCY_DELIVERY_S_PENDING},
};

const char *kp_agency_delivery_next(const char *status, kp_agency_delivery_action_t action)
{
	for (size_t i = 0; status && i < KP_ARRAY_LEN(delivery_moves); i++)
		if (delivery_moves[i].action == action && !strcmp(delivery_moves[i].from, status))
			return delivery_moves[i].to;
	return NULL;
}

bool kp_agency_delivery_status_known(const char *s)
{
	return s && (!strcmp(s, KP_AGENCY_DELIVERY_S_PENDING) || !strcmp(s, KP_AGENCY_DELIVERY_S_DELIVERED) ||
	             !strcmp(s, KP_AGENCY_DELIVERY_S_DEAD));
}

const char *kp_agency_task_next(const char *status, kp_agency_task_action_t action)
{
	if (action == KP_AGENCY_TASK_CLOSE && status && !strcmp(status, KP_AGENCY_TASK_S_OPEN))
		return KP_AGENCY_TASK_S_CLOSED;
	return NULL;
}

bool kp_agency_task_status_known(const char *s)
{
	return s && (!strcmp(s, KP_AGENCY_TASK_S_OPEN) || !strcmp(s, KP_AGENCY_TASK_S_CLOSED));
}

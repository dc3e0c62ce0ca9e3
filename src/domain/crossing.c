/* crossing.c: crossing flags, vehicle kinds, the queue's priority lane, percentiles. */
#include "domain/crossing.h"

#include <stdio.h>
#include <string.h>

static const char *const flag_names[KP_FLAG_COUNT] = {"NO_PERMIT", "OVERWEIGHT", "SCAN_ALARM", "XRAY_ALARM",
                                                      "RADIATION_ALARM"};

static bool alarm(const char *result)
{
	return result && strcmp(result, "alarm") == 0;
}

unsigned kp_crossing_flags(const kp_crossing_facts_t *f)
{
	unsigned flags = 0;
	if (f->needs_permit && !f->permit_ok)
		flags |= KP_FLAG_NO_PERMIT;
	if (f->max_weight_kg > 0 && f->weight_kg > f->max_weight_kg)
		flags |= KP_FLAG_OVERWEIGHT;
	if (alarm(f->scan))
		flags |= KP_FLAG_SCAN_ALARM;
	if (alarm(f->xray))
		flags |= KP_FLAG_XRAY_ALARM;
	if (alarm(f->radiation))
		flags |= KP_FLAG_RADIATION_ALARM;
	return flags;
}

void kp_crossing_flags_text(unsigned flags, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = '\0';
	for (int i = 0; i < KP_FLAG_COUNT; i++)
		if (flags & (1u << i)) {
			int n = snprintf(buf + o, len - o, "%s%s", o ? "," : "", flag_names[i]);
			if (n < 0 || (size_t)n >= len - o)
				return;
			o += (size_t)n;
		}
}

const char *kp_crossing_flag_name(unsigned flag)
{
	for (int i = 0; i < KP_FLAG_COUNT; i++)
		if (flag == 1u << i)
			return flag_names[i];
	return NULL;
}

static const char *const kinds[] = {"car", "motorcycle", "bus", "truck", "tractor", "bicycle"};

const char *kp_check_crossing_kind(const char *kind)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kind, kinds[i]) == 0)
			return NULL;
	return "must be car, motorcycle, bus, truck, tractor or bicycle";
}

bool kp_kind_is_freight(const char *kind)
{
	return kind && (strcmp(kind, "truck") == 0 || strcmp(kind, "tractor") == 0);
}

const char *kp_kind_flow(const char *kind)
{
	if (kind == NULL || strcmp(kind, "bicycle") == 0)
		return "pedestrian";
	if (strcmp(kind, "bus") == 0)
		return "bus";
	if (kp_kind_is_freight(kind))
		return "truck";
	return "car";
}

const char *kp_check_priority(const char *priority)
{
	static const char *const names[] = {"perishable", "dangerous", "humanitarian", "postal"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(priority, names[i]) == 0)
			return NULL;
	return "must be perishable, dangerous, humanitarian or postal";
}

int kp_queue_priority_cap(int capacity, int share_percent)
{
	if (capacity <= 0 || share_percent <= 0)
		return 0;
	int cap = (int)((int64_t)capacity * share_percent / 100);
	return cap > 0 ? cap : 1;
}

int64_t kp_percentile(const int64_t *sorted, int n, int p)
{
	if (n <= 0)
		return 0;
	int rank = (int)(((int64_t)p * n + 99) / 100); /* ceil(p/100 * n) */
	if (rank < 1)
		rank = 1;
	return sorted[rank - 1];
}

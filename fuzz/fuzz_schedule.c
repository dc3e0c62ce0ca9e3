/* fuzz_schedule.c: libFuzzer target for the checkpoint schedule (src/domain/schedule.c):
 * kp_parse_instant reads the `at` of every status question and closure, and kp_cp_status
 * answers them. The input is a time text, a NUL, then bytes that make up a schedule (two
 * sides' windows, a season, a closure). An accepted time must format back to itself; an open
 * answer has no reasons; a next opening lies after the moment asked about and is open. */
#include "domain/dates.h"
#include "domain/schedule.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t take(const uint8_t **p, const uint8_t *end)
{
	return *p < end ? *(*p)++ : 0;
}

static void build(kp_cp_schedule_t *s, kp_cp_closure_t *c, const uint8_t *p, const uint8_t *end)
{
	static const kp_holiday_t hol[] = {{"KG", 0, 1, 1, "New Year", NULL, NULL},
	                                          {"CN", 2026, 10, 1, "National Day", NULL, NULL}};
	memset(s, 0, sizeof(*s));
	const char *countries[2] = {"KG", "CN"};
	for (int i = 0; i < 2; i++) {
		memcpy(s->sides[i].country, countries[i], 3);
		s->sides[i].offset_minutes = (int)(take(&p, end) % 29) * 60 - 840;
		s->sides[i].nwindows = take(&p, end) % (KP_CP_MAX_WINDOWS + 1);
		for (int w = 0; w < s->sides[i].nwindows; w++) {
			int from = (take(&p, end) * 6) % 1440, len = 1 + (take(&p, end) * 6) % 1440;
			s->sides[i].windows[w] = (kp_cp_window_t){(unsigned char)(take(&p, end) & 0x7f), (short)from,
			                                          (short)(from + len > 1440 ? 1440 : from + len), take(&p, end) & 1};
		}
	}
	s->modes = take(&p, end) & 0x3f;
	s->foreigners = take(&p, end) & 1;
	s->holiday_rule = take(&p, end) % 3;
	s->holidays = hol;
	s->nholidays = 2;
	if (take(&p, end) & 1) {
		s->season_from_m = (signed char)(1 + take(&p, end) % 12), s->season_from_d = (signed char)(1 + take(&p, end) % 28);
		s->season_to_m = (signed char)(1 + take(&p, end) % 12), s->season_to_d = (signed char)(1 + take(&p, end) % 28);
	}
	if (take(&p, end) & 1) {
		c->from = 1790000000 + (int64_t)take(&p, end) * 86400;
		c->to = (take(&p, end) & 1) ? c->from + 1 + (int64_t)take(&p, end) * 3600 : 0;
		c->reason = "fuzz";
		s->closures = c;
		s->nclosures = 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t tlen = nul ? (size_t)(nul - data) : size;
	char text[64];
	if (tlen >= sizeof(text))
		return 0;
	memcpy(text, data, tlen);
	text[tlen] = '\0';
	int64_t at;
	if (kp_parse_instant(text, 360, &at) != 0)
		return 0;
	char back[17];
	kp_format_local(at, 360, back);
	if (strchr(text, 'Z') == NULL && strchr(text + 10, '+') == NULL && strchr(text + 10, '-') == NULL &&
	    strncmp(back, text, 16) != 0)
		abort(); /* a local time reads back as written */
	kp_cp_schedule_t s;
	kp_cp_closure_t c;
	const uint8_t *p = nul ? nul + 1 : data + size;
	build(&s, &c, p, data + size);
	unsigned mode = nul && (size_t)(nul - data) + 1 < size ? 1u << (data[size - 1] % 7) : 0;
	if (mode == 1u << 6)
		mode = 0;
	kp_cp_status_t st, again;
	kp_cp_status(&s, at, mode, false, &st);
	if (st.open != (st.nreasons == 0))
		abort();
	if (!st.open && st.next_open) {
		if (st.next_open <= at)
			abort();
		kp_cp_status(&s, st.next_open, mode, false, &again);
		if (!again.open)
			abort();
	}
	return 0;
}

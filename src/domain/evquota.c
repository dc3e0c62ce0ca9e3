/* evquota.c: pro-rata shares of an oversubscribed day and the critical flag of the
 * duty-free electric-vehicle quota. */
#include "domain/evquota.h"

#include <stdlib.h>
#include <string.h>

bool kp_ev_kind_admitted(const json_t *kinds, const char *kind)
{
	size_t i;
	json_t *k;
	json_array_foreach(kinds, i, k)
		if (kind && json_is_string(k) && strcmp(json_string_value(k), kind) == 0)
			return true;
	return false;
}

void kp_ev_pro_rata(int64_t left, kp_ev_share_t *c, int n)
{
	int64_t demand = 0;
	for (int i = 0; i < n; i++)
		demand += c[i].requested > 0 ? c[i].requested : 0;
	if (left < 0)
		left = 0;
	if (demand <= left) {
		for (int i = 0; i < n; i++)
			c[i].granted = c[i].requested > 0 ? c[i].requested : 0;
		return;
	}
	/* floor(left * requested / demand), exact in 128 bits */
	int64_t given = 0;
	int64_t *rem = calloc((size_t)(n > 0 ? n : 1), sizeof(*rem));
	if (rem == NULL)
		abort();
	for (int i = 0; i < n; i++) {
		__int128 num = (__int128)left * (c[i].requested > 0 ? c[i].requested : 0);
		c[i].granted = (int64_t)(num / demand);
		rem[i] = (int64_t)(num % demand);
		given += c[i].granted;
	}
	/* the units still left go one each to the largest remainders, ties by key */
	while (given < left) {
		int best = -1;
		for (int i = 0; i < n; i++) {
			if (c[i].granted >= c[i].requested || rem[i] < 0)
				continue;
			if (best < 0 || rem[i] > rem[best] || (rem[i] == rem[best] && c[i].key < c[best].key))
				best = i;
		}
		if (best < 0)
			break;
		c[best].granted++;
		rem[best] = -1;
		given++;
	}
	free(rem);
}

bool kp_ev_critical(int64_t total, int64_t remaining, int critical_percent)
{
	if (total <= 0)
		return true;
	return remaining * 100 <= total * (int64_t)critical_percent;
}

uint64_t kp_ev_tie_key(int64_t application_id, int64_t day)
{
	uint64_t h = 1469598103934665603ull;
	int64_t v[2] = {application_id, day};
	const unsigned char *p = (const unsigned char *)v;
	for (size_t i = 0; i < sizeof(v); i++) {
		h ^= p[i];
		h *= 1099511628211ull;
	}
	return h;
}

const char *kp_ev_claim_first(bool fits)
{
	return fits ? KP_EV_CLAIM_S_RESERVED : KP_EV_CLAIM_S_PENDING;
}

/* Each move a claim makes: from which state, by which action, to which. */
static const struct ev_move {
	const char *from;
	kp_ev_claim_action_t action;
	const char *to;
} ev_moves[] = {
    {KP_EV_CLAIM_S_RESERVED, KP_EV_OVERSUBSCRIBED, KP_EV_CLAIM_S_PENDING},
    {KP_EV_CLAIM_S_PENDING, KP_EV_SHARE_GRANTED, KP_EV_CLAIM_S_RESERVED},
    {KP_EV_CLAIM_S_PENDING, KP_EV_SHARE_NONE, KP_EV_CLAIM_S_RELEASED},
    {KP_EV_CLAIM_S_RESERVED, KP_EV_ALLOCATE, KP_EV_CLAIM_S_ALLOCATED},
    {KP_EV_CLAIM_S_RESERVED, KP_EV_RELEASE, KP_EV_CLAIM_S_RELEASED},
    {KP_EV_CLAIM_S_PENDING, KP_EV_RELEASE, KP_EV_CLAIM_S_RELEASED},
};

const char *kp_ev_claim_next(const char *state, kp_ev_claim_action_t action)
{
	for (size_t i = 0; state && i < sizeof(ev_moves) / sizeof(ev_moves[0]); i++)
		if (ev_moves[i].action == action && strcmp(ev_moves[i].from, state) == 0)
			return ev_moves[i].to;
	return NULL;
}

bool kp_ev_claim_holds(const char *state)
{
	return state && (!strcmp(state, KP_EV_CLAIM_S_RESERVED) || !strcmp(state, KP_EV_CLAIM_S_ALLOCATED));
}

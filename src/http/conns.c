/* conns.c: open connections per client address (conns.h): open addressing with linear
 * probing; an address's slot is emptied when its last connection closes, so a lookup stops
 * at the first empty slot however many addresses have come and gone. */
#include "http/conns.h"
#include "core/util.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONN_SLOTS 8192

struct kp_conn_slot {
	char addr[48];
	uint64_t hash;
	int count; /* 0: the slot is empty */
};

void kp_conns_init(kp_conns_t *t)
{
	pthread_mutex_init(&t->lock, NULL);
	t->slots = kp_calloc(CONN_SLOTS, sizeof(kp_conn_slot_t));
	t->total = 0;
}

void kp_conns_cleanup(kp_conns_t *t)
{
	free(t->slots);
	t->slots = NULL;
	pthread_mutex_destroy(&t->lock);
}

static uint64_t addr_hash(const char *addr)
{
	uint64_t hash = 1469598103934665603ull; /* FNV-1a */
	for (const char *p = addr; *p; p++)
		hash = (hash ^ (unsigned char)*p) * 1099511628211ull;
	return hash;
}

/* The slot of addr, or the empty slot where it goes; NULL when every slot holds another
 * address. The caller holds the lock. */
static kp_conn_slot_t *conn_slot(kp_conns_t *t, const char *addr, uint64_t hash)
{
	for (int i = 0; i < CONN_SLOTS; i++) {
		kp_conn_slot_t *s = &t->slots[(hash + (uint64_t)i) % CONN_SLOTS];
		if (s->count == 0 || strcmp(s->addr, addr) == 0)
			return s;
	}
	return NULL;
}

/* Empty the slot whose count fell to 0, moving back the entries after it that would
 * otherwise no longer be found (backward-shift deletion). The caller holds the lock. */
static void conn_slot_remove(kp_conns_t *t, kp_conn_slot_t *gone)
{
	size_t hole = (size_t)(gone - t->slots);
	for (size_t j = (hole + 1) % CONN_SLOTS; t->slots[j].count > 0; j = (j + 1) % CONN_SLOTS) {
		size_t home = t->slots[j].hash % CONN_SLOTS;
		/* the entry at j stays when its home lies cyclically in (hole, j] */
		bool stays = hole <= j ? home > hole && home <= j : home > hole || home <= j;
		if (stays)
			continue;
		t->slots[hole] = t->slots[j];
		hole = j;
		t->slots[hole].count = 0;
	}
	t->slots[hole].count = 0;
	t->slots[hole].addr[0] = '\0';
}

void kp_conns_count(kp_conns_t *t, const char *addr, int *mine, int *total)
{
	pthread_mutex_lock(&t->lock);
	kp_conn_slot_t *slot = conn_slot(t, addr, addr_hash(addr));
	*mine = slot ? slot->count : 0;
	*total = t->total;
	pthread_mutex_unlock(&t->lock);
}

void kp_conns_note(kp_conns_t *t, const char *addr, bool opened)
{
	uint64_t hash = addr_hash(addr);
	pthread_mutex_lock(&t->lock);
	kp_conn_slot_t *slot = conn_slot(t, addr, hash);
	if (slot && opened) {
		if (slot->count == 0) {
			snprintf(slot->addr, sizeof(slot->addr), "%s", addr);
			slot->hash = hash;
		}
		slot->count++;
		t->total++;
	} else if (slot && slot->count > 0) {
		t->total--;
		if (--slot->count == 0)
			conn_slot_remove(t, slot);
	}
	pthread_mutex_unlock(&t->lock);
}

/* tree.c: the in-memory Merkle tree of the log and its C2SP tiles. */
#include "tlog/tree.h"
#include "core/util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LEVELS 64

struct kp_tlog_tree {
	pthread_rwlock_t lock;
	int64_t size;
	/* level[h][i]: hash of leaves [i << h, (i + 1) << h); count[h] = size >> h */
	kp_hash_t *level[MAX_LEVELS];
	int64_t count[MAX_LEVELS], cap[MAX_LEVELS];
};

kp_tlog_tree_t *kp_tlog_tree_new(void)
{
	kp_tlog_tree_t *t = kp_calloc(1, sizeof(*t));
	pthread_rwlock_init(&t->lock, NULL);
	return t;
}

void kp_tlog_tree_free(kp_tlog_tree_t *t)
{
	if (t == NULL)
		return;
	for (int h = 0; h < MAX_LEVELS; h++)
		free(t->level[h]);
	pthread_rwlock_destroy(&t->lock);
	free(t);
}

void kp_tlog_tree_rdlock(kp_tlog_tree_t *t)
{
	pthread_rwlock_rdlock(&t->lock);
}

void kp_tlog_tree_unlock(kp_tlog_tree_t *t)
{
	pthread_rwlock_unlock(&t->lock);
}

int64_t kp_tlog_tree_size(kp_tlog_tree_t *t)
{
	return t->size;
}

static void push(kp_tlog_tree_t *t, int h, const kp_hash_t hash)
{
	if (t->count[h] == t->cap[h]) {
		t->cap[h] = t->cap[h] ? t->cap[h] * 2 : 1024;
		t->level[h] = realloc(t->level[h], (size_t)t->cap[h] * sizeof(kp_hash_t));
		if (t->level[h] == NULL)
			kp_fatal("out of memory growing the Merkle tree");
	}
	memcpy(t->level[h][t->count[h]++], hash, KP_HASH_SIZE);
}

void kp_tlog_tree_append(kp_tlog_tree_t *t, const kp_hash_t *leaves, int64_t n)
{
	pthread_rwlock_wrlock(&t->lock);
	for (int64_t i = 0; i < n; i++) {
		push(t, 0, leaves[i]);
		/* Each completed pair at level h makes one hash at level h + 1. */
		for (int h = 0; h + 1 < MAX_LEVELS && (t->count[h] & 1) == 0; h++) {
			kp_hash_t parent;
			kp_merkle_node_hash(t->level[h][t->count[h] - 2], t->level[h][t->count[h] - 1], parent);
			push(t, h + 1, parent);
		}
		t->size++;
	}
	pthread_rwlock_unlock(&t->lock);
}

int kp_tlog_tree_get(void *ctx, int level, int64_t index, kp_hash_t out)
{
	kp_tlog_tree_t *t = ctx;
	if (level < 0 || level >= MAX_LEVELS || index < 0 || index >= t->count[level])
		return -1;
	memcpy(out, t->level[level][index], KP_HASH_SIZE);
	return 0;
}

int kp_tlog_tile_width(int64_t size, int L, int64_t N)
{
	if (L < 0 || L > 63 || N < 0 || size <= 0 || KP_TILE_HEIGHT * L >= 63)
		return 0;
	int64_t hashes = size >> (KP_TILE_HEIGHT * L); /* complete hashes at tree level 8L */
	if (N > hashes / KP_TILE_WIDTH)
		return 0;
	int64_t w = hashes - N * KP_TILE_WIDTH;
	return w <= 0 ? 0 : w >= KP_TILE_WIDTH ? KP_TILE_WIDTH : (int)w;
}

int kp_tlog_tree_tile(kp_tlog_tree_t *t, int64_t size, int L, int64_t N, int w, uint8_t *out)
{
	if (size > t->size || w < 1 || w > kp_tlog_tile_width(size, L, N))
		return -1;
	int h = KP_TILE_HEIGHT * L;
	memcpy(out, t->level[h][N * KP_TILE_WIDTH], (size_t)w * KP_HASH_SIZE);
	return 0;
}

void kp_tlog_tile_path(int64_t n, int w, char *out, size_t len)
{
	int groups[8], k = 0;
	do {
		groups[k++] = (int)(n % 1000);
		n /= 1000;
	} while (n > 0 && k < 8);
	size_t o = 0;
	out[0] = '\0';
	for (int i = k - 1; i >= 0 && o < len; i--)
		o += (size_t)snprintf(out + o, len - o, i > 0 ? "x%03d/" : "%03d", groups[i]);
	if (w < KP_TILE_WIDTH && o < len)
		snprintf(out + o, len - o, ".p/%d", w);
}

/* registry.c: the in-memory checkpoint registry behind a read-write lock. */
#include "store/registry.h"
#include "core/log.h"
#include "core/util.h"
#include "store/rules.h"

#include <pthread.h>
#include <stdlib.h>

struct kp_registry {
	kp_store_t *store;
	int64_t next_due; /* a rule change's instant: the registry reloads at its first use after it; 0: none */
	pthread_rwlock_t lock;
	pthread_mutex_t reloading; /* one reload at a time */
	kp_cp_set_t *set;
};

static kp_cp_set_t *load_set(kp_store_t *store, int64_t *next_due)
{
	kp_cp_set_t *set = kp_calloc(1, sizeof(*set));
	kp_arena_init(&set->arena);
	kp_conn_t *c = kp_store_acquire(store);
	/* rule changes that have come due are applied before the registry is read */
	int rc = kp_store_rule_changes_apply_due(c, kp_now());
	if (rc == KP_DB_OK)
		rc = kp_store_rule_changes_next_due(c, next_due);
	if (rc == KP_DB_OK)
		rc = kp_store_checkpoints_load(c, set);
	kp_store_release(store, c);
	if (rc != KP_DB_OK) {
		kp_error("the checkpoint registry could not be read");
		kp_arena_cleanup(&set->arena);
		free(set);
		return NULL;
	}
	return set;
}

static void free_set(kp_cp_set_t *set)
{
	if (set) {
		kp_arena_cleanup(&set->arena);
		free(set);
	}
}

kp_registry_t *kp_registry_open(kp_store_t *store)
{
	int64_t due = 0;
	kp_cp_set_t *set = load_set(store, &due);
	if (set == NULL)
		return NULL;
	kp_registry_t *r = kp_calloc(1, sizeof(*r));
	r->next_due = due;
	r->store = store;
	r->set = set;
	/* Writers first: under a steady stream of readers a reload must still get its turn. */
	pthread_rwlockattr_t attr;
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&r->lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	pthread_mutex_init(&r->reloading, NULL);
	return r;
}

void kp_registry_free(kp_registry_t *r)
{
	if (r == NULL)
		return;
	free_set(r->set);
	pthread_rwlock_destroy(&r->lock);
	pthread_mutex_destroy(&r->reloading);
	free(r);
}

/* Read the database again and swap the new set in; the caller holds r->reloading. */
static int reload_locked(kp_registry_t *r)
{
	int64_t due = 0;
	kp_cp_set_t *fresh = load_set(r->store, &due), *old = NULL;
	if (fresh) {
		__atomic_store_n(&r->next_due, due, __ATOMIC_RELEASE);
		pthread_rwlock_wrlock(&r->lock);
		old = r->set;
		r->set = fresh;
		pthread_rwlock_unlock(&r->lock);
	}
	free_set(old);
	return fresh ? 0 : -1;
}

int kp_registry_reload(kp_registry_t *r)
{
	pthread_mutex_lock(&r->reloading);
	int rc = reload_locked(r);
	pthread_mutex_unlock(&r->reloading);
	return rc;
}

#define DUE_RETRY_SECONDS 60

/* A rule change has come due: read it in first, once. Readers that find the due instant
 * passed queue on the reload lock, and all but the first find it already done; when the
 * reload fails the next try waits DUE_RETRY_SECONDS, not the next request. */
static void reload_if_due(kp_registry_t *r)
{
	int64_t due = __atomic_load_n(&r->next_due, __ATOMIC_ACQUIRE), now = kp_now();
	if (due == 0 || now < due)
		return;
	pthread_mutex_lock(&r->reloading);
	due = __atomic_load_n(&r->next_due, __ATOMIC_ACQUIRE);
	if (due && now >= due && reload_locked(r) != 0)
		__atomic_store_n(&r->next_due, now + DUE_RETRY_SECONDS, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&r->reloading);
}

const kp_cp_set_t *kp_registry_acquire(kp_registry_t *r)
{
	reload_if_due(r);
	pthread_rwlock_rdlock(&r->lock);
	return r->set;
}

void kp_registry_release(kp_registry_t *r)
{
	pthread_rwlock_unlock(&r->lock);
}

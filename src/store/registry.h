/* registry.h: the checkpoint registry held in memory, so that "is it open?" needs no
 * database round trip. Loaded at start and reloaded whenever the ministry changes a
 * checkpoint or a closure; readers never wait for a reload to read the database. */
#ifndef KP_REGISTRY_H
#define KP_REGISTRY_H

#include "store/checkpoints.h"

typedef struct kp_registry kp_registry_t;

/* Load the registry through the store; NULL (logged) when it cannot be read. */
kp_registry_t *kp_registry_open(kp_store_t *store);
void kp_registry_free(kp_registry_t *r);
/* Read the database again and swap the new set in; readers of the old one finish first. */
int kp_registry_reload(kp_registry_t *r);
/* The current set, valid until kp_registry_release; every acquire needs one release. */
const kp_cp_set_t *kp_registry_acquire(kp_registry_t *r);
void kp_registry_release(kp_registry_t *r);

#endif

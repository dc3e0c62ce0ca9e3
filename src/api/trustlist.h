/* trustlist.h: building the signed offline trust list (format in domain/trustlist.h and
 * docs/e-permit.md): used by GET /api/v1/trustlist and `kapka trustlist export`. */
#ifndef KP_API_TRUSTLIST_H
#define KP_API_TRUSTLIST_H

#include "app/keyring.h"

/* Every authority with keys: [{"code", "name", "keys": [JWK, ...]}]; revoked keys carry
 * revoked_at, or are left out unless with_revoked. NULL on a database error. */
json_t *kp_trustlist_authorities(kp_conn_t *c, kp_arena_t *a, bool with_revoked);

/* The whole file as malloc'd text, signed with our current key; NULL on failure. */
char *kp_trustlist_build(const kp_config_t *cfg, kp_keyring_t *keys, kp_conn_t *c, int64_t now);

#endif

/* keyring.h: the authority's signing key and the public keys of every authority, as the
 * application uses them to sign permit credentials and to verify credentials and events. */
#ifndef KP_KEYRING_H
#define KP_KEYRING_H

#include "core/config.h"
#include "crypto/keys.h"
#include "store/permits.h"

typedef struct kp_keyring kp_keyring_t;

/* Make a signing key for cfg->authority_code when the database has none, then load the
 * newest one. Prints the problem and returns NULL on failure. */
kp_keyring_t *kp_keyring_open(kp_store_t *store, const kp_config_t *cfg);
void kp_keyring_free(kp_keyring_t *k);
/* The key passphrase (borrowed; lives as long as the keyring): it also seals the
 * transparency log's key. */
const char *kp_keyring_passphrase(const kp_keyring_t *k);

/* A kp_signer_t for permits, signing with the current key. */
kp_signer_t kp_keyring_permit_signer(kp_keyring_t *k);
/* The current signing key (borrowed). */
const kp_key_t *kp_keyring_signing_key(kp_keyring_t *k);

/* The public key of authority+kid, from a cache or the store (borrowed; lives as long as
 * the keyring). NULL when unknown or revoked (*revoked set when it exists but is revoked). */
const kp_key_t *kp_keyring_lookup(kp_keyring_t *k, kp_conn_t *c, const char *authority, const char *kid, bool *revoked);

/* The credential's claims for a permit, in the order the universal verifier reads them:
 * {"id","iat","exp","pn","cn"}, dates as dd/MM/yyyy at the UTC offset. Caller decrefs. */
json_t *kp_permit_claims(const kp_permit_t *p, int utc_offset);

/* Make the newest unrevoked key of ours the signing key (another process may have made
 * one). 0 on success. */
int kp_keyring_reload(kp_keyring_t *k, kp_conn_t *c);
/* Sign payload with our key kid (NULL: the current one); *jws is malloc'd. */
int kp_keyring_sign(kp_keyring_t *k, kp_conn_t *c, const char *kid, const char *payload, char **jws);
/* Drop the cached public keys of authority (they changed); lookups read them again. */
void kp_keyring_forget(kp_keyring_t *k, const char *authority);
/* A new signing key: stored encrypted, announced to every partner (KEY_CREATED, signed with
 * the previous key), then current. kid receives its id. */
int kp_keyring_rotate(kp_keyring_t *k, kp_conn_t *c, const kp_actor_t *who, char kid[64]);
/* Revoke one of our keys (not the current one: rotate first) and tell every partner
 * (KEY_REVOKED). KP_DB_CONFLICT/NOTFOUND with *why = KEY_IN_USE, KEY_ALREADY_REVOKED or
 * KEY_NOTFOUND. */
int kp_keyring_revoke(kp_keyring_t *k, kp_conn_t *c, const kp_actor_t *who, const char *kid, const char **why);

/* A 32-byte secret for purpose (HMAC-SHA256 keyed by the key passphrase): keys kapka holds
 * on behalf of e-CMR parties are wrapped with it. */
void kp_keyring_secret(kp_keyring_t *k, const char *purpose, unsigned char out[32]);

#endif

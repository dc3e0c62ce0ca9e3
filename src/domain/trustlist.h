/* trustlist.h: the offline trust list (docs/e-permit.md#offline-trust-list): what a
 * border device needs to check permits with no network: every known authority's keys and
 * the ids of revoked permits, signed by the authority that issued the list.
 *
 * Revoked ids are grouped by ISSUER-VERIFIER-YEAR-TYPE; each group's serials are sorted,
 * stored as gaps in unsigned LEB128 (one byte for gaps below 128) and base64url-encoded,
 * so a million revocations take a few megabytes at most. Pure: no I/O. */
#ifndef KP_TRUSTLIST_H
#define KP_TRUSTLIST_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define KP_TRUSTLIST_MAGIC "kapka-trustlist 1"

/* Encode ids (any order; duplicates allowed) into {"GROUP": "b64url", ...}; ids that are
 * not permit ids go, sorted, into *other (a new array). Returns a new object. */
json_t *kp_trustlist_encode(const char *const *ids, int n, json_t **other);

/* Whether permit_id is in the encoded set (revoked: the object above; other: the array).
 * -1 when a group is corrupt. */
int kp_trustlist_contains(json_t *revoked, json_t *other, const char *permit_id);

/* Whether country takes part in organisation's permit system on day (days since 1970),
 * by a members object {"TRACECA": [{"member": "KG", "from": "2025-12-16", "to": null}]}
 * (trust lists and the shared verdict cases carry one). */
bool kp_trustlist_member(json_t *members, const char *organisation, const char *country, int64_t day);

/* Count of ids in the encoded set; -1 when corrupt. */
long kp_trustlist_count(json_t *revoked);

#endif

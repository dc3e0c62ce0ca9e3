/* transparency.h: the public transparency log over HTTP: the C2SP tlog-tiles resources
 * under /log/ (checkpoint, tiles, entry bundles) and the JSON API under
 * /api/v1/transparency (log key, proofs, leaves, a permit's offline proof). */
#ifndef KP_API_TRANSPARENCY_H
#define KP_API_TRANSPARENCY_H

#include "http/http.h"
#include <jansson.h>
#include "tlog/merkle.h"

struct kp_tlog;
struct kp_conn;

void kp_api_log_checkpoint(kp_req_t *req);
void kp_api_log_tile(kp_req_t *req);
void kp_api_transparency_info(kp_req_t *req);
void kp_api_transparency_inclusion(kp_req_t *req);
void kp_api_transparency_consistency(kp_req_t *req);
void kp_api_transparency_leaf(kp_req_t *req);
void kp_api_transparency_permit(kp_req_t *req);

/* The tlog-proof@v1 text for the newest leaf about object (a permit id), against the
 * latest checkpoint; *index gets its leaf index. NULL (and *index -1) when the object has
 * no leaf yet under a signed checkpoint. malloc'd. */
char *kp_api_tlog_object_proof(struct kp_tlog *l, struct kp_conn *c, const char *object, int64_t *index);

/* Add "transparency": {"leaf_index", "proof" (tlog-proof text), "log_key"} to a permit's
 * JSON view o, or {"leaf_index": null} while its leaf awaits the next checkpoint. */
void kp_api_tlog_attach(kp_req_t *req, json_t *o, const char *object);

#endif

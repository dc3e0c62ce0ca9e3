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

/* Add "transparency": {"leaf_index", "leaf_hash", "proof" (tlog-proof text, null until a
 * signed checkpoint covers the leaf), "log_key"} of object's first leaf (a permit's issue)
 * to the answer o; {"leaf_index": null} when it has none. */
void kp_api_tlog_attach(kp_req_t *req, json_t *o, const char *object);
/* The same for the leaf an act just wrote about object: the newest whose facts.<fact> is
 * value (a single-window decision's step, an e-CMR seal's digest). */
void kp_api_tlog_attach_act(kp_req_t *req, json_t *o, const char *object, const char *fact, const char *value);

#endif

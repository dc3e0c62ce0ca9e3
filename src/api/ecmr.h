/* ecmr.h: what the e-CMR resource files share: loading a note the caller may see, its JSON
 * view, the held keys and the act of sealing. Handlers are declared in api.h. */
#ifndef KP_API_ECMR_H
#define KP_API_ECMR_H

#include "api/api.h"
#include "store/ecmr.h"

/* The note named by the path's {ref}, when the signed-in user may see it (its carrier,
 * officers and staff, members of an agency granted "ecmr"); answers 404 otherwise. */
int kp_ecmr_load(kp_req_t *req, kp_ecmr_t *e);
/* The note's JSON view: document, state, seals and the links to permit, booking and
 * crossings. */
json_t *kp_ecmr_json(kp_req_t *req, const kp_ecmr_t *e);

/* Seal act as role on e for the party named, with reservations or instructions text
 * (NULL: none), kapka holding the key; link_id: the one-time link used (0: none). Answers
 * the request (201 with the seal and the note, or the refusal). */
void kp_ecmr_seal_held(kp_req_t *req, const kp_ecmr_t *e, const char *act, const char *role, const char *party,
                       const char *text, int64_t link_id);

/* The party name for role on e (from the document). */
const char *kp_ecmr_party_name(kp_req_t *req, const kp_ecmr_t *e, const char *role);

/* The agency event of a seal (a new object). */
json_t *kp_ecmr_seal_event(const kp_ecmr_t *e, const kp_ecmr_seal_t *s, const char *status);

/* Handlers (ecmr.c, ecmr_seal.c, ecmr_docs.c). */
void kp_api_ecmr_create(kp_req_t *req);
void kp_api_ecmr_update(kp_req_t *req);
void kp_api_ecmr_get(kp_req_t *req);
void kp_api_ecmr_list(kp_req_t *req);
void kp_api_ecmr_link_create(kp_req_t *req);
void kp_api_ecmr_link_get(kp_req_t *req);
void kp_api_ecmr_link_seal(kp_req_t *req);
void kp_api_ecmr_authority_link(kp_req_t *req);
void kp_api_ecmr_shared(kp_req_t *req);
void kp_api_ecmr_seal(kp_req_t *req);
void kp_api_ecmr_seal_external(kp_req_t *req);
void kp_api_ecmr_verification(kp_req_t *req);
void kp_api_ecmr_bundle(kp_req_t *req);
void kp_api_ecmr_bundle_verify(kp_req_t *req);
void kp_api_ecmr_qr(kp_req_t *req);
void kp_api_ecmr_pdf(kp_req_t *req);
void kp_api_ecmr_check(kp_req_t *req);

/* The note's QR text: a compact JWS by the authority key (typ kapka-ecmr) with the ref,
 * status, document digest, chain head, vehicle, parties, goods and seal history; malloc'd,
 * NULL on failure. */
char *kp_ecmr_qr_text(kp_req_t *req, const kp_ecmr_t *e);

#endif

/* gson.h: the bytes the reference implementation signs and verifies. e-permit-java
 * (R/ledgerevents/LedgerEventUtil.java, R/utils/JwsUtil.java) signs and checks
 * `header.base64url(G).signature` where G is Gson's serialisation of the typed event
 * object (R/commons/GsonUtil.java: LOWER_CASE_WITH_UNDERSCORES, defaults otherwise).
 * This is that serialisation, written once for what kapka sends and what it receives. */
#ifndef KP_GSON_H
#define KP_GSON_H

#include "domain/event.h"

#include <jansson.h>
#include <stddef.h>

/* Gson's bytes for the event object obj as the class of type t: the class's fields in
 * the reference's order (kp_event_fields), fields absent or null left out (a primitive
 * int written as 0), strings with Gson's HTML-safe escaping, numbers as Java prints
 * them, Map values recursively with their nulls left out. obj must have passed
 * kp_event_read (or be built by kapka). Returns a malloc'd NUL-terminated text; *len
 * (may be NULL) gets its length. */
char *kp_gson_event(json_t *obj, kp_event_type_t t, size_t *len);

/* Any JSON value as Gson writes the Java object Jackson would bind it to (Map, List,
 * String, Long/Integer, Double, Boolean); object members that are null are left out.
 * Exposed for tests. malloc'd. */
char *kp_gson_value(json_t *v, size_t *len);

/* Java's Double.toString(d) (JDK 19 and later: the shortest decimal that reads back as
 * d). out needs 32 bytes. */
void kp_gson_double(double d, char out[32]);

/* The detached proof the reference sends as `Authorization: Bearer`: a compact JWS
 * without its payload, "header.signature". malloc'd; NULL when jws is not compact. */
char *kp_gson_detach(const char *jws);

/* The compact JWS a detached proof "header.signature" stands for over payload (len
 * bytes, base64url-encoded between the two). malloc'd; NULL when proof has not exactly
 * one dot. */
char *kp_gson_attach(const char *proof, const char *payload, size_t len);

#endif

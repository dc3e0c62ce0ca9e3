/* xroad.h: kapka as an X-Road (Tunduk) consumer: a REST call to another agency's service
 * through our own security server (docs/agencies.md). */
#ifndef KP_XROAD_H
#define KP_XROAD_H

#include "core/config.h"

#include <stddef.h>

/* GET {xroad_consumer_url}/r1/{service_id}{path} with X-Road-Client: xroad_client, a fresh
 * X-Road-Id, and X-Road-UserId / X-Road-Issue when given (NULL: none). service_id is
 * INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE; path starts with '/' or is empty. *status gets the
 * HTTP status (0: no answer, err says why), *body the answer (malloc'd, NUL-terminated).
 * -1 when the settings or arguments are missing or malformed (err says which). */
int kp_xroad_call(const kp_config_t *cfg, const char *service_id, const char *path, const char *user, const char *issue,
                  long *status, char **body, char *err, size_t errlen);

#endif

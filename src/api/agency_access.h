/* agency_access.h: what a signed-in agency member, or an X-Road client subsystem, may read:
 * the grants of its agency per service (the X-Road model: the data owner grants each). */
#ifndef KP_API_AGENCY_ACCESS_H
#define KP_API_AGENCY_ACCESS_H

#include "api/api.h"

/* For a signed-in member of an agency: 1 when the agency holds service, 0 when not; -1
 * when the user belongs to no agency (their role alone decides). */
int kp_agency_user_may(kp_req_t *req, const char *service);
/* The agency the signed-in user belongs to, 0 when none. */
int64_t kp_agency_of_user(kp_req_t *req);

#endif

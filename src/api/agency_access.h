/* agency_access.h: what a signed-in agency member, or an X-Road client subsystem, may read:
 * the grants of its agency per service (the X-Road model: the data owner grants each). */
#ifndef KP_API_AGENCY_ACCESS_H
#define KP_API_AGENCY_ACCESS_H

#include "api/api.h"

/* True when the signed-in user is a member of an agency granted service. */
bool kp_agency_user_may(kp_req_t *req, const char *service);

#endif

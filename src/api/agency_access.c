/* agency_access.c: grants as the API checks them (see agency_access.h). */
#include "api/agency_access.h"
#include "store/agencies.h"

bool kp_agency_user_may(kp_req_t *req, const char *service)
{
	if (!req->auth.user_id)
		return false;
	int64_t agency;
	bool granted;
	return kp_store_agency_member_may(kp_api_db(req), req->auth.user_id, service, &agency, &granted) == KP_DB_OK &&
	       granted;
}

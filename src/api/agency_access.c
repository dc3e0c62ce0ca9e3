/* agency_access.c: grants as the API checks them (see agency_access.h). */
#include "api/agency_access.h"
#include "store/agencies.h"

int kp_agency_user_may(kp_req_t *req, const char *service)
{
	if (!req->auth.user_id)
		return -1;
	int64_t agency;
	bool granted;
	if (kp_store_agency_member_may(kp_api_db(req), req->auth.user_id, service, &agency, &granted) != KP_DB_OK)
		return 0;
	return agency == 0 ? -1 : granted ? 1 : 0;
}

int64_t kp_agency_of_user(kp_req_t *req)
{
	int64_t agency;
	bool granted;
	if (!req->auth.user_id ||
	    kp_store_agency_member_may(kp_api_db(req), req->auth.user_id, "-", &agency, &granted) != KP_DB_OK)
		return 0;
	return agency;
}

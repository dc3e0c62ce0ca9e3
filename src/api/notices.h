/* notices.h: the notification routes (docs/notifications.md): a person's in-app notices
 * and channels, and the operators' view of SMS and email that failed. */
#ifndef KP_API_NOTICES_H
#define KP_API_NOTICES_H

#include "http/http.h"

/* GET /api/v1/notices: my in-app notices, newest first, with the unread count. */
void kp_api_notices_list(kp_req_t *req);
/* POST /api/v1/notices/{id}/read: one of mine read (someone else's: 404). */
void kp_api_notice_read(kp_req_t *req);
/* POST /api/v1/notices/read: all of mine read. */
void kp_api_notices_read_all(kp_req_t *req);
/* GET and PUT /api/v1/notification-settings: my phone, email and which channels are on,
 * and which channels kapka can send at all. */
void kp_api_notify_prefs_get(kp_req_t *req);
void kp_api_notify_prefs_put(kp_req_t *req);
/* GET /api/v1/notification-outbox?state=: SMS and email that failed (operators). */
void kp_api_notify_outbox(kp_req_t *req);
/* POST /api/v1/notification-outbox/{id}/retry: send a failed or given-up message again. */
void kp_api_notify_retry(kp_req_t *req);
/* GET /api/v1/sms-delivery/{token}?type=: Kannel's smsbox reports an SMS's delivery
 * (public: the token, unguessable and made for one attempt, is the credential). */
void kp_api_sms_delivery(kp_req_t *req);

#endif

/* notify.h: delivering notifications (docs/notifications.md). Acts queue their messages
 * with kp_store_notify_enqueue in their own transaction; this worker, one thread in the
 * daemon, claims due SMS and email rows with a lease, hands them to Kannel's sendsms
 * interface or an SMTP server (libcurl), and records each attempt: sent, failed with the
 * next attempt after an exponential back-off, or given up after notify_max_attempts. Every
 * notify_sweep_seconds it also runs the expiry sweep (kp_store_notify_sweep). */
#ifndef KP_NOTIFY_H
#define KP_NOTIFY_H

#include "app/app.h"
#include "store/notify.h"

#include <stdbool.h>
#include <stddef.h>

/* The channels cfg has a gateway for (KP_CHANNEL_*; in-app always). */
unsigned kp_notify_channels(const kp_config_t *cfg);

typedef struct kp_notifier kp_notifier_t;
/* Start the worker (one thread). Call kp_store_notify_set_channels(kp_notify_channels(cfg))
 * before any thread starts. */
kp_notifier_t *kp_notify_start(kp_app_t *app);
/* Stop it after the message in progress. NULL is allowed. */
void kp_notify_stop(kp_notifier_t *w);

/* Send one SMS through Kannel's sendsms at cfg->sms_url, asking for every delivery report
 * at dlr_url (Kannel's %d in it: the report's type) unless it is NULL. 0 when Kannel
 * answered that it accepted (0:) or queued (3:) the message; else -1 with err saying what
 * it answered. */
int kp_notify_send_sms(const kp_config_t *cfg, const char *to, const char *text, const char *dlr_url, char *err,
                       size_t errlen);
/* The state a Kannel delivery report of this type records (1 delivered, 2 failed, 4
 * buffered, 8 accepted by the SMSC, 16 rejected by the SMSC); NULL for any other type. */
const char *kp_notify_dlr_state(long type);
/* The path of delivery reports under sms_dlr_base, the token following it. */
#define KP_NOTIFY_DLR_PATH "/api/v1/sms-delivery/"
#define KP_NOTIFY_DLR_TOKEN_BYTES 24

/* Send one email over SMTP at cfg->smtp_url (id names it in the Message-ID). 0 when the
 * server took it; else -1 with err. */
int kp_notify_send_email(const kp_config_t *cfg, int64_t id, const char *to, const char *subject, const char *text,
                         char *err, size_t errlen);

/* The whole message kapka sends by email (headers and base64 body, CRLF lines), in a
 * malloc'd string the caller frees. Exposed for tests. */
char *kp_notify_email_message(const char *from, const char *to, int64_t id, int64_t now, const char *subject,
                              const char *text);

#endif

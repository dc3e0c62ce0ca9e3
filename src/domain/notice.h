/* notice.h: what kapka tells people away from the page (docs/notifications.md): the kinds
 * of notification, their texts in ky, ru and en (one catalogue, notice.c), and how many SMS
 * parts a text takes (GSM-7 or UCS-2). Pure: no I/O. */
#ifndef KP_NOTICE_H
#define KP_NOTICE_H

#include "core/arena.h"

#include <stdbool.h>

typedef enum kp_notice_kind {
	KP_NOTICE_UNKNOWN = -1,
	KP_NOTICE_QUEUE_CALL = 0,    /* a vehicle's turn at the gate: checkpoint, plate, minutes */
	KP_NOTICE_PERMIT_ISSUED,     /* number */
	KP_NOTICE_PERMIT_REFUSED,    /* number, reason */
	KP_NOTICE_PERMIT_REVOKED,    /* number, reason */
	KP_NOTICE_PERMIT_RETURNED,   /* number: its return was accepted */
	KP_NOTICE_WINDOW_APPROVED,   /* number */
	KP_NOTICE_WINDOW_REFUSED,    /* number */
	KP_NOTICE_WINDOW_MORE_INFO,  /* number, reason */
	KP_NOTICE_TIP_EXPIRING,      /* number, plate, date, days */
	KP_NOTICE_PERMIT_EXPIRING,   /* number, date, days */
	KP_NOTICE_BOOKING_CANCELLED, /* checkpoint, plate: the crossing is closed at its hour */
	KP_NOTICE_KIND_COUNT
} kp_notice_kind_t;

/* "QUEUE_CALL" and back; KP_NOTICE_UNKNOWN for an unknown name. */
const char *kp_notice_kind_name(kp_notice_kind_t kind);
kp_notice_kind_t kp_notice_kind_parse(const char *name);

/* One message in one language: subject (email, notice title), sms (short), text (email
 * and in-app body). All in the arena. */
typedef struct kp_notice_text {
	const char *subject, *sms, *text;
} kp_notice_text_t;

/* Render kind in lang (ky, ru or en; anything else: ru) with args, a NULL-terminated list
 * of name, value pairs filling {name} in the catalogue's texts (a missing one renders as
 * "-"; values are cut at 200 bytes). Returns 0, or -1 for an unknown kind. */
int kp_notice_render(kp_arena_t *a, kp_notice_kind_t kind, const char *lang, const char *const *args,
                     kp_notice_text_t *out);

/* The language kapka writes to someone in: lang when it is ky, ru or en, else fallback
 * when it is, else ru. */
const char *kp_notice_lang(const char *lang, const char *fallback);

/* A phone number as SMS gateways take it: + and the digits, spaces and dashes dropped. In the
 * arena. */
const char *kp_notice_msisdn(kp_arena_t *a, const char *phone);

/* How text goes as SMS: *ucs2 false when every character is in the GSM 03.38 alphabet
 * (160 septets in one part, 153 per part when split; extension characters count two),
 * true otherwise (70 UTF-16 units in one part, 67 per part). Returns the number of parts
 * (0 for an empty text), or -1 when text is not UTF-8. */
int kp_sms_parts(const char *text, bool *ucs2);

#endif

/* account.h: organisations, users and roles, and the rules their fields must obey.
 * Pure: no I/O. */
#ifndef KP_ACCOUNT_H
#define KP_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>

enum kp_role {
	KP_ROLE_CARRIER = 1 << 0,
	KP_ROLE_TRAVELLER = 1 << 1,
	KP_ROLE_OFFICER = 1 << 2,
	KP_ROLE_MINISTRY = 1 << 3,
	KP_ROLE_AUDITOR = 1 << 4,
	KP_ROLE_ADMIN = 1 << 5,
	KP_ROLE_DEVICE = 1 << 6, /* checkpoint equipment signed in with its key: never a user */
};
#define KP_ROLES_ALL 0x3f /* the roles of users */

/* Name ("carrier") of a single role bit; NULL when not exactly one known role. */
const char *kp_role_name(unsigned role);
/* Role bit for a name, or 0 when unknown. */
unsigned kp_role_parse(const char *name);

/* Organisation kinds, as stored. */
bool kp_org_kind_valid(const char *kind);
/* Whether a user of this role may belong to an organisation of this kind
 * (kind NULL: no organisation). */
bool kp_role_fits_org(unsigned role, const char *kind);

typedef struct kp_org {
	int64_t id;
	const char *kind, *name, *inn, *address;
	const char *contact_name, *contact_phone, *contact_email;
	const char *licence_number, *country, *status;
	int64_t created_at;
} kp_org_t;

typedef struct kp_user {
	int64_t id;
	int64_t org_id; /* 0: none */
	const char *username, *role, *full_name, *email, *phone, *language, *status;
	const char *pw_hash;
	int64_t created_at;
} kp_user_t;

/* An organisation's or a user's states, as stored: active, or suspended (no sign-in, no
 * permits) until reactivated. True when s names one. */
#define KP_ACCOUNT_ACTIVE "active"
#define KP_ACCOUNT_SUSPENDED "suspended"
bool kp_account_status_known(const char *s);

/* Each check returns NULL when the value is acceptable, else a sentence saying why not. */
const char *kp_check_inn(const char *inn);
const char *kp_check_username(const char *username);
/* Length 10..256 characters and not one of the most common passwords. */
const char *kp_check_password(const char *password);
/* Whether the password (any case) is in the common-password list or one character repeated. */
bool kp_password_common(const char *password);
/* Seconds a sign-in key (an account and address pair, or an address) must wait after its
 * failures-th counted attempt: none below max, then base doubling per attempt, at most cap. */
int64_t kp_login_delay(int64_t failures, int64_t max, int64_t base, int64_t cap);
const char *kp_check_email(const char *email);
const char *kp_check_phone(const char *phone);
const char *kp_check_language(const char *lang);
const char *kp_check_licence(const char *licence);
const char *kp_check_country(const char *code);

#endif

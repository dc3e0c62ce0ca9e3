/* account.c: roles, organisation kinds and field rules for accounts. */
#include "domain/account.h"

#include "core/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *const role_names[] = {"carrier", "traveller", "officer", "ministry", "auditor", "admin", "device"};

const char *kp_role_name(unsigned role)
{
	for (unsigned i = 0; i < sizeof(role_names) / sizeof(role_names[0]); i++)
		if (role == 1u << i)
			return role_names[i];
	return NULL;
}

unsigned kp_role_parse(const char *name)
{
	for (unsigned i = 0; name && i < sizeof(role_names) / sizeof(role_names[0]); i++)
		if (strcmp(name, role_names[i]) == 0)
			return 1u << i;
	return 0;
}

static const char *const org_kinds[] = {"carrier",        "importer", "ministry",
                                        "border_service", "customs",  "partner_authority"};

bool kp_account_status_known(const char *s)
{
	return s && (strcmp(s, KP_ACCOUNT_ACTIVE) == 0 || strcmp(s, KP_ACCOUNT_SUSPENDED) == 0);
}

bool kp_org_kind_valid(const char *kind)
{
	for (unsigned i = 0; kind && i < sizeof(org_kinds) / sizeof(org_kinds[0]); i++)
		if (strcmp(kind, org_kinds[i]) == 0)
			return true;
	return false;
}

bool kp_role_fits_org(unsigned role, const char *kind)
{
	switch (role) {
	case KP_ROLE_CARRIER:
		return kind && (strcmp(kind, "carrier") == 0 || strcmp(kind, "importer") == 0);
	case KP_ROLE_TRAVELLER:
		return kind == NULL;
	case KP_ROLE_OFFICER:
		return kind && (strcmp(kind, "border_service") == 0 || strcmp(kind, "customs") == 0 ||
		                strcmp(kind, "partner_authority") == 0);
	case KP_ROLE_MINISTRY:
		return kind && strcmp(kind, "ministry") == 0;
	case KP_ROLE_AUDITOR:
		return kind == NULL || kp_org_kind_valid(kind);
	case KP_ROLE_ADMIN:
		return kind == NULL || strcmp(kind, "ministry") == 0;
	}
	return false;
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

static bool valid_date(int d, int m, int y)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1)
		return false;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= days[m - 1] + (m == 2 ? leap : 0);
}

/* Kyrgyz INN: 14 digits. Legal entities start with 0; individuals (sole traders) with
 * 1 or 2 followed by the date of birth as DDMMYYYY. */
const char *kp_check_inn(const char *inn)
{
	if (inn == NULL || strlen(inn) != 14 || !all_digits(inn, 14))
		return "must be exactly 14 digits";
	if (inn[0] != '0' && inn[0] != '1' && inn[0] != '2')
		return "must start with 0 (organisation), 1 or 2 (individual)";
	if (inn[0] != '0') {
		int d = (inn[1] - '0') * 10 + (inn[2] - '0');
		int m = (inn[3] - '0') * 10 + (inn[4] - '0');
		int y = (inn[5] - '0') * 1000 + (inn[6] - '0') * 100 + (inn[7] - '0') * 10 + (inn[8] - '0');
		if (!valid_date(d, m, y))
			return "digits 2 to 9 of an individual's INN must be a date of birth (DDMMYYYY)";
	}
	return NULL;
}

const char *kp_check_username(const char *u)
{
	size_t n = u ? strlen(u) : 0;
	if (n < 3 || n > 32)
		return "must be 3 to 32 characters";
	for (size_t i = 0; i < n; i++) {
		char c = u[i];
		if (!(islower((unsigned char)c) || isdigit((unsigned char)c) || c == '.' || c == '_' || c == '-'))
			return "may hold only lower-case latin letters, digits, '.', '_' and '-'";
	}
	if (!islower((unsigned char)u[0]) && !isdigit((unsigned char)u[0]))
		return "must start with a letter or digit";
	return NULL;
}

static const char *const common_passwords[] = {
#include "domain/common_passwords.inc"
};

static int compare_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

bool kp_password_common(const char *p)
{
	char lower[72];
	size_t n = strlen(p);
	if (n >= sizeof(lower))
		return false; /* the list holds nothing this long */
	for (size_t i = 0; i <= n; i++)
		lower[i] = (char)tolower((unsigned char)p[i]);
	const char *key = lower;
	/* One character repeated ("aaaaaaaaaa") is as common as any entry. */
	if (strspn(lower, (char[]){lower[0], '\0'}) == n)
		return true;
	return bsearch(&key, common_passwords, KP_ARRAY_LEN(common_passwords), sizeof(common_passwords[0]), compare_str) !=
	       NULL;
}

const char *kp_check_password(const char *p)
{
	size_t n = p ? kp_utf8_len(p) : 0;
	if (n < 10)
		return "must be at least 10 characters";
	if (n > 256)
		return "must be at most 256 characters";
	if (kp_password_common(p))
		return "is one of the most common passwords; choose another";
	return NULL;
}

int64_t kp_login_delay(int64_t failures, int64_t max, int64_t base, int64_t cap)
{
	if (failures < max)
		return 0;
	int64_t d = base;
	for (int64_t i = max; i < failures && d < cap; i++)
		d *= 2;
	return d < cap ? d : cap;
}

const char *kp_check_email(const char *e)
{
	size_t n = e ? strlen(e) : 0;
	const char *at = e ? strchr(e, '@') : NULL;
	if (n < 3 || n > 254 || at == NULL || at == e || strchr(at + 1, '@') || strchr(at + 1, '.') == NULL ||
	    at[1] == '.' || e[n - 1] == '.')
		return "must be an e-mail address like name@example.kg";
	for (size_t i = 0; i < n; i++)
		if (isspace((unsigned char)e[i]))
			return "must not contain spaces";
	return NULL;
}

/* International format: '+', then 8 to 15 digits; spaces and dashes allowed between. */
const char *kp_check_phone(const char *p)
{
	if (p == NULL || p[0] != '+')
		return "must start with + and the country code, like +996 555 123456";
	int digits = 0;
	for (const char *s = p + 1; *s; s++) {
		if (isdigit((unsigned char)*s))
			digits++;
		else if (*s != ' ' && *s != '-')
			return "may hold only digits, spaces and dashes after +";
	}
	if (digits < 8 || digits > 15)
		return "must have 8 to 15 digits";
	return NULL;
}

const char *kp_check_language(const char *l)
{
	if (l && (strcmp(l, "ky") == 0 || strcmp(l, "ru") == 0 || strcmp(l, "en") == 0))
		return NULL;
	return "must be ky, ru or en";
}

const char *kp_check_licence(const char *l)
{
	size_t n = l ? strlen(l) : 0;
	if (n < 3 || n > 32)
		return "must be 3 to 32 characters";
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)l[i]) && l[i] != '-' && l[i] != '/')
			return "may hold only latin letters, digits, '-' and '/'";
	return NULL;
}

const char *kp_check_country(const char *c)
{
	if (c && strlen(c) == 2 && isupper((unsigned char)c[0]) && isupper((unsigned char)c[1]))
		return NULL;
	return "must be a two-letter upper-case country code like KG";
}

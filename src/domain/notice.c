/* notice.c: the catalogue of notifications in ky, ru and en, and SMS length rules
 * (see notice.h). SMS texts in Kyrgyz and Russian are UCS-2: kept to one part (70
 * characters) with ordinary values; the longer text goes by email and in-app. */
#include "domain/notice.h"

#include <stdint.h>
#include <string.h>

struct entry {
	const char *subject, *sms, *text;
};

/* [kind][language: ky, ru, en] */
static const struct entry catalogue[KP_NOTICE_KIND_COUNT][3] = {
    [KP_NOTICE_QUEUE_CALL] =
        {
            {"Кезегиңиз келди: {checkpoint}", "Кезегиңиз: {checkpoint}, {plate}. Дарбазага {minutes} мүн. ичинде",
             "{plate} унаасынын кезеги келди: {checkpoint} өткөрүү пункту. Дарбазага {minutes} мүнөттүн ичинде "
             "жетиңиз, болбосо орун башкага берилет."},
            {"Ваша очередь: {checkpoint}", "Ваша очередь: {checkpoint}, {plate}. К воротам за {minutes} мин",
             "Подошла очередь машины {plate} на пункте пропуска {checkpoint}. Подъезжайте к воротам в течение "
             "{minutes} минут, иначе место перейдёт следующему."},
            {"Your turn at {checkpoint}",
             "kapka: your turn at {checkpoint}, {plate}. Reach the gate within {minutes} min",
             "It is the turn of vehicle {plate} at the {checkpoint} checkpoint. Reach the gate within {minutes} "
             "minutes, or the place goes to the next vehicle."},
        },
    [KP_NOTICE_PERMIT_ISSUED] =
        {
            {"Уруксат берилди: {number}", "Уруксат {number} берилди",
             "{number} уруксаты берилди. Аны kapkaдан жүктөп алып же басып чыгарсаңыз болот."},
            {"Разрешение выдано: {number}", "Разрешение {number} выдано",
             "Разрешение {number} выдано. Его можно скачать или распечатать в kapka."},
            {"Permit issued: {number}", "kapka: permit {number} issued",
             "Permit {number} has been issued. You can download or print it in kapka."},
        },
    [KP_NOTICE_PERMIT_REFUSED] =
        {
            {"Уруксат берилген жок: {number}", "Уруксат {number} берилген жок",
             "{number} арызы четке кагылды. Себеби: {reason}"},
            {"В разрешении отказано: {number}", "В разрешении {number} отказано",
             "По заявлению {number} отказано. Причина: {reason}"},
            {"Permit refused: {number}", "kapka: permit {number} refused",
             "The application {number} was refused. Reason: {reason}"},
        },
    [KP_NOTICE_PERMIT_REVOKED] =
        {
            {"Уруксат жокко чыгарылды: {number}", "Уруксат {number} жокко чыгарылды",
             "{number} уруксаты жокко чыгарылды. Себеби: {reason}"},
            {"Разрешение отозвано: {number}", "Разрешение {number} отозвано",
             "Разрешение {number} отозвано. Причина: {reason}"},
            {"Permit revoked: {number}", "kapka: permit {number} revoked",
             "Permit {number} has been revoked. Reason: {reason}"},
        },
    [KP_NOTICE_PERMIT_RETURNED] =
        {
            {"Уруксат кайтарылды: {number}", "Уруксат {number} кайтарылганы кабыл алынды",
             "{number} уруксатынын кайтарылганы кабыл алынды."},
            {"Возврат разрешения принят: {number}", "Возврат разрешения {number} принят",
             "Возврат разрешения {number} принят."},
            {"Permit return accepted: {number}", "kapka: return of permit {number} accepted",
             "The return of permit {number} has been accepted."},
        },
    [KP_NOTICE_WINDOW_APPROVED] =
        {
            {"Арыз жактырылды: {number}", "Арыз {number} жактырылды",
             "{number} арызын бардык мекемелер жактырды. Чоо-жайы kapkaда."},
            {"Заявление одобрено: {number}", "Заявление {number} одобрено",
             "Заявление {number} одобрено всеми ведомствами. Подробности в kapka."},
            {"Application approved: {number}", "kapka: application {number} approved",
             "Application {number} was approved by every agency. Details are in kapka."},
        },
    [KP_NOTICE_WINDOW_REFUSED] =
        {
            {"Арыз четке кагылды: {number}", "Арыз {number} четке кагылды",
             "{number} арызын мекеме четке какты. Себептери kapkaда."},
            {"В заявлении отказано: {number}", "В заявлении {number} отказано",
             "По заявлению {number} ведомство отказало. Причины в kapka."},
            {"Application refused: {number}", "kapka: application {number} refused",
             "An agency refused application {number}. The reasons are in kapka."},
        },
    [KP_NOTICE_WINDOW_MORE_INFO] =
        {
            {"Кошумча маалымат керек: {number}", "Арыз {number}: кошумча маалымат керек",
             "{number} арызы боюнча кошумча маалымат суралды: {reason}"},
            {"Нужны дополнительные сведения: {number}", "Заявление {number}: нужны доп. сведения",
             "По заявлению {number} запрошены дополнительные сведения: {reason}"},
            {"More information needed: {number}", "kapka: application {number} needs more information",
             "More information was asked for application {number}: {reason}"},
        },
    [KP_NOTICE_TIP_EXPIRING] =
        {
            {"Убактылуу ташып келүү бүтөт: {plate}", "{plate}: убактылуу ташып келүү {date} бүтөт",
             "{plate} унаасынын убактылуу ташып келүүсү ({number}) {date} бүтөт ({days} күн калды). Унааны "
             "ага чейин чыгарыңыз же мөөнөтүн узартыңыз."},
            {"Срок временного ввоза истекает: {plate}", "{plate}: временный ввоз до {date}",
             "Временный ввоз машины {plate} ({number}) истекает {date} (осталось дней: {days}). Вывезите машину "
             "до этого срока или продлите его."},
            {"Temporary import ends soon: {plate}", "kapka: temporary import of {plate} ends {date}",
             "The temporary import of vehicle {plate} ({number}) ends on {date} (days left: {days}). Take the "
             "vehicle out before then or extend the term."},
        },
    [KP_NOTICE_PERMIT_EXPIRING] =
        {
            {"Уруксаттын мөөнөтү бүтөт: {number}", "Уруксат {number} {date} бүтөт",
             "{number} уруксатынын мөөнөтү {date} бүтөт ({days} күн калды)."},
            {"Срок разрешения истекает: {number}", "Разрешение {number} до {date}",
             "Срок разрешения {number} истекает {date} (осталось дней: {days})."},
            {"Permit expires soon: {number}", "kapka: permit {number} expires {date}",
             "Permit {number} expires on {date} (days left: {days})."},
        },
    [KP_NOTICE_BOOKING_CANCELLED] =
        {
            {"Брондоо жокко чыгарылды: {checkpoint}", "Брондоо жокко чыгарылды: {checkpoint}, {plate}",
             "{checkpoint} өткөрүү пунктундагы {plate} унаасынын брондоосу жокко чыгарылды: ал убакта пункт "
             "жабык. kapkaдан башка саатты брондоңуз."},
            {"Бронь отменена: {checkpoint}", "Бронь отменена: {checkpoint}, {plate}. Пункт закрыт",
             "Бронь машины {plate} на пункте пропуска {checkpoint} отменена: в это время пункт закрыт. "
             "Забронируйте другой час в kapka."},
            {"Booking cancelled: {checkpoint}", "kapka: booking at {checkpoint} for {plate} cancelled: crossing closed",
             "The booking of vehicle {plate} at the {checkpoint} checkpoint is cancelled: the crossing is closed "
             "at that time. Book another hour in kapka."},
        },
};

static const char *const kind_names[KP_NOTICE_KIND_COUNT] = {
    "QUEUE_CALL",     "PERMIT_ISSUED",    "PERMIT_REFUSED", "PERMIT_REVOKED",  "PERMIT_RETURNED",   "WINDOW_APPROVED",
    "WINDOW_REFUSED", "WINDOW_MORE_INFO", "TIP_EXPIRING",   "PERMIT_EXPIRING", "BOOKING_CANCELLED",
};

const char *kp_notice_kind_name(kp_notice_kind_t kind)
{
	return kind >= 0 && kind < KP_NOTICE_KIND_COUNT ? kind_names[kind] : NULL;
}

kp_notice_kind_t kp_notice_kind_parse(const char *name)
{
	for (int i = 0; name && i < KP_NOTICE_KIND_COUNT; i++)
		if (strcmp(kind_names[i], name) == 0)
			return (kp_notice_kind_t)i;
	return KP_NOTICE_UNKNOWN;
}

static bool known_lang(const char *lang)
{
	return lang && (strcmp(lang, "ky") == 0 || strcmp(lang, "ru") == 0 || strcmp(lang, "en") == 0);
}

const char *kp_notice_lang(const char *lang, const char *fallback)
{
	return known_lang(lang) ? lang : known_lang(fallback) ? fallback : "ru";
}

#define VALUE_MAX 200

static const char *arg_value(const char *const *args, const char *name, size_t len)
{
	for (size_t i = 0; args && args[i] && args[i + 1]; i += 2)
		if (strlen(args[i]) == len && memcmp(args[i], name, len) == 0)
			return args[i + 1][0] ? args[i + 1] : "-";
	return "-";
}

/* Length of the longest UTF-8 prefix of s no longer than max bytes. */
static size_t utf8_cut(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max)
		return n;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return max;
}

static const char *fill(kp_arena_t *a, const char *tpl, const char *const *args)
{
	size_t cap = strlen(tpl) + 1;
	for (const char *p = strchr(tpl, '{'); p; p = strchr(p + 1, '{'))
		cap += VALUE_MAX;
	char *out = kp_arena_alloc(a, cap), *o = out;
	for (const char *p = tpl; *p;) {
		const char *close = *p == '{' ? strchr(p, '}') : NULL;
		if (close == NULL) {
			*o++ = *p++;
			continue;
		}
		const char *v = arg_value(args, p + 1, (size_t)(close - p - 1));
		size_t n = utf8_cut(v, VALUE_MAX);
		memcpy(o, v, n);
		o += n;
		p = close + 1;
	}
	*o = '\0';
	return out;
}

int kp_notice_render(kp_arena_t *a, kp_notice_kind_t kind, const char *lang, const char *const *args,
                     kp_notice_text_t *out)
{
	if (kind < 0 || kind >= KP_NOTICE_KIND_COUNT)
		return -1;
	lang = kp_notice_lang(lang, NULL);
	int l = strcmp(lang, "ky") == 0 ? 0 : strcmp(lang, "ru") == 0 ? 1 : 2;
	const struct entry *e = &catalogue[kind][l];
	out->subject = fill(a, e->subject, args);
	out->sms = fill(a, e->sms, args);
	out->text = fill(a, e->text, args);
	return 0;
}

const char *kp_notice_msisdn(kp_arena_t *a, const char *phone)
{
	char *out = kp_arena_alloc(a, strlen(phone) + 1), *o = out;
	for (const char *p = phone; *p; p++)
		if (*p != ' ' && *p != '-')
			*o++ = *p;
	*o = '\0';
	return out;
}

/* Decode one UTF-8 character at *s; advances *s. -1 when malformed. */
static int32_t next_char(const unsigned char **s)
{
	const unsigned char *p = *s;
	int32_t cp;
	int more;
	if (p[0] < 0x80) {
		cp = p[0];
		more = 0;
	} else if ((p[0] & 0xE0) == 0xC0) {
		cp = p[0] & 0x1F;
		more = 1;
	} else if ((p[0] & 0xF0) == 0xE0) {
		cp = p[0] & 0x0F;
		more = 2;
	} else if ((p[0] & 0xF8) == 0xF0) {
		cp = p[0] & 0x07;
		more = 3;
	} else
		return -1;
	for (int i = 1; i <= more; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return -1;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	*s = p + more + 1;
	return cp;
}

/* Septets a character takes in GSM 03.38 (1, or 2 for the extension table), 0 when it is
 * not in the alphabet. */
static int gsm_septets(int32_t cp)
{
	static const char basic_ascii[] = "@$\n\r _!\"#%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                                  "abcdefghijklmnopqrstuvwxyz";
	static const int32_t basic_other[] = {0xA3,  0xA5,  0xE8,  0xE9,  0xF9,  0xEC,  0xF2,  0xC7,  0xD8,  0xF8,
	                                      0xC5,  0xE5,  0x394, 0x3A6, 0x393, 0x39B, 0x3A9, 0x3A0, 0x3A8, 0x3A3,
	                                      0x398, 0x39E, 0xC6,  0xE6,  0xDF,  0xC9,  0xA4,  0xA1,  0xC4,  0xD6,
	                                      0xD1,  0xDC,  0xA7,  0xBF,  0xE4,  0xF6,  0xF1,  0xFC,  0xE0};
	if (cp > 0 && cp < 0x80 && strchr(basic_ascii, (int)cp))
		return 1;
	if (cp > 0 && cp < 0x80 && strchr("^{}\\[~]|\f", (int)cp))
		return 2;
	if (cp == 0x20AC)
		return 2;
	for (size_t i = 0; i < sizeof(basic_other) / sizeof(basic_other[0]); i++)
		if (basic_other[i] == cp)
			return 1;
	return 0;
}

int kp_sms_parts(const char *text, bool *ucs2)
{
	long septets = 0, units = 0;
	bool gsm = true;
	for (const unsigned char *p = (const unsigned char *)text; *p;) {
		int32_t cp = next_char(&p);
		if (cp < 0)
			return -1;
		int s = gsm_septets(cp);
		if (s == 0)
			gsm = false;
		septets += s;
		units += cp > 0xFFFF ? 2 : 1;
	}
	*ucs2 = !gsm;
	long n = gsm ? septets : units, one = gsm ? 160 : 70, part = gsm ? 153 : 67;
	if (n == 0)
		return 0;
	return n <= one ? 1 : (int)((n + part - 1) / part);
}

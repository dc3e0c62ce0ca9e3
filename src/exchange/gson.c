/* gson.c: Gson's serialisation of the reference's event objects (see gson.h). The rules,
 * from Gson's ReflectiveTypeAdapterFactory, JsonWriter and the reference's GsonUtil:
 * fields of the class before those of its superclass, each in declaration order; null
 * fields and null Map values left out (serializeNulls is off); no whitespace; strings
 * escape " \ and the control characters (\t \b \n \r \f short, others \u00XX), the
 * HTML-safe set < > & = ' as \u003c \u003e \u0026 \u003d \u0027, and U+2028/U+2029;
 * everything else, non-ASCII included, is written raw (UTF-8). */
#include "exchange/gson.h"
#include "core/util.h"
#include "crypto/hash.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct out {
	char *s;
	size_t len, cap;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		o->cap = (o->len + n + 1) * 2;
		o->s = kp_realloc(o->s, o->cap);
	}
	memcpy(o->s + o->len, s, n);
	o->len += n;
	o->s[o->len] = '\0';
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void string(struct out *o, const char *s, size_t n)
{
	put(o, "\"", 1);
	size_t last = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];
		const char *rep = NULL;
		size_t skip = 1;
		if (c < 0x20) {
			switch (c) {
			case '\t':
				rep = "\\t";
				break;
			case '\b':
				rep = "\\b";
				break;
			case '\n':
				rep = "\\n";
				break;
			case '\r':
				rep = "\\r";
				break;
			case '\f':
				rep = "\\f";
				break;
			default:
				snprintf(esc, sizeof(esc), "\\u%04x", c);
				rep = esc;
			}
		} else if (c == '"')
			rep = "\\\"";
		else if (c == '\\')
			rep = "\\\\";
		else if (c == '<' || c == '>' || c == '&' || c == '=' || c == '\'') {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			rep = esc;
		} else if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
		           ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9)) {
			rep = (unsigned char)s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029";
			skip = 3;
		}
		if (rep == NULL)
			continue;
		put(o, s + last, i - last);
		puts_(o, rep);
		last = i + skip;
		i += skip - 1;
	}
	put(o, s + last, n - last);
	put(o, "\"", 1);
}

void kp_gson_double(double d, char out[32])
{
	if (d == 0) {
		snprintf(out, 32, "%s", signbit(d) ? "-0.0" : "0.0");
		return;
	}
	if (isnan(d) || isinf(d)) { /* Gson refuses these; JSON cannot carry them */
		snprintf(out, 32, "%s", isnan(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
		return;
	}
	/* The shortest digits that read back as d; with one digit, the closest of two (JDK 19). */
	char sci[40];
	for (int p = 1; p <= 17; p++) {
		snprintf(sci, sizeof(sci), "%.*e", p, d);
		if (strtod(sci, NULL) == d)
			break;
	}
	/* sci: [-]D.DDDDe[+-]XX → digits and exponent */
	char digits[24];
	int nd = 0, exp10;
	const char *p = sci;
	bool neg = *p == '-';
	if (neg)
		p++;
	for (; *p && *p != 'e'; p++)
		if (*p >= '0' && *p <= '9')
			digits[nd++] = *p;
	exp10 = atoi(p + 1);
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	digits[nd] = '\0';
	char *w = out;
	size_t room = 32;
	int k;
#define EMIT(...) (k = snprintf(w, room, __VA_ARGS__), w += k, room -= (size_t)k)
	if (neg)
		EMIT("-");
	double a = fabs(d);
	if (a >= 1e-3 && a < 1e7) {
		if (exp10 >= 0) {
			for (int i = 0; i <= exp10; i++)
				EMIT("%c", i < nd ? digits[i] : '0');
			EMIT(".");
			if (nd > exp10 + 1)
				EMIT("%s", digits + exp10 + 1);
			else
				EMIT("0");
		} else {
			EMIT("0.");
			for (int i = 0; i < -exp10 - 1; i++)
				EMIT("0");
			EMIT("%s", digits);
		}
	} else
		EMIT("%c.%sE%d", digits[0], nd > 1 ? digits + 1 : "0", exp10);
#undef EMIT
}

static void value(struct out *o, json_t *v)
{
	char num[32];
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		put(o, "{", 1);
		bool first = true;
		const char *k;
		json_t *m;
		json_object_foreach(v, k, m) {
			if (json_is_null(m))
				continue;
			if (!first)
				put(o, ",", 1);
			first = false;
			string(o, k, strlen(k));
			put(o, ":", 1);
			value(o, m);
		}
		put(o, "}", 1);
		break;
	}
	case JSON_ARRAY: {
		put(o, "[", 1);
		for (size_t i = 0; i < json_array_size(v); i++) {
			if (i)
				put(o, ",", 1);
			value(o, json_array_get(v, i));
		}
		put(o, "]", 1);
		break;
	}
	case JSON_STRING:
		string(o, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		puts_(o, num);
		break;
	case JSON_REAL:
		kp_gson_double(json_real_value(v), num);
		puts_(o, num);
		break;
	case JSON_TRUE:
		puts_(o, "true");
		break;
	case JSON_FALSE:
		puts_(o, "false");
		break;
	default:
		puts_(o, "null");
		break;
	}
}

char *kp_gson_value(json_t *v, size_t *len)
{
	struct out o = {0};
	put(&o, "", 0);
	value(&o, v);
	if (len)
		*len = o.len;
	return o.s;
}

char *kp_gson_event(json_t *obj, kp_event_type_t t, size_t *len)
{
	size_t n;
	const kp_wire_field_t *f = kp_event_fields(t, &n);
	struct out o = {0};
	put(&o, "{", 1);
	bool first = true;
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_object_get(obj, f[i].name);
		if ((v == NULL || json_is_null(v)) && f[i].kind != KP_WIRE_INT)
			continue;
		if (!first)
			put(&o, ",", 1);
		first = false;
		string(&o, f[i].name, strlen(f[i].name));
		put(&o, ":", 1);
		if (v == NULL || json_is_null(v))
			put(&o, "0", 1);
		else
			value(&o, v);
	}
	put(&o, "}", 1);
	if (len)
		*len = o.len;
	return o.s;
}

char *kp_gson_detach(const char *jws)
{
	const char *d1 = strchr(jws, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	if (d2 == NULL)
		return NULL;
	size_t h = (size_t)(d1 - jws), sl = strlen(d2 + 1);
	char *proof = kp_malloc(h + sl + 2);
	memcpy(proof, jws, h);
	proof[h] = '.';
	memcpy(proof + h + 1, d2 + 1, sl + 1);
	return proof;
}

char *kp_gson_attach(const char *proof, const char *payload, size_t len)
{
	const char *dot = strchr(proof, '.');
	if (dot == NULL || strchr(dot + 1, '.'))
		return NULL;
	size_t hlen = (size_t)(dot - proof), slen = strlen(dot + 1);
	char *jws = kp_malloc(hlen + 2 + (len * 4) / 3 + 4 + slen + 1);
	memcpy(jws, proof, hlen);
	size_t at = hlen;
	jws[at++] = '.';
	at += kp_b64url_encode((const unsigned char *)payload, len, jws + at);
	jws[at++] = '.';
	memcpy(jws + at, dot + 1, slen + 1);
	return jws;
}

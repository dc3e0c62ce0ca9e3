/* note.c: C2SP signed notes, checkpoints and Ed25519 cosignatures. */
#include "tlog/note.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DASH "\xe2\x80\x94 " /* U+2014 and a space: the start of a signature line */
#define COSIG_LABEL "cosignature/v1\ntime "

bool kp_note_name_ok(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > KP_NOTE_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] <= 0x20 || name[i] == '+' || name[i] == 0x7f)
			return false;
	return true;
}

static uint32_t key_id(const char *name, uint8_t type, const uint8_t pub[32])
{
	crypto_hash_sha256_state st;
	uint8_t h[32];
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const uint8_t *)name, strlen(name));
	crypto_hash_sha256_update(&st, (const uint8_t *)"\n", 1);
	crypto_hash_sha256_update(&st, &type, 1);
	crypto_hash_sha256_update(&st, pub, 32);
	crypto_hash_sha256_final(&st, h);
	return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
}

int kp_note_key_from_seed(const char *name, uint8_t type, const uint8_t seed[32], kp_note_key_t *out)
{
	memset(out, 0, sizeof(*out));
	if (!kp_note_name_ok(name))
		return -1;
	snprintf(out->name, sizeof(out->name), "%s", name);
	out->type = type;
	crypto_sign_seed_keypair(out->pub, out->sec, seed);
	out->id = key_id(name, type, out->pub);
	out->can_sign = true;
	return 0;
}

int kp_note_key_generate(const char *name, uint8_t type, kp_note_key_t *out)
{
	uint8_t seed[32];
	randombytes_buf(seed, sizeof(seed));
	int rc = kp_note_key_from_seed(name, type, seed, out);
	sodium_memzero(seed, sizeof(seed));
	return rc;
}

void kp_note_vkey(const kp_note_key_t *k, char *out, size_t len)
{
	uint8_t material[33];
	char b64[64];
	material[0] = k->type;
	memcpy(material + 1, k->pub, 32);
	sodium_bin2base64(b64, sizeof(b64), material, sizeof(material), sodium_base64_VARIANT_ORIGINAL);
	snprintf(out, len, "%s+%08" PRIx32 "+%s", k->name, k->id, b64);
}

void kp_note_skey(const kp_note_key_t *k, char *out, size_t len)
{
	uint8_t material[33];
	char b64[64];
	material[0] = k->type;
	memcpy(material + 1, k->sec, 32); /* libsodium's secret key starts with the seed */
	sodium_bin2base64(b64, sizeof(b64), material, sizeof(material), sodium_base64_VARIANT_ORIGINAL);
	snprintf(out, len, "PRIVATE+KEY+%s+%08" PRIx32 "+%s", k->name, k->id, b64);
	sodium_memzero(material, sizeof(material));
	sodium_memzero(b64, sizeof(b64));
}

int kp_note_vkey_parse(const char *vkey, kp_note_key_t *out)
{
	memset(out, 0, sizeof(*out));
	const char *p1 = strchr(vkey, '+');
	const char *p2 = p1 ? strchr(p1 + 1, '+') : NULL;
	if (p1 == NULL || p2 == NULL || p2 - p1 != 9 || (size_t)(p1 - vkey) > KP_NOTE_NAME_MAX)
		return -1;
	memcpy(out->name, vkey, (size_t)(p1 - vkey));
	out->name[p1 - vkey] = '\0';
	uint8_t material[64];
	size_t n;
	if (!kp_note_name_ok(out->name) ||
	    sodium_base642bin(material, sizeof(material), p2 + 1, strlen(p2 + 1), NULL, &n, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    n != 33 || (material[0] != KP_NOTE_ED25519 && material[0] != KP_NOTE_COSIG))
		return -1;
	out->type = material[0];
	memcpy(out->pub, material + 1, 32);
	out->id = key_id(out->name, out->type, out->pub);
	char hex[9];
	snprintf(hex, sizeof(hex), "%08" PRIx32, out->id);
	return strncmp(hex, p1 + 1, 8) == 0 ? 0 : -1;
}

/* "— name base64(payload)\n" into out. */
static int sig_line(const kp_note_key_t *k, const uint8_t *payload, size_t n, char *out, size_t outlen)
{
	char b64[256];
	if (sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL) > sizeof(b64))
		return -1;
	sodium_bin2base64(b64, sizeof(b64), payload, n, sodium_base64_VARIANT_ORIGINAL);
	int w = snprintf(out, outlen, DASH "%s %s\n", k->name, b64);
	return w > 0 && (size_t)w < outlen ? 0 : -1;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

int kp_note_sign(const kp_note_key_t *k, const char *text, size_t len, char *out, size_t outlen)
{
	if (!k->can_sign || k->type != KP_NOTE_ED25519 || len == 0 || text[len - 1] != '\n')
		return -1;
	uint8_t payload[4 + 64];
	put_be32(payload, k->id);
	crypto_sign_detached(payload + 4, NULL, (const uint8_t *)text, len, k->sec);
	return sig_line(k, payload, sizeof(payload), out, outlen);
}

/* The cosigned message: the label, the time line, then the checkpoint text. malloc'd. */
static uint8_t *cosigned_message(const char *text, size_t len, uint64_t t, size_t *n)
{
	char head[64];
	int h = snprintf(head, sizeof(head), COSIG_LABEL "%" PRIu64 "\n", t);
	uint8_t *m = malloc((size_t)h + len);
	if (m == NULL)
		return NULL;
	memcpy(m, head, (size_t)h);
	memcpy(m + h, text, len);
	*n = (size_t)h + len;
	return m;
}

int kp_note_cosign(const kp_note_key_t *k, const char *text, size_t len, uint64_t t, char *out, size_t outlen)
{
	if (!k->can_sign || k->type != KP_NOTE_COSIG || len == 0 || text[len - 1] != '\n' || t > INT64_MAX)
		return -1;
	size_t n;
	uint8_t *m = cosigned_message(text, len, t, &n);
	if (m == NULL)
		return -1;
	uint8_t payload[4 + 8 + 64];
	put_be32(payload, k->id);
	put_be32(payload + 4, (uint32_t)(t >> 32));
	put_be32(payload + 8, (uint32_t)t);
	crypto_sign_detached(payload + 12, NULL, m, n, k->sec);
	free(m);
	return sig_line(k, payload, sizeof(payload), out, outlen);
}

/* True when line [s, e) (without its newline) is "— name base64". */
static bool sig_line_ok(const char *s, const char *e)
{
	size_t dash = strlen(DASH);
	if ((size_t)(e - s) < dash + 3 || memcmp(s, DASH, dash) != 0)
		return false;
	const char *name = s + dash, *sp = memchr(name, ' ', (size_t)(e - name));
	return sp && sp > name && sp + 1 < e && memchr(sp + 1, ' ', (size_t)(e - sp - 1)) == NULL;
}

int kp_note_split(const char *note, size_t len, size_t *text_len, const char **sigs)
{
	if (len < 2 || len > KP_NOTE_MAX || note[len - 1] != '\n')
		return -1;
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)note[i] < 0x20 && note[i] != '\n') || note[i] == 0x7f)
			return -1;
	/* the last blank line separates the text from the signatures */
	size_t blank = 0;
	bool found = false;
	for (size_t i = 1; i + 1 < len; i++)
		if (note[i] == '\n' && note[i + 1] == '\n') {
			blank = i;
			found = true;
		}
	if (!found || blank + 2 >= len)
		return -1;
	*text_len = blank + 1;
	*sigs = note + blank + 2;
	for (const char *s = *sigs; s < note + len;) {
		const char *e = memchr(s, '\n', (size_t)(note + len - s));
		if (!sig_line_ok(s, e))
			return -1;
		s = e + 1;
	}
	return 0;
}

int kp_note_verify(const char *note, size_t len, const kp_note_key_t *k, uint64_t *timestamp)
{
	size_t text_len;
	const char *sigs;
	if (kp_note_split(note, len, &text_len, &sigs) != 0)
		return -2;
	size_t dash = strlen(DASH), nlen = strlen(k->name);
	int result = -1;
	for (const char *s = sigs; s < note + len;) {
		const char *e = memchr(s, '\n', (size_t)(note + len - s));
		const char *name = s + dash, *sp = memchr(name, ' ', (size_t)(e - name));
		uint8_t raw[4 + 8 + 64 + 1];
		size_t n;
		if ((size_t)(sp - name) == nlen && memcmp(name, k->name, nlen) == 0 &&
		    sodium_base642bin(raw, sizeof(raw), sp + 1, (size_t)(e - sp - 1), NULL, &n, NULL,
		                      sodium_base64_VARIANT_ORIGINAL) == 0 &&
		    n >= 4 && ((uint32_t)raw[0] << 24 | (uint32_t)raw[1] << 16 | (uint32_t)raw[2] << 8 | raw[3]) == k->id) {
			bool ok = false;
			if (k->type == KP_NOTE_ED25519 && n == 4 + 64) {
				ok = crypto_sign_verify_detached(raw + 4, (const uint8_t *)note, text_len, k->pub) == 0;
			} else if (k->type == KP_NOTE_COSIG && n == 4 + 8 + 64) {
				uint64_t t = 0;
				for (int i = 0; i < 8; i++)
					t = t << 8 | raw[4 + i];
				size_t mlen;
				uint8_t *m = t <= INT64_MAX ? cosigned_message(note, text_len, t, &mlen) : NULL;
				ok = m && crypto_sign_verify_detached(raw + 12, m, mlen, k->pub) == 0;
				free(m);
				if (ok && timestamp)
					*timestamp = t;
			}
			if (!ok)
				return -2;
			result = 0;
		}
		s = e + 1;
	}
	return result;
}

size_t kp_checkpoint_text(const char *origin, int64_t size, const kp_hash_t root, char *out, size_t len)
{
	char b64[64];
	sodium_bin2base64(b64, sizeof(b64), root, KP_HASH_SIZE, sodium_base64_VARIANT_ORIGINAL);
	int w = snprintf(out, len, "%s\n%lld\n%s\n", origin, (long long)size, b64);
	return w > 0 && (size_t)w < len ? (size_t)w : 0;
}

int kp_checkpoint_parse(const char *text, size_t len, char origin[KP_NOTE_NAME_MAX + 1], int64_t *size, kp_hash_t root)
{
	const char *end = text + len;
	const char *l1 = memchr(text, '\n', len);
	const char *l2 = l1 ? memchr(l1 + 1, '\n', (size_t)(end - l1 - 1)) : NULL;
	const char *l3 = l2 ? memchr(l2 + 1, '\n', (size_t)(end - l2 - 1)) : NULL;
	if (l3 == NULL || l1 == text || (size_t)(l1 - text) > KP_NOTE_NAME_MAX)
		return -1;
	memcpy(origin, text, (size_t)(l1 - text));
	origin[l1 - text] = '\0';
	/* the size: decimal, no sign, no leading zero unless it is 0 */
	const char *d = l1 + 1;
	size_t dn = (size_t)(l2 - d);
	if (dn == 0 || dn > 19 || (dn > 1 && d[0] == '0'))
		return -1;
	int64_t v = 0;
	for (size_t i = 0; i < dn; i++) {
		if (d[i] < '0' || d[i] > '9' || v > (INT64_MAX - (d[i] - '0')) / 10)
			return -1;
		v = v * 10 + (d[i] - '0');
	}
	size_t n;
	if (sodium_base642bin(root, KP_HASH_SIZE, l2 + 1, (size_t)(l3 - l2 - 1), NULL, &n, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    n != KP_HASH_SIZE)
		return -1;
	*size = v;
	return 0;
}

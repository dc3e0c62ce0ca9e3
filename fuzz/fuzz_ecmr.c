/* fuzz_ecmr.c: libFuzzer target for what a consignment note takes from outside: the note a
 * carrier submits (kp_ecmr_document: accepted, its canonical text is one JSON object again;
 * refused, every problem was reported) and a chain of seals someone hands in
 * (kp_chain_verify over '\n'-separated JWS texts: never valid without a trusted key, never
 * crashes). The first byte picks which. */
#include "crypto/seals.h"
#include "domain/ecmr.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int problems;
static void count(void *ctx, const char *field, const char *problem)
{
	(void)ctx;
	if (!field || !problem)
		abort();
	problems++;
}

static const kp_key_t *no_key(void *ctx, const char *authority, const char *kid)
{
	(void)ctx, (void)authority, (void)kid;
	return NULL;
}

static void document(const uint8_t *data, size_t size)
{
	json_t *in = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(in)) {
		json_decref(in);
		return;
	}
	problems = 0;
	json_t *doc = kp_ecmr_document(in, "Carrier", "KG", count, NULL);
	if ((doc == NULL) != (problems > 0))
		abort();
	if (doc) {
		char *text = kp_ecmr_canonical(doc);
		json_t *back = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
		if (!json_is_object(back) || !json_is_array(json_object_get(back, "goods")))
			abort();
		json_decref(back);
		free(text);
		json_decref(doc);
	}
	json_decref(in);
}

static void chain(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	const char *seals[16];
	int n = 0;
	for (char *save = NULL, *s = strtok_r(text, "\n", &save); s && n < 16; s = strtok_r(NULL, "\n", &save))
		seals[n++] = s;
	kp_chain_result_t res;
	int rc = kp_chain_verify("ECMR-KG-0000000000", "00", seals, n, no_key, NULL, &res);
	if (n > 0 && (rc == 0 || res.broken_at < 0 || res.broken_at >= n || !res.code))
		abort();
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1)
		chain(data + 1, size - 1);
	else
		document(data + 1, size - 1);
	return 0;
}

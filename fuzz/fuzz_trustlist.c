/* fuzz_trustlist.c: libFuzzer target for the offline trust list's revocation data
 * (src/domain/trustlist.c) as `kapka verify` reads it from a file someone handed over:
 * the input is JSON {"revoked": ..., "other": ...} and a permit id after a NUL. Asking
 * about any id answers yes, no or "cannot tell", never a crash; an encoded list answers
 * yes for each of its ids. */
#include "domain/trustlist.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t jlen = nul ? (size_t)(nul - data) : size;
	char id[64] = "KG-UZ-2026-1-1";
	if (nul) {
		size_t n = size - jlen - 1 < sizeof(id) - 1 ? size - jlen - 1 : sizeof(id) - 1;
		memcpy(id, nul + 1, n);
		id[n] = '\0';
	}
	json_t *j = json_loadb((const char *)data, jlen, 0, NULL);
	if (j) {
		kp_trustlist_contains(json_object_get(j, "revoked"), json_object_get(j, "other"), id);
		kp_trustlist_count(json_object_get(j, "revoked"));
		json_decref(j);
	}
	/* round trip: ids made of the input's lines, printable ASCII as stored ids are */
	const char *ids[8];
	char lines[8][40];
	int n = 0;
	for (size_t at = 0; at < jlen && n < 8; n++) {
		size_t len = 0;
		while (at + len < jlen && data[at + len] != '\n' && len < 39)
			len++;
		for (size_t k = 0; k < len; k++)
			lines[n][k] = (char)(data[at + k] >= 0x21 && data[at + k] < 0x7f ? data[at + k] : '-');
		lines[n][len] = '\0';
		ids[n] = lines[n];
		at += len + 1;
	}
	json_t *other = NULL;
	json_t *revoked = kp_trustlist_encode(ids, n, &other);
	for (int i = 0; revoked && i < n; i++)
		if (kp_trustlist_contains(revoked, other, ids[i]) == 0)
			abort();
	json_decref(revoked);
	json_decref(other);
	return 0;
}

/* fuzz_event.c: libFuzzer target for the e-permit event reader (src/domain/event.c
 * kp_event_read), the first thing a partner's POST {base}/events/{type} reaches after the
 * JSON parse. The first input byte picks the endpoint, the rest is the body. An event is
 * accepted with its fields filled, or refused with a 4xx and a reason; never both. An
 * accepted event's Gson bytes read back as JSON with the same values. */
#include "domain/event.h"
#include "exchange/gson.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const paths[] = {"quota-created", "permit-created", "permit-revoked", "permit-used",
                                    "key-created",   "key-revoked",    "nonsense"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	kp_event_type_t t = kp_event_type_from_path(paths[data[0] % (sizeof(paths) / sizeof(paths[0]))]);
	json_t *obj = json_loadb((const char *)data + 1, size - 1, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(obj)) {
		json_decref(obj);
		return 0;
	}
	kp_event_t ev;
	kp_event_error_t err;
	memset(&ev, 0, sizeof(ev));
	memset(&err, 0, sizeof(err));
	int rc = kp_event_read(obj, t, 20000, &ev, &err);
	if (rc == 0 && (ev.event_id == NULL || ev.producer == NULL || ev.consumer == NULL))
		abort();
	if (rc == 0) { /* the bytes signed and verified (src/exchange/gson.c) are JSON with the same fields */
		size_t len;
		char *g = kp_gson_event(obj, t, &len);
		json_t *back = json_loadb(g, len, 0, NULL);
		json_t *cn = t == KP_EV_PERMIT_CREATED ? json_object_get(obj, "company_name") : NULL;
		if (back == NULL || !json_equal(json_object_get(back, "event_id"), json_object_get(obj, "event_id")) ||
		    (json_is_string(cn) && !json_equal(json_object_get(back, "company_name"), cn)))
			abort();
		json_decref(back);
		free(g);
	}
	if (rc != 0 && (err.status < 400 || err.status > 499 || err.message == NULL))
		abort();
	kp_event_cleanup(&ev);
	kp_event_error_cleanup(&err);
	json_decref(obj);
	return 0;
}

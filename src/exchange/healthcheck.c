/* healthcheck.c: asking a partner whether its view of our two chains matches ours, as the
 * reference's AuthorityService.healthcheck does (docs/e-permit.md). */
#include "exchange/exchange.h"
#include "app/keyring.h"
#include "core/util.h"
#include "exchange/client.h"
#include "store/exchange.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *kp_exchange_healthcheck(kp_app_t *app, kp_conn_t *c, const char *code)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_partner_t p;
	json_t *out = NULL, *remote = NULL;
	char err[512] = "", *jwt = NULL;
	long status = 0;
	int64_t checked = kp_now();
	if (kp_store_partner_get(c, &a, code, &p) != KP_DB_OK || p.api_url == NULL) {
		out = json_pack("{s:b, s:s}", "ok", 0, "problem", "no API address is known for this partner");
		goto done;
	}
	/* JwsUtil.createJwt: {iss, aud, exp in an hour}, ES256 with our current key */
	json_t *claims = json_pack("{s:s, s:s, s:I}", "iss", app->cfg->authority_code, "aud", code, "exp",
	                           (json_int_t)(checked + 3600));
	char *text = json_dumps(claims, JSON_COMPACT);
	json_decref(claims);
	int rc = kp_keyring_sign(app->keys, c, NULL, text, &jwt);
	free(text);
	if (rc != 0) {
		out = json_pack("{s:b, s:s}", "ok", 0, "problem", "cannot sign the healthcheck token");
		goto done;
	}
	if (kp_client_healthcheck(p.api_url, jwt, (long)app->cfg->exchange_timeout_ms, &status, &remote, err,
	                          sizeof(err)) != 0) {
		out = json_pack("{s:b, s:s}", "ok", 0, "problem", err[0] ? err : "no answer");
		goto done;
	}
	const char *to = json_string_value(json_object_get(remote, "to_last_event_id"));
	const char *from = json_string_value(json_object_get(remote, "from_last_event_id"));
	const char *ours_sent = p.last_sent_event_id ? p.last_sent_event_id : "0";
	const char *ours_got = p.last_received_event_id ? p.last_received_event_id : "0";
	char problem[200] = "";
	if (!from || strcmp(from, ours_got) != 0)
		snprintf(problem, sizeof(problem), "Event sync problem from %s to %s", code, app->cfg->authority_code);
	if (!to || strcmp(to, ours_sent) != 0)
		snprintf(problem, sizeof(problem), "Event sync problem from %s to %s", app->cfg->authority_code, code);
	out = json_pack("{s:b, s:s?, s:{s:s?, s:s?}, s:{s:s, s:s}, s:I}", "ok", problem[0] == '\0', "problem",
	                problem[0] ? problem : NULL, "remote", "to_last_event_id", to, "from_last_event_id", from, "local",
	                "last_event_sent", ours_sent, "last_event_received", ours_got, "pending", (json_int_t)p.pending);
done:
	json_object_set_new(out, "authority", json_string(code));
	char at[32];
	kp_iso8601(checked, at, sizeof(at));
	json_object_set_new(out, "checked_at", json_string(at));
	json_decref(remote);
	free(jwt);
	kp_arena_cleanup(&a);
	return out;
}

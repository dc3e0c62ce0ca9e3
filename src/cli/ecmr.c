/* ecmr.c: `kapka xroad-call` (below) and `kapka ecmr-verify`: check an e-CMR with no network, against the keys of a trust
 * list (`kapka trustlist export`, the same trust material as permits): either its QR (the
 * authority's signed summary: goods and seal history) or a bundle (GET .../bundle: the
 * document and every seal, whose chain and document digest are checked seal by seal). */
#include "cli/cli.h"
#include "core/util.h"
#include "crypto/hash.h"
#include "crypto/jws.h"
#include "crypto/seals.h"
#include "domain/verdict.h"
#include "exchange/xroad.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INPUT_MAX (8u << 20)

/* Keys made from the trust list for one run, freed at the end. */
struct pins {
	json_t *body;
	kp_key_t *made[64];
	int n;
};

static const kp_key_t *pinned(void *ctx, const char *authority, const char *kid)
{
	struct pins *p = ctx;
	bool revoked;
	kp_key_t *k = kp_cli_trust_key(p->body, authority, kid, &revoked);
	if (!k)
		return NULL;
	if (revoked || p->n == (int)KP_ARRAY_LEN(p->made)) {
		kp_key_free(k);
		return NULL;
	}
	p->made[p->n++] = k;
	return k;
}

static const kp_key_t *qr_key(void *ctx, const char *kid)
{
	struct pins *p = ctx;
	return pinned(p, json_string_value(json_object_get(p->body, "_iss")), kid);
}

/* The input: stdin for "-", a file when one exists at arg, else arg itself (a QR text). */
static char *read_input(const char *arg)
{
	FILE *f = strcmp(arg, "-") == 0 ? stdin : fopen(arg, "rb");
	if (!f)
		return kp_strdup(arg);
	char *buf = kp_malloc(INPUT_MAX + 1);
	size_t len = fread(buf, 1, INPUT_MAX, f);
	buf[len] = '\0';
	if (f != stdin)
		fclose(f);
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r' || buf[len - 1] == ' '))
		buf[--len] = '\0';
	return buf;
}

static int verify_qr(const char *qr, struct pins *p)
{
	json_t *peek = kp_jws_peek(qr);
	json_object_set(p->body, "_iss", json_object_get(peek, "iss"));
	kp_jws_t v = {0};
	int rc = kp_jws_verify(qr, strlen(qr), qr_key, p, &v);
	json_object_del(p->body, "_iss");
	json_decref(peek);
	json_t *c = rc == KP_JWS_OK ? json_loadb((const char *)v.payload, v.payload_len, 0, NULL) : NULL;
	bool typ = rc == KP_JWS_OK && json_is_string(json_object_get(v.header, "typ")) &&
	           !strcmp(json_string_value(json_object_get(v.header, "typ")), "kapka-ecmr");
	kp_jws_cleanup(&v);
	if (!c || !typ) {
		enum kp_why why = kp_verdict_signature_why(rc == KP_JWS_OK ? KP_JWS_EMALFORMED : rc, false);
		bool sig = rc != KP_JWS_OK;
		printf("INVALID\n  %s: %s\n", sig ? kp_why_code(why) : "NOT_AN_ECMR",
		       sig ? kp_why_message(why) : "this QR is not an e-CMR");
		json_decref(c);
		return 1;
	}
	printf("VALID e-CMR %s (%s), signed by %s\n", json_string_value(json_object_get(c, "id")),
	       json_string_value(json_object_get(c, "st")), json_string_value(json_object_get(c, "iss")));
	printf("  vehicle %s (%s); from %s to %s\n", json_string_value(json_object_get(c, "v")) ?: "-",
	       json_string_value(json_object_get(c, "vc")) ?: "-", json_string_value(json_object_get(c, "from")) ?: "-",
	       json_string_value(json_object_get(c, "to")) ?: "-");
	size_t i;
	json_t *g;
	printf("  goods:\n");
	json_array_foreach(json_object_get(c, "g"), i, g)
		printf("    %lld × %s, %.10g kg\n", (long long)json_integer_value(json_array_get(g, 1)),
		       json_string_value(json_array_get(g, 0)) ?: "", json_number_value(json_array_get(g, 2)));
	printf("  seals:\n");
	json_array_foreach(json_object_get(c, "s"), i, g) {
		char at[32];
		kp_iso8601(json_integer_value(json_array_get(g, 4)), at, sizeof(at));
		printf("    %lld. %s by %s (%s) at %s\n", (long long)json_integer_value(json_array_get(g, 0)),
		       json_string_value(json_array_get(g, 1)) ?: "", json_string_value(json_array_get(g, 3)) ?: "",
		       json_string_value(json_array_get(g, 2)) ?: "", at);
	}
	printf("  document digest %s\n", json_string_value(json_object_get(c, "doc")) ?: "-");
	json_decref(c);
	return 0;
}

static int verify_bundle(const char *text, struct pins *p)
{
	json_t *b = json_loads(text, 0, NULL);
	const char *ref = json_string_value(json_object_get(b, "ref"));
	const char *doc = json_string_value(json_object_get(b, "document"));
	json_t *seals = json_object_get(b, "seals");
	if (!ref || !doc || !json_is_array(seals) || json_array_size(seals) > 64) {
		printf("INVALID\n  MALFORMED: not an e-CMR bundle\n");
		json_decref(b);
		return 1;
	}
	int n = (int)json_array_size(seals);
	const char **chain = kp_calloc((size_t)n + 1, sizeof(char *));
	for (int i = 0; i < n; i++)
		chain[i] = json_string_value(json_array_get(seals, (size_t)i)) ?: "";
	char digest[65];
	kp_sha256_hex(doc, strlen(doc), digest);
	kp_chain_result_t res;
	int rc = kp_chain_verify(ref, digest, chain, n, pinned, p, &res);
	if (rc == 0) {
		printf("VALID e-CMR %s: the document and its %d seals hold\n", ref, n);
		for (int i = 0; i < n; i++) {
			json_t *c = kp_jws_peek(chain[i]);
			printf("  %d. %s by %s (%s)%s\n", i + 1, json_string_value(json_object_get(c, "act")) ?: "",
			       json_string_value(json_object_get(c, "party")) ?: "",
			       json_string_value(json_object_get(c, "role")) ?: "",
			       json_object_get(c, "custody") ? ", key held by the platform" : "");
			json_decref(c);
		}
	} else {
		printf("INVALID e-CMR %s\n  seal %d: %s: %s\n", ref, res.broken_at + 1, res.code, res.message);
	}
	free(chain);
	json_decref(b);
	return rc == 0 ? 0 : 1;
}

int kp_cli_ecmr_verify(kp_config_t *cfg, int argc, char **argv)
{
	const char *input = NULL, *list = NULL, *anchor = cfg->trust_anchors[0] ? cfg->trust_anchors : NULL;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--trustlist") && i + 1 < argc)
			list = argv[++i];
		else if ((!strcmp(argv[i], "--anchors") || !strcmp(argv[i], "--anchor")) && i + 1 < argc)
			anchor = argv[++i];
		else if (!input && (argv[i][0] != '-' || !strcmp(argv[i], "-")))
			input = argv[i];
	}
	if (kp_cli_wants_help(argc, argv) || !input || !list) {
		printf("usage: kapka ecmr-verify QR|BUNDLE_FILE|- --trustlist FILE --anchors FILE\n\n"
		       "Checks an e-CMR with no network against the keys in a trust list from `kapka trustlist\n"
		       "export`, believed only when a pinned key of its issuer signed it: --anchors names the keys\n"
		       "shipped with this device (`kapka trustlist anchors` on the issuing server, an\n"
		       "epermit-configuration or a JWK; default: the trust_anchors setting); without one nothing\n"
		       "is judged (NOT CHECKED, exit 2). It checks its QR (the authority's signed summary with the goods and "
		       "the seal history), or\n"
		       "a bundle from GET /api/v1/ecmr/{ref}/bundle (the document and every seal: a changed\n"
		       "document or a broken chain is reported with the first seal that fails). Prints VALID or\n"
		       "INVALID; exits 0 when valid, 1 when not, 2 when it cannot be checked or on bad usage.\n");
		return kp_cli_wants_help(argc, argv) ? 0 : 2;
	}
	struct trust t;
	if (kp_cli_load_trust(list, anchor, &t) != 0) {
		free(t.text);
		json_decref(t.body);
		return 2;
	}
	char *text = read_input(input);
	struct pins p = {.body = t.body};
	int rc = text[0] == '{' ? verify_bundle(text, &p) : verify_qr(text, &p);
	for (int i = 0; i < p.n; i++)
		kp_key_free(p.made[i]);
	free(text);
	free(t.text);
	json_decref(t.body);
	return rc;
}

/* `kapka xroad-call SERVICE_ID [PATH] [--user ID] [--issue TEXT]`: call another agency's
 * service through our security server and print its answer. */
int kp_cli_xroad_call(kp_config_t *cfg, int argc, char **argv)
{
	const char *service = NULL, *path = "", *user = NULL, *issue = NULL;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--user") && i + 1 < argc)
			user = argv[++i];
		else if (!strcmp(argv[i], "--issue") && i + 1 < argc)
			issue = argv[++i];
		else if (!service && argv[i][0] != '-')
			service = argv[i];
		else if (argv[i][0] == '/')
			path = argv[i];
	}
	if (kp_cli_wants_help(argc, argv) || !service) {
		printf("usage: kapka xroad-call INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE [/PATH?QUERY] [--user ID] [--issue "
		       "TEXT]\n\n"
		       "Calls another agency's REST service through our X-Road security server\n"
		       "(xroad_consumer_url) as our subsystem (xroad_client) and prints the answer; exits 0 on a\n"
		       "2xx answer, 1 on another answer or none, 2 on bad usage.\n");
		return kp_cli_wants_help(argc, argv) ? 0 : 2;
	}
	long status;
	char *body = NULL, err[600] = "";
	if (kp_xroad_call(cfg, service, path, user, issue, &status, &body, err, sizeof(err)) != 0) {
		fprintf(stderr, "kapka xroad-call: %s\n", err);
		return 2;
	}
	if (status == 0)
		fprintf(stderr, "kapka xroad-call: no answer: %s\n", err);
	else
		printf("%s\n", body);
	free(body);
	return status >= 200 && status < 300 ? 0 : 1;
}

/* log.c: `kapka log`: a permit's offline proof, checking one, and the log's monitors
 * (log_verify.c). */
#include "api/transparency.h"
#include "cli/cli.h"
#include "cli/log_check.h"
#include "core/log.h"
#include "core/util.h"
#include "store/tlog_log.h"
#include "tlog/proof.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct kp_tlog *kp_cli_tlog_open(const kp_config_t *cfg, kp_store_t *store, const char *passphrase)
{
	char origin[256], err[256];
	if (cfg->log_origin[0]) {
		snprintf(origin, sizeof(origin), "%s", cfg->log_origin);
	} else if (cfg->public_url[0]) {
		const char *host = strstr(cfg->public_url, "://");
		host = host ? host + 3 : cfg->public_url;
		size_t n = strlen(host);
		while (n > 0 && host[n - 1] == '/')
			n--;
		snprintf(origin, sizeof(origin), "%.*s/log", (int)n, host);
	} else {
		snprintf(origin, sizeof(origin), "kapka/%s/log", cfg->authority_code);
	}
	kp_tlog_set_enabled(cfg->transparency_log != 0);
	kp_tlog_t *l = kp_tlog_open(store, passphrase, origin, err, sizeof(err));
	if (l == NULL)
		fprintf(stderr, "kapka: transparency log: %s\n", err);
	return l;
}

/* `kapka log prove ID`: the tlog-proof of the permit's first leaf, to stdout. */
static int prove(kp_store_t *store, kp_tlog_t *l, const char *id)
{
	kp_conn_t *c = kp_store_acquire(store);
	int64_t index;
	char *proof = kp_api_tlog_object_proof(l, c, id, &index);
	kp_store_release(store, c);
	if (proof == NULL) {
		fprintf(stderr, "kapka log prove: %s has no leaf under a signed checkpoint (is kapka serve running?)\n", id);
		return 1;
	}
	fputs(proof, stdout);
	fprintf(stderr, "leaf %lld of log %s; check it with: kapka log check FILE --key '%s'\n", (long long)index,
	        kp_tlog_origin(l), kp_tlog_vkey(l));
	free(proof);
	return 0;
}

/* The whole of a file of at most max bytes (malloc'd, NUL-terminated), or NULL. */
static char *read_file(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	char *buf = kp_malloc(max + 1);
	*len = fread(buf, 1, max + 1, f);
	fclose(f);
	if (*len > max) {
		free(buf);
		return NULL;
	}
	buf[*len] = '\0';
	return buf;
}

/* `kapka log check FILE --key VKEY`: an offline proof against the log's key, no database. */
static int check(const char *file, const char *vkey)
{
	kp_note_key_t key;
	if (vkey == NULL || kp_note_vkey_parse(vkey, &key) != 0 || key.type != KP_NOTE_ED25519) {
		fprintf(stderr, "kapka log check: --key must be the log's verifier key (NAME+HASH+BASE64)\n");
		return 2;
	}
	size_t len;
	char *text = read_file(file, 1 << 20, &len);
	if (text == NULL) {
		fprintf(stderr, "kapka log check: cannot read %s\n", file);
		return 2;
	}
	kp_tlog_proof_t p;
	int rc = 1;
	if (kp_tlog_proof_parse(text, len, &p) != 0) {
		printf("INVALID: %s is not a tlog-proof (c2sp.org/tlog-proof@v1)\n", file);
	} else {
		const char *why = kp_tlog_proof_check(&p, &key, NULL);
		if (why) {
			printf("INVALID: %s\n", why);
		} else {
			printf("VALID: entry %lld is in log %s (tree of %lld signed by its key)\n", (long long)p.index, p.origin,
			       (long long)p.size);
			if (p.entry)
				printf("%.*s\n", (int)p.entry_len, (const char *)p.entry);
			rc = 0;
		}
		free(p.entry);
	}
	free(text);
	return rc;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: kapka log prove PERMIT_ID         the permit's offline proof (c2sp.org/tlog-proof@v1)\n"
	           "       kapka log check FILE --key VKEY    check an offline proof without kapka's database\n"
	           "       kapka log verify [--tiles URL]     rebuild the log from the database (and URL's tiles),\n"
	           "                                          check every leaf against its act and every checkpoint\n"
	           "       kapka log monitor URL [--state FILE] [--key VKEY] [--interval S] [--once]\n"
	           "                                          follow another kapka's log from its tiles alone\n");
}

/* The value of --name in argv, or NULL. */
const char *kp_cli_log_opt(int argc, char **argv, const char *name)
{
	for (int i = 0; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return argv[i + 1];
	return NULL;
}

int kp_cli_log(kp_config_t *cfg, int argc, char **argv)
{
	if (argc < 1 || kp_cli_wants_help(argc, argv)) {
		usage(argc < 1 ? stderr : stdout);
		return argc < 1 ? 2 : 0;
	}
	const char *cmd = argv[0];
	if (strcmp(cmd, "check") == 0)
		return argc >= 2 ? check(argv[1], kp_cli_log_opt(argc, argv, "--key")) : (usage(stderr), 2);
	if (strcmp(cmd, "monitor") == 0)
		return argc >= 2 ? kp_cli_log_monitor(argv[1], argc - 2, argv + 2) : (usage(stderr), 2);
	if (strcmp(cmd, "prove") != 0 && strcmp(cmd, "verify") != 0) {
		usage(stderr);
		return 2;
	}
	if (strcmp(cmd, "prove") == 0 && argc < 2) {
		usage(stderr);
		return 2;
	}
	kp_store_t *store = kp_cli_open_store(cfg, 2);
	if (store == NULL)
		return 1;
	kp_tlog_t *l = kp_cli_tlog_open(cfg, store, NULL);
	int rc = 1;
	if (l && strcmp(cmd, "prove") == 0)
		rc = prove(store, l, argv[1]);
	else if (l)
		rc = kp_cli_log_verify(store, l, kp_cli_log_opt(argc, argv, "--tiles"));
	kp_tlog_free(l);
	kp_store_close(store);
	return rc;
}

/* catalogue.c: the web UI's catalogues read from web_dir, once per process. */
#include "api/catalogue.h"
#include "core/log.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static const char *const LANGS[] = {"ky", "ru", "en"};
static json_t *catalogues[3];
static pthread_once_t once = PTHREAD_ONCE_INIT;
static char web_dir[512];

static void load(void)
{
	for (int i = 0; i < 3; i++) {
		char path[600];
		snprintf(path, sizeof(path), "%s/i18n/%s.json", web_dir, LANGS[i]);
		json_error_t err;
		catalogues[i] = json_load_file(path, 0, &err);
		if (catalogues[i] == NULL)
			kp_warn("catalogue %s not read (%s): documents show codes instead of names", path, err.text);
	}
}

const char *kp_catalogue_text(const kp_config_t *cfg, const char *lang, const char *key)
{
	if (web_dir[0] == '\0')
		snprintf(web_dir, sizeof(web_dir), "%s", cfg->web_dir);
	pthread_once(&once, load);
	for (int i = 0; i < 3; i++)
		if (strcmp(lang, LANGS[i]) == 0)
			return json_string_value(json_object_get(catalogues[i], key));
	return NULL;
}

const char *kp_catalogue_three(const kp_config_t *cfg, kp_arena_t *a, const char *key, const char *fallback)
{
	const char *t[3];
	int n = 0;
	for (int i = 0; i < 3; i++) {
		const char *s = kp_catalogue_text(cfg, LANGS[i], key);
		bool seen = false;
		for (int j = 0; s && j < n; j++)
			seen |= strcmp(t[j], s) == 0;
		if (s && !seen)
			t[n++] = s;
	}
	if (n == 0)
		return fallback;
	return n == 1   ? t[0]
	       : n == 2 ? kp_arena_printf(a, "%s / %s", t[0], t[1])
	                : kp_arena_printf(a, "%s / %s / %s", t[0], t[1], t[2]);
}

/* catalogue.h: names people read (countries, permit types, statuses) in Kyrgyz, Russian and
 * English, from the web UI's own catalogues (web/i18n/<lang>.json under the web_dir setting),
 * so a document and the pages name things alike. */
#ifndef KP_API_CATALOGUE_H
#define KP_API_CATALOGUE_H

#include "core/arena.h"
#include "core/config.h"

/* The text of key in lang ("ky", "ru" or "en"), or NULL when the catalogue or the key is
 * missing. The catalogues are read once per process; the text lives as long as it does. */
const char *kp_catalogue_text(const kp_config_t *cfg, const char *lang, const char *key);

/* "ky / ru / en" for key (equal texts once), in the arena; fallback when no catalogue
 * knows the key. */
const char *kp_catalogue_three(const kp_config_t *cfg, kp_arena_t *a, const char *key, const char *fallback);

#endif

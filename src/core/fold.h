/* fold.h: the case folding a search uses (the `q` of every list), the same on SQLite and
 * PostgreSQL: I, ı, İ and i all become i (a search cannot know whether a name is Turkish,
 * where I pairs with ı and İ with i), Ё and ё become е (Russian print mostly writes ё as е,
 * and a clerk types е for either), then Unicode's lowercase mapping of ICU's root locale
 * (Cyrillic with Kyrgyz Ң Ө Ү, І; Latin with its marks; Greek; any script with case).
 * Other letters with and without marks stay different (ş is not s, ў is not у). SQLite calls
 * kp_fold_utf8 (its own LOWER folds ASCII only); PostgreSQL runs KP_FOLD_PG_SQL, the same
 * ICU mapping, whatever the cluster's locale (its lower() follows LC_CTYPE: ASCII only
 * under C). Both use the ICU of their own host: the same major version (Debian 12: 72)
 * gives the same answer for every character. */
#ifndef KP_CORE_FOLD_H
#define KP_CORE_FOLD_H

#include <stddef.h>

/* The folded form of the n bytes of UTF-8 at s, malloc'd and NUL-terminated, its length in
 * *len. Text that is not valid UTF-8 comes back as it is. NULL only without memory. */
char *kp_fold_utf8(const char *s, size_t n, size_t *len);

/* The body of PostgreSQL's kp_fold(text): the rule above in SQL. */
#define KP_FOLD_PG_SQL " SELECT lower(translate($1, 'İıЁё', 'iiее') COLLATE \"und-x-icu\") COLLATE \"C\" "

#endif

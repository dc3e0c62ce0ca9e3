/* fold.h: the case folding a search uses (the `q` of every list), the same on SQLite and
 * PostgreSQL. One table of capital letters and their small letters: Latin (ASCII, Latin-1,
 * Latin Extended-A, Ə) and Cyrillic (Russian, Kyrgyz Ң Ө Ү, Kazakh, Ukrainian, Serbian and
 * the rest of U+0400-U+052F). Every other character stays as it is, so the rule does not
 * depend on a locale. Turkish and Azerbaijani pair I with ı and İ with i, every other
 * language I with i; a search cannot know the language, so I, ı, İ and i all fold to i
 * ("ÇAĞRI" is found by "çağrı" and by "çağri"). Letters with and without marks stay
 * different (ş is not s, ё is not е); Greek, Armenian and others are not folded. Each
 * character folds to one character of at most its own length in UTF-8. */
#ifndef KP_CORE_FOLD_H
#define KP_CORE_FOLD_H

#include <stddef.h>
#include <stdint.h>

/* The small letter of code point cp, or cp itself. */
uint32_t kp_fold_rune(uint32_t cp);

/* Fold the n bytes of s into out (room for n + 1 bytes); returns the length written and
 * ends out with '\0'. Bytes that are not well-formed UTF-8 are copied as they are. */
size_t kp_fold_utf8(const char *s, size_t n, char *out);

/* Every character that folds, in order, and what it folds to at the same position, as two UTF-8
 * strings of equal character count (what PostgreSQL's translate() takes). Static. */
void kp_fold_pairs(const char **capitals, const char **smalls);

#endif

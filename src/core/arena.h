/* arena.h: a bump allocator owned by one request (or one command); freed all at once. */
#ifndef KP_ARENA_H
#define KP_ARENA_H

#include <stddef.h>

typedef struct kp_arena_chunk kp_arena_chunk_t;
typedef struct kp_arena {
	kp_arena_chunk_t *head;
} kp_arena_t;

void kp_arena_init(kp_arena_t *a);
/* Frees every chunk; the arena may be reused after kp_arena_init. */
void kp_arena_cleanup(kp_arena_t *a);
/* Aligned, uninitialised memory that lives until kp_arena_cleanup. Aborts on OOM. */
void *kp_arena_alloc(kp_arena_t *a, size_t n);
void *kp_arena_zalloc(kp_arena_t *a, size_t n);
char *kp_arena_strdup(kp_arena_t *a, const char *s);
char *kp_arena_strndup(kp_arena_t *a, const char *s, size_t n);
char *kp_arena_printf(kp_arena_t *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif

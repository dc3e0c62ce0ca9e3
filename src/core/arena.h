/* arena.h: a bump allocator owned by one request (or one command); freed all at once. */
#ifndef KP_ARENA_H
#define KP_ARENA_H

#include <stddef.h>

typedef struct kp_arena_chunk kp_arena_chunk_t;
struct kp_arena_defer;
typedef struct kp_arena {
	kp_arena_chunk_t *head;
	struct kp_arena_defer *defers; /* destructors to run at cleanup, newest first */
} kp_arena_t;

void kp_arena_init(kp_arena_t *a);
/* Runs the deferred destructors (newest first), then frees every chunk; the arena may be
 * reused after kp_arena_init. */
void kp_arena_cleanup(kp_arena_t *a);
/* Make the arena own p: fn(p) runs at kp_arena_cleanup (a JSON value's json_decref, a
 * malloc'd buffer's free). Returns p. */
void *kp_arena_defer(kp_arena_t *a, void (*fn)(void *), void *p);
/* Aligned, uninitialised memory that lives until kp_arena_cleanup. Aborts on OOM. */
void *kp_arena_alloc(kp_arena_t *a, size_t n);
void *kp_arena_zalloc(kp_arena_t *a, size_t n);
char *kp_arena_strdup(kp_arena_t *a, const char *s);
char *kp_arena_strndup(kp_arena_t *a, const char *s, size_t n);
char *kp_arena_printf(kp_arena_t *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif

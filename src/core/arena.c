/* arena.c: chunked bump allocation; large requests get a chunk of their own. */
#include "core/arena.h"
#include "core/util.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_SIZE 8192
#define ALIGN 16

struct kp_arena_chunk {
	kp_arena_chunk_t *next;
	size_t size, used;
	_Alignas(16) unsigned char data[];
};

struct kp_arena_defer {
	struct kp_arena_defer *next;
	void (*fn)(void *);
	void *p;
};

void kp_arena_init(kp_arena_t *a)
{
	a->head = NULL;
	a->defers = NULL;
}

void *kp_arena_defer(kp_arena_t *a, void (*fn)(void *), void *p)
{
	if (p == NULL)
		return NULL;
	struct kp_arena_defer *d = kp_arena_alloc(a, sizeof(*d));
	*d = (struct kp_arena_defer){a->defers, fn, p};
	a->defers = d;
	return p;
}

void kp_arena_cleanup(kp_arena_t *a)
{
	/* a destructor may itself defer more: run until none is left */
	while (a->defers) {
		struct kp_arena_defer *d = a->defers;
		a->defers = d->next;
		d->fn(d->p);
	}
	kp_arena_chunk_t *c = a->head;
	while (c) {
		kp_arena_chunk_t *next = c->next;
		free(c);
		c = next;
	}
	a->head = NULL;
}

void *kp_arena_alloc(kp_arena_t *a, size_t n)
{
	if (n > SIZE_MAX - ALIGN - sizeof(kp_arena_chunk_t))
		kp_fatal("arena allocation overflow (%zu bytes)", n);
	n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	kp_arena_chunk_t *c = a->head;
	if (c == NULL || c->size - c->used < n) {
		size_t size = n > CHUNK_SIZE / 2 ? n : CHUNK_SIZE;
		kp_arena_chunk_t *fresh = kp_malloc(sizeof(*fresh) + size);
		fresh->size = size;
		fresh->used = 0;
		if (size > CHUNK_SIZE && c != NULL) {
			/* Keep the current chunk at the head so its free space stays usable. */
			fresh->next = c->next;
			c->next = fresh;
		} else {
			fresh->next = c;
			a->head = fresh;
		}
		c = fresh;
	}
	void *p = c->data + c->used;
	c->used += n;
	return p;
}

void *kp_arena_zalloc(kp_arena_t *a, size_t n)
{
	void *p = kp_arena_alloc(a, n);
	memset(p, 0, n);
	return p;
}

char *kp_arena_strndup(kp_arena_t *a, const char *s, size_t n)
{
	char *d = kp_arena_alloc(a, n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *kp_arena_strdup(kp_arena_t *a, const char *s)
{
	return s ? kp_arena_strndup(a, s, strlen(s)) : NULL;
}

char *kp_arena_printf(kp_arena_t *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		kp_fatal("bad format string");
	char *d = kp_arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(d, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return d;
}

/* embed.h: files compiled into the binary (migrations, the OpenAPI document). */
#ifndef KP_EMBED_H
#define KP_EMBED_H

#include <stddef.h>

struct kp_embed {
	const char *name;
	const char *data;
	size_t len;
};

/* sql/NNN_*.sql in name order; terminated by a zero entry. */
extern const struct kp_embed kp_migrations[];
/* docs/openapi/NN-area.json in name order (00-base.json first); merged by src/api/openapi.c */
extern const struct kp_embed kp_openapi[];

#endif

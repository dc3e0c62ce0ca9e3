/* app.h: the application core: the context one running kapka shares across the HTTP
 * handlers, the exchange worker and the CLI: settings, the store, the signing keyring,
 * the permit writer, the exchange worker and the checkpoint registry. */
#ifndef KP_APP_H
#define KP_APP_H

#include "core/config.h"
#include "store/store.h"

struct kp_keyring;
struct kp_writer;
struct kp_exchange;
struct kp_registry;
struct kp_tlog;
struct kp_proxies;

typedef struct kp_app {
	const kp_config_t *cfg;
	kp_store_t *store;
	struct kp_keyring *keys;
	struct kp_writer *writer; /* group commit for permit issuing; NULL: one transaction each */
	struct kp_exchange *exchange; /* the outbox worker; NULL when not running */
	struct kp_registry *registry; /* the checkpoint registry in memory; NULL: not loaded */
	struct kp_tlog *tlog; /* the transparency log; NULL: not running (its routes answer 503) */
	/* settings metrics_allow and xroad_security_servers, parsed once at start (http/proxy.c);
	 * NULL: no address */
	const struct kp_proxies *metrics_allow, *xroad_servers;
} kp_app_t;

#endif

/* migrate.c: `kapka migrate`: apply the migrations in sql/ (compiled in). */
#include "cli/cli.h"

#include <stdio.h>

int kp_cli_migrate(kp_config_t *cfg, int argc, char **argv)
{
	if (kp_cli_wants_help(argc, argv)) {
		printf("usage: kapka migrate [--db PATH_OR_URL]\n\n"
		       "Applies the database migrations that are not applied yet and prints the schema version.\n"
		       "kapka serve does the same at start; several instances may race safely.\n");
		return 0;
	}
	if (argc > 0) {
		fprintf(stderr, "kapka migrate: unknown argument '%s'\n", argv[0]);
		return 2;
	}
	kp_store_t *s = kp_cli_open_store(cfg, 1);
	if (s == NULL)
		return 1;
	printf("database %s is at schema version %d\n", kp_store_backend_name(s), kp_store_schema_version(s));
	kp_store_close(s);
	return 0;
}

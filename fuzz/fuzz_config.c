/* fuzz_config.c: libFuzzer target for the configuration file (src/core/config.c): the
 * input is written to a file named by KAPKA_CONFIG and loaded as `kapka serve` loads it.
 * A file is accepted or refused with a message; every accepted integer is in its range. */
#include "core/config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	if (path[0] == '\0') {
		snprintf(path, sizeof(path), "/tmp/kapka-fuzz-config-%d.conf", (int)getpid());
		setenv("KAPKA_CONFIG", path, 1);
	}
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	kp_config_t cfg;
	kp_config_defaults(&cfg);
	char *argv[] = {"kapka", "serve", NULL}, *rest[2];
	int nrest = 0;
	FILE *devnull = fopen("/dev/null", "w");
	int rc = kp_config_load(&cfg, 2, argv, 2, rest, &nrest, devnull);
	fclose(devnull);
	if (rc == 0 && (cfg.port < 0 || cfg.port > 65535 || cfg.max_body < 1024 || cfg.login_max_failures < 1))
		abort();
	if (memchr(cfg.listen, '\0', sizeof(cfg.listen)) == NULL || memchr(cfg.db, '\0', sizeof(cfg.db)) == NULL)
		abort();
	return 0;
}

/* bad.c: a fixture for tools/layers.sh, never compiled: http/ may not include store/, so
 * `make layers` insists that the checker refuses this tree. */
#include "http/http.h"
#include "store/db.h"

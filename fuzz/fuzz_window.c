/* fuzz_window.c: libFuzzer target for what the single window reads from applicants and
 * administrators: the input as a VIN (kp_vin_check), as an application's form checked
 * against the EV procedure's definition (kp_sw_form_check, kp_sw_when, kp_sw_values) and as
 * a procedure definition (kp_sw_definition_check). An accepted VIN has 17 characters
 * without I, O, Q and its check digit where required; a form without problems has only
 * vehicles whose VINs are accepted. */
#include "domain/vin.h"
#include "domain/window.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const EV = "{\"code\":\"ev-duty-free\",\"name\":{\"ky\":\"\\u042d\\u043b\\u0435\\u043a\\u0442\\u0440 \\u0443\\u043d\\u0430\\u0430\\u043b\\u0430\\u0440\\u044b\\u043d \\u0431\\u0430\\u0436\\u044b \\u0430\\u043b\\u044b\\u043c\\u0441\\u044b\\u0437 \\u0442\\u0430\\u0448\\u044b\\u043f \\u043a\\u0438\\u0440\\u04af\\u04af \\u043a\\u0432\\u043e\\u0442\\u0430\\u0441\\u044b\",\"ru\":\"\\u041a\\u0432\\u043e\\u0442\\u0430 \\u0431\\u0435\\u0441\\u043f\\u043e\\u0448\\u043b\\u0438\\u043d\\u043d\\u043e\\u0433\\u043e \\u0432\\u0432\\u043e\\u0437\\u0430 \\u044d\\u043b\\u0435\\u043a\\u0442\\u0440\\u043e\\u043c\\u043e\\u0431\\u0438\\u043b\\u0435\\u0439\",\"en\":\"Duty-free electric-vehicle import quota\"},\"applicants\":[\"carrier\",\"traveller\"],\"expires_days\":30,\"fields\":[{\"name\":\"applicant_kind\",\"type\":\"enum\",\"options\":[\"person\",\"company\"],\"required\":true,\"label\":{\"ky\":\"\\u0410\\u0440\\u044b\\u0437 \\u0431\\u0435\\u0440\\u04af\\u04af\\u0447\\u04af\",\"ru\":\"\\u0417\\u0430\\u044f\\u0432\\u0438\\u0442\\u0435\\u043b\\u044c\",\"en\":\"Applicant\"}},{\"name\":\"tax_id\",\"type\":\"text\",\"max\":14,\"pattern\":\"^[0-9]{14}$\",\"pattern_hint\":\"must be the 14-digit personal or tax number (PIN/INN)\",\"required\":true,\"label\":{\"ky\":\"\\u041f\\u0418\\u041d / \\u0418\\u041d\\u041d\",\"ru\":\"\\u041f\\u0418\\u041d / \\u0418\\u041d\\u041d\",\"en\":\"PIN / tax number\"}},{\"name\":\"permanent_resident\",\"type\":\"bool\",\"must_be_true\":true,\"required\":true,\"rule\":\"resident\",\"label\":{\"ky\":\"\\u041a\\u044b\\u0440\\u0433\\u044b\\u0437 \\u0420\\u0435\\u0441\\u043f\\u0443\\u0431\\u043b\\u0438\\u043a\\u0430\\u0441\\u044b\\u043d\\u044b\\u043d \\u0442\\u0443\\u0440\\u0443\\u043a\\u0442\\u0443\\u0443 \\u0440\\u0435\\u0437\\u0438\\u0434\\u0435\\u043d\\u0442\\u0438\",\"ru\":\"\\u041f\\u043e\\u0441\\u0442\\u043e\\u044f\\u043d\\u043d\\u044b\\u0439 \\u0440\\u0435\\u0437\\u0438\\u0434\\u0435\\u043d\\u0442 \\u041a\\u044b\\u0440\\u0433\\u044b\\u0437\\u0441\\u043a\\u043e\\u0439 \\u0420\\u0435\\u0441\\u043f\\u0443\\u0431\\u043b\\u0438\\u043a\\u0438\",\"en\":\"Permanent resident of the Kyrgyz Republic\"}},{\"name\":\"no_transfer_undertaking\",\"type\":\"bool\",\"must_be_true\":true,\"required\":true,\"rule\":\"no_transfer\",\"label\":{\"ky\":\"\\u0427\\u0435\\u043a\\u0442\\u0435\\u043b\\u0433\\u0435\\u043d \\u043c\\u04e9\\u04e9\\u043d\\u04e9\\u0442\\u0442\\u04e9 \\u041a\\u0430\\u0437\\u0430\\u043a\\u0441\\u0442\\u0430\\u043d\\u0434\\u044b\\u043d \\u0436\\u0435 \\u0420\\u043e\\u0441\\u0441\\u0438\\u044f\\u043d\\u044b\\u043d \\u0436\\u0430\\u0440\\u0430\\u043d\\u0434\\u0430\\u0440\\u044b\\u043d\\u0430/\\u0440\\u0435\\u0437\\u0438\\u0434\\u0435\\u043d\\u0442\\u0442\\u0435\\u0440\\u0438\\u043d\\u0435 \\u0431\\u0435\\u0440\\u0431\\u0435\\u0439\\u043c\",\"ru\":\"\\u041d\\u0435 \\u043f\\u0435\\u0440\\u0435\\u0434\\u0430\\u043c \\u0433\\u0440\\u0430\\u0436\\u0434\\u0430\\u043d\\u0430\\u043c \\u0438\\u043b\\u0438 \\u0440\\u0435\\u0437\\u0438\\u0434\\u0435\\u043d\\u0442\\u0430\\u043c \\u041a\\u0430\\u0437\\u0430\\u0445\\u0441\\u0442\\u0430\\u043d\\u0430 \\u0438\\u043b\\u0438 \\u0420\\u043e\\u0441\\u0441\\u0438\\u0438 \\u0432 \\u043e\\u0433\\u0440\\u0430\\u043d\\u0438\\u0447\\u0435\\u043d\\u043d\\u044b\\u0439 \\u0441\\u0440\\u043e\\u043a\",\"en\":\"I will not pass the vehicle to citizens or residents of Kazakhstan or Russia within the restricted period\"}},{\"name\":\"vehicles\",\"type\":\"vehicles\",\"options\":[\"bev\",\"series_hybrid\"],\"max\":50,\"required\":true,\"rule\":\"one_claim_per_vin\",\"label\":{\"ky\":\"\\u0423\\u043d\\u0430\\u0430\\u043b\\u0430\\u0440\",\"ru\":\"\\u0422\\u0440\\u0430\\u043d\\u0441\\u043f\\u043e\\u0440\\u0442\\u043d\\u044b\\u0435 \\u0441\\u0440\\u0435\\u0434\\u0441\\u0442\\u0432\\u0430\",\"en\":\"Vehicles\"}}],\"documents\":[{\"kind\":\"invoice\",\"label\":{\"ky\":\"\\u042d\\u0441\\u0435\\u043f-\\u0444\\u0430\\u043a\\u0442\\u0443\\u0440\\u0430\",\"ru\":\"\\u0421\\u0447\\u0451\\u0442-\\u0444\\u0430\\u043a\\u0442\\u0443\\u0440\\u0430 (\\u0438\\u043d\\u0432\\u043e\\u0439\\u0441)\",\"en\":\"Commercial invoice\"}},{\"kind\":\"title\",\"label\":{\"ky\":\"\\u0423\\u043d\\u0430\\u0430\\u043d\\u044b\\u043d \\u043f\\u0430\\u0441\\u043f\\u043e\\u0440\\u0442\\u0443 / \\u044d\\u044d\\u043b\\u0438\\u043a \\u0434\\u043e\\u043a\\u0443\\u043c\\u0435\\u043d\\u0442\\u0438\",\"ru\":\"\\u041f\\u0430\\u0441\\u043f\\u043e\\u0440\\u0442 \\u0422\\u0421 / \\u0434\\u043e\\u043a\\u0443\\u043c\\u0435\\u043d\\u0442 \\u043e \\u043f\\u0440\\u0430\\u0432\\u0435 \\u0441\\u043e\\u0431\\u0441\\u0442\\u0432\\u0435\\u043d\\u043d\\u043e\\u0441\\u0442\\u0438\",\"en\":\"Vehicle title or passport\"}},{\"kind\":\"residence\",\"label\":{\"ky\":\"\\u0420\\u0435\\u0437\\u0438\\u0434\\u0435\\u043d\\u0442\\u0442\\u0438\\u043a\\u0442\\u0438 \\u0442\\u0430\\u0441\\u0442\\u044b\\u043a\\u0442\\u0430\\u0433\\u0430\\u043d \\u0434\\u043e\\u043a\\u0443\\u043c\\u0435\\u043d\\u0442\",\"ru\":\"\\u0414\\u043e\\u043a\\u0443\\u043c\\u0435\\u043d\\u0442 \\u043e \\u0440\\u0435\\u0437\\u0438\\u0434\\u0435\\u043d\\u0442\\u0441\\u0442\\u0432\\u0435\",\"en\":\"Proof of residence\"}},{\"kind\":\"powertrain\",\"label\":{\"ky\":\"\\u041a\\u0443\\u0431\\u0430\\u0442\\u0442\\u0443\\u0443\\u043b\\u0443\\u043a \\u0442\\u04af\\u0437\\u04af\\u043b\\u04af\\u0448\\u04af \\u0436\\u04e9\\u043d\\u04af\\u043d\\u0434\\u04e9 \\u043a\\u04af\\u0431\\u04e9\\u043b\\u04af\\u043a\",\"ru\":\"\\u0421\\u0435\\u0440\\u0442\\u0438\\u0444\\u0438\\u043a\\u0430\\u0442 \\u0441\\u0438\\u043b\\u043e\\u0432\\u043e\\u0439 \\u0443\\u0441\\u0442\\u0430\\u043d\\u043e\\u0432\\u043a\\u0438\",\"en\":\"Powertrain certificate\"}}],\"steps\":[{\"code\":\"customs\",\"agency\":\"customs\",\"role\":\"officer\",\"after\":[],\"fields\":[\"applicant_kind\",\"vehicles\"],\"documents\":[\"invoice\",\"title\"],\"sla_hours\":48,\"effect\":\"ev_quota.reserve\",\"label\":{\"ky\":\"\\u0411\\u0430\\u0436\\u044b: \\u0434\\u0435\\u043a\\u043b\\u0430\\u0440\\u0430\\u0446\\u0438\\u044f \\u0436\\u0430\\u043d\\u0430 \\u043a\\u0432\\u043e\\u0442\\u0430\\u0434\\u0430\\u043d \\u043e\\u0440\\u0443\\u043d\",\"ru\":\"\\u0422\\u0430\\u043c\\u043e\\u0436\\u043d\\u044f: \\u0434\\u0435\\u043a\\u043b\\u0430\\u0440\\u0430\\u0446\\u0438\\u044f \\u0438 \\u043c\\u0435\\u0441\\u0442\\u043e \\u0432 \\u043a\\u0432\\u043e\\u0442\\u0435\",\"en\":\"Customs: declaration and quota allocation\"}},{\"code\":\"economy\",\"agency\":\"economy\",\"role\":\"ministry\",\"after\":[\"customs\"],\"fields\":[\"applicant_kind\",\"tax_id\",\"permanent_resident\",\"no_transfer_undertaking\",\"vehicles\"],\"documents\":[\"residence\"],\"sla_hours\":72,\"label\":{\"ky\":\"\\u042d\\u043a\\u043e\\u043d\\u043e\\u043c\\u0438\\u043a\\u0430 \\u043c\\u0438\\u043d\\u0438\\u0441\\u0442\\u0440\\u043b\\u0438\\u0433\\u0438: \\u0443\\u043a\\u0443\\u043a\",\"ru\":\"\\u041c\\u0438\\u043d\\u044d\\u043a\\u043e\\u043d\\u043e\\u043c\\u0438\\u043a\\u0438: \\u043f\\u0440\\u0430\\u0432\\u043e \\u043d\\u0430 \\u043b\\u044c\\u0433\\u043e\\u0442\\u0443\",\"en\":\"Ministry of Economy: eligibility\"}},{\"code\":\"registration\",\"agency\":\"registration\",\"role\":\"ministry\",\"after\":[\"customs\"],\"fields\":[\"vehicles\"],\"documents\":[\"title\"],\"sla_hours\":72,\"fee\":{\"amount_som\":1000,\"collector\":\"registration\"},\"label\":{\"ky\":\"\\u041a\\u0430\\u0442\\u0442\\u043e\\u043e \\u043a\\u044b\\u0437\\u043c\\u0430\\u0442\\u044b: VIN \\u0436\\u0430\\u043d\\u0430 \\u043a\\u0430\\u0442\\u0442\\u043e\\u043e\",\"ru\":\"\\u0421\\u043b\\u0443\\u0436\\u0431\\u0430 \\u0440\\u0435\\u0433\\u0438\\u0441\\u0442\\u0440\\u0430\\u0446\\u0438\\u0438: VIN \\u0438 \\u0440\\u0435\\u0433\\u0438\\u0441\\u0442\\u0440\\u0430\\u0446\\u0438\\u044f\",\"en\":\"Vehicle registration service: VIN and registration\"}},{\"code\":\"environment\",\"agency\":\"environment\",\"role\":\"ministry\",\"after\":[\"customs\"],\"fields\":[\"vehicles\"],\"documents\":[\"powertrain\"],\"sla_hours\":120,\"when\":{\"field\":\"vehicles[].kind\",\"any_of\":[\"series_hybrid\"]},\"label\":{\"ky\":\"\\u042d\\u043a\\u043e\\u043b\\u043e\\u0433\\u0438\\u044f\\u043b\\u044b\\u043a \\u0442\\u0435\\u043a\\u0448\\u0435\\u0440\\u04af\\u04af (\\u0433\\u0438\\u0431\\u0440\\u0438\\u0434\\u0434\\u0435\\u0440)\",\"ru\":\"\\u042d\\u043a\\u043e\\u043b\\u043e\\u0433\\u0438\\u0447\\u0435\\u0441\\u043a\\u0430\\u044f \\u043f\\u0440\\u043e\\u0432\\u0435\\u0440\\u043a\\u0430 (\\u0433\\u0438\\u0431\\u0440\\u0438\\u0434\\u044b)\",\"en\":\"Environmental check (hybrids)\"}}]}";

static int problems;
static void count(void *ctx, const char *field, const char *why)
{
	(void)ctx;
	if (field == NULL || why == NULL || *why == '\0')
		abort();
	problems++;
}

static const char *vin_ok(const char *v)
{
	return kp_vin_check(v, NULL);
}

static void check_vin(const uint8_t *data, size_t size)
{
	char vin[32];
	if (size >= sizeof(vin))
		return;
	memcpy(vin, data, size);
	vin[size] = '\0';
	kp_vin_info_t info;
	if (kp_vin_check(vin, &info) != NULL)
		return;
	if (strlen(vin) != 17 || strpbrk(vin, "IOQ") != NULL || (info.check_digit_required && vin[8] != kp_vin_check_digit(vin)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_vin(data, size);
	json_t *in = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (in == NULL)
		return 0;
	static json_t *def;
	if (def == NULL)
		def = json_loads(EV, 0, NULL);
	kp_arena_t a;
	kp_arena_init(&a);
	problems = 0;
	int n = kp_sw_form_check(&a, def, in, vin_ok, count, NULL);
	if (n != problems)
		abort();
	if (n == 0) {
		size_t i;
		json_t *v;
		json_array_foreach(json_object_get(in, "vehicles"), i, v) if (vin_ok(json_string_value(json_object_get(v, "vin")))) abort();
	}
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(def, "steps"), i, s) (void)kp_sw_when(json_object_get(s, "when"), in);
	const char *vals[8];
	(void)kp_sw_values(in, "vehicles[].kind", vals, 8);
	problems = 0;
	if (kp_sw_definition_check(&a, in, count, NULL) != problems)
		abort();
	json_t *view = kp_sw_form_view(in, json_object_get(in, "fields"));
	json_decref(view);
	kp_arena_cleanup(&a);
	json_decref(in);
	return 0;
}

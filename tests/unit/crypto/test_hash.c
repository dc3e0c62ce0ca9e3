/* test_hash.c: src/crypto/hash.c: argon2id password hashes, SHA-256 against the
 * FIPS 180-2 vectors, base64url (RFC 4648 section 5, no padding) both ways, random
 * tokens and constant-time comparison. Few argon2id hashes: each costs ~60 ms. */
#include "kp_test.h"

#include "crypto/hash.h"

static int group_setup(void **state)
{
	(void)state;
	return kp_crypto_init() == 0 ? 0 : -1;
}

/* ---- passwords ---- */

static void password_round_trip(void **state)
{
	(void)state;
	char h1[KP_PWHASH_LEN], h2[KP_PWHASH_LEN];
	const char *pw = "correct horse battery staple";
	assert_int_equal(kp_password_hash(pw, h1), 0);
	assert_int_equal(strncmp(h1, "$argon2id$", 10), 0);
	assert_true(strlen(h1) < KP_PWHASH_LEN);
	assert_int_equal(kp_password_verify(h1, pw), 0);

	/* wrong passwords, including ones that differ by a byte or a prefix */
	const char *wrong[] = {"correct horse battery stapl", "correct horse battery staplf", "",
	                       "Correct horse battery staple", "correct horse battery staple "};
	for (size_t i = 0; i < KP_ROWS(wrong); i++)
		if (kp_password_verify(h1, wrong[i]) == 0)
			fail_msg("\"%s\" verified against the hash of \"%s\"", wrong[i], pw);

	/* a fresh salt each time */
	assert_int_equal(kp_password_hash(pw, h2), 0);
	assert_string_not_equal(h1, h2);
	assert_int_equal(kp_password_verify(h2, pw), 0);
}

static void password_non_ascii(void **state)
{
	(void)state;
	char h[KP_PWHASH_LEN];
	const char *pw = "Ала-Тоо тоолору 2026";
	assert_int_equal(kp_password_hash(pw, h), 0);
	assert_int_equal(kp_password_verify(h, pw), 0);
	assert_int_not_equal(kp_password_verify(h, "Ала-Тоо тоолору 2025"), 0);
}

static void password_bad_hashes(void **state)
{
	(void)state;
	char longhash[300];
	memset(longhash, 'a', sizeof(longhash) - 1);
	longhash[sizeof(longhash) - 1] = '\0';
	assert_int_equal(kp_password_verify(NULL, "whatever-password"), -1);
	assert_int_equal(kp_password_verify("", "whatever-password"), -1);
	assert_int_equal(kp_password_verify("not a hash", "whatever-password"), -1);
	assert_int_equal(kp_password_verify("$argon2id$v=19$m=65536,t=2,p=1$AAAA$BBBB", "whatever-password"), -1);
	assert_int_equal(kp_password_verify(longhash, "whatever-password"), -1);
	kp_password_dummy_verify("whatever-password"); /* spends the time, returns nothing */
}

/* ---- SHA-256 ---- */

static const struct {
	const char *in;
	size_t repeat;
	const char *hex;
} sha_cases[] = {
    {"", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {"abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    {"a", 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
};

static void sha256_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < KP_ROWS(sha_cases); i++) {
		size_t n = strlen(sha_cases[i].in) * sha_cases[i].repeat;
		char *buf = malloc(n + 1);
		assert_non_null(buf);
		for (size_t r = 0; r < sha_cases[i].repeat; r++)
			memcpy(buf + r * strlen(sha_cases[i].in), sha_cases[i].in, strlen(sha_cases[i].in));
		char hex[65];
		memset(hex, '!', sizeof(hex));
		kp_sha256_hex(buf, n, hex);
		assert_string_equal(hex, sha_cases[i].hex);
		unsigned char raw[32];
		kp_sha256(buf, n, raw);
		for (int b = 0; b < 32; b++) {
			char two[3];
			snprintf(two, sizeof(two), "%02x", raw[b]);
			assert_memory_equal(two, sha_cases[i].hex + 2 * b, 2);
		}
		free(buf);
	}
}

/* ---- base64url ---- */

static const struct {
	const char *raw, *enc;
	size_t rawlen; /* 0: strlen */
} b64_cases[] = {
    {"", "", 0},
    {"f", "Zg", 0},
    {"fo", "Zm8", 0},
    {"foo", "Zm9v", 0},
    {"foob", "Zm9vYg", 0},
    {"fooba", "Zm9vYmE", 0},
    {"foobar", "Zm9vYmFy", 0},
    {"\xfb\xff", "-_8", 0}, /* standard base64 would be "+/8=" */
    {"\xff\xff\xff", "____", 0},
    {"\x00\x00\x00", "AAAA", 3},
    {"\x00", "AA", 1},
    {"\x03\xe0", "A-A", 0},
};

static void b64_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < KP_ROWS(b64_cases); i++) {
		size_t rawlen = b64_cases[i].rawlen ? b64_cases[i].rawlen : strlen(b64_cases[i].raw);
		char enc[64];
		size_t n = kp_b64url_encode((const unsigned char *)b64_cases[i].raw, rawlen, enc);
		assert_int_equal(n, strlen(b64_cases[i].enc));
		assert_string_equal(enc, b64_cases[i].enc);
		unsigned char dec[64];
		long d = kp_b64url_decode(b64_cases[i].enc, strlen(b64_cases[i].enc), dec, sizeof(dec));
		assert_int_equal(d, (long)rawlen);
		assert_memory_equal(dec, b64_cases[i].raw, rawlen);
	}
}

/* Every length from 0 to 200 bytes of random data survives the round trip, and the
 * decoder accepts an output buffer of exactly the decoded size. */
static void b64_round_trip(void **state)
{
	(void)state;
	unsigned char raw[200], dec[200];
	char enc[4 * 200 / 3 + 2];
	for (size_t n = 0; n <= sizeof(raw); n++) {
		assert_int_equal(kp_random_bytes(raw, n), 0);
		size_t e = kp_b64url_encode(raw, n, enc);
		assert_int_equal(e, (n * 4 + 2) / 3);
		assert_int_equal(strlen(enc), e);
		assert_null(strpbrk(enc, "+/="));
		long d = kp_b64url_decode(enc, e, dec, n);
		assert_int_equal(d, (long)n);
		assert_memory_equal(dec, raw, n);
		if (n > 0)
			assert_int_equal(kp_b64url_decode(enc, e, dec, n - 1), -1); /* one byte short */
	}
}

static const struct {
	const char *what, *in;
} b64_bad[] = {
    {"padding", "Zg=="},
    {"one padding character", "Zm8="},
    {"length 1 mod 4", "Z"},
    {"length 5", "Zm9vY"},
    {"standard alphabet +", "+/8"},
    {"standard alphabet /", "ab/c"},
    {"space", "Zm 9v"},
    {"newline", "Zm9\n"},
    {"non-ASCII", "Zm\xc3\xa9"},
    {"non-canonical tail Zh (f plus stray bits)", "Zh"},
    {"non-canonical tail Zm9 (fo plus stray bits)", "Zm9"},
    {"non-canonical tail _x", "_x"},
    {"non-canonical tail AB", "AB"},
};

static void b64_rejects(void **state)
{
	(void)state;
	for (size_t i = 0; i < KP_ROWS(b64_bad); i++) {
		unsigned char out[32];
		if (kp_b64url_decode(b64_bad[i].in, strlen(b64_bad[i].in), out, sizeof(out)) != -1)
			fail_msg("%s: \"%s\" was decoded", b64_bad[i].what, b64_bad[i].in);
	}
	/* a NUL inside the given length is bad input too */
	unsigned char out[8];
	assert_int_equal(kp_b64url_decode("Zm\0v", 4, out, sizeof(out)), -1);
}

/* ---- random tokens ---- */

static void tokens(void **state)
{
	(void)state;
	char a[64], b[64];
	assert_int_equal(kp_random_token(32, a, sizeof(a)), 0);
	assert_int_equal(kp_random_token(32, b, sizeof(b)), 0);
	assert_int_equal(strlen(a), 43);
	assert_int_equal(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 43);
	assert_string_not_equal(a, b);
	unsigned char raw[32];
	assert_int_equal(kp_b64url_decode(a, strlen(a), raw, sizeof(raw)), 32);

	/* many tokens, no repeats */
	enum { N = 200 };
	static char many[N][24];
	for (int i = 0; i < N; i++) {
		assert_int_equal(kp_random_token(16, many[i], sizeof(many[i])), 0);
		assert_int_equal(strlen(many[i]), 22);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(many[i], many[j]);
	}

	/* the smallest buffer hash.h allows works; one byte less is refused */
	char exact[4 * 24 / 3 + 2];
	assert_int_equal(kp_random_token(24, exact, sizeof(exact)), 0);
	assert_int_equal(strlen(exact), 32);
	assert_int_equal(kp_random_token(24, exact, sizeof(exact) - 1), -1);
	char big[256];
	assert_int_equal(kp_random_token(129, big, sizeof(big)), -1);
	assert_int_equal(kp_random_token(128, big, sizeof(big)), 0);
	assert_int_equal(strlen(big), 171);
}

static void ct_equal(void **state)
{
	(void)state;
	assert_true(kp_str_ct_equal("", ""));
	assert_true(kp_str_ct_equal("token-abc", "token-abc"));
	assert_false(kp_str_ct_equal("token-abc", "token-abd"));
	assert_false(kp_str_ct_equal("token-abc", "token-ab"));
	assert_false(kp_str_ct_equal("token-ab", "token-abc"));
	assert_false(kp_str_ct_equal("", "x"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(password_round_trip),
	    cmocka_unit_test(password_non_ascii),
	    cmocka_unit_test(password_bad_hashes),
	    cmocka_unit_test(sha256_vectors),
	    cmocka_unit_test(b64_vectors),
	    cmocka_unit_test(b64_round_trip),
	    cmocka_unit_test(b64_rejects),
	    cmocka_unit_test(tokens),
	    cmocka_unit_test(ct_equal),
	};
	return cmocka_run_group_tests(tests, group_setup, NULL);
}

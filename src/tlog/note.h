/* note.h: C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys, checkpoints
 * (c2sp.org/tlog-checkpoint) and Ed25519 cosignatures (c2sp.org/tlog-cosignature), the
 * formats Go's golang.org/x/mod/sumdb/note and the witness network read. libsodium does
 * the signing. */
#ifndef KP_TLOG_NOTE_H
#define KP_TLOG_NOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlog/merkle.h"

#define KP_NOTE_NAME_MAX 128
#define KP_NOTE_VKEY_MAX (KP_NOTE_NAME_MAX + 64)
#define KP_NOTE_MAX 16384
#define KP_NOTE_ED25519 0x01
#define KP_NOTE_COSIG 0x04

typedef struct kp_note_key {
	char name[KP_NOTE_NAME_MAX + 1];
	uint8_t type; /* KP_NOTE_ED25519 or KP_NOTE_COSIG */
	uint32_t id;  /* SHA-256(name || "\n" || type || pub)[:4], big-endian */
	uint8_t pub[32];
	uint8_t sec[64]; /* libsodium's secret key (seed || pub); zero for a verifier */
	bool can_sign;
} kp_note_key_t;

/* True when name is a valid key name: 1..KP_NOTE_NAME_MAX printable bytes, no space, no '+'. */
bool kp_note_name_ok(const char *name);
/* A new Ed25519 signer named name. 0 or -1 (bad name). */
int kp_note_key_generate(const char *name, uint8_t type, kp_note_key_t *out);
/* The signer from its 32-byte seed. 0 or -1. */
int kp_note_key_from_seed(const char *name, uint8_t type, const uint8_t seed[32], kp_note_key_t *out);
/* "<name>+<8 hex id>+<base64(type || pub)>" into out (KP_NOTE_VKEY_MAX). */
void kp_note_vkey(const kp_note_key_t *k, char *out, size_t len);
/* A verifier from a vkey text. 0 or -1. */
int kp_note_vkey_parse(const char *vkey, kp_note_key_t *out);
/* Go's private key text: "PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || seed)>". */
void kp_note_skey(const kp_note_key_t *k, char *out, size_t len);

/* The signature line "— <name> <base64(id || sig)>\n" of k (type 0x01) over text, into
 * out (at least 256 bytes). text must end in a newline. 0 or -1. */
int kp_note_sign(const kp_note_key_t *k, const char *text, size_t len, char *out, size_t outlen);
/* The cosignature line of k (type 0x04) over the checkpoint text at time t. 0 or -1. */
int kp_note_cosign(const kp_note_key_t *k, const char *text, size_t len, uint64_t t, char *out, size_t outlen);

/* Split a signed note into its text (up to and including the newline before the last
 * blank line) and its signature lines: *text_len gets the text's length, *sigs points at
 * the first signature line. -1 when the note is malformed (no blank line, control
 * characters, no signatures, a line that is not "— name base64"). */
int kp_note_split(const char *note, size_t len, size_t *text_len, const char **sigs);
/* Verify the signature of key k in note: 0 when one line names k (name and id) and
 * verifies; -1 when none names it; -2 when one names it and fails (a forgery). For a
 * cosignature key, *timestamp (may be NULL) gets its time. */
int kp_note_verify(const char *note, size_t len, const kp_note_key_t *k, uint64_t *timestamp);

/* The checkpoint text "<origin>\n<size>\n<base64 root>\n" into out. Returns its length. */
size_t kp_checkpoint_text(const char *origin, int64_t size, const kp_hash_t root, char *out, size_t len);
/* Parse the first three lines of a checkpoint text. 0 or -1. */
int kp_checkpoint_parse(const char *text, size_t len, char origin[KP_NOTE_NAME_MAX + 1], int64_t *size, kp_hash_t root);

#endif

-- 041: the log's Ed25519 signing key (one per database, so every instance signs the same
-- log). origin is the checkpoint origin line and the key name, fixed when the key is made;
-- vkey the public verifier key (C2SP signed-note); sealed the 32-byte seed encrypted with
-- XSalsa20-Poly1305 under a key derived (Argon2id, salt) from the key passphrase.
CREATE TABLE tlog_keys (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	origin TEXT NOT NULL,
	vkey TEXT NOT NULL,
	salt TEXT NOT NULL,
	nonce TEXT NOT NULL,
	sealed TEXT NOT NULL,
	created_at BIGINT NOT NULL
);

-- 040: the transparency log (docs/transparency.md). Every act that grants or takes away a
-- right appends one leaf in the same transaction as the act. tlog_state holds the tree
-- size; its single row is the lock that numbers leaves without gaps on both backends.
CREATE TABLE tlog_state (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	size BIGINT NOT NULL CHECK (size >= 0)
);
INSERT INTO tlog_state (id, size) VALUES (1, 0);

-- entry: the exact leaf bytes (compact JSON, no personal data); hash: hex RFC 6962 leaf
-- hash of entry; salt: hex salt of the entry's commitment, given only to the holder.
CREATE TABLE tlog_leaves (
	idx BIGINT PRIMARY KEY CHECK (idx >= 0),
	kind TEXT NOT NULL,
	object TEXT,
	entry TEXT NOT NULL,
	hash TEXT NOT NULL,
	salt TEXT,
	at BIGINT NOT NULL
);
CREATE INDEX tlog_leaves_object ON tlog_leaves (object);

-- Signed tree heads: note is the whole C2SP checkpoint with the log's signature.
CREATE TABLE tlog_checkpoints (
	size BIGINT PRIMARY KEY CHECK (size >= 0),
	root TEXT NOT NULL,
	note TEXT NOT NULL,
	signed_at BIGINT NOT NULL
);

-- Witness cosignatures (C2SP tlog-cosignature) of a checkpoint: one note signature line each.
CREATE TABLE tlog_cosignatures (
	size BIGINT NOT NULL,
	witness TEXT NOT NULL,
	line TEXT NOT NULL,
	at BIGINT NOT NULL,
	PRIMARY KEY (size, witness)
);

-- 001: organisations, users, sessions, sign-in throttling and the audit log.
-- @ID@ becomes the backend's auto-numbered primary key (see src/store/store.c).
-- Times are UTC seconds (BIGINT) unless the column name says _ms.

CREATE TABLE organisations (
	id @ID@,
	kind TEXT NOT NULL CHECK (kind IN ('carrier', 'importer', 'ministry', 'border_service', 'customs', 'partner_authority')),
	name TEXT NOT NULL,
	inn TEXT UNIQUE,
	address TEXT,
	contact_name TEXT,
	contact_phone TEXT,
	contact_email TEXT,
	licence_number TEXT,
	country TEXT NOT NULL DEFAULT 'KG',
	status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
	created_at BIGINT NOT NULL
);
CREATE INDEX organisations_kind ON organisations (kind);

CREATE TABLE users (
	id @ID@,
	org_id BIGINT REFERENCES organisations (id),
	username TEXT NOT NULL UNIQUE,
	role TEXT NOT NULL CHECK (role IN ('carrier', 'traveller', 'officer', 'ministry', 'auditor', 'admin')),
	full_name TEXT,
	email TEXT,
	phone TEXT,
	language TEXT NOT NULL DEFAULT 'ru',
	status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
	pw_hash TEXT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX users_org ON users (org_id);

CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	csrf TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE login_throttle (
	key TEXT PRIMARY KEY,
	failures INTEGER NOT NULL,
	first_at BIGINT NOT NULL,
	locked_until BIGINT NOT NULL
);

CREATE TABLE audit_log (
	id @ID@,
	at_ms BIGINT NOT NULL,
	actor_id BIGINT,
	actor TEXT NOT NULL,
	action TEXT NOT NULL,
	object_type TEXT NOT NULL,
	object_id TEXT,
	before_json TEXT,
	after_json TEXT,
	request_id TEXT,
	addr TEXT
);
CREATE INDEX audit_object ON audit_log (object_type, object_id);

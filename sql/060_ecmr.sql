-- 060: electronic consignment notes (e-CMR): the note's boxes as one JSON document frozen at the
-- first seal, the chain of seals (ES256, each over the document digest and the previous seal's
-- digest), one-time links for parties without an account, the keys kapka holds on their behalf,
-- links to crossings and the messages sent to parties. Times are UTC seconds.

CREATE TABLE ecmr_consignments (
	id @ID@,
	ref TEXT NOT NULL UNIQUE,                  -- public identifier (eFTI "dataset id")
	carrier_org_id BIGINT NOT NULL REFERENCES organisations (id),
	created_by BIGINT REFERENCES users (id),
	status TEXT NOT NULL CHECK (status IN ('draft', 'issued', 'in_transit', 'delivered')),
	document TEXT NOT NULL,                    -- canonical JSON text; its SHA-256 is doc_digest
	doc_digest TEXT NOT NULL,
	plate TEXT,                                -- normalised
	plate_country TEXT,
	trailer_plate TEXT,
	destination_country TEXT,
	sender_name TEXT NOT NULL,
	consignee_name TEXT NOT NULL,
	permit_id TEXT REFERENCES permits (id),
	booking_id BIGINT REFERENCES queue_bookings (id),
	disposal_holder TEXT NOT NULL DEFAULT 'sender' CHECK (disposal_holder IN ('sender', 'consignee')),
	carrier_reservations INTEGER NOT NULL DEFAULT 0,
	seals INTEGER NOT NULL DEFAULT 0,
	head TEXT,                                 -- digest of the last seal
	authority_token_hash TEXT UNIQUE,          -- the unique link for authorities (SHA-256)
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX ecmr_plate ON ecmr_consignments (plate, plate_country);
CREATE INDEX ecmr_trailer ON ecmr_consignments (trailer_plate);
CREATE INDEX ecmr_carrier ON ecmr_consignments (carrier_org_id, status);
CREATE INDEX ecmr_permit ON ecmr_consignments (permit_id);

CREATE TABLE ecmr_seals (
	id @ID@,
	consignment_id BIGINT NOT NULL REFERENCES ecmr_consignments (id),
	seq INTEGER NOT NULL,
	act TEXT NOT NULL,
	role TEXT NOT NULL CHECK (role IN ('sender', 'carrier', 'consignee')),
	party_name TEXT NOT NULL,
	custody TEXT NOT NULL CHECK (custody IN ('kapka', 'partner')), -- whose system held the key
	issuer TEXT,                               -- partner authority code for custody partner
	kid TEXT NOT NULL,
	jws TEXT NOT NULL,
	digest TEXT NOT NULL UNIQUE,               -- SHA-256 of the JWS text
	prev TEXT,                                 -- the previous seal's digest
	reservations TEXT,
	at BIGINT NOT NULL,
	recorded_by BIGINT REFERENCES users (id),
	UNIQUE (consignment_id, seq),
	UNIQUE (consignment_id, act, role)
);

CREATE TABLE ecmr_links (
	id @ID@,
	consignment_id BIGINT NOT NULL REFERENCES ecmr_consignments (id),
	role TEXT NOT NULL CHECK (role IN ('sender', 'consignee')),
	token_hash TEXT NOT NULL UNIQUE,
	code_hash TEXT NOT NULL,
	recipient TEXT NOT NULL,
	failures INTEGER NOT NULL DEFAULT 0,
	expires_at BIGINT NOT NULL,
	used_at BIGINT,
	created_at BIGINT NOT NULL
);
CREATE INDEX ecmr_links_cons ON ecmr_links (consignment_id, role);

-- Keys kapka holds on behalf of a party (owner "org:ID" for a carrier, "ecmr:REF:ROLE" for a
-- sender or consignee), wrapped with a key derived from the signing-key passphrase; cert is
-- kapka's signed statement binding the public key to its holder (checked offline).
CREATE TABLE ecmr_keys (
	id @ID@,
	owner TEXT NOT NULL UNIQUE,
	kid TEXT NOT NULL UNIQUE,
	jwk TEXT NOT NULL,
	wrapped TEXT NOT NULL,
	cert TEXT NOT NULL,
	created_at BIGINT NOT NULL
);

CREATE TABLE ecmr_crossings (
	consignment_id BIGINT NOT NULL REFERENCES ecmr_consignments (id),
	crossing_id BIGINT NOT NULL REFERENCES crossings (id),
	at BIGINT NOT NULL,
	PRIMARY KEY (consignment_id, crossing_id)
);
CREATE INDEX ecmr_crossings_crossing ON ecmr_crossings (crossing_id);

-- Messages sent to parties (links and codes), kept as the record of what was sent; a relay
-- (mail or SMS) takes them from the spool folder when one is configured.
CREATE TABLE ecmr_messages (
	id @ID@,
	consignment_id BIGINT NOT NULL REFERENCES ecmr_consignments (id),
	recipient TEXT NOT NULL,
	subject TEXT NOT NULL,
	digest TEXT NOT NULL,                      -- SHA-256 of the body (the body holds a code)
	created_at BIGINT NOT NULL
);

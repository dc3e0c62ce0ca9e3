-- 004: partner exchange over the e-permit protocol: the handshake state of each partner,
-- the event chain per partner (both directions), the outbox of events we send and the
-- record of events we receive (docs/e-permit.md).

ALTER TABLE authorities ADD COLUMN handshake_state TEXT NOT NULL DEFAULT 'none'
	CHECK (handshake_state IN ('none', 'ok', 'failed'));
ALTER TABLE authorities ADD COLUMN handshake_at BIGINT;
ALTER TABLE authorities ADD COLUMN handshake_error TEXT;
ALTER TABLE authorities ADD COLUMN refetch_due INTEGER NOT NULL DEFAULT 0;

-- One row per partner we exchange with. Updating it locks the partner's chain, so events
-- to one partner are numbered one at a time, in commit order.
CREATE TABLE exchange_chains (
	partner TEXT PRIMARY KEY REFERENCES authorities (code),
	self TEXT NOT NULL,                 -- our authority code: the events' issuer
	last_event_id TEXT NOT NULL DEFAULT '0', -- last event we queued for the partner ('0': none)
	seq BIGINT NOT NULL DEFAULT 0,      -- events queued so far
	in_seq BIGINT NOT NULL DEFAULT 0,   -- events received so far (locks the inbound chain)
	lease_owner TEXT,                   -- which kapka process delivers now (several on PostgreSQL)
	lease_until BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE outbox (
	id @ID@,
	partner TEXT NOT NULL REFERENCES authorities (code),
	seq BIGINT NOT NULL,
	event_id TEXT NOT NULL UNIQUE,
	previous_event_id TEXT NOT NULL,
	event_type TEXT NOT NULL,
	claims TEXT NOT NULL,               -- the whole claim set, as signed
	signing_kid TEXT,                   -- NULL: the key current at delivery
	state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered')),
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at BIGINT NOT NULL DEFAULT 0, -- ms
	last_attempt_at BIGINT,
	last_error TEXT,
	delivered_at BIGINT,
	jws TEXT,                           -- what was last sent
	created_at BIGINT NOT NULL,
	UNIQUE (partner, seq)
);
CREATE INDEX outbox_pending ON outbox (partner, state, seq);

CREATE TABLE inbound_events (
	id @ID@,
	partner TEXT,                       -- the claimed issuer (may be unknown to us)
	event_id TEXT,
	previous_event_id TEXT,
	event_type TEXT,
	claims TEXT,
	jws TEXT,
	verdict TEXT NOT NULL CHECK (verdict IN ('applied', 'refused')),
	status INTEGER NOT NULL,            -- the HTTP status we answered
	error_code TEXT,
	error_message TEXT,
	addr TEXT,
	received_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX inbound_applied ON inbound_events (partner, event_id) WHERE verdict = 'applied';
CREATE INDEX inbound_recent ON inbound_events (partner, id);

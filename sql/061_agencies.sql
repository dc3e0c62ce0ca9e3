-- 061: the border agencies and the exchange between them (X-Road model): agencies with their
-- members and subsystems, grants per service made by the data owner, the events each service
-- produces, their webhook endpoints and deliveries (Standard Webhooks), every delivery attempt,
-- the X-Road requests served, equipment readings and the inspection tasks they open.

CREATE TABLE agencies (
	id @ID@,
	code TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL CHECK (kind IN ('customs', 'border_service', 'phytosanitary', 'veterinary',
		'transport_inspection', 'sanitary_epidemiological')),
	name TEXT NOT NULL,
	xroad_member TEXT,                         -- INSTANCE/CLASS/CODE, e.g. KG/GOV/70000001
	created_at BIGINT NOT NULL
);

CREATE TABLE agency_members (
	agency_id BIGINT NOT NULL REFERENCES agencies (id),
	user_id BIGINT NOT NULL UNIQUE REFERENCES users (id),
	added_at BIGINT NOT NULL,
	PRIMARY KEY (agency_id, user_id)
);

CREATE TABLE agency_subsystems (
	id @ID@,
	agency_id BIGINT NOT NULL REFERENCES agencies (id),
	code TEXT NOT NULL,
	xroad_client TEXT NOT NULL UNIQUE,         -- INSTANCE/CLASS/CODE/SUBSYSTEM
	created_at BIGINT NOT NULL,
	UNIQUE (agency_id, code)
);

-- A grant names a service; subsystem_id NULL grants it to the whole agency.
CREATE TABLE agency_grants (
	id @ID@,
	agency_id BIGINT NOT NULL REFERENCES agencies (id),
	subsystem_id BIGINT REFERENCES agency_subsystems (id),
	service TEXT NOT NULL,
	granted_by BIGINT REFERENCES users (id),
	granted_at BIGINT NOT NULL,
	revoked_at BIGINT
);
CREATE INDEX agency_grants_agency ON agency_grants (agency_id, service);

CREATE TABLE agency_endpoints (
	id @ID@,
	agency_id BIGINT NOT NULL REFERENCES agencies (id),
	url TEXT NOT NULL,
	secret TEXT NOT NULL,                      -- whsec_<base64>
	status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
	disabled_reason TEXT,
	created_at BIGINT NOT NULL
);

-- The cursor of the pull feed is id.
CREATE TABLE agency_events (
	id @ID@,
	event_id TEXT NOT NULL UNIQUE,             -- webhook-id
	type TEXT NOT NULL,
	service TEXT NOT NULL,
	subject TEXT NOT NULL,
	payload TEXT NOT NULL,                     -- the body as sent
	digest TEXT NOT NULL,                      -- SHA-256 of payload
	created_at BIGINT NOT NULL
);
CREATE INDEX agency_events_service ON agency_events (service, id);

CREATE TABLE agency_deliveries (
	id @ID@,
	endpoint_id BIGINT NOT NULL REFERENCES agency_endpoints (id),
	event_id BIGINT NOT NULL REFERENCES agency_events (id),
	subject TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
	attempts INTEGER NOT NULL DEFAULT 0,
	next_at BIGINT NOT NULL,
	lease_until BIGINT NOT NULL DEFAULT 0,
	last_status INTEGER,
	last_error TEXT,
	delivered_at BIGINT,
	UNIQUE (endpoint_id, event_id)
);
CREATE INDEX agency_deliveries_due ON agency_deliveries (status, next_at);
CREATE INDEX agency_deliveries_subject ON agency_deliveries (endpoint_id, subject, status);

-- Each attempt: what was sent (digest of "id.timestamp.body", the signatures) and the answer.
CREATE TABLE agency_attempts (
	id @ID@,
	delivery_id BIGINT NOT NULL REFERENCES agency_deliveries (id),
	at BIGINT NOT NULL,
	signed_digest TEXT NOT NULL,
	signature TEXT NOT NULL,
	status_code INTEGER,
	error TEXT
);
CREATE INDEX agency_attempts_delivery ON agency_attempts (delivery_id);

CREATE TABLE xroad_log (
	id @ID@,
	at BIGINT NOT NULL,
	client TEXT NOT NULL,
	xroad_id TEXT,
	user_id TEXT,
	issue TEXT,
	service TEXT NOT NULL,
	subsystem_id BIGINT REFERENCES agency_subsystems (id),
	status INTEGER NOT NULL,
	request_id TEXT
);

CREATE TABLE equipment_readings (
	id @ID@,
	device_id BIGINT REFERENCES checkpoint_devices (id),
	checkpoint TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('weighbridge', 'scanner', 'radiation', 'plate_camera')),
	plate TEXT,
	crossing_id BIGINT REFERENCES crossings (id),
	value REAL,
	result TEXT,
	at BIGINT NOT NULL
);
CREATE INDEX equipment_readings_crossing ON equipment_readings (crossing_id);

CREATE TABLE inspection_tasks (
	id @ID@,
	agency_kind TEXT NOT NULL,
	crossing_id BIGINT REFERENCES crossings (id),
	reading_id BIGINT REFERENCES equipment_readings (id),
	reason TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
	created_at BIGINT NOT NULL,
	closed_at BIGINT,
	closed_by BIGINT REFERENCES users (id),
	note TEXT
);
CREATE INDEX inspection_tasks_open ON inspection_tasks (agency_kind, status);

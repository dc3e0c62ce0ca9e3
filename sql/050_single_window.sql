-- 050: the single window: agencies, procedures as data, applications with one row per
-- step of their procedure, the history of every step, each agency's private notes,
-- documents (content-addressed by SHA-256) and fees with their receipts.

-- An agency that decides steps: a government organisation (customs, a ministry, a
-- service); its staff are the users of org_id with the role a step names.
CREATE TABLE sw_agencies (
	code TEXT PRIMARY KEY,
	org_id BIGINT REFERENCES organisations (id),
	name_en TEXT NOT NULL,
	name_ru TEXT NOT NULL,
	name_ky TEXT NOT NULL
);

-- A procedure: its whole definition (fields, documents, steps with their agency, role,
-- waits, fee, service level, condition and effect) is the JSON text `definition`.
CREATE TABLE sw_procedures (
	code TEXT PRIMARY KEY,
	definition TEXT NOT NULL,
	active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	updated_at BIGINT NOT NULL
);

CREATE TABLE sw_applications (
	id @ID@,
	procedure_code TEXT NOT NULL REFERENCES sw_procedures (code),
	user_id BIGINT NOT NULL REFERENCES users (id),
	org_id BIGINT REFERENCES organisations (id),
	data TEXT NOT NULL,                 -- the form, JSON
	effect TEXT,                        -- the procedure's ledger, if any (ev_quota)
	status TEXT NOT NULL CHECK (status IN ('in_progress', 'approved', 'refused', 'expired', 'withdrawn')),
	submitted_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	decided_at BIGINT,
	outcome TEXT                        -- why it ended, for the applicant
);
CREATE INDEX sw_applications_user ON sw_applications (user_id);
CREATE INDEX sw_applications_open ON sw_applications (status, expires_at);

-- One row per step of the application's procedure, copied from the definition when the
-- application is submitted (a later change of the procedure does not move it).
CREATE TABLE sw_steps (
	id @ID@,
	application_id BIGINT NOT NULL REFERENCES sw_applications (id),
	procedure_code TEXT NOT NULL,
	code TEXT NOT NULL,
	seq INTEGER NOT NULL,
	agency TEXT NOT NULL REFERENCES sw_agencies (code),
	role TEXT NOT NULL,
	after_codes TEXT NOT NULL,          -- JSON array of step codes this one waits for
	fields TEXT NOT NULL,               -- JSON array: the form fields this step sees
	documents TEXT NOT NULL,            -- JSON array: document kinds this step needs
	effect TEXT,                        -- what approving it does besides (e.g. ev_quota.reserve)
	sla_seconds BIGINT NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('waiting', 'ready', 'in_progress', 'approved', 'refused', 'more_info',
	                                     'skipped', 'closed')),
	ready_at BIGINT,                    -- when the agency got it
	due_at BIGINT,                      -- ready_at + sla + time spent waiting on the applicant
	state_since BIGINT NOT NULL,
	paused_seconds BIGINT NOT NULL DEFAULT 0,
	assignee_id BIGINT REFERENCES users (id),
	decided_at BIGINT,
	decided_by BIGINT REFERENCES users (id),
	reasons TEXT,                       -- JSON array of the decision's reasons
	request TEXT,                       -- what the agency asked for (more_info)
	UNIQUE (application_id, code)
);
CREATE INDEX sw_steps_queue ON sw_steps (agency, state, due_at);
CREATE INDEX sw_steps_perf ON sw_steps (procedure_code, agency, decided_at);

-- Everything that happened to an application, for its status page.
CREATE TABLE sw_events (
	id @ID@,
	application_id BIGINT NOT NULL REFERENCES sw_applications (id),
	step_code TEXT,
	actor_id BIGINT,
	action TEXT NOT NULL,               -- submitted, taken, approved, refused, asked, answered, ...
	detail TEXT,                        -- JSON
	at BIGINT NOT NULL
);
CREATE INDEX sw_events_app ON sw_events (application_id, id);

-- An agency's private notes on a step: never shown to the applicant or another agency.
CREATE TABLE sw_notes (
	id @ID@,
	step_id BIGINT NOT NULL REFERENCES sw_steps (id),
	agency TEXT NOT NULL,
	author_id BIGINT NOT NULL REFERENCES users (id),
	text TEXT NOT NULL,
	at BIGINT NOT NULL
);
CREATE INDEX sw_notes_step ON sw_notes (step_id);

-- The bytes of uploaded documents, once per SHA-256 (base64 text: the same on both
-- databases and shared by every instance).
CREATE TABLE sw_blobs (
	sha256 TEXT PRIMARY KEY,
	size BIGINT NOT NULL,
	content_type TEXT NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
	data TEXT NOT NULL
);

-- A document an applicant gave: reusable by every step (and application) of theirs.
CREATE TABLE sw_documents (
	id @ID@,
	user_id BIGINT NOT NULL REFERENCES users (id),
	kind TEXT NOT NULL,
	filename TEXT NOT NULL,
	sha256 TEXT NOT NULL REFERENCES sw_blobs (sha256),
	size BIGINT NOT NULL,
	content_type TEXT NOT NULL,
	uploaded_at BIGINT NOT NULL
);
CREATE INDEX sw_documents_user ON sw_documents (user_id);

-- Which documents an application carries, by kind.
CREATE TABLE sw_app_documents (
	application_id BIGINT NOT NULL REFERENCES sw_applications (id),
	document_id BIGINT NOT NULL REFERENCES sw_documents (id),
	kind TEXT NOT NULL,
	PRIMARY KEY (application_id, kind, document_id)
);

-- A fee due to the agency that collects it for a step.
CREATE TABLE sw_fees (
	id @ID@,
	application_id BIGINT NOT NULL REFERENCES sw_applications (id),
	step_code TEXT NOT NULL,
	collector TEXT NOT NULL REFERENCES sw_agencies (code),
	amount_som BIGINT NOT NULL CHECK (amount_som > 0),
	status TEXT NOT NULL CHECK (status IN ('due', 'paid', 'cancelled')),
	gateway TEXT,                       -- which payment gateway recorded it
	reference TEXT,
	paid_at BIGINT,
	credential TEXT,                    -- the receipt's signed QR (JWS)
	kid TEXT,
	UNIQUE (application_id, step_code)
);

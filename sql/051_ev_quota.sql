-- 051: the duty-free electric-vehicle import quota: its ledger per year (data the
-- Ministry of Economy edits), the eligibility rules with their sources, claims on the
-- ledger (one per application, made when customs approves) and the register of VINs.

CREATE TABLE ev_quota_years (
	year INTEGER PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
	total BIGINT NOT NULL CHECK (total >= 0),
	kinds TEXT NOT NULL,                -- JSON array of the vehicle kinds admitted that year
	day_rule TEXT NOT NULL CHECK (day_rule IN ('fcfs', 'pro_rata')),
	critical_percent INTEGER NOT NULL DEFAULT 10 CHECK (critical_percent BETWEEN 0 AND 100),
	reservation_days INTEGER NOT NULL DEFAULT 30 CHECK (reservation_days BETWEEN 1 AND 366),
	source TEXT NOT NULL,               -- where the figure comes from
	updated_at BIGINT NOT NULL
);

-- The eligibility rules as the applicant and the agencies read them, with their source.
CREATE TABLE ev_rules (
	code TEXT PRIMARY KEY,
	text_en TEXT NOT NULL,
	text_ru TEXT NOT NULL,
	text_ky TEXT NOT NULL,
	source TEXT NOT NULL,
	params TEXT NOT NULL DEFAULT '{}'   -- JSON, e.g. {"months": 12}
);

-- A claim on a year's quota: reserved when customs approves (first come, first served
-- by that moment), allocated when every step has approved, released when the
-- application is refused or expires. pending: the day's demand exceeded what was left
-- and the rule splits it pro rata once the day has ended.
CREATE TABLE ev_claims (
	id @ID@,
	application_id BIGINT NOT NULL UNIQUE REFERENCES sw_applications (id),
	year INTEGER NOT NULL REFERENCES ev_quota_years (year),
	day BIGINT NOT NULL,                -- local day of the claim, days since 1970-01-01
	requested BIGINT NOT NULL CHECK (requested > 0),
	granted BIGINT NOT NULL DEFAULT 0,
	state TEXT NOT NULL CHECK (state IN ('reserved', 'pending', 'allocated', 'released')),
	claimed_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	allocated_at BIGINT,
	released_at BIGINT,
	reason TEXT
);
CREATE INDEX ev_claims_year ON ev_claims (year, state, day);

-- Every VIN of an application in progress or holding an allocation: the primary key is
-- the "one claim per VIN" rule, enforced by both databases under any concurrency.
CREATE TABLE ev_vins (
	vin TEXT PRIMARY KEY,
	application_id BIGINT NOT NULL REFERENCES sw_applications (id),
	kind TEXT NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('claimed', 'reserved', 'allocated')),
	year INTEGER,
	claimed_at BIGINT NOT NULL,
	allocated_at BIGINT
);
CREATE INDEX ev_vins_app ON ev_vins (application_id);

-- 002: freight e-permits: authorities and their keys, permit types (rules as data),
-- quotas as serial ranges, vehicles, applications, permits and their activities.

CREATE TABLE authorities (
	code TEXT PRIMARY KEY,              -- two letters; TC is the TRACECA secretariat
	name TEXT NOT NULL,
	api_url TEXT,                       -- the partner's public e-permit API base
	traceca INTEGER NOT NULL DEFAULT 0, -- member of the TRACECA multilateral system
	created_at BIGINT NOT NULL
);

CREATE TABLE authority_keys (
	kid TEXT NOT NULL,
	authority TEXT NOT NULL REFERENCES authorities (code),
	jwk TEXT NOT NULL,                  -- public key as JWK JSON
	private_pem TEXT,                   -- our own keys only: encrypted PKCS#8 PEM
	created_at BIGINT NOT NULL,
	revoked_at BIGINT,
	PRIMARY KEY (authority, kid)
);

-- Rules per permit type live here, not in code. Codes 1-6 are the e-permit protocol's;
-- 7 is the TRACECA multilateral permit.
CREATE TABLE permit_types (
	code INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	valid_until_month INTEGER NOT NULL DEFAULT 1, -- permits of year Y expire on this day of Y+1
	valid_until_day INTEGER NOT NULL DEFAULT 31,
	min_euro_class INTEGER NOT NULL DEFAULT 0,
	fee_som INTEGER NOT NULL DEFAULT 0,
	holding_limit INTEGER NOT NULL DEFAULT 5,     -- unused permits per carrier, partner and type
	review TEXT NOT NULL DEFAULT 'never' CHECK (review IN ('never', 'always', 'first_permit')),
	entries_per_country INTEGER NOT NULL DEFAULT 1,
	multilateral INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE quotas (
	id @ID@,
	issuer TEXT NOT NULL REFERENCES authorities (code),   -- whose carriers use the permits
	verifier TEXT NOT NULL REFERENCES authorities (code), -- whose border they open (grants them)
	year INTEGER NOT NULL,
	type INTEGER NOT NULL REFERENCES permit_types (code),
	start_number BIGINT NOT NULL,
	end_number BIGINT NOT NULL,
	next_serial BIGINT NOT NULL,        -- next serial to issue (issuer side)
	note TEXT,
	created_at BIGINT NOT NULL,
	CHECK (start_number >= 1 AND end_number >= start_number),
	CHECK (next_serial >= start_number AND next_serial <= end_number + 1)
);
CREATE INDEX quotas_lookup ON quotas (issuer, verifier, year, type);

CREATE TABLE vehicles (
	id @ID@,
	org_id BIGINT NOT NULL REFERENCES organisations (id),
	plate TEXT NOT NULL UNIQUE,         -- normalised: upper case, no spaces
	vin TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL CHECK (kind IN ('tractor', 'truck', 'trailer', 'bus')),
	euro_class INTEGER NOT NULL CHECK (euro_class BETWEEN 0 AND 6),
	make TEXT,
	model TEXT,
	status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
	created_at BIGINT NOT NULL
);
CREATE INDEX vehicles_org ON vehicles (org_id);

CREATE TABLE permit_applications (
	id @ID@,
	org_id BIGINT NOT NULL REFERENCES organisations (id),
	user_id BIGINT REFERENCES users (id),
	verifier TEXT NOT NULL REFERENCES authorities (code),
	year INTEGER NOT NULL,
	type INTEGER NOT NULL REFERENCES permit_types (code),
	vehicle_id BIGINT NOT NULL REFERENCES vehicles (id),
	trip TEXT,                          -- JSON: route, departure date, cargo
	status TEXT NOT NULL CHECK (status IN ('issued', 'refused', 'pending_review', 'rejected')),
	reasons TEXT,                       -- JSON array of failed checks
	permit_id TEXT,
	decided_by BIGINT REFERENCES users (id),
	decision_reason TEXT,
	created_at BIGINT NOT NULL,
	decided_at BIGINT
);
CREATE INDEX applications_org ON permit_applications (org_id);
CREATE INDEX applications_status ON permit_applications (status);

CREATE TABLE permits (
	id TEXT PRIMARY KEY,                -- ISSUER-VERIFIER-YEAR-TYPE-SERIAL
	issuer TEXT NOT NULL,
	verifier TEXT NOT NULL,
	year INTEGER NOT NULL,
	type INTEGER NOT NULL,
	serial BIGINT NOT NULL,
	quota_id BIGINT REFERENCES quotas (id),
	application_id BIGINT REFERENCES permit_applications (id),
	org_id BIGINT REFERENCES organisations (id), -- our carriers' permits
	vehicle_id BIGINT REFERENCES vehicles (id),
	plate TEXT NOT NULL,
	company_name TEXT NOT NULL,
	company_id TEXT NOT NULL,
	issued_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,         -- last second of validity
	status TEXT NOT NULL DEFAULT 'issued' CHECK (status IN ('issued', 'used', 'revoked', 'returned')),
	used_up INTEGER NOT NULL DEFAULT 0,
	status_reason TEXT,
	status_at BIGINT,
	kid TEXT,
	credential TEXT,                    -- the signed QR text
	UNIQUE (issuer, verifier, year, type, serial)
);
CREATE INDEX permits_org ON permits (org_id, verifier, type, status);
CREATE INDEX permits_plate ON permits (plate);
CREATE INDEX permits_vehicle ON permits (vehicle_id, status);
CREATE INDEX permits_quota ON permits (quota_id, status);

CREATE TABLE permit_activities (
	id @ID@,
	permit_id TEXT NOT NULL REFERENCES permits (id),
	activity_type TEXT NOT NULL CHECK (activity_type IN ('ENTRANCE', 'EXIT')),
	country TEXT NOT NULL,              -- whose border was crossed
	at BIGINT NOT NULL,
	checkpoint TEXT,
	details TEXT,
	recorded_by BIGINT REFERENCES users (id)
);
CREATE INDEX activities_permit ON permit_activities (permit_id);

-- Reference data (domain-facts.md). Ministries edit these through the API.
INSERT INTO permit_types (code, name, min_euro_class, fee_som, holding_limit, entries_per_country, multilateral) VALUES
	(1, 'BILATERAL', 3, 0, 5, 1, 0),
	(2, 'TRANSIT', 3, 0, 5, 1, 0),
	(3, 'THIRDCOUNTRY', 3, 0, 3, 1, 0),
	(4, 'BILATERAL_FEE', 3, 3000, 5, 1, 0),
	(5, 'TRANSIT_FEE', 3, 3000, 5, 1, 0),
	(6, 'THIRDCOUNTRY_FEE', 3, 4500, 3, 1, 0),
	(7, 'MULTILATERAL', 4, 0, 2, 2, 1);

INSERT INTO authorities (code, name, api_url, traceca, created_at) VALUES
	('KG', 'Kyrgyzstan', NULL, 1, 0),
	('CN', 'China', NULL, 0, 0),
	('UZ', 'Uzbekistan', NULL, 1, 0),
	('AZ', 'Azerbaijan', NULL, 1, 0),
	('TR', 'Türkiye', NULL, 1, 0),
	('KZ', 'Kazakhstan', NULL, 1, 0),
	('TJ', 'Tajikistan', NULL, 1, 0),
	('AM', 'Armenia', NULL, 1, 0),
	('GE', 'Georgia', NULL, 1, 0),
	('MD', 'Moldova', NULL, 1, 0),
	('RO', 'Romania', NULL, 1, 0),
	('UA', 'Ukraine', NULL, 1, 0),
	('BG', 'Bulgaria', NULL, 1, 0),
	('IR', 'Iran', NULL, 1, 0),
	('TC', 'TRACECA Permanent Secretariat', NULL, 0, 0);

-- 017: a carrier that registers itself is verified by the ministry (its carrier licence and
-- tax number, INN, checked against the registers) before its first permit. A carrier with no
-- row here was registered by staff, or before verification began, and counts as verified.
CREATE TABLE carrier_verifications (
	org_id BIGINT PRIMARY KEY REFERENCES organisations (id),
	status TEXT NOT NULL CHECK (status IN ('pending', 'verified', 'rejected')),
	licence_checked INTEGER NOT NULL DEFAULT 0, -- the licence was found valid in the register
	inn_checked INTEGER NOT NULL DEFAULT 0,     -- the INN was found in the tax register
	note TEXT,                                  -- what the ministry tells the carrier
	requested_at BIGINT NOT NULL,
	decided_by BIGINT REFERENCES users (id),
	decided_at BIGINT
);
CREATE INDEX carrier_verifications_status ON carrier_verifications (status, requested_at);

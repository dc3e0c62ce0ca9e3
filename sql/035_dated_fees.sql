-- 035: fees with their source and changed from a date: a change of the zone-permit fee table
-- or of an ecotax fee effective later waits here and is applied when due (as rule_changes).
ALTER TABLE zone_fees ADD COLUMN source TEXT;
ALTER TABLE ecotax_fees ADD COLUMN source TEXT;
UPDATE zone_fees SET source = 'agency prices seen in 2024: about 2,500 som for one zone, 3,500 for two, 5,000 for all (seed 001)';
UPDATE ecotax_fees SET source = 'ecotax as reported for 2020: 500 som motorcycle, 1,000 car, 2,500 truck (seed 001); current rates not verified';

CREATE TABLE fee_changes (
	id @ID@,
	kind TEXT NOT NULL CHECK (kind IN ('zone_fees', 'ecotax_fee')),
	payload TEXT NOT NULL,                  -- JSON: {items: [{max_zones, fee_som}]} or {kind, fee_som}
	source TEXT NOT NULL,
	effective_from BIGINT NOT NULL,         -- UTC seconds
	created_by BIGINT REFERENCES users (id),
	created_at BIGINT NOT NULL,
	applied_at BIGINT
);
CREATE INDEX fee_changes_due ON fee_changes (applied_at, effective_from);

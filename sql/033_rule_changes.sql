-- 033: changes to a checkpoint's rules (its open season, its weekly hours) that the ministry
-- makes effective from a later instant: kept here until then, applied (and audited) when the
-- registry next loads after that instant. Changes effective at once are applied at once and
-- kept here too, as the history of who changed what and on what source.
CREATE TABLE rule_changes (
	id @ID@,
	kind TEXT NOT NULL CHECK (kind IN ('season', 'hours')),
	checkpoint TEXT NOT NULL REFERENCES checkpoints (code),
	payload TEXT NOT NULL,                  -- JSON: {from, to} or {hours: [...]}
	source TEXT NOT NULL,                   -- the decision or publication it comes from
	effective_from BIGINT NOT NULL,         -- UTC seconds
	created_by BIGINT REFERENCES users (id),
	created_at BIGINT NOT NULL,
	applied_at BIGINT
);
CREATE INDEX rule_changes_due ON rule_changes (applied_at, effective_from);

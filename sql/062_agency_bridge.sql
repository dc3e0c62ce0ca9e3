-- 062: where the agency exchange has read the audit log up to: acts recorded elsewhere (permits
-- issued and used, crossings) become agency events once, in the transaction that moves this.
CREATE TABLE agency_bridge (
	name TEXT PRIMARY KEY,
	last_audit_id BIGINT NOT NULL
);
INSERT INTO agency_bridge (name, last_audit_id) VALUES ('audit', 0);

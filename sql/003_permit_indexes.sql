-- 003: covering indexes for the checks run on every application (holding limit,
-- duplicates), so their cost stays flat however many permits a carrier holds.
DROP INDEX permits_org;
CREATE INDEX permits_holding ON permits (org_id, verifier, type, status, expires_at);
DROP INDEX permits_vehicle;
CREATE INDEX permits_vehicle ON permits (vehicle_id, verifier, type, year, status, expires_at);

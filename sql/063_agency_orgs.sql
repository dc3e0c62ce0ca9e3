-- 063: a border agency may be an organisation of kapka (customs, the border service, a
-- ministry); its members then belong to that organisation.
ALTER TABLE agencies ADD COLUMN org_id BIGINT REFERENCES organisations (id);

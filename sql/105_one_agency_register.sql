-- 105: one register of agencies. The single window's agencies (sw_agencies: code, names in
-- three languages, organisation) and the border agencies of the exchange (agencies) become
-- the rows of one table, `agencies`: an agency that decides single-window steps has
-- decides_steps = 1, one that takes part in the border exchange (members, X-Road, webhooks)
-- exchange = 1, and customs may be both. The window's steps and fees now name agencies(code).

-- The kinds grow by those of the window's agencies that are not border agencies; the
-- window's steps and fees refer to the one register. SQLite keeps CHECK and REFERENCES
-- clauses only in the table's text, which its documented procedure for such changes edits
-- in place (https://sqlite.org/lang_altertable.html, "Making Other Kinds Of Table Schema
-- Changes"); nothing stored changes shape.
-- sqlite: PRAGMA writable_schema = ON;
-- sqlite: UPDATE sqlite_schema SET sql = replace(sql, '''sanitary_epidemiological''))', '''sanitary_epidemiological'', ''ministry'', ''service''))') WHERE type = 'table' AND name = 'agencies';
-- sqlite: UPDATE sqlite_schema SET sql = replace(sql, 'REFERENCES sw_agencies (code)', 'REFERENCES agencies (code)') WHERE type = 'table' AND name IN ('sw_steps', 'sw_fees');
-- sqlite: PRAGMA writable_schema = RESET;
-- pg: ALTER TABLE agencies DROP CONSTRAINT agencies_kind_check;
-- pg: ALTER TABLE agencies ADD CONSTRAINT agencies_kind_check CHECK (kind IN ('customs', 'border_service', 'phytosanitary', 'veterinary', 'transport_inspection', 'sanitary_epidemiological', 'ministry', 'service'));
-- pg: ALTER TABLE sw_steps DROP CONSTRAINT sw_steps_agency_fkey;
-- pg: ALTER TABLE sw_fees DROP CONSTRAINT sw_fees_collector_fkey;

ALTER TABLE agencies ADD COLUMN name_ru TEXT;
ALTER TABLE agencies ADD COLUMN name_ky TEXT;
ALTER TABLE agencies ADD COLUMN decides_steps INTEGER NOT NULL DEFAULT 0 CHECK (decides_steps IN (0, 1));
ALTER TABLE agencies ADD COLUMN exchange INTEGER NOT NULL DEFAULT 1 CHECK (exchange IN (0, 1));

-- A border agency with a window agency's code is that agency: it takes its names and, when it
-- has none, its organisation.
UPDATE agencies SET decides_steps = 1,
	name_ru = (SELECT s.name_ru FROM sw_agencies s WHERE s.code = agencies.code),
	name_ky = (SELECT s.name_ky FROM sw_agencies s WHERE s.code = agencies.code),
	org_id = COALESCE(org_id, (SELECT s.org_id FROM sw_agencies s WHERE s.code = agencies.code))
	WHERE code IN (SELECT code FROM sw_agencies);
-- The others move over as agencies that decide steps and are not (yet) in the exchange.
INSERT INTO agencies (code, kind, name, name_ru, name_ky, org_id, created_at, decides_steps, exchange)
	SELECT code, CASE code WHEN 'customs' THEN 'customs' WHEN 'border' THEN 'border_service'
		WHEN 'economy' THEN 'ministry' ELSE 'service' END, name_en, name_ru, name_ky, org_id, 0, 1, 0
	FROM sw_agencies WHERE code NOT IN (SELECT code FROM agencies);
DROP TABLE sw_agencies;

-- pg: ALTER TABLE sw_steps ADD CONSTRAINT sw_steps_agency_fkey FOREIGN KEY (agency) REFERENCES agencies (code);
-- pg: ALTER TABLE sw_fees ADD CONSTRAINT sw_fees_collector_fkey FOREIGN KEY (collector) REFERENCES agencies (code);

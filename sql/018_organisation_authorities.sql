-- 018: organisations as authorities (the e-permit reference allows [A-Z]+ codes, not only
-- two-letter countries), and the members of an organisation's permit system as dated data.
ALTER TABLE authorities ADD COLUMN kind TEXT NOT NULL DEFAULT 'country' CHECK (kind IN ('country', 'organisation'));

INSERT INTO authorities (code, name, api_url, traceca, created_at, kind) VALUES
	('TRACECA', 'TRACECA (Intergovernmental Commission, Permanent Secretariat)', NULL, 0, 0, 'organisation'),
	('BSEC', 'Organization of the Black Sea Economic Cooperation', NULL, 0, 0, 'organisation');
-- TC was the secretariat's stand-in code before organisations had their own; kept for the
-- permits issued under it.
UPDATE authorities SET kind = 'organisation' WHERE code = 'TC';

-- Who takes part in an organisation's permit system, from and to which day (days since
-- 1970-01-01; to_day NULL: still a member), with the publication it comes from.
CREATE TABLE authority_members (
	organisation TEXT NOT NULL REFERENCES authorities (code),
	member TEXT NOT NULL REFERENCES authorities (code),
	from_day BIGINT NOT NULL,
	to_day BIGINT,
	source TEXT NOT NULL,
	PRIMARY KEY (organisation, member, from_day)
);

-- The TRACECA Multilateral Permit System: adopted by the XI IGC TRACECA meeting (Istanbul,
-- 2015), in force from 1 January 2016, for Armenia, Georgia, Moldova, Romania, Turkey and
-- Ukraine (traceca-org.org/en/home/multilateral-permit/); Kyrgyzstan completed its accession
-- on 16 December 2025 (Ministry of Transport and Communications of the Kyrgyz Republic, as
-- reported by report.az and 24.kg that day). 16801 = 2016-01-01, 20438 = 2025-12-16.
INSERT INTO authority_members (organisation, member, from_day, to_day, source) VALUES
	('TRACECA', 'AM', 16801, NULL, 'traceca-org.org/en/home/multilateral-permit/ (decision of the XI IGC TRACECA, Istanbul 2015; in force 1 January 2016)'),
	('TRACECA', 'GE', 16801, NULL, 'traceca-org.org/en/home/multilateral-permit/ (decision of the XI IGC TRACECA, Istanbul 2015; in force 1 January 2016)'),
	('TRACECA', 'MD', 16801, NULL, 'traceca-org.org/en/home/multilateral-permit/ (decision of the XI IGC TRACECA, Istanbul 2015; in force 1 January 2016)'),
	('TRACECA', 'RO', 16801, NULL, 'traceca-org.org/en/home/multilateral-permit/ (decision of the XI IGC TRACECA, Istanbul 2015; in force 1 January 2016)'),
	('TRACECA', 'TR', 16801, NULL, 'traceca-org.org/en/home/multilateral-permit/ (decision of the XI IGC TRACECA, Istanbul 2015; in force 1 January 2016)'),
	('TRACECA', 'UA', 16801, NULL, 'traceca-org.org/en/home/multilateral-permit/ (decision of the XI IGC TRACECA, Istanbul 2015; in force 1 January 2016)'),
	('TRACECA', 'KG', 20438, NULL, 'Ministry of Transport and Communications of the Kyrgyz Republic, 16 December 2025 (report.az/en/infrastructure/kyrgyzstan-joins-traceca-multilateral-permit-system, 24.kg/english/354843)');

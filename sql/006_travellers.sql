-- 006: travellers: the restricted border zones and their places, the zone-permit fee
-- table, currency rates, passport number formats and stay rules per nationality (all
-- data the ministry edits through the API), zone-permit applications with a permit per
-- person, their payments and every check at a military post; vehicles' temporary imports
-- (TIP), the customs union's members, ecotax fees and ecotax payments.
-- Civil dates are stored as days since 1970-01-01.

CREATE TABLE border_zones (
	code INTEGER PRIMARY KEY CHECK (code BETWEEN 1 AND 16),
	region_en TEXT NOT NULL,
	region_ru TEXT NOT NULL,
	region_ky TEXT NOT NULL
);

-- Places in a zone a route can pass; post = 1 where a military post checks permits (the
-- traveller leaves a copy there, so the PDF has a page for each).
CREATE TABLE zone_places (
	code TEXT PRIMARY KEY,
	zone INTEGER NOT NULL REFERENCES border_zones (code),
	name_en TEXT NOT NULL,
	name_ru TEXT NOT NULL,
	name_ky TEXT NOT NULL,
	post INTEGER NOT NULL DEFAULT 1 CHECK (post IN (0, 1))
);
CREATE INDEX zone_places_zone ON zone_places (zone);

-- A permit naming n zones costs the fee of the row with the smallest max_zones >= n.
CREATE TABLE zone_fees (
	max_zones INTEGER PRIMARY KEY CHECK (max_zones BETWEEN 1 AND 16),
	fee_som BIGINT NOT NULL CHECK (fee_som >= 0)
);

-- Exchange rates kept by the ministry: US dollars per unit, as a decimal text.
CREATE TABLE currency_rates (
	code TEXT PRIMARY KEY,
	usd_per_unit TEXT NOT NULL,
	updated_at BIGINT NOT NULL
);

-- Passport number forms per nationality ('*': anyone else), POSIX extended regex.
CREATE TABLE passport_formats (
	nationality TEXT PRIMARY KEY,
	pattern TEXT NOT NULL,
	example TEXT NOT NULL
);

-- Stay rules per destination and nationality ('*': anyone else).
CREATE TABLE stay_rules (
	destination TEXT NOT NULL,
	nationality TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('reentry', 'rolling', 'visa_required', 'unlimited')),
	days INTEGER NOT NULL DEFAULT 0,
	window_days INTEGER NOT NULL DEFAULT 0,
	note TEXT,
	PRIMARY KEY (destination, nationality)
);

-- One application (a traveller alone, or an agency's traveller account for a group).
CREATE TABLE zone_applications (
	id @ID@,
	user_id BIGINT NOT NULL REFERENCES users (id),
	date_from BIGINT NOT NULL,
	date_to BIGINT NOT NULL,
	valid_from BIGINT NOT NULL,
	valid_until BIGINT NOT NULL,
	zones TEXT NOT NULL,                -- JSON array of zone codes
	route TEXT NOT NULL,                -- JSON array of place codes, in order
	purpose TEXT NOT NULL,
	fee_per_person BIGINT NOT NULL,
	fee_total BIGINT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('awaiting_payment', 'paid', 'cancelled')),
	extended INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL
);
CREATE INDEX zone_applications_user ON zone_applications (user_id);

-- A permit per person; its number is ISSUER-BZ-id. The credential is signed on payment.
CREATE TABLE zone_permits (
	id @ID@,
	application_id BIGINT NOT NULL REFERENCES zone_applications (id),
	surname TEXT NOT NULL,
	given_names TEXT NOT NULL,
	nationality TEXT NOT NULL,
	passport_number TEXT NOT NULL,
	passport_expiry BIGINT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('awaiting_payment', 'active', 'cancelled', 'revoked')),
	status_reason TEXT,
	credential TEXT,
	kid TEXT,
	created_at BIGINT NOT NULL
);
CREATE INDEX zone_permits_application ON zone_permits (application_id);
CREATE INDEX zone_permits_passport ON zone_permits (passport_number);
CREATE INDEX zone_permits_status ON zone_permits (status);

-- A record of payment (no payment gateway): who, how much, in what, which reference, when.
CREATE TABLE zone_payments (
	id @ID@,
	application_id BIGINT NOT NULL UNIQUE REFERENCES zone_applications (id),
	payer_id BIGINT REFERENCES users (id),
	amount_som BIGINT NOT NULL,
	currency TEXT NOT NULL,
	amount TEXT NOT NULL,
	reference TEXT NOT NULL,
	paid_at BIGINT NOT NULL
);

-- Every verification at a post, valid or not.
CREATE TABLE zone_checks (
	id @ID@,
	permit_id BIGINT REFERENCES zone_permits (id),
	officer_id BIGINT REFERENCES users (id),
	place TEXT,
	zone INTEGER,
	passport_number TEXT,
	valid INTEGER NOT NULL,
	reasons TEXT NOT NULL,              -- JSON array of codes
	checked_at BIGINT NOT NULL
);
CREATE INDEX zone_checks_permit ON zone_checks (permit_id);

CREATE TABLE customs_union (
	country TEXT PRIMARY KEY,
	name TEXT NOT NULL
);

CREATE TABLE ecotax_fees (
	kind TEXT PRIMARY KEY CHECK (kind IN ('motorcycle', 'car', 'truck')),
	fee_som BIGINT NOT NULL CHECK (fee_som >= 0)
);

-- Temporary imports. A vehicle is its registration country and plate.
CREATE TABLE tips (
	id @ID@,
	user_id BIGINT NOT NULL REFERENCES users (id),
	plate TEXT NOT NULL,
	plate_country TEXT NOT NULL,
	vin TEXT,
	kind TEXT NOT NULL CHECK (kind IN ('motorcycle', 'car', 'truck')),
	make_model TEXT,
	owner_name TEXT NOT NULL,
	owner_passport TEXT NOT NULL,
	entry_checkpoint TEXT NOT NULL,
	entered_from TEXT NOT NULL,
	entry_date BIGINT NOT NULL,
	term_months INTEGER NOT NULL,
	expiry_date BIGINT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
	closed_reason TEXT,
	exit_date BIGINT,
	exit_checkpoint TEXT,
	exit_to TEXT,
	ecotax_som BIGINT NOT NULL DEFAULT 0,
	ecotax_reason TEXT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX tips_one_open ON tips (plate_country, plate) WHERE status = 'open';
CREATE INDEX tips_vehicle ON tips (plate_country, plate);
CREATE INDEX tips_user ON tips (user_id);
CREATE INDEX tips_expiry ON tips (status, expiry_date);

CREATE TABLE ecotax_payments (
	id @ID@,
	tip_id BIGINT NOT NULL UNIQUE REFERENCES tips (id),
	plate_country TEXT NOT NULL,
	plate TEXT NOT NULL,
	payer_id BIGINT REFERENCES users (id),
	amount_som BIGINT NOT NULL,
	reference TEXT NOT NULL,
	paid_at BIGINT NOT NULL,
	credential TEXT,
	kid TEXT
);
CREATE INDEX ecotax_payments_vehicle ON ecotax_payments (plate_country, plate);

-- Seed data: the facts sheet (shared/reference/domain-facts.md, from seed 001).
INSERT INTO border_zones (code, region_en, region_ru, region_ky) VALUES
	(1, 'Chuy region', 'Чуйская область', 'Чүй облусу'),
	(2, 'Issyk-Kul region', 'Иссык-Кульская область', 'Ысык-Көл облусу'),
	(3, 'Naryn region', 'Нарынская область', 'Нарын облусу'),
	(4, 'Osh region', 'Ошская область', 'Ош облусу'),
	(5, 'Batken region', 'Баткенская область', 'Баткен облусу');

INSERT INTO zone_places (code, zone, name_en, name_ru, name_ky) VALUES
	('chong-kemin', 1, 'Chong-Kemin valley', 'долина Чон-Кемин', 'Чоң-Кемин өрөөнү'),
	('karkyra', 2, 'Karkyra', 'Каркыра', 'Каркыра'),
	('sary-jaz', 2, 'Sary-Jaz', 'Сарыджаз', 'Сары-Жаз'),
	('engilchek', 2, 'Engilchek', 'Энильчек', 'Эңилчек'),
	('khan-tengri', 2, 'Khan-Tengri national park', 'национальный парк Хан-Тенгри', 'Хан-Теңири улуттук паркы'),
	('sarychat-ertash', 2, 'Sarychat-Ertash reserve', 'заповедник Сарычат-Эрташ', 'Сарычат-Ээрташ коругу'),
	('ak-shyrak', 2, 'Ak-Shyrak', 'Ак-Шийрак', 'Ак-Шыйрак'),
	('karasay', 2, 'Karasay checkpoint', 'КПП Карасай', 'Карасай өткөрүү пункту'),
	('ak-say', 3, 'Ak-Say valley', 'долина Ак-Сай', 'Ак-Сай өрөөнү'),
	('kol-suu', 3, 'Kol-Suu lake', 'озеро Кёль-Суу', 'Көл-Суу көлү'),
	('kok-kiya', 3, 'Kok-Kiya canyon', 'каньон Кок-Кия', 'Көк-Кыя капчыгайы'),
	('chatyr-kul', 3, 'Chatyr-Kul lake', 'озеро Чатыр-Куль', 'Чатыр-Көл көлү'),
	('torugart', 3, 'Torugart checkpoint', 'КПП Торугарт', 'Торугарт өткөрүү пункту'),
	('trans-alai', 4, 'Trans-Alai range (Lenin peak)', 'Заалайский хребет (пик Ленина)', 'Чоң Алай кырка тоосу (Ленин чокусу)'),
	('kadamjay', 5, 'Kadamjay district', 'Кадамжайский район', 'Кадамжай району'),
	('leilek', 5, 'Leilek district', 'Лейлекский район', 'Лейлек району'),
	('batken', 5, 'Batken district', 'Баткенский район', 'Баткен району');

-- About 2,500 som for one zone, 3,500 for two, 5,000 for all (4-5); three zones: the
-- all-zones fee until the ministry sets another row.
INSERT INTO zone_fees (max_zones, fee_som) VALUES (1, 2500), (2, 3500), (5, 5000);

INSERT INTO currency_rates (code, usd_per_unit, updated_at) VALUES
	('KGS', '0.01143', 0), ('KZT', '0.00207', 0), ('TJS', '0.10465', 0), ('UZS', '0.00008', 0),
	('TMT', '0.28571', 0), ('USD', '1', 0);

-- Forms as publicly described; the ministry corrects them through the API.
INSERT INTO passport_formats (nationality, pattern, example) VALUES
	('*', '^[A-Z0-9]{6,9}$', 'AB1234567'),
	('FR', '^[0-9]{2}[A-Z]{2}[0-9]{5}$', '12AB34567'),
	('CH', '^[A-Z][0-9]{7}$', 'X1234567'),
	('BE', '^[A-Z]{2}[0-9]{6}$', 'EH123456'),
	('CA', '^[A-Z]{2}[0-9]{6}$', 'AB123456'),
	('DE', '^[CFGHJKLMNPRTVWXYZ0-9]{9}$', 'C01X00T47'),
	('GB', '^[0-9]{9}$', '123456789'),
	('US', '^([0-9]{9}|[A-Z][0-9]{8})$', 'A12345678'),
	('KZ', '^N[0-9]{8}$', 'N12345678'),
	('RU', '^[0-9]{9}$', '751234567'),
	('KG', '^[A-Z]{2}[0-9]{7}$', 'AC1234567');

-- Kyrgyzstan: 60 days visa-free with the re-entry condition for the nationalities the
-- seed names and others of the 60+; everyone else an e-visa. The EU row is the peer rule
-- the calculator also answers for (90 days in any 180).
INSERT INTO stay_rules (destination, nationality, kind, days, window_days, note) VALUES
	('KG', '*', 'visa_required', 0, 0, 'not on the visa-free list: e-visa'),
	('KG', 'KG', 'unlimited', 0, 0, 'citizens'),
	('KG', 'FR', 'reentry', 60, 0, 'seed 001'), ('KG', 'CH', 'reentry', 60, 0, 'seed 001'),
	('KG', 'BE', 'reentry', 60, 0, 'seed 001'), ('KG', 'CA', 'reentry', 60, 0, 'seed 001'),
	('KG', 'DE', 'reentry', 60, 0, NULL), ('KG', 'AT', 'reentry', 60, 0, NULL),
	('KG', 'IT', 'reentry', 60, 0, NULL), ('KG', 'ES', 'reentry', 60, 0, NULL),
	('KG', 'NL', 'reentry', 60, 0, NULL), ('KG', 'PL', 'reentry', 60, 0, NULL),
	('KG', 'CZ', 'reentry', 60, 0, NULL), ('KG', 'SE', 'reentry', 60, 0, NULL),
	('KG', 'FI', 'reentry', 60, 0, NULL), ('KG', 'DK', 'reentry', 60, 0, NULL),
	('KG', 'NO', 'reentry', 60, 0, NULL), ('KG', 'GB', 'reentry', 60, 0, NULL),
	('KG', 'US', 'reentry', 60, 0, NULL), ('KG', 'AU', 'reentry', 60, 0, NULL),
	('KG', 'NZ', 'reentry', 60, 0, NULL), ('KG', 'JP', 'reentry', 60, 0, NULL),
	('KG', 'KR', 'reentry', 60, 0, NULL),
	('EU', '*', 'rolling', 90, 180, 'the Schengen short-stay rule, for visa-exempt travellers');

INSERT INTO customs_union (country, name) VALUES
	('AM', 'Armenia'), ('BY', 'Belarus'), ('KG', 'Kyrgyzstan'), ('KZ', 'Kazakhstan'), ('RU', 'Russia');

INSERT INTO ecotax_fees (kind, fee_som) VALUES ('motorcycle', 500), ('car', 1000), ('truck', 2500);

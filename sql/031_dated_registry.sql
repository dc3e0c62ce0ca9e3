-- 031: the checkpoint registry checked against public sources (each checkpoint now names
-- them, and says what could not be verified), the corrected closures, seasons and holiday
-- rules, Kyzyl-Bel, public holidays of 2026 and 2027 with their sources, and the UTC
-- offsets a country used before its current one (Kazakhstan: +6 until 1 March 2024).

ALTER TABLE checkpoints ADD COLUMN sources TEXT;
ALTER TABLE public_holidays ADD COLUMN source TEXT;

-- Before valid_until (UTC seconds) the country's clocks were offset_minutes from UTC.
CREATE TABLE utc_offset_history (
	country TEXT NOT NULL REFERENCES border_countries (code),
	valid_until BIGINT NOT NULL,
	offset_minutes INTEGER NOT NULL,
	source TEXT NOT NULL,
	PRIMARY KEY (country, valid_until)
);
-- Kazakhstan moved the whole country to UTC+5 at 00:00 local time on 1 March 2024
-- (Government decree of 29 December 2023 No. 1230; clocks went back one hour).
INSERT INTO utc_offset_history (country, valid_until, offset_minutes, source) VALUES
	('KZ', 1709229600, 360, 'Government of Kazakhstan decree No. 1230 of 29 December 2023: UTC+5 from 00:00 on 1 March 2024');

-- Kairagach and Kyzyl-Bel: closed after the April 2021 conflict (May 2021), reopened on
-- 13 March 2025 (24.kg/english/322605; en.orda.kz 5463). Karamyk: still closed.
UPDATE checkpoint_closures SET starts_at = 1619805600, ends_at = 1741802400,
	reason = 'closed after the April 2021 border conflict; reopened on 13 March 2025 (24.kg, 12 March 2025)'
	WHERE checkpoint = 'kairagach' AND created_by IS NULL AND starts_at = 1663113600;
UPDATE checkpoint_closures SET starts_at = 1619805600,
	reason = 'closed since the 2021-2022 border conflicts; reopening not announced (en.orda.kz: further crossings to reopen gradually)'
	WHERE checkpoint = 'karamyk' AND created_by IS NULL AND starts_at = 1663113600;
INSERT INTO checkpoint_closures (checkpoint, starts_at, ends_at, reason, created_by, created_at) VALUES
	('kyzyl-art', 1619805600, 1688148000, 'closed after the 2021-2022 border conflicts; reopened in July 2023 (seed 001)', NULL, 0);

INSERT INTO checkpoints (code, country, neighbour, name_en, name_ru, name_ky, post_name, neighbour_post_name,
	lat, lon, modes, foreigners, permission, border_zone, holiday_rule, season_from, season_to, notes, updated_at) VALUES
	('kyzyl-bel', 'KG', 'TJ', 'Kyzyl-Bel', 'Кызыл-Бель', 'Кызыл-Бел', 'Kyzyl-Bel-Avtodorozhny', 'Tajik post (Isfara road)',
	 39.9800, 70.8500, 'car,motorcycle,bus,truck', 1, NULL, NULL, 'none', NULL, NULL,
	 'Automobile checkpoint in Batken district; reopened with Kairagach on 13 March 2025. Hours and coordinates assumed.', 0);
INSERT INTO checkpoint_hours (checkpoint, side, kind, days, opens, closes) VALUES
	('kyzyl-bel', 'KG', 'open', '1234567', '08:00', '20:00'), ('kyzyl-bel', 'TJ', 'open', '1234567', '07:00', '19:00');
INSERT INTO checkpoint_capacity (checkpoint, flow, per_day) VALUES
	('kyzyl-bel', 'car', 300), ('kyzyl-bel', 'bus', 30), ('kyzyl-bel', 'truck', 300);
INSERT INTO checkpoint_closures (checkpoint, starts_at, ends_at, reason, created_by, created_at) VALUES
	('kyzyl-bel', 1619805600, 1741802400, 'closed after the April 2021 border conflict; reopened on 13 March 2025 (24.kg, 12 March 2025)', NULL, 0);

-- Karkyra works in the warm months only (kolesa.kz 2013: May to October; inbusiness.kz
-- 2020: closed from 30 November to 1 March) and in daylight (kaktus.media 509494).
UPDATE checkpoints SET season_from = '03-01', season_to = '11-29' WHERE code = 'karkyra';
-- The Kazakh-Chinese crossings close on Chinese public holidays too.
UPDATE checkpoints SET holiday_rule = 'both' WHERE code IN ('kolzhat', 'alakol', 'maykapchagay', 'baqty');

UPDATE checkpoints SET sources = CASE code
	WHEN 'korday' THEN 'seed 001 (OunTravela 2024): open 24/7 after the 2020-2022 reconstruction; 24.kg/english/143567 (2020 repairs). Verified: traffic and hours.'
	WHEN 'ak-tilek' THEN 'seed 001: trucks only since Korday reopened. Hours not verified.'
	WHEN 'sypatay-batyr' THEN 'seed 001; barometr.kg (Chaldybar-Avtodorozhny works in normal mode). Hours not verified.'
	WHEN 'aisha-bibi' THEN 'seed 001; barometr.kg (Chon-Kapka-Avtodorozhny). Hours not verified.'
	WHEN 'karkyra' THEN 'seed 001; kolesa.kz (seasonal, May to October); inbusiness.kz (closed 30 November to 1 March); kaktus.media 509494 (daylight hours; a 24-hour regime under ratification). Season dates verified from 2013 and 2020 reports only.'
	WHEN 'dostyk' THEN 'seed 001. Hours not verified.'
	WHEN 'izboskan' THEN 'seed 001: foreigners on foot and bicycles only. Hours not verified.'
	WHEN 'kyzyl-art' THEN 'seed 001: reopened July 2023 with prior permission from the tourism department. Exact reopening day and hours not verified.'
	WHEN 'kairagach' THEN '24.kg/english/322605 and en.orda.kz 5463: closed May 2021, reopened 13 March 2025; seed 003 (modernised Nov 2023). Hours not verified.'
	WHEN 'karamyk' THEN 'seed 003 (modernised Nov 2023); en.orda.kz 5463 (not among the crossings reopened in March 2025). Closed: no reopening found.'
	WHEN 'kyzyl-bel' THEN '24.kg/english/322605; en.orda.kz 5463; uzsushi.com 322670 (Kyrgyz): reopened 13 March 2025. Hours, coordinates and Tajik post name not verified.'
	WHEN 'irkeshtam' THEN 'seed 001: lunch breaks on both sides, closed on holidays of either side, often closed in winter. Hours otherwise not verified.'
	WHEN 'torugart' THEN 'seed 001: snow-free late May to late September; domain facts: e-queue pilot from March 2026. Hours not verified.'
	ELSE 'seed 004 (The Times of Central Asia / primeminister.kz): modernised Kazakh checkpoint. Hours of the neighbour side not verified.'
	END;

-- Public holidays: the earlier Chinese rows cut the 2026 breaks short; replace them with
-- the State Council's published arrangement and the statutory days of 2027.
DELETE FROM public_holidays WHERE country = 'CN' AND year IN (2026, 2027);
UPDATE public_holidays SET source = CASE country
	WHEN 'KG' THEN 'Labour Code of the Kyrgyz Republic, art. 113; Orozo and Kurman Ait set each year by the Cabinet'
	WHEN 'CN' THEN 'Regulation on National Annual Holidays and Memorial Days (as revised 2024): statutory days'
	WHEN 'KZ' THEN 'Law of Kazakhstan on holidays of 13 December 2001 No. 267'
	WHEN 'UZ' THEN 'Labour Code of Uzbekistan, art. 207; Ramazon and Qurbon hayit set each year'
	WHEN 'TJ' THEN 'Law of Tajikistan on holidays; Idi Ramazon and Idi Qurbon set each year'
	ELSE 'as published by the state' END;
INSERT INTO public_holidays (country, year, month, day, name, source) VALUES
	('CN', 2026, 1, 2, 'New Year holiday', 'State Council notice on the 2026 holiday arrangement (November 2025)'),
	('CN', 2026, 1, 3, 'New Year holiday', 'State Council notice on the 2026 holiday arrangement (November 2025)'),
	('CN', 2026, 2, 15, 'Spring Festival holiday', 'State Council notice on the 2026 holiday arrangement (November 2025)'),
	('CN', 2026, 2, 16, 'Spring Festival holiday', 'State Council notice on the 2026 holiday arrangement (November 2025)'),
	('CN', 2026, 2, 17, 'Spring Festival', 'State Council notice on the 2026 holiday arrangement (November 2025)'),
	('CN', 2026, 2, 18, 'Spring Festival holiday', 'State Council notice on the 2026 holiday arrangement (November 2025)'),
	('CN', 2026, 2, 19, 'Spring Festival holiday', 'State Council notice on the 2026 holiday arrangement (November 2025)'),
	('CN', 2026, 2, 20, 'Spring Festival holiday', 'State Council notice on the 2026 holiday arrangement (November 2025)'),
	('CN', 2026, 2, 21, 'Spring Festival holiday', 'State Council notice on the 2026 holiday arrangement (November 2025)'),
	('CN', 2026, 2, 22, 'Spring Festival holiday', 'State Council notice on the 2026 holiday arrangement (November 2025)'),
	('CN', 2026, 2, 23, 'Spring Festival holiday', 'State Council notice on the 2026 holiday arrangement (November 2025)'),
	('CN', 2026, 4, 4, 'Qingming holiday', 'State Council notice on the 2026 holiday arrangement (November 2025)'),
	('CN', 2026, 4, 5, 'Qingming', 'State Council notice on the 2026 holiday arrangement (November 2025)'),
	('CN', 2026, 4, 6, 'Qingming holiday', 'State Council notice on the 2026 holiday arrangement (November 2025)'),
	('CN', 2026, 5, 4, 'Labour Day holiday', 'State Council notice on the 2026 holiday arrangement (November 2025)'),
	('CN', 2026, 5, 5, 'Labour Day holiday', 'State Council notice on the 2026 holiday arrangement (November 2025)'),
	('CN', 2026, 6, 19, 'Dragon Boat Festival', 'State Council notice on the 2026 holiday arrangement (November 2025)'),
	('CN', 2026, 6, 20, 'Dragon Boat holiday', 'State Council notice on the 2026 holiday arrangement (November 2025)'),
	('CN', 2026, 6, 21, 'Dragon Boat holiday', 'State Council notice on the 2026 holiday arrangement (November 2025)'),
	('CN', 2026, 9, 25, 'Mid-Autumn Festival', 'State Council notice on the 2026 holiday arrangement (November 2025)'),
	('CN', 2026, 9, 26, 'Mid-Autumn holiday', 'State Council notice on the 2026 holiday arrangement (November 2025)'),
	('CN', 2026, 9, 27, 'Mid-Autumn holiday', 'State Council notice on the 2026 holiday arrangement (November 2025)'),
	('CN', 2027, 2, 5, 'Spring Festival Eve', 'statutory days (2024 regulation); the State Council arrangement for 2027 not found: bridge days to add'),
	('CN', 2027, 2, 6, 'Spring Festival', 'statutory days (2024 regulation); the State Council arrangement for 2027 not found: bridge days to add'),
	('CN', 2027, 2, 7, 'Spring Festival holiday', 'statutory days (2024 regulation); the State Council arrangement for 2027 not found: bridge days to add'),
	('CN', 2027, 2, 8, 'Spring Festival holiday', 'statutory days (2024 regulation); the State Council arrangement for 2027 not found: bridge days to add'),
	('CN', 2027, 4, 5, 'Qingming', 'statutory days (2024 regulation)'),
	('CN', 2027, 6, 9, 'Dragon Boat Festival', 'statutory days (2024 regulation)'),
	('CN', 2027, 9, 15, 'Mid-Autumn Festival', 'statutory days (2024 regulation)'),
	('KZ', NULL, 1, 7, 'Orthodox Christmas', 'Law of Kazakhstan on holidays of 13 December 2001 No. 267'),
	('KZ', 2026, 5, 27, 'Kurban Ait', 'Government of Kazakhstan, date of Kurban Ait for 2026'),
	('KZ', 2027, 5, 17, 'Kurban Ait', 'expected date (10 Dhu al-Hijjah 1448); set by the Government each year'),
	('UZ', 2026, 3, 20, 'Ramazon hayit', 'Presidential decree for 2026 (date announced by the Muslim Board)'),
	('UZ', 2026, 5, 27, 'Qurbon hayit', 'Presidential decree for 2026 (date announced by the Muslim Board)'),
	('UZ', 2027, 3, 10, 'Ramazon hayit', 'expected date (1 Shawwal 1448); set each year'),
	('UZ', 2027, 5, 17, 'Qurbon hayit', 'expected date (10 Dhu al-Hijjah 1448); set each year'),
	('TJ', NULL, 3, 23, 'Navruz', 'Law of Tajikistan on holidays'),
	('TJ', NULL, 3, 24, 'Navruz', 'Law of Tajikistan on holidays'),
	('TJ', NULL, 6, 27, 'National Unity Day', 'Law of Tajikistan on holidays'),
	('TJ', 2026, 3, 20, 'Idi Ramazon', 'Government of Tajikistan, 2026'),
	('TJ', 2026, 5, 27, 'Idi Qurbon', 'Government of Tajikistan, 2026'),
	('TJ', 2027, 3, 10, 'Idi Ramazon', 'expected date (1 Shawwal 1448); set each year'),
	('TJ', 2027, 5, 17, 'Idi Qurbon', 'expected date (10 Dhu al-Hijjah 1448); set each year');

-- Exchange rates carry the day they are for and where they come from.
ALTER TABLE currency_rates ADD COLUMN rate_date BIGINT;
ALTER TABLE currency_rates ADD COLUMN source TEXT;
UPDATE currency_rates SET rate_date = 20494,
	source = 'The Times of Central Asia, 10 February 2026 (seed 000): rates to USD'
	WHERE code IN ('KGS', 'KZT', 'TJS', 'UZS', 'TMT');
UPDATE currency_rates SET rate_date = 0, source = 'the unit of account' WHERE code = 'USD';

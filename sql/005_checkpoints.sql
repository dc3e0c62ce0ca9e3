-- 005: checkpoints, crossings and the booked queue: the registry of border crossings
-- (hours per side in each side's own time, lunch breaks, seasons, closures, public
-- holidays, capacity per flow), equipment keys, registered crossings with the people on
-- board, time slots and bookings. Times are UTC seconds; hours are local "HH:MM" of the
-- side they belong to, whose fixed UTC offset is data (border_countries).

CREATE TABLE border_countries (
	code TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	utc_offset_minutes INTEGER NOT NULL         -- no daylight saving in the region
);

CREATE TABLE checkpoints (
	code TEXT PRIMARY KEY,                      -- lower-case slug used in URLs: irkeshtam
	country TEXT NOT NULL REFERENCES border_countries (code),   -- whose post this registry runs
	neighbour TEXT NOT NULL REFERENCES border_countries (code),
	name_en TEXT NOT NULL,
	name_ru TEXT NOT NULL,
	name_ky TEXT NOT NULL,
	post_name TEXT NOT NULL,                    -- the post on country's side
	neighbour_post_name TEXT NOT NULL,          -- the post on the neighbour's side
	lat DOUBLE PRECISION NOT NULL,
	lon DOUBLE PRECISION NOT NULL,
	modes TEXT NOT NULL,                        -- allowed: pedestrian,bicycle,car,motorcycle,bus,truck
	foreigners INTEGER NOT NULL DEFAULT 1,      -- 0: citizens of the two countries only
	permission TEXT,                            -- prior permission needed (what, from whom); NULL: none
	border_zone TEXT,                           -- the restricted border zone it lies in, if any
	holiday_rule TEXT NOT NULL DEFAULT 'none' CHECK (holiday_rule IN ('none', 'own', 'both')),
	season_from TEXT,                           -- 'MM-DD': open only from this day ...
	season_to TEXT,                             -- ... to this day (own local time); NULL: all year
	notes TEXT,
	updated_at BIGINT NOT NULL
);

-- Weekly hours per side. kind 'open' windows say when the side works; 'break' windows
-- (lunch) close it inside them. days: ISO weekdays as digits, '12345' is Monday-Friday.
CREATE TABLE checkpoint_hours (
	id @ID@,
	checkpoint TEXT NOT NULL REFERENCES checkpoints (code),
	side TEXT NOT NULL REFERENCES border_countries (code),
	kind TEXT NOT NULL CHECK (kind IN ('open', 'break')),
	days TEXT NOT NULL,
	opens TEXT NOT NULL,                        -- 'HH:MM' in the side's local time
	closes TEXT NOT NULL                        -- 'HH:MM', '24:00' for midnight
);
CREATE INDEX checkpoint_hours_cp ON checkpoint_hours (checkpoint);

CREATE TABLE checkpoint_capacity (
	checkpoint TEXT NOT NULL REFERENCES checkpoints (code),
	flow TEXT NOT NULL CHECK (flow IN ('pedestrian', 'car', 'bus', 'truck')),
	per_day INTEGER NOT NULL CHECK (per_day >= 0),
	PRIMARY KEY (checkpoint, flow)
);

CREATE TABLE checkpoint_closures (
	id @ID@,
	checkpoint TEXT NOT NULL REFERENCES checkpoints (code),
	starts_at BIGINT NOT NULL,
	ends_at BIGINT,                             -- NULL: until further notice
	reason TEXT NOT NULL,
	created_by BIGINT REFERENCES users (id),
	created_at BIGINT NOT NULL
);
CREATE INDEX checkpoint_closures_cp ON checkpoint_closures (checkpoint);

CREATE TABLE public_holidays (
	id @ID@,
	country TEXT NOT NULL REFERENCES border_countries (code),
	year INTEGER,                               -- NULL: every year on that day
	month INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
	day INTEGER NOT NULL CHECK (day BETWEEN 1 AND 31),
	name TEXT NOT NULL
);
CREATE INDEX public_holidays_country ON public_holidays (country);

-- Equipment (plate cameras, scales, scanners, kiosks) of one checkpoint; the key is shown
-- once and only its SHA-256 is kept, like session tokens.
CREATE TABLE checkpoint_devices (
	id @ID@,
	checkpoint TEXT NOT NULL REFERENCES checkpoints (code),
	name TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('plate_camera', 'scale', 'scanner', 'gate', 'kiosk')),
	key_hash TEXT NOT NULL UNIQUE,
	key_prefix TEXT NOT NULL,
	created_by BIGINT REFERENCES users (id),
	created_at BIGINT NOT NULL,
	revoked_at BIGINT
);

CREATE TABLE queue_slots (
	id @ID@,
	checkpoint TEXT NOT NULL REFERENCES checkpoints (code),
	flow TEXT NOT NULL CHECK (flow IN ('car', 'bus', 'truck')),
	starts_at BIGINT NOT NULL,
	ends_at BIGINT NOT NULL,
	capacity INTEGER NOT NULL CHECK (capacity >= 0),
	priority_cap INTEGER NOT NULL CHECK (priority_cap >= 0),  -- at most this many priority bookings
	booked INTEGER NOT NULL DEFAULT 0,
	priority_booked INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	UNIQUE (checkpoint, flow, starts_at),
	CHECK (booked >= 0 AND booked <= capacity),
	CHECK (priority_booked >= 0 AND priority_booked <= priority_cap)
);

CREATE TABLE queue_bookings (
	id @ID@,
	checkpoint TEXT NOT NULL REFERENCES checkpoints (code),
	slot_id BIGINT REFERENCES queue_slots (id),  -- NULL: the live queue (no booking)
	flow TEXT NOT NULL CHECK (flow IN ('car', 'bus', 'truck')),
	plate TEXT NOT NULL,
	priority TEXT CHECK (priority IN ('perishable', 'dangerous', 'humanitarian', 'postal')),
	phone TEXT,
	user_id BIGINT REFERENCES users (id),
	status TEXT NOT NULL CHECK (status IN ('booked', 'checked_in', 'called', 'crossed', 'no_show', 'cancelled')),
	created_at BIGINT NOT NULL,
	checked_in_at BIGINT,
	called_at BIGINT,
	call_deadline BIGINT,
	closed_at BIGINT,
	crossing_id BIGINT
);
-- One booking per vehicle at a time, whatever the checkpoint.
CREATE UNIQUE INDEX queue_bookings_one_active ON queue_bookings (plate)
	WHERE status IN ('booked', 'checked_in', 'called');
CREATE INDEX queue_bookings_cp ON queue_bookings (checkpoint, status);
CREATE INDEX queue_bookings_user ON queue_bookings (user_id);

CREATE TABLE crossings (
	id @ID@,
	checkpoint TEXT NOT NULL REFERENCES checkpoints (code),
	direction TEXT NOT NULL CHECK (direction IN ('entry', 'exit')),  -- into or out of the country
	flow TEXT NOT NULL CHECK (flow IN ('pedestrian', 'car', 'bus', 'truck')),
	vehicle_kind TEXT CHECK (vehicle_kind IN ('car', 'motorcycle', 'bus', 'truck', 'tractor', 'bicycle')),
	plate TEXT,                                 -- normalised
	plate_source TEXT CHECK (plate_source IN ('camera', 'typed')),
	vehicle_country TEXT,
	weight_kg INTEGER,
	scan_result TEXT CHECK (scan_result IN ('clear', 'alarm')),
	xray_result TEXT CHECK (xray_result IN ('clear', 'alarm')),
	radiation_result TEXT CHECK (radiation_result IN ('clear', 'alarm')),
	people INTEGER NOT NULL DEFAULT 0,
	permit_id TEXT REFERENCES permits (id),
	permit_match TEXT NOT NULL CHECK (permit_match IN ('recorded', 'own_permit', 'none', 'not_required')),
	permit_problem TEXT,                        -- why no permit matched (NO_PERMIT, PERMIT_USED ...)
	flags TEXT NOT NULL DEFAULT '',             -- comma list: NO_PERMIT,OVERWEIGHT,SCAN_ALARM ...
	inspection INTEGER NOT NULL DEFAULT 0,
	booking_id BIGINT REFERENCES queue_bookings (id),
	checked_in_at BIGINT,                       -- from the booking or live queue: for waiting times
	at BIGINT NOT NULL,
	recorded_by BIGINT REFERENCES users (id),
	device_id BIGINT REFERENCES checkpoint_devices (id),
	note TEXT
);
CREATE INDEX crossings_cp_at ON crossings (checkpoint, at);
CREATE INDEX crossings_plate ON crossings (plate);

CREATE TABLE crossing_persons (
	id @ID@,
	crossing_id BIGINT NOT NULL REFERENCES crossings (id),
	name TEXT,
	nationality TEXT,
	passport TEXT,
	is_driver INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX crossing_persons_crossing ON crossing_persons (crossing_id);
CREATE INDEX crossing_persons_passport ON crossing_persons (passport, nationality);

-- ---- reference data (domain-facts.md; seeds 001, 003, 004). The ministry edits it
-- through the API; coordinates are approximate and hours not given by the sources are
-- the registry's assumption until the Border Service confirms them (see notes). ----

INSERT INTO border_countries (code, name, utc_offset_minutes) VALUES
	('KG', 'Kyrgyzstan', 360), ('KZ', 'Kazakhstan', 300), ('CN', 'China', 480),
	('UZ', 'Uzbekistan', 300), ('TJ', 'Tajikistan', 300), ('TM', 'Turkmenistan', 300);

INSERT INTO checkpoints (code, country, neighbour, name_en, name_ru, name_ky, post_name, neighbour_post_name,
	lat, lon, modes, foreigners, permission, border_zone, holiday_rule, season_from, season_to, notes, updated_at) VALUES
	('korday', 'KG', 'KZ', 'Korday / Ak-Zhol', 'Кордай / Ак-Жол', 'Кордай / Ак-Жол', 'Ak-Zhol', 'Korday',
	 43.0386, 74.7131, 'pedestrian,bicycle,car,motorcycle,bus,truck', 1, NULL, NULL, 'none', NULL, NULL,
	 'Main crossing Bishkek-Almaty; open 24/7; buses and cabs; exchange office on both sides.', 0),
	('ak-tilek', 'KG', 'KZ', 'Ak-Tilek', 'Ак-Тилек', 'Ак-Тилек', 'Ak-Tilek', 'Karasu',
	 42.9700, 74.2600, 'truck', 1, NULL, NULL, 'none', NULL, NULL,
	 'Goods trucks only since Korday reopened; no pedestrians or cars.', 0),
	('sypatay-batyr', 'KG', 'KZ', 'Sypatay Batyr', 'Сыпатай Батыр', 'Сыпатай Баатыр', 'Chaldybar', 'Sypatay Batyr',
	 42.8300, 73.1500, 'pedestrian,bicycle,car,motorcycle,bus,truck', 1, NULL, NULL, 'none', NULL, NULL,
	 'Taraz-Bishkek; money exchange, food. Hours assumed.', 0),
	('aisha-bibi', 'KG', 'KZ', 'Aisha Bibi', 'Айша Биби', 'Айша Биби', 'Chon-Kapka', 'Aisha Bibi',
	 42.7300, 71.8500, 'pedestrian,bicycle,car,motorcycle,bus,truck', 1, NULL, NULL, 'none', NULL, NULL,
	 'Taraz-Talas; money exchange, food. Hours assumed.', 0),
	('karkyra', 'KG', 'KZ', 'Karkyra', 'Каркыра', 'Каркыра', 'Karkyra', 'Kegen',
	 42.8300, 78.9500, 'pedestrian,bicycle,car,motorcycle,bus,truck', 1,
	 'Border-zone permit for the Issyk-Kul region zone', 'Issyk-Kul region: Karkyra', 'none', NULL, NULL,
	 'Little public transport; poor dirt road; no exchange, no supplies. Hours assumed.', 0),
	('dostyk', 'KG', 'UZ', 'Dostyk', 'Достук', 'Достук', 'Dostuk', 'Dustlik',
	 40.6700, 72.7600, 'pedestrian,bicycle,car,motorcycle,bus,truck', 1, NULL, NULL, 'none', NULL, NULL,
	 'Osh-Andijan main road; quick.', 0),
	('izboskan', 'KG', 'UZ', 'Izboskan', 'Избоскан', 'Избоскан', 'Kara-Suu', 'Izboskan',
	 40.9200, 72.9500, 'pedestrian,bicycle', 1, NULL, NULL, 'none', NULL, NULL,
	 'Foreigners on foot and bicycles only: no cars, no motorcycles. Hours assumed.', 0),
	('kyzyl-art', 'KG', 'TJ', 'Kyzyl-Art (Bor-Dobo)', 'Кызыл-Арт (Бор-Добо)', 'Кызыл-Арт (Бор-Добо)', 'Bor-Dobo', 'Kyzyl-Art',
	 39.3500, 73.3400, 'car,motorcycle,bus,truck,bicycle', 1,
	 'Prior permission from the Kyrgyz tourism department; KG to TJ also a GBAO permit', NULL, 'none', NULL, NULL,
	 'The only KG-TJ crossing reopened (July 2023). Hours assumed.', 0),
	('kairagach', 'KG', 'TJ', 'Kairagach', 'Кайрагач', 'Кайрагач', 'Kairagach', 'Patar',
	 40.0500, 70.5500, 'car,bus,truck', 1, NULL, NULL, 'none', NULL, NULL,
	 'Automobile checkpoint modernised with the Eurasian Economic Commission (Nov 2023).', 0),
	('karamyk', 'KG', 'TJ', 'Karamyk', 'Карамык', 'Карамык', 'Karamyk', 'Karamyk',
	 39.4200, 71.7800, 'car,bus,truck', 0, NULL, NULL, 'none', NULL, NULL,
	 'Automobile checkpoint modernised with the Eurasian Economic Commission (Nov 2023); forbidden to foreigners.', 0),
	('irkeshtam', 'KG', 'CN', 'Irkeshtam', 'Иркештам', 'Эркечтам', 'Irkeshtam', 'Irkeshtam (Ulugqat)',
	 39.6700, 73.9200, 'car,motorcycle,bus,truck,bicycle', 1, NULL, NULL, 'both', NULL, NULL,
	 'Busiest KG-CN crossing; lunch 11:00-14:00 on the Kyrgyz side and 13:00-16:00 on the Chinese side (Kyrgyz time); often closed in winter by snow; closed on public holidays of either side.', 0),
	('torugart', 'KG', 'CN', 'Torugart', 'Торугарт', 'Торугарт', 'Torugart-Avto', 'Torugart (Tuergate)',
	 40.5600, 75.3800, 'car,motorcycle,bus,truck,bicycle', 1,
	 'Border-zone permit for the Naryn region zone', 'Naryn region: Torugart checkpoint', 'both', '05-25', '09-30',
	 'Generally snow-free late May to late September, otherwise often closed or dangerous; e-queue pilot from March 2026, trucks wait at Kara-Bulak.', 0),
	('kazygurt', 'KZ', 'UZ', 'Kazygurt', 'Казыгурт', 'Казыгурт', 'Kazygurt', 'Gishtkuprik',
	 41.3100, 69.3900, 'pedestrian,car,bus,truck', 1, NULL, NULL, 'none', NULL, NULL,
	 'Kazakh checkpoint reopened modernised: automated registration, scanners, weighing, X-ray, thermal imaging, radiation monitoring; separate flows.', 0),
	('temir-baba', 'KZ', 'TM', 'Temir-baba', 'Темир-баба', 'Темир-баба', 'Temir-baba', 'Gazanjyk road post',
	 42.2000, 54.2000, 'pedestrian,car,bus,truck', 1, NULL, NULL, 'none', NULL, NULL,
	 'Kazakh checkpoint reopened modernised.', 0),
	('kaplanbek', 'KZ', 'UZ', 'Kaplanbek', 'Капланбек', 'Капланбек', 'Kaplanbek', 'Yallama',
	 41.2700, 69.2500, 'pedestrian,car,bus,truck', 1, NULL, NULL, 'none', NULL, NULL, 'Kazakh checkpoint, modernised.', 0),
	('atameken', 'KZ', 'UZ', 'Atameken', 'Атамекен', 'Атамекен', 'Atameken', 'Oybek',
	 41.0700, 69.0300, 'pedestrian,car,bus,truck', 1, NULL, NULL, 'none', NULL, NULL, 'Kazakh checkpoint, modernised.', 0),
	('kolzhat', 'KZ', 'CN', 'Kolzhat', 'Кольжат', 'Кольжат', 'Kolzhat', 'Dulata',
	 43.7700, 80.6300, 'car,bus,truck', 1, NULL, NULL, 'none', NULL, NULL, 'Kazakh checkpoint, modernised.', 0),
	('alakol', 'KZ', 'CN', 'Alakol', 'Алаколь', 'Алакөл', 'Alakol', 'Alashankou',
	 45.2000, 82.5000, 'car,bus,truck', 1, NULL, NULL, 'none', NULL, NULL, 'Kazakh checkpoint, modernised.', 0),
	('tazhen', 'KZ', 'UZ', 'Tazhen', 'Тажен', 'Тажен', 'Tazhen', 'Karakalpakstan post',
	 44.9000, 56.1000, 'pedestrian,car,bus,truck', 1, NULL, NULL, 'none', NULL, NULL, 'Kazakh checkpoint, in operation from 25 Dec 2025.', 0),
	('maykapchagay', 'KZ', 'CN', 'Maykapchagay', 'Майкапчагай', 'Майкапчагай', 'Maykapchagay', 'Jeminay',
	 47.4700, 85.5700, 'car,bus,truck', 1, NULL, NULL, 'none', NULL, NULL, 'Kazakh checkpoint, in operation from 25 Dec 2025.', 0),
	('baqty', 'KZ', 'CN', 'Baqty', 'Бахты', 'Бакты', 'Baqty', 'Pokitu (Baketu)',
	 46.6800, 82.7300, 'car,bus,truck', 1, NULL, NULL, 'none', NULL, NULL,
	 'Kazakh checkpoint from 25 Dec 2025; Baqty-Pokitu Smart Customs pilot with China.', 0),
	('zhibek-zholy', 'KZ', 'UZ', 'Zhibek Zholy', 'Жибек Жолы', 'Жибек Жолу', 'Zhibek Zholy', 'Gisht Kuprik',
	 41.3800, 69.3700, 'pedestrian,car,bus,truck', 1, NULL, NULL, 'none', NULL, NULL,
	 'Reconstruction from April 2025; from July 2026 70,000 people and 2,000 vehicles a day.', 0);

-- Hours. Round the clock unless the sources (or the assumption noted above) say otherwise.
INSERT INTO checkpoint_hours (checkpoint, side, kind, days, opens, closes) VALUES
	('korday', 'KG', 'open', '1234567', '00:00', '24:00'), ('korday', 'KZ', 'open', '1234567', '00:00', '24:00'),
	('ak-tilek', 'KG', 'open', '1234567', '00:00', '24:00'), ('ak-tilek', 'KZ', 'open', '1234567', '00:00', '24:00'),
	('sypatay-batyr', 'KG', 'open', '1234567', '08:00', '20:00'), ('sypatay-batyr', 'KZ', 'open', '1234567', '07:00', '19:00'),
	('aisha-bibi', 'KG', 'open', '1234567', '08:00', '20:00'), ('aisha-bibi', 'KZ', 'open', '1234567', '07:00', '19:00'),
	('karkyra', 'KG', 'open', '1234567', '09:00', '18:00'), ('karkyra', 'KZ', 'open', '1234567', '08:00', '17:00'),
	('dostyk', 'KG', 'open', '1234567', '00:00', '24:00'), ('dostyk', 'UZ', 'open', '1234567', '00:00', '24:00'),
	('izboskan', 'KG', 'open', '1234567', '08:00', '20:00'), ('izboskan', 'UZ', 'open', '1234567', '07:00', '19:00'),
	('kyzyl-art', 'KG', 'open', '1234567', '09:00', '18:00'), ('kyzyl-art', 'TJ', 'open', '1234567', '08:00', '17:00'),
	('kairagach', 'KG', 'open', '1234567', '08:00', '20:00'), ('kairagach', 'TJ', 'open', '1234567', '07:00', '19:00'),
	('karamyk', 'KG', 'open', '1234567', '08:00', '20:00'), ('karamyk', 'TJ', 'open', '1234567', '07:00', '19:00'),
	('irkeshtam', 'KG', 'open', '12345', '09:00', '18:00'), ('irkeshtam', 'KG', 'break', '12345', '11:00', '14:00'),
	('irkeshtam', 'CN', 'open', '12345', '11:00', '20:00'), ('irkeshtam', 'CN', 'break', '12345', '15:00', '18:00'),
	('torugart', 'KG', 'open', '12345', '09:00', '18:00'), ('torugart', 'KG', 'break', '12345', '12:00', '13:00'),
	('torugart', 'CN', 'open', '12345', '11:00', '20:00'), ('torugart', 'CN', 'break', '12345', '14:00', '15:00'),
	('kazygurt', 'KZ', 'open', '1234567', '00:00', '24:00'), ('kazygurt', 'UZ', 'open', '1234567', '00:00', '24:00'),
	('temir-baba', 'KZ', 'open', '1234567', '00:00', '24:00'), ('temir-baba', 'TM', 'open', '1234567', '09:00', '18:00'),
	('kaplanbek', 'KZ', 'open', '1234567', '00:00', '24:00'), ('kaplanbek', 'UZ', 'open', '1234567', '00:00', '24:00'),
	('atameken', 'KZ', 'open', '1234567', '00:00', '24:00'), ('atameken', 'UZ', 'open', '1234567', '00:00', '24:00'),
	('kolzhat', 'KZ', 'open', '1234567', '00:00', '24:00'), ('kolzhat', 'CN', 'open', '12345', '11:00', '20:00'),
	('alakol', 'KZ', 'open', '1234567', '00:00', '24:00'), ('alakol', 'CN', 'open', '1234567', '10:00', '20:00'),
	('tazhen', 'KZ', 'open', '1234567', '00:00', '24:00'), ('tazhen', 'UZ', 'open', '1234567', '00:00', '24:00'),
	('maykapchagay', 'KZ', 'open', '1234567', '00:00', '24:00'), ('maykapchagay', 'CN', 'open', '12345', '11:00', '20:00'),
	('baqty', 'KZ', 'open', '1234567', '00:00', '24:00'), ('baqty', 'CN', 'open', '1234567', '10:00', '20:00'),
	('zhibek-zholy', 'KZ', 'open', '1234567', '00:00', '24:00'), ('zhibek-zholy', 'UZ', 'open', '1234567', '00:00', '24:00');

-- Capacity per day and flow: the modernised checkpoints' 1,000 vehicles a day, Zhibek
-- Zholy's 2,000 vehicles and 70,000 people; the others are the registry's estimates.
INSERT INTO checkpoint_capacity (checkpoint, flow, per_day) VALUES
	('korday', 'pedestrian', 10000), ('korday', 'car', 2000), ('korday', 'bus', 200), ('korday', 'truck', 1000),
	('ak-tilek', 'truck', 1000),
	('sypatay-batyr', 'pedestrian', 2000), ('sypatay-batyr', 'car', 600), ('sypatay-batyr', 'bus', 50), ('sypatay-batyr', 'truck', 200),
	('aisha-bibi', 'pedestrian', 2000), ('aisha-bibi', 'car', 600), ('aisha-bibi', 'bus', 50), ('aisha-bibi', 'truck', 200),
	('karkyra', 'pedestrian', 200), ('karkyra', 'car', 100), ('karkyra', 'bus', 10), ('karkyra', 'truck', 50),
	('dostyk', 'pedestrian', 8000), ('dostyk', 'car', 1500), ('dostyk', 'bus', 150), ('dostyk', 'truck', 1000),
	('izboskan', 'pedestrian', 3000),
	('kyzyl-art', 'car', 100), ('kyzyl-art', 'bus', 10), ('kyzyl-art', 'truck', 100),
	('kairagach', 'car', 500), ('kairagach', 'bus', 50), ('kairagach', 'truck', 500),
	('karamyk', 'car', 300), ('karamyk', 'bus', 30), ('karamyk', 'truck', 300),
	('irkeshtam', 'car', 200), ('irkeshtam', 'bus', 20), ('irkeshtam', 'truck', 1000),
	('torugart', 'car', 100), ('torugart', 'bus', 10), ('torugart', 'truck', 500),
	('kazygurt', 'pedestrian', 5000), ('kazygurt', 'car', 500), ('kazygurt', 'bus', 100), ('kazygurt', 'truck', 500),
	('temir-baba', 'pedestrian', 1000), ('temir-baba', 'car', 400), ('temir-baba', 'bus', 100), ('temir-baba', 'truck', 500),
	('kaplanbek', 'pedestrian', 5000), ('kaplanbek', 'car', 500), ('kaplanbek', 'bus', 100), ('kaplanbek', 'truck', 500),
	('atameken', 'pedestrian', 5000), ('atameken', 'car', 500), ('atameken', 'bus', 100), ('atameken', 'truck', 500),
	('kolzhat', 'car', 400), ('kolzhat', 'bus', 100), ('kolzhat', 'truck', 500),
	('alakol', 'car', 400), ('alakol', 'bus', 100), ('alakol', 'truck', 500),
	('tazhen', 'pedestrian', 1000), ('tazhen', 'car', 400), ('tazhen', 'bus', 100), ('tazhen', 'truck', 500),
	('maykapchagay', 'car', 400), ('maykapchagay', 'bus', 100), ('maykapchagay', 'truck', 500),
	('baqty', 'car', 400), ('baqty', 'bus', 100), ('baqty', 'truck', 500),
	('zhibek-zholy', 'pedestrian', 70000), ('zhibek-zholy', 'car', 1000), ('zhibek-zholy', 'bus', 200), ('zhibek-zholy', 'truck', 800);

-- The travel guide lists the KG-TJ crossings other than Kyzyl-Art as closed since 2022.
INSERT INTO checkpoint_closures (checkpoint, starts_at, ends_at, reason, created_by, created_at) VALUES
	('kairagach', 1663113600, NULL, 'closed since the September 2022 border conflict; reopening not announced', NULL, 0),
	('karamyk', 1663113600, NULL, 'closed since the September 2022 border conflict; reopening not announced', NULL, 0);

-- Public holidays of both countries of each crossing (fixed dates every year; moving
-- feasts per year). Irkeshtam and Torugart close on either side's holidays.
INSERT INTO public_holidays (country, year, month, day, name) VALUES
	('KG', NULL, 1, 1, 'New Year'), ('KG', NULL, 1, 7, 'Orthodox Christmas'),
	('KG', NULL, 2, 23, 'Defender of the Fatherland Day'), ('KG', NULL, 3, 8, 'International Women''s Day'),
	('KG', NULL, 3, 21, 'Nooruz'), ('KG', NULL, 4, 7, 'People''s April Revolution Day'),
	('KG', NULL, 5, 1, 'Labour Day'), ('KG', NULL, 5, 5, 'Constitution Day'), ('KG', NULL, 5, 9, 'Victory Day'),
	('KG', NULL, 8, 31, 'Independence Day'), ('KG', NULL, 11, 7, 'Days of History and Commemoration'),
	('KG', NULL, 11, 8, 'Days of History and Commemoration'),
	('KG', 2026, 3, 20, 'Orozo Ait'), ('KG', 2026, 5, 27, 'Kurman Ait'),
	('KG', 2027, 3, 10, 'Orozo Ait'), ('KG', 2027, 5, 17, 'Kurman Ait'),
	('CN', NULL, 1, 1, 'New Year'), ('CN', NULL, 5, 1, 'Labour Day'), ('CN', NULL, 5, 2, 'Labour Day holiday'),
	('CN', NULL, 5, 3, 'Labour Day holiday'), ('CN', NULL, 10, 1, 'National Day'), ('CN', NULL, 10, 2, 'National Day holiday'),
	('CN', NULL, 10, 3, 'National Day holiday'), ('CN', NULL, 10, 4, 'National Day holiday'),
	('CN', NULL, 10, 5, 'National Day holiday'), ('CN', NULL, 10, 6, 'National Day holiday'),
	('CN', NULL, 10, 7, 'National Day holiday'),
	('CN', 2026, 2, 17, 'Spring Festival'), ('CN', 2026, 2, 18, 'Spring Festival holiday'),
	('CN', 2026, 2, 19, 'Spring Festival holiday'), ('CN', 2026, 4, 5, 'Qingming'),
	('CN', 2026, 6, 19, 'Dragon Boat Festival'), ('CN', 2026, 9, 25, 'Mid-Autumn Festival'),
	('CN', 2027, 2, 6, 'Spring Festival'), ('CN', 2027, 2, 7, 'Spring Festival holiday'),
	('CN', 2027, 2, 8, 'Spring Festival holiday'), ('CN', 2027, 4, 5, 'Qingming'),
	('KZ', NULL, 1, 1, 'New Year'), ('KZ', NULL, 1, 2, 'New Year'), ('KZ', NULL, 3, 8, 'International Women''s Day'),
	('KZ', NULL, 3, 21, 'Nauryz'), ('KZ', NULL, 3, 22, 'Nauryz'), ('KZ', NULL, 3, 23, 'Nauryz'),
	('KZ', NULL, 5, 1, 'Unity Day'), ('KZ', NULL, 5, 7, 'Defender of the Fatherland Day'), ('KZ', NULL, 5, 9, 'Victory Day'),
	('KZ', NULL, 7, 6, 'Capital Day'), ('KZ', NULL, 8, 30, 'Constitution Day'), ('KZ', NULL, 10, 25, 'Republic Day'),
	('KZ', NULL, 12, 16, 'Independence Day'),
	('UZ', NULL, 1, 1, 'New Year'), ('UZ', NULL, 3, 8, 'International Women''s Day'), ('UZ', NULL, 3, 21, 'Navruz'),
	('UZ', NULL, 5, 9, 'Day of Remembrance'), ('UZ', NULL, 9, 1, 'Independence Day'), ('UZ', NULL, 10, 1, 'Teachers'' Day'),
	('UZ', NULL, 12, 8, 'Constitution Day'),
	('TJ', NULL, 1, 1, 'New Year'), ('TJ', NULL, 3, 8, 'Mother''s Day'), ('TJ', NULL, 3, 21, 'Navruz'),
	('TJ', NULL, 3, 22, 'Navruz'), ('TJ', NULL, 5, 9, 'Victory Day'), ('TJ', NULL, 9, 9, 'Independence Day'),
	('TJ', NULL, 11, 6, 'Constitution Day'),
	('TM', NULL, 1, 1, 'New Year'), ('TM', NULL, 3, 8, 'International Women''s Day'), ('TM', NULL, 3, 21, 'Novruz'),
	('TM', NULL, 5, 9, 'Victory Day'), ('TM', NULL, 9, 27, 'Independence Day'), ('TM', NULL, 12, 12, 'Neutrality Day');

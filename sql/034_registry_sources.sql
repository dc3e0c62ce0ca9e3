-- 034: more of the registry checked against public sources: Dostuk's capacity and continuous
-- control (Border Service via 24.kg, 28 August 2024), Ak-Tilek a multilateral checkpoint for
-- vehicles with cargo only (Border Service via vb.kg, 2020), Chaldybar (Sypatay Batyr) 5,000
-- to 7,000 people a day after its reconstruction (24.kg, 14 February 2018).
UPDATE checkpoint_capacity SET per_day = 16400 WHERE checkpoint = 'dostyk' AND flow = 'pedestrian';
UPDATE checkpoint_capacity SET per_day = 6000 WHERE checkpoint = 'sypatay-batyr' AND flow = 'pedestrian';
UPDATE checkpoints SET sources = 'seed 001; 24.kg/english/303378 (Border Service, 28 August 2024): continuous border control, throughput 16,400 people a day (18,000-26,000 cross on busy days), 33 passport booths. Verified: round the clock, capacity.'
	WHERE code = 'dostyk';
UPDATE checkpoints SET sources = 'seed 001; vb.kg/doc/384263 (Border Service, 2020): Ak-Tilek-Avtodorozhny is a multilateral checkpoint for vehicles with cargo only, near Hunchi, Issyk-Ata district. Verified: trucks only. Hours not verified.'
	WHERE code = 'ak-tilek';
UPDATE checkpoints SET sources = 'seed 001; 24.kg/english/76104 (2018): Chaldybar-Avtodorozhny reconstructed, 5,000-7,000 people a day; barometr.kg (works in normal mode). Hours not verified.'
	WHERE code = 'sypatay-batyr';
UPDATE checkpoints SET sources = 'seed 001 (open 24/7 after the reconstruction); 24.kg/english/143567 and vb.kg/doc/384263 (closed for reconstruction from 2020); gps.gov.kg 2023-05-06 (Ak-Jol-Avtodorozhny working, buses cross out of turn). Verified: traffic and hours.'
	WHERE code = 'korday';

-- 015: the permit fields the e-permit protocol carries (PERMIT_CREATED, PermitDto):
-- the trip's departure and arrival countries, the trailer's plate (plate_number2) and
-- the issuer's other claims (a JSON object). Applications keep what the carrier asked for.
-- expires_at already exists; it may now be set explicitly when a permit is issued.
ALTER TABLE permits ADD COLUMN departure_country TEXT;
ALTER TABLE permits ADD COLUMN arrival_country TEXT;
ALTER TABLE permits ADD COLUMN trailer_plate TEXT;
ALTER TABLE permits ADD COLUMN other_claims TEXT;
CREATE INDEX permits_trailer_plate ON permits (trailer_plate);

ALTER TABLE permit_applications ADD COLUMN departure_country TEXT;
ALTER TABLE permit_applications ADD COLUMN arrival_country TEXT;
ALTER TABLE permit_applications ADD COLUMN trailer_plate TEXT;
ALTER TABLE permit_applications ADD COLUMN other_claims TEXT;

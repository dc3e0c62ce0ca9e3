-- 032: bookings a new closure hits are cancelled with the reason kept, and the driver gets a
-- notice (shown on the booking page; the notification engineer's outbox can deliver it).
ALTER TABLE queue_bookings ADD COLUMN cancel_reason TEXT;

CREATE TABLE booking_notices (
	id @ID@,
	booking_id BIGINT NOT NULL REFERENCES queue_bookings (id),
	user_id BIGINT REFERENCES users (id),
	phone TEXT,
	kind TEXT NOT NULL CHECK (kind IN ('CANCELLED_BY_CLOSURE')),
	checkpoint TEXT NOT NULL,
	plate TEXT NOT NULL,
	slot_starts_at BIGINT,                 -- NULL: the live queue
	closure_id BIGINT REFERENCES checkpoint_closures (id),
	reason TEXT NOT NULL,                  -- the closure's reason, as the ministry wrote it
	created_at BIGINT NOT NULL,
	read_at BIGINT
);
CREATE INDEX booking_notices_user ON booking_notices (user_id, created_at);

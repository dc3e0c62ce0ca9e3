-- 070: notifications that reach people away from the page (docs/notifications.md): one row
-- per message per channel. SMS and email rows are delivered by the notification worker with
-- retries and back-off; in-app rows are the Notices page, sent the moment they are stored.
CREATE TABLE notifications (
	id @ID@,
	idem_key TEXT NOT NULL,                -- the act: one act never notifies twice
	channel TEXT NOT NULL CHECK (channel IN ('sms', 'email', 'inapp')),
	kind TEXT NOT NULL,                    -- QUEUE_CALL, PERMIT_ISSUED, ... (domain/notice.c)
	user_id BIGINT REFERENCES users (id),  -- whose it is (NULL: a booking made without an account)
	recipient TEXT,                        -- phone (sms) or address (email); NULL for inapp
	lang TEXT NOT NULL CHECK (lang IN ('ky', 'ru', 'en')),
	subject TEXT NOT NULL,
	body TEXT NOT NULL,
	object_type TEXT,                      -- what it is about, for the page's link
	object_id TEXT,
	state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed', 'given_up')),
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at BIGINT NOT NULL,       -- ms
	lease_owner TEXT,                      -- the instance delivering it now
	lease_until BIGINT,                    -- ms
	last_error TEXT,
	created_at BIGINT NOT NULL,            -- ms
	sent_at BIGINT,                        -- ms
	read_at BIGINT,                        -- ms; in-app only
	UNIQUE (idem_key, channel)
);
CREATE INDEX notifications_due ON notifications (state, next_attempt_at);
CREATE INDEX notifications_user ON notifications (user_id, channel, id);

-- Channels each person chose: on unless switched off.
ALTER TABLE users ADD COLUMN notify_sms INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN notify_email INTEGER NOT NULL DEFAULT 1;
-- The language the driver booked in: the queue call comes in it.
ALTER TABLE queue_bookings ADD COLUMN lang TEXT;

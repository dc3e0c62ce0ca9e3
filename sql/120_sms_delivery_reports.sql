-- 120: SMS delivery reports from Kannel (docs/notifications.md). Each SMS attempt asks
-- Kannel for reports at a URL holding a random token; only its SHA-256 is kept here, so
-- the token cannot be read back from the database to forge a report.
ALTER TABLE notifications ADD COLUMN dlr_token TEXT;   -- hex SHA-256 of the latest attempt's token
ALTER TABLE notifications ADD COLUMN dlr_state TEXT
	CHECK (dlr_state IN ('accepted', 'buffered', 'delivered', 'failed', 'rejected'));
ALTER TABLE notifications ADD COLUMN dlr_at BIGINT;    -- ms, when the latest report came
CREATE UNIQUE INDEX notifications_dlr_token ON notifications (dlr_token);

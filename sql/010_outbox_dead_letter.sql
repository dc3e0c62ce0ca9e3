-- 010: delivery that never wedges (docs/e-permit.md): an event a partner keeps refusing is
-- set aside (dead letter) after exchange_max_refusals refusals, so the events after it go on;
-- the ministry retries or skips it.
ALTER TABLE outbox ADD COLUMN refusals INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN dead_at BIGINT;     -- set aside: refused too often
ALTER TABLE outbox ADD COLUMN skipped_at BIGINT;  -- given up by the ministry

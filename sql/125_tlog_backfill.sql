-- 125: acts the transparency log should have carried but a database made by an older
-- version lacks (partner keys and quotas received over the exchange before the log recorded
-- them; on a database older than 040, every permit, quota and key). Applying this migration
-- appends them once, in the same transaction, as leaves marked "backfilled_at"
-- (kp_tlog_backfill, store/tlog_backfill.c); old leaves are never changed. One row per run:
-- when it ran, the first leaf it appended and how many (0 on a new database).
CREATE TABLE tlog_backfills (
	version INTEGER PRIMARY KEY,
	at BIGINT NOT NULL,
	first_idx BIGINT NOT NULL,
	leaves BIGINT NOT NULL
);

-- The order trajectory writes are applied in.
--
-- trajectories.write_order: the stamp of the write that stored the row, taken when `save` or
-- `record` was called (the caller's clock in milliseconds x 1000, plus a per-process sequence
-- within a millisecond). A row is only replaced by a write stamped at least as late, so a
-- record spooled while the database was unavailable and replayed after a newer save never
-- replaces it. Rows stored before this migration are stamped with their updated_at (0 when it
-- is not an ISO UTC time).

-- migrate:up
ALTER TABLE trajectories ADD COLUMN write_order BIGINT NOT NULL DEFAULT 0;
UPDATE trajectories
SET write_order = round(extract(epoch FROM updated_at::timestamptz) * 1000)::bigint * 1000
WHERE updated_at ~ '^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$';

-- migrate:down
ALTER TABLE trajectories DROP COLUMN write_order;

-- The write-behind recorder's idempotency key for audit entries: a replayed
-- batch (after a crash or from the spool) inserts each entry once.
-- Entries written directly (AuditLog.log, logMany) have no key; the partial
-- index leaves them out, so it costs nothing for them.

-- migrate:up
ALTER TABLE audit_logs ADD COLUMN record_key TEXT;
CREATE UNIQUE INDEX idx_audit_logs_record_key ON audit_logs (record_key) WHERE record_key IS NOT NULL;

-- migrate:down
DROP INDEX idx_audit_logs_record_key;
ALTER TABLE audit_logs DROP COLUMN record_key;

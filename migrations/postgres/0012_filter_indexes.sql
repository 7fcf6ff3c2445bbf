-- Indexes for the filters that had none, so a rare value is found instead of scanned for:
-- the audit trail by action and by agent (newest first, as AuditLog.query reads it).

-- migrate:up
CREATE INDEX idx_audit_logs_action ON audit_logs (action, timestamp);
CREATE INDEX idx_audit_logs_agent ON audit_logs (agent, timestamp);

-- migrate:down
DROP INDEX idx_audit_logs_agent;
DROP INDEX idx_audit_logs_action;

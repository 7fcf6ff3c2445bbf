-- The agent registry (seed 002): agents with their model, tools and permissions; sessions of an
-- agent with their status and configuration overrides; and the hierarchical log of a session.
--
-- Deleting an agent deletes its sessions, and deleting a session deletes its logs (ON DELETE
-- CASCADE). A log's parent belongs to the same session (checked when the log is written); when a
-- parent log is deleted on its own, its children become roots (ON DELETE SET NULL), so removing
-- old logs never fails on, nor silently removes, the newer logs below them.
-- List columns (tools, ids, paths) and configuration, overrides, content and metadata are JSON
-- text, written after redaction.

-- migrate:up
-- seq gives agents and sessions in the order they were created, also within one millisecond.
CREATE TABLE agents (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  model TEXT NOT NULL,
  small_model TEXT,
  instructions TEXT,
  tools TEXT NOT NULL,
  mcp_server_ids TEXT NOT NULL,
  knowledge_ids TEXT NOT NULL,
  accessible_paths TEXT NOT NULL,
  permission_mode TEXT NOT NULL DEFAULT 'readOnly'
    CHECK (permission_mode IN ('readOnly', 'acceptEdits', 'bypassPermissions')),
  max_steps INTEGER CHECK (max_steps IS NULL OR max_steps > 0),
  configuration TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE agent_sessions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  name TEXT,
  status TEXT NOT NULL DEFAULT 'idle'
    CHECK (status IN ('idle', 'running', 'completed', 'failed', 'stopped')),
  overrides TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
-- (agent_id, ...) also serves the cascade from agents.
CREATE INDEX idx_agent_sessions_agent ON agent_sessions (agent_id, seq);
CREATE INDEX idx_agent_sessions_status ON agent_sessions (status, seq);

-- id gives insertion order: a parent is always written before its children.
CREATE TABLE agent_session_logs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id TEXT NOT NULL REFERENCES agent_sessions (id) ON DELETE CASCADE,
  parent_id INTEGER REFERENCES agent_session_logs (id) ON DELETE SET NULL,
  role TEXT NOT NULL CHECK (role IN ('user', 'agent', 'system', 'tool')),
  type TEXT NOT NULL CHECK (type IN ('message', 'thought', 'action', 'observation')),
  content TEXT NOT NULL,
  metadata TEXT,
  created_at TEXT NOT NULL
);
-- A session's logs in order (logs, logTree), and the cascade from agent_sessions.
CREATE INDEX idx_agent_session_logs_session ON agent_session_logs (session_id, id);
-- The children of a deleted log (ON DELETE SET NULL).
CREATE INDEX idx_agent_session_logs_parent ON agent_session_logs (parent_id);

-- migrate:down
DROP INDEX idx_agent_session_logs_parent;
DROP INDEX idx_agent_session_logs_session;
DROP TABLE agent_session_logs;
DROP INDEX idx_agent_sessions_status;
DROP INDEX idx_agent_sessions_agent;
DROP TABLE agent_sessions;
DROP TABLE agents;

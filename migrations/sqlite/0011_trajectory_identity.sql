-- Trajectory identity: a session may hold several trajectories.
--
-- ATIF 1.7 makes session_id run-scoped: a trajectory, its continuation and its forks may
-- share it, and a root may omit it. A trajectory is now keyed by `identity`: its
-- `trajectory_id` when it has one, otherwise its session and its first step, so a
-- trajectory that grows step by step is still updated in place while a continuation or a
-- fork of the same session is stored beside it. `id` is what callers address it by: the
-- session id for a session's first trajectory, otherwise its `trajectory_id` or
-- `<session id>#<n>`. session_id is no longer unique and may be null.
-- Rows stored before this migration keep their seq (the full-text rowid), take their
-- session id as id, and have no identity yet: the next save of the same trajectory
-- (same trajectory_id, or same session and first step) gives them one.
-- testgen_trajectories follows the trajectory by its id (column trajectory_id).

-- migrate:up
CREATE TABLE trajectories_next (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  identity TEXT UNIQUE,
  session_id TEXT,
  schema_version TEXT NOT NULL,
  agent_name TEXT NOT NULL,
  agent_version TEXT NOT NULL,
  model_name TEXT,
  task_id TEXT,
  step_count INTEGER NOT NULL CHECK (step_count >= 0),
  first_step_at TEXT,
  last_step_at TEXT,
  total_prompt_tokens INTEGER,
  total_completion_tokens INTEGER,
  total_cost_usd REAL,
  score REAL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  record_key TEXT UNIQUE,
  embedding_dim INTEGER CHECK (embedding_dim IS NULL OR embedding_dim > 0),
  embedding BLOB,
  data TEXT NOT NULL CHECK (json_valid(data)),
  search_text TEXT NOT NULL,
  write_order INTEGER NOT NULL DEFAULT 0,
  CHECK ((embedding IS NULL) = (embedding_dim IS NULL)),
  CHECK (embedding IS NULL OR length(embedding) = 4 * embedding_dim)
);
INSERT INTO trajectories_next (seq, id, identity, session_id, schema_version, agent_name, agent_version, model_name,
  task_id, step_count, first_step_at, last_step_at, total_prompt_tokens, total_completion_tokens, total_cost_usd,
  score, created_at, updated_at, record_key, embedding_dim, embedding, data, search_text, write_order)
SELECT seq, session_id, NULL, session_id, schema_version, agent_name, agent_version, model_name,
  task_id, step_count, first_step_at, last_step_at, total_prompt_tokens, total_completion_tokens, total_cost_usd,
  score, created_at, updated_at, record_key, embedding_dim, embedding, data, search_text, write_order
FROM trajectories;

CREATE TABLE testgen_next (
  trajectory_id TEXT PRIMARY KEY REFERENCES trajectories_next (id) ON DELETE CASCADE,
  task_id TEXT NOT NULL,
  task_description TEXT NOT NULL,
  total_tests INTEGER NOT NULL CHECK (total_tests >= 0),
  total_rounds INTEGER NOT NULL CHECK (total_rounds >= 0),
  category_rounds TEXT CHECK (category_rounds IS NULL OR json_valid(category_rounds)),
  comprehensiveness_score REAL,
  total_tokens_used INTEGER CHECK (total_tokens_used IS NULL OR total_tokens_used >= 0),
  duration_ms INTEGER NOT NULL CHECK (duration_ms >= 0),
  tests TEXT NOT NULL CHECK (json_valid(tests)),
  reflections TEXT CHECK (reflections IS NULL OR json_valid(reflections)),
  environment TEXT CHECK (environment IS NULL OR json_valid(environment)),
  uncertainties TEXT CHECK (uncertainties IS NULL OR json_valid(uncertainties)),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
INSERT INTO testgen_next SELECT * FROM testgen_trajectories;
DROP TABLE testgen_trajectories;
DROP TABLE trajectories;
ALTER TABLE trajectories_next RENAME TO trajectories;
ALTER TABLE testgen_next RENAME TO testgen_trajectories;

CREATE INDEX idx_trajectories_session ON trajectories (session_id, created_at);
CREATE INDEX idx_trajectories_created ON trajectories (created_at, seq);
CREATE INDEX idx_trajectories_agent ON trajectories (agent_name, created_at);
CREATE INDEX idx_trajectories_model ON trajectories (model_name, created_at);
CREATE INDEX idx_trajectories_task ON trajectories (task_id, created_at);
CREATE INDEX idx_trajectories_score ON trajectories (score);
CREATE INDEX idx_trajectories_embedding ON trajectories (embedding_dim, seq) WHERE embedding IS NOT NULL;
CREATE INDEX idx_testgen_trajectories_task ON testgen_trajectories (task_id, created_at);
CREATE INDEX idx_testgen_trajectories_score ON testgen_trajectories (comprehensiveness_score);

CREATE TRIGGER trajectories_fts_insert AFTER INSERT ON trajectories
BEGIN
  INSERT INTO trajectories_fts (rowid, search_text) VALUES (new.seq, new.search_text);
END;

CREATE TRIGGER trajectories_fts_delete AFTER DELETE ON trajectories
BEGIN
  INSERT INTO trajectories_fts (trajectories_fts, rowid, search_text) VALUES ('delete', old.seq, old.search_text);
END;

CREATE TRIGGER trajectories_fts_update AFTER UPDATE OF search_text ON trajectories
BEGIN
  INSERT INTO trajectories_fts (trajectories_fts, rowid, search_text) VALUES ('delete', old.seq, old.search_text);
  INSERT INTO trajectories_fts (rowid, search_text) VALUES (new.seq, new.search_text);
END;

-- migrate:down
-- One trajectory per session again: of a session's trajectories the most recently written
-- is kept (with its test-generation details); the others, and trajectories without a
-- session, are removed with their full-text entries.
DELETE FROM trajectories WHERE session_id IS NULL OR seq NOT IN (
  SELECT seq FROM (
    SELECT seq, row_number() OVER (PARTITION BY session_id ORDER BY write_order DESC, seq DESC) AS n
    FROM trajectories
  ) WHERE n = 1
);
CREATE TABLE trajectories_previous (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id TEXT NOT NULL UNIQUE,
  schema_version TEXT NOT NULL,
  agent_name TEXT NOT NULL,
  agent_version TEXT NOT NULL,
  model_name TEXT,
  task_id TEXT,
  step_count INTEGER NOT NULL CHECK (step_count >= 0),
  first_step_at TEXT,
  last_step_at TEXT,
  total_prompt_tokens INTEGER,
  total_completion_tokens INTEGER,
  total_cost_usd REAL,
  score REAL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  record_key TEXT UNIQUE,
  embedding_dim INTEGER CHECK (embedding_dim IS NULL OR embedding_dim > 0),
  embedding BLOB,
  data TEXT NOT NULL CHECK (json_valid(data)),
  search_text TEXT NOT NULL,
  write_order INTEGER NOT NULL DEFAULT 0,
  CHECK ((embedding IS NULL) = (embedding_dim IS NULL)),
  CHECK (embedding IS NULL OR length(embedding) = 4 * embedding_dim)
);
INSERT INTO trajectories_previous (seq, session_id, schema_version, agent_name, agent_version, model_name,
  task_id, step_count, first_step_at, last_step_at, total_prompt_tokens, total_completion_tokens, total_cost_usd,
  score, created_at, updated_at, record_key, embedding_dim, embedding, data, search_text, write_order)
SELECT seq, session_id, schema_version, agent_name, agent_version, model_name,
  task_id, step_count, first_step_at, last_step_at, total_prompt_tokens, total_completion_tokens, total_cost_usd,
  score, created_at, updated_at, record_key, embedding_dim, embedding, data, search_text, write_order
FROM trajectories;
CREATE TABLE testgen_previous (
  session_id TEXT PRIMARY KEY REFERENCES trajectories_previous (session_id) ON DELETE CASCADE,
  task_id TEXT NOT NULL,
  task_description TEXT NOT NULL,
  total_tests INTEGER NOT NULL CHECK (total_tests >= 0),
  total_rounds INTEGER NOT NULL CHECK (total_rounds >= 0),
  category_rounds TEXT CHECK (category_rounds IS NULL OR json_valid(category_rounds)),
  comprehensiveness_score REAL,
  total_tokens_used INTEGER CHECK (total_tokens_used IS NULL OR total_tokens_used >= 0),
  duration_ms INTEGER NOT NULL CHECK (duration_ms >= 0),
  tests TEXT NOT NULL CHECK (json_valid(tests)),
  reflections TEXT CHECK (reflections IS NULL OR json_valid(reflections)),
  environment TEXT CHECK (environment IS NULL OR json_valid(environment)),
  uncertainties TEXT CHECK (uncertainties IS NULL OR json_valid(uncertainties)),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
INSERT INTO testgen_previous
SELECT t.session_id, g.task_id, g.task_description, g.total_tests, g.total_rounds, g.category_rounds,
  g.comprehensiveness_score, g.total_tokens_used, g.duration_ms, g.tests, g.reflections, g.environment,
  g.uncertainties, g.created_at, g.updated_at
FROM testgen_trajectories g JOIN trajectories t ON t.id = g.trajectory_id;
DROP TABLE testgen_trajectories;
DROP TABLE trajectories;
ALTER TABLE trajectories_previous RENAME TO trajectories;
ALTER TABLE testgen_previous RENAME TO testgen_trajectories;
CREATE INDEX idx_trajectories_created ON trajectories (created_at, seq);
CREATE INDEX idx_trajectories_agent ON trajectories (agent_name, created_at);
CREATE INDEX idx_trajectories_model ON trajectories (model_name, created_at);
CREATE INDEX idx_trajectories_task ON trajectories (task_id, created_at);
CREATE INDEX idx_trajectories_score ON trajectories (score);
CREATE INDEX idx_trajectories_embedding ON trajectories (embedding_dim, seq) WHERE embedding IS NOT NULL;
CREATE INDEX idx_testgen_trajectories_task ON testgen_trajectories (task_id, created_at);
CREATE INDEX idx_testgen_trajectories_score ON testgen_trajectories (comprehensiveness_score);
CREATE TRIGGER trajectories_fts_insert AFTER INSERT ON trajectories
BEGIN
  INSERT INTO trajectories_fts (rowid, search_text) VALUES (new.seq, new.search_text);
END;
CREATE TRIGGER trajectories_fts_delete AFTER DELETE ON trajectories
BEGIN
  INSERT INTO trajectories_fts (trajectories_fts, rowid, search_text) VALUES ('delete', old.seq, old.search_text);
END;
CREATE TRIGGER trajectories_fts_update AFTER UPDATE OF search_text ON trajectories
BEGIN
  INSERT INTO trajectories_fts (trajectories_fts, rowid, search_text) VALUES ('delete', old.seq, old.search_text);
  INSERT INTO trajectories_fts (rowid, search_text) VALUES (new.seq, new.search_text);
END;

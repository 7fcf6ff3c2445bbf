-- Trajectory identity: a session may hold several trajectories (the same model as SQLite's 0011).
--
-- A trajectory is keyed by `identity`: its `trajectory_id` when it has one, otherwise its
-- session and its first step. `id` is what callers address it by: the session id for a
-- session's first trajectory, otherwise its `trajectory_id` or `<session id>#<n>`.
-- session_id is no longer unique and may be null. Rows stored before this migration take
-- their session id as id and have no identity yet (the next save of the same trajectory
-- gives them one). testgen_trajectories follows the trajectory by its id (trajectory_id).

-- migrate:up
ALTER TABLE trajectories ADD COLUMN id TEXT;
UPDATE trajectories SET id = session_id;
ALTER TABLE trajectories ALTER COLUMN id SET NOT NULL;
ALTER TABLE trajectories ADD CONSTRAINT trajectories_id_key UNIQUE (id);
ALTER TABLE trajectories ADD COLUMN identity TEXT;
ALTER TABLE trajectories ADD CONSTRAINT trajectories_identity_key UNIQUE (identity);

ALTER TABLE testgen_trajectories ADD COLUMN trajectory_id TEXT;
UPDATE testgen_trajectories SET trajectory_id = session_id;
ALTER TABLE testgen_trajectories DROP COLUMN session_id;
ALTER TABLE testgen_trajectories ALTER COLUMN trajectory_id SET NOT NULL;
ALTER TABLE testgen_trajectories ADD PRIMARY KEY (trajectory_id);
ALTER TABLE testgen_trajectories ADD CONSTRAINT testgen_trajectories_trajectory_id_fkey
  FOREIGN KEY (trajectory_id) REFERENCES trajectories (id) ON DELETE CASCADE;

ALTER TABLE trajectories DROP CONSTRAINT trajectories_session_id_key;
ALTER TABLE trajectories ALTER COLUMN session_id DROP NOT NULL;
CREATE INDEX idx_trajectories_session ON trajectories (session_id, created_at);

-- migrate:down
-- One trajectory per session again: of a session's trajectories the most recently written
-- is kept (with its test-generation details); the others, and trajectories without a
-- session, are removed.
DELETE FROM trajectories WHERE session_id IS NULL OR seq NOT IN (
  SELECT seq FROM (
    SELECT seq, row_number() OVER (PARTITION BY session_id ORDER BY write_order DESC, seq DESC) AS n
    FROM trajectories
  ) AS ranked WHERE n = 1
);
DROP INDEX idx_trajectories_session;
ALTER TABLE trajectories ALTER COLUMN session_id SET NOT NULL;
ALTER TABLE trajectories ADD CONSTRAINT trajectories_session_id_key UNIQUE (session_id);

ALTER TABLE testgen_trajectories ADD COLUMN session_id TEXT;
UPDATE testgen_trajectories g SET session_id = t.session_id FROM trajectories t WHERE t.id = g.trajectory_id;
ALTER TABLE testgen_trajectories DROP COLUMN trajectory_id;
ALTER TABLE testgen_trajectories ALTER COLUMN session_id SET NOT NULL;
ALTER TABLE testgen_trajectories ADD PRIMARY KEY (session_id);
ALTER TABLE testgen_trajectories ADD CONSTRAINT testgen_trajectories_session_id_fkey
  FOREIGN KEY (session_id) REFERENCES trajectories (session_id) ON DELETE CASCADE;

ALTER TABLE trajectories DROP COLUMN identity;
ALTER TABLE trajectories DROP COLUMN id;

-- A task's transitions are stored in the order of their key (task_id, seq): `state_transitions`
-- becomes a WITHOUT ROWID table whose primary key is that pair. A workflow step then writes one
-- b-tree page for its transition instead of three (the table, the (task_id, seq) index and
-- AUTOINCREMENT's sqlite_sequence row), and the history, the last transitions and the count of
-- a task are read from one contiguous range of that tree. The surrogate `id` column, which no
-- statement of logbook reads, goes; every transition keeps its task, number, states, event,
-- metadata (the JSON text as written) and timestamp. Both triggers that name the table are
-- recreated as they were (0001, 0014).

-- migrate:up
DROP TRIGGER workflow_steps_insert;
DROP TRIGGER state_transitions_append_only;
CREATE TABLE state_transitions_next (
  task_id TEXT NOT NULL REFERENCES workflow_states (task_id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  event TEXT NOT NULL,
  metadata TEXT CHECK (metadata IS NULL OR json_valid(metadata)),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (task_id, seq)
) WITHOUT ROWID;
INSERT INTO state_transitions_next (task_id, seq, from_state, to_state, event, metadata, created_at)
  SELECT task_id, seq, from_state, to_state, event, metadata, created_at FROM state_transitions ORDER BY task_id, seq;
DROP TABLE state_transitions;
ALTER TABLE state_transitions_next RENAME TO state_transitions;

CREATE TRIGGER state_transitions_append_only BEFORE UPDATE ON state_transitions
BEGIN
  SELECT RAISE(ABORT, 'state transitions are append-only');
END;

CREATE TRIGGER workflow_steps_insert INSTEAD OF INSERT ON workflow_steps
BEGIN
  SELECT RAISE(ABORT, 'logbook: step refused') WHERE NOT EXISTS (
    SELECT 1 FROM workflow_states WHERE task_id = NEW.task_id AND (NEW.expected IS NULL OR state = NEW.expected));
  INSERT INTO state_transitions (task_id, seq, from_state, to_state, event, metadata, created_at)
    SELECT w.task_id, COALESCE((SELECT MAX(t.seq) FROM state_transitions t WHERE t.task_id = w.task_id), 0) + 1,
      w.state, NEW.to_state, NEW.event, NEW.metadata, NEW.at
    FROM workflow_states w WHERE w.task_id = NEW.task_id;
  UPDATE workflow_states SET state = NEW.to_state, context = COALESCE(NEW.context, context), updated_at = NEW.at
    WHERE task_id = NEW.task_id;
  INSERT INTO checkpoints (id, task_id, state, context, artifacts, created_at)
    SELECT NEW.checkpoint_id, task_id, state, context, NEW.artifacts, NEW.at
    FROM workflow_states WHERE task_id = NEW.task_id AND NEW.checkpoint_id IS NOT NULL;
END;

-- migrate:down
-- The ids come back numbered in the order of the transitions' timestamps (then task and number).
DROP TRIGGER workflow_steps_insert;
DROP TRIGGER state_transitions_append_only;
CREATE TABLE state_transitions_previous (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  task_id TEXT NOT NULL REFERENCES workflow_states (task_id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  event TEXT NOT NULL,
  metadata TEXT CHECK (metadata IS NULL OR json_valid(metadata)),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (task_id, seq)
);
INSERT INTO state_transitions_previous (task_id, seq, from_state, to_state, event, metadata, created_at)
  SELECT task_id, seq, from_state, to_state, event, metadata, created_at FROM state_transitions
  ORDER BY created_at, task_id, seq;
DROP TABLE state_transitions;
ALTER TABLE state_transitions_previous RENAME TO state_transitions;

CREATE TRIGGER state_transitions_append_only BEFORE UPDATE ON state_transitions
BEGIN
  SELECT RAISE(ABORT, 'state transitions are append-only');
END;

CREATE TRIGGER workflow_steps_insert INSTEAD OF INSERT ON workflow_steps
BEGIN
  SELECT RAISE(ABORT, 'logbook: step refused') WHERE NOT EXISTS (
    SELECT 1 FROM workflow_states WHERE task_id = NEW.task_id AND (NEW.expected IS NULL OR state = NEW.expected));
  INSERT INTO state_transitions (task_id, seq, from_state, to_state, event, metadata, created_at)
    SELECT w.task_id, COALESCE((SELECT MAX(t.seq) FROM state_transitions t WHERE t.task_id = w.task_id), 0) + 1,
      w.state, NEW.to_state, NEW.event, NEW.metadata, NEW.at
    FROM workflow_states w WHERE w.task_id = NEW.task_id;
  UPDATE workflow_states SET state = NEW.to_state, context = COALESCE(NEW.context, context), updated_at = NEW.at
    WHERE task_id = NEW.task_id;
  INSERT INTO checkpoints (id, task_id, state, context, artifacts, created_at)
    SELECT NEW.checkpoint_id, task_id, state, context, NEW.artifacts, NEW.at
    FROM workflow_states WHERE task_id = NEW.task_id AND NEW.checkpoint_id IS NOT NULL;
END;

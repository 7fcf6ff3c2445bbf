-- One workflow step (StateStore.step) as one statement: an INSERT into the view
-- workflow_steps moves the task (compare-and-set on `expected` when given), appends the
-- transition, replaces the context when one is given, and takes a checkpoint of the task as it
-- is after the move when `checkpoint_id` is given. A task that is unknown or not in `expected`
-- is refused with RAISE(ABORT), which undoes the statement and nothing else. The statement
-- reads the new transition's number back with RETURNING.

-- migrate:up
CREATE VIEW workflow_steps AS
  SELECT task_id, 0 AS seq, state AS to_state, '' AS event, NULL AS metadata, NULL AS expected,
    context, NULL AS checkpoint_id, NULL AS artifacts, updated_at AS at
  FROM workflow_states WHERE 0;

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
DROP TRIGGER workflow_steps_insert;
DROP VIEW workflow_steps;

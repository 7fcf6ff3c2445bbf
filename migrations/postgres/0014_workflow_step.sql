-- One workflow step (StateStore.step) as one statement, the same model as SQLite's 0014: an
-- INSERT into the view workflow_steps moves the task (compare-and-set on `expected` when
-- given), appends the transition, replaces the context when one is given, and takes a
-- checkpoint of the task as it is after the move when `checkpoint_id` is given. A task that is
-- unknown or not in `expected` inserts no row (RETURNING reads none); otherwise RETURNING reads
-- the new transition's number.

-- migrate:up
CREATE VIEW workflow_steps AS
  SELECT task_id, 0::bigint AS seq, state AS to_state, ''::text AS event, NULL::json AS metadata,
    NULL::text AS expected, context, NULL::text AS checkpoint_id, NULL::json AS artifacts, updated_at AS at
  FROM workflow_states WHERE false;

CREATE FUNCTION logbook_workflow_step() RETURNS trigger LANGUAGE plpgsql
AS $$
DECLARE
  moved_from text;
BEGIN
  SELECT state INTO moved_from FROM workflow_states
    WHERE task_id = NEW.task_id AND (NEW.expected IS NULL OR state = NEW.expected) FOR UPDATE;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  SELECT COALESCE(MAX(seq), 0) + 1 INTO NEW.seq FROM state_transitions WHERE task_id = NEW.task_id;
  INSERT INTO state_transitions (task_id, seq, from_state, to_state, event, metadata, created_at)
    VALUES (NEW.task_id, NEW.seq, moved_from, NEW.to_state, NEW.event, NEW.metadata, NEW.at);
  UPDATE workflow_states SET state = NEW.to_state, context = COALESCE(NEW.context, context), updated_at = NEW.at
    WHERE task_id = NEW.task_id;
  IF NEW.checkpoint_id IS NOT NULL THEN
    INSERT INTO checkpoints (id, task_id, state, context, artifacts, created_at)
      SELECT NEW.checkpoint_id, task_id, state, context, NEW.artifacts, NEW.at
      FROM workflow_states WHERE task_id = NEW.task_id;
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER workflow_steps_insert INSTEAD OF INSERT ON workflow_steps
  FOR EACH ROW EXECUTE FUNCTION logbook_workflow_step();

-- migrate:down
DROP TRIGGER workflow_steps_insert ON workflow_steps;
DROP FUNCTION logbook_workflow_step();
DROP VIEW workflow_steps;

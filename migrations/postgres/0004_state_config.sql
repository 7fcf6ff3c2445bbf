-- StateStore.list pages a project's tasks in creation order: an index walk instead of a sort.

-- migrate:up
CREATE INDEX idx_workflow_states_project_created ON workflow_states (project_id, created_at, task_id);

-- migrate:down
DROP INDEX idx_workflow_states_project_created;

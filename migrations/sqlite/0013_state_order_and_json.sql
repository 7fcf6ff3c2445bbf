-- The index that orders a task's checkpoints, under the name it has on PostgreSQL (the same
-- model as PostgreSQL's 0013). A checkpoint's insertion order, which breaks ties between
-- checkpoints taken at the same millisecond, is SQLite's rowid, which every index carries;
-- PostgreSQL keeps it in an identity column. Contexts, metadata and artifacts already are the
-- JSON text that was written (TEXT, checked by json_valid).

-- migrate:up
DROP INDEX idx_checkpoints_task;
CREATE INDEX idx_checkpoints_task_order ON checkpoints (task_id, created_at);

-- migrate:down
DROP INDEX idx_checkpoints_task_order;
CREATE INDEX idx_checkpoints_task ON checkpoints (task_id, created_at);

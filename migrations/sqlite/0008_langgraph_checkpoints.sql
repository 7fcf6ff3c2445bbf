-- LangGraph checkpoints (logbook/langgraph), OpenAI Agents session items
-- (logbook/openai-agents), and LLM usage with an unknown cost and cached and reasoning
-- tokens (the @effect/ai recorder).
--
-- langgraph_checkpoints: one row per checkpoint, without its channel values; `checkpoint`
-- is the rest of it as JSON text (ids, versions seen, channel versions), `metadata` the
-- metadata as JSON text, filtered on with json_extract.
-- langgraph_blobs: each channel value once per (channel, version): a checkpoint's values
-- are the blobs its channel_versions name, so a channel that did not change between two
-- checkpoints is stored once, not once per checkpoint.
-- langgraph_writes: pending writes of a checkpoint, replayed in (task_path, task_id, idx)
-- order.
-- openai_agents_session_items: the items of an OpenAI Agents session, in insertion order.
-- llm_usage is rebuilt: cost_usd becomes nullable (a model without a price is recorded
-- with an unknown cost, never $0), and cached input and reasoning tokens get their columns.

-- migrate:up
CREATE TABLE langgraph_checkpoints (
  thread_id TEXT NOT NULL,
  checkpoint_ns TEXT NOT NULL DEFAULT '',
  checkpoint_id TEXT NOT NULL,
  parent_checkpoint_id TEXT,
  checkpoint TEXT NOT NULL,
  metadata TEXT NOT NULL,
  PRIMARY KEY (thread_id, checkpoint_ns, checkpoint_id)
) WITHOUT ROWID;
-- list() of every namespace of a thread, newest first, and list() without a thread.
CREATE INDEX idx_langgraph_checkpoints_thread_id ON langgraph_checkpoints (thread_id, checkpoint_id);
CREATE INDEX idx_langgraph_checkpoints_id ON langgraph_checkpoints (checkpoint_id);

CREATE TABLE langgraph_blobs (
  thread_id TEXT NOT NULL,
  checkpoint_ns TEXT NOT NULL DEFAULT '',
  channel TEXT NOT NULL,
  version TEXT NOT NULL,
  type TEXT NOT NULL,
  blob BLOB,
  PRIMARY KEY (thread_id, checkpoint_ns, channel, version)
) WITHOUT ROWID;

CREATE TABLE langgraph_writes (
  thread_id TEXT NOT NULL,
  checkpoint_ns TEXT NOT NULL DEFAULT '',
  checkpoint_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  task_path TEXT NOT NULL DEFAULT '',
  channel TEXT NOT NULL,
  type TEXT NOT NULL,
  blob BLOB NOT NULL,
  PRIMARY KEY (thread_id, checkpoint_ns, checkpoint_id, task_id, idx)
) WITHOUT ROWID;
-- pending sends of v<4 checkpoints: the TASKS writes of a thread's parent checkpoints.
CREATE INDEX idx_langgraph_writes_channel ON langgraph_writes (thread_id, checkpoint_id, channel);

CREATE TABLE openai_agents_session_items (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id TEXT NOT NULL,
  item TEXT NOT NULL
);
CREATE INDEX idx_openai_agents_session_items_session ON openai_agents_session_items (session_id, seq);

CREATE TABLE llm_usage_costed (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  trace_id TEXT,
  agent TEXT,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  prompt TEXT,
  response TEXT,
  input_tokens INTEGER NOT NULL DEFAULT 0 CHECK (input_tokens >= 0),
  output_tokens INTEGER NOT NULL DEFAULT 0 CHECK (output_tokens >= 0),
  total_tokens INTEGER NOT NULL DEFAULT 0 CHECK (total_tokens >= 0),
  cost_usd REAL CHECK (cost_usd IS NULL OR cost_usd >= 0),
  latency_ms INTEGER CHECK (latency_ms IS NULL OR latency_ms >= 0),
  status TEXT NOT NULL DEFAULT 'success' CHECK (status IN ('success', 'error')),
  error TEXT,
  timestamp TEXT NOT NULL,
  record_key TEXT UNIQUE,
  cached_input_tokens INTEGER NOT NULL DEFAULT 0 CHECK (cached_input_tokens >= 0),
  reasoning_tokens INTEGER NOT NULL DEFAULT 0 CHECK (reasoning_tokens >= 0)
);
INSERT INTO llm_usage_costed (id, trace_id, agent, provider, model, prompt, response, input_tokens, output_tokens,
  total_tokens, cost_usd, latency_ms, status, error, timestamp, record_key)
SELECT id, trace_id, agent, provider, model, prompt, response, input_tokens, output_tokens,
  total_tokens, cost_usd, latency_ms, status, error, timestamp, record_key
FROM llm_usage;
DROP INDEX idx_llm_usage_timestamp;
DROP INDEX idx_llm_usage_trace;
DROP INDEX idx_llm_usage_agent;
DROP TABLE llm_usage;
ALTER TABLE llm_usage_costed RENAME TO llm_usage;
CREATE INDEX idx_llm_usage_agent ON llm_usage (agent, timestamp);
CREATE INDEX idx_llm_usage_trace ON llm_usage (trace_id, timestamp);
CREATE INDEX idx_llm_usage_timestamp ON llm_usage (timestamp);

-- migrate:down
CREATE TABLE llm_usage_priced (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  trace_id TEXT,
  agent TEXT,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  prompt TEXT,
  response TEXT,
  input_tokens INTEGER NOT NULL DEFAULT 0 CHECK (input_tokens >= 0),
  output_tokens INTEGER NOT NULL DEFAULT 0 CHECK (output_tokens >= 0),
  total_tokens INTEGER NOT NULL DEFAULT 0 CHECK (total_tokens >= 0),
  cost_usd REAL NOT NULL DEFAULT 0 CHECK (cost_usd >= 0),
  latency_ms INTEGER CHECK (latency_ms IS NULL OR latency_ms >= 0),
  status TEXT NOT NULL DEFAULT 'success' CHECK (status IN ('success', 'error')),
  error TEXT,
  timestamp TEXT NOT NULL,
  record_key TEXT UNIQUE
);
INSERT INTO llm_usage_priced (id, trace_id, agent, provider, model, prompt, response, input_tokens, output_tokens,
  total_tokens, cost_usd, latency_ms, status, error, timestamp, record_key)
SELECT id, trace_id, agent, provider, model, prompt, response, input_tokens, output_tokens,
  total_tokens, coalesce(cost_usd, 0), latency_ms, status, error, timestamp, record_key
FROM llm_usage;
DROP INDEX idx_llm_usage_timestamp;
DROP INDEX idx_llm_usage_trace;
DROP INDEX idx_llm_usage_agent;
DROP TABLE llm_usage;
ALTER TABLE llm_usage_priced RENAME TO llm_usage;
CREATE INDEX idx_llm_usage_agent ON llm_usage (agent, timestamp);
CREATE INDEX idx_llm_usage_trace ON llm_usage (trace_id, timestamp);
CREATE INDEX idx_llm_usage_timestamp ON llm_usage (timestamp);
DROP INDEX idx_openai_agents_session_items_session;
DROP TABLE openai_agents_session_items;
DROP INDEX idx_langgraph_writes_channel;
DROP TABLE langgraph_writes;
DROP TABLE langgraph_blobs;
DROP INDEX idx_langgraph_checkpoints_id;
DROP INDEX idx_langgraph_checkpoints_thread_id;
DROP TABLE langgraph_checkpoints;

-- LLM usage per day (the costs page) read from one index: the UTC day, model and agent in the
-- order the daily totals are grouped, then the timestamp and the summed columns. A window of
-- days is a range of this index and the grouping needs no sort.

-- migrate:up
CREATE INDEX idx_llm_usage_day ON llm_usage (
  substr(timestamp, 1, 10), model, agent, timestamp
) INCLUDE (input_tokens, output_tokens, total_tokens, cost_usd);

-- migrate:down
DROP INDEX idx_llm_usage_day;

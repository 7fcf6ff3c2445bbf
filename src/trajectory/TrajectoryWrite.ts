/**
 * Writing prepared trajectories: one multi-row upsert on `session_id`,
 * shared by `save` and the write-behind sink of `record`.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import type { TrajectoryRecord } from "./TrajectoryRecord.js"

/** Rows per INSERT: 21 columns each, far below SQLite's 32,766 bound parameters. */
const CHUNK = 200

const toRow = (value: TrajectoryRecord, key: string | null) => ({
  session_id: value.sessionId,
  schema_version: value.schemaVersion,
  agent_name: value.agentName,
  agent_version: value.agentVersion,
  model_name: value.modelName,
  task_id: value.taskId,
  step_count: value.stepCount,
  first_step_at: value.firstStepAt,
  last_step_at: value.lastStepAt,
  total_prompt_tokens: value.totalPromptTokens,
  total_completion_tokens: value.totalCompletionTokens,
  total_cost_usd: value.totalCostUsd,
  score: value.score,
  created_at: value.at,
  updated_at: value.at,
  record_key: key,
  embedding_dim: value.embedding === null ? null : value.embedding.byteLength / 4,
  embedding: value.embedding,
  data: value.data,
  search_text: value.searchText,
  write_order: value.writeOrder
})

/**
 * Inserts trajectories, replacing a stored one with the same session id
 * (its `created_at` is kept; its task id, score and embedding are kept when
 * the new row has none) unless the stored one was written later: a row
 * only replaces one whose `write_order` is not greater than its own, so a
 * spooled record replayed after a newer `save` leaves the newer trajectory
 * (and its search index) in place. A row whose `key` is already stored is
 * skipped, so a replayed write-behind batch lands once.
 *
 * A session keeps the key of the first record that stored it: replaying a
 * spool that recorded a session twice (A then B) skips A and applies B
 * again, ending with B. Overwriting the key with B's would instead skip B
 * and end with A.
 */
export const upsertTrajectories = (batch: ReadonlyArray<{ readonly key: string | null; readonly value: TrajectoryRecord }>) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    for (let start = 0; start < batch.length; start += CHUNK) {
      const rows = batch.slice(start, start + CHUNK).map(({ key, value }) => toRow(value, key))
      yield* sql`INSERT INTO trajectories ${sql.insert(rows)}
        ON CONFLICT (record_key) DO NOTHING
        ON CONFLICT (session_id) DO UPDATE SET
          schema_version = excluded.schema_version,
          agent_name = excluded.agent_name,
          agent_version = excluded.agent_version,
          model_name = excluded.model_name,
          task_id = COALESCE(excluded.task_id, trajectories.task_id),
          step_count = excluded.step_count,
          first_step_at = excluded.first_step_at,
          last_step_at = excluded.last_step_at,
          total_prompt_tokens = excluded.total_prompt_tokens,
          total_completion_tokens = excluded.total_completion_tokens,
          total_cost_usd = excluded.total_cost_usd,
          score = COALESCE(excluded.score, trajectories.score),
          updated_at = excluded.updated_at,
          record_key = COALESCE(trajectories.record_key, excluded.record_key),
          embedding_dim = CASE WHEN excluded.embedding IS NULL THEN trajectories.embedding_dim ELSE excluded.embedding_dim END,
          embedding = COALESCE(excluded.embedding, trajectories.embedding),
          data = excluded.data,
          search_text = excluded.search_text,
          write_order = excluded.write_order
        WHERE excluded.write_order >= trajectories.write_order`
    }
  })

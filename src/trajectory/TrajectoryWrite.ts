/**
 * Writing prepared trajectories: one multi-row upsert on `session_id`,
 * shared by `save` and the write-behind sink of `record`.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import { parameterChunks } from "../database/Dialect.js"
import * as Queries from "./Queries.js"
import type { TrajectoryRecord } from "./TrajectoryRecord.js"

/** The most rows per INSERT (each is a whole trajectory). */
const MAX_ROWS = 200

const toRow = (value: TrajectoryRecord, key: string | null): Queries.TrajectoryInsert => ({
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
    const rows = batch.map(({ key, value }) => toRow(value, key))
    for (const chunk of parameterChunks(sql, rows, Queries.TRAJECTORY_COLUMNS, MAX_ROWS)) {
      yield* Queries.upsertTrajectories(sql, chunk)
    }
  })

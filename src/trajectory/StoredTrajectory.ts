/**
 * What the TrajectoryStore returns: the indexed fields of a stored
 * trajectory, the trajectory itself, search hits; and how `list` filters.
 */
import * as Schema from "effect/Schema"
import { Bool, Json, Num, Stamp } from "../database/Columns.js"
import { onFirstCall } from "../domain/OnFirstCall.js"
import { Limit, Offset } from "../domain/Page.js"
import { Instant } from "../records/Instant.js"
import { Trajectory } from "./Atif.js"

/** The structure check, compiled at first use (not when logbook is imported). */
let isTrajectory: ((input: unknown) => input is Trajectory) | undefined

/**
 * A trajectory as stored: checked for structure only, by reference, so the
 * object read back is exactly the parsed stored JSON (unknown fields and key
 * order included).
 */
export const TrajectoryFromSelf = Schema.declare((input: unknown): input is Trajectory => (isTrajectory ??= Schema.is(Trajectory))(input), {
  identifier: "Trajectory",
  description: "an ATIF trajectory"
})

/** The summary a trajectory is indexed on, as stored in its row. */
export const TrajectorySummaryFields = {
  /** The run it belongs to; null for an ATIF-v1.7 trajectory without one. Several trajectories may share it. */
  sessionId: Schema.NullOr(Schema.String),
  schemaVersion: Schema.String,
  agentName: Schema.String,
  agentVersion: Schema.String,
  /** `agent.model_name`, else the first step's `model_name`. */
  modelName: Schema.NullOr(Schema.String),
  /** Given to `save` / `record` as `taskId`, or by `saveTestGen`. */
  taskId: Schema.NullOr(Schema.String),
  stepCount: Schema.Number,
  /** The first and last step timestamps, as written in the trajectory. */
  firstStepAt: Schema.NullOr(Schema.String),
  lastStepAt: Schema.NullOr(Schema.String),
  /** From `final_metrics`, else summed over steps; null when unknown. */
  totalPromptTokens: Schema.NullOr(Schema.Number),
  totalCompletionTokens: Schema.NullOr(Schema.Number),
  totalCostUsd: Schema.NullOr(Schema.Number),
  /** Given to `save` / `record` as `score`, or the `comprehensivenessScore` of `saveTestGen`. */
  score: Schema.NullOr(Schema.Number)
} as const

/** The fields a trajectory is indexed on, without the trajectory itself. */
export const TrajectoryInfo = Schema.Struct({
  /** What `save` returned: the session id for a session's first trajectory (see `TrajectoryStore`). */
  id: Schema.String,
  ...TrajectorySummaryFields,
  /** Whether an embedding is stored (for `similar`). */
  hasEmbedding: Schema.Boolean,
  /** When the trajectory was first stored (ISO-8601 UTC); kept when it is saved again. */
  createdAt: Schema.String,
  /** When the trajectory was last stored. */
  updatedAt: Schema.String
})
export type TrajectoryInfo = typeof TrajectoryInfo.Type

/** A stored trajectory with its indexed fields. */
export const StoredTrajectory = Schema.Struct({
  ...TrajectoryInfo.fields,
  trajectory: TrajectoryFromSelf
})
export type StoredTrajectory = typeof StoredTrajectory.Type

/**
 * A trajectory found by `search` or `similar`; hits come best first and a
 * lower `rank` is better, as for lessons:
 *
 * - `search`: `rank` is SQLite's `bm25()` score (negative; the more negative,
 *   the more relevant); `snippet` is an excerpt with every matched token
 *   between `[` and `]` and `…` where text was cut.
 * - `similar`: `rank` is the cosine distance `1 - cosine similarity` (0 for
 *   the same direction, up to 2); `snippet` is the start of the trajectory's
 *   text.
 */
export const TrajectoryHit = Schema.Struct({
  ...TrajectoryInfo.fields,
  rank: Schema.Number,
  snippet: Schema.String
})
export type TrajectoryHit = typeof TrajectoryHit.Type

/** The default `limit` of `list`. */
export const DEFAULT_LIMIT = 50

/**
 * How `list` filters: every given field must hold. `since` (inclusive) and
 * `until` (exclusive) bound the time the session was first stored
 * (`createdAt`), not the step timestamps, which are optional in ATIF and
 * may carry any UTC offset. `minScore` keeps trajectories with a score at
 * least this (none without a score). Newest first; `limit` 1 to 10,000
 * (default 50).
 */
export const TrajectoryFilter = Schema.Struct({
  /** Every trajectory of this session: the trajectory, its continuations and forks. */
  sessionId: Schema.optional(Schema.String),
  agentName: Schema.optional(Schema.String),
  modelName: Schema.optional(Schema.String),
  taskId: Schema.optional(Schema.String),
  since: Schema.optional(Instant),
  until: Schema.optional(Instant),
  minScore: Schema.optional(Schema.Finite),
  limit: Schema.optional(Limit),
  offset: Schema.optional(Offset)
})
export type TrajectoryFilter = typeof TrajectoryFilter.Encoded

/** The columns of {@link InfoRow} on the `trajectories` table aliased `t`. */
export const INFO_COLUMNS = "t.seq, t.id, t.session_id, t.schema_version, t.agent_name, t.agent_version, t.model_name, " +
  "t.task_id, t.step_count, t.first_step_at, t.last_step_at, t.total_prompt_tokens, t.total_completion_tokens, " +
  "t.total_cost_usd, t.score, t.embedding IS NOT NULL AS has_embedding, t.created_at, t.updated_at"

/** A row read with {@link INFO_COLUMNS}. */
export const InfoRow = Schema.Struct({
  seq: Num,
  id: Schema.String,
  session_id: Schema.NullOr(Schema.String),
  schema_version: Schema.String,
  agent_name: Schema.String,
  agent_version: Schema.String,
  model_name: Schema.NullOr(Schema.String),
  task_id: Schema.NullOr(Schema.String),
  step_count: Num,
  first_step_at: Schema.NullOr(Stamp),
  last_step_at: Schema.NullOr(Stamp),
  total_prompt_tokens: Schema.NullOr(Num),
  total_completion_tokens: Schema.NullOr(Num),
  total_cost_usd: Schema.NullOr(Num),
  score: Schema.NullOr(Num),
  has_embedding: Bool,
  created_at: Stamp,
  updated_at: Stamp
})
export type InfoRow = typeof InfoRow.Type

/** The public form of an info row. */
export const toInfo = (row: InfoRow): TrajectoryInfo => ({
  id: row.id,
  sessionId: row.session_id,
  schemaVersion: row.schema_version,
  agentName: row.agent_name,
  agentVersion: row.agent_version,
  modelName: row.model_name,
  taskId: row.task_id,
  stepCount: row.step_count,
  firstStepAt: row.first_step_at,
  lastStepAt: row.last_step_at,
  totalPromptTokens: row.total_prompt_tokens,
  totalCompletionTokens: row.total_completion_tokens,
  totalCostUsd: row.total_cost_usd,
  score: row.score,
  hasEmbedding: row.has_embedding,
  createdAt: row.created_at,
  updatedAt: row.updated_at
})

/** Info rows. */
export const decodeInfoRows = onFirstCall(() => Schema.decodeUnknown(Schema.Array(InfoRow)))

/** Info rows with the stored trajectory (`t.data`). */
export const decodeStoredRows = onFirstCall(() => Schema.decodeUnknown(
  Schema.Array(Schema.Struct({ ...InfoRow.fields, data: Json(TrajectoryFromSelf) }))
))

/** Info rows with `rank` and `snippet`. */
export const decodeHitRows = onFirstCall(() => Schema.decodeUnknown(
  Schema.Array(Schema.Struct({ ...InfoRow.fields, rank: Num, snippet: Schema.String }))
))

/**
 * The SQL of the `StateStore` that reads and moves one task without walking
 * its history: a step (the move, the new context and a checkpoint), the
 * task's current state with its latest checkpoint and last transitions, and
 * the pages of its history and checkpoints. SQLite-only pieces go through
 * `sql.onDialectOrElse`, so another dialect can give its own.
 *
 * JSON columns are read as text and parsed in JavaScript (never through the
 * database's JSON functions, which may rewrite numbers): a transition's
 * metadata travels as a JSON string inside the aggregated array.
 *
 * @module
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { JsonObjectFromText } from "./Json.js"

const Appended = Schema.Array(Schema.Struct({ seq: Schema.Number }))

/**
 * Appends a transition from the task's current state and returns its `seq`;
 * no row when the task is unknown or (with `expected`) not in that state.
 * The compare-and-set is this one conditional write, under the write lock.
 */
export const appendTransition = (
  sql: SqlClient.SqlClient,
  taskId: string,
  values: {
    readonly to: string
    readonly event: string
    readonly metadata: string | null
    readonly expected?: string | undefined
    readonly at: string
  }
) =>
  sql`INSERT INTO state_transitions (task_id, seq, from_state, to_state, event, metadata, created_at)
    SELECT w.task_id,
      COALESCE((SELECT MAX(t.seq) FROM state_transitions t WHERE t.task_id = w.task_id), 0) + 1,
      w.state, ${values.to}, ${values.event}, ${values.metadata}, ${values.at}
    FROM workflow_states w
    WHERE w.task_id = ${taskId}${values.expected === undefined ? sql`` : sql` AND w.state = ${values.expected}`}
    RETURNING seq`.pipe(Effect.flatMap(Schema.decodeUnknown(Appended)))

/** Moves the task to `to`, replacing its context when one is given. */
export const moveTask = (
  sql: SqlClient.SqlClient,
  taskId: string,
  values: { readonly to: string; readonly context: string | undefined; readonly at: string }
) =>
  values.context === undefined
    ? sql`UPDATE workflow_states SET state = ${values.to}, updated_at = ${values.at} WHERE task_id = ${taskId}`
    : sql`UPDATE workflow_states SET state = ${values.to}, context = ${values.context}, updated_at = ${values.at}
      WHERE task_id = ${taskId}`

/** Checkpoints the task as it is now (its state and context), with `artifacts` (JSON text). */
export const checkpointTask = (
  sql: SqlClient.SqlClient,
  taskId: string,
  values: { readonly id: string; readonly artifacts: string; readonly at: string }
) =>
  sql`INSERT INTO checkpoints (id, task_id, state, context, artifacts, created_at)
    SELECT ${values.id}, task_id, state, context, ${values.artifacts}, ${values.at}
    FROM workflow_states WHERE task_id = ${taskId}`

/** A stored transition as a tuple: seq, from, to, event, metadata (JSON text or null), timestamp. */
const TransitionTuple = Schema.Tuple(
  Schema.Number,
  Schema.String,
  Schema.String,
  Schema.String,
  Schema.NullOr(JsonObjectFromText),
  Schema.String
)

const CurrentRows = Schema.Array(Schema.Struct({
  task_id: Schema.String,
  project_id: Schema.String,
  state: Schema.String,
  context: JsonObjectFromText,
  updated_at: Schema.String,
  transitions: Schema.Number,
  recent: Schema.parseJson(Schema.Array(TransitionTuple)),
  checkpoint_id: Schema.NullOr(Schema.String),
  checkpoint_state: Schema.NullOr(Schema.String),
  checkpoint_context: Schema.NullOr(JsonObjectFromText),
  checkpoint_artifacts: Schema.NullOr(Schema.parseJson(Schema.Array(Schema.Unknown))),
  checkpoint_at: Schema.NullOr(Schema.String)
}))

/** The row {@link selectCurrent} reads. */
export type CurrentRow = typeof CurrentRows.Type[number]

/**
 * A task's current state and context, its number of transitions, its last
 * `recent` transitions (newest first) and its latest checkpoint, in one
 * statement whose cost does not depend on the length of the history: the
 * transitions are read backwards through the primary key, the checkpoint
 * through `(task_id, created_at)`.
 */
export const selectCurrent = (sql: SqlClient.SqlClient, taskId: string, recent: number) =>
  sql`SELECT w.task_id, w.project_id, w.state, w.context, w.updated_at,
      COALESCE((SELECT MAX(t.seq) FROM state_transitions t WHERE t.task_id = w.task_id), 0) AS transitions,
      ${
    sql.onDialectOrElse({
      sqlite: () =>
        sql`(SELECT json_group_array(json_array(seq, from_state, to_state, event, metadata, created_at))
          FROM (SELECT seq, from_state, to_state, event, metadata, created_at FROM state_transitions
            WHERE task_id = w.task_id ORDER BY seq DESC LIMIT ${recent}))`,
      orElse: () =>
        sql`(SELECT COALESCE(json_agg(json_build_array(seq, from_state, to_state, event, metadata, created_at) ORDER BY seq DESC), '[]')::text
          FROM (SELECT seq, from_state, to_state, event, metadata, created_at FROM state_transitions
            WHERE task_id = w.task_id ORDER BY seq DESC LIMIT ${recent}) AS r)`
    })
  } AS recent,
      c.id AS checkpoint_id, c.state AS checkpoint_state, c.context AS checkpoint_context,
      c.artifacts AS checkpoint_artifacts, c.created_at AS checkpoint_at
    FROM workflow_states w
    LEFT JOIN checkpoints c ON c.id = (
      SELECT l.id FROM checkpoints l WHERE l.task_id = w.task_id ORDER BY l.created_at DESC, l.rowid DESC LIMIT 1
    )
    WHERE w.task_id = ${taskId}`.pipe(Effect.flatMap(Schema.decodeUnknown(CurrentRows)))

const HistoryRows = Schema.Array(Schema.Struct({
  seq: Schema.Number,
  from_state: Schema.String,
  to_state: Schema.String,
  event: Schema.String,
  metadata: Schema.NullOr(JsonObjectFromText),
  created_at: Schema.String
}))

/** The row {@link selectHistory} reads. */
export type HistoryRow = typeof HistoryRows.Type[number]

/** A page of a task's transitions, oldest first, after transition number `after`. */
export const selectHistory = (sql: SqlClient.SqlClient, taskId: string, after: number, limit: number) =>
  sql`SELECT seq, from_state, to_state, event, metadata, created_at FROM state_transitions
    WHERE task_id = ${taskId} AND seq > ${after} ORDER BY seq LIMIT ${limit}`.pipe(
    Effect.flatMap(Schema.decodeUnknown(HistoryRows))
  )

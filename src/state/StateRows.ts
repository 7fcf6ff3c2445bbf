/**
 * Workflow states read back in one statement (`Queries.selectStateRows`):
 * the tasks of a page, their transitions and their checkpoints come as the
 * rows of one `UNION ALL` query, told apart by `kind`, and are decoded and
 * assembled here into {@link PersistedState}s. JSON columns are parsed in
 * JavaScript from the text that was written.
 *
 * @module
 */
import * as Effect from "effect/Effect"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { Json, Stamp } from "../database/Columns.js"
import { JsonObjectColumn } from "./Json.js"
import type { Checkpoint, PersistedState, Transition } from "./PersistedState.js"

const StateRow = Schema.Struct({
  kind: Schema.Literal("state"),
  task_id: Schema.String,
  /** The project id. */
  ref: Schema.String,
  state: Schema.String,
  body: JsonObjectColumn
})

const TransitionRow = Schema.Struct({
  kind: Schema.Literal("transition"),
  task_id: Schema.String,
  /** The state it left. */
  state: Schema.String,
  to_state: Schema.String,
  event: Schema.String,
  body: Schema.NullOr(JsonObjectColumn),
  at: Stamp
})

const CheckpointRow = Schema.Struct({
  kind: Schema.Literal("checkpoint"),
  task_id: Schema.String,
  /** The checkpoint id. */
  ref: Schema.String,
  state: Schema.String,
  body: JsonObjectColumn,
  artifacts: Json(Schema.Array(Schema.Unknown)),
  at: Stamp
})

const StateRows = Schema.Array(Schema.Union(StateRow, TransitionRow, CheckpointRow))

/** The states that the rows of `Queries.selectStateRows` hold, in page order. */
export const decodeStates = (rows: unknown): Effect.Effect<ReadonlyArray<PersistedState>, ParseResult.ParseError> =>
  Effect.map(Schema.decodeUnknown(StateRows)(rows), assemble)

interface Assembly {
  state: typeof StateRow.Type | undefined
  readonly history: Array<Transition>
  readonly checkpoints: Array<Checkpoint>
}

const assemble = (rows: typeof StateRows.Type): ReadonlyArray<PersistedState> => {
  const tasks = new Map<string, Assembly>()
  for (const row of rows) {
    let task = tasks.get(row.task_id)
    if (task === undefined) {
      task = { state: undefined, history: [], checkpoints: [] }
      tasks.set(row.task_id, task)
    }
    switch (row.kind) {
      case "state":
        task.state = row
        break
      case "transition":
        task.history.push(
          row.body === null
            ? { from: row.state, to: row.to_state, event: row.event, timestamp: row.at }
            : { from: row.state, to: row.to_state, event: row.event, timestamp: row.at, metadata: row.body }
        )
        break
      case "checkpoint":
        task.checkpoints.push({
          id: row.ref,
          taskId: row.task_id,
          state: row.state,
          context: row.body,
          artifacts: row.artifacts,
          timestamp: row.at
        })
        break
    }
  }
  const states: Array<PersistedState> = []
  for (const task of tasks.values()) {
    const row = task.state
    if (row === undefined) continue
    states.push({
      taskId: row.task_id,
      projectId: row.ref,
      state: row.state,
      context: { ...row.body, checkpoints: task.checkpoints },
      history: task.history
    })
  }
  return states
}

/**
 * Tasks at a glance, for browsing: each task's state and times with how many
 * transitions and checkpoints it has, listed most recently updated first,
 * a keyset page at a time.
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import type * as Statement from "@effect/sql/Statement"
import * as Schema from "effect/Schema"
import { Limit } from "../domain/Page.js"

/** The most tasks one page of `StateStore.tasks` returns. */
export const MAX_TASK_PAGE = 500

/** Where a page of tasks starts: strictly after (updated before) this task. */
export const TaskCursor = Schema.Struct({ updatedAt: Schema.String, taskId: Schema.String })
export interface TaskCursor extends Schema.Schema.Type<typeof TaskCursor> {}

/** Which tasks `StateStore.tasks` returns: of one project and/or in one state; `limit` as every page (see `Page`, default 50). */
export const TaskFilter = Schema.Struct({
  projectId: Schema.optional(Schema.String),
  state: Schema.optional(Schema.String),
  after: Schema.optional(TaskCursor),
  limit: Schema.optional(Limit)
})
export type TaskFilter = typeof TaskFilter.Encoded

/** A task without its context and history. */
export const TaskSummary = Schema.Struct({
  taskId: Schema.String,
  projectId: Schema.String,
  state: Schema.String,
  createdAt: Schema.String,
  updatedAt: Schema.String,
  transitions: Schema.Number,
  checkpoints: Schema.Number
})
export interface TaskSummary extends Schema.Schema.Type<typeof TaskSummary> {}

/** A page of tasks and the cursor of the next one (none on the last page). */
export const TaskPage = Schema.Struct({
  tasks: Schema.Array(TaskSummary),
  next: Schema.OptionFromNullOr(TaskCursor)
})
export interface TaskPage extends Schema.Schema.Type<typeof TaskPage> {}

/** Tasks matching the filter, most recently updated first; one row more than `limit` tells that a page follows. */
export const selectTaskSummaries = (
  sql: SqlClient.SqlClient,
  filter: typeof TaskFilter.Type,
  limit: number
) => {
  const clauses: Array<Statement.Fragment> = []
  if (filter.projectId !== undefined) clauses.push(sql`w.project_id = ${filter.projectId}`)
  if (filter.state !== undefined) clauses.push(sql`w.state = ${filter.state}`)
  if (filter.after !== undefined) {
    clauses.push(sql`(w.updated_at < ${filter.after.updatedAt}
      OR (w.updated_at = ${filter.after.updatedAt} AND w.task_id < ${filter.after.taskId}))`)
  }
  return sql`SELECT w.task_id AS taskId, w.project_id AS projectId, w.state, w.created_at AS createdAt,
        w.updated_at AS updatedAt,
        (SELECT count(*) FROM state_transitions s WHERE s.task_id = w.task_id) AS transitions,
        (SELECT count(*) FROM checkpoints c WHERE c.task_id = w.task_id) AS checkpoints
      FROM workflow_states w
      ${clauses.length === 0 ? sql.literal("") : sql`WHERE ${sql.and(clauses)}`}
      ORDER BY w.updated_at DESC, w.task_id DESC
      LIMIT ${limit + 1}`
}

/** Rows of {@link selectTaskSummaries}. */
export const decodeTaskSummaries = Schema.decodeUnknown(Schema.Array(TaskSummary))

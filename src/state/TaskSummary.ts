/**
 * Tasks at a glance, for browsing: each task's state and times with how many
 * transitions and checkpoints it has, listed most recently updated first,
 * a keyset page at a time.
 */
import * as Schema from "effect/Schema"
import { Num, Stamp } from "../database/Columns.js"
import { onFirstCall } from "../domain/OnFirstCall.js"
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

/** Rows of `Queries.selectTaskSummaries`: counts as either driver gives them. */
export const decodeTaskSummaries = onFirstCall(() => Schema.decodeUnknown(Schema.Array(Schema.Struct({
  ...TaskSummary.fields,
  createdAt: Stamp,
  updatedAt: Stamp,
  transitions: Num,
  checkpoints: Num
}))))

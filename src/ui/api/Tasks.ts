/**
 * The Tasks endpoints: workflow states a keyset page at a time, one task
 * with its transitions and checkpoints, and the difference between two
 * checkpoints' contexts.
 */
import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import * as Schema from "effect/Schema"
import { NotFound } from "../../Errors.js"
import { MAX_TASK_PAGE, TaskCursor, TaskSummary } from "../../state/TaskSummary.js"
import { ContextChange } from "../ContextDiff.js"
import { Cursor, PageSize } from "./Params.js"

/** The cursor of the next page of tasks. */
export const TaskPageCursor = Cursor(TaskCursor)

/** Filters of the tasks list. */
export const TasksParams = Schema.Struct({
  project: Schema.optional(Schema.String),
  state: Schema.optional(Schema.String),
  cursor: Schema.optional(TaskPageCursor),
  limit: Schema.optional(PageSize(MAX_TASK_PAGE))
})

/** A page of tasks, most recently updated first, and the cursor of the next page (null on the last). */
export const TasksPage = Schema.Struct({
  tasks: Schema.Array(TaskSummary),
  next: Schema.NullOr(TaskPageCursor)
})

/** One transition of a task. */
export const TaskTransition = Schema.Struct({
  from: Schema.String,
  to: Schema.String,
  event: Schema.String,
  timestamp: Schema.String,
  metadata: Schema.optional(Schema.Unknown)
})

/** One checkpoint of a task. */
export const TaskCheckpoint = Schema.Struct({
  id: Schema.String,
  state: Schema.String,
  context: Schema.Unknown,
  artifacts: Schema.Array(Schema.Unknown),
  timestamp: Schema.String
})

/** A task: current state and context (without its checkpoints), transitions oldest first, checkpoints oldest first. */
export const TaskDetail = Schema.Struct({
  taskId: Schema.String,
  projectId: Schema.String,
  state: Schema.String,
  context: Schema.Unknown,
  history: Schema.Array(TaskTransition),
  checkpoints: Schema.Array(TaskCheckpoint)
})

/** The two contexts to compare: checkpoint ids, or `current` for the task's current context. */
export const DiffParams = Schema.Struct({ from: Schema.String, to: Schema.String })

/** What changed from one context to the other, by JSON path. */
export const ContextDiff = Schema.Struct({ changes: Schema.Array(ContextChange) })

const taskId = HttpApiSchema.param("taskId", Schema.String)

/** The Tasks group. */
export class TasksGroup extends HttpApiGroup.make("tasks")
  .add(HttpApiEndpoint.get("list", "/api/tasks").setUrlParams(TasksParams).addSuccess(TasksPage))
  .add(
    HttpApiEndpoint.get("get")`/api/tasks/${taskId}`
      .addSuccess(TaskDetail)
      .addError(NotFound, { status: 404 })
  )
  .add(
    HttpApiEndpoint.get("diff")`/api/tasks/${taskId}/diff`
      .setUrlParams(DiffParams)
      .addSuccess(ContextDiff)
      .addError(NotFound, { status: 404 })
  )
{}

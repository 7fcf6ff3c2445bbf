/** The Tasks handlers, over the StateStore. */
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { NotFound } from "../../Errors.js"
import type { PersistedState } from "../../StateStore.js"
import { StateStore } from "../../StateStore.js"
import { UiApi } from "../Api.js"
import { diffContexts } from "../ContextDiff.js"

/** The `from` / `to` of a diff that names the task's current context. */
export const CURRENT_CONTEXT = "current"

const withoutCheckpoints = (task: PersistedState) => {
  const { checkpoints: _checkpoints, ...context } = task.context
  return context
}

/** The Tasks group's handlers. */
export const TasksHandlers = HttpApiBuilder.group(UiApi, "tasks", (handlers) =>
  Effect.gen(function*() {
    const state = yield* StateStore
    const load = (taskId: string) =>
      Effect.flatMap(state.load(taskId), Option.match({
        onNone: () => new NotFound({ entity: "Task", id: taskId }),
        onSome: Effect.succeed
      }))
    return handlers
      .handle("list", ({ urlParams: p }) =>
        state.tasks({ projectId: p.project, state: p.state, after: p.cursor, limit: p.limit }).pipe(
          Effect.map((page) => ({ tasks: page.tasks, next: Option.getOrNull(page.next) }))
        ))
      .handle("get", ({ path }) =>
        Effect.map(load(path.taskId), (task) => ({
          taskId: task.taskId,
          projectId: task.projectId,
          state: task.state,
          context: withoutCheckpoints(task),
          history: task.history,
          checkpoints: task.context.checkpoints
        })))
      .handle("diff", ({ path, urlParams }) =>
        Effect.gen(function*() {
          const task = yield* load(path.taskId)
          const contextOf = (id: string) => {
            if (id === CURRENT_CONTEXT) return Effect.succeed<unknown>(withoutCheckpoints(task))
            const checkpoint = task.context.checkpoints.find((c) => c.id === id)
            return checkpoint === undefined
              ? new NotFound({ entity: "Checkpoint", id })
              : Effect.succeed<unknown>(checkpoint.context)
          }
          const before = yield* contextOf(urlParams.from)
          const after = yield* contextOf(urlParams.to)
          return { changes: diffContexts(before, after) }
        }))
  }))

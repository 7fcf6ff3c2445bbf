/**
 * The Runs handlers, over the ExecutionTracker, the TrajectoryStore and the
 * StateStore.
 */
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { NotFound } from "../../Errors.js"
import { ExecutionTracker, TRACE_ENTITY } from "../../ExecutionTracker.js"
import { StateStore } from "../../StateStore.js"
import { MAX_PAGE_LIMIT } from "../../domain/Page.js"
import { TrajectoryStore } from "../../TrajectoryStore.js"
import { UiApi } from "../Api.js"

/** How many trajectories of a run's task its page lists. */
const RUN_TRAJECTORIES = 50

/** The Runs group's handlers. */
export const RunsHandlers = HttpApiBuilder.group(UiApi, "runs", (handlers) =>
  Effect.gen(function*() {
    const tracker = yield* ExecutionTracker
    const trajectories = yield* TrajectoryStore
    const state = yield* StateStore
    return handlers
      .handle("list", ({ urlParams: p }) =>
        tracker.findTraces({
          projectId: p.project,
          agentId: p.agent,
          status: p.status,
          since: p.since,
          until: p.until,
          text: p.text,
          after: p.cursor,
          limit: p.limit
        }).pipe(Effect.map((page) => ({ runs: page.runs, next: Option.getOrNull(page.next) }))))
      .handle("get", ({ path }) =>
        Effect.gen(function*() {
          const found = yield* tracker.getTrace(path.id)
          if (Option.isNone(found)) return yield* new NotFound({ entity: TRACE_ENTITY, id: path.id })
          const run = found.value
          const invocations = yield* tracker.invocations(run.id)
          const events = yield* tracker.events(run.id)
          const llmCalls = yield* tracker.llmUsage({ traceId: run.id, limit: MAX_PAGE_LIMIT })
          const related = yield* trajectories.list({ taskId: run.taskId, limit: RUN_TRAJECTORIES })
          const task = yield* state.load(run.taskId)
          return {
            run,
            invocations,
            events,
            llmCalls: [...llmCalls].reverse(),
            trajectories: related,
            taskState: Option.getOrNull(Option.map(task, (t) => t.state))
          }
        }))
  }))

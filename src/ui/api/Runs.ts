/**
 * The Runs endpoints: execution traces found by filters a keyset page at a
 * time, and one run with everything recorded under it.
 */
import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import * as Schema from "effect/Schema"
import { NotFound } from "../../Errors.js"
import { AgentInvocation } from "../../tracker/AgentInvocation.js"
import { ExecutionTrace, TraceStatus } from "../../tracker/ExecutionTrace.js"
import { LlmUsage } from "../../tracker/LlmUsage.js"
import { MAX_RUN_PAGE, RunCursor, RunSummary } from "../../tracker/RunViews.js"
import { TraceEvent } from "../../tracker/TraceEvent.js"
import { TrajectoryInfo } from "../../trajectory/StoredTrajectory.js"
import { Cursor, PageSize } from "./Params.js"

/** The cursor of the next page of runs. */
export const RunPageCursor = Cursor(RunCursor)

/** Filters of the runs list; `since` / `until` are ISO-8601 instants bounding the start time. */
export const RunsParams = Schema.Struct({
  project: Schema.optional(Schema.String),
  agent: Schema.optional(Schema.String),
  status: Schema.optional(TraceStatus),
  since: Schema.optional(Schema.String),
  until: Schema.optional(Schema.String),
  text: Schema.optional(Schema.String),
  cursor: Schema.optional(RunPageCursor),
  limit: Schema.optional(PageSize(MAX_RUN_PAGE))
})

/** A page of runs, newest first, and the cursor of the next page (null on the last). */
export const RunsPage = Schema.Struct({
  runs: Schema.Array(RunSummary),
  next: Schema.NullOr(RunPageCursor)
})

/** One run: its trace, invocations, events, LLM calls, the trajectories of its task, and its task's state. */
export const RunDetail = Schema.Struct({
  run: ExecutionTrace,
  invocations: Schema.Array(AgentInvocation),
  events: Schema.Array(TraceEvent),
  llmCalls: Schema.Array(LlmUsage),
  trajectories: Schema.Array(TrajectoryInfo),
  /** The current workflow state of the run's task, null when no state is stored for it. */
  taskState: Schema.NullOr(Schema.String)
})

/** The Runs group. */
export class RunsGroup extends HttpApiGroup.make("runs")
  .add(HttpApiEndpoint.get("list", "/api/runs").setUrlParams(RunsParams).addSuccess(RunsPage))
  .add(
    HttpApiEndpoint.get("get")`/api/runs/${HttpApiSchema.param("id", Schema.String)}`
      .addSuccess(RunDetail)
      .addError(NotFound, { status: 404 })
  )
{}

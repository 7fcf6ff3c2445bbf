/**
 * Read views of the execution history for browsing: runs found by filters a
 * page at a time (keyset on start time, then id) with their LLM tokens and
 * cost, tokens and cost per day by model and agent, and each agent's success
 * rate and duration percentiles.
 */
import * as Schema from "effect/Schema"
import { Num } from "../database/Columns.js"
import { OptionalTimestamp } from "../domain/Timestamp.js"
import { ExecutionTrace, traceRowFields, TraceStatus } from "./ExecutionTrace.js"

/** The most runs one page of `findTraces` returns. */
export const MAX_RUN_PAGE = 500
/** Runs per page of `findTraces` when no limit is given. */
export const DEFAULT_RUN_PAGE = 50

/** Where a page of runs starts: strictly after (older than) this run. */
export const RunCursor = Schema.Struct({
  startedAt: Schema.String,
  id: Schema.String
})
export interface RunCursor extends Schema.Schema.Type<typeof RunCursor> {}

/**
 * Which runs `findTraces` returns, newest first. Every given filter must
 * hold: `projectId`, `agentId` and `status` match exactly; `since`
 * (inclusive) and `until` (exclusive) bound the start time; `text` is found
 * anywhere in the prompt or the error, or equals the run id or task id.
 * `after` continues from the last run of the previous page.
 */
export const TraceFilter = Schema.Struct({
  projectId: Schema.optional(Schema.String),
  agentId: Schema.optional(Schema.String),
  status: Schema.optional(TraceStatus),
  since: Schema.optionalWith(OptionalTimestamp, { exact: true }),
  until: Schema.optionalWith(OptionalTimestamp, { exact: true }),
  text: Schema.optional(Schema.String),
  after: Schema.optional(RunCursor),
  limit: Schema.optional(Schema.Int.pipe(Schema.between(1, MAX_RUN_PAGE)))
})
export type TraceFilter = typeof TraceFilter.Encoded

/** A run with what its LLM calls used. */
export const RunSummary = Schema.Struct({
  ...ExecutionTrace.fields,
  /** LLM calls recorded with this trace id. */
  llmCalls: Schema.Number,
  /** Their total tokens. */
  llmTokens: Schema.Number,
  /** Their total cost in USD. */
  costUsd: Schema.Number
})
export interface RunSummary extends Schema.Schema.Type<typeof RunSummary> {}

/** A page of runs and the cursor of the next one (none on the last page). */
export const RunPage = Schema.Struct({
  runs: Schema.Array(RunSummary),
  next: Schema.OptionFromNullOr(RunCursor)
})
export interface RunPage extends Schema.Schema.Type<typeof RunPage> {}

/** A row of {@link RunQueries.findTraces}, from either driver. */
export const RunRow = Schema.suspend(() =>
  Schema.Struct({
    ...traceRowFields(),
    llmCalls: Num,
    llmTokens: Num,
    costUsd: Num
  })
)

/**
 * The window of `dailyUsage` and `agentHealth`: `since` (inclusive) and
 * `until` (exclusive), either left open.
 */
export const UsageWindow = Schema.Struct({
  since: Schema.optionalWith(OptionalTimestamp, { exact: true }),
  until: Schema.optionalWith(OptionalTimestamp, { exact: true })
})
export type UsageWindow = typeof UsageWindow.Encoded

/** LLM calls of one UTC day, model and agent (`agent` null for calls recorded without one). */
export const DailyUsage = Schema.Struct({
  /** `YYYY-MM-DD`, UTC. */
  day: Schema.String,
  model: Schema.String,
  agent: Schema.NullOr(Schema.String),
  calls: Schema.Number,
  inputTokens: Schema.Number,
  outputTokens: Schema.Number,
  totalTokens: Schema.Number,
  costUsd: Schema.Number
})
export interface DailyUsage extends Schema.Schema.Type<typeof DailyUsage> {}

/** A row of {@link RunQueries.dailyUsage}, from either driver. */
export const DailyUsageRow = Schema.suspend(() =>
  Schema.Struct({
    ...DailyUsage.fields,
    calls: Num,
    inputTokens: Num,
    outputTokens: Num,
    totalTokens: Num,
    costUsd: Num
  })
)

/**
 * An agent's invocations: how many, how they ended, and the nearest-rank
 * median and 95th percentile of the duration of those that completed
 * (null when none did).
 */
export const AgentHealth = Schema.Struct({
  agent: Schema.String,
  invocations: Schema.Number,
  successes: Schema.Number,
  failures: Schema.Number,
  /** `successes / invocations`. */
  successRate: Schema.Number,
  p50DurationMs: Schema.NullOr(Schema.Number),
  p95DurationMs: Schema.NullOr(Schema.Number)
})
export interface AgentHealth extends Schema.Schema.Type<typeof AgentHealth> {}

/** A row of {@link RunQueries.agentHealth}, from either driver. */
export const AgentHealthRow = Schema.suspend(() =>
  Schema.Struct({
    ...AgentHealth.fields,
    invocations: Num,
    successes: Num,
    failures: Num,
    successRate: Num,
    p50DurationMs: Schema.NullOr(Num),
    p95DurationMs: Schema.NullOr(Num)
  })
)

/**
 * The execution tracker: execution traces with a forward-only status, the
 * agent invocations inside them, run events and LLM usage (both recorded
 * write-behind), and the figures computed from them in SQL: an agent's
 * metrics and run statistics.
 *
 * Prompts, metadata, invocation fragments, outputs and errors, event data and
 * LLM prompts, responses and errors pass through the `Redactor` before they
 * reach the database.
 *
 * @module
 */
import * as Arr from "effect/Array"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { randomUUID } from "node:crypto"
import { coreLayerConfig } from "./Core.js"
import { Database } from "./Database.js"
import { Num } from "./database/Columns.js"
import { withDatabaseErrors } from "./database/SqlFailure.js"
import { onFirstCall } from "./domain/OnFirstCall.js"
import { now } from "./domain/Timestamp.js"
import { type DatabaseError, NotFound, ValidationError } from "./Errors.js"
import { Redactor } from "./redaction/Redactor.js"
import {
  type AgentInvocation,
  AgentInvocationInput,
  AgentInvocationPatch,
  InvocationRow
} from "./tracker/AgentInvocation.js"
import { EventSink } from "./tracker/EventSink.js"
import {
  CompleteTraceInput,
  type ExecutionTrace,
  StartTraceInput,
  TraceRow,
  TraceStatus
} from "./tracker/ExecutionTrace.js"
import { type LlmUsage, LlmUsageInput, LlmUsageRow } from "./tracker/LlmUsage.js"
import { LlmUsageSink } from "./tracker/LlmUsageSink.js"
import { type AgentMetrics, AgentMetricsRow, type RunStats, RunStatsRow } from "./tracker/Metrics.js"
import {
  DEFAULT_LLM_USAGE_LIMIT,
  DEFAULT_TRACE_LIMIT,
  type EventQuery,
  type LlmUsageQuery,
  metricsDays,
  type MetricsWindow,
  type StatsQuery,
  type TracePage
} from "./tracker/Options.js"
import * as Queries from "./tracker/Queries.js"
import * as RunQueries from "./tracker/RunQueries.js"
import {
  type AgentHealth,
  AgentHealthRow,
  type DailyUsage,
  DailyUsageRow,
  DEFAULT_RUN_PAGE,
  type RunPage,
  RunRow,
  TraceFilter,
  UsageWindow
} from "./tracker/RunViews.js"
import { EventRow, type TraceEvent, TraceEventInput } from "./tracker/TraceEvent.js"
import { decodeCommonRows, decodeRows } from "./database/Rows.js"
import { commonInvocation, commonTrace } from "./tracker/CommonRows.js"
import { Page } from "./domain/Page.js"
import { checkStoredInput, validate } from "./Validation.js"

const validatePage = validate(Page, "page")
import { WriteBehind } from "./writeBehind/WriteBehind.js"

/** The `entity` of a {@link NotFound} for a missing trace. */
export const TRACE_ENTITY = "trace"
/** The `entity` of a {@link NotFound} for a missing invocation. */
export const INVOCATION_ENTITY = "invocation"

/** The ExecutionTracker's interface. */
export interface ExecutionTrackerService {
  /**
   * Starts a trace (status `running`, started now by Effect's `Clock`).
   * Fails with `ValidationError` on invalid input.
   */
  readonly startTrace: (input: StartTraceInput) => Effect.Effect<ExecutionTrace, ValidationError | DatabaseError>
  /**
   * Ends a running trace as `completed` (`success: true`) or `error`
   * (`success: false`), atomically: completed now (Effect's `Clock`), the
   * duration computed in the statement from the stored start, `metadata` merged
   * into the metadata given at start (JSON merge patch). Fails with `NotFound`
   * when there is no such trace, and with `ValidationError` (issue path
   * `status`) when it has already ended: a status never moves back.
   */
  readonly completeTrace: (
    id: string,
    input: CompleteTraceInput
  ) => Effect.Effect<ExecutionTrace, NotFound | ValidationError | DatabaseError>
  /**
   * Ends a running trace as `cancelled`, keeping `reason` as its error. Fails
   * like {@link completeTrace} when the trace is missing or has already ended.
   */
  readonly cancelTrace: (
    id: string,
    reason?: string
  ) => Effect.Effect<ExecutionTrace, NotFound | ValidationError | DatabaseError>
  /** One trace, or none. */
  readonly getTrace: (id: string) => Effect.Effect<Option.Option<ExecutionTrace>, DatabaseError>
  /**
   * A project's traces, newest first, a page at a time (default 20; the
   * page rule of every store, see `Page`: a bad `limit` or `offset` is a
   * `ValidationError`).
   */
  readonly recentTraces: (
    projectId: string,
    page?: TracePage
  ) => Effect.Effect<ReadonlyArray<ExecutionTrace>, ValidationError | DatabaseError>
  /**
   * Records an invocation of an agent inside a trace (`startedAt` defaults to
   * now) and returns its id. Fails with `NotFound` when the trace does not
   * exist, `ValidationError` on invalid input.
   */
  readonly recordInvocation: (
    input: AgentInvocationInput
  ) => Effect.Effect<number, NotFound | ValidationError | DatabaseError>
  /**
   * Sets the fields given in `patch` on an invocation and keeps the others.
   * Fails with `NotFound` when there is no such invocation.
   */
  readonly updateInvocation: (
    id: number,
    patch: AgentInvocationPatch
  ) => Effect.Effect<void, NotFound | ValidationError | DatabaseError>
  /** A trace's invocations, in the order they were recorded. */
  readonly invocations: (traceId: string) => Effect.Effect<ReadonlyArray<AgentInvocation>, DatabaseError>
  /**
   * An agent's metrics over the invocations it started in the last `days`
   * days (default 30, `Infinity` for all), computed in one SQL aggregate.
   * With no invocations every figure is 0.
   */
  readonly agentMetrics: (agent: string, window?: MetricsWindow) => Effect.Effect<AgentMetrics, DatabaseError>
  /**
   * Records an event of a trace, write-behind: returns at once and never
   * fails. The caller only hands the event over; the recorder's writer
   * validates and redacts it (timestamped at the call); an invalid one is
   * logged as a warning and dropped. Events of a trace id that is not stored
   * are kept all the same. Do not change the event after the call.
   */
  readonly recordEvent: (traceId: string, event: TraceEventInput) => Effect.Effect<void>
  /**
   * A trace's events in the order they were recorded (also within one
   * millisecond), optionally of one type. Events still in the write-behind
   * queue are not seen until they are flushed.
   */
  readonly events: (traceId: string, query?: EventQuery) => Effect.Effect<ReadonlyArray<TraceEvent>, DatabaseError>
  /**
   * Records one LLM call, write-behind: returns at once and never fails.
   * Validated and redacted by the recorder's writer (timestamped at the
   * call); an invalid record is logged as a warning and dropped. Do not
   * change the record after the call.
   */
  readonly recordLlmUsage: (usage: LlmUsageInput) => Effect.Effect<void>
  /** LLM calls, newest first, optionally of one agent and/or trace (`limit` as every page, default 100). */
  readonly llmUsage: (query?: LlmUsageQuery) => Effect.Effect<ReadonlyArray<LlmUsage>, ValidationError | DatabaseError>
  /**
   * Run statistics, in one SQL statement: traces by status and LLM calls
   * with their tokens and cost, of every agent or of one (traces by
   * `agentId`, LLM calls by `agent`). Zeros when there is nothing to count.
   */
  readonly stats: (query?: StatsQuery) => Effect.Effect<RunStats, DatabaseError>
  /**
   * Runs matching every given filter of {@link TraceFilter}, newest first,
   * one page at a time (`limit` 1..500, default 50): pass the page's `next`
   * as `after` for the following one. Each run comes with the count, tokens
   * and cost of its LLM calls. Fails with `ValidationError` on an invalid
   * filter.
   */
  readonly findTraces: (filter?: TraceFilter) => Effect.Effect<RunPage, ValidationError | DatabaseError>
  /** LLM calls per UTC day, model and agent in the window, oldest day first. */
  readonly dailyUsage: (window?: UsageWindow) => Effect.Effect<ReadonlyArray<DailyUsage>, ValidationError | DatabaseError>
  /**
   * Per agent, over its invocations started in the window: counts by
   * outcome, success rate and the p50 / p95 duration of the completed ones.
   */
  readonly agentHealth: (window?: UsageWindow) => Effect.Effect<ReadonlyArray<AgentHealth>, ValidationError | DatabaseError>
}

const decodeTraces = decodeCommonRows(commonTrace, decodeRows(TraceRow))
const decodeInsertedTrace = onFirstCall(() => Schema.decodeUnknown(Schema.Tuple(TraceRow)))
const decodeStatus = onFirstCall(() => Schema.decodeUnknown(Schema.Array(Schema.Struct({ status: TraceStatus }))))
const decodeIds = onFirstCall(() => Schema.decodeUnknown(Schema.Array(Schema.Struct({ id: Num }))))
const decodeInvocations = decodeCommonRows(commonInvocation, decodeRows(InvocationRow))
const decodeEvents = onFirstCall(() => Schema.decodeUnknown(Schema.Array(EventRow)))
const decodeLlmUsage = onFirstCall(() => Schema.decodeUnknown(Schema.Array(LlmUsageRow)))
const decodeMetrics = onFirstCall(() => Schema.decodeUnknown(Schema.Tuple(AgentMetricsRow)))
const decodeStats = onFirstCall(() => Schema.decodeUnknown(Schema.Tuple(RunStatsRow)))
const decodeRuns = onFirstCall(() => Schema.decodeUnknown(Schema.Array(RunRow)))
const decodeDailyUsage = onFirstCall(() => Schema.decodeUnknown(Schema.Array(DailyUsageRow)))
const decodeAgentHealth = onFirstCall(() => Schema.decodeUnknown(Schema.Array(AgentHealthRow)))
const validateTraceFilter = validate(TraceFilter, "trace filter")
const validateWindow = validate(UsageWindow, "usage window")

const validateStart = validate(StartTraceInput, "trace")
const validateCompletion = validate(CompleteTraceInput, "trace completion")
const validateReason = validate(Schema.UndefinedOr(Schema.String), "cancellation reason")
const validateInvocation = validate(AgentInvocationInput, "agent invocation")
const validatePatch = validate(AgentInvocationPatch, "agent invocation patch")
const validateTraceId = validate(Schema.NonEmptyString, "trace id")
const validateEvent = validate(TraceEventInput, "trace event")
const validateLlmUsage = validate(LlmUsageInput, "LLM usage")

/** JSON text of a value, or a `ValidationError` for what JSON cannot hold (a BigInt, ...). */
const jsonText = (value: unknown, path: string): Effect.Effect<string | null, ValidationError> =>
  Effect.try({
    try: () => JSON.stringify(value) ?? null,
    catch: (cause) => {
      const message = `not JSON-serialisable: ${cause instanceof Error ? cause.message : String(cause)}`
      return new ValidationError({ message: `invalid ${path}: ${message}`, issues: [{ path, message }] })
    }
  })

/**
 * The stored stamp `days` days (fractional) before `millis`; the earliest
 * stamp there is (year 0000) when that is further back.
 */
const daysBefore = (millis: number, days: number): string =>
  new Date(Math.max(EARLIEST, millis - days * 86_400_000)).toISOString()

const EARLIEST = Date.parse("0000-01-01T00:00:00.000Z")

const describeStatus = (status: TraceStatus): string =>
  status === "error" ? "ended in error" : status === "running" ? "is running" : `is ${status}`

/** The error for a status move that the lifecycle forbids. */
const illegalMove = (id: string, status: TraceStatus, verb: "completed" | "cancelled"): ValidationError => {
  const again = verb === "completed" ? status === "completed" || status === "error" : status === "cancelled"
  const message = `trace ${id} ${describeStatus(status)}; it cannot be ${verb}${again ? " again" : ""}`
  return new ValidationError({ message, issues: [{ path: "status", message }] })
}

/**
 * Execution history and agent runs.
 *
 * `ExecutionTracker.Default` opens the database named by the `LOGBOOK_*`
 * environment variables; `ExecutionTracker.DefaultWithoutDependencies` needs
 * the core services (`coreLayer`, `coreLayerMemory`).
 */
export class ExecutionTracker extends Effect.Service<ExecutionTracker>()("logbook/ExecutionTracker", {
  accessors: true,
  effect: Effect.gen(function*() {
    const { sql } = yield* Database
    const redactor = yield* Redactor
    const writeBehind = yield* WriteBehind
    const redactNullable = (text: string | undefined): string | null =>
      text === undefined ? null : redactor.redactText(text)
    // Identifiers keep a stable placeholder: a filter given the same text finds them.
    const id = redactor.redactIdentifier
    const idOrNull = (text: string | undefined): string | null => text === undefined ? null : id(text)
    const redactedJson = (value: unknown, path: string) =>
      value === undefined ? Effect.succeed(null) : jsonText(redactor.redactJson(value), path)

    /** Ends a running trace `at` the given stamp; only these statements are retried on Busy. */
    const endTrace = (id: string, verb: "completed" | "cancelled", ending: Queries.TraceEnding, at: string) =>
      Effect.gen(function*() {
        const ended = yield* Effect.flatMap(Queries.endTrace(sql, id, ending, at), decodeTraces)
        if (ended[0] !== undefined) return ended[0]
        const found = yield* Effect.flatMap(Queries.selectTraceStatus(sql, id), decodeStatus)
        if (found[0] === undefined) return yield* new NotFound({ entity: TRACE_ENTITY, id })
        return yield* illegalMove(id, found[0].status, verb)
      }).pipe(withDatabaseErrors(`ExecutionTracker.${verb === "completed" ? "completeTrace" : "cancelTrace"}`))

    const invocationValues = (patch: typeof AgentInvocationPatch.Type) =>
      Effect.map(redactedJson(patch.tokenUsage, "tokenUsage"), (tokenUsage): Queries.InvocationValues => ({
        completedAt: patch.completedAt ?? null,
        outcome: patch.outcome ?? null,
        qualityScore: patch.qualityScore ?? null,
        tokenUsage,
        outputSummary: redactNullable(patch.outputSummary),
        error: redactNullable(patch.error)
      }))

    const service: ExecutionTrackerService = {
      startTrace: Effect.fn("ExecutionTracker.startTrace")(function*(input: StartTraceInput) {
        yield* checkStoredInput("trace")(input)
        const trace = yield* validateStart(input)
        const row: Queries.TraceInsert = {
          id: randomUUID(),
          project_id: id(trace.projectId),
          task_id: id(trace.taskId),
          prompt: redactor.redactText(trace.prompt),
          agent_id: idOrNull(trace.agentId),
          metadata: yield* redactedJson(trace.metadata, "metadata"),
          started_at: yield* now
        }
        const [stored] = yield* Queries.insertTrace(sql, row).pipe(
          Effect.flatMap(decodeInsertedTrace),
          withDatabaseErrors("ExecutionTracker.startTrace")
        )
        return stored
      }),

      completeTrace: Effect.fn("ExecutionTracker.completeTrace")(function*(id: string, input: CompleteTraceInput) {
        yield* checkStoredInput("trace completion")(input)
        const completion = yield* validateCompletion(input)
        return yield* endTrace(id, "completed", {
          status: completion.success ? "completed" : "error",
          tokenUsage: yield* redactedJson(completion.tokenUsage, "tokenUsage"),
          metadata: yield* redactedJson(completion.metadata, "metadata"),
          error: redactNullable(completion.error)
        }, yield* now)
      }),

      cancelTrace: Effect.fn("ExecutionTracker.cancelTrace")(function*(id: string, reason?: string) {
        yield* checkStoredInput("cancellation reason")(reason)
        const why = yield* validateReason(reason)
        return yield* endTrace(id, "cancelled", {
          status: "cancelled",
          tokenUsage: null,
          metadata: null,
          error: redactNullable(why)
        }, yield* now)
      }),

      getTrace: Effect.fn("ExecutionTracker.getTrace")(function*(id: string) {
        const rows = yield* Effect.flatMap(Queries.selectTrace(sql, id), decodeTraces)
        return Arr.head(rows)
      }, withDatabaseErrors("ExecutionTracker.getTrace")),

      recentTraces: Effect.fn("ExecutionTracker.recentTraces")(function*(projectId: string, page?: TracePage) {
        const valid = yield* validatePage(page ?? {})
        const limit = valid.limit ?? DEFAULT_TRACE_LIMIT
        const offset = valid.offset ?? 0
        return yield* Effect.flatMap(Queries.recentTraces(sql, id(projectId), limit, offset), decodeTraces)
      }, withDatabaseErrors("ExecutionTracker.recentTraces")),

      recordInvocation: Effect.fn("ExecutionTracker.recordInvocation")(function*(input: AgentInvocationInput) {
        yield* checkStoredInput("agent invocation")(input)
        const invocation = yield* validateInvocation(input)
        const values = yield* invocationValues(invocation)
        const rows = yield* Queries.insertInvocation(sql, {
          ...values,
          traceId: id(invocation.traceId),
          agent: id(invocation.agent),
          taskFragment: redactNullable(invocation.taskFragment),
          startedAt: invocation.startedAt ?? (yield* now)
        }).pipe(Effect.flatMap(decodeIds), withDatabaseErrors("ExecutionTracker.recordInvocation"))
        if (rows[0] === undefined) return yield* new NotFound({ entity: TRACE_ENTITY, id: id(invocation.traceId) })
        return rows[0].id
      }),

      updateInvocation: Effect.fn("ExecutionTracker.updateInvocation")(function*(id: number, patch: AgentInvocationPatch) {
        yield* checkStoredInput("agent invocation patch")(patch)
        const values = yield* Effect.flatMap(validatePatch(patch), invocationValues)
        const rows = Number.isSafeInteger(id)
          ? yield* Queries.updateInvocation(sql, id, values).pipe(
            Effect.flatMap(decodeIds),
            withDatabaseErrors("ExecutionTracker.updateInvocation")
          )
          : []
        if (rows.length === 0) return yield* new NotFound({ entity: INVOCATION_ENTITY, id: String(id) })
      }),

      invocations: Effect.fn("ExecutionTracker.invocations")(function*(traceId: string) {
        return yield* Effect.flatMap(Queries.invocations(sql, id(traceId)), decodeInvocations)
      }, withDatabaseErrors("ExecutionTracker.invocations")),

      agentMetrics: Effect.fn("ExecutionTracker.agentMetrics")(function*(agent: string, window?: MetricsWindow) {
        const days = metricsDays(window?.days)
        const since = days === undefined ? undefined : daysBefore(yield* Clock.currentTimeMillis, days)
        const [figures] = yield* Queries.agentMetrics(sql, id(agent), since).pipe(
          Effect.flatMap(decodeMetrics),
          withDatabaseErrors("ExecutionTracker.agentMetrics")
        )
        return { agent, ...figures }
      }),

      recordEvent: (traceId, event) =>
        writeBehind.submit(
          EventSink,
          "ExecutionTracker.recordEvent",
          Effect.gen(function*() {
            yield* checkStoredInput("trace event")({ traceId, ...event })
            const trace = yield* validateTraceId(traceId)
            const valid = yield* validateEvent(event)
            const data = valid.data === null ? null : yield* redactedJson(valid.data, "data")
            return { traceId: id(trace), type: id(valid.type), data, timestamp: yield* now }
          }),
          () => ({ traceId: id(traceId) })
        ),

      events: Effect.fn("ExecutionTracker.events")(function*(traceId: string, query?: EventQuery) {
        return yield* Effect.flatMap(Queries.events(sql, id(traceId), query?.type === undefined ? undefined : id(query.type)), decodeEvents)
      }, withDatabaseErrors("ExecutionTracker.events")),

      recordLlmUsage: (usage) =>
        writeBehind.submit(LlmUsageSink, "ExecutionTracker.recordLlmUsage", Effect.gen(function*() {
          yield* checkStoredInput("LLM usage")(usage)
          const valid = yield* validateLlmUsage(usage)
          const inputTokens = valid.inputTokens ?? 0
          const outputTokens = valid.outputTokens ?? 0
          return {
            traceId: idOrNull(valid.traceId),
            agent: idOrNull(valid.agent),
            provider: id(valid.provider),
            model: id(valid.model),
            prompt: redactNullable(valid.prompt),
            response: redactNullable(valid.response),
            inputTokens,
            outputTokens,
            totalTokens: valid.totalTokens ?? inputTokens + outputTokens,
            cachedInputTokens: valid.cachedInputTokens ?? 0,
            reasoningTokens: valid.reasoningTokens ?? 0,
            costUsd: valid.costUsd === undefined ? 0 : valid.costUsd,
            latencyMs: valid.latencyMs === undefined ? null : Math.round(valid.latencyMs),
            status: valid.status ?? (valid.error === undefined ? "success" : "error"),
            error: redactNullable(valid.error),
            timestamp: yield* now
          }
        })),

      llmUsage: Effect.fn("ExecutionTracker.llmUsage")(function*(query?: LlmUsageQuery) {
        const limit = (yield* validatePage({ limit: query?.limit })).limit ?? DEFAULT_LLM_USAGE_LIMIT
        return yield* Effect.flatMap(Queries.llmUsage(sql, { ...query, agent: query?.agent === undefined ? undefined : id(query.agent), traceId: query?.traceId === undefined ? undefined : id(query.traceId) }, limit), decodeLlmUsage)
      }, withDatabaseErrors("ExecutionTracker.llmUsage")),

      stats: Effect.fn("ExecutionTracker.stats")(function*(query?: StatsQuery) {
        const [stats] = yield* Effect.flatMap(Queries.runStats(sql, query?.agent === undefined ? undefined : id(query.agent)), decodeStats)
        return stats
      }, withDatabaseErrors("ExecutionTracker.stats")),

      findTraces: Effect.fn("ExecutionTracker.findTraces")(function*(filter?: TraceFilter) {
        const valid = yield* validateTraceFilter(filter ?? {})
        const limit = valid.limit ?? DEFAULT_RUN_PAGE
        const rows = yield* RunQueries.findTraces(sql, valid, limit).pipe(
          Effect.flatMap(decodeRuns),
          withDatabaseErrors("ExecutionTracker.findTraces")
        )
        const runs = rows.slice(0, limit)
        const last = runs[runs.length - 1]
        const page: RunPage = {
          runs,
          next: rows.length > limit && last !== undefined
            ? Option.some({ startedAt: last.startedAt, id: last.id })
            : Option.none()
        }
        return page
      }),

      dailyUsage: Effect.fn("ExecutionTracker.dailyUsage")(function*(window?: UsageWindow) {
        const valid = yield* validateWindow(window ?? {})
        return yield* RunQueries.dailyUsage(sql, valid.since, valid.until).pipe(
          Effect.flatMap(decodeDailyUsage),
          withDatabaseErrors("ExecutionTracker.dailyUsage")
        )
      }),

      agentHealth: Effect.fn("ExecutionTracker.agentHealth")(function*(window?: UsageWindow) {
        const valid = yield* validateWindow(window ?? {})
        return yield* RunQueries.agentHealth(sql, valid.since, valid.until).pipe(
          Effect.flatMap(decodeAgentHealth),
          withDatabaseErrors("ExecutionTracker.agentHealth")
        )
      })
    }
    return service
  }),
  dependencies: [coreLayerConfig]
}) {}

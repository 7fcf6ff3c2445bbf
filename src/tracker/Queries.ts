/**
 * The SQL that the ExecutionTracker runs, one builder per statement. They are
 * exported so that tests can check the very statements the tracker runs
 * (`EXPLAIN QUERY PLAN` over `statement.compile()`).
 *
 * Every stamp is bound (taken from Effect's `Clock` by the tracker). Dialect
 * variants: the duration of an ending (`julianday` / `extract(epoch ...)`, a
 * non-negative integer), the JSON merge patch of an ending's metadata
 * (`json_patch` on SQLite; on PostgreSQL a top-level merge patch:
 * keys replaced, `null` removing a key), the token figure of `agentMetrics`
 * (`Dialect.jsonNumber`) and the float cost sum of `runStats`
 * (`Dialect.floatTotal`).
 *
 * @module
 */
import type * as Statement from "@effect/sql/Statement"
import { floatTotal, jsonNumber, millisBetween, type Sql, unsupported } from "../database/Dialect.js"
import { invocationColumns } from "./AgentInvocation.js"
import { traceColumns, type TraceStatus } from "./ExecutionTrace.js"
import { llmUsageColumns } from "./LlmUsage.js"
import { eventColumns } from "./TraceEvent.js"

/** A row of `execution_traces` to insert. */
export interface TraceInsert {
  readonly id: string
  readonly project_id: string
  readonly task_id: string
  readonly prompt: string
  readonly agent_id: string | null
  readonly metadata: string | null
  readonly started_at: string
}

/** Inserts a trace (status `running`) and returns it. */
export const insertTrace = (sql: Sql, row: TraceInsert) =>
  sql`INSERT INTO execution_traces ${sql.insert({ ...row })} RETURNING ${sql.literal(traceColumns)}`

/** One trace by id. */
export const selectTrace = (sql: Sql, id: string) =>
  sql`SELECT ${sql.literal(traceColumns)} FROM execution_traces WHERE id = ${id}`

/** The status of one trace, to explain why an ending did not apply. */
export const selectTraceStatus = (sql: Sql, id: string) =>
  sql`SELECT status FROM execution_traces WHERE id = ${id}`

/** A project's traces, newest first (ties broken by id, so pages never overlap). */
export const recentTraces = (sql: Sql, projectId: string, limit: number, offset: number) =>
  sql`SELECT ${sql.literal(traceColumns)} FROM execution_traces
      WHERE project_id = ${projectId}
      ORDER BY started_at DESC, id DESC
      LIMIT ${limit} OFFSET ${offset}`

/** How a running trace ends. */
export interface TraceEnding {
  readonly status: Exclude<TraceStatus, "running">
  readonly tokenUsage: string | null
  /** JSON object merged into the stored metadata (RFC 7396). */
  readonly metadata: string | null
  readonly error: string | null
}

/** Whole milliseconds from the stored stamp `from` to `to`, never below 0. */
const elapsedMillis = (sql: Sql, from: Statement.Fragment, to: Statement.Fragment): Statement.Fragment =>
  sql.onDialectOrElse({
    sqlite: () => sql`max(0, CAST(round(${millisBetween(sql, from, to)}) AS INTEGER))`,
    pg: () => sql`greatest(0, round(${millisBetween(sql, from, to)})::bigint)`,
    orElse: unsupported(sql)
  })

/** The JSON object `patch` (text) merged into the JSON object column `column` (NULL read as `{}`). */
const mergePatch = (sql: Sql, column: Statement.Fragment, patch: string): Statement.Fragment =>
  sql.onDialectOrElse({
    sqlite: () => sql`json_patch(coalesce(${column}, '{}'), ${patch})`,
    pg: () =>
      sql`(SELECT coalesce(jsonb_object_agg(e.key, e.value) FILTER (WHERE jsonb_typeof(e.value) <> 'null'), '{}'::jsonb)
        FROM jsonb_each(coalesce((${column})::jsonb, '{}'::jsonb) || ${patch}::jsonb) AS e)`,
    orElse: unsupported(sql)
  })

/**
 * Ends a trace if, and only if, it is still running, in one atomic statement:
 * completed `at`, its duration computed from the stored start. Returns no row
 * when the trace is missing or already ended.
 */
export const endTrace = (sql: Sql, id: string, ending: TraceEnding, at: string) =>
  sql`UPDATE execution_traces SET
        status = ${ending.status},
        success = ${ending.status === "completed" ? 1 : 0},
        completed_at = ${at},
        duration_ms = ${elapsedMillis(sql, sql`started_at`, sql`${at}`)},
        token_usage = coalesce(${ending.tokenUsage}, token_usage),
        metadata = ${ending.metadata === null ? sql`metadata` : mergePatch(sql, sql`metadata`, ending.metadata)},
        error = coalesce(${ending.error}, error)
      WHERE id = ${id} AND status = 'running'
      RETURNING ${sql.literal(traceColumns)}`

/** The columns of an invocation, ready to bind. */
export interface InvocationValues {
  readonly completedAt: string | null
  readonly outcome: string | null
  readonly qualityScore: number | null
  readonly tokenUsage: string | null
  readonly outputSummary: string | null
  readonly error: string | null
}

/** Inserts an invocation if its trace exists; returns its id, or no row when the trace is missing. */
export const insertInvocation = (
  sql: Sql,
  row: InvocationValues & { readonly traceId: string; readonly agent: string; readonly taskFragment: string | null; readonly startedAt: string }
) =>
  sql`INSERT INTO agent_invocations
        (trace_id, agent, task_fragment, started_at, completed_at, outcome, quality_score, token_usage, output_summary, error)
      SELECT ${row.traceId}, ${row.agent}, ${row.taskFragment}, ${row.startedAt},
        ${row.completedAt}, ${row.outcome}, ${row.qualityScore}, ${row.tokenUsage}, ${row.outputSummary}, ${row.error}
      WHERE EXISTS (SELECT 1 FROM execution_traces WHERE id = ${row.traceId})
      RETURNING id`

/** Sets the given (non-null) fields of an invocation; returns its id, or no row when it is missing. */
export const updateInvocation = (sql: Sql, id: number, patch: InvocationValues) =>
  sql`UPDATE agent_invocations SET
        completed_at = coalesce(${patch.completedAt}, completed_at),
        outcome = coalesce(${patch.outcome}, outcome),
        quality_score = coalesce(${patch.qualityScore}, quality_score),
        token_usage = coalesce(${patch.tokenUsage}, token_usage),
        output_summary = coalesce(${patch.outputSummary}, output_summary),
        error = coalesce(${patch.error}, error)
      WHERE id = ${id}
      RETURNING id`

/** A trace's invocations in the order they were recorded. */
export const invocations = (sql: Sql, traceId: string) =>
  sql`SELECT ${sql.literal(invocationColumns)} FROM agent_invocations WHERE trace_id = ${traceId} ORDER BY id`

/**
 * An agent's metrics in one aggregate: its invocations started at or after
 * `since` (all of them when `since` is undefined).
 */
export const agentMetrics = (sql: Sql, agent: string, since: string | undefined) =>
  sql`SELECT
        count(*) AS "totalInvocations",
        coalesce(count(*) FILTER (WHERE outcome = 'success') * 1.0 / nullif(count(*), 0), 0.0) AS "successRate",
        coalesce(count(*) FILTER (WHERE outcome = 'failure') * 1.0 / nullif(count(*), 0), 0.0) AS "failureRate",
        coalesce(avg(quality_score), 0.0) AS "avgQualityScore",
        coalesce(avg(${jsonNumber(sql, sql`token_usage`, "$.totalTokens")}), 0.0) AS "avgTokensPerInvocation"
      FROM agent_invocations
      WHERE agent = ${agent}${since === undefined ? sql.literal("") : sql` AND started_at >= ${since}`}`

/** A trace's events in the order they were recorded, optionally of one type. */
export const events = (sql: Sql, traceId: string, type: string | undefined) =>
  sql`SELECT ${sql.literal(eventColumns)} FROM trace_events
      WHERE trace_id = ${traceId}${type === undefined ? sql.literal("") : sql` AND type = ${type}`}
      ORDER BY id`

/** LLM calls, newest first, filtered by agent and/or trace. */
export const llmUsage = (
  sql: Sql,
  filter: { readonly agent?: string | undefined; readonly traceId?: string | undefined },
  limit: number
) => {
  const clauses: Array<Statement.Fragment> = []
  if (filter.agent !== undefined) clauses.push(sql`agent = ${filter.agent}`)
  if (filter.traceId !== undefined) clauses.push(sql`trace_id = ${filter.traceId}`)
  return sql`SELECT ${sql.literal(llmUsageColumns)} FROM llm_usage
      ${clauses.length === 0 ? sql.literal("") : sql`WHERE ${sql.and(clauses)}`}
      ORDER BY timestamp DESC, id DESC
      LIMIT ${limit}`
}

/** Run statistics in one statement: traces by status and LLM calls, optionally for one agent. */
export const runStats = (sql: Sql, agent: string | undefined) =>
  sql`SELECT runs.*, calls.* FROM
      (SELECT
         count(*) AS "totalRuns",
         count(*) FILTER (WHERE status = 'completed') AS "completedRuns",
         count(*) FILTER (WHERE status = 'error') AS "errorRuns",
         count(*) FILTER (WHERE status = 'cancelled') AS "cancelledRuns",
         count(*) FILTER (WHERE status = 'running') AS "runningRuns"
       FROM execution_traces${agent === undefined ? sql.literal("") : sql` WHERE agent_id = ${agent}`}) AS runs,
      (SELECT
         count(*) AS "llmCalls",
         coalesce(sum(input_tokens), 0) AS "inputTokens",
         coalesce(sum(output_tokens), 0) AS "outputTokens",
         coalesce(sum(total_tokens), 0) AS "totalTokens",
         ${floatTotal(sql, sql`cost_usd`)} AS "costUsd"
       FROM llm_usage${agent === undefined ? sql.literal("") : sql` WHERE agent = ${agent}`}) AS calls`

/** A row of a write-behind batch of trace events. */
export interface EventInsert {
  readonly trace_id: string
  readonly type: string
  readonly data: string | null
  readonly timestamp: string
  readonly record_key: string
}

/** Inserts trace events in the given order, skipping those whose record key is stored. */
export const insertEvents = (sql: Sql, rows: ReadonlyArray<EventInsert>) =>
  sql`INSERT INTO trace_events ${sql.insert(rows.map((row) => ({ ...row })))} ON CONFLICT (record_key) DO NOTHING`

/** A row of a write-behind batch of LLM calls. */
export interface LlmUsageInsert {
  readonly trace_id: string | null
  readonly agent: string | null
  readonly provider: string
  readonly model: string
  readonly prompt: string | null
  readonly response: string | null
  readonly input_tokens: number
  readonly output_tokens: number
  readonly total_tokens: number
  readonly cached_input_tokens: number
  readonly reasoning_tokens: number
  readonly cost_usd: number | null
  readonly latency_ms: number | null
  readonly status: string
  readonly error: string | null
  readonly timestamp: string
  readonly record_key: string
}

/** Inserts LLM calls in the given order, skipping those whose record key is stored. */
export const insertLlmUsage = (sql: Sql, rows: ReadonlyArray<LlmUsageInsert>) =>
  sql`INSERT INTO llm_usage ${sql.insert(rows.map((row) => ({ ...row })))} ON CONFLICT (record_key) DO NOTHING`

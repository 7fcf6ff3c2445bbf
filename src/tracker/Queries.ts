/**
 * The SQL that the ExecutionTracker runs, one builder per statement. They are
 * exported so that tests can check the very statements the tracker runs
 * (`EXPLAIN QUERY PLAN` over `statement.compile()`). Dialect variants: the
 * merge of metadata when a trace ends (`json_patch` on SQLite, `jsonb`
 * concatenation on PostgreSQL), and the shared ones of `database/Dialect.ts`
 * (float sums, JSON numbers, time between stamps, `max` of two values).
 */
import type * as Statement from "@effect/sql/Statement"
import { floatTotal, greatest, jsonNumber, millisBetween, parameterChunks, type Sql, unsupported } from "../database/Dialect.js"
import { invocationColumns } from "./AgentInvocation.js"
import { traceColumns, type TraceStatus } from "./ExecutionTrace.js"
import { llmUsageColumns } from "./LlmUsage.js"
import { eventColumns } from "./TraceEvent.js"

/** The most rows of one write-behind insert. */
const MAX_ROWS_PER_INSERT = 1000

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
  /** When it ends. */
  readonly at: string
}

/** `metadata` with the JSON object `patch` merged in (RFC 7396 on SQLite; top-level keys on PostgreSQL). */
const mergedMetadata = (sql: Sql, patch: string) =>
  sql.onDialectOrElse({
    sqlite: () => sql`json_patch(coalesce(metadata, '{}'), ${patch})`,
    pg: () => sql`jsonb_strip_nulls(coalesce((metadata)::jsonb, '{}'::jsonb) || (${patch})::jsonb)`,
    orElse: unsupported(sql)
  })

/**
 * Ends a trace if, and only if, it is still running, in one atomic statement:
 * the duration runs from the stored start to `ending.at`. Returns no row
 * when the trace is missing or already ended.
 */
export const endTrace = (sql: Sql, id: string, ending: TraceEnding) =>
  sql`UPDATE execution_traces SET
        status = ${ending.status},
        success = ${ending.status === "completed" ? 1 : 0},
        completed_at = ${ending.at},
        duration_ms = ${greatest(sql, sql`0`, sql`CAST(round(${millisBetween(sql, sql`started_at`, sql`${ending.at}`)}) AS INTEGER)`)},
        token_usage = coalesce(${ending.tokenUsage}, token_usage),
        metadata = ${ending.metadata === null ? sql`metadata` : mergedMetadata(sql, ending.metadata)},
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
 * An agent's metrics in one aggregate: its invocations started at `since`
 * or later (all of them when `since` is undefined).
 */
export const agentMetrics = (sql: Sql, agent: string, since: string | undefined) =>
  sql`SELECT
        count(*) AS totalInvocations,
        coalesce(count(*) FILTER (WHERE outcome = 'success') * 1.0 / nullif(count(*), 0), 0.0) AS successRate,
        coalesce(count(*) FILTER (WHERE outcome = 'failure') * 1.0 / nullif(count(*), 0), 0.0) AS failureRate,
        coalesce(avg(quality_score), 0.0) AS avgQualityScore,
        coalesce(avg(${jsonNumber(sql, sql`token_usage`, "$.totalTokens")}), 0.0) AS avgTokensPerInvocation
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
         count(*) AS totalRuns,
         count(*) FILTER (WHERE status = 'completed') AS completedRuns,
         count(*) FILTER (WHERE status = 'error') AS errorRuns,
         count(*) FILTER (WHERE status = 'cancelled') AS cancelledRuns,
         count(*) FILTER (WHERE status = 'running') AS runningRuns
       FROM execution_traces${agent === undefined ? sql.literal("") : sql` WHERE agent_id = ${agent}`}) AS runs,
      (SELECT
         count(*) AS llmCalls,
         coalesce(sum(input_tokens), 0) AS inputTokens,
         coalesce(sum(output_tokens), 0) AS outputTokens,
         coalesce(sum(total_tokens), 0) AS totalTokens,
         ${floatTotal(sql, sql`cost_usd`)} AS costUsd
       FROM llm_usage${agent === undefined ? sql.literal("") : sql` WHERE agent = ${agent}`}) AS calls`

/** A trace event ready to write, with its write-behind key. */
export interface EventInsert {
  readonly trace_id: string
  readonly type: string
  readonly data: string | null
  readonly timestamp: string
  readonly record_key: string | null
}

/** Inserts write-behind events, skipping keys already stored, in as few statements as the parameter limit allows. */
export const insertEvents = (sql: Sql, rows: ReadonlyArray<EventInsert>) =>
  parameterChunks(sql, rows, 5, MAX_ROWS_PER_INSERT).map((chunk) =>
    sql`INSERT INTO trace_events ${sql.insert(chunk.map((row) => ({ ...row })))} ON CONFLICT (record_key) DO NOTHING`
  )

/** Inserts write-behind LLM usage records (`columns` per row), skipping keys already stored. */
export const insertLlmUsage = (sql: Sql, rows: ReadonlyArray<Readonly<Record<string, unknown>>>, columns: number) =>
  parameterChunks(sql, rows, columns, MAX_ROWS_PER_INSERT).map((chunk) =>
    sql`INSERT INTO llm_usage ${sql.insert(chunk.map((row) => ({ ...row })))} ON CONFLICT (record_key) DO NOTHING`
  )

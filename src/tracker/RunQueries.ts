/**
 * The SQL of the tracker's browsing reads: filtered runs by keyset pages,
 * LLM usage per day, and agent health with duration percentiles.
 *
 * Dialect variants: SQLite's unary `+` that keeps an index out of a term
 * (a plain column on PostgreSQL, whose planner needs no such hint), the
 * text search (`LIKE`, ASCII case-insensitive on SQLite; `ILIKE` on
 * PostgreSQL), float cost sums (`Dialect.floatTotal`), durations
 * (`Dialect.millisBetween`) and the larger of two values (`max` / `greatest`).
 *
 * @module
 */
import type * as Statement from "@effect/sql/Statement"
import { floatTotal, millisBetween, type Sql, unsupported } from "../database/Dialect.js"
import { traceColumns } from "./ExecutionTrace.js"
import type { RunCursor } from "./RunViews.js"

/** Validated filters of {@link findTraces}. */
export interface RunFilter {
  readonly projectId?: string | undefined
  readonly agentId?: string | undefined
  readonly status?: string | undefined
  readonly since?: string | undefined
  readonly until?: string | undefined
  readonly text?: string | undefined
  readonly after?: RunCursor | undefined
}

/** `text` as a LIKE pattern that matches it literally anywhere (escape character `\`). */
const containing = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/** A column the planner should not pick an index for (SQLite's unary `+`). */
const unindexed = (sql: Sql, column: string): Statement.Fragment =>
  sql.onDialectOrElse({
    sqlite: () => sql.literal(`+${column}`),
    pg: () => sql.literal(column),
    orElse: unsupported(sql)
  })

/** `column` contains `pattern` (a LIKE pattern escaped with `\`), ignoring ASCII case. */
const likeIgnoringCase = (sql: Sql, column: string, pattern: string): Statement.Fragment =>
  sql.onDialectOrElse({
    sqlite: () => sql`${sql.literal(column)} LIKE ${pattern} ESCAPE '\\'`,
    pg: () => sql`${sql.literal(column)} ILIKE ${pattern} ESCAPE '\\'`,
    orElse: unsupported(sql)
  })

const traceColumnsOf = (alias: string) =>
  traceColumns.split(",").map((column) => `${alias}.${column.trim()}`).join(", ")

/**
 * Runs matching `filter`, newest first (ties by id), with the count, tokens
 * and cost of their LLM calls; one more row than `limit` tells whether
 * another page follows.
 */
export const findTraces = (sql: Sql, filter: RunFilter, limit: number) => {
  const clauses: Array<Statement.Fragment> = []
  if (filter.projectId !== undefined) clauses.push(sql`t.project_id = ${filter.projectId}`)
  // Unary `+` keeps other indexes out of these terms: walking the start-time index newest
  // first and stopping after one page is faster than sorting every run of an agent.
  if (filter.agentId !== undefined) clauses.push(sql`${unindexed(sql, "t.agent_id")} = ${filter.agentId}`)
  if (filter.status !== undefined) clauses.push(sql`${unindexed(sql, "t.status")} = ${filter.status}`)
  if (filter.since !== undefined) clauses.push(sql`t.started_at >= ${filter.since}`)
  if (filter.until !== undefined) clauses.push(sql`t.started_at < ${filter.until}`)
  if (filter.text !== undefined && filter.text !== "") {
    const pattern = containing(filter.text)
    clauses.push(sql`(${unindexed(sql, "t.id")} = ${filter.text} OR ${unindexed(sql, "t.task_id")} = ${filter.text}
      OR ${likeIgnoringCase(sql, "t.prompt", pattern)} OR ${likeIgnoringCase(sql, "t.error", pattern)})`)
  }
  if (filter.after !== undefined) {
    clauses.push(sql`(t.started_at < ${filter.after.startedAt}
      OR (t.started_at = ${filter.after.startedAt} AND t.id < ${filter.after.id}))`)
  }
  // The page is chosen first; the LLM figures are then computed for its runs only.
  return sql`SELECT ${sql.literal(traceColumnsOf("t"))},
        (SELECT count(*) FROM llm_usage u WHERE u.trace_id = t.id) AS "llmCalls",
        (SELECT coalesce(sum(u.total_tokens), 0) FROM llm_usage u WHERE u.trace_id = t.id) AS "llmTokens",
        (SELECT ${floatTotal(sql, sql`u.cost_usd`)} FROM llm_usage u WHERE u.trace_id = t.id) AS "costUsd"
      FROM (SELECT * FROM execution_traces t
            ${clauses.length === 0 ? sql.literal("") : sql`WHERE ${sql.and(clauses)}`}
            ORDER BY t.started_at DESC, t.id DESC
            LIMIT ${limit + 1}) t
      ORDER BY t.started_at DESC, t.id DESC`
}

const window = (sql: Sql, column: string, since: string | undefined, until: string | undefined) => {
  const clauses: Array<Statement.Fragment> = []
  if (since !== undefined) clauses.push(sql`${sql.literal(column)} >= ${since}`)
  if (until !== undefined) clauses.push(sql`${sql.literal(column)} < ${until}`)
  return clauses.length === 0 ? sql.literal("") : sql`WHERE ${sql.and(clauses)}`
}

/**
 * LLM calls grouped by UTC day, model and agent, oldest day first. The day
 * bounds repeat the window on the day expression so that it is a range of
 * the `idx_llm_usage_day` covering index, read in grouping order.
 */
export const dailyUsage = (sql: Sql, since: string | undefined, until: string | undefined) => {
  const clauses: Array<Statement.Fragment> = []
  if (since !== undefined) clauses.push(sql`substr(timestamp, 1, 10) >= substr(${since}, 1, 10)`, sql`timestamp >= ${since}`)
  if (until !== undefined) clauses.push(sql`substr(timestamp, 1, 10) <= substr(${until}, 1, 10)`, sql`timestamp < ${until}`)
  return sql`SELECT substr(timestamp, 1, 10) AS day, model, agent,
        count(*) AS calls, sum(input_tokens) AS "inputTokens", sum(output_tokens) AS "outputTokens",
        sum(total_tokens) AS "totalTokens", ${floatTotal(sql, sql`cost_usd`)} AS "costUsd"
      FROM llm_usage ${clauses.length === 0 ? sql.literal("") : sql`WHERE ${sql.and(clauses)}`}
      GROUP BY day, model, agent
      ORDER BY day, model, agent`
}

/** `value`, or 0 when it is negative. */
const atLeastZero = (sql: Sql, value: Statement.Fragment): Statement.Fragment =>
  sql.onDialectOrElse({
    sqlite: () => sql`max(0, ${value})`,
    pg: () => sql`greatest(0, ${value})`,
    orElse: unsupported(sql)
  })

/**
 * Per agent, over the invocations started in the window: counts by outcome
 * and the nearest-rank p50 / p95 of the completed ones' durations (the
 * smallest duration whose rank reaches p% of them).
 */
export const agentHealth = (sql: Sql, since: string | undefined, until: string | undefined) =>
  sql`WITH inv AS (
        SELECT agent, outcome,
          CASE WHEN completed_at IS NULL THEN NULL
               ELSE ${atLeastZero(sql, millisBetween(sql, sql`started_at`, sql`completed_at`))} END AS ms
        FROM agent_invocations ${window(sql, "started_at", since, until)}
      ), ranked AS (
        SELECT agent, ms, row_number() OVER (PARTITION BY agent ORDER BY ms) AS rn,
          count(*) OVER (PARTITION BY agent) AS n
        FROM inv WHERE ms IS NOT NULL
      ), percentiles AS (
        SELECT agent,
          min(ms) FILTER (WHERE rn * 100 >= n * 50) AS p50,
          min(ms) FILTER (WHERE rn * 100 >= n * 95) AS p95
        FROM ranked GROUP BY agent
      )
      SELECT c.agent, c.invocations, c.successes, c.failures,
        c.successes * 1.0 / c.invocations AS "successRate",
        round(p.p50) AS "p50DurationMs", round(p.p95) AS "p95DurationMs"
      FROM (SELECT agent, count(*) AS invocations,
              count(*) FILTER (WHERE outcome = 'success') AS successes,
              count(*) FILTER (WHERE outcome = 'failure') AS failures
            FROM inv GROUP BY agent) c
      LEFT JOIN percentiles p ON p.agent = c.agent
      ORDER BY c.agent`

/**
 * The options of the ExecutionTracker's reads, and how out-of-range values
 * are brought back in range (reads fail only when the database does).
 */

/** A page of {@link ExecutionTracker.recentTraces}: `limit` 1..1000 (default 20), `offset` from 0. */
export interface TracePage {
  readonly limit?: number | undefined
  readonly offset?: number | undefined
}

/** Filters of {@link ExecutionTracker.llmUsage}: `limit` 1..10000 (default 100). */
export interface LlmUsageQuery {
  readonly agent?: string | undefined
  readonly traceId?: string | undefined
  readonly limit?: number | undefined
}

/** The window of {@link ExecutionTracker.agentMetrics}: the last `days` days (default 30; `Infinity` for all). */
export interface MetricsWindow {
  readonly days?: number | undefined
}

/** The filter of {@link ExecutionTracker.events}. */
export interface EventQuery {
  readonly type?: string | undefined
}

/** The filter of {@link ExecutionTracker.stats}. */
export interface StatsQuery {
  readonly agent?: string | undefined
}

/** Traces per page of `recentTraces` when no limit is given. */
export const DEFAULT_TRACE_LIMIT = 20
/** Calls returned by `llmUsage` when no limit is given. */
export const DEFAULT_LLM_USAGE_LIMIT = 100
/** The window of `agentMetrics` when no `days` is given. */
export const DEFAULT_METRICS_DAYS = 30

/** The metrics window in days, or `undefined` for all time (`Infinity`); the default for a missing or non-positive value. */
export const metricsDays = (days: number | undefined): number | undefined => {
  if (days === Number.POSITIVE_INFINITY) return undefined
  return days === undefined || !Number.isFinite(days) || days <= 0 ? DEFAULT_METRICS_DAYS : days
}

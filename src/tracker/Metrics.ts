/**
 * Figures computed in the database: an agent's invocation metrics and the
 * run statistics of seed 004. Every figure is a number, 0 when there is
 * nothing to count.
 */
import * as Schema from "effect/Schema"
import { Num } from "../database/Columns.js"

/** An agent's invocations over a window of days. */
export const AgentMetrics = Schema.Struct({
  agent: Schema.String,
  totalInvocations: Schema.Number,
  /** Invocations with outcome `success` / total (0 when there are none). */
  successRate: Schema.Number,
  /** Invocations with outcome `failure` / total (0 when there are none). */
  failureRate: Schema.Number,
  /** Mean quality score of the invocations that have one (0 when none has). */
  avgQualityScore: Schema.Number,
  /** Mean `tokenUsage.totalTokens` of the invocations that report token usage (0 when none does). */
  avgTokensPerInvocation: Schema.Number
})
export interface AgentMetrics extends Schema.Schema.Type<typeof AgentMetrics> {}

/**
 * A sum of dollar amounts, rounded to a billionth of a dollar: the float
 * noise of adding costs (0.034140000000000004) never reaches a caller.
 */
export const SummedUsd = Schema.transform(Schema.Number, Schema.Number, {
  strict: true,
  decode: (sum) => Number(sum.toFixed(9)),
  encode: (sum) => sum
})

/** Run statistics: traces by status and LLM calls with their tokens and cost. */
export const RunStats = Schema.Struct({
  totalRuns: Schema.Number,
  completedRuns: Schema.Number,
  errorRuns: Schema.Number,
  cancelledRuns: Schema.Number,
  runningRuns: Schema.Number,
  llmCalls: Schema.Number,
  inputTokens: Schema.Number,
  outputTokens: Schema.Number,
  totalTokens: Schema.Number,
  /** Total cost in US dollars, rounded to a billionth of a dollar. */
  costUsd: SummedUsd
})
export interface RunStats extends Schema.Schema.Type<typeof RunStats> {}

/** The row of `Queries.agentMetrics`, from either driver: the metrics without the agent. */
export const AgentMetricsRow = Schema.suspend(() =>
  Schema.Struct({
    totalInvocations: Num,
    successRate: Num,
    failureRate: Num,
    avgQualityScore: Num,
    avgTokensPerInvocation: Num
  })
)

/** The row of `Queries.runStats`, from either driver. */
export const RunStatsRow = Schema.suspend(() =>
  Schema.Struct({
    totalRuns: Num,
    completedRuns: Num,
    errorRuns: Num,
    cancelledRuns: Num,
    runningRuns: Num,
    llmCalls: Num,
    inputTokens: Num,
    outputTokens: Num,
    totalTokens: Num,
    costUsd: Schema.compose(Num, SummedUsd)
  })
)

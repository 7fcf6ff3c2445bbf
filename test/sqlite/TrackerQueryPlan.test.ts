/**
 * The statements the tracker runs (built by the very functions it calls) are
 * answered from an index, never by scanning a table or sorting it.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type * as Statement from "@effect/sql/Statement"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Queries from "../../src/tracker/Queries.js"
import { TestLayer } from "../tracker/TrackerLayer.js"

const PlanRow = Schema.Struct({ detail: Schema.String })

const planOf = (sql: SqlClient.SqlClient, statement: Statement.Statement<unknown>) => {
  const [text, params] = statement.compile()
  return sql.unsafe(`EXPLAIN QUERY PLAN ${text}`, params).pipe(
    Effect.flatMap(Schema.decodeUnknown(Schema.Array(PlanRow))),
    Effect.map((rows) => rows.map((row) => row.detail))
  )
}

const TABLES = /^(SCAN|SEARCH) (execution_traces|agent_invocations|trace_events|llm_usage)\b/

/**
 * A table access that reads the whole table, or a sort that could not use an
 * index. (Scanning a one-row subquery result, `SCAN runs`, is no table scan.)
 */
const unindexed = (detail: string) =>
  TABLES.test(detail)
    ? !/USING (COVERING INDEX|INDEX|INTEGER PRIMARY KEY|PRIMARY KEY)\b/.test(detail)
    : /TEMP B-TREE/.test(detail)

const ending: Queries.TraceEnding = {
  status: "completed",
  tokenUsage: null,
  metadata: null,
  error: null
}
const noValues: Queries.InvocationValues = {
  completedAt: null,
  outcome: null,
  qualityScore: null,
  tokenUsage: null,
  outputSummary: null,
  error: null
}

const statements = (sql: SqlClient.SqlClient): ReadonlyArray<readonly [string, Statement.Statement<unknown>]> => [
  ["recentTraces", Queries.recentTraces(sql, "p", 20, 40)],
  ["invocations", Queries.invocations(sql, "t")],
  ["events", Queries.events(sql, "t", undefined)],
  ["events by type", Queries.events(sql, "t", "tool_called")],
  ["llmUsage by agent", Queries.llmUsage(sql, { agent: "a" }, 100)],
  ["llmUsage by trace", Queries.llmUsage(sql, { traceId: "t" }, 100)],
  ["llmUsage by agent and trace", Queries.llmUsage(sql, { agent: "a", traceId: "t" }, 100)],
  ["llmUsage, all", Queries.llmUsage(sql, {}, 100)],
  ["getTrace", Queries.selectTrace(sql, "t")],
  ["trace status", Queries.selectTraceStatus(sql, "t")],
  ["completeTrace", Queries.endTrace(sql, "t", ending, "2024-01-01T00:00:00.000Z")],
  ["recordInvocation", Queries.insertInvocation(sql, { ...noValues, traceId: "t", agent: "a", taskFragment: null, startedAt: "2024-01-01T00:00:00.000Z" })],
  ["updateInvocation", Queries.updateInvocation(sql, 1, noValues)],
  ["agentMetrics", Queries.agentMetrics(sql, "a", "2024-01-01T00:00:00.000Z")],
  ["agentMetrics, all time", Queries.agentMetrics(sql, "a", undefined)],
  ["stats of an agent", Queries.runStats(sql, "a")]
]

describe("ExecutionTracker query plans", () => {
  it.effect("every statement reads through an index, with no table scan and no sort", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const plans: Record<string, ReadonlyArray<string>> = {}
      for (const [name, statement] of statements(sql)) plans[name] = yield* planOf(sql, statement)
      for (const [name, plan] of Object.entries(plans)) {
        expect(plan.length, name).toBeGreaterThan(0)
        expect(plan.filter(unindexed), `${name}: ${plan.join(" | ")}`).toEqual([])
      }
      expect(plans["recentTraces"]).toEqual(["SEARCH execution_traces USING INDEX idx_execution_traces_project (project_id=?)"])
      expect(plans["invocations"]).toEqual(["SEARCH agent_invocations USING INDEX idx_agent_invocations_trace (trace_id=?)"])
      expect(plans["events"]).toEqual(["SEARCH trace_events USING INDEX idx_trace_events_trace (trace_id=?)"])
      expect(plans["llmUsage by agent"]).toEqual(["SEARCH llm_usage USING INDEX idx_llm_usage_agent (agent=?)"])
      expect(plans["llmUsage by trace"]).toEqual(["SEARCH llm_usage USING INDEX idx_llm_usage_trace (trace_id=?)"])
      expect(plans["llmUsage, all"]).toEqual(["SCAN llm_usage USING INDEX idx_llm_usage_timestamp"])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("the check sees a scan and a sort when there is one", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const plan = yield* planOf(sql, sql`SELECT * FROM llm_usage WHERE model = ${"m"} ORDER BY latency_ms`)
      expect(plan.filter(unindexed)).toEqual(["SCAN llm_usage", "USE TEMP B-TREE FOR ORDER BY"])
    }).pipe(Effect.provide(TestLayer)))
})

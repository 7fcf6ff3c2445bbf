/**
 * The tracker's and maintenance's statements compiled for PostgreSQL (without
 * a server): none of SQLite's own functions or syntax reaches them, every
 * value is a bound parameter, and camelCase result names are quoted (so that
 * PostgreSQL does not fold them to lower case).
 */
import type * as Statement from "@effect/sql/Statement"
import { describe, expect, it } from "@effect/vitest"
import { checkpointBeyond, keyIn, workflowIdleBefore } from "../../src/maintenance/Queries.js"
import * as Queries from "../../src/tracker/Queries.js"
import * as RunQueries from "../../src/tracker/RunQueries.js"
import { compileText, pgSql, sqliteSql } from "../support/CompileOnly.js"

const SQLITE_ONLY = /json_patch|json_extract|json_each|julianday|strftime|\btotal\(|\bmax\(0|\+t\.|rowid|pragma|INSERT OR|LIMIT -1/i

const at = "2030-01-02T03:04:05.678Z"
const values: Queries.InvocationValues = {
  completedAt: null,
  outcome: "success",
  qualityScore: 0.5,
  tokenUsage: "{\"totalTokens\":3}",
  outputSummary: null,
  error: null
}

const statements = (sql: Statement.Constructor): ReadonlyArray<readonly [string, Statement.Fragment]> => [
  ["insertTrace", Queries.insertTrace(sql, { id: "t", project_id: "p", task_id: "k", prompt: "x", agent_id: null, metadata: null, started_at: at })],
  ["endTrace", Queries.endTrace(sql, "t", { status: "completed", tokenUsage: null, metadata: "{\"a\":null}", error: null }, at)],
  ["insertInvocation", Queries.insertInvocation(sql, { ...values, traceId: "t", agent: "a", taskFragment: null, startedAt: at })],
  ["agentMetrics", Queries.agentMetrics(sql, "a", at)],
  ["runStats", Queries.runStats(sql, "a")],
  ["findTraces", RunQueries.findTraces(sql, { agentId: "a", status: "error", text: "50%_off", after: { startedAt: at, id: "t" } }, 10)],
  ["dailyUsage", RunQueries.dailyUsage(sql, at, undefined)],
  ["agentHealth", RunQueries.agentHealth(sql, at, at)],
  ["prune key list", keyIn(sql, "id", ["a", "b"])],
  ["idle workflow states", workflowIdleBefore(sql, at)],
  ["checkpoints beyond keepLast", checkpointBeyond(sql, 5)]
]

describe("tracker and maintenance SQL per dialect", () => {
  it("PostgreSQL gets none of SQLite's own SQL, and binds every value", () => {
    for (const [name, statement] of statements(pgSql)) {
      const compiled = compileText(pgSql, statement)
      expect(compiled.sql, name).not.toMatch(SQLITE_ONLY)
      expect(compiled.sql, name).not.toContain("?")
      const placeholders = new Set(compiled.sql.match(/\$\d+/g) ?? [])
      expect(placeholders.size, name).toBe(compiled.params.length)
      expect(compiled.params, name).not.toContain(undefined)
    }
  })

  it("result names in camelCase are quoted on both dialects", () => {
    for (const sql of [pgSql, sqliteSql]) {
      const text = compileText(sql, Queries.runStats(sql, undefined)).sql
      expect(text).toContain(`AS "totalRuns"`)
      expect(text).toContain(`AS "costUsd"`)
      expect(text).not.toMatch(/AS [a-z]+[A-Z]\w*/)
    }
  })

  it("SQLite keeps its own forms: json_patch for metadata, julianday for durations, total for costs", () => {
    const ended = compileText(sqliteSql, Queries.endTrace(sqliteSql, "t", { status: "completed", tokenUsage: null, metadata: "{}", error: null }, at))
    expect(ended.sql).toContain("json_patch(coalesce(metadata, '{}'), ?)")
    expect(ended.sql).toContain("julianday(?) - julianday(started_at)")
    expect(compileText(sqliteSql, Queries.runStats(sqliteSql, undefined)).sql).toContain("total(cost_usd)")
    expect(compileText(pgSql, Queries.runStats(pgSql, undefined)).sql).toContain("coalesce(sum(cost_usd), 0)::double precision")
  })
})

/**
 * SQLite: the statements the AgentRegistry runs (built by the very functions
 * it calls) are answered from an index, never by scanning a table or sorting.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type * as Statement from "@effect/sql/Statement"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { AgentRegistry } from "../../src/AgentRegistry.js"
import * as Queries from "../../src/agents/Queries.js"
import { coreLayerMemory } from "../../src/Core.js"

const TestLayer = AgentRegistry.DefaultWithoutDependencies.pipe(Layer.provideMerge(coreLayerMemory))

const PlanRow = Schema.Struct({ detail: Schema.String })

const planOf = (sql: SqlClient.SqlClient, statement: Statement.Statement<unknown>) => {
  const [text, params] = statement.compile()
  return sql.unsafe(`EXPLAIN QUERY PLAN ${text}`, params).pipe(
    Effect.flatMap(Schema.decodeUnknown(Schema.Array(PlanRow))),
    Effect.map((rows) => rows.map((row) => row.detail))
  )
}

const TABLES = /^(SCAN|SEARCH) (agents|agent_sessions|agent_session_logs|[a-z]+)\b/

/** A table access that reads the whole table, or a sort that could not use an index. */
const unindexed = (detail: string) =>
  TABLES.test(detail)
    ? !/USING (COVERING INDEX|INDEX|INTEGER PRIMARY KEY|PRIMARY KEY)\b/.test(detail)
    : /TEMP B-TREE/.test(detail)

const noChanges: Queries.AgentChanges = {
  name: null,
  model: null,
  small_model: null,
  instructions: null,
  tools: null,
  mcp_server_ids: null,
  knowledge_ids: null,
  accessible_paths: null,
  permission_mode: null,
  max_steps: null,
  configuration: null
}

const log = (parent_id: number | null): Queries.LogInsert => ({
  session_id: "s",
  parent_id,
  role: "user",
  type: "message",
  content: "1",
  metadata: null,
  created_at: "2026-01-01T00:00:00.000Z"
})

const statements = (sql: SqlClient.SqlClient): ReadonlyArray<readonly [string, Statement.Statement<unknown>]> => [
  ["updateAgent", Queries.updateAgent(sql, "a", noChanges, "t")],
  ["getAgent", Queries.selectAgent(sql, "a")],
  ["listAgents", Queries.listAgents(sql, 100, 200)],
  ["deleteAgent", Queries.deleteAgent(sql, "a")],
  ["createSession", Queries.insertSession(sql, { id: "s", agent_id: "a", name: null, overrides: "{}", created_at: "t" })],
  ["updateSessionStatus", Queries.updateSessionStatus(sql, "s", "running", "t")],
  ["getSession", Queries.selectSession(sql, "s")],
  ["listSessions", Queries.listSessions(sql, {}, 100, 0)],
  ["listSessions of an agent", Queries.listSessions(sql, { agentId: "a" }, 100, 0)],
  ["listSessions in a status", Queries.listSessions(sql, { status: "idle" }, 100, 0)],
  ["listSessions of an agent in a status", Queries.listSessions(sql, { agentId: "a", status: "idle" }, 100, 0)],
  ["effectiveConfig", Queries.selectEffectiveConfig(sql, "s")],
  ["appendLog", Queries.insertLog(sql, log(null))],
  ["appendLog below a parent", Queries.insertLog(sql, log(7))],
  ["session exists", Queries.sessionExists(sql, "s")],
  ["logs", Queries.logs(sql, "s", 1000, 0)],
  ["logTree, first page", Queries.logsAfter(sql, "s", undefined, 2000)],
  ["logTree, next page", Queries.logsAfter(sql, "s", 7, 2000)]
]

/** Unfiltered pages walk the table in the order of its integer key (no sort) and stop at the limit. */
const keyOrderScans: Record<string, ReadonlyArray<string>> = {
  listAgents: ["SCAN agents"],
  listSessions: ["SCAN agent_sessions"]
}

describe("AgentRegistry query plans (SQLite)", () => {
  it.effect("every statement reads through an index, with no table scan and no sort", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      for (const [name, statement] of statements(sql)) {
        const plan = yield* planOf(sql, statement)
        if (name in keyOrderScans) expect(plan, name).toEqual(keyOrderScans[name])
        else expect(plan.filter(unindexed), `${name}: ${plan.join(" | ")}`).toEqual([])
      }
      expect(yield* planOf(sql, Queries.logsAfter(sql, "s", undefined, 2000))).toEqual([
        "SEARCH agent_session_logs USING INDEX idx_agent_session_logs_session (session_id=?)"
      ])
      expect(yield* planOf(sql, Queries.logsAfter(sql, "s", 7, 2000))).toEqual([
        "SEARCH agent_session_logs USING INDEX idx_agent_session_logs_session (session_id=? AND id>?)"
      ])
      expect(yield* planOf(sql, Queries.listSessions(sql, { agentId: "a" }, 100, 0))).toEqual([
        "SEARCH agent_sessions USING INDEX idx_agent_sessions_agent (agent_id=?)"
      ])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("the check sees a scan and a sort when there is one", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const plan = yield* planOf(sql, sql`SELECT * FROM agents WHERE model = ${"m"} ORDER BY name`)
      expect(plan.filter(unindexed)).toEqual(["SCAN agents", "USE TEMP B-TREE FOR ORDER BY"])
    }).pipe(Effect.provide(TestLayer)))
})

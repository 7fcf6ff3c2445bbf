/**
 * Shared pieces of the TrajectoryStore specs: the ATIF fixture,
 * trajectory builders and direct reads of the tables.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { readFileSync } from "node:fs"
import { Num } from "../../src/database/Columns.js"
import type { Trajectory } from "../../src/TrajectoryStore.js"

/** The shared ATIF fixture, as text. */
export const fixtureText = readFileSync(new URL("../fixtures/atif/coding-agent.json", import.meta.url), "utf8")

/** The fixture, parsed afresh (JSON.parse gives `any`, usable as a `Trajectory`). */
export const fixture = (): Trajectory => JSON.parse(fixtureText)

/** A copy of the fixture with another session id and agent. */
export const variant = (sessionId: string, patch: { agent?: string; model?: string; message?: string } = {}): Trajectory => {
  const t = JSON.parse(fixtureText)
  t.session_id = sessionId
  if (patch.agent !== undefined) t.agent.name = patch.agent
  if (patch.model !== undefined) t.agent.model_name = patch.model
  if (patch.message !== undefined) t.steps[1].message = patch.message
  return t
}

/** A minimal valid trajectory of `steps` user/agent steps. */
export const tiny = (sessionId: string, text = "hello world"): Trajectory => ({
  schema_version: "ATIF-v1.6",
  session_id: sessionId,
  agent: { name: "tiny", version: "1.0" },
  steps: [
    { step_id: 1, source: "user", message: text },
    { step_id: 2, source: "agent", message: `answer to ${text}` }
  ]
})

/** The same trajectory at another point: the first step of `tiny(sessionId)`, then `answer`. */
export const grown = (sessionId: string, answer: string): Trajectory => ({
  ...tiny(sessionId),
  steps: [...tiny(sessionId).steps.slice(0, 1), { step_id: 2, source: "agent", message: answer }]
})

const Count = Schema.Tuple(Schema.Struct({ n: Num }))

/** How many rows `table` holds. */
export const countRows = (table: "trajectories" | "testgen_trajectories" | "records") =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql`SELECT count(*) AS n FROM ${sql(table)}`.pipe(
      Effect.flatMap(Schema.decodeUnknown(Count)),
      Effect.map(([row]) => row.n),
      Effect.orDie
    ))

/**
 * Runs FTS5's integrity-check on `trajectories_fts` (fails if the index drifted from the table);
 * nothing on PostgreSQL, whose `search` tsvector is a generated column.
 */
export const ftsIntegrity = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  sql.onDialectOrElse({
    pg: () => Effect.void,
    orElse: () => sql`INSERT INTO trajectories_fts (trajectories_fts, rank) VALUES ('integrity-check', 1)`.pipe(Effect.orDie)
  }))

/** The number of FTS rows matching a raw FTS5 query (PostgreSQL: its words), straight from the index. */
export const ftsMatches = (query: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql.onDialectOrElse({
      pg: () => sql`SELECT count(*) AS n FROM trajectories WHERE search @@ plainto_tsquery('simple', ${query})`,
      orElse: () => sql`SELECT count(*) AS n FROM trajectories_fts WHERE trajectories_fts MATCH ${query}`
    }).pipe(
      Effect.flatMap(Schema.decodeUnknown(Count)),
      Effect.map(([row]) => row.n),
      Effect.orDie
    ))

/** The stored `data` text of a session. */
export const storedData = (sessionId: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql`SELECT CAST(data AS TEXT) AS data FROM trajectories WHERE session_id = ${sessionId}`.pipe(
      Effect.flatMap(Schema.decodeUnknown(Schema.Tuple(Schema.Struct({ data: Schema.String })))),
      Effect.map(([row]) => row.data),
      Effect.orDie
    ))

/** A deterministic pseudo-random generator (mulberry32). */
export const random = (seed: number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const WORDS = [
  "parser", "config", "loader", "hyphen", "regex", "assert", "pytest", "module", "import", "fixture",
  "deploy", "branch", "commit", "router", "schema", "vector", "buffer", "socket", "thread", "kernel"
]

/**
 * A valid trajectory of about `bytes` bytes of JSON: agent steps with tool
 * calls and long observation contents, plus unknown fields at every level.
 */
export const bigTrajectory = (sessionId: string, bytes: number): Trajectory => {
  const next = random(42)
  const text = (length: number) => {
    const parts: Array<string> = []
    let size = 0
    while (size < length) {
      const word = WORDS[Math.floor(next() * WORDS.length)]! + Math.floor(next() * 1000)
      parts.push(word)
      size += word.length + 1
    }
    return parts.join(" ")
  }
  const steps: Array<Record<string, unknown>> = [{ step_id: 1, source: "user", message: "Make the build green.", x_user: { a: 1 } }]
  let size = 0
  let id = 2
  while (size < bytes) {
    const output = text(20_000)
    size += output.length + 400
    steps.push({
      step_id: id,
      timestamp: new Date(Date.UTC(2026, 10, 20, 9, 0, id)).toISOString(),
      source: "agent",
      model_name: "claude-sonnet-4-5",
      message: `Step ${id}: running the checks`,
      tool_calls: [{ tool_call_id: `call_${id}`, function_name: "bash", arguments: { command: `make test-${id}` } }],
      observation: { results: [{ source_call_id: `call_${id}`, content: output, extra: { exit: 0 } }] },
      metrics: { prompt_tokens: 1000 + id, completion_tokens: 50, cost_usd: 0.001 },
      x_unknown_step_field: { id, nested: [1, "two", null, true] }
    })
    id++
  }
  return JSON.parse(JSON.stringify({
    schema_version: "ATIF-v1.6",
    session_id: sessionId,
    x_top_level_unknown: "kept",
    agent: { name: "big", version: "0.1", extra: { z: 1, a: 2 } },
    steps,
    final_metrics: { total_steps: steps.length, extra: { note: "big" } }
  }))
}

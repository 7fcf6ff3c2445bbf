import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import Sqlite from "better-sqlite3"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import { readFileSync } from "node:fs"
import * as path from "node:path"
import { gunzipSync } from "node:zlib"
import { AuditLog } from "../../src/AuditLog.js"
import { ExecutionTracker } from "../../src/ExecutionTracker.js"
import * as Logbook from "../../src/Logbook.js"
import * as Maintenance from "../../src/Maintenance.js"
import { TrajectoryStore } from "../../src/TrajectoryStore.js"
import { eventually } from "../support/Poll.js"
import { tempDir } from "../support/TempDir.js"
import { trajectoryOf } from "../writeBehind/GenerationFlow.js"

const OLD = "2020-01-01T00:00:00.000Z"

/** Stores old and new rows of every pruned kind; returns the ids of each. */
const seed = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const audit = yield* AuditLog
  const tracker = yield* ExecutionTracker
  const trajectories = yield* TrajectoryStore
  const oldAudit = yield* audit.logMany(
    Array.from({ length: 30 }, (_, i) => ({ action: `old-${i}`, category: "agent" as const, timestamp: OLD }))
  )
  const newAudit = yield* audit.logMany(Array.from({ length: 5 }, (_, i) => ({ action: `new-${i}`, category: "user" as const })))
  const traces = []
  for (let i = 0; i < 4; i++) {
    const trace = yield* tracker.startTrace({ projectId: "p", taskId: `t${i}`, prompt: `prompt ${i}` })
    yield* tracker.recordInvocation({ traceId: trace.id, agent: "builder" })
    yield* tracker.recordInvocation({ traceId: trace.id, agent: "tester" })
    for (let e = 0; e < 5; e++) yield* tracker.recordEvent(trace.id, { type: "step", data: { e } })
    yield* tracker.recordLlmUsage({ provider: "anthropic", model: "m", traceId: trace.id, inputTokens: 10, outputTokens: 5 })
    traces.push(trace.id)
  }
  yield* trajectories.save({ ...trajectoryOf("old-session", 2), steps: [{ step_id: 1, source: "agent", message: "ancient refactor of the parser" }] })
  yield* trajectories.save({ ...trajectoryOf("new-session", 2), steps: [{ step_id: 1, source: "agent", message: "fresh refactor of the lexer" }] })
  yield* Logbook.flush
  const [oldTraces, newTraces] = [traces.slice(0, 3), traces.slice(3)]
  const oldJson = JSON.stringify(oldTraces)
  yield* sql`UPDATE execution_traces SET started_at = ${OLD} WHERE id IN (SELECT value FROM json_each(${oldJson}))`
  yield* sql`UPDATE llm_usage SET timestamp = ${OLD} WHERE trace_id IN (SELECT value FROM json_each(${oldJson}))`
  yield* sql`UPDATE trajectories SET created_at = ${OLD} WHERE session_id = 'old-session'`
  return { oldAudit, newAudit, oldTraces, newTraces }
})

const readArchive = (file: string) =>
  gunzipSync(readFileSync(file))
    .toString("utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as { table: string; row: Record<string, unknown> })

describe("Maintenance", () => {
  it.scopedLive("prune archives exactly the rows it deletes, keeps the rest, and search stays consistent", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const archive = path.join(dir, "archive.jsonl.gz")
      const ids = yield* seed
      const report = yield* Maintenance.prune({ olderThan: "30 days", archive })
      expect(report.deleted).toMatchObject({
        audit_logs: 30,
        execution_traces: 3,
        agent_invocations: 6,
        trace_events: 15,
        llm_usage: 3,
        trajectories: 1
      })
      const lines = readArchive(archive)
      expect(lines).toHaveLength(report.total)
      const archived = (table: string, key: string) => lines.filter((l) => l.table === table).map((l) => l.row[key]).sort()
      expect(archived("audit_logs", "id")).toEqual([...ids.oldAudit].sort())
      expect(archived("execution_traces", "id")).toEqual([...ids.oldTraces].sort())
      expect(lines.filter((l) => l.table === "agent_invocations").every((l) => ids.oldTraces.includes(String(l.row.trace_id)))).toBe(true)
      expect(archived("trajectories", "session_id")).toEqual(["old-session"])

      const sql = yield* SqlClient.SqlClient
      const remaining = yield* sql<{ t: string; n: number }>`
        SELECT 'audit' AS t, count(*) AS n FROM audit_logs UNION ALL
        SELECT 'traces', count(*) FROM execution_traces UNION ALL
        SELECT 'invocations', count(*) FROM agent_invocations UNION ALL
        SELECT 'events', count(*) FROM trace_events UNION ALL
        SELECT 'usage', count(*) FROM llm_usage UNION ALL
        SELECT 'trajectories', count(*) FROM trajectories`
      expect(Object.fromEntries(remaining.map((r) => [r.t, r.n]))).toEqual({
        audit: 5,
        traces: 1,
        invocations: 2,
        events: 5,
        usage: 1,
        trajectories: 1
      })
      const checks = yield* Maintenance.checkSearch
      expect(checks.length).toBeGreaterThan(1)
      expect(checks.every((check) => check.ok)).toBe(true)
      const trajectories = yield* TrajectoryStore
      expect((yield* trajectories.search({ query: "refactor" })).map((hit) => hit.sessionId)).toEqual(["new-session"])

      const again = yield* Maintenance.prune({ olderThan: "30 days" })
      expect(again.total).toBe(0)
    }).pipe(Effect.provide(Logbook.layerMemory)))

  it.scopedLive("a backup taken while writes go on passes integrity_check", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "live.db")
      const copy = path.join(dir, "copy.db")
      yield* Effect.gen(function*() {
        const audit = yield* AuditLog
        yield* audit.logMany(Array.from({ length: 2_000 }, (_, i) => ({ action: `seed-${i}`, category: "agent" as const, details: { i, pad: "x".repeat(200) } })))
        let written = 0
        const writer = yield* Effect.fork(
          Effect.forever(
            audit.log({ action: "during-backup", category: "state" }).pipe(
              Effect.tap(() => Effect.sync(() => written++)),
              Effect.zipRight(Effect.sleep("1 millis"))
            )
          )
        )
        yield* eventually(Effect.try(() => expect(written).toBeGreaterThan(0)))
        const before = written
        yield* Maintenance.backup(copy)
        yield* eventually(Effect.try(() => expect(written).toBeGreaterThan(before)))
        yield* Fiber.interrupt(writer)
      }).pipe(Effect.provide(Logbook.layer({ url })))
      const db = new Sqlite(copy, { readonly: true })
      const integrity = db.prepare("SELECT integrity_check FROM pragma_integrity_check").all()
      const seeded = db.prepare("SELECT count(*) AS n FROM audit_logs WHERE action LIKE 'seed-%'").get() as { n: number }
      db.close()
      expect(integrity).toEqual([{ integrity_check: "ok" }])
      expect(seeded.n).toBe(2_000)
    }))

  it.scopedLive("doctor reports a healthy database, then a drifted search index", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "doctor.db")
      const healthy = yield* Maintenance.doctor.pipe(Effect.provide(Logbook.layer({ url })))
      expect(healthy.ok).toBe(true)
      expect(healthy.integrity).toEqual(["ok"])
      expect(healthy.journalMode).toBe("wal")
      expect(healthy.migrations.pending).toEqual([])
      const raw = new Sqlite(url)
      raw.exec("INSERT INTO lessons_fts (rowid, title, summary, details) VALUES (999, 'ghost', 'ghost', 'ghost')")
      raw.close()
      const drifted = yield* Maintenance.doctor.pipe(Effect.provide(Logbook.layer({ url })))
      expect(drifted.ok).toBe(false)
      expect(drifted.searchIndexes.find((check) => check.table === "lessons_fts")?.ok).toBe(false)
      const rebuilt = yield* Effect.zipRight(Maintenance.rebuildSearch, Maintenance.doctor).pipe(Effect.provide(Logbook.layer({ url })))
      expect(rebuilt.ok).toBe(true)
    }))
})

import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import Sqlite from "better-sqlite3"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Logger from "effect/Logger"
import * as Metric from "effect/Metric"
import * as Schedule from "effect/Schedule"
import * as path from "node:path"
import { AuditLog } from "../../src/AuditLog.js"
import { Database } from "../../src/Database.js"
import { optionsFromEnvironment, resolveOptions } from "../../src/database/DatabaseOptions.js"
import * as Logbook from "../../src/Logbook.js"
import { retentionDeleted } from "../../src/maintenance/Prune.js"
import { tempDir } from "../support/TempDir.js"
import * as ConfigProvider from "effect/ConfigProvider"

const OLD = "2020-01-01T00:00:00.000Z"
const POLICY = { audit: "30 days", every: "1 second", startAfter: "0 seconds" } as const

/** A logger that keeps every line (level, message, annotations) for the test to read. */
const collectLogs = () => {
  const lines: Array<{ level: string; message: string; annotations: Record<string, unknown> }> = []
  const logger = Logger.make(({ annotations, logLevel, message }) => {
    lines.push({
      level: logLevel.label,
      message: Array.isArray(message) ? message.map(String).join(" ") : String(message),
      annotations: Object.fromEntries(annotations)
    })
  })
  return { lines, layer: Logger.add(logger) }
}

/** Polls `condition` every 20 ms until it holds (the test's own timeout bounds the wait). */
const eventually = <E, R>(condition: Effect.Effect<boolean, E, R>) =>
  condition.pipe(
    Effect.repeat({ schedule: Schedule.spaced("20 millis"), until: (ok) => ok }),
    Effect.asVoid
  )

const countOld = Effect.flatMap(SqlClient.SqlClient, (sql) => sql<{ n: number }>`SELECT count(*) AS n FROM audit_logs WHERE timestamp = ${OLD}`)
  .pipe(Effect.map((rows) => rows[0]!.n), Effect.orDie)

const seedOld = Effect.flatMap(AuditLog, (audit) =>
  audit.logMany(Array.from({ length: 30 }, (_, i) => ({ action: `old-${i}`, category: "agent" as const, timestamp: OLD }))))

const deletedAudit = Metric.value(Metric.tagged(retentionDeleted, "table", "audit_logs")).pipe(Effect.map((state) => state.count))

describe("background retention", () => {
  it.scopedLive("applies the configured policy on its schedule, counts the rows in logbook_retention_deleted and logs one line per run", () => {
    const logs = collectLogs()
    return Effect.gen(function*() {
      const dir = yield* tempDir
      const before = yield* deletedAudit
      yield* Effect.gen(function*() {
        yield* seedOld
        const logged = Effect.sync(() => logs.lines.some((line) => String(line.annotations.deleted).includes("\"audit_logs\":30")))
        yield* eventually(logged)
        expect(yield* countOld).toBe(0)
        const audit = yield* AuditLog
        expect((yield* audit.query({})).length).toBe(0)
      }).pipe(Effect.provide(Logbook.layer({ url: path.join(dir, "db.sqlite"), retention: POLICY })))
      expect((yield* deletedAudit) - before).toBeGreaterThanOrEqual(30)
      const runs = logs.lines.filter((line) => line.message.startsWith("retention deleted"))
      expect(runs.length).toBeGreaterThan(0)
      expect(runs.some((line) => String(line.annotations.deleted).includes("\"audit_logs\":30"))).toBe(true)
    }).pipe(Effect.provide(logs.layer))
  }, 30_000)

  it.scopedLive("is off unless configured, and a malformed policy (option or LOGBOOK_RETENTION) is a clear error", () =>
    Effect.gen(function*() {
      const resolved = resolveOptions({ url: ":memory:" })
      expect(Either.isRight(resolved) && resolved.right.retention).toBe(undefined)
      const exit = yield* Effect.exit(Effect.provide(Database, Database.layer({
        url: ":memory:",
        retention: { audit: "ninety days", checkpoints: { keepLast: -1 }, records: { x: "1 fortnight" }, tables: 1 } as never
      })))
      expect(exit).toMatchObject({ _tag: "Failure" })
      if (Exit.isFailure(exit)) {
        const message = String(exit.cause._tag === "Fail" ? exit.cause.error.message : "")
        expect(message).toMatch(/^invalid retention policy: /)
        for (const part of ["audit:", "checkpoints.keepLast:", "records.x:", "tables: unknown entry"]) expect(message).toContain(part)
      }
      const env = (text: string) =>
        Effect.withConfigProvider(optionsFromEnvironment, ConfigProvider.fromMap(new Map([["LOGBOOK_RETENTION", text]])))
      const good = yield* env(JSON.stringify({ audit: "90 days", traces: "30d", checkpoints: { keepLast: 20 }, records: { "planner.session": "180 days" } }))
      expect(good.retention?.checkpoints?.keepLast).toBe(20)
      const bad = yield* Effect.either(env("{\"audit\": 5, \"checkpoints\": {}}"))
      expect(Either.isLeft(bad) && String(bad.left)).toMatch(/invalid LOGBOOK_RETENTION: checkpoints: expected keepLast, olderThan or both/)
      const notJson = yield* Effect.either(env("audit=90d"))
      expect(Either.isLeft(notJson) && String(notJson.left)).toMatch(/invalid LOGBOOK_RETENTION: not JSON/)
    }))

  it.scopedLive("skips and logs while the database is read-only or locked by another process, the flow goes on, and prunes once it is back", () => {
    const logs = collectLogs()
    return Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "db.sqlite")
      yield* Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        const audit = yield* AuditLog
        const skipped = (reason: string) =>
          Effect.sync(() => logs.lines.some((line) => line.level === "WARN" && line.message.includes("retention run skipped") && line.message.includes(reason)))
        // The agent's flow: records that never wait on the database.
        let recorded = 0
        let slowest = 0
        const flow = yield* Effect.fork(Effect.forever(Effect.gen(function*() {
          const started = performance.now()
          yield* audit.record({ action: `flow-${recorded}`, category: "agent" })
          slowest = Math.max(slowest, performance.now() - started)
          recorded++
          yield* Effect.sleep("5 millis")
        })))

        // Read-only for a while.
        yield* sql.unsafe("PRAGMA query_only = ON")
        yield* seedOld.pipe(Effect.ignore)
        yield* sql.unsafe("PRAGMA query_only = OFF")
        yield* seedOld
        yield* sql.unsafe("PRAGMA query_only = ON")
        yield* eventually(skipped("ReadOnly"))
        expect(yield* countOld).toBe(30)
        yield* sql.unsafe("PRAGMA query_only = OFF")
        yield* eventually(Effect.map(countOld, (n) => n === 0))

        // Locked by another process's connection for a while.
        yield* seedOld
        const other = new Sqlite(url)
        other.exec("BEGIN IMMEDIATE")
        const recordedBefore = recorded
        yield* eventually(skipped("Busy"))
        expect(recorded).toBeGreaterThan(recordedBefore)
        other.exec("COMMIT")
        other.close()
        yield* eventually(Effect.map(countOld, (n) => n === 0))

        yield* Fiber.interrupt(flow)
        yield* Logbook.flush
        const stored = yield* sql<{ n: number }>`SELECT count(*) AS n FROM audit_logs WHERE action LIKE 'flow-%'`
        expect(stored[0]!.n).toBe(recorded)
        // record returned at once throughout: it never waited on the locked or read-only database (the flow went on
        // while the lock was held, above). The bound leaves room for a process descheduled on a loaded machine.
        expect(slowest).toBeLessThan(1_000)
      }).pipe(Effect.provide(Logbook.layer({ url, busyTimeout: "20 millis", retention: POLICY })))
    }).pipe(Effect.provide(logs.layer))
  }, 60_000)
})

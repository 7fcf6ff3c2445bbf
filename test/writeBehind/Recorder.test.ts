import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as TestClock from "effect/TestClock"
import * as path from "node:path"
import { AuditLog } from "../../src/AuditLog.js"
import { coreOn } from "../../src/Core.js"
import { Database } from "../../src/Database.js"
import * as Logbook from "../../src/Logbook.js"
import { AuditSink } from "../../src/audit/AuditSink.js"
import { WriteBehind } from "../../src/writeBehind/WriteBehind.js"
import { layerWith } from "../../src/writeBehind/WriteBehindLive.js"
import * as Metrics from "../../src/writeBehind/Metrics.js"
import { tempDir } from "../support/TempDir.js"
import { range, readStored } from "./Stored.js"

const countAudit = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  sql<{ n: number }>`SELECT count(*) AS n FROM audit_logs`.pipe(Effect.orDie, Effect.map((rows) => rows[0]!.n)))

const entryRecord = {
  timestamp: "2025-02-01T00:00:00.000Z",
  projectId: null,
  taskId: null,
  agent: null,
  action: "prepared",
  category: "agent" as const,
  details: null,
  userId: null,
  ipAddress: null
}

const entry = (step: number) => ({ projectId: "flow", action: `step-${step}`, category: "agent" as const, details: { step } })

describe("write-behind recorder", () => {
  it.scopedLive("record returns before anything is written; flush makes it durable", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      yield* Effect.forEach(range(500), (step) => audit.record(entry(step)), { discard: true })
      const before = yield* countAudit
      expect(before).toBeLessThan(500)
      yield* Logbook.flush
      expect(yield* countAudit).toBe(500)
    }).pipe(Effect.provide(Logbook.layerMemory)))

  it.scopedLive("releasing the layer flushes what is pending", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "release.db")
      yield* Effect.flatMap(AuditLog, (audit) => Effect.forEach(range(2_000), (step) => audit.record(entry(step)), { discard: true }))
        .pipe(Effect.provide(Logbook.layer({ url })))
      expect(readStored(url).auditSteps).toEqual(range(2_000))
    }))

  it.scopedLive("past the memory bound, record waits for room instead of dropping", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "bounded.db")
      const core = coreOn(Database.layer({ url }))
      const small = Layer.merge(core, layerWith({ maxPending: 8, maxBatch: 4 }).pipe(Layer.provide(core)))
      yield* Effect.flatMap(AuditLog, (audit) =>
        Effect.forEach(range(300), (step) => audit.record(entry(step)), { concurrency: 16, discard: true }).pipe(
          Effect.zipRight(Logbook.flush)
        )).pipe(Effect.provide(AuditLog.DefaultWithoutDependencies.pipe(Layer.provideMerge(small))))
      expect([...readStored(url).auditSteps].sort((a, b) => a - b)).toEqual(range(300))
    }))

  it.scopedLive("metrics count records enqueued and committed", () =>
    Effect.gen(function*() {
      const enqueued = (yield* Metric.value(Metrics.recordsEnqueued)).count
      const committed = (yield* Metric.value(Metrics.recordsCommitted)).count
      const audit = yield* AuditLog
      yield* Effect.forEach(range(50), (step) => audit.record(entry(step)), { discard: true })
      yield* Logbook.flush
      expect((yield* Metric.value(Metrics.recordsEnqueued)).count - enqueued).toBe(50)
      expect((yield* Metric.value(Metrics.recordsCommitted)).count - committed).toBe(50)
    }).pipe(Effect.provide(Logbook.layerMemory)))

  it.scopedLive("an invalid record is a logged warning, never a failure, and is counted as refused", () =>
    Effect.gen(function*() {
      const refused = (yield* Metric.value(Metrics.recordsRefused)).count
      const audit = yield* AuditLog
      const invalid = { action: "x", category: "not-a-category" } as unknown as Parameters<typeof audit.record>[0]
      yield* audit.record(invalid)
      yield* Logbook.flush
      expect(yield* countAudit).toBe(0)
      expect((yield* Metric.value(Metrics.recordsRefused)).count - refused).toBe(1)
    }).pipe(Effect.provide(Logbook.layerMemory)))

  it.scoped("the writer prepares a record as of the instant of the call", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      yield* TestClock.setTime(Date.UTC(2025, 1, 1))
      yield* audit.record({ action: "stamped", category: "agent" })
      yield* TestClock.adjust("1 hour")
      yield* Logbook.flush
      const [stored] = yield* audit.query()
      expect(stored!.timestamp).toBe("2025-02-01T00:00:00.000Z")
    }).pipe(Effect.provide(Logbook.layerMemory)))

  it.scopedLive("the caller's fiber only hands the record over: preparing it is the writer's work", () =>
    Effect.gen(function*() {
      const writeBehind = yield* WriteBehind
      const callers: Array<boolean> = []
      const caller = yield* Effect.fiberId
      const prepare = Effect.flatMap(Effect.fiberId, (fiber) =>
        Effect.sync(() => {
          callers.push(fiber === caller)
          return entryRecord
        }))
      yield* writeBehind.submit(AuditSink, "Recorder.test", prepare)
      expect(callers).toEqual([])
      yield* Logbook.flush
      expect(callers).toEqual([false])
      expect(yield* countAudit).toBe(1)
    }).pipe(Effect.provide(Logbook.layerMemory)))
})

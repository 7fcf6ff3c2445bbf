import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as path from "node:path"
import { AuditLog } from "../../src/AuditLog.js"
import * as Logbook from "../../src/Logbook.js"
import { runScript } from "../support/ChildProcess.js"
import { tempDir } from "../support/TempDir.js"
import { keepingLogs, until } from "./Logs.js"

/** The longest the other process holds the lock; the spec has it let go as soon as the durable calls are done. */
const HOLD_MILLIS = 60_000
const RECORDS = 1_000
const BUSY_MILLIS = 4_000
const DURABLE_CALLS = 2

describe("another process holds the write lock for longer than busyTimeout", () => {
  it.scopedLive("the event loop never freezes, record returns at once, a durable call fails with Busy after busyTimeout", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "locked.db")
      const logs: Array<string> = []
      yield* Effect.gen(function*() {
        const audit = yield* AuditLog
        yield* audit.log({ projectId: "lock", action: "before", category: "agent" })
        let held = false
        let released = false
        let release = () => {}
        const holder = runScript("test/faults/fixtures/holdLock.ts", [url, String(HOLD_MILLIS)], {
          onStdout: (chunk, signal) => {
            release = () => signal("SIGUSR1")
            if (chunk.includes("HELD")) held = true
            if (chunk.includes("RELEASED")) released = true
          }
        })
        yield* until(() => held)
        const heldSince = Date.now()

        let maxLag = 0
        const monitor = yield* Effect.fork(Effect.forever(Effect.suspend(() => {
          const before = Date.now()
          return Effect.sleep("10 millis").pipe(Effect.tap(() => Effect.sync(() => {
            maxLag = Math.max(maxLag, Date.now() - before - 10)
          })))
        })))

        let slowestRecord = 0
        for (let i = 1; i <= RECORDS; i++) {
          const start = performance.now()
          yield* audit.record({ projectId: "lock", action: `record-${i}`, category: "agent", details: { i } })
          slowestRecord = Math.max(slowestRecord, performance.now() - start)
          if (i % 100 === 0) yield* Effect.sleep("200 millis")
        }

        const waits: Array<number> = []
        for (let call = 0; call < DURABLE_CALLS; call++) {
          const start = Date.now()
          const error = yield* Effect.flip(audit.log({ projectId: "lock", action: `durable-${call}`, category: "agent" }))
          waits.push(Date.now() - start)
          expect(error).toMatchObject({ _tag: "DatabaseError", reason: "Busy", operation: "AuditLog.log" })
        }
        const heldFor = Date.now() - heldSince
        release()
        yield* until(() => released)
        yield* Logbook.flush
        yield* Fiber.interrupt(monitor)
        const child = yield* Effect.promise(() => holder)
        expect(child.code).toBe(0)

        const stored = yield* audit.query({ projectId: "lock" })
        const recorded = stored.filter((entry) => entry.action.startsWith("record-")).length
        console.log(
          `lock held ${heldFor} ms: max event-loop lag ${maxLag} ms, slowest record ${slowestRecord.toFixed(1)} ms, ` +
            `Busy after ${waits.join(", ")} ms (busyTimeout ${BUSY_MILLIS}), ${RECORDS} recorded, ${recorded} found`
        )
        // Waiting is done as Effect sleeps; the driver blocks 10 ms at most per attempt. A frozen loop (the driver's
        // busy handler) blocks a whole busyTimeout; the bound of three quarters of it leaves room for a machine shared
        // with other work (lags of 1.3 s were seen at a load average of 15 on 2 cores).
        expect(maxLag).toBeLessThan(BUSY_MILLIS * 0.75)
        expect(slowestRecord).toBeLessThan(BUSY_MILLIS * 0.75)
        for (const wait of waits) {
          expect(wait).toBeGreaterThanOrEqual(BUSY_MILLIS)
          // The other process holds the lock until told, far longer than this: a call that waited for it would not return.
          expect(wait).toBeLessThan(BUSY_MILLIS * 3)
        }
        expect(recorded).toBe(RECORDS)
        expect(stored.filter((entry) => entry.action.startsWith("durable-"))).toEqual([])
      }).pipe(Effect.provide(Logbook.layer({ url, busyTimeout: Duration.millis(BUSY_MILLIS) })), keepingLogs(logs))
      expect(logs.some((line) => /waiting for another connection's lock/.test(line))).toBe(true)
    }), 120_000)
})

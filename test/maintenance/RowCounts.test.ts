import { expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { AuditLog } from "../../src/AuditLog.js"
import { ConfigStore } from "../../src/ConfigStore.js"
import type { DataTable } from "../../src/Maintenance.js"
import * as Maintenance from "../../src/Maintenance.js"
import { expectFailure } from "../records/support.js"
import { describeBackends } from "../support/Backends.js"

/** Hands over a value of any shape where a typed input is expected, as untyped JavaScript callers can. */
function untyped<T>(value: unknown): T
function untyped(value: unknown) {
  return value
}

describeBackends("Maintenance.rowCounts", ({ core }) => {
  const TestLayer = Layer.mergeAll(AuditLog.DefaultWithoutDependencies, ConfigStore.DefaultWithoutDependencies).pipe(
    Layer.provideMerge(core)
  )

  it.effect("counts the rows of each table asked for, in the order asked, and of every data table by default", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      const config = yield* ConfigStore
      yield* audit.logMany(Array.from({ length: 5 }, (_, i) => ({ action: `a${i}`, category: "agent" as const })))
      yield* config.set("model", "claude")
      expect(yield* Maintenance.rowCounts(["configurations", "audit_logs", "lessons"])).toEqual([
        { table: "configurations", rows: 1 },
        { table: "audit_logs", rows: 5 },
        { table: "lessons", rows: 0 }
      ])
      const all = yield* Maintenance.rowCounts()
      expect(all.map((count) => count.table)).toEqual(Maintenance.DATA_TABLES)
      expect(all.reduce((n, count) => n + count.rows, 0)).toBe(6)
      expect(yield* Maintenance.rowCounts([])).toEqual([])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a name that is not a data table is a ValidationError, never SQL", () =>
    Effect.gen(function*() {
      const error = yield* expectFailure(
        Maintenance.rowCounts(untyped<ReadonlyArray<DataTable>>(["audit_logs", "sqlite_master\"; DROP TABLE audit_logs; --"])),
        "ValidationError"
      )
      expect(error.message).toContain("row count tables")
      expect(yield* Maintenance.rowCounts(["audit_logs"])).toEqual([{ table: "audit_logs", rows: 0 }])
    }).pipe(Effect.provide(TestLayer)))
})

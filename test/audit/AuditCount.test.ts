import { expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { type AuditEntryInput, AuditLog, type AuditQuery } from "../../src/AuditLog.js"
import { describeBackends } from "../support/Backends.js"
import { expectFailure } from "../records/support.js"

/** A GitHub token shape that the default redaction rules remove. */
const SECRET = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"

const minute = (n: number) => new Date(Date.UTC(2025, 0, 1, 12, n)).toISOString()

/** 30 entries over 2 projects, 3 categories and 10 minutes. */
const fixture: ReadonlyArray<AuditEntryInput> = Array.from({ length: 30 }, (_, i) => ({
  projectId: i % 2 === 0 ? "p1" : "p2",
  taskId: i < 3 ? SECRET : `task-${i}`,
  category: (["state", "file", "agent"] as const)[i % 3],
  action: "act",
  timestamp: minute(i % 10)
}))

describeBackends("AuditLog.count", ({ core }) => {
  const TestLayer = AuditLog.DefaultWithoutDependencies.pipe(Layer.provideMerge(core))

  it.effect("counts what query returns for the same options, paging included, without reading the entries", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      yield* audit.logMany(fixture)
      const queries: ReadonlyArray<AuditQuery> = [
        {},
        { projectId: "p1" },
        { projectId: "p2", category: "file" },
        { since: minute(5) },
        { since: minute(2), until: minute(4) },
        { limit: 7 },
        { offset: 25 },
        { offset: 40 },
        { projectId: "p1", offset: 3, limit: 5 },
        { projectId: "nobody" }
      ]
      for (const query of queries) {
        const entries = yield* audit.query(query)
        expect(yield* audit.count(query), JSON.stringify(query)).toBe(entries.length)
      }
      expect(yield* audit.count()).toBe(30)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a task id holding a secret is matched as it was stored, redacted", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      yield* audit.logMany(fixture)
      expect(yield* audit.count({ taskId: SECRET })).toBe(3)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("invalid options are a ValidationError", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      const error = yield* expectFailure(audit.count({ limit: -1 }), "ValidationError")
      expect(error.message).toContain("limit")
      yield* expectFailure(audit.count({ since: "not a date" }), "ValidationError")
    }).pipe(Effect.provide(TestLayer)))
})

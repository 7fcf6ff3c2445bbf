/**
 * What a trajectory write does before the database part: its stamps come
 * from Effect's `Clock`, and its validation and redaction run once while
 * another connection holds the write lock. On SQLite the write waits at its
 * first statement (`BEGIN IMMEDIATE`) and its transaction runs once; the
 * whole-transaction retry of PostgreSQL is test/postgres/RetriedSave.test.ts.
 */
import { describe, expect, it } from "@effect/vitest"
import Sqlite from "better-sqlite3"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import * as path from "node:path"
import { coreLayerMemory } from "../../src/Core.js"
import { Database } from "../../src/Database.js"
import { TrajectoryStore } from "../../src/TrajectoryStore.js"
import { layer as writeBehindLayer } from "../../src/writeBehind/WriteBehindLive.js"
import { countingRedactor, countingTransactions } from "../support/Counting.js"
import { eventually } from "../support/Poll.js"
import { tempDir } from "../support/TempDir.js"
import { variant } from "./support.js"

const TestLayer = TrajectoryStore.DefaultWithoutDependencies.pipe(Layer.provideMerge(coreLayerMemory))

const testGenInput = (sessionId: string) => ({
  trajectory: variant(sessionId),
  taskId: "regex-log",
  taskDescription: "Write a regex that matches dates in log lines",
  totalTests: 1,
  totalRounds: 1,
  durationMs: 10,
  tests: [{ id: "t1", input: "2024-01-01 x", expectedOutput: "2024-01-01" }],
  environment: { token: "ghp_" + "A1b2C3d4E5f6G7h8I9j0".repeat(2).slice(0, 36) }
})

describe("TrajectoryStore write stamps", () => {
  it.effect("save stamps createdAt and updatedAt with Effect's Clock (the test clock here)", () =>
    Effect.gen(function*() {
      const store = yield* TrajectoryStore
      yield* TestClock.setTime(Date.parse("2031-02-03T04:05:06.789Z"))
      yield* store.save(variant("clocked"))
      yield* TestClock.adjust("1 hour")
      yield* store.save(variant("clocked", { message: "again" }))
      const stored = Option.getOrThrow(yield* store.get("clocked"))
      expect(stored.createdAt).toBe("2031-02-03T04:05:06.789Z")
      expect(stored.updatedAt).toBe("2031-02-03T05:05:06.789Z")
    }).pipe(Effect.provide(TestLayer)))

  it.live("a write waiting for another connection's write lock waits at the statement: one transaction, redacted once", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "busy.db")
      const redactor = countingRedactor()
      const layer = TrajectoryStore.DefaultWithoutDependencies.pipe(
        Layer.provideMerge(Layer.mergeAll(redactor.layer, writeBehindLayer)),
        Layer.provideMerge(Database.layer({ url, busyTimeout: "10 seconds" }))
      )
      const context = yield* Layer.build(layer)
      const store = Effect.provide(TrajectoryStore, context)

      // One uncontended write of the same shape: how many Redactor calls a write makes.
      const before = redactor.calls()
      yield* Effect.flatMap(store, (s) => s.saveTestGen(testGenInput("uncontended")))
      const perWrite = redactor.calls() - before
      expect(perWrite).toBeGreaterThan(0)

      // Another connection takes the write lock and writes; our transaction
      // waits for the lock at its BEGIN IMMEDIATE, then runs once.
      const other = new Sqlite(url)
      yield* Effect.addFinalizer(() => Effect.sync(() => other.close()))
      other.exec("BEGIN IMMEDIATE")
      other.exec("INSERT INTO configurations (scope, key, value, updated_at) VALUES ('global', 'blocker', '1', '2025-01-01T00:00:00.000Z')")
      const logs: Array<string> = []
      const capture = Logger.add(Logger.make(({ message }) => {
        logs.push(String(Array.isArray(message) ? message.join(" ") : message))
      }))
      const counted = redactor.calls()
      const write = yield* Effect.fork(
        countingTransactions(Effect.flatMap(store, (s) => s.saveTestGen(testGenInput("contended")))).pipe(
          Effect.provide(capture)
        )
      )
      yield* eventually(Effect.suspend(() =>
        logs.some((line) => line.includes("waiting for another connection's lock"))
          ? Effect.void
          : Effect.fail(new Error("the write is not waiting for the lock yet"))
      ))
      other.exec("COMMIT")
      const { transactions } = yield* Fiber.join(write)

      expect(transactions).toBe(1)
      expect(redactor.calls() - counted).toBe(perWrite)
      const stored = Option.getOrThrow(yield* Effect.flatMap(store, (s) => s.get("contended")))
      expect(stored.taskId).toBe("regex-log")
      const details = Option.getOrThrow(yield* Effect.flatMap(store, (s) => s.getTestGen("contended")))
      expect(JSON.stringify(details.environment)).not.toContain("ghp_")
    }).pipe(Effect.scoped), { timeout: 60_000 })
})

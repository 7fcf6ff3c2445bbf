/**
 * Migration 0016: a task's transitions keyed by (task_id, seq), without the
 * surrogate id. A database written under 0015 reads the same after it (and
 * after rolling it back), and steps go on numbering from where they were.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { Database } from "../../src/Database.js"
import { migrate, rollback } from "../../src/migrations/Migrator.js"
import { StateStore } from "../../src/StateStore.js"
import { describeBackends } from "../support/Backends.js"

const Names = Schema.Array(Schema.Struct({ name: Schema.String }))

/** The columns of state_transitions, in order. */
const transitionColumns = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  sql.onDialectOrElse({
    sqlite: () => sql`SELECT name FROM pragma_table_info('state_transitions') ORDER BY cid`,
    orElse: () =>
      sql`SELECT column_name AS name FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = 'state_transitions' ORDER BY ordinal_position`
  }).pipe(Effect.flatMap(Schema.decodeUnknown(Names)), Effect.map((rows) => rows.map((row) => row.name))))

/** Everything the store reads of a task. */
const readBack = (taskId: string) =>
  Effect.gen(function*() {
    const store = yield* StateStore
    return {
      load: yield* store.load(taskId),
      current: yield* store.current(taskId, { recent: 3 }),
      history: yield* store.history(taskId, { after: 1, limit: 2 }),
      checkpoints: yield* store.checkpoints(taskId)
    }
  })

describeBackends("migration 0016_transitions_by_task", ({ coreWith }) => {
  const TestLayer = StateStore.DefaultWithoutDependencies.pipe(Layer.provideMerge(coreWith({ migrate: "off" })))

  it.effect("a database written before it reads the same after it and after its rollback; steps number on", () =>
    Effect.gen(function*() {
      const { migrationDirectories: directories } = yield* Database
      yield* migrate({ directories, to: 15 })
      expect(yield* transitionColumns).toContain("id")
      const store = yield* StateStore
      const at = (ms: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, 0, ms)).toISOString()
      // Two tasks whose transitions interleave, with metadata of unicode and numbers as written.
      yield* store.save({
        taskId: "a",
        projectId: "p",
        state: "S2",
        context: { goal: "ünïcödé ✓", n: 1e300 },
        history: [
          { from: "S0", to: "S1", event: "GO", timestamp: at(1), metadata: { ratio: 0.1, note: "é" } },
          { from: "S1", to: "S2", event: "GO", timestamp: at(3) }
        ]
      })
      yield* store.save({ taskId: "b", projectId: "p", state: "B0", context: {}, history: [] })
      yield* store.step("b", { to: "B1", event: "NEXT", context: { b: 1 }, checkpoint: { artifacts: ["x"] } })
      yield* store.step("a", { to: "S3", event: "NEXT", metadata: { deep: { list: [1, "2", null] } }, checkpoint: {} })
      yield* store.transition("a", { to: "S4", event: "MOVE", expected: "S3" })
      const before = { a: yield* readBack("a"), b: yield* readBack("b") }
      expect(Option.getOrThrow(before.a.load).history).toHaveLength(4)

      yield* migrate({ directories, to: 16 })
      expect(yield* transitionColumns).not.toContain("id")
      expect({ a: yield* readBack("a"), b: yield* readBack("b") }).toEqual(before)
      const next = yield* store.step("a", { to: "S5", event: "NEXT", expected: "S4" })
      expect(next.seq).toBe(5)
      const after = yield* readBack("a")

      const rolledBack = yield* rollback({ directories, steps: 1 })
      expect(rolledBack.map((step) => step.version)).toEqual([16])
      expect(yield* transitionColumns).toContain("id")
      expect(yield* readBack("a")).toEqual(after)
      expect((yield* store.step("a", { to: "S6", event: "NEXT" })).seq).toBe(6)
    }).pipe(Effect.provide(TestLayer)))
})

/**
 * Trajectories are keyed so that none replaces another unless it is the same
 * trajectory (ATIF 1.7 makes session_id run-scoped): a continuation or a fork
 * sharing a session is stored beside it, the same trajectory saved again is
 * replaced in place, and migration 0011 keeps every row stored before it.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import * as Layer from "effect/Layer"
import { coreLayerMemory, coreOn } from "../../src/Core.js"
import { Database } from "../../src/Database.js"
import { migrate, migrationDirectories, rollback } from "../../src/migrations/Migrator.js"
import { type Trajectory, TrajectoryStore } from "../../src/TrajectoryStore.js"
import { WriteBehind } from "../../src/writeBehind/WriteBehind.js"
import { logbook } from "../support/Cli.js"
import { countRows, ftsIntegrity, grown, tiny } from "./support.js"

/** A continuation of `tiny(sessionId)`: the same session, its own first step. */
const continuation = (sessionId: string): Trajectory => ({
  ...tiny(sessionId, "continued from the summary"),
  continued_trajectory_ref: `${sessionId}.json`
})

/** A v1.7 trajectory with a `trajectory_id`. */
const documented = (sessionId: string | undefined, trajectoryId: string, text = "hello world"): Trajectory => {
  const { session_id: _, ...rest } = tiny(sessionId ?? "unused", text)
  return { ...rest, ...(sessionId === undefined ? {} : { session_id: sessionId }), schema_version: "ATIF-v1.7", trajectory_id: trajectoryId }
}

const TestLayer = TrajectoryStore.DefaultWithoutDependencies.pipe(Layer.provideMerge(coreLayerMemory))

describe("TrajectoryStore identity", () => {
  it.effect("a continuation and a fork that share a session are both kept; list({ sessionId }) returns each", () =>
    Effect.gen(function*() {
      const store = yield* TrajectoryStore
      const first = yield* store.save(tiny("run-1"))
      const next = yield* store.save(continuation("run-1"))
      const fork = yield* store.save(documented("run-1", "fork-b"))
      expect([first, next, fork]).toEqual(["run-1", "run-1#2", "fork-b"])
      expect(yield* countRows("trajectories")).toBe(3)
      const listed = yield* store.list({ sessionId: "run-1" })
      expect(listed.map((t) => t.id).sort()).toEqual(["fork-b", "run-1", "run-1#2"])
      expect(listed.every((t) => t.sessionId === "run-1")).toBe(true)
      expect(Option.getOrThrow(yield* store.get("run-1#2")).trajectory.continued_trajectory_ref).toBe("run-1.json")
      expect((yield* store.search({ query: "continued summary" })).map((h) => h.id)).toEqual(["run-1#2"])
      expect(yield* store.delete("run-1#2")).toBe(true)
      expect((yield* store.list({ sessionId: "run-1" })).map((t) => t.id).sort()).toEqual(["fork-b", "run-1"])
      yield* ftsIntegrity
    }).pipe(Effect.provide(TestLayer)))

  it.effect("the same trajectory saved again, or grown by steps, is replaced in place under its id", () =>
    Effect.gen(function*() {
      const store = yield* TrajectoryStore
      const id = yield* store.save(grown("run-2", "partial answer"), { taskId: "task" })
      const created = Option.getOrThrow(yield* store.get(id)).createdAt
      expect(yield* store.save(grown("run-2", "partial answer"))).toBe(id)
      const longer: Trajectory = {
        ...grown("run-2", "partial answer"),
        steps: [...grown("run-2", "partial answer").steps, { step_id: 3, source: "agent", message: "final answer" }]
      }
      expect(yield* store.save(longer)).toBe(id)
      const stored = Option.getOrThrow(yield* store.get(id))
      expect(stored).toMatchObject({ id: "run-2", sessionId: "run-2", stepCount: 3, taskId: "task", createdAt: created })
      expect(yield* countRows("trajectories")).toBe(1)
      // with a trajectory_id, that id is the identity: a new first step is still the same trajectory
      expect(yield* store.save(documented("run-3", "doc-1", "first"))).toBe("run-3")
      expect(yield* store.save(documented("run-3", "doc-1", "rewritten"))).toBe("run-3")
      expect(Option.getOrThrow(yield* store.get("run-3")).trajectory.steps[0]!.message).toBe("rewritten")
      expect(yield* countRows("trajectories")).toBe(2)
      yield* ftsIntegrity
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a v1.7 trajectory without a session is stored under its trajectory_id, or an id of its own", () =>
    Effect.gen(function*() {
      const store = yield* TrajectoryStore
      expect(yield* store.save(documented(undefined, "lonely"))).toBe("lonely")
      const { session_id: _, ...anonymous } = { ...tiny("x"), schema_version: "ATIF-v1.7" as const }
      const id = yield* store.save(anonymous)
      expect(id).toMatch(/^trajectory-[0-9a-f]{16}$/)
      expect(yield* store.save(anonymous)).toBe(id)
      expect(Option.getOrThrow(yield* store.get(id))).toMatchObject({ sessionId: null, stepCount: 2 })
      expect(yield* countRows("trajectories")).toBe(2)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("records of one session written in one write-behind batch keep both trajectories", () =>
    Effect.gen(function*() {
      const store = yield* TrajectoryStore
      yield* store.record(tiny("run-4"))
      yield* store.record(continuation("run-4"))
      yield* store.record(grown("run-4", "answer to hello world"))
      yield* (yield* WriteBehind).flush
      expect((yield* store.list({ sessionId: "run-4" })).map((t) => t.id).sort()).toEqual(["run-4", "run-4#2"])
      yield* ftsIntegrity
    }).pipe(Effect.provide(TestLayer)))
})

const Legacy = Schema.Array(Schema.Struct({ id: Schema.String, identity: Schema.NullOr(Schema.String) }))

describe("migration 0011_trajectory_identity", () => {
  it.effect("keeps every stored trajectory under its session id; a later save of one replaces it, a continuation goes beside it; rolls back", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const directories = migrationDirectories()
      yield* migrate({ directories, to: 10 })
      const old = grown("legacy", "stored before 0011")
      yield* sql`INSERT INTO trajectories (session_id, schema_version, agent_name, agent_version, step_count, data, search_text, write_order)
        VALUES ('legacy', 'ATIF-v1.6', 'tiny', '1.0', 2, ${JSON.stringify(old)}, 'hello world stored before 0011', 1)`
      yield* sql`INSERT INTO testgen_trajectories (session_id, task_id, task_description, total_tests, total_rounds, duration_ms, tests)
        VALUES ('legacy', 'task', 'a task', 1, 1, 5, '[]')`
      yield* migrate({ directories })
      const store = yield* TrajectoryStore
      expect(Option.getOrThrow(yield* store.get("legacy")).trajectory).toEqual(old)
      expect(Option.getOrThrow(yield* store.getTestGen("legacy"))).toMatchObject({ trajectoryId: "legacy", sessionId: "legacy", taskId: "task" })
      expect((yield* store.search({ query: "stored before" })).map((h) => h.id)).toEqual(["legacy"])
      expect(yield* sql`SELECT id, identity FROM trajectories`.pipe(Effect.flatMap(Schema.decodeUnknown(Legacy)))).toEqual([
        { id: "legacy", identity: null }
      ])
      expect(yield* store.save(grown("legacy", "saved after 0011"))).toBe("legacy")
      expect(yield* store.save(continuation("legacy"))).toBe("legacy#2")
      expect(yield* countRows("trajectories")).toBe(2)
      expect(Option.getOrThrow(yield* store.get("legacy")).trajectory.steps[1]!.message).toBe("saved after 0011")
      expect(Option.isSome(yield* store.getTestGen("legacy"))).toBe(true)
      yield* ftsIntegrity
      // Every migration down to 0011 included.
      const later = yield* sql`SELECT version FROM logbook_migrations WHERE version >= 11`
      yield* rollback({ directories, steps: later.length })
      const kept = yield* sql`SELECT session_id AS id, NULL AS identity FROM trajectories`.pipe(Effect.flatMap(Schema.decodeUnknown(Legacy)))
      expect(kept).toEqual([{ id: "legacy", identity: null }])
      yield* ftsIntegrity
    }).pipe(Effect.provide(TrajectoryStore.DefaultWithoutDependencies.pipe(
      Layer.provideMerge(coreOn(Database.layer({ url: ":memory:", migrate: "off" })))
    ))))
})

describe("logbook trajectories import", () => {
  it("importing a trajectory and its continuation reports both ok and keeps both", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "logbook-identity-"))
    try {
      const url = path.join(dir, "db.sqlite")
      writeFileSync(path.join(dir, "a.json"), JSON.stringify(tiny("shared")))
      writeFileSync(path.join(dir, "b.json"), JSON.stringify(continuation("shared")))
      expect((await logbook(["migrate", "--database", url])).code).toBe(0)
      const imported = await logbook(["trajectories", "import", path.join(dir, "a.json"), path.join(dir, "b.json"), "--json", "--database", url])
      expect(imported.code, imported.stderr).toBe(0)
      expect(JSON.parse(imported.stdout).map((o: { ok: boolean; id: string }) => [o.ok, o.id])).toEqual([[true, "shared"], [true, "shared#2"]])
      const listed = await logbook(["trajectories", "list", "--json", "--database", url])
      expect(JSON.parse(listed.stdout).map((t: { id: string }) => t.id).sort()).toEqual(["shared", "shared#2"])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})

/**
 * StateStore.step, current and history: a workflow step (move, context and
 * checkpoint) is one transaction; the current state is read without the
 * history, which is paged.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { Num } from "../../src/database/Columns.js"
import { NotFound, StaleState, ValidationError } from "../../src/Errors.js"
import { StateStore } from "../../src/StateStore.js"
import { describeBackends } from "../support/Backends.js"

describeBackends("StateStore.step, current and history", ({ core }) => {
const TestLayer = StateStore.DefaultWithoutDependencies.pipe(Layer.provideMerge(core))

const created = (taskId: string) =>
  Effect.flatMap(StateStore, (store) =>
    store.save({ taskId, projectId: "p", state: "S0", context: { n: 0 }, history: [] }))

const Count = Schema.Tuple(Schema.Struct({ n: Num }))
const count = (table: "state_transitions" | "checkpoints", taskId: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql`SELECT COUNT(*) AS n FROM ${sql(table)} WHERE task_id = ${taskId}`
    return (yield* Schema.decodeUnknown(Count)(rows))[0].n
  })

describe("StateStore.step", () => {
  it.effect("moves the task, replaces its context and checkpoints the new state, as load sees it", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      yield* created("t1")
      const first = yield* store.step("t1", { to: "S1", event: "NEXT", metadata: { by: "planner" }, context: { n: 1 } })
      expect(first).toEqual({ taskId: "t1", state: "S1", seq: 1, checkpointId: Option.none() })
      const second = yield* store.step("t1", { to: "S2", event: "NEXT", context: { n: 2, big: 1e300 }, checkpoint: { artifacts: ["a.txt"] } })
      expect(second.seq).toBe(2)
      const loaded = Option.getOrThrow(yield* store.load("t1"))
      expect(loaded.state).toBe("S2")
      expect(loaded.history.map((t) => [t.from, t.to, t.event, t.metadata])).toEqual([
        ["S0", "S1", "NEXT", { by: "planner" }],
        ["S1", "S2", "NEXT", undefined]
      ])
      expect(loaded.context.checkpoints).toEqual([
        expect.objectContaining({ id: Option.getOrThrow(second.checkpointId), state: "S2", context: { n: 2, big: 1e300 }, artifacts: ["a.txt"] })
      ])
      expect({ ...loaded.context, checkpoints: undefined }).toEqual({ n: 2, big: 1e300, checkpoints: undefined })
    }).pipe(Effect.provide(TestLayer)))

  it.effect("keeps the context when none is given; with expected it is a compare-and-set that writes nothing when stale", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      yield* created("t2")
      yield* store.step("t2", { to: "S1", event: "NEXT", expected: "S0" })
      const stale = yield* Effect.exit(store.step("t2", { to: "S9", event: "NEXT", expected: "S0", checkpoint: {} }))
      expect(stale).toEqual(Exit.fail(new StaleState({ taskId: "t2", expected: "S0", actual: "S1" })))
      expect(yield* count("state_transitions", "t2")).toBe(1)
      expect(yield* count("checkpoints", "t2")).toBe(0)
      const current = Option.getOrThrow(yield* store.current("t2"))
      expect([current.state, current.context]).toEqual(["S1", { n: 0 }])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("fails with NotFound for an unknown task and ValidationError for a bad request", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      expect(yield* Effect.flip(store.step("nope", { to: "S1", event: "NEXT" }))).toEqual(new NotFound({ entity: "task", id: "nope" }))
      yield* created("t3")
      const bad = yield* Effect.flip(store.step("t3", { to: "", event: "NEXT" }))
      expect(bad).toBeInstanceOf(ValidationError)
      expect(yield* count("state_transitions", "t3")).toBe(0)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("of 20 racing fibers with the same expected state exactly one wins", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      yield* created("race")
      const exits = yield* Effect.forEach(
        Array.from({ length: 20 }, (_, i) => i),
        (i) => Effect.exit(store.step("race", { to: `W${i}`, event: "GO", expected: "S0", checkpoint: {} })),
        { concurrency: "unbounded" }
      )
      expect(exits.filter(Exit.isSuccess)).toHaveLength(1)
      expect(yield* count("state_transitions", "race")).toBe(1)
      expect(yield* count("checkpoints", "race")).toBe(1)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("concurrent steps of many tasks share commits: a stale one fails alone, the others all land", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      const tasks = Array.from({ length: 30 }, (_, i) => `many-${i}`)
      yield* Effect.forEach(tasks, created, { discard: true })
      const exits = yield* Effect.forEach(
        tasks,
        (taskId, i) => Effect.exit(store.step(taskId, { to: "S1", event: "GO", expected: i % 3 === 0 ? "elsewhere" : "S0", checkpoint: {} })),
        { concurrency: "unbounded" }
      )
      expect(exits.map((exit, i) => [i % 3 === 0, Exit.isSuccess(exit)])).toEqual(tasks.map((_, i) => [i % 3 === 0, i % 3 !== 0]))
      for (const [i, taskId] of tasks.entries()) {
        expect(yield* count("checkpoints", taskId)).toBe(i % 3 === 0 ? 0 : 1)
        expect(Option.map(yield* store.current(taskId), (c) => c.state)).toEqual(Option.some(i % 3 === 0 ? "S0" : "S1"))
      }
    }).pipe(Effect.provide(TestLayer)))

  it.effect("inside a caller's transaction a step is part of it, and rolls back with it", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      const sql = yield* SqlClient.SqlClient
      yield* created("tx")
      const failed = yield* Effect.exit(
        Effect.zipRight(store.step("tx", { to: "S1", event: "GO", checkpoint: {} }), Effect.fail("abort")).pipe(sql.withTransaction)
      )
      expect(Exit.isFailure(failed)).toBe(true)
      expect([yield* count("state_transitions", "tx"), yield* count("checkpoints", "tx")]).toEqual([0, 0])
      yield* store.step("tx", { to: "S1", event: "GO" }).pipe(sql.withTransaction)
      expect(yield* count("state_transitions", "tx")).toBe(1)
    }).pipe(Effect.provide(TestLayer)))
})

describe("StateStore.current / history", () => {
  it.effect("reads the state, the latest checkpoint and the last transitions; the history a page at a time", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      yield* created("t4")
      for (let i = 1; i <= 25; i++) {
        yield* store.step("t4", {
          to: `S${i}`,
          event: "NEXT",
          context: { n: i },
          ...(i % 2 === 0 ? { metadata: { i, ratio: i / 3 } } : {}),
          ...(i % 10 === 0 ? { checkpoint: {} } : {})
        })
      }
      const loaded = Option.getOrThrow(yield* store.load("t4"))
      const current = Option.getOrThrow(yield* store.current("t4", { recent: 3 }))
      expect(current).toMatchObject({ taskId: "t4", projectId: "p", state: "S25", context: { n: 25 }, transitions: 25 })
      expect(current.recent.map((t) => t.to)).toEqual(["S23", "S24", "S25"])
      expect(current.recent.map((t) => t.metadata)).toEqual([undefined, { i: 24, ratio: 24 / 3 }, undefined])
      expect(current.recent).toEqual(loaded.history.slice(-3))
      expect(Option.map(current.checkpoint, (c) => [c.state, c.context])).toEqual(Option.some(["S20", { n: 20 }]))
      expect((yield* store.history("t4", { limit: 10 })).map((t) => t.to)).toEqual(Array.from({ length: 10 }, (_, i) => `S${i + 1}`))
      expect((yield* store.history("t4", { after: 20 })).map((t) => t.to)).toEqual(["S21", "S22", "S23", "S24", "S25"])
      expect(yield* store.history("t4")).toEqual(loaded.history)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("reads as many recent transitions as asked: rounded down, none below 1, every one past the history", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      yield* created("t6")
      for (let i = 1; i <= 12; i++) yield* store.step("t6", { to: `S${i}`, event: "NEXT" })
      const recent = (n: number | undefined) =>
        Effect.map(store.current("t6", { recent: n }), (current) => Option.getOrThrow(current).recent.map((t) => t.to))
      expect(yield* recent(0)).toEqual([])
      expect(yield* recent(-3)).toEqual([])
      expect(yield* recent(2.9)).toEqual(["S11", "S12"])
      expect(yield* recent(undefined)).toEqual(Array.from({ length: 10 }, (_, i) => `S${i + 3}`))
      expect(yield* recent(Number.NaN)).toEqual(Array.from({ length: 10 }, (_, i) => `S${i + 3}`))
      expect(yield* recent(1e300)).toEqual(Array.from({ length: 12 }, (_, i) => `S${i + 1}`))
    }).pipe(Effect.provide(TestLayer)))

  it.effect("the latest checkpoint is the newest by timestamp, then the last taken of one millisecond", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      const at = (ms: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, 0, ms)).toISOString()
      const checkpoint = (id: string, ms: number) => ({ id, taskId: "t7", state: id, context: { id }, artifacts: [], timestamp: at(ms) })
      // Stored in this order: "late" first, then two of one millisecond, then an older one.
      yield* store.save({
        taskId: "t7",
        projectId: "p",
        state: "S0",
        context: { checkpoints: [checkpoint("late", 500), checkpoint("tie-1", 400), checkpoint("tie-2", 400), checkpoint("old", 100)] },
        history: []
      })
      const latest = Effect.map(store.current("t7"), (current) => Option.map(Option.getOrThrow(current).checkpoint, (c) => [c.id, c.context]))
      expect(yield* latest).toEqual(Option.some(["late", { id: "late" }]))
      const loaded = Option.getOrThrow(yield* store.load("t7"))
      yield* store.save({
        ...loaded,
        context: { ...loaded.context, checkpoints: [...loaded.context.checkpoints, checkpoint("tie-3", 500)] }
      })
      expect(yield* latest).toEqual(Option.some(["tie-3", { id: "tie-3" }]))
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a task without transitions or checkpoints; an unknown task is none", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      yield* created("t5")
      const current = Option.getOrThrow(yield* store.current("t5"))
      expect([current.transitions, current.recent, current.checkpoint]).toEqual([0, [], Option.none()])
      expect(yield* store.current("unknown")).toEqual(Option.none())
      expect(yield* store.history("unknown")).toEqual([])
    }).pipe(Effect.provide(TestLayer)))
})
})

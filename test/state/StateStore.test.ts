import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import { NotFound, StaleState, ValidationError } from "../../src/Errors.js"
import { type PersistedStateInput, RESTORE_EVENT, StateStore, type TransitionInput } from "../../src/StateStore.js"
import { Num } from "../../src/database/Columns.js"
import { describeBackends } from "../support/Backends.js"

describeBackends("StateStore", ({ core }) => {
const TestLayer = StateStore.DefaultWithoutDependencies.pipe(Layer.provideMerge(core))

const at = (second: number) => new Date(Date.UTC(2025, 0, 31, 9, 30, second)).toISOString()

const step = (from: string, to: string, second: number, metadata?: Record<string, unknown>): TransitionInput =>
  metadata === undefined ? { from, to, event: `${from}->${to}`, timestamp: at(second) } : {
    from,
    to,
    event: `${from}->${to}`,
    timestamp: at(second),
    metadata
  }

const HISTORY: ReadonlyArray<TransitionInput> = [
  step("IDLE", "ANALYZING", 1, { by: "orchestrator" }),
  step("ANALYZING", "PLANNING", 2),
  step("PLANNING", "BUILDING", 3, { agents: ["builder", "reviewer"], attempt: 1 })
]

const seedContext = (taskId: string) => ({
  projectId: "project-1",
  taskId,
  prompt: "Build the thing",
  retryCount: 0,
  maxRetries: 3,
  metadata: {}
})

const task = (taskId: string, overrides: Partial<PersistedStateInput> = {}): PersistedStateInput => ({
  taskId,
  projectId: "project-1",
  state: "BUILDING",
  context: { ...seedContext(taskId), checkpoints: [] },
  history: HISTORY,
  ...overrides
})

const Count = Schema.Tuple(Schema.Struct({ n: Num }))

/** Rows of one table for one task (or in all, with no task). */
const rowsIn = (table: "workflow_states" | "state_transitions" | "checkpoints", taskId?: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = taskId === undefined
      ? yield* sql`SELECT COUNT(*) AS n FROM ${sql(table)}`
      : yield* sql`SELECT COUNT(*) AS n FROM ${sql(table)} WHERE task_id = ${taskId}`
    return (yield* Schema.decodeUnknown(Count)(rows))[0].n
  }).pipe(Effect.orDie)

const TransitionRows = Schema.Array(Schema.Struct({
  seq: Num,
  from_state: Schema.String,
  to_state: Schema.String,
  event: Schema.String,
  metadata: Schema.Unknown,
  created_at: Schema.String
}))

const rawTransitions = (taskId: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    return yield* sql`SELECT seq, from_state, to_state, event, metadata, created_at FROM state_transitions WHERE task_id = ${taskId} ORDER BY seq`.pipe(
      Effect.flatMap(Schema.decodeUnknown(TransitionRows))
    )
  }).pipe(Effect.orDie)

const loadSome = (taskId: string) =>
  Effect.flatMap(StateStore, (store) => store.load(taskId)).pipe(
    Effect.flatMap(Option.match({ onNone: () => Effect.dieMessage(`task ${taskId} not stored`), onSome: Effect.succeed }))
  )

describe("StateStore.save / load", () => {
  it.effect("round-trips state, context and history", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      yield* store.save(task("task-1"))
      const loaded = yield* loadSome("task-1")
      expect(loaded).toEqual({
        taskId: "task-1",
        projectId: "project-1",
        state: "BUILDING",
        context: { ...seedContext("task-1"), checkpoints: [] },
        history: HISTORY
      })
    }).pipe(Effect.provide(TestLayer)))

  it.effect("load of an unknown task is none", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      expect(Option.isNone(yield* store.load("nope"))).toBe(true)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a history of 3 transitions saved twice stays 3", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      yield* store.save(task("task-1"))
      const before = yield* rawTransitions("task-1")
      yield* store.save(task("task-1"))
      expect(yield* rowsIn("state_transitions", "task-1")).toBe(3)
      expect(yield* rawTransitions("task-1")).toEqual(before)
      expect((yield* loadSome("task-1")).history).toEqual(HISTORY)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a save after 2 new transitions appends exactly 2", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      yield* store.save(task("task-1"))
      const before = yield* rawTransitions("task-1")
      const longer = [...HISTORY, step("BUILDING", "REVIEWING", 4), step("REVIEWING", "DONE", 5, { ok: true })]
      yield* store.save(task("task-1", { state: "DONE", history: longer }))
      const after = yield* rawTransitions("task-1")
      expect(after).toHaveLength(5)
      expect(after.slice(0, 3)).toEqual(before)
      expect(after.map((row) => row.seq)).toEqual([1, 2, 3, 4, 5])
      const loaded = yield* loadSome("task-1")
      expect(loaded.state).toBe("DONE")
      expect(loaded.history).toEqual(longer)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("never rewrites or duplicates stored history, whatever the caller passes", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      yield* store.save(task("task-1"))
      const before = yield* rawTransitions("task-1")
      // Old entries changed, then one new: not a copy of what is stored, refused; nothing rewritten.
      const rewritten = [step("X", "Y", 9), step("Y", "Z", 9), step("Z", "W", 9), step("BUILDING", "DONE", 10)]
      const departed = yield* Effect.flip(store.save(task("task-1", { history: rewritten })))
      expect(departed).toMatchObject({ _tag: "StaleState", taskId: "task-1", actual: "BUILDING" })
      expect(yield* rawTransitions("task-1")).toEqual(before)
      // The stored history with one new transition: only the new one (the 4th) is appended.
      yield* store.save(task("task-1", { history: [...HISTORY, step("BUILDING", "DONE", 10)] }))
      // A shorter history and an empty one are stale copies: refused, nothing appended or removed.
      const shorter = yield* Effect.flip(store.save(task("task-1", { state: "OLD", history: HISTORY.slice(0, 1) })))
      expect(shorter).toMatchObject({ _tag: "StaleState", taskId: "task-1", expected: "ANALYZING", actual: "BUILDING" })
      const empty = yield* Effect.flip(store.save(task("task-1", { state: "OLD", history: [] })))
      expect(empty).toMatchObject({ _tag: "StaleState", taskId: "task-1", expected: "OLD", actual: "BUILDING" })
      expect((yield* loadSome("task-1")).state).toBe("BUILDING")
      const after = yield* rawTransitions("task-1")
      expect(after.slice(0, 3)).toEqual(before)
      expect(after).toHaveLength(4)
      expect((yield* loadSome("task-1")).history).toEqual([...HISTORY, step("BUILDING", "DONE", 10)])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a save of a copy loaded before another caller's transition fails with StaleState and writes nothing", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      yield* store.save(task("task-1"))
      const copy = yield* loadSome("task-1")
      // Another caller moves the task after the copy was loaded.
      const moved = yield* store.transition("task-1", { to: "REVIEWING", event: "BUILT", expected: "BUILDING" })
      const rowsBefore = yield* rawTransitions("task-1")
      // The stale copy, with its context changed, is saved.
      const error = yield* Effect.flip(store.save({ ...copy, context: { ...copy.context, prompt: "stale edit" } }))
      expect(error).toBeInstanceOf(StaleState)
      expect(error).toMatchObject({ _tag: "StaleState", taskId: "task-1", expected: "BUILDING", actual: "REVIEWING" })
      const loaded = yield* loadSome("task-1")
      expect(loaded).toEqual(moved)
      expect(loaded.state).toBe("REVIEWING")
      expect(loaded.state).toBe(loaded.history.at(-1)!.to)
      expect(loaded.context.prompt).toBe("Build the thing")
      expect(yield* rawTransitions("task-1")).toEqual(rowsBefore)
      // Reloaded, the same edit saves.
      yield* store.save({ ...loaded, context: { ...loaded.context, prompt: "fresh edit" } })
      expect((yield* loadSome("task-1")).context.prompt).toBe("fresh edit")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("replaces state, project and context", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      yield* store.save(task("task-1"))
      yield* store.save(
        task("task-1", { projectId: "project-2", state: "REVIEWING", context: { prompt: "changed", checkpoints: [] } })
      )
      const loaded = yield* loadSome("task-1")
      expect(loaded.projectId).toBe("project-2")
      expect(loaded.state).toBe("REVIEWING")
      expect(loaded.context).toEqual({ prompt: "changed", checkpoints: [] })
    }).pipe(Effect.provide(TestLayer)))

  it.effect("accepts a context without checkpoints, Date timestamps and timestamps with offsets", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      yield* store.save({
        taskId: "task-1",
        projectId: "project-1",
        state: "ANALYZING",
        context: { prompt: "p" },
        history: [
          { from: "IDLE", to: "ANALYZING", event: "START", timestamp: new Date(Date.UTC(2025, 0, 1)) },
          { from: "ANALYZING", to: "ANALYZING", event: "RETRY", timestamp: "2025-01-01T02:00:00+02:00" }
        ]
      })
      const loaded = yield* loadSome("task-1")
      expect(loaded.context).toEqual({ prompt: "p", checkpoints: [] })
      expect(loaded.history.map((t) => t.timestamp)).toEqual(["2025-01-01T00:00:00.000Z", "2025-01-01T00:00:00.000Z"])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("stores context.checkpoints as rows: new ones inserted, stored ones never rewritten nor dropped", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      const first = { id: "cp-1", state: "ANALYZING", context: { step: 1 }, artifacts: ["plan.md"], timestamp: at(1) }
      const second = { id: "cp-2", state: "PLANNING", context: { step: 2 }, timestamp: at(2) }
      yield* store.save(task("task-1", { context: { ...seedContext("task-1"), checkpoints: [first] } }))
      yield* store.save(
        task("task-1", {
          context: { ...seedContext("task-1"), checkpoints: [{ ...first, state: "CHANGED", context: { step: 99 } }, second] }
        })
      )
      yield* store.save(task("task-1", { context: { ...seedContext("task-1"), checkpoints: [] } }))
      expect(yield* rowsIn("checkpoints", "task-1")).toBe(2)
      const loaded = yield* loadSome("task-1")
      expect(loaded.context).toEqual({
        ...seedContext("task-1"),
        checkpoints: [
          { ...first, taskId: "task-1" },
          { ...second, taskId: "task-1", artifacts: [] }
        ]
      })
      expect(yield* store.checkpoints("task-1")).toEqual(loaded.context.checkpoints)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a loaded state saves back unchanged", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      yield* store.save(task("task-1"))
      yield* store.checkpoint("task-1", { artifacts: [{ path: "a.ts" }] })
      yield* store.transition("task-1", { to: "DONE", event: "FINISH" })
      const loaded = yield* loadSome("task-1")
      yield* store.save(loaded)
      expect(yield* loadSome("task-1")).toEqual(loaded)
      expect(yield* rowsIn("state_transitions")).toBe(4)
      expect(yield* rowsIn("checkpoints")).toBe(1)
    }).pipe(Effect.provide(TestLayer)))

  const invalidInputs: ReadonlyArray<readonly [string, unknown]> = [
    ["no task id", { ...task("t"), taskId: "" }],
    ["no project", { ...task("t"), projectId: undefined }],
    ["a context that is not an object", { ...task("t"), context: "text" }],
    ["a function in the context", { ...task("t"), context: { f: () => 1 } }],
    ["NaN in the context", { ...task("t"), context: { deep: { n: [1, Number.NaN] } } }],
    ["a Date in the context", { ...task("t"), context: { when: new Date() } }],
    ["a bigint in the context", { ...task("t"), context: { big: 1n } }],
    ["a malformed timestamp", { ...task("t"), history: [{ ...HISTORY[0], timestamp: "yesterday" }] }],
    ["a transition without event", { ...task("t"), history: [{ from: "A", to: "B", timestamp: at(1) }] }],
    ["a checkpoint of another task", {
      ...task("t"),
      context: { checkpoints: [{ id: "c", taskId: "other", state: "A", context: {}, timestamp: at(1) }] }
    }],
    ["a checkpoint given twice", {
      ...task("t"),
      context: {
        checkpoints: [
          { id: "c", state: "A", context: {}, timestamp: at(1) },
          { id: "c", state: "B", context: {}, timestamp: at(2) }
        ]
      }
    }],
    ["a checkpoint without context", { ...task("t"), context: { checkpoints: [{ id: "c", state: "A", timestamp: at(1) }] } }]
  ]

  for (const [name, input] of invalidInputs) {
    it.effect(`refuses ${name} with a ValidationError and writes nothing`, () =>
      Effect.gen(function*() {
        const store = yield* StateStore
        // The cast stands for untyped callers (JavaScript, JSON from elsewhere).
        const error = yield* Effect.flip(store.save(input as PersistedStateInput))
        expect(error).toBeInstanceOf(ValidationError)
        expect(error._tag).toBe("ValidationError")
        expect(yield* rowsIn("workflow_states")).toBe(0)
        expect(yield* rowsIn("state_transitions")).toBe(0)
        expect(yield* rowsIn("checkpoints")).toBe(0)
      }).pipe(Effect.provide(TestLayer)))
  }

  it.effect("leaves out undefined members, as JSON does", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      yield* store.save(task("t", { context: { gone: undefined, kept: { inner: undefined, n: 1 } } }))
      expect((yield* loadSome("t")).context).toStrictEqual({ kept: { n: 1 }, checkpoints: [] })
      const error = yield* Effect.flip(store.save(task("t", { context: { list: [1, undefined] } })))
      expect(error._tag).toBe("ValidationError")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("reports where a context stops being JSON", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      const error = yield* Effect.flip(store.save(task("t", { context: { a: { b: [1, () => 2] } } })))
      expect(error._tag).toBe("ValidationError")
      if (error._tag === "ValidationError") {
        expect(error.issues.map((issue) => issue.path)).toContain("context.a.b.1")
      }
    }).pipe(Effect.provide(TestLayer)))

  it.effect("refuses a checkpoint id stored for another task, and rolls the whole save back", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      const checkpoint = { id: "shared", state: "A", context: {}, timestamp: at(1) }
      yield* store.save(task("task-1", { context: { checkpoints: [checkpoint] } }))
      yield* store.save(task("task-2", { history: HISTORY.slice(0, 1) }))
      const error = yield* Effect.flip(
        store.save(task("task-2", { state: "CHANGED", history: HISTORY, context: { checkpoints: [checkpoint] } }))
      )
      expect(error._tag).toBe("ValidationError")
      const task2 = yield* loadSome("task-2")
      expect(task2.state).toBe("BUILDING")
      expect(task2.history).toHaveLength(1)
      expect(task2.context.checkpoints).toEqual([])
      expect((yield* loadSome("task-1")).context.checkpoints).toHaveLength(1)
    }).pipe(Effect.provide(TestLayer)))
})

describe("StateStore.list", () => {
  it.effect("lists a project's states in creation order with history and checkpoints, page by page", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      for (const id of ["t-3", "t-1", "t-2"]) {
        yield* store.save(task(id))
        yield* TestClock.adjust("1 millis")
      }
      yield* store.save(task("other", { projectId: "project-2" }))
      yield* store.checkpoint("t-1", { state: "SNAP" })
      // A save of an existing task keeps its place.
      yield* store.save(task("t-3", { state: "DONE" }))

      const all = yield* store.list("project-1")
      expect(all.map((s) => s.taskId)).toEqual(["t-3", "t-1", "t-2"])
      expect(all[0]!.state).toBe("DONE")
      expect(all.every((s) => s.history.length === 3)).toBe(true)
      expect(all[1]!.context.checkpoints.map((c) => c.state)).toEqual(["SNAP"])
      expect(all).toEqual(yield* Effect.forEach(["t-3", "t-1", "t-2"], loadSome))

      expect((yield* store.list("project-1", { limit: 2 })).map((s) => s.taskId)).toEqual(["t-3", "t-1"])
      expect((yield* store.list("project-1", { limit: 2, offset: 2 })).map((s) => s.taskId)).toEqual(["t-2"])
      expect((yield* store.list("project-1", { offset: 1 })).map((s) => s.taskId)).toEqual(["t-1", "t-2"])
      for (const page of [{ limit: 0 }, { limit: -5 }, { limit: Number.NaN }, { offset: -1 }, { limit: 1.5 }, { limit: Number.POSITIVE_INFINITY }]) {
        expect((yield* Effect.flip(store.list("project-1", page)))._tag).toBe("ValidationError")
      }
      expect(yield* store.list("nobody")).toEqual([])
    }).pipe(Effect.provide(TestLayer)))
})

describe("StateStore.delete", () => {
  it.effect("removes the task's rows from all three tables, and only its rows", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      yield* store.save(task("task-1", { context: { checkpoints: [{ id: "c1", state: "A", context: {}, timestamp: at(1) }] } }))
      yield* store.checkpoint("task-1")
      yield* store.save(task("task-2", { context: { checkpoints: [{ id: "c2", state: "A", context: {}, timestamp: at(1) }] } }))
      expect(yield* rowsIn("checkpoints", "task-1")).toBe(2)

      expect(yield* store.delete("task-1")).toBe(true)
      expect(yield* rowsIn("workflow_states", "task-1")).toBe(0)
      expect(yield* rowsIn("state_transitions", "task-1")).toBe(0)
      expect(yield* rowsIn("checkpoints", "task-1")).toBe(0)
      expect(Option.isNone(yield* store.load("task-1"))).toBe(true)

      expect(yield* rowsIn("workflow_states")).toBe(1)
      expect(yield* rowsIn("state_transitions")).toBe(3)
      expect(yield* rowsIn("checkpoints")).toBe(1)
      expect(yield* store.delete("task-1")).toBe(false)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a deleted task starts afresh when saved again", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      yield* store.save(task("task-1"))
      yield* store.delete("task-1")
      yield* store.save(task("task-1", { history: HISTORY.slice(0, 1) }))
      expect((yield* loadSome("task-1")).history).toEqual(HISTORY.slice(0, 1))
    }).pipe(Effect.provide(TestLayer)))
})

describe("StateStore.transition", () => {
  it.effect("appends a transition from the current state and returns the new state", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      yield* store.save(task("task-1"))
      const moved = yield* store.transition("task-1", { to: "REVIEWING", event: "BUILT", metadata: { files: 3, ratio: 0.1 } })
      expect(moved.state).toBe("REVIEWING")
      expect(moved.history).toHaveLength(4)
      expect(moved.history[3]).toMatchObject({ from: "BUILDING", to: "REVIEWING", event: "BUILT", metadata: { files: 3, ratio: 0.1 } })
      expect(moved.context).toEqual({ ...seedContext("task-1"), checkpoints: [] })
      expect(yield* loadSome("task-1")).toEqual(moved)
      expect((yield* rawTransitions("task-1")).map((row) => row.seq)).toEqual([1, 2, 3, 4])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("with expected: moves when it matches, fails with StaleState and writes nothing when it does not", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      yield* store.save(task("task-1"))
      const moved = yield* store.transition("task-1", { to: "REVIEWING", event: "BUILT", expected: "BUILDING" })
      expect(moved.state).toBe("REVIEWING")
      const error = yield* Effect.flip(store.transition("task-1", { to: "DONE", event: "X", expected: "BUILDING" }))
      expect(error).toBeInstanceOf(StaleState)
      expect(error).toMatchObject({ _tag: "StaleState", taskId: "task-1", expected: "BUILDING", actual: "REVIEWING" })
      expect(yield* loadSome("task-1")).toEqual(moved)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("fails with NotFound for an unknown task and ValidationError for a bad request", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      const missing = yield* Effect.flip(store.transition("nope", { to: "A", event: "E" }))
      expect(missing).toBeInstanceOf(NotFound)
      expect(missing).toMatchObject({ entity: "task", id: "nope" })
      const missingExpected = yield* Effect.flip(store.transition("nope", { to: "A", event: "E", expected: "B" }))
      expect(missingExpected._tag).toBe("NotFound")
      yield* store.save(task("task-1"))
      expect((yield* Effect.flip(store.transition("task-1", { to: "", event: "E" })))._tag).toBe("ValidationError")
      expect(
        (yield* Effect.flip(store.transition("task-1", { to: "A", event: "E", metadata: { n: Infinity } })))._tag
      ).toBe("ValidationError")
      expect(yield* rowsIn("state_transitions")).toBe(3)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("of 20 racing fibers exactly one wins each expected state", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      const STEPS = 10
      const name = (i: number) => `s${i}`
      yield* store.save({ taskId: "race", projectId: "p", state: name(0), context: {}, history: [] })
      const wins = yield* Effect.forEach(
        Array.from({ length: 20 }, (_, fiber) => fiber),
        (fiber) =>
          Effect.gen(function*() {
            const won: Array<number> = []
            let lost = 0
            let current = 0
            while (current < STEPS) {
              const exit = yield* Effect.exit(
                store.transition("race", { to: name(current + 1), event: `fiber-${fiber}`, expected: name(current) })
              )
              if (Exit.isSuccess(exit)) {
                won.push(current)
                current++
                yield* Effect.yieldNow()
              } else {
                const error = yield* Effect.flip(exit)
                if (error._tag !== "StaleState") return yield* Effect.die(error)
                lost++
                current = Number(error.actual.slice(1))
              }
            }
            return { won, lost }
          }),
        { concurrency: "unbounded" }
      )
      const all = wins.flatMap((fiber) => fiber.won).sort((a, b) => a - b)
      expect(all).toEqual(Array.from({ length: STEPS }, (_, i) => i))
      const loaded = yield* loadSome("race")
      expect(loaded.state).toBe(name(STEPS))
      expect(loaded.history.map((t) => [t.from, t.to])).toEqual(
        Array.from({ length: STEPS }, (_, i) => [name(i), name(i + 1)])
      )
      // The race was real: fibers lost races to others (which of them wins is up to the
      // database: on PostgreSQL a fiber that just won may well win every step).
      expect(wins.reduce((sum, fiber) => sum + fiber.lost, 0)).toBeGreaterThan(0)
    }).pipe(Effect.provide(TestLayer)))
})

describe("StateStore.checkpoint / checkpoints", () => {
  it.effect("takes the current state and context by default, without their checkpoints", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      yield* store.save(task("task-1", { context: { ...seedContext("task-1"), checkpoints: [{ id: "old", state: "A", context: {}, timestamp: at(0) }] } }))
      const checkpoint = yield* store.checkpoint("task-1")
      expect(checkpoint).toMatchObject({ taskId: "task-1", state: "BUILDING", context: seedContext("task-1"), artifacts: [] })
      expect(checkpoint.id).toMatch(/^[0-9a-f-]{36}$/)
      expect(checkpoint.timestamp).toBe(new Date(yield* Clock.currentTimeMillis).toISOString())
      // Oldest first: the saved checkpoint is from 2025, the new one from the test clock's 1970.
      expect(yield* store.checkpoints("task-1")).toEqual([
        checkpoint,
        { id: "old", taskId: "task-1", state: "A", context: {}, artifacts: [], timestamp: at(0) }
      ])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("takes the state, context and artifacts it is given", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      yield* store.save(task("task-1"))
      const checkpoint = yield* store.checkpoint("task-1", {
        state: "PLANNED",
        context: { plan: ["a", "b"], weight: 1.25 },
        artifacts: ["plan.md", { path: "src/a.ts", bytes: 120 }]
      })
      expect(checkpoint).toMatchObject({
        state: "PLANNED",
        context: { plan: ["a", "b"], weight: 1.25 },
        artifacts: ["plan.md", { path: "src/a.ts", bytes: 120 }]
      })
      expect((yield* loadSome("task-1")).context.checkpoints).toEqual([checkpoint])
      // The task itself is unchanged.
      expect((yield* loadSome("task-1")).state).toBe("BUILDING")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("fails with NotFound for an unknown task; checkpoints of an unknown task are empty", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      expect(yield* Effect.flip(store.checkpoint("nope"))).toMatchObject({ _tag: "NotFound", entity: "task", id: "nope" })
      expect(yield* store.checkpoints("nope")).toEqual([])
      expect(yield* rowsIn("checkpoints")).toBe(0)
    }).pipe(Effect.provide(TestLayer)))
})

describe("StateStore.restore", () => {
  it.effect("restores the latest checkpoint's state and context and records a transition", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      yield* store.save(task("task-1"))
      yield* store.checkpoint("task-1", { state: "PLANNING", context: { plan: 1 } })
      const latest = yield* store.checkpoint("task-1", { state: "BUILDING", context: { plan: 2, built: [1.5, "x"] } })
      yield* store.transition("task-1", { to: "FAILED", event: "CRASH" })

      const restored = yield* store.restore("task-1")
      expect(restored.state).toBe("BUILDING")
      expect(restored.context).toEqual({ plan: 2, built: [1.5, "x"], checkpoints: restored.context.checkpoints })
      expect(restored.context.checkpoints).toHaveLength(2)
      expect(restored.history).toHaveLength(5)
      expect(restored.history[4]).toMatchObject({
        from: "FAILED",
        to: "BUILDING",
        event: RESTORE_EVENT,
        metadata: { checkpointId: latest.id }
      })
      expect(yield* loadSome("task-1")).toEqual(restored)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("restores a checkpoint by id", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      yield* store.save(task("task-1"))
      const first = yield* store.checkpoint("task-1", { state: "PLANNING", context: { plan: 1 } })
      yield* store.checkpoint("task-1", { state: "BUILDING", context: { plan: 2 } })
      const restored = yield* store.restore("task-1", first.id)
      expect(restored.state).toBe("PLANNING")
      expect(restored.context).toMatchObject({ plan: 1 })
      expect(restored.context).not.toHaveProperty("prompt")
      expect(restored.history.at(-1)).toMatchObject({ from: "BUILDING", to: "PLANNING", metadata: { checkpointId: first.id } })
    }).pipe(Effect.provide(TestLayer)))

  it.effect("picks the latest by timestamp among saved checkpoints", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      const late = { id: "late", state: "LATE", context: { n: 2 }, timestamp: at(20) }
      const early = { id: "early", state: "EARLY", context: { n: 1 }, timestamp: at(10) }
      yield* store.save(task("task-1", { context: { checkpoints: [late, early] } }))
      expect((yield* store.checkpoints("task-1")).map((c) => c.id)).toEqual(["early", "late"])
      expect((yield* store.restore("task-1")).state).toBe("LATE")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("fails with NotFound for an unknown task, a task without checkpoints, or an unknown checkpoint", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      expect(yield* Effect.flip(store.restore("nope"))).toMatchObject({ _tag: "NotFound", entity: "task", id: "nope" })
      yield* store.save(task("task-1"))
      expect(yield* Effect.flip(store.restore("task-1"))).toMatchObject({ _tag: "NotFound", entity: "checkpoint" })
      yield* store.save(task("task-2", { context: { checkpoints: [{ id: "c2", state: "A", context: {}, timestamp: at(1) }] } }))
      expect(yield* Effect.flip(store.restore("task-1", "c2"))).toMatchObject({ _tag: "NotFound", entity: "checkpoint", id: "c2" })
      expect(yield* Effect.flip(store.restore("task-1", "missing"))).toMatchObject({ _tag: "NotFound", entity: "checkpoint" })
      expect(yield* rowsIn("state_transitions", "task-1")).toBe(3)
      expect((yield* loadSome("task-1")).state).toBe("BUILDING")
    }).pipe(Effect.provide(TestLayer)))
})
})

import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { StateStore, type TaskCursor } from "../../src/index.js"
import { describeBackends } from "../support/Backends.js"

describeBackends("StateStore.tasks", ({ core }) => {
const TestLayer = StateStore.DefaultWithoutDependencies.pipe(Layer.provideMerge(core))

describe("StateStore.tasks", () => {
  it.effect("lists every project's tasks by keyset pages, with their transition and checkpoint counts, filtered by project and state", () =>
    Effect.gen(function*() {
      const state = yield* StateStore
      for (let i = 0; i < 5; i++) {
        yield* state.save({ taskId: `t${i}`, projectId: i % 2 === 0 ? "even" : "odd", state: "new", context: {}, history: [] })
      }
      yield* state.transition("t3", { to: "done", event: "FINISH" })
      yield* state.checkpoint("t3")
      const seen: Array<string> = []
      let after: TaskCursor | undefined
      for (let pages = 0; pages < 10; pages++) {
        const page = yield* state.tasks({ limit: 2, after })
        seen.push(...page.tasks.map((t) => t.taskId))
        if (Option.isNone(page.next)) break
        after = page.next.value
      }
      expect([...seen].sort()).toEqual(["t0", "t1", "t2", "t3", "t4"])
      expect(new Set(seen).size).toBe(5)
      const all = yield* state.tasks()
      expect(all.tasks.find((t) => t.taskId === "t3")).toMatchObject({ state: "done", transitions: 1, checkpoints: 1, projectId: "odd" })
      expect((yield* state.tasks({ projectId: "even" })).tasks.map((t) => t.taskId).sort()).toEqual(["t0", "t2", "t4"])
      expect((yield* state.tasks({ state: "done" })).tasks.map((t) => t.taskId)).toEqual(["t3"])
      expect((yield* Effect.flip(state.tasks({ limit: 0 })))._tag).toBe("ValidationError")
    }).pipe(Effect.provide(TestLayer)))
})
})

import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Logbook from "../../src/Logbook.js"
import { StateStore } from "../../src/StateStore.js"

describe("a stale StateStore.save against a concurrent transition", () => {
  it.scoped("a copy that appended its own move over a step another caller took fails with StaleState; the stored task is untouched", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      yield* store.save({ taskId: "t", projectId: "p", state: "idle", context: {}, history: [] })
      yield* store.transition("t", { to: "planning", event: "PLAN" })
      const copy = Option.getOrThrow(yield* store.load("t"))
      // Another caller moves the task on.
      const moved = yield* store.transition("t", { to: "building", event: "BUILD", expected: "planning" })
      // The stale copy appends its own move from the state it was in: same history length as the stored one.
      const stale = {
        ...copy,
        state: "cancelled",
        history: [...copy.history, { from: "planning", to: "cancelled", event: "CANCEL", timestamp: new Date().toISOString() }]
      }
      const error = yield* Effect.flip(store.save(stale))
      expect(error).toMatchObject({ _tag: "StaleState", taskId: "t", actual: "building" })
      const stored = Option.getOrThrow(yield* store.load("t"))
      expect(stored).toEqual(moved)
      expect(stored.state).toBe("building")
      expect(stored.history.map((t) => `${t.from}->${t.to}`)).toEqual(["idle->planning", "planning->building"])
    }).pipe(Effect.provide(Logbook.layerMemory)))
})

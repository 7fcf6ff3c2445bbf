import { expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import * as Stream from "effect/Stream"
import { type TrajectorySelection, TrajectoryStore } from "../../src/TrajectoryStore.js"
import { WriteBehind } from "../../src/writeBehind/WriteBehind.js"
import { describeBackends } from "../support/Backends.js"
import { expectFailure } from "../records/support.js"
import { tiny } from "./support.js"

/** More than two export pages (200 trajectories each). */
const STORED = 450

const sessionOf = (i: number) => `session-${String(i).padStart(4, "0")}`

/**
 * Stores {@link STORED} trajectories, every third one by the agent
 * `reviewer`, in a shuffled session order (recorded: a few transactions,
 * not one per trajectory).
 */
const seed = Effect.gen(function*() {
  const store = yield* TrajectoryStore
  const order = Array.from({ length: STORED }, (_, i) => (i * 7) % STORED)
  for (const i of order) {
    const trajectory = tiny(sessionOf(i), `text ${i}`)
    yield* store.record(i % 3 === 0 ? { ...trajectory, agent: { name: "reviewer", version: "1.0" } } : trajectory)
  }
  yield* Effect.flatMap(WriteBehind, (writeBehind) => writeBehind.flush)
  return order.map(sessionOf)
})

const exported = (selection?: TrajectorySelection) =>
  Effect.flatMap(TrajectoryStore, (store) => Stream.runCollect(store.exportStream(selection))).pipe(Effect.map(Chunk.toReadonlyArray))

const sessionsOf = (pieces: ReadonlyArray<string>) =>
  pieces.join("").split("\n").filter((line) => line !== "").map((line) => {
    const parsed: { readonly session_id: string } = JSON.parse(line)
    return parsed.session_id
  })

describeBackends("TrajectoryStore.count and exportStream", ({ core }) => {
  const TestLayer = TrajectoryStore.DefaultWithoutDependencies.pipe(Layer.provideMerge(core))

  it.effect("export every stored trajectory as one JSON line each, in the order first stored, in pages of whole lines", () =>
    Effect.gen(function*() {
      const store = yield* TrajectoryStore
      const stored = yield* seed
      const pieces = yield* exported()
      expect(pieces).toHaveLength(3)
      expect(pieces.every((piece) => piece.endsWith("\n"))).toBe(true)
      expect(sessionsOf(pieces)).toEqual(stored)
      expect(yield* store.count()).toBe(STORED)
      const first = yield* store.get(stored[0]!)
      expect(first._tag === "Some" ? first.value.trajectory : undefined).toEqual(JSON.parse(pieces[0]!.split("\n")[0]!))
    }).pipe(Effect.provide(TestLayer)), 120_000)

  it.effect("the filters of list select what is counted and exported", () =>
    Effect.gen(function*() {
      // Trajectories are stamped by Effect's Clock: the test clock, set to a time between the bounds used below.
      yield* TestClock.setTime(Date.parse("2025-06-01T00:00:00.000Z"))
      const store = yield* TrajectoryStore
      const stored = yield* seed
      const reviewer = stored.filter((session) => Number(session.slice("session-".length)) % 3 === 0)
      expect(sessionsOf(yield* exported({ agentName: "reviewer" }))).toEqual(reviewer)
      expect(yield* store.count({ agentName: "reviewer" })).toBe(reviewer.length)
      expect(yield* store.count({ since: "2000-01-01" })).toBe(STORED)
      expect(yield* store.count({ since: "2999-01-01" })).toBe(0)
      expect(yield* exported({ since: "2999-01-01" })).toEqual([])
      expect(yield* store.count({ agentName: "nobody", minScore: 0.5 })).toBe(0)
    }).pipe(Effect.provide(TestLayer)), 120_000)

  it.effect("an empty store exports nothing and counts 0; an invalid filter is a ValidationError", () =>
    Effect.gen(function*() {
      const store = yield* TrajectoryStore
      expect(yield* exported()).toEqual([])
      expect(yield* store.count()).toBe(0)
      const error = yield* expectFailure(store.count({ since: "yesterday-ish" }), "ValidationError")
      expect(error.message).toContain("since")
      yield* expectFailure(Stream.runDrain(store.exportStream({ minScore: Number.NaN })), "ValidationError")
    }).pipe(Effect.provide(TestLayer)))
})

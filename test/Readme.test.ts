// The README's examples, as written there, against the package entry point.
import { expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { AuditLog, ExecutionTracker, Logbook, StateStore, TrajectoryStore } from "../src/index.js"

const program = Effect.gen(function*() {
  const state = yield* StateStore
  const audit = yield* AuditLog
  const tracker = yield* ExecutionTracker

  const trace = yield* tracker.startTrace({ projectId: "shop", taskId: "T-42", prompt: "Add a cart" })
  yield* state.save({ taskId: "T-42", projectId: "shop", state: "planning", context: {}, history: [] })
  yield* state.transition("T-42", { to: "building", event: "PLAN_READY", expected: "planning" })

  yield* audit.record({ projectId: "shop", taskId: "T-42", agent: "builder", action: "file.write", category: "file" })
  yield* tracker.recordLlmUsage({ provider: "anthropic", model: "claude", traceId: trace.id, inputTokens: 1200, outputTokens: 300, costUsd: 0.0081 })

  yield* state.checkpoint("T-42").pipe(Logbook.orLog({ taskId: "T-42" }))

  yield* tracker.completeTrace(trace.id, { success: true })
})

it.effect("the README's program runs on the memory layer", () =>
  Effect.gen(function*() {
    yield* program
    yield* Logbook.flush
    const stats = yield* Effect.flatMap(ExecutionTracker, (tracker) => tracker.stats())
    expect(stats).toMatchObject({ totalRuns: 1, completedRuns: 1, llmCalls: 1, inputTokens: 1200, outputTokens: 300 })
    const entries = yield* Effect.flatMap(AuditLog, (audit) => audit.query({ projectId: "shop" }))
    expect(entries.map((entry) => entry.action)).toEqual(["file.write"])
    const saved = yield* Effect.flatMap(StateStore, (state) => state.load("T-42"))
    expect(Option.map(saved, (s) => [s.state, s.history.length, s.context.checkpoints?.length])).toEqual(Option.some(["building", 1, 1]))
  }).pipe(Effect.provide(Logbook.layerMemory)))

it.effect("resumes a task after a restart", () =>
  Effect.gen(function*() {
    const state = yield* StateStore
    yield* state.save({ taskId: "t", projectId: "p", state: "building", context: { step: 3 }, history: [] })
    const loaded = yield* state.load("t")
    expect(Option.map(loaded, (s) => s.context.step)).toEqual(Option.some(3))
  }).pipe(Effect.provide(Logbook.layerMemory)))

it.effect("the README's embedding example: a trajectory saved with an embedding is found by similar", () =>
  Effect.gen(function*() {
    const store = yield* TrajectoryStore
    const trajectory = {
      schema_version: "ATIF-v1.4",
      session_id: "embedded",
      agent: { name: "a", version: "1" },
      steps: [{ step_id: 1, source: "user", message: "export the CSV" }]
    } as const
    yield* store.save(trajectory, { embedding: [1, 0, 0] })
    const nearest = yield* store.similar(new Float32Array([0.9, 0.1, 0]), { k: 5 })
    expect(nearest.map((hit) => hit.sessionId)).toEqual(["embedded"])
  }).pipe(Effect.provide(Logbook.layerMemory)))

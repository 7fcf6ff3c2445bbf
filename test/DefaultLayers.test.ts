/**
 * Each store's `Default` layer, provided alone, runs a program that uses the
 * store: the program type-checks with no requirement left (`R = never`, the
 * type-level half of this spec) and runs on the database named by
 * `LOGBOOK_DATABASE_URL` (here `:memory:`).
 */
import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { AgentRegistry } from "../src/AgentRegistry.js"
import { AuditLog } from "../src/AuditLog.js"
import { ConfigStore } from "../src/ConfigStore.js"
import { ExecutionTracker } from "../src/ExecutionTracker.js"
import { LessonsStore } from "../src/LessonsStore.js"
import { RecordStore } from "../src/RecordStore.js"
import { StateStore } from "../src/StateStore.js"
import { TrajectoryStore } from "../src/TrajectoryStore.js"
import { tiny } from "./trajectory/support.js"

/** A program with every requirement provided: it only compiles when `R` is `never`. */
type Runnable<A> = Effect.Effect<A, unknown, never>

const inMemory = Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["LOGBOOK_DATABASE_URL", ":memory:"]])))

const run = <A>(program: Runnable<A>) => inMemory(program)

describe("each store's Default layer alone", () => {
  it.effect("StateStore", () =>
    Effect.gen(function*() {
      const program: Runnable<number> = Effect.gen(function*() {
        const store = yield* StateStore
        yield* store.save({ taskId: "t-1", projectId: "p", state: "planning", context: {}, history: [] })
        yield* store.transition("t-1", { to: "building", event: "GO" })
        yield* store.checkpoint("t-1", {})
        return (yield* store.list("p")).length
      }).pipe(Effect.provide(StateStore.Default))
      expect(yield* run(program)).toBe(1)
    }))

  it.effect("AuditLog", () =>
    Effect.gen(function*() {
      const program: Runnable<number> = Effect.gen(function*() {
        const audit = yield* AuditLog
        yield* audit.log({ action: "a", category: "agent" })
        yield* audit.record({ action: "b", category: "agent" })
        yield* audit.export({}, "csv")
        return (yield* audit.summary("p")).length + (yield* audit.query()).length
      }).pipe(Effect.provide(AuditLog.Default))
      expect(yield* run(program)).toBeGreaterThanOrEqual(1)
    }))

  it.effect("LessonsStore", () =>
    Effect.gen(function*() {
      const program: Runnable<number> = Effect.gen(function*() {
        const lessons = yield* LessonsStore
        const lesson = yield* lessons.create({ category: "bug", title: "Busy", summary: "retry", details: "" })
        yield* lessons.recordApplication(lesson.id)
        return (yield* lessons.search({ query: "busy" })).length
      }).pipe(Effect.provide(LessonsStore.Default))
      expect(yield* run(program)).toBe(1)
    }))

  it.effect("ExecutionTracker", () =>
    Effect.gen(function*() {
      const program: Runnable<number> = Effect.gen(function*() {
        const tracker = yield* ExecutionTracker
        const trace = yield* tracker.startTrace({ projectId: "p", taskId: "t", prompt: "go" })
        yield* tracker.recordEvent(trace.id, { type: "step" })
        yield* tracker.recordLlmUsage({ provider: "anthropic", model: "m", inputTokens: 1, outputTokens: 1, traceId: trace.id })
        yield* tracker.completeTrace(trace.id, { success: true })
        yield* tracker.stats()
        return (yield* tracker.recentTraces("p")).length
      }).pipe(Effect.provide(ExecutionTracker.Default))
      expect(yield* run(program)).toBe(1)
    }))

  it.effect("TrajectoryStore", () =>
    Effect.gen(function*() {
      const program: Runnable<boolean> = Effect.gen(function*() {
        const store = yield* TrajectoryStore
        yield* store.save(tiny("s-1"))
        yield* store.record(tiny("s-2"))
        yield* store.list()
        yield* store.similar(new Float32Array([1, 0]), { k: 1 })
        return Option.isSome(yield* store.get("s-1"))
      }).pipe(Effect.provide(TrajectoryStore.Default))
      expect(yield* run(program)).toBe(true)
    }))

  it.effect("RecordStore", () =>
    Effect.gen(function*() {
      const program: Runnable<number> = Effect.gen(function*() {
        const records = yield* RecordStore
        yield* records.put("plan", { content: { n: 1 } })
        yield* records.stats("plan", { field: "n" })
        return (yield* records.query("plan", {})).length
      }).pipe(Effect.provide(RecordStore.Default))
      expect(yield* run(program)).toBe(1)
    }))

  it.effect("ConfigStore", () =>
    Effect.gen(function*() {
      const program: Runnable<Option.Option<number>> = Effect.gen(function*() {
        const config = yield* ConfigStore
        yield* config.set("n", 3)
        yield* config.list()
        return yield* config.get("n", Schema.Number)
      }).pipe(Effect.provide(ConfigStore.Default))
      expect(yield* run(program)).toEqual(Option.some(3))
    }))

  it.effect("AgentRegistry", () =>
    Effect.gen(function*() {
      const program: Runnable<number> = Effect.gen(function*() {
        const registry = yield* AgentRegistry
        const agent = yield* registry.createAgent({ name: "planner", model: "m" })
        const session = yield* registry.createSession({ agentId: agent.id })
        yield* registry.appendLog(session.id, { role: "user", type: "message", content: "hello" })
        yield* registry.effectiveConfig(session.id)
        return (yield* registry.logs(session.id)).length
      }).pipe(Effect.provide(AgentRegistry.Default))
      expect(yield* run(program)).toBe(1)
    }))
})

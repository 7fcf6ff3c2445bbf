import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { ExecutionTracker } from "../../src/ExecutionTracker.js"
import * as Logbook from "../../src/Logbook.js"
import type { RunCursor } from "../../src/tracker/RunViews.js"
import { setStartedAt } from "./TrackerLayer.js"
import { describeBackends } from "../support/Backends.js"

describeBackends("ExecutionTracker browsing", ({ core }) => {
const TestLayer = ExecutionTracker.DefaultWithoutDependencies.pipe(Layer.provideMerge(core))

const SAME_INSTANT = "2026-03-01T10:00:00.000Z"

describe("ExecutionTracker browsing reads", () => {
  it.effect("findTraces pages by keyset: runs started in the same millisecond are each seen exactly once, newest first", () =>
    Effect.gen(function*() {
      const tracker = yield* ExecutionTracker
      const ids: Array<string> = []
      for (let i = 0; i < 7; i++) {
        const trace = yield* tracker.startTrace({ projectId: "p", taskId: `t${i}`, prompt: `run ${i}` })
        yield* setStartedAt(trace.id, i < 5 ? SAME_INSTANT : `2026-03-0${i - 3}T10:00:00.000Z`)
        ids.push(trace.id)
      }
      const seen: Array<string> = []
      let after: RunCursor | undefined
      for (let pages = 0; pages < 10; pages++) {
        const page = yield* tracker.findTraces({ limit: 2, after })
        seen.push(...page.runs.map((r) => r.id))
        if (Option.isNone(page.next)) break
        after = page.next.value
      }
      expect([...seen].sort()).toEqual([...ids].sort())
      expect(new Set(seen).size).toBe(7)
      const starts = (yield* tracker.findTraces({ limit: 10 })).runs.map((r) => r.startedAt)
      expect(starts).toEqual([...starts].sort().reverse())
    }).pipe(Effect.provide(TestLayer)))

  it.effect("findTraces filters by status, agent, time and literal text (LIKE wildcards are plain characters)", () =>
    Effect.gen(function*() {
      const tracker = yield* ExecutionTracker
      const a = yield* tracker.startTrace({ projectId: "p", taskId: "ta", prompt: "grow 100% of the cache", agentId: "x" })
      const b = yield* tracker.startTrace({ projectId: "p", taskId: "tb", prompt: "grow 1000 of the cache", agentId: "y" })
      yield* tracker.completeTrace(b.id, { success: false, error: "boom" })
      yield* setStartedAt(a.id, "2026-01-01T00:00:00.000Z")
      yield* setStartedAt(b.id, "2026-02-01T00:00:00.000Z")
      const ids = (filter: Parameters<typeof tracker.findTraces>[0]) =>
        Effect.map(tracker.findTraces(filter), (page) => page.runs.map((r) => r.id))
      expect(yield* ids({ text: "100%" })).toEqual([a.id])
      expect(yield* ids({ text: "boom" })).toEqual([b.id])
      expect(yield* ids({ status: "error" })).toEqual([b.id])
      expect(yield* ids({ agentId: "x" })).toEqual([a.id])
      expect(yield* ids({ since: "2026-01-15T00:00:00Z" })).toEqual([b.id])
      expect(yield* ids({ until: "2026-01-15T00:00:00Z" })).toEqual([a.id])
      const invalid = yield* Effect.flip(tracker.findTraces({ since: "soon" }))
      expect(invalid._tag).toBe("ValidationError")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("agentHealth: success rate and nearest-rank p50 / p95 of completed invocations' durations", () =>
    Effect.gen(function*() {
      const tracker = yield* ExecutionTracker
      const trace = yield* tracker.startTrace({ projectId: "p", taskId: "t", prompt: "x" })
      const start = Date.parse("2026-05-01T00:00:00.000Z")
      for (let i = 1; i <= 20; i++) {
        yield* tracker.recordInvocation({
          traceId: trace.id,
          agent: "worker",
          startedAt: new Date(start).toISOString(),
          completedAt: new Date(start + i * 10).toISOString(),
          outcome: i <= 15 ? "success" : "failure"
        })
      }
      yield* tracker.recordInvocation({ traceId: trace.id, agent: "idle", startedAt: new Date(start).toISOString() })
      const health = yield* tracker.agentHealth()
      expect(health).toEqual([
        { agent: "idle", invocations: 1, successes: 0, failures: 0, successRate: 0, p50DurationMs: null, p95DurationMs: null },
        { agent: "worker", invocations: 20, successes: 15, failures: 5, successRate: 0.75, p50DurationMs: 100, p95DurationMs: 190 }
      ])
      expect(yield* tracker.agentHealth({ since: "2026-06-01T00:00:00Z" })).toEqual([])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("dailyUsage: calls, tokens and cost per UTC day, model and agent", () =>
    Effect.gen(function*() {
      const tracker = yield* ExecutionTracker
      yield* tracker.recordLlmUsage({ provider: "a", model: "m1", agent: "x", inputTokens: 10, outputTokens: 5, costUsd: 0.5 })
      yield* tracker.recordLlmUsage({ provider: "a", model: "m1", agent: "x", inputTokens: 1, outputTokens: 1, costUsd: 0.25 })
      yield* tracker.recordLlmUsage({ provider: "a", model: "m2", inputTokens: 3 })
      yield* Logbook.flush
      const rows = yield* tracker.dailyUsage()
      const today = new Date(yield* Clock.currentTimeMillis).toISOString().slice(0, 10)
      expect(rows).toEqual([
        { day: today, model: "m1", agent: "x", calls: 2, inputTokens: 11, outputTokens: 6, totalTokens: 17, costUsd: 0.75 },
        { day: today, model: "m2", agent: null, calls: 1, inputTokens: 3, outputTokens: 0, totalTokens: 3, costUsd: 0 }
      ])
    }).pipe(Effect.provide(TestLayer)))
})
})

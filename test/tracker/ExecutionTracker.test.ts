import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import { NotFound, ValidationError } from "../../src/Errors.js"
import { ExecutionTracker } from "../../src/ExecutionTracker.js"
import { countRows, SECRET, setStartedAt } from "./TrackerLayer.js"
import { describeBackends } from "../support/Backends.js"

describeBackends("ExecutionTracker", ({ core }) => {
const TestLayer = ExecutionTracker.DefaultWithoutDependencies.pipe(Layer.provideMerge(core))

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

const start = (projectId = "p1", extra: { agentId?: string; metadata?: Record<string, unknown> } = {}) =>
  ExecutionTracker.startTrace({ projectId, taskId: "t1", prompt: "Build it", ...extra })

describe("ExecutionTracker traces", () => {
  it.effect("startTrace stores a running trace that getTrace reads back", () =>
    Effect.gen(function*() {
      const trace = yield* start("p1", { agentId: "builder", metadata: { model: "m1", depth: 2 } })
      expect(trace).toMatchObject({
        projectId: "p1",
        taskId: "t1",
        prompt: "Build it",
        agentId: "builder",
        status: "running",
        metadata: { model: "m1", depth: 2 }
      })
      expect(trace.id).toMatch(/^[0-9a-f-]{36}$/)
      expect(trace.startedAt).toMatch(ISO)
      expect(trace.completedAt).toBeUndefined()
      expect(trace.success).toBeUndefined()
      expect(trace.durationMs).toBeUndefined()
      const read = yield* ExecutionTracker.getTrace(trace.id)
      expect(read).toEqual(Option.some(trace))
    }).pipe(Effect.provide(TestLayer)))

  it.effect("startTrace stamps Effect's Clock (the test clock here); the ending is stamped and timed by it too", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2031-02-03T04:05:06.789Z"))
      const trace = yield* start()
      expect(trace.startedAt).toBe("2031-02-03T04:05:06.789Z")
      yield* TestClock.adjust("90 seconds")
      const done = yield* ExecutionTracker.completeTrace(trace.id, { success: true })
      expect(done.completedAt).toBe("2031-02-03T04:06:36.789Z")
      expect(done.durationMs).toBe(90_000)
      const other = yield* start()
      yield* TestClock.adjust("250 millis")
      const cancelled = yield* ExecutionTracker.cancelTrace(other.id, "no longer needed")
      expect(cancelled).toMatchObject({ startedAt: "2031-02-03T04:06:36.789Z", completedAt: "2031-02-03T04:06:37.039Z", durationMs: 250 })
    }).pipe(Effect.provide(TestLayer)))

  it.effect("each test gets a fresh database", () =>
    Effect.gen(function*() {
      expect(yield* countRows("execution_traces")).toBe(0)
      yield* start()
      expect(yield* countRows("execution_traces")).toBe(1)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("getTrace of an unknown id is none", () =>
    Effect.gen(function*() {
      expect(yield* ExecutionTracker.getTrace("nope")).toEqual(Option.none())
    }).pipe(Effect.provide(TestLayer)))

  it.effect("startTrace, completeTrace and recordInvocation stamp Effect's Clock (the test clock here)", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2031-02-03T04:05:06.789Z"))
      const trace = yield* ExecutionTracker.startTrace({ projectId: "clocked", taskId: "t1", prompt: "Build it" })
      expect(trace.startedAt).toBe("2031-02-03T04:05:06.789Z")
      yield* TestClock.adjust("1500 millis")
      const invocation = yield* ExecutionTracker.recordInvocation({ traceId: trace.id, agent: "builder" })
      const completed = yield* ExecutionTracker.completeTrace(trace.id, { success: true })
      expect(completed.completedAt).toBe("2031-02-03T04:05:08.289Z")
      expect(completed.durationMs).toBe(1500)
      const [recorded] = yield* ExecutionTracker.invocations(trace.id)
      expect(recorded?.id).toBe(invocation)
      expect(recorded?.startedAt).toBe("2031-02-03T04:05:08.289Z")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("startTrace rejects invalid input with a ValidationError and writes nothing", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(ExecutionTracker.startTrace({ projectId: "", taskId: "t", prompt: "x" }))
      expect(error).toBeInstanceOf(ValidationError)
      expect(error._tag === "ValidationError" && error.issues.map((i) => i.path)).toEqual(["projectId"])
      expect(yield* countRows("execution_traces")).toBe(0)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("startTrace redacts the prompt and the metadata", () =>
    Effect.gen(function*() {
      const trace = yield* ExecutionTracker.startTrace({
        projectId: "p",
        taskId: "t",
        prompt: `use ${SECRET} to push`,
        metadata: { note: `token ${SECRET}`, api_key: "hunter2" }
      })
      expect(trace.prompt).toBe("use [REDACTED:github] to push")
      expect(trace.metadata).toEqual({ note: "token [REDACTED:github]", api_key: "[REDACTED:sensitive-key]" })
      const read = yield* ExecutionTracker.getTrace(trace.id)
      expect(JSON.stringify(read)).not.toContain(SECRET)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("completeTrace ends a trace as completed, with the duration computed from the stored timestamps", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2030-01-02T03:04:05.678Z"))
      const trace = yield* start("p1", { metadata: { model: "m1", keep: true } })
      const startedAt = "2030-01-02T03:04:04.444Z"
      yield* setStartedAt(trace.id, startedAt)
      const done = yield* ExecutionTracker.completeTrace(trace.id, {
        success: true,
        tokenUsage: { inputTokens: 100, outputTokens: 200, totalTokens: 300 },
        metadata: { model: "m2", result: "ok" }
      })
      expect(done.status).toBe("completed")
      expect(done.success).toBe(true)
      expect(done.completedAt).toBe("2030-01-02T03:04:05.678Z")
      expect(done.durationMs).toBe(1234)
      expect(done.tokenUsage).toEqual({ inputTokens: 100, outputTokens: 200, totalTokens: 300 })
      expect(done.metadata).toEqual({ model: "m2", keep: true, result: "ok" })
      expect(yield* ExecutionTracker.getTrace(trace.id)).toEqual(Option.some(done))
    }).pipe(Effect.provide(TestLayer)))

  it.effect("completeTrace with success false ends it in error, keeping the redacted error", () =>
    Effect.gen(function*() {
      const trace = yield* start()
      const done = yield* ExecutionTracker.completeTrace(trace.id, { success: false, error: `bad key ${SECRET}` })
      expect(done).toMatchObject({ status: "error", success: false, error: "bad key [REDACTED:github]" })
      expect(done.tokenUsage).toBeUndefined()
      expect(done.metadata).toBeUndefined()
    }).pipe(Effect.provide(TestLayer)))

  it.effect("completing a trace twice is a ValidationError and changes nothing", () =>
    Effect.gen(function*() {
      const trace = yield* start()
      const done = yield* ExecutionTracker.completeTrace(trace.id, { success: true })
      const error = yield* Effect.flip(ExecutionTracker.completeTrace(trace.id, { success: false, error: "late" }))
      expect(error).toBeInstanceOf(ValidationError)
      expect(error.message).toBe(`trace ${trace.id} is completed; it cannot be completed again`)
      expect(error._tag === "ValidationError" && error.issues).toEqual([{ path: "status", message: error.message }])
      expect(yield* ExecutionTracker.getTrace(trace.id)).toEqual(Option.some(done))
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a trace that ended in error cannot be completed nor cancelled", () =>
    Effect.gen(function*() {
      const trace = yield* start()
      yield* ExecutionTracker.completeTrace(trace.id, { success: false })
      const again = yield* Effect.flip(ExecutionTracker.completeTrace(trace.id, { success: true }))
      expect(again.message).toBe(`trace ${trace.id} ended in error; it cannot be completed again`)
      const cancel = yield* Effect.flip(ExecutionTracker.cancelTrace(trace.id))
      expect(cancel.message).toBe(`trace ${trace.id} ended in error; it cannot be cancelled`)
      expect(Option.map(yield* ExecutionTracker.getTrace(trace.id), (t) => t.status)).toEqual(Option.some("error"))
    }).pipe(Effect.provide(TestLayer)))

  it.effect("cancelTrace ends a running trace as cancelled with its reason", () =>
    Effect.gen(function*() {
      const trace = yield* start()
      const cancelled = yield* ExecutionTracker.cancelTrace(trace.id, "user stopped it")
      expect(cancelled).toMatchObject({ status: "cancelled", success: false, error: "user stopped it" })
      expect(cancelled.completedAt).toMatch(ISO)
      expect(cancelled.durationMs).toBeGreaterThanOrEqual(0)
      const other = yield* ExecutionTracker.cancelTrace((yield* start()).id)
      expect(other.status).toBe("cancelled")
      expect(other.error).toBeUndefined()
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a cancelled trace cannot be completed nor cancelled again", () =>
    Effect.gen(function*() {
      const trace = yield* start()
      const cancelled = yield* ExecutionTracker.cancelTrace(trace.id, "stop")
      const complete = yield* Effect.flip(ExecutionTracker.completeTrace(trace.id, { success: true }))
      expect(complete).toBeInstanceOf(ValidationError)
      expect(complete.message).toBe(`trace ${trace.id} is cancelled; it cannot be completed`)
      const cancel = yield* Effect.flip(ExecutionTracker.cancelTrace(trace.id, "again"))
      expect(cancel.message).toBe(`trace ${trace.id} is cancelled; it cannot be cancelled again`)
      expect(yield* ExecutionTracker.getTrace(trace.id)).toEqual(Option.some(cancelled))
    }).pipe(Effect.provide(TestLayer)))

  it.effect("ending an unknown trace is NotFound", () =>
    Effect.gen(function*() {
      const complete = yield* Effect.flip(ExecutionTracker.completeTrace("missing", { success: true }))
      expect(complete).toEqual(new NotFound({ entity: "trace", id: "missing" }))
      const cancel = yield* Effect.flip(ExecutionTracker.cancelTrace("missing"))
      expect(cancel).toEqual(new NotFound({ entity: "trace", id: "missing" }))
    }).pipe(Effect.provide(TestLayer)))

  it.effect("of racing completions exactly one wins", () =>
    Effect.gen(function*() {
      const trace = yield* start()
      const results = yield* Effect.all(
        [
          Effect.either(ExecutionTracker.completeTrace(trace.id, { success: true })),
          Effect.either(ExecutionTracker.completeTrace(trace.id, { success: false })),
          Effect.either(ExecutionTracker.cancelTrace(trace.id))
        ],
        { concurrency: "unbounded" }
      )
      expect(results.filter(Either.isRight)).toHaveLength(1)
      expect(results.filter(Either.isLeft).map((r) => Either.isLeft(r) && r.left._tag)).toEqual(["ValidationError", "ValidationError"])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("completeTrace rejects invalid token usage", () =>
    Effect.gen(function*() {
      const trace = yield* start()
      const error = yield* Effect.flip(
        ExecutionTracker.completeTrace(trace.id, { success: true, tokenUsage: { inputTokens: -1, outputTokens: 0, totalTokens: 0 } })
      )
      expect(error._tag).toBe("ValidationError")
      expect(Option.map(yield* ExecutionTracker.getTrace(trace.id), (t) => t.status)).toEqual(Option.some("running"))
    }).pipe(Effect.provide(TestLayer)))
})

describe("ExecutionTracker.recentTraces", () => {
  it.effect("lists a project's traces newest first", () =>
    Effect.gen(function*() {
      const a = yield* start("p1")
      const b = yield* start("p1")
      yield* start("p2")
      yield* setStartedAt(a.id, "2024-01-01T00:00:00.000Z")
      yield* setStartedAt(b.id, "2024-01-02T00:00:00.000Z")
      const traces = yield* ExecutionTracker.recentTraces("p1")
      expect(traces.map((t) => t.id)).toEqual([b.id, a.id])
      expect(yield* ExecutionTracker.recentTraces("none")).toEqual([])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("pages never overlap nor skip, also for traces started in the same millisecond", () =>
    Effect.gen(function*() {
      const ids: Array<string> = []
      for (let i = 0; i < 25; i++) {
        const trace = yield* start("p1")
        ids.push(trace.id)
        yield* setStartedAt(trace.id, i < 10 ? "2024-05-05T05:05:05.555Z" : new Date(Date.UTC(2024, 5, i)).toISOString())
      }
      const all = yield* ExecutionTracker.recentTraces("p1", { limit: 100 })
      expect(all).toHaveLength(25)
      const pages = [
        yield* ExecutionTracker.recentTraces("p1", { limit: 10, offset: 0 }),
        yield* ExecutionTracker.recentTraces("p1", { limit: 10, offset: 10 }),
        yield* ExecutionTracker.recentTraces("p1", { limit: 10, offset: 20 }),
        yield* ExecutionTracker.recentTraces("p1", { limit: 10, offset: 30 })
      ]
      expect(pages.map((p) => p.length)).toEqual([10, 10, 5, 0])
      expect(pages.flat().map((t) => t.id)).toEqual(all.map((t) => t.id))
      expect(new Set(all.map((t) => t.id))).toEqual(new Set(ids))
      const started = all.map((t) => t.startedAt)
      expect([...started].sort().reverse()).toEqual(started)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("defaults to 20 and refuses out-of-range pages instead of clamping them", () =>
    Effect.gen(function*() {
      for (let i = 0; i < 23; i++) yield* start("p1")
      expect(yield* ExecutionTracker.recentTraces("p1")).toHaveLength(20)
      expect(yield* ExecutionTracker.recentTraces("p1", { limit: 10_000 })).toHaveLength(23)
      for (const page of [{ limit: 0 }, { limit: 1e9 }, { limit: 5, offset: -3 }, { limit: Number.NaN }]) {
        expect((yield* Effect.flip(ExecutionTracker.recentTraces("p1", page)))._tag).toBe("ValidationError")
      }
    }).pipe(Effect.provide(TestLayer)))
})

describe("ExecutionTracker invocations", () => {
  it.effect("recordInvocation stores an invocation that invocations reads back, in recorded order", () =>
    Effect.gen(function*() {
      const trace = yield* start()
      const first = yield* ExecutionTracker.recordInvocation({
        traceId: trace.id,
        agent: "planner",
        taskFragment: "Create plan",
        startedAt: "2024-03-01T10:00:00Z"
      })
      const second = yield* ExecutionTracker.recordInvocation({
        traceId: trace.id,
        agent: "builder",
        startedAt: new Date("2024-02-01T10:00:00.123Z"),
        completedAt: "2024-02-01T10:05:00+02:00",
        outcome: "partial",
        qualityScore: 0.5,
        tokenUsage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 },
        outputSummary: "half done",
        error: "ran out of time"
      })
      expect(second).toBeGreaterThan(first)
      const invocations = yield* ExecutionTracker.invocations(trace.id)
      expect(invocations).toEqual([
        { id: first, traceId: trace.id, agent: "planner", taskFragment: "Create plan", startedAt: "2024-03-01T10:00:00.000Z" },
        {
          id: second,
          traceId: trace.id,
          agent: "builder",
          startedAt: "2024-02-01T10:00:00.123Z",
          completedAt: "2024-02-01T08:05:00.000Z",
          outcome: "partial",
          qualityScore: 0.5,
          tokenUsage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 },
          outputSummary: "half done",
          error: "ran out of time"
        }
      ])
      expect(yield* ExecutionTracker.invocations("other")).toEqual([])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("startedAt defaults to now, by Effect's Clock (the test clock here)", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2030-01-02T03:04:05.678Z"))
      const trace = yield* start()
      yield* TestClock.adjust("1 second")
      yield* ExecutionTracker.recordInvocation({ traceId: trace.id, agent: "a" })
      const [invocation] = yield* ExecutionTracker.invocations(trace.id)
      expect(invocation!.startedAt).toBe("2030-01-02T03:04:06.678Z")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("recordInvocation of an unknown trace is NotFound", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(ExecutionTracker.recordInvocation({ traceId: "ghost", agent: "a" }))
      expect(error).toEqual(new NotFound({ entity: "trace", id: "ghost" }))
      expect(yield* countRows("agent_invocations")).toBe(0)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("recordInvocation rejects invalid input", () =>
    Effect.gen(function*() {
      const trace = yield* start()
      const error = yield* Effect.flip(ExecutionTracker.recordInvocation({
        traceId: trace.id,
        agent: "a",
        // @ts-expect-error: not an outcome
        outcome: "great",
        startedAt: "yesterday"
      }))
      expect(error._tag).toBe("ValidationError")
      expect(error._tag === "ValidationError" && [...new Set(error.issues.map((i) => i.path))].sort()).toEqual(["outcome", "startedAt"])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("updateInvocation sets the given fields and keeps the others", () =>
    Effect.gen(function*() {
      const trace = yield* start()
      const id = yield* ExecutionTracker.recordInvocation({
        traceId: trace.id,
        agent: "builder",
        taskFragment: "build",
        startedAt: "2024-01-01T00:00:00.000Z",
        outputSummary: "draft"
      })
      yield* ExecutionTracker.updateInvocation(id, { completedAt: "2024-01-01T00:01:00.000Z", outcome: "success", qualityScore: 0.9 })
      yield* ExecutionTracker.updateInvocation(id, {})
      yield* ExecutionTracker.updateInvocation(id, { tokenUsage: { inputTokens: 5, outputTokens: 5, totalTokens: 10 } })
      const [invocation] = yield* ExecutionTracker.invocations(trace.id)
      expect(invocation).toEqual({
        id,
        traceId: trace.id,
        agent: "builder",
        taskFragment: "build",
        startedAt: "2024-01-01T00:00:00.000Z",
        completedAt: "2024-01-01T00:01:00.000Z",
        outcome: "success",
        qualityScore: 0.9,
        tokenUsage: { inputTokens: 5, outputTokens: 5, totalTokens: 10 },
        outputSummary: "draft"
      })
    }).pipe(Effect.provide(TestLayer)))

  it.effect("updateInvocation of an unknown id is NotFound", () =>
    Effect.gen(function*() {
      expect(yield* Effect.flip(ExecutionTracker.updateInvocation(42, { outcome: "failure" }))).toEqual(
        new NotFound({ entity: "invocation", id: "42" })
      )
      expect(yield* Effect.flip(ExecutionTracker.updateInvocation(1.5, {}))).toEqual(
        new NotFound({ entity: "invocation", id: "1.5" })
      )
    }).pipe(Effect.provide(TestLayer)))

  it.effect("invocation fragments, outputs and errors are redacted", () =>
    Effect.gen(function*() {
      const trace = yield* start()
      const id = yield* ExecutionTracker.recordInvocation({
        traceId: trace.id,
        agent: "a",
        taskFragment: `call with ${SECRET}`,
        outputSummary: `got ${SECRET}`
      })
      yield* ExecutionTracker.updateInvocation(id, { error: `failed: ${SECRET}` })
      const [invocation] = yield* ExecutionTracker.invocations(trace.id)
      expect(invocation).toMatchObject({
        taskFragment: "call with [REDACTED:github]",
        outputSummary: "got [REDACTED:github]",
        error: "failed: [REDACTED:github]"
      })
    }).pipe(Effect.provide(TestLayer)))
})

describe("ExecutionTracker.agentMetrics", () => {
  it.effect("is all zeros for an agent with no invocations", () =>
    Effect.gen(function*() {
      expect(yield* ExecutionTracker.agentMetrics("nobody")).toEqual({
        agent: "nobody",
        totalInvocations: 0,
        successRate: 0,
        failureRate: 0,
        avgQualityScore: 0,
        avgTokensPerInvocation: 0
      })
    }).pipe(Effect.provide(TestLayer)))

  it.effect("computes rates and averages over the agent's invocations in the window", () =>
    Effect.gen(function*() {
      // The window is measured back from Effect's Clock.
      const at = Date.parse("2030-06-15T12:00:00.000Z")
      yield* TestClock.setTime(at)
      const trace = yield* start()
      const recent = new Date(at - 86_400_000).toISOString()
      const old = new Date(at - 40 * 86_400_000).toISOString()
      const usage = (totalTokens: number) => ({ inputTokens: 0, outputTokens: totalTokens, totalTokens })
      const record = (agent: string, startedAt: string, extra: object) =>
        ExecutionTracker.recordInvocation({ traceId: trace.id, agent, startedAt, ...extra })
      yield* record("builder", recent, { outcome: "success", qualityScore: 0.8, tokenUsage: usage(100) })
      yield* record("builder", recent, { outcome: "success", qualityScore: 0.6 })
      yield* record("builder", recent, { outcome: "failure", tokenUsage: usage(300) })
      yield* record("builder", recent, { outcome: "escalated" })
      yield* record("builder", old, { outcome: "failure", qualityScore: 0, tokenUsage: usage(1000) })
      yield* record("planner", recent, { outcome: "failure", qualityScore: 0.1 })

      const metrics = yield* ExecutionTracker.agentMetrics("builder")
      expect(metrics.totalInvocations).toBe(4)
      expect(metrics.successRate).toBeCloseTo(0.5)
      expect(metrics.failureRate).toBeCloseTo(0.25)
      expect(metrics.avgQualityScore).toBeCloseTo(0.7)
      expect(metrics.avgTokensPerInvocation).toBeCloseTo(200)

      const all = yield* ExecutionTracker.agentMetrics("builder", { days: Infinity })
      expect(all.totalInvocations).toBe(5)
      expect(all.failureRate).toBeCloseTo(0.4)
      expect(all.avgQualityScore).toBeCloseTo((0.8 + 0.6 + 0) / 3)
      expect(all.avgTokensPerInvocation).toBeCloseTo(1400 / 3)

      expect((yield* ExecutionTracker.agentMetrics("builder", { days: 60 })).totalInvocations).toBe(5)
      expect((yield* ExecutionTracker.agentMetrics("builder", { days: 0.5 })).totalInvocations).toBe(0)
      expect((yield* ExecutionTracker.agentMetrics("builder", { days: -1 })).totalInvocations).toBe(4)
    }).pipe(Effect.provide(TestLayer)))
})
})

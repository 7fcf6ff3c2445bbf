import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { ExecutionTracker } from "../../src/ExecutionTracker.js"
import { EventSink } from "../../src/tracker/EventSink.js"
import { LlmUsageSink } from "../../src/tracker/LlmUsageSink.js"
import { WriteBehind } from "../../src/writeBehind/WriteBehind.js"
import { collectingWarnings, countRows, SECRET } from "./TrackerLayer.js"
import { describeBackends } from "../support/Backends.js"

describeBackends("ExecutionTracker recording", ({ core }) => {
const TestLayer = ExecutionTracker.DefaultWithoutDependencies.pipe(Layer.provideMerge(core))

const flush = Effect.flatMap(WriteBehind, (writeBehind) => writeBehind.flush)

const start = (agentId?: string) =>
  ExecutionTracker.startTrace({ projectId: "p", taskId: "t", prompt: "go", ...(agentId === undefined ? {} : { agentId }) })

describe("ExecutionTracker events", () => {
  it.effect("recordEvent is write-behind; events reads them back in recorded order, optionally by type", () =>
    Effect.gen(function*() {
      const trace = yield* start()
      yield* ExecutionTracker.recordEvent(trace.id, { type: "run_started" })
      yield* ExecutionTracker.recordEvent(trace.id, { type: "tool_called", data: { tool: "grep", args: ["-r", "x"], ok: true } })
      yield* ExecutionTracker.recordEvent(trace.id, { type: "tool_called", data: "plain" })
      yield* ExecutionTracker.recordEvent(trace.id, { type: "run_completed", data: 42 })
      yield* ExecutionTracker.recordEvent("other-trace", { type: "run_started" })
      yield* flush

      const events = yield* ExecutionTracker.events(trace.id)
      expect(events.map(({ type, data }) => ({ type, data }))).toEqual([
        { type: "run_started", data: undefined },
        { type: "tool_called", data: { tool: "grep", args: ["-r", "x"], ok: true } },
        { type: "tool_called", data: "plain" },
        { type: "run_completed", data: 42 }
      ])
      expect(events.every((e) => e.traceId === trace.id && /Z$/.test(e.timestamp))).toBe(true)
      const ids = events.map((e) => e.id)
      expect([...ids].sort((a, b) => a - b)).toEqual(ids)

      const tools = yield* ExecutionTracker.events(trace.id, { type: "tool_called" })
      expect(tools.map((e) => e.data)).toEqual([{ tool: "grep", args: ["-r", "x"], ok: true }, "plain"])
      expect(yield* ExecutionTracker.events(trace.id, { type: "nothing" })).toEqual([])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("1,000 events written within the same millisecond come back in the order they were written", () =>
    Effect.gen(function*() {
      const trace = yield* start()
      const writeBehind = yield* WriteBehind
      const timestamp = "2024-06-01T12:00:00.000Z"
      for (let i = 0; i < 1000; i++) {
        yield* writeBehind.enqueue(EventSink, { traceId: trace.id, type: "step", data: JSON.stringify({ i }), timestamp })
      }
      yield* writeBehind.flush
      const events = yield* ExecutionTracker.events(trace.id)
      expect(events).toHaveLength(1000)
      expect(events.every((e) => e.timestamp === timestamp)).toBe(true)
      expect(events.map((e) => e.data)).toEqual(Array.from({ length: 1000 }, (_, i) => ({ i })))
    }).pipe(Effect.provide(TestLayer)))

  it.effect("1,000 events recorded back to back through recordEvent keep their order", () =>
    Effect.gen(function*() {
      const trace = yield* start()
      for (let i = 0; i < 1000; i++) {
        yield* ExecutionTracker.recordEvent(trace.id, { type: i % 2 === 0 ? "even" : "odd", data: { i } })
      }
      yield* flush
      const events = yield* ExecutionTracker.events(trace.id)
      expect(events.map((e) => e.data)).toEqual(Array.from({ length: 1000 }, (_, i) => ({ i })))
      const odd = yield* ExecutionTracker.events(trace.id, { type: "odd" })
      expect(odd.map((e) => e.data)).toEqual(Array.from({ length: 500 }, (_, i) => ({ i: 2 * i + 1 })))
    }).pipe(Effect.provide(TestLayer)))

  it.effect("event data is redacted before it is stored", () =>
    Effect.gen(function*() {
      const trace = yield* start()
      yield* ExecutionTracker.recordEvent(trace.id, { type: "tool_called", data: { output: `key ${SECRET}`, password: "pw" } })
      yield* flush
      const [event] = yield* ExecutionTracker.events(trace.id)
      expect(event!.data).toEqual({ output: "key [REDACTED:github]", password: "[REDACTED:sensitive-key]" })
    }).pipe(Effect.provide(TestLayer)))

  it.effect("an invalid event is logged as a warning and dropped; recordEvent never fails", () =>
    collectingWarnings((warnings) =>
      Effect.gen(function*() {
        const trace = yield* start()
        yield* ExecutionTracker.recordEvent(trace.id, { type: "" })
        yield* ExecutionTracker.recordEvent("", { type: "run_started" })
        yield* ExecutionTracker.recordEvent(trace.id, { type: "big", data: { n: BigInt(1) } })
        yield* ExecutionTracker.recordEvent(trace.id, { type: "fine" })
        yield* flush
        expect((yield* ExecutionTracker.events(trace.id)).map((e) => e.type)).toEqual(["fine"])
        expect(yield* countRows("trace_events")).toBe(1)
        expect(warnings.filter((w) => w.includes("ExecutionTracker.recordEvent"))).toHaveLength(3)
      })
    ).pipe(Effect.provide(TestLayer)))

  it.effect("events of a trace that is not stored are kept; deleting a trace deletes its events and invocations", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const trace = yield* start()
      yield* ExecutionTracker.recordInvocation({ traceId: trace.id, agent: "a" })
      yield* ExecutionTracker.recordEvent(trace.id, { type: "mine" })
      yield* ExecutionTracker.recordEvent("not-stored", { type: "orphan" })
      yield* ExecutionTracker.recordLlmUsage({ provider: "p", model: "m", traceId: trace.id })
      yield* flush
      expect((yield* ExecutionTracker.events("not-stored")).map((e) => e.type)).toEqual(["orphan"])
      yield* sql`DELETE FROM execution_traces WHERE id = ${trace.id}`
      expect(yield* ExecutionTracker.events(trace.id)).toEqual([])
      expect(yield* ExecutionTracker.invocations(trace.id)).toEqual([])
      expect(yield* countRows("trace_events")).toBe(1)
      expect(yield* ExecutionTracker.llmUsage({ traceId: trace.id })).toHaveLength(1)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a replayed batch is written once: the sink ignores keys it has stored", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const batch = [
        { key: "k1", value: { traceId: "t", type: "a", data: null, timestamp: "2024-01-01T00:00:00.000Z" } },
        { key: "k2", value: { traceId: "t", type: "b", data: "{\"x\":1}", timestamp: "2024-01-01T00:00:00.000Z" } }
      ]
      yield* sql.withTransaction(EventSink.write(batch))
      yield* sql.withTransaction(EventSink.write([...batch, { key: "k3", value: { ...batch[0]!.value, type: "c" } }]))
      expect((yield* ExecutionTracker.events("t")).map((e) => e.type)).toEqual(["a", "b", "c"])

      const usage = {
        traceId: null,
        agent: "a",
        provider: "p",
        model: "m",
        prompt: null,
        response: null,
        inputTokens: 1,
        outputTokens: 2,
        totalTokens: 3,
        costUsd: 0.5,
        latencyMs: null,
        status: "success" as const,
        error: null,
        timestamp: "2024-01-01T00:00:00.000Z"
      }
      yield* sql.withTransaction(LlmUsageSink.write([{ key: "u1", value: usage }]))
      yield* sql.withTransaction(LlmUsageSink.write([{ key: "u1", value: usage }, { key: "u2", value: usage }]))
      expect(yield* countRows("llm_usage")).toBe(2)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("the sinks split large batches under SQLite's parameter limit", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const batch = Array.from({ length: 7000 }, (_, i) => ({
        key: `k${i}`,
        value: { traceId: "t", type: "e", data: String(i), timestamp: "2024-01-01T00:00:00.000Z" }
      }))
      yield* sql.withTransaction(EventSink.write(batch))
      const events = yield* ExecutionTracker.events("t")
      expect(events.map((e) => e.data)).toEqual(Array.from({ length: 7000 }, (_, i) => i))
    }).pipe(Effect.provide(TestLayer)))
})

describe("ExecutionTracker LLM usage", () => {
  it.effect("recordLlmUsage fills in defaults; llmUsage reads calls back newest first", () =>
    Effect.gen(function*() {
      const trace = yield* start()
      yield* ExecutionTracker.recordLlmUsage({
        provider: "anthropic",
        model: "claude",
        agent: "planner",
        traceId: trace.id,
        prompt: "plan this",
        response: "a plan",
        inputTokens: 120,
        outputTokens: 30,
        costUsd: 0.0012,
        latencyMs: 812.6
      })
      yield* ExecutionTracker.recordLlmUsage({ provider: "openai", model: "gpt", error: "rate limited", latencyMs: 5 })
      yield* ExecutionTracker.recordLlmUsage({ provider: "groq", model: "llama", totalTokens: 7, status: "success" })
      yield* flush
      const calls = yield* ExecutionTracker.llmUsage()
      expect(calls.map((c) => c.provider)).toEqual(["groq", "openai", "anthropic"])
      expect(calls[2]).toMatchObject({
        traceId: trace.id,
        agent: "planner",
        model: "claude",
        prompt: "plan this",
        response: "a plan",
        inputTokens: 120,
        outputTokens: 30,
        totalTokens: 150,
        costUsd: 0.0012,
        latencyMs: 813,
        status: "success"
      })
      expect(calls[1]).toMatchObject({ status: "error", error: "rate limited", inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0 })
      expect(calls[1]!.traceId).toBeUndefined()
      expect(calls[1]!.prompt).toBeUndefined()
      expect(calls[0]).toMatchObject({ totalTokens: 7, status: "success" })
      expect(calls.every((c) => /Z$/.test(c.timestamp))).toBe(true)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("llmUsage filters by agent and trace, newest first by timestamp, and limits", () =>
    Effect.gen(function*() {
      const writeBehind = yield* WriteBehind
      const at = (i: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString()
      const base = {
        prompt: null,
        response: null,
        inputTokens: 1,
        outputTokens: 1,
        totalTokens: 2,
        costUsd: 0.1,
        latencyMs: null,
        status: "success" as const,
        error: null,
        provider: "p",
        model: "m"
      }
      // Written out of time order: newest first follows the timestamps, not the ids.
      const rows = [
        { agent: "a", traceId: "t1", timestamp: at(3) },
        { agent: "a", traceId: "t2", timestamp: at(1) },
        { agent: "b", traceId: "t1", timestamp: at(2) },
        { agent: "a", traceId: "t1", timestamp: at(5) },
        { agent: null, traceId: null, timestamp: at(4) }
      ]
      for (const row of rows) yield* writeBehind.enqueue(LlmUsageSink, { ...base, ...row })
      yield* writeBehind.flush
      const stamps = (calls: ReadonlyArray<{ readonly timestamp: string }>) => calls.map((c) => c.timestamp)
      expect(stamps(yield* ExecutionTracker.llmUsage())).toEqual([at(5), at(4), at(3), at(2), at(1)])
      expect(stamps(yield* ExecutionTracker.llmUsage({ agent: "a" }))).toEqual([at(5), at(3), at(1)])
      expect(stamps(yield* ExecutionTracker.llmUsage({ traceId: "t1" }))).toEqual([at(5), at(3), at(2)])
      expect(stamps(yield* ExecutionTracker.llmUsage({ agent: "a", traceId: "t1" }))).toEqual([at(5), at(3)])
      expect(stamps(yield* ExecutionTracker.llmUsage({ agent: "a", limit: 2 }))).toEqual([at(5), at(3)])
      expect((yield* Effect.flip(ExecutionTracker.llmUsage({ limit: 0 })))._tag).toBe("ValidationError")
      expect(yield* ExecutionTracker.llmUsage({ agent: "nobody" })).toEqual([])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("llmUsage defaults to the 100 newest calls", () =>
    Effect.gen(function*() {
      for (let i = 0; i < 120; i++) yield* ExecutionTracker.recordLlmUsage({ provider: "p", model: "m", inputTokens: i })
      yield* flush
      const calls = yield* ExecutionTracker.llmUsage()
      expect(calls).toHaveLength(100)
      expect(calls[0]!.inputTokens).toBe(119)
      expect(calls[99]!.inputTokens).toBe(20)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("prompts, responses and errors are redacted", () =>
    Effect.gen(function*() {
      yield* ExecutionTracker.recordLlmUsage({
        provider: "p",
        model: "m",
        prompt: `use ${SECRET}`,
        response: `here: ${SECRET}`,
        error: `leaked ${SECRET}`
      })
      yield* flush
      const [call] = yield* ExecutionTracker.llmUsage()
      expect(call).toMatchObject({
        prompt: "use [REDACTED:github]",
        response: "here: [REDACTED:github]",
        error: "leaked [REDACTED:github]"
      })
    }).pipe(Effect.provide(TestLayer)))

  it.effect("an invalid record is logged as a warning and dropped; recordLlmUsage never fails", () =>
    collectingWarnings((warnings) =>
      Effect.gen(function*() {
        yield* ExecutionTracker.recordLlmUsage({ provider: "p", model: "m", inputTokens: -1 })
        yield* ExecutionTracker.recordLlmUsage({ provider: "", model: "m" })
        yield* ExecutionTracker.recordLlmUsage({ provider: "p", model: "m", costUsd: Number.NaN })
        // @ts-expect-error: not a status
        yield* ExecutionTracker.recordLlmUsage({ provider: "p", model: "m", status: "maybe" })
        yield* ExecutionTracker.recordLlmUsage({ provider: "p", model: "ok" })
        yield* flush
        expect((yield* ExecutionTracker.llmUsage()).map((c) => c.model)).toEqual(["ok"])
        expect(warnings.filter((w) => w.includes("ExecutionTracker.recordLlmUsage"))).toHaveLength(4)
      })
    ).pipe(Effect.provide(TestLayer)))
})

describe("ExecutionTracker.stats", () => {
  it.effect("is all zeros on an empty database", () =>
    Effect.gen(function*() {
      const zeros = {
        totalRuns: 0,
        completedRuns: 0,
        errorRuns: 0,
        cancelledRuns: 0,
        runningRuns: 0,
        llmCalls: 0,
        inputTokens: 0,
        outputTokens: 0,
        totalTokens: 0,
        costUsd: 0
      }
      expect(yield* ExecutionTracker.stats()).toEqual(zeros)
      expect(yield* ExecutionTracker.stats({ agent: "nobody" })).toEqual(zeros)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("counts runs by status and sums LLM calls, for every agent or one", () =>
    Effect.gen(function*() {
      const a1 = yield* start("a")
      const a2 = yield* start("a")
      const a3 = yield* start("a")
      yield* start("a")
      const b1 = yield* start("b")
      yield* start()
      yield* ExecutionTracker.completeTrace(a1.id, { success: true })
      yield* ExecutionTracker.completeTrace(a2.id, { success: false })
      yield* ExecutionTracker.cancelTrace(a3.id)
      yield* ExecutionTracker.completeTrace(b1.id, { success: true })
      yield* ExecutionTracker.recordLlmUsage({ provider: "p", model: "m", agent: "a", inputTokens: 10, outputTokens: 5, costUsd: 0.25 })
      yield* ExecutionTracker.recordLlmUsage({ provider: "p", model: "m", agent: "a", inputTokens: 1, outputTokens: 2, totalTokens: 4, costUsd: 0.5 })
      yield* ExecutionTracker.recordLlmUsage({ provider: "p", model: "m", agent: "b", inputTokens: 100, costUsd: 1 })
      yield* ExecutionTracker.recordLlmUsage({ provider: "p", model: "m" })
      yield* flush
      expect(yield* ExecutionTracker.stats({ agent: "a" })).toEqual({
        totalRuns: 4,
        completedRuns: 1,
        errorRuns: 1,
        cancelledRuns: 1,
        runningRuns: 1,
        llmCalls: 2,
        inputTokens: 11,
        outputTokens: 7,
        totalTokens: 19,
        costUsd: 0.75
      })
      expect(yield* ExecutionTracker.stats()).toEqual({
        totalRuns: 6,
        completedRuns: 2,
        errorRuns: 1,
        cancelledRuns: 1,
        runningRuns: 2,
        llmCalls: 4,
        inputTokens: 111,
        outputTokens: 7,
        totalTokens: 119,
        costUsd: 1.75
      })
    }).pipe(Effect.provide(TestLayer)))
})
})

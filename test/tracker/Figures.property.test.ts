/**
 * agentMetrics and stats, computed in SQL, against the same figures computed
 * in plain TypeScript from random inputs.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as fc from "effect/FastCheck"
import { ExecutionTracker } from "../../src/ExecutionTracker.js"
import { InvocationOutcome } from "../../src/tracker/AgentInvocation.js"
import type { AgentMetrics, RunStats } from "../../src/tracker/Metrics.js"
import { WriteBehind } from "../../src/writeBehind/WriteBehind.js"
import { describeBackends, oneBackend } from "../support/Backends.js"

describeBackends("ExecutionTracker figures", ({ core }) => {
const TestLayer = ExecutionTracker.DefaultWithoutDependencies.pipe(Layer.provideMerge(core))

const AGENTS = ["a", "b", "c"] as const
const DAY = 86_400_000

const agent = fc.constantFrom(...AGENTS)
const maybe = <A>(arb: fc.Arbitrary<A>) => fc.option(arb, { nil: undefined })

const traceArb = fc.record({
  agent: maybe(agent),
  end: fc.constantFrom("running", "completed", "error", "cancelled")
})

const invocationArb = fc.record({
  agent,
  // Whole days plus half a day: never within hours of the 30-day window's edge.
  ageDays: fc.integer({ min: 0, max: 59 }).map((days) => days + 0.5),
  outcome: maybe(fc.constantFrom(...InvocationOutcome.literals)),
  qualityScore: maybe(fc.double({ min: 0, max: 1, noNaN: true })),
  totalTokens: maybe(fc.integer({ min: 0, max: 100_000 }))
})

const usageArb = fc.record({
  agent: maybe(agent),
  inputTokens: fc.integer({ min: 0, max: 1_000_000 }),
  outputTokens: fc.integer({ min: 0, max: 1_000_000 }),
  totalTokens: maybe(fc.integer({ min: 0, max: 3_000_000 })),
  costUsd: fc.double({ min: 0, max: 10, noNaN: true }),
  failed: fc.boolean()
})

type TraceCase = typeof traceArb extends fc.Arbitrary<infer A> ? A : never
type InvocationCase = typeof invocationArb extends fc.Arbitrary<infer A> ? A : never
type UsageCase = typeof usageArb extends fc.Arbitrary<infer A> ? A : never

const mean = (values: ReadonlyArray<number>) =>
  values.length === 0 ? 0 : values.reduce((sum, v) => sum + v, 0) / values.length

const expectedMetrics = (invocations: ReadonlyArray<InvocationCase>, name: string, days: number): AgentMetrics => {
  const mine = invocations.filter((i) => i.agent === name && i.ageDays < days)
  const total = mine.length
  return {
    agent: name,
    totalInvocations: total,
    successRate: total === 0 ? 0 : mine.filter((i) => i.outcome === "success").length / total,
    failureRate: total === 0 ? 0 : mine.filter((i) => i.outcome === "failure").length / total,
    avgQualityScore: mean(mine.flatMap((i) => (i.qualityScore === undefined ? [] : [i.qualityScore]))),
    avgTokensPerInvocation: mean(mine.flatMap((i) => (i.totalTokens === undefined ? [] : [i.totalTokens])))
  }
}

const expectedStats = (
  traces: ReadonlyArray<TraceCase>,
  usage: ReadonlyArray<UsageCase>,
  name: string | undefined
): RunStats => {
  const runs = traces.filter((t) => name === undefined || t.agent === name)
  const calls = usage.filter((u) => name === undefined || u.agent === name)
  const count = (end: TraceCase["end"]) => runs.filter((t) => t.end === end).length
  const sum = (f: (u: UsageCase) => number) => calls.reduce((total, u) => total + f(u), 0)
  return {
    totalRuns: runs.length,
    completedRuns: count("completed"),
    errorRuns: count("error"),
    cancelledRuns: count("cancelled"),
    runningRuns: count("running"),
    llmCalls: calls.length,
    inputTokens: sum((u) => u.inputTokens),
    outputTokens: sum((u) => u.outputTokens),
    totalTokens: sum((u) => u.totalTokens ?? u.inputTokens + u.outputTokens),
    costUsd: sum((u) => u.costUsd)
  }
}

const expectClose = (actual: Record<string, unknown>, expected: Record<string, number | string>) => {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort())
  for (const [key, value] of Object.entries(expected)) {
    if (typeof value === "number") expect(actual[key], key).toBeCloseTo(value, 9)
    else expect(actual[key], key).toBe(value)
  }
}

describe("ExecutionTracker figures", () => {
  it.effect.prop(
    "agentMetrics and stats equal the figures computed in TypeScript from the inputs",
    {
      traces: fc.array(traceArb, { maxLength: 8 }),
      invocations: fc.array(invocationArb, { maxLength: 30 }),
      usage: fc.array(usageArb, { maxLength: 30 })
    },
    ({ invocations, traces, usage }) =>
      Effect.gen(function*() {
        const tracker = yield* ExecutionTracker
        // The trace that hosts the invocations is a run like the others.
        const allTraces: ReadonlyArray<TraceCase> = [{ agent: undefined, end: "running" }, ...traces]
        const ids: Array<string> = []
        for (const trace of allTraces) {
          const started = yield* tracker.startTrace({ projectId: "p", taskId: "t", prompt: "", agentId: trace.agent })
          ids.push(started.id)
          if (trace.end === "completed" || trace.end === "error") {
            yield* tracker.completeTrace(started.id, { success: trace.end === "completed" })
          } else if (trace.end === "cancelled") {
            yield* tracker.cancelTrace(started.id)
          }
        }
        // The window is measured back from Effect's Clock.
        const now = yield* Clock.currentTimeMillis
        for (const invocation of invocations) {
          yield* tracker.recordInvocation({
            traceId: ids[0]!,
            agent: invocation.agent,
            startedAt: new Date(now - invocation.ageDays * DAY).toISOString(),
            outcome: invocation.outcome,
            qualityScore: invocation.qualityScore,
            tokenUsage: invocation.totalTokens === undefined
              ? undefined
              : { inputTokens: 0, outputTokens: invocation.totalTokens, totalTokens: invocation.totalTokens }
          })
        }
        for (const call of usage) {
          yield* tracker.recordLlmUsage({
            provider: "p",
            model: "m",
            agent: call.agent,
            inputTokens: call.inputTokens,
            outputTokens: call.outputTokens,
            totalTokens: call.totalTokens,
            costUsd: call.costUsd,
            ...(call.failed ? { error: "failed" } : {})
          })
        }
        yield* Effect.flatMap(WriteBehind, (writeBehind) => writeBehind.flush)

        for (const name of [...AGENTS, "nobody"]) {
          expectClose(yield* tracker.agentMetrics(name), { ...expectedMetrics(invocations, name, 30) })
          expectClose(yield* tracker.agentMetrics(name, { days: Infinity }), { ...expectedMetrics(invocations, name, Infinity) })
          expectClose(yield* tracker.stats({ agent: name }), { ...expectedStats(allTraces, usage, name) })
        }
        expectClose(yield* tracker.stats(), { ...expectedStats(allTraces, usage, undefined) })
      }).pipe(Effect.provide(TestLayer)),
    // 40 random histories, each a fresh database: minutes on a loaded 2-core machine, not the default minute.
    { fastCheck: { numRuns: 40 }, timeout: 240_000 }
  )
})
}, oneBackend)

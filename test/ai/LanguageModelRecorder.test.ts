import * as AiError from "@effect/ai/AiError"
import * as LanguageModel from "@effect/ai/LanguageModel"
import * as Model from "@effect/ai/Model"
import type * as Response from "@effect/ai/Response"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { ExecutionTracker } from "../../src/ExecutionTracker.js"
import * as LanguageModelRecorder from "../../src/ai/LanguageModelRecorder.js"
import * as Logbook from "../../src/Logbook.js"

/** A provider answering after `delay` with fixed text and usage; a prompt of "fail" fails. */
const usage = { inputTokens: 1200, outputTokens: 300, totalTokens: 1500, cachedInputTokens: 1000, reasoningTokens: 100 }
const fake = (modelId: string) =>
  Layer.effect(
    LanguageModel.LanguageModel,
    LanguageModel.make({
      generateText: (options) =>
        Effect.gen(function*() {
          yield* Effect.sleep("250 millis")
          const asked = JSON.stringify(options.prompt)
          if (asked.includes("fail")) {
            return yield* new AiError.UnknownError({ module: "Fake", method: "generateText", description: "rate limited" })
          }
          const text = options.responseFormat.type === "json" ? "{\"city\":\"Paris\"}" : "Hello there"
          const parts: Array<Response.PartEncoded> = [
            { type: "response-metadata", id: "r1", modelId, timestamp: "2025-01-01T00:00:00.000Z" },
            { type: "text", text },
            { type: "finish", reason: "stop", usage }
          ]
          return parts
        }),
      streamText: () =>
        Stream.fromIterable<Response.StreamPartEncoded>([
          { type: "response-metadata", id: "r2", modelId, timestamp: "2025-01-01T00:00:00.000Z" },
          { type: "text-start", id: "t" },
          { type: "text-delta", id: "t", delta: "Hel" },
          { type: "text-delta", id: "t", delta: "lo" },
          { type: "text-end", id: "t" },
          { type: "finish", reason: "stop", usage: { inputTokens: 10, outputTokens: 2, totalTokens: 12 } }
        ]).pipe(Stream.tap(() => Effect.sleep("10 millis")))
    })
  )

const providerLayer = (modelId: string, recorder?: LanguageModelRecorder.RecorderOptions) =>
  LanguageModelRecorder.layer(recorder).pipe(
    Layer.provide(fake(modelId)),
    Layer.provide(Layer.succeed(Model.ProviderName, "openai"))
  )

/** Runs `program` with the clock moved far enough for every fake delay. */
const withTime = <A, E, R>(program: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(program)
    // The clock moves only once the program sleeps: on a loaded machine its first sleep may come after any fixed point.
    while (Option.isNone(yield* Fiber.poll(fiber))) {
      if ((yield* TestClock.sleeps()).length > 0) yield* TestClock.adjust("10 seconds")
      else yield* Effect.yieldNow()
    }
    return yield* Fiber.await(fiber)
  })

const calls = Effect.zipRight(Logbook.flush, ExecutionTracker.llmUsage())

describe("LanguageModelRecorder", () => {
  it.effect("a generateText call is one row: provider, model, tokens, latency, cost, trace, prompt and output", () =>
    Effect.gen(function*() {
      const trace = yield* ExecutionTracker.startTrace({ projectId: "p", taskId: "t", prompt: "go" })
      const exit = yield* withTime(
        LanguageModel.generateText({ prompt: "Say hello" }).pipe(
          LanguageModelRecorder.withTrace(trace.id, { agent: "greeter" }),
          Effect.provide(providerLayer("gpt-4o-2024-08-06"))
        )
      )
      expect(Exit.isSuccess(exit) && exit.value.text).toBe("Hello there")
      const rows = yield* calls
      expect(rows).toHaveLength(1)
      expect(rows[0]).toMatchObject({
        provider: "openai",
        model: "gpt-4o-2024-08-06",
        agent: "greeter",
        traceId: trace.id,
        response: "Hello there",
        inputTokens: 1200,
        outputTokens: 300,
        totalTokens: 1500,
        cachedInputTokens: 1000,
        reasoningTokens: 100,
        latencyMs: 250,
        status: "success"
      })
      expect(rows[0].prompt).toContain("Say hello")
      // gpt-4o: 200 uncached input at $2.50, 1000 cached at $1.25, 300 output (reasoning priced as output) at $10 per million.
      expect(rows[0].costUsd).toBeCloseTo((200 * 2.5 + 1000 * 1.25 + 300 * 10) / 1e6, 12)
    }).pipe(Effect.provide(Logbook.layerMemory)))

  it.effect("a failing call fails as the provider failed, and is recorded with its error", () =>
    Effect.gen(function*() {
      const exit = yield* withTime(
        LanguageModel.generateText({ prompt: "please fail" }).pipe(Effect.provide(providerLayer("gpt-4o")))
      )
      expect(Exit.isFailure(exit)).toBe(true)
      if (Exit.isFailure(exit)) expect(String(exit.cause)).toContain("rate limited")
      const rows = yield* calls
      expect(rows).toHaveLength(1)
      expect(rows[0]).toMatchObject({ provider: "openai", model: "unknown", status: "error", latencyMs: 250, inputTokens: 0 })
      expect(rows[0].error).toContain("UnknownError")
      expect(rows[0].error).toContain("rate limited")
    }).pipe(Effect.provide(Logbook.layerMemory)))

  it.effect("a streamed call is recorded once, when the stream ends, with its text and usage", () =>
    Effect.gen(function*() {
      const exit = yield* withTime(
        LanguageModel.streamText({ prompt: "Stream hello" }).pipe(
          Stream.runCollect,
          Effect.provide(providerLayer("gpt-4o-mini"))
        )
      )
      expect(Exit.isSuccess(exit)).toBe(true)
      const rows = yield* calls
      expect(rows).toHaveLength(1)
      expect(rows[0]).toMatchObject({
        model: "gpt-4o-mini",
        response: "Hello",
        inputTokens: 10,
        outputTokens: 2,
        totalTokens: 12,
        latencyMs: 60,
        status: "success"
      })
      expect(rows[0].costUsd).toBeCloseTo((10 * 0.15 + 2 * 0.6) / 1e6, 12)
    }).pipe(Effect.provide(Logbook.layerMemory)))

  it.effect("generateObject is recorded with the object as its output", () =>
    Effect.gen(function*() {
      const exit = yield* withTime(
        LanguageModel.generateObject({ prompt: "Where?", schema: Schema.Struct({ city: Schema.String }) }).pipe(
          Effect.provide(providerLayer("gpt-4o"))
        )
      )
      expect(Exit.isSuccess(exit) && exit.value.value).toEqual({ city: "Paris" })
      const rows = yield* calls
      expect(rows).toHaveLength(1)
      expect(JSON.parse(rows[0].response ?? "")).toEqual({ city: "Paris" })
    }).pipe(Effect.provide(Logbook.layerMemory)))

  it.effect("a model without a price is recorded with an unknown cost, never $0, and left out of the cost total", () =>
    Effect.gen(function*() {
      yield* withTime(LanguageModel.generateText({ prompt: "hi" }).pipe(Effect.provide(providerLayer("my-finetune"))))
      yield* withTime(
        LanguageModel.generateText({ prompt: "hi" }).pipe(
          Effect.provide(providerLayer("my-finetune", {
            prices: { takenOn: "2025-01-01", prices: { openai: { "my-finetune": { input: 1, output: 2 } } } }
          }))
        )
      )
      const rows = yield* calls
      expect(rows.map((row) => row.costUsd)).toEqual([(1200 * 1 + 300 * 2) / 1e6, null])
      const stats = yield* ExecutionTracker.stats()
      expect(stats.costUsd).toBeCloseTo((1200 * 1 + 300 * 2) / 1e6, 12)
    }).pipe(Effect.provide(Logbook.layerMemory)))

  it.effect("a call whose record is refused still succeeds", () =>
    Effect.gen(function*() {
      const exit = yield* withTime(
        LanguageModel.generateText({ prompt: "hi" }).pipe(Effect.provide(providerLayer("gpt-4o", { agent: "" })))
      )
      expect(Exit.isSuccess(exit) && exit.value.text).toBe("Hello there")
      expect(yield* calls).toHaveLength(0)
    }).pipe(Effect.provide(Logbook.layerMemory)))
})

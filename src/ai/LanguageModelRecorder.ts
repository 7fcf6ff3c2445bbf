/**
 * Records every call of an `@effect/ai` `LanguageModel` as LLM usage in the
 * `ExecutionTracker`: provider, model, prompt, output, tokens (cached and
 * reasoning ones too), latency, cost, and success or failure with its error.
 *
 * ```ts
 * const model = LanguageModelRecorder.layer({ agent: "planner" }).pipe(
 *   Layer.provideMerge(OpenAiLanguageModel.model("gpt-4o")),
 *   Layer.provideMerge(Logbook.layer())
 * )
 * program.pipe(LanguageModelRecorder.withTrace(trace.id), Effect.provide(model))
 * ```
 *
 * Recording never changes a call: its result, its failure and its timing
 * are the provider's own, and a record that cannot be made is dropped with
 * a logged warning (the tracker itself spools what the database cannot
 * take).
 */
import type * as LanguageModel from "@effect/ai/LanguageModel"
import type * as Response from "@effect/ai/Response"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { ExecutionTracker } from "../ExecutionTracker.js"
import { neverFails } from "../writeBehind/NeverFails.js"
import { costOf, defaultPriceTable, type PriceTable } from "./PriceTable.js"

export { costOf, defaultPriceTable, type ModelPrice, priceOf, type PriceTable } from "./PriceTable.js"

/** Options of {@link layer}. */
export interface RecorderOptions {
  /** The provider name; default the `Model.ProviderName` in context, else `"unknown"`. */
  readonly provider?: string | undefined
  /** The model id when the provider's response does not name it; default `"unknown"`. */
  readonly model?: string | undefined
  /** The agent the calls are recorded for, unless {@link withTrace} names one. */
  readonly agent?: string | undefined
  /** Prices; default {@link defaultPriceTable}. A model without a price is recorded with cost `null`. */
  readonly prices?: PriceTable | undefined
}

/** The trace and agent that calls made in a fiber are recorded against. */
export interface RecordingScope {
  readonly traceId?: string | undefined
  readonly agent?: string | undefined
}

/** The current {@link RecordingScope}: set it with {@link withTrace}. */
export const currentScope: FiberRef.FiberRef<RecordingScope> = FiberRef.unsafeMake<RecordingScope>({})

/**
 * Records the `LanguageModel` calls made by `self` (and the fibers it forks)
 * against the trace `traceId` (from `ExecutionTracker.startTrace`), and the
 * given agent.
 */
export const withTrace = (traceId: string, options?: { readonly agent?: string | undefined }) =>
<A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.locallyWith(self, currentScope, (scope) => ({ traceId, agent: options?.agent ?? scope.agent }))

/** What one call produced, as far as it got. */
interface Outcome {
  readonly model: string | undefined
  readonly output: string | undefined
  readonly usage: Response.Usage | undefined
}

/** What a non-streaming call answers with. */
interface Answer {
  readonly content: ReadonlyArray<Response.AnyPart>
  readonly usage: Response.Usage
}

const nothing: Outcome = { model: undefined, output: undefined, usage: undefined }

const modelOf = (parts: ReadonlyArray<Response.AnyPart>): string | undefined => {
  for (const part of parts) {
    if (part.type === "response-metadata" && Option.isSome(part.modelId)) return part.modelId.value
  }
  return undefined
}

const textOf = (value: unknown): string | undefined => {
  if (typeof value === "string") return value
  try {
    return JSON.stringify(value)
  } catch {
    return undefined
  }
}

const describeCause = (cause: Cause.Cause<unknown>): string => {
  if (Cause.isInterruptedOnly(cause)) return "interrupted"
  const error = Cause.squash(cause)
  if (error instanceof Error) {
    const tag = "_tag" in error && typeof error._tag === "string" ? error._tag : error.name
    return `${tag}: ${error.message}`
  }
  return String(error)
}

const count = (n: number | undefined): number => (n !== undefined && Number.isFinite(n) && n > 0 ? Math.round(n) : 0)

/**
 * Provides a `LanguageModel` that records each call of the `LanguageModel`
 * it is given (provide the provider's layer to it) through
 * `ExecutionTracker.recordLlmUsage`.
 */
export const layer = (
  options?: RecorderOptions
): Layer.Layer<LanguageModel.LanguageModel, never, LanguageModel.LanguageModel | ExecutionTracker> =>
  // @effect/ai is loaded when the layer is built, not when logbook is imported.
  Layer.unwrapEffect(Effect.map(loadAi, (ai) => recorder(ai, options)))

const loadAi = Effect.promise(() =>
  Promise.all([import("@effect/ai/LanguageModel"), import("@effect/ai/Model")]).then(([LanguageModel, Model]) => ({
    LanguageModel,
    Model
  }))
)

const recorder = (
  ai: Effect.Effect.Success<typeof loadAi>,
  options: RecorderOptions | undefined
): Layer.Layer<LanguageModel.LanguageModel, never, LanguageModel.LanguageModel | ExecutionTracker> =>
  Layer.effect(
    ai.LanguageModel.LanguageModel,
    Effect.gen(function*() {
      const inner = yield* ai.LanguageModel.LanguageModel
      const tracker = yield* ExecutionTracker
      const provider = options?.provider ??
        Option.getOrElse(yield* Effect.serviceOption(ai.Model.ProviderName), () => "unknown")
      const prices = options?.prices ?? defaultPriceTable

      /** Records one call: what it produced (as far as it got) and how it ended. */
      const record = (prompt: unknown, startedAt: number, outcome: Outcome, exit: Exit.Exit<unknown, unknown>) =>
        Effect.gen(function*() {
          const scope = yield* FiberRef.get(currentScope)
          const latencyMs = Math.max(0, (yield* Clock.currentTimeMillis) - startedAt)
          const usage = outcome.usage
          const tokens = {
            inputTokens: count(usage?.inputTokens),
            outputTokens: count(usage?.outputTokens),
            cachedInputTokens: count(usage?.cachedInputTokens),
            reasoningTokens: count(usage?.reasoningTokens)
          }
          const model = outcome.model ?? options?.model ?? "unknown"
          const agent = scope.agent ?? options?.agent
          yield* tracker.recordLlmUsage({
            provider,
            model,
            ...(agent === undefined ? {} : { agent }),
            ...(scope.traceId === undefined ? {} : { traceId: scope.traceId }),
            prompt: textOf(prompt),
            response: outcome.output,
            ...tokens,
            totalTokens: usage?.totalTokens === undefined
              ? tokens.inputTokens + tokens.outputTokens
              : count(usage.totalTokens),
            costUsd: costOf(prices, provider, model, tokens),
            latencyMs,
            ...(Exit.isFailure(exit) ? { status: "error" as const, error: describeCause(exit.cause) } : {})
          })
        }).pipe(neverFails("LanguageModelRecorder.record", { provider }))

      /** Runs one call, then records it however it ended. */
      const recorded = <A extends Answer, E, R>(
        prompt: unknown,
        call: Effect.Effect<A, E, R>,
        output: (response: A) => string | undefined
      ): Effect.Effect<A, E, R> =>
        Effect.flatMap(Clock.currentTimeMillis, (startedAt) =>
          call.pipe(
            Effect.onExit((exit) =>
              record(
                prompt,
                startedAt,
                Exit.isSuccess(exit)
                  ? { model: modelOf(exit.value.content), output: output(exit.value), usage: exit.value.usage }
                  : nothing,
                exit
              )
            )
          ))

      return ai.LanguageModel.LanguageModel.of({
        generateText: (request) => recorded(request.prompt, inner.generateText(request), (response) => response.text),
        generateObject: (request) =>
          recorded(request.prompt, inner.generateObject(request), (response) => textOf(response.value)),
        streamText: (request) =>
          Stream.unwrap(Effect.map(Clock.currentTimeMillis, (startedAt) => {
            let text = ""
            let model: string | undefined
            let usage: Response.Usage | undefined
            return inner.streamText(request).pipe(
              Stream.tap((part) =>
                Effect.sync(() => {
                  if (part.type === "text-delta") text += part.delta
                  else if (part.type === "finish") usage = part.usage
                  else if (part.type === "response-metadata" && Option.isSome(part.modelId)) model = part.modelId.value
                })
              ),
              Stream.ensuringWith((exit) => record(request.prompt, startedAt, { model, output: text, usage }, exit))
            )
          }))
      })
    })
  )

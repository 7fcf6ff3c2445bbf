/**
 * LLM usage: one call to a model, with its prompt and response (redacted),
 * tokens, cost, latency and status (seed 004), recorded write-behind.
 */
import * as Schema from "effect/Schema"
import { Num, Stamp } from "../database/Columns.js"

/** Whether the LLM call succeeded. */
export const LlmCallStatus = Schema.Literal("success", "error")
export type LlmCallStatus = typeof LlmCallStatus.Type

const NonNegativeFinite = Schema.Finite.pipe(Schema.nonNegative())

/**
 * What {@link ExecutionTracker.recordLlmUsage} takes. Token counts default to 0
 * and `totalTokens` to `inputTokens + outputTokens`; `status` defaults to
 * `"error"` when an `error` is given, else `"success"`; `latencyMs` is rounded
 * to whole milliseconds. `cachedInputTokens` (part of `inputTokens`) and
 * `reasoningTokens` (part of `outputTokens`) default to 0. `costUsd` is 0 when
 * omitted; `null` records a cost that is not known (a model without a price),
 * which totals leave out rather than count as $0.
 */
export const LlmUsageInput = Schema.Struct({
  provider: Schema.NonEmptyString,
  model: Schema.NonEmptyString,
  agent: Schema.optional(Schema.NonEmptyString),
  traceId: Schema.optional(Schema.NonEmptyString),
  prompt: Schema.optional(Schema.String),
  response: Schema.optional(Schema.String),
  inputTokens: Schema.optional(Schema.NonNegativeInt),
  outputTokens: Schema.optional(Schema.NonNegativeInt),
  totalTokens: Schema.optional(Schema.NonNegativeInt),
  cachedInputTokens: Schema.optional(Schema.NonNegativeInt),
  reasoningTokens: Schema.optional(Schema.NonNegativeInt),
  costUsd: Schema.optional(Schema.NullOr(NonNegativeFinite)),
  latencyMs: Schema.optional(NonNegativeFinite),
  status: Schema.optional(LlmCallStatus),
  error: Schema.optional(Schema.String)
})
export interface LlmUsageInput extends Schema.Schema.Encoded<typeof LlmUsageInput> {}

/** A stored LLM call. */
export const LlmUsage = Schema.Struct({
  id: Schema.Number,
  traceId: Schema.optional(Schema.String),
  agent: Schema.optional(Schema.String),
  provider: Schema.String,
  model: Schema.String,
  prompt: Schema.optional(Schema.String),
  response: Schema.optional(Schema.String),
  inputTokens: Schema.Number,
  outputTokens: Schema.Number,
  totalTokens: Schema.Number,
  cachedInputTokens: Schema.Number,
  reasoningTokens: Schema.Number,
  /** The cost in USD, or null when it is not known. */
  costUsd: Schema.NullOr(Schema.Number),
  latencyMs: Schema.optional(Schema.Number),
  status: LlmCallStatus,
  error: Schema.optional(Schema.String),
  timestamp: Schema.String
})
export interface LlmUsage extends Schema.Schema.Type<typeof LlmUsage> {}

/**
 * An LLM call waiting in the write-behind queue or spool: validated, defaults
 * filled in, redacted, its timestamp taken when it was recorded.
 */
export const PendingLlmUsage = Schema.Struct({
  traceId: Schema.NullOr(Schema.String),
  agent: Schema.NullOr(Schema.String),
  provider: Schema.String,
  model: Schema.String,
  prompt: Schema.NullOr(Schema.String),
  response: Schema.NullOr(Schema.String),
  inputTokens: Schema.Number,
  outputTokens: Schema.Number,
  totalTokens: Schema.Number,
  cachedInputTokens: Schema.optional(Schema.Number),
  reasoningTokens: Schema.optional(Schema.Number),
  costUsd: Schema.NullOr(Schema.Number),
  latencyMs: Schema.NullOr(Schema.Number),
  status: LlmCallStatus,
  error: Schema.NullOr(Schema.String),
  timestamp: Schema.String
})
export interface PendingLlmUsage extends Schema.Schema.Type<typeof PendingLlmUsage> {}

const nullable = <A, I>(schema: Schema.Schema<A, I>) => Schema.optionalWith(schema, { nullable: true })

/** A row of `llm_usage` as selected by {@link llmUsageColumns}, from either driver. */
export const LlmUsageRow = Schema.suspend(() =>
  Schema.Struct({
    id: Num,
    traceId: nullable(Schema.String),
    agent: nullable(Schema.String),
    provider: Schema.String,
    model: Schema.String,
    prompt: nullable(Schema.String),
    response: nullable(Schema.String),
    inputTokens: Num,
    outputTokens: Num,
    totalTokens: Num,
    cachedInputTokens: Num,
    reasoningTokens: Num,
    costUsd: Schema.NullOr(Num),
    latencyMs: nullable(Num),
    status: LlmCallStatus,
    error: nullable(Schema.String),
    timestamp: Stamp
  })
)

/** The select list that {@link LlmUsageRow} decodes. */
export const llmUsageColumns = `id, trace_id AS "traceId", agent, provider, model, prompt, response,
  input_tokens AS "inputTokens", output_tokens AS "outputTokens", total_tokens AS "totalTokens",
  cached_input_tokens AS "cachedInputTokens", reasoning_tokens AS "reasoningTokens", cost_usd AS "costUsd",
  latency_ms AS "latencyMs", status, error, timestamp`

/**
 * The write-behind sink of LLM usage: a batch becomes multi-row inserts into
 * `llm_usage`, in batch order, each record stored once however often its
 * batch is replayed.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import { parameterChunks } from "../database/Dialect.js"
import type { RecordSink } from "../writeBehind/RecordSink.js"
import { PendingLlmUsage } from "./LlmUsage.js"
import { insertLlmUsage } from "./Queries.js"

/** Rows per insert, at most (fewer when the dialect's parameter limit says so). */
const MAX_ROWS = 1000

/** Where `ExecutionTracker.recordLlmUsage` sends its records. */
export const LlmUsageSink: RecordSink<typeof PendingLlmUsage.Type, typeof PendingLlmUsage.Encoded> = {
  kind: "llm_usage",
  schema: PendingLlmUsage,
  write: (batch) =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const rows = batch.map(({ key, value }) => ({
        trace_id: value.traceId,
        agent: value.agent,
        provider: value.provider,
        model: value.model,
        prompt: value.prompt,
        response: value.response,
        input_tokens: value.inputTokens,
        output_tokens: value.outputTokens,
        total_tokens: value.totalTokens,
        cached_input_tokens: value.cachedInputTokens ?? 0,
        reasoning_tokens: value.reasoningTokens ?? 0,
        cost_usd: value.costUsd,
        latency_ms: value.latencyMs,
        status: value.status,
        error: value.error,
        timestamp: value.timestamp,
        record_key: key
      }))
      for (const chunk of parameterChunks(sql, rows, 17, MAX_ROWS)) yield* insertLlmUsage(sql, chunk)
    })
}

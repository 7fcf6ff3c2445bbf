/**
 * Execution traces: one orchestrated run of a task, from its prompt to its
 * outcome, with a status that only moves forward.
 */
import * as Schema from "effect/Schema"
import { Bool, Json, Num, Stamp } from "../database/Columns.js"
import { Metadata, TokenUsage } from "./TokenUsage.js"

/**
 * A trace's status. It runs `running -> completed | error | cancelled` and
 * never back: an ended trace cannot be completed or cancelled again.
 */
export const TraceStatus = Schema.Literal("running", "completed", "error", "cancelled")
export type TraceStatus = typeof TraceStatus.Type

/** A stored execution trace. */
export const ExecutionTrace = Schema.Struct({
  id: Schema.String,
  projectId: Schema.String,
  taskId: Schema.String,
  prompt: Schema.String,
  agentId: Schema.optional(Schema.String),
  status: TraceStatus,
  startedAt: Schema.String,
  /** When the trace ended (completed, failed or was cancelled). */
  completedAt: Schema.optional(Schema.String),
  /** `true` when completed, `false` when it ended in error or was cancelled. */
  success: Schema.optional(Schema.Boolean),
  /** `completedAt - startedAt` in whole milliseconds (0 when the stored start is later). */
  durationMs: Schema.optional(Schema.Number),
  tokenUsage: Schema.optional(TokenUsage),
  metadata: Schema.optional(Metadata),
  /** The error of a failed trace, or the reason a trace was cancelled. */
  error: Schema.optional(Schema.String)
})
export interface ExecutionTrace extends Schema.Schema.Type<typeof ExecutionTrace> {}

/** What {@link ExecutionTracker.startTrace} takes. */
export const StartTraceInput = Schema.Struct({
  projectId: Schema.NonEmptyString,
  taskId: Schema.NonEmptyString,
  prompt: Schema.String,
  agentId: Schema.optional(Schema.NonEmptyString),
  metadata: Schema.optional(Metadata)
})
export interface StartTraceInput extends Schema.Schema.Encoded<typeof StartTraceInput> {}

/** What {@link ExecutionTracker.completeTrace} takes. */
export const CompleteTraceInput = Schema.Struct({
  /** `true` ends the trace as `completed`, `false` as `error`. */
  success: Schema.Boolean,
  tokenUsage: Schema.optional(TokenUsage),
  /** Merged into the metadata given at start (JSON merge patch, RFC 7396: a key set to `null` is removed). */
  metadata: Schema.optional(Metadata),
  error: Schema.optional(Schema.String)
})
export interface CompleteTraceInput extends Schema.Schema.Encoded<typeof CompleteTraceInput> {}

const nullable = <A, I>(schema: Schema.Schema<A, I>) => Schema.optionalWith(schema, { nullable: true })

/** The fields of {@link TraceRow}, made at each call (a row schema is built at its first use, not at import). */
export const traceRowFields = () => ({
  id: Schema.String,
  projectId: Schema.String,
  taskId: Schema.String,
  prompt: Schema.String,
  agentId: nullable(Schema.String),
  status: TraceStatus,
  startedAt: Stamp,
  completedAt: nullable(Stamp),
  success: nullable(Bool),
  durationMs: nullable(Num),
  tokenUsage: nullable(Json(TokenUsage)),
  metadata: nullable(Json(Metadata)),
  error: nullable(Schema.String)
})

/** A row of `execution_traces` as selected by {@link traceColumns}, from either driver. */
export const TraceRow = Schema.suspend(() => Schema.Struct(traceRowFields()))

/** The select list that {@link TraceRow} decodes. */
export const traceColumns = `id, project_id AS "projectId", task_id AS "taskId", prompt, agent_id AS "agentId", status,
  started_at AS "startedAt", completed_at AS "completedAt", success, duration_ms AS "durationMs",
  token_usage AS "tokenUsage", metadata, error`

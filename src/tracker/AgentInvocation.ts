/**
 * Agent invocations: one call of one agent inside an execution trace, with
 * its outcome, quality score and token usage.
 */
import * as Schema from "effect/Schema"
import { Json, Num, Stamp } from "../database/Columns.js"
import { Timestamp } from "../domain/Timestamp.js"
import { TokenUsage } from "./TokenUsage.js"

/** How an invocation ended. */
export const InvocationOutcome = Schema.Literal("success", "partial", "failure", "escalated")
export type InvocationOutcome = typeof InvocationOutcome.Type

/** A stored agent invocation. */
export const AgentInvocation = Schema.Struct({
  id: Schema.Number,
  traceId: Schema.String,
  agent: Schema.String,
  taskFragment: Schema.optional(Schema.String),
  startedAt: Schema.String,
  completedAt: Schema.optional(Schema.String),
  outcome: Schema.optional(InvocationOutcome),
  qualityScore: Schema.optional(Schema.Number),
  tokenUsage: Schema.optional(TokenUsage),
  outputSummary: Schema.optional(Schema.String),
  error: Schema.optional(Schema.String)
})
export interface AgentInvocation extends Schema.Schema.Type<typeof AgentInvocation> {}

/** The fields of an invocation that {@link ExecutionTracker.updateInvocation} may set. */
const patchFields = {
  completedAt: Schema.optional(Timestamp),
  outcome: Schema.optional(InvocationOutcome),
  qualityScore: Schema.optional(Schema.Finite),
  tokenUsage: Schema.optional(TokenUsage),
  outputSummary: Schema.optional(Schema.String),
  error: Schema.optional(Schema.String)
}

/** What {@link ExecutionTracker.recordInvocation} takes; `startedAt` defaults to now. */
export const AgentInvocationInput = Schema.Struct({
  traceId: Schema.NonEmptyString,
  agent: Schema.NonEmptyString,
  taskFragment: Schema.optional(Schema.String),
  startedAt: Schema.optional(Timestamp),
  ...patchFields
})
export interface AgentInvocationInput extends Schema.Schema.Encoded<typeof AgentInvocationInput> {}

/** What {@link ExecutionTracker.updateInvocation} takes: the fields given are set, the others kept. */
export const AgentInvocationPatch = Schema.Struct(patchFields)
export interface AgentInvocationPatch extends Schema.Schema.Encoded<typeof AgentInvocationPatch> {}

const nullable = <A, I>(schema: Schema.Schema<A, I>) => Schema.optionalWith(schema, { nullable: true })

/** A row of `agent_invocations` as selected by {@link invocationColumns}, from either driver. */
export const InvocationRow = Schema.suspend(() =>
  Schema.Struct({
    id: Num,
    traceId: Schema.String,
    agent: Schema.String,
    taskFragment: nullable(Schema.String),
    startedAt: Stamp,
    completedAt: nullable(Stamp),
    outcome: nullable(InvocationOutcome),
    qualityScore: nullable(Num),
    tokenUsage: nullable(Json(TokenUsage)),
    outputSummary: nullable(Schema.String),
    error: nullable(Schema.String)
  })
)

/** The select list that {@link InvocationRow} decodes. */
export const invocationColumns = `id, trace_id AS "traceId", agent, task_fragment AS "taskFragment", started_at AS "startedAt",
  completed_at AS "completedAt", outcome, quality_score AS "qualityScore", token_usage AS "tokenUsage",
  output_summary AS "outputSummary", error`

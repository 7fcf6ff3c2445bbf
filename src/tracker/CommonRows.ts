/**
 * Trace and invocation rows as SQLite returns well-formed ones, read in
 * plain code: the hot reads (`recentTraces`, `invocations`, `getTrace`) then
 * skip the schema, which still decides every row not in this shape (see
 * `database/Rows.ts`). Each reader yields what its row schema yields: a
 * `null` column leaves its optional field out.
 *
 * @module
 */
import { DECLINED, isNullableText, parsedJsonObject } from "../database/Rows.js"
import type { AgentInvocation, InvocationOutcome } from "./AgentInvocation.js"
import type { ExecutionTrace, TraceStatus } from "./ExecutionTrace.js"
import type { TokenUsage } from "./TokenUsage.js"

type Declined = typeof DECLINED

const statuses: ReadonlySet<unknown> = new Set(["running", "completed", "error", "cancelled"])
const isStatus = (value: unknown): value is TraceStatus => statuses.has(value)
const outcomes: ReadonlySet<unknown> = new Set(["success", "partial", "failure", "escalated"])
const isOutcome = (value: unknown): value is InvocationOutcome => outcomes.has(value)

const isCount = (value: unknown): value is number => typeof value === "number" && Number.isSafeInteger(value) && value >= 0

/** A token usage column: JSON text of three counts (other members are dropped, as the schema drops them). */
const tokenUsage = (value: unknown): TokenUsage | Declined => {
  const parsed = parsedJsonObject(value)
  if (parsed === DECLINED) return DECLINED
  const { inputTokens, outputTokens, totalTokens } = parsed
  return isCount(inputTokens) && isCount(outputTokens) && isCount(totalTokens)
    ? { inputTokens, outputTokens, totalTokens }
    : DECLINED
}

/** A row of `execution_traces` (selected by `traceColumns`) as `TraceRow` decodes it, or declined. */
export const commonTrace = (row: Readonly<Record<string, unknown>>): ExecutionTrace | Declined => {
  const { id, projectId, taskId, prompt, agentId, status, startedAt, completedAt, success, durationMs, error } = row
  if (
    typeof id !== "string" || typeof projectId !== "string" || typeof taskId !== "string" ||
    typeof prompt !== "string" || !isNullableText(agentId) || !isStatus(status) || typeof startedAt !== "string" ||
    !isNullableText(completedAt) || !(success === null || success === 0 || success === 1 || typeof success === "boolean") ||
    !(durationMs === null || typeof durationMs === "number") || !isNullableText(error)
  ) return DECLINED
  const usage = row.tokenUsage === null ? null : tokenUsage(row.tokenUsage)
  const meta = row.metadata === null ? null : parsedJsonObject(row.metadata)
  if (usage === DECLINED || meta === DECLINED) return DECLINED
  return {
    id,
    projectId,
    taskId,
    prompt,
    ...(agentId === null ? {} : { agentId }),
    status,
    startedAt,
    ...(completedAt === null ? {} : { completedAt }),
    ...(success === null ? {} : { success: success === true || success === 1 }),
    ...(durationMs === null ? {} : { durationMs }),
    ...(usage === null ? {} : { tokenUsage: usage }),
    ...(meta === null ? {} : { metadata: meta }),
    ...(error === null ? {} : { error })
  }
}

/** A row of `agent_invocations` (selected by `invocationColumns`) as `InvocationRow` decodes it, or declined. */
export const commonInvocation = (row: Readonly<Record<string, unknown>>): AgentInvocation | Declined => {
  const { id, traceId, agent, taskFragment, startedAt, completedAt, outcome, qualityScore, outputSummary, error } = row
  if (
    typeof id !== "number" || typeof traceId !== "string" || typeof agent !== "string" || !isNullableText(taskFragment) ||
    typeof startedAt !== "string" || !isNullableText(completedAt) || !(outcome === null || isOutcome(outcome)) ||
    !(qualityScore === null || typeof qualityScore === "number") || !isNullableText(outputSummary) ||
    !isNullableText(error)
  ) return DECLINED
  const usage = row.tokenUsage === null ? null : tokenUsage(row.tokenUsage)
  if (usage === DECLINED) return DECLINED
  return {
    id,
    traceId,
    agent,
    ...(taskFragment === null ? {} : { taskFragment }),
    startedAt,
    ...(completedAt === null ? {} : { completedAt }),
    ...(outcome === null ? {} : { outcome }),
    ...(qualityScore === null ? {} : { qualityScore }),
    ...(usage === null ? {} : { tokenUsage: usage }),
    ...(outputSummary === null ? {} : { outputSummary }),
    ...(error === null ? {} : { error })
  }
}

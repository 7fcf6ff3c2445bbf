/**
 * The plain-code reading of an {@link AuditEntryInput} in its common,
 * well-formed shape: the writer of `AuditLog.record` runs it for every
 * record, where the schema's decoder costs about ten times as much. It
 * accepts only what the schema accepts and yields what the schema yields;
 * anything else (a malformed field, an unusual object) is left to the
 * schema, which then reports it with its own messages.
 *
 * @module
 */
import { jsonIssues } from "../domain/JsonIssues.js"
import { toDate } from "../domain/Timestamp.js"
import { type AuditCategory, type AuditEntryInput, auditCategories } from "./AuditEntry.js"

type Entry = typeof AuditEntryInput.Type

const categories: ReadonlySet<unknown> = new Set(auditCategories)
const isCategory = (value: unknown): value is AuditCategory => categories.has(value)

const isPlainObject = (value: unknown): value is Readonly<Record<string, unknown>> => {
  if (typeof value !== "object" || value === null) return false
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

const MALFORMED = Symbol("malformed")

/** An optional text field: absent, `undefined` and `null` read as absent. */
const optionalText = (value: unknown): string | undefined | typeof MALFORMED =>
  value === undefined || value === null ? undefined : typeof value === "string" ? value : MALFORMED

/**
 * `input` decoded as `AuditEntryInput` decodes it, or `undefined` when
 * `input` is not a plain object whose every field is well formed (the
 * schema decides then).
 */
export const decodeCommonEntry = (input: unknown): Entry | undefined => {
  if (!isPlainObject(input)) return undefined
  const fields = input
  const { action, category } = fields
  if (typeof action !== "string" || action.length === 0 || !isCategory(category)) return undefined
  const projectId = optionalText(fields.projectId)
  const taskId = optionalText(fields.taskId)
  const agent = optionalText(fields.agent)
  const userId = optionalText(fields.userId)
  const ipAddress = optionalText(fields.ipAddress)
  if (
    projectId === MALFORMED || taskId === MALFORMED || agent === MALFORMED || userId === MALFORMED ||
    ipAddress === MALFORMED
  ) return undefined
  const { details } = fields
  if (details !== undefined && jsonIssues(details, { objects: "stringify", maxIssues: 1 }).length > 0) return undefined
  const given = fields.timestamp
  let timestamp: string | undefined
  if (given !== undefined && given !== null) {
    if (typeof given !== "string" && !(given instanceof Date)) return undefined
    const date = toDate(given)
    if (date === undefined) return undefined
    timestamp = date.toISOString()
  }
  return {
    projectId,
    taskId,
    agent,
    action,
    category,
    details,
    userId,
    ipAddress,
    timestamp
  }
}

/**
 * Which audit entries to read: the filters of `AuditLog.query` and the
 * exports, and the SQL `WHERE` clause they compile to.
 *
 * @module
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import type { Fragment } from "@effect/sql/Statement"
import * as Schema from "effect/Schema"
import { Limit, Offset } from "../domain/Page.js"
import { AuditCategory } from "./AuditEntry.js"
import { OptionalTimestamp } from "../domain/Timestamp.js"

const OptionalText = Schema.optionalWith(Schema.String, { nullable: true })

/**
 * Filters of an audit query; all are optional and combined with `AND`.
 * `projectId`, `taskId`, `category`, `agent` and `action` match exactly.
 * `since` (inclusive) and `until` (exclusive) bound the timestamp: a `Date`
 * or an ISO-8601 string (see {@link OptionalTimestamp}). `limit` and
 * `offset` are non-negative integers. Results are newest first; entries
 * with the same timestamp come in insertion order.
 */
export const AuditQuery = Schema.Struct({
  projectId: OptionalText,
  taskId: OptionalText,
  category: Schema.optionalWith(AuditCategory, { nullable: true }),
  agent: OptionalText,
  action: OptionalText,
  since: Schema.optionalWith(OptionalTimestamp, { exact: true }),
  until: Schema.optionalWith(OptionalTimestamp, { exact: true }),
  limit: Schema.optionalWith(Limit, { nullable: true }),
  offset: Schema.optionalWith(Offset, { nullable: true })
}).annotations({ identifier: "AuditQuery" })

/** Query options, as a caller writes them. */
export type AuditQuery = typeof AuditQuery.Encoded

/** Validated query options. */
export type AuditFilter = typeof AuditQuery.Type

/** The `WHERE` conditions of a query's filters (without `limit`/`offset`). */
export const filterConditions = (sql: SqlClient.SqlClient, filter: AuditFilter): Array<Fragment> => {
  const conditions: Array<Fragment> = []
  if (filter.projectId !== undefined) conditions.push(sql`project_id = ${filter.projectId}`)
  if (filter.taskId !== undefined) conditions.push(sql`task_id = ${filter.taskId}`)
  if (filter.category !== undefined) conditions.push(sql`category = ${filter.category}`)
  if (filter.agent !== undefined) conditions.push(sql`agent = ${filter.agent}`)
  if (filter.action !== undefined) conditions.push(sql`action = ${filter.action}`)
  if (filter.since !== undefined) conditions.push(sql`timestamp >= ${filter.since}`)
  if (filter.until !== undefined) conditions.push(sql`timestamp < ${filter.until}`)
  return conditions
}

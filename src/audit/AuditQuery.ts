/**
 * Which audit entries to read: the filters of `AuditLog.query`, `count`
 * and the exports (their SQL is in `Queries.ts`).
 *
 * @module
 */
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

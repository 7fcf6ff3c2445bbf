/**
 * Rows of `audit_logs` as SQLite or PostgreSQL return them (details read as JSON text), and their decoding to
 * {@link AuditEntry}.
 *
 * @module
 */
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { Num, Stamp } from "../database/Columns.js"
import { decodeCommonRows, DECLINED, decodeRows, isNullableText } from "../database/Rows.js"
import { AuditCategory, AuditEntry, auditCategories } from "./AuditEntry.js"
import type { JsonValue } from "./JsonValue.js"

/** The columns read back, in export order. */
export const AUDIT_COLUMNS = [
  "id",
  "timestamp",
  "project_id",
  "task_id",
  "agent",
  "action",
  "category",
  "details",
  "user_id",
  "ip_address"
] as const

/**
 * `details` as JSON text: SQLite's text as stored, or the one-element array
 * PostgreSQL gives for it (see `Queries.ts`), its value written back as
 * compact JSON text, as SQLite stores it.
 */
const DetailsText = Schema.transform(
  Schema.Union(Schema.String, Schema.Tuple(Schema.Unknown)),
  Schema.String,
  { strict: true, decode: (value) => (typeof value === "string" ? value : JSON.stringify(value[0])), encode: (value) => value }
)

/** A row of `audit_logs` with `details` as JSON text or `null`. */
export const AuditRow = Schema.Struct({
  id: Num,
  timestamp: Stamp,
  project_id: Schema.NullOr(Schema.String),
  task_id: Schema.NullOr(Schema.String),
  agent: Schema.NullOr(Schema.String),
  action: Schema.String,
  category: AuditCategory,
  details: Schema.NullOr(DetailsText),
  user_id: Schema.NullOr(Schema.String),
  ip_address: Schema.NullOr(Schema.String)
}).annotations({ identifier: "AuditRow" })

export type AuditRow = typeof AuditRow.Type

/** The entry of a decoded `audit_logs` row, with its parsed `details`. */
const entryOf = <D>(row: Omit<typeof AuditRow.Type, "details">, details: D) => ({
  id: row.id,
  timestamp: row.timestamp,
  projectId: row.project_id,
  taskId: row.task_id,
  agent: row.agent,
  action: row.action,
  category: row.category,
  details,
  userId: row.user_id,
  ipAddress: row.ip_address
})

/** Decodes a row of `audit_logs` to an {@link AuditEntry}, parsing `details`. */
export const AuditEntryFromRow = Schema.transform(
  Schema.Struct({ ...AuditRow.fields, details: Schema.NullOr(Schema.compose(DetailsText, Schema.parseJson())) }),
  AuditEntry,
  {
    strict: false,
    decode: (row) => entryOf(row, row.details),
    encode: (entry) => ({
      id: entry.id,
      timestamp: entry.timestamp,
      project_id: entry.projectId,
      task_id: entry.taskId,
      agent: entry.agent,
      action: entry.action,
      category: entry.category,
      details: entry.details,
      user_id: entry.userId,
      ip_address: entry.ipAddress
    })
  }
)

const decodeAuditRows = decodeRows(AuditRow)

/**
 * A page of `audit_logs` rows decoded to entries, as {@link AuditEntryFromRow}
 * decodes each: one schema run over the page's columns, then each `details`
 * parsed once from its JSON text (what `JSON.parse` returns is JSON values
 * only, so it is not walked again). Text that is not JSON fails the page
 * with a `ParseError`.
 */
const decodeEntriesBySchema = (rows: unknown): Either.Either<ReadonlyArray<AuditEntry>, ParseResult.ParseError> =>
  Either.flatMap(decodeAuditRows(rows), (page) => {
    const entries: Array<AuditEntry> = []
    for (const row of page) {
      let details: JsonValue | null = null
      if (row.details !== null) {
        try {
          details = JSON.parse(row.details)
        } catch (error) {
          const issue = new ParseResult.Type(AuditRow.ast, row, `details is not JSON text: ${String(error)}`)
          return Either.left(new ParseResult.ParseError({ issue }))
        }
      }
      entries.push(entryOf(row, details))
    }
    return Either.right(entries)
  })

const categories: ReadonlySet<unknown> = new Set(auditCategories)
const isCategory = (value: unknown): value is AuditCategory => categories.has(value)

/** The entry of a row as SQLite returns a well-formed one, as the schema decodes it; anything else is declined. */
const commonEntry = (row: Readonly<Record<string, unknown>>): AuditEntry | typeof DECLINED => {
  const { id, timestamp, project_id, task_id, agent, action, category, details, user_id, ip_address } = row
  if (
    typeof id !== "number" || typeof timestamp !== "string" || typeof action !== "string" || !isCategory(category) ||
    !isNullableText(project_id) || !isNullableText(task_id) || !isNullableText(agent) || !isNullableText(user_id) ||
    !isNullableText(ip_address)
  ) return DECLINED
  let parsed: JsonValue | null = null
  if (details !== null) {
    if (typeof details !== "string") return DECLINED
    try {
      parsed = JSON.parse(details)
    } catch {
      return DECLINED
    }
  }
  return {
    id,
    timestamp,
    projectId: project_id,
    taskId: task_id,
    agent,
    action,
    category,
    details: parsed,
    userId: user_id,
    ipAddress: ip_address
  }
}

/**
 * A page of `audit_logs` rows decoded to entries, as {@link AuditEntryFromRow}
 * decodes each. Rows as SQLite returns well-formed ones are read in plain
 * code; a page with any other row goes through the schema (one run over the
 * page's columns, then each `details` parsed once), which reports a row that
 * does not match, or `details` that is not JSON text, as a `ParseError`.
 */
export const decodeEntries: (rows: unknown) => Either.Either<ReadonlyArray<AuditEntry>, ParseResult.ParseError> =
  decodeCommonRows(commonEntry, decodeEntriesBySchema)

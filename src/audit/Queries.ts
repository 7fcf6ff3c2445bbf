/**
 * The SQL of the audit log, one builder per statement: inserts, the filters
 * of queries and exports, pages (by offset, and by key for exports), counts
 * and the category summary.
 *
 * Dialect variants: how `details` is read (SQLite's JSON text as stored;
 * PostgreSQL's `jsonb` wrapped so that the driver's parse keeps a JSON
 * string apart from JSON text) and a page without a limit
 * (`Dialect.page`). The insert's `ON CONFLICT` on the partial unique index of
 * `record_key` reads the same on both.
 *
 * @module
 */
import type * as Statement from "@effect/sql/Statement"
import { page, type Sql, unsupported } from "../database/Dialect.js"
import type { AuditFilter } from "./AuditQuery.js"

/** A row of `audit_logs` to insert (a type literal, so that `sql.insert` takes it as a record). */
export type AuditInsert = {
  readonly timestamp: string
  readonly project_id: string | null
  readonly task_id: string | null
  readonly agent: string | null
  readonly action: string
  readonly category: string
  readonly details: string | null
  readonly user_id: string | null
  readonly ip_address: string | null
  readonly record_key: string | null
}

/** Bound parameters per inserted row (the fields of {@link AuditInsert}). */
export const INSERT_COLUMNS = 10

/**
 * The `details` column as `AuditRow` reads it: SQLite's JSON text as
 * stored; PostgreSQL's jsonb in a one-element array, which the driver
 * parses, so that a JSON string is not taken for JSON text (NULL stays NULL).
 */
const detailsColumn = (sql: Sql) =>
  sql.onDialectOrElse({
    sqlite: () => sql`details`,
    pg: () => sql`CASE WHEN details IS NULL THEN NULL ELSE jsonb_build_array(details) END AS details`,
    orElse: unsupported(sql)
  })

/** The columns of an `AuditRow`, in export order. */
const entryColumns = (sql: Sql) =>
  sql`id, timestamp, project_id, task_id, agent, action, category, ${detailsColumn(sql)}, user_id, ip_address`

/** The `WHERE` conditions of a query's filters (without `limit`/`offset`). */
const filterConditions = (sql: Sql, filter: AuditFilter): Array<Statement.Fragment> => {
  const conditions: Array<Statement.Fragment> = []
  if (filter.projectId !== undefined) conditions.push(sql`project_id = ${filter.projectId}`)
  if (filter.taskId !== undefined) conditions.push(sql`task_id = ${filter.taskId}`)
  if (filter.category !== undefined) conditions.push(sql`category = ${filter.category}`)
  if (filter.agent !== undefined) conditions.push(sql`agent = ${filter.agent}`)
  if (filter.action !== undefined) conditions.push(sql`action = ${filter.action}`)
  if (filter.since !== undefined) conditions.push(sql`timestamp >= ${filter.since}`)
  if (filter.until !== undefined) conditions.push(sql`timestamp < ${filter.until}`)
  return conditions
}

/**
 * Inserts rows and returns the ids of those inserted (`id`); a row whose
 * `record_key` is already stored is skipped, so that a replayed
 * write-behind batch is written once.
 */
export const insertEntries = (sql: Sql, rows: ReadonlyArray<AuditInsert>) =>
  sql`INSERT INTO audit_logs ${sql.insert(rows)}
    ON CONFLICT (record_key) WHERE record_key IS NOT NULL DO NOTHING
    RETURNING id`

/** {@link insertEntries} without the ids: the write-behind sink's insert. */
export const insertRecords = (sql: Sql, rows: ReadonlyArray<AuditInsert>) =>
  sql`INSERT INTO audit_logs ${sql.insert(rows)}
    ON CONFLICT (record_key) WHERE record_key IS NOT NULL DO NOTHING`

/** The entries matching `filter`, newest first (ties in insertion order), its `limit`/`offset` applied. */
export const selectEntries = (sql: Sql, filter: AuditFilter) =>
  sql`SELECT ${entryColumns(sql)}
    FROM audit_logs
    WHERE ${sql.and(filterConditions(sql, filter))}
    ORDER BY timestamp DESC, id ASC
    ${page(sql, filter.limit, filter.offset ?? 0)}`

/** Where a page of an export ends: the next one continues after this entry in `timestamp DESC, id ASC` order. */
export interface EntryKey {
  readonly timestamp: string
  readonly id: number
}

/**
 * Up to `size` entries matching `filter` (paging aside), in query order:
 * those after `after` (keyset paging), or without `after` the first ones
 * after skipping `offset`.
 */
export const selectPage = (sql: Sql, filter: AuditFilter, after: EntryKey | undefined, size: number, offset: number) => {
  const keyset = after === undefined
    ? []
    : [sql`timestamp <= ${after.timestamp} AND (timestamp < ${after.timestamp} OR id > ${after.id})`]
  return sql`SELECT ${entryColumns(sql)}
    FROM audit_logs
    WHERE ${sql.and([...filterConditions(sql, filter), ...keyset])}
    ORDER BY timestamp DESC, id ASC
    LIMIT ${size} OFFSET ${after === undefined ? offset : 0}`
}

/** How many entries match the filters of `filter`, paging aside (`n`). */
export const countEntries = (sql: Sql, filter: AuditFilter) =>
  sql`SELECT count(*) AS n FROM audit_logs WHERE ${sql.and(filterConditions(sql, filter))}`

/** How many entries each category of a project has (`category`, `count`), most first, ties by name. */
export const categoryCounts = (sql: Sql, projectId: string) =>
  sql`SELECT category, count(*) AS count
    FROM audit_logs
    WHERE project_id = ${projectId}
    GROUP BY category
    ORDER BY count DESC, category ASC`

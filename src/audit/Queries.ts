/**
 * The SQL of the audit log, one builder per statement.
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import { unsupported } from "../database/Dialect.js"
import { type AuditFilter, filterConditions } from "./AuditQuery.js"

type Sql = SqlClient.SqlClient

/**
 * The `details` column as `AuditRow` reads it: SQLite's JSON text as
 * stored; PostgreSQL's jsonb in a one-element array, which the driver
 * parses, so that a JSON string is not taken for JSON text (NULL stays NULL).
 */
export const detailsColumn = (sql: Sql) =>
  sql.onDialectOrElse({
    sqlite: () => sql`details`,
    pg: () => sql`CASE WHEN details IS NULL THEN NULL ELSE jsonb_build_array(details) END AS details`,
    orElse: unsupported(sql)
  })

/** How many entries match the filters of `filter`, paging aside (`n`). */
export const countEntries = (sql: Sql, filter: AuditFilter) =>
  sql`SELECT count(*) AS n FROM audit_logs WHERE ${sql.and(filterConditions(sql, filter))}`

/**
 * The SQL of the audit log, one builder per statement.
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import { type AuditFilter, filterConditions } from "./AuditQuery.js"

type Sql = SqlClient.SqlClient

/** How many entries match the filters of `filter`, paging aside (`n`). */
export const countEntries = (sql: Sql, filter: AuditFilter) =>
  sql`SELECT count(*) AS n FROM audit_logs WHERE ${sql.and(filterConditions(sql, filter))}`

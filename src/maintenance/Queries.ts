/**
 * The SQL of the maintenance operations, one builder per statement.
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import type { DataTable } from "./DataTables.js"

type Sql = SqlClient.SqlClient

/** The rows of each table in one statement: one row with a column per table, named after it. */
export const countRows = (sql: Sql, tables: ReadonlyArray<DataTable>) =>
  sql`SELECT ${sql.csv(tables.map((table) => sql`(SELECT count(*) FROM ${sql(table)}) AS ${sql(table)}`))}`

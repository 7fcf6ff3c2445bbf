/**
 * The SQL of `copy`, one builder per statement: the tables and columns of
 * a database (SQLite's schema tables and `pragma_table_xinfo`, PostgreSQL's
 * `pg_attribute` and `pg_index`), keyset pages, inserts that skip rows
 * already there, and the reset of PostgreSQL's identity sequences.
 *
 * @module
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import type { Fragment } from "@effect/sql/Statement"
import { unsupported } from "../database/Dialect.js"

type Sql = SqlClient.SqlClient

/** Every ordinary table: `name`, and `virtual` 1 for SQLite's virtual (FTS5) tables. */
export const tables = (sql: Sql) =>
  sql.onDialectOrElse({
    sqlite: () =>
      sql`SELECT name, (sql LIKE 'CREATE VIRTUAL TABLE%') AS virtual FROM sqlite_master
        WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
    pg: () =>
      sql`SELECT c.relname AS name, 0 AS virtual FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
        WHERE c.relkind IN ('r', 'p') ORDER BY c.relname`,
    orElse: unsupported(sql)
  })

/**
 * The columns of `table` in order: `name`, declared `type`, `pk` (position
 * in the primary key from 1, 0 when not in it), `generated` and `identity`
 * (1 or 0).
 */
export const columns = (sql: Sql, table: string) =>
  sql.onDialectOrElse({
    sqlite: () =>
      sql`SELECT name, type, pk, (hidden IN (2, 3)) AS generated, 0 AS identity
        FROM pragma_table_xinfo(${table}) WHERE hidden <> 1 ORDER BY cid`,
    pg: () =>
      sql`SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
          coalesce((SELECT k.n FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
            WHERE i.indrelid = a.attrelid AND i.indisprimary AND k.attnum = a.attnum), 0) AS pk,
          (a.attgenerated <> '')::int AS generated, (a.attidentity <> '')::int AS identity
        FROM pg_attribute a
        WHERE a.attrelid = to_regclass(${table}) AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum`,
    orElse: unsupported(sql)
  })

const quoted = (sql: Sql, names: ReadonlyArray<string>) => sql.csv(names.map((name) => sql`${sql(name)}`))

/**
 * Up to `limit` rows of `table` (the columns `columns`) in primary-key
 * order, after the key `after` when given (a row-value comparison, so any
 * composite key pages the same way).
 */
export const page = (
  sql: Sql,
  table: string,
  columns: ReadonlyArray<string>,
  key: ReadonlyArray<string>,
  after: ReadonlyArray<unknown> | undefined,
  limit: number
) => {
  const where: Fragment = after === undefined
    ? sql`1 = 1`
    : sql`(${quoted(sql, key)}) > (${sql.csv(after.map((value) => sql`${bindable(value)}`))})`
  return sql`SELECT ${quoted(sql, columns)} FROM ${sql(table)} WHERE ${where} ORDER BY ${quoted(sql, key)} LIMIT ${limit}`
}

const bindable = (value: unknown): string | number | bigint | boolean | Uint8Array | null =>
  typeof value === "string" || typeof value === "number" || typeof value === "bigint" || typeof value === "boolean" ||
    value instanceof Uint8Array
    ? value
    : value == null
    ? null
    : String(value)

/** One row `n`: the rows of `table`. */
export const count = (sql: Sql, table: string) => sql`SELECT count(*) AS n FROM ${sql(table)}`

/**
 * Inserts `rows` into `table`, skipping each that conflicts with a row
 * already there (same key or another unique value); returns one row per row
 * inserted.
 */
export const insertMissing = (sql: Sql, table: string, rows: ReadonlyArray<Record<string, unknown>>) =>
  sql.onDialectOrElse({
    sqlite: () => sql`INSERT OR IGNORE INTO ${sql(table)} ${sql.insert(rows)} RETURNING 1 AS inserted`,
    pg: () => sql`INSERT INTO ${sql(table)} ${sql.insert(rows)} ON CONFLICT DO NOTHING RETURNING 1 AS inserted`,
    orElse: unsupported(sql)
  })

/**
 * PostgreSQL: sets the identity sequence of `table.column` past the largest
 * value stored, so that the next row the stores insert gets a fresh one.
 */
export const resetIdentity = (sql: Sql, table: string, column: string) =>
  sql`SELECT setval(pg_get_serial_sequence(${table}, ${column}),
    (SELECT coalesce(max(${sql(column)}), 0) + 1 FROM ${sql(table)}), false)`

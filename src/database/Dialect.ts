/**
 * The SQL that differs between SQLite and PostgreSQL and that many stores
 * share, each difference chosen once here with `sql.onDialectOrElse`: JSON
 * path extraction, insert-or-skip,
 * the bound-parameter limit (and the one chunking helper under it), paging
 * without a limit, float sums and the time between two stamps.
 *
 * JSON paths are SQLite's form (`$.a.b[0]`), which PostgreSQL reads as an
 * SQL/JSON path (`jsonb_path_query_first`, strict mode): one bound path
 * serves both. JSON columns are cast to `jsonb` on PostgreSQL, so they may
 * be stored as `text`, `json` or `jsonb`.
 *
 * @module
 */
import * as Arr from "effect/Array"
import type * as Statement from "@effect/sql/Statement"

/** What builds statements: a `SqlClient`, or any statement constructor. */
export type Sql = Statement.Constructor

/** The branch of `onDialectOrElse` for a dialect logbook does not store on: a defect. */
export const unsupported = (sql: Sql) => (): never => {
  throw new Error(`logbook stores on SQLite or PostgreSQL, not ${sql.onDialect({
    sqlite: () => "sqlite",
    pg: () => "pg",
    mysql: () => "mysql",
    mssql: () => "mssql",
    clickhouse: () => "clickhouse"
  })}`)
}

/**
 * The number at `path` of the JSON document `document`, for arithmetic and
 * aggregates: NULL when missing, and (PostgreSQL) when it is not a number.
 */
export const jsonNumber = (sql: Sql, document: Statement.Fragment, path: string): Statement.Fragment =>
  sql.onDialectOrElse({
    sqlite: () => sql`json_extract(${document}, ${path})`,
    pg: () =>
      sql`(CASE WHEN jsonb_typeof(${jsonValue(sql, document, path)}) = 'number'
        THEN (${jsonValue(sql, document, path)} #>> '{}')::double precision END)`,
    orElse: unsupported(sql)
  })

/** PostgreSQL: the `jsonb` value at `path` (strict, silent: NULL when missing). */
export const jsonValue = (sql: Sql, document: Statement.Fragment, path: string): Statement.Fragment =>
  sql`jsonb_path_query_first((${document})::jsonb, ${`strict ${path}`}::jsonpath, '{}'::jsonb, true)`

/**
 * `INSERT ... ` that skips rows conflicting with any unique constraint:
 * `INSERT OR IGNORE` on SQLite, `ON CONFLICT DO NOTHING` on PostgreSQL.
 * `values` is what follows the table name (`sql.insert(...)`, or a column
 * list and `VALUES`).
 */
export const insertOrSkip = (sql: Sql, table: string, values: Statement.Fragment): Statement.Statement<never> =>
  sql.onDialectOrElse({
    sqlite: () => sql<never>`INSERT OR IGNORE INTO ${sql(table)} ${values}`,
    pg: () => sql<never>`INSERT INTO ${sql(table)} ${values} ON CONFLICT DO NOTHING`,
    orElse: unsupported(sql)
  })

/** The most parameters one statement may bind: 32,766 on SQLite, 65,535 on PostgreSQL. */
export const parameterLimit = (sql: Sql): number =>
  sql.onDialectOrElse({
    sqlite: () => 32766,
    pg: () => 65535,
    orElse: unsupported(sql)
  })

/**
 * Splits `rows` into chunks for multi-row statements of `columns` bound
 * parameters per row: each chunk stays under the dialect's
 * {@link parameterLimit} and holds at most `maxRows` rows.
 */
export const parameterChunks = <A>(
  sql: Sql,
  rows: ReadonlyArray<A>,
  columns: number,
  maxRows: number = Number.POSITIVE_INFINITY
): ReadonlyArray<ReadonlyArray<A>> =>
  rows.length === 0
    ? []
    : Arr.chunksOf(rows, Math.max(1, Math.min(maxRows, Math.floor(parameterLimit(sql) / Math.max(1, columns)))))

/**
 * `LIMIT ... OFFSET ...` of a page; without `limit`, every row after
 * `offset` (`LIMIT -1` on SQLite, `LIMIT ALL` on PostgreSQL).
 */
export const page = (sql: Sql, limit: number | undefined, offset: number): Statement.Fragment =>
  limit !== undefined
    ? sql`LIMIT ${limit} OFFSET ${offset}`
    : sql.onDialectOrElse({
      sqlite: () => sql`LIMIT -1 OFFSET ${offset}`,
      pg: () => sql`LIMIT ALL OFFSET ${offset}`,
      orElse: unsupported(sql)
    })

/** The sum of `expression` as a float, 0.0 over no rows (SQLite's `total`). */
export const floatTotal = (sql: Sql, expression: Statement.Fragment): Statement.Fragment =>
  sql.onDialectOrElse({
    sqlite: () => sql`total(${expression})`,
    pg: () => sql`coalesce(sum(${expression}), 0)::double precision`,
    orElse: unsupported(sql)
  })

/** Milliseconds from the stored stamp `from` to the stamp `to` (a float; negative when `to` is earlier). */
export const millisBetween = (sql: Sql, from: Statement.Fragment, to: Statement.Fragment): Statement.Fragment =>
  sql.onDialectOrElse({
    sqlite: () => sql`((julianday(${to}) - julianday(${from})) * 86400000.0)`,
    pg: () => sql`(extract(epoch FROM ((${to})::timestamptz - (${from})::timestamptz)) * 1000.0)`,
    orElse: unsupported(sql)
  })

/** The larger of two values (`max(a, b)` on SQLite, `greatest(a, b)` on PostgreSQL). */
export const greatest = (sql: Sql, a: Statement.Fragment, b: Statement.Fragment): Statement.Fragment =>
  sql.onDialectOrElse({
    sqlite: () => sql`max(${a}, ${b})`,
    pg: () => sql`greatest(${a}, ${b})`,
    orElse: unsupported(sql)
  })


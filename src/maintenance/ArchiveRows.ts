/**
 * The rows of an archive (prune's, PostgreSQL's logical backup) in one form
 * whatever the dialect: SQLite's. JSON columns as their JSON text, integers
 * as numbers, booleans as 0/1, blobs as `Buffer` (serialised by
 * `JSON.stringify` as `{ "type": "Buffer", "data": [...] }`): an archive of a
 * PostgreSQL database reads the same as one of a SQLite database holding the
 * same rows, and `logbook copy`'s value conversions (`copy/Values.ts`) apply.
 *
 * @module
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { Num } from "../database/Columns.js"
import * as CopyQueries from "../copy/Queries.js"
import { kindOf, toTarget } from "../copy/Values.js"

/** A stored row, column name to value. */
export type StoredRow = Readonly<Record<string, unknown>>

const Columns = Schema.Array(Schema.Struct({ name: Schema.String, type: Schema.String, generated: Num }))

/**
 * The function that puts a row of `table` read from `sql` in SQLite's form:
 * the identity on SQLite; on PostgreSQL a conversion by the declared type of
 * each column, generated columns (`tsvector`) left out.
 */
export const archiveForm = (sql: SqlClient.SqlClient, table: string) =>
  sql.onDialectOrElse({
    pg: () =>
      CopyQueries.columns(sql, table).pipe(
        Effect.flatMap(Schema.decodeUnknown(Columns)),
        Effect.map((columns) => (row: StoredRow): StoredRow => {
          const out: Record<string, unknown> = {}
          for (const column of columns) {
            if (column.generated === 1 || !(column.name in row)) continue
            out[column.name] = toTarget(row[column.name], kindOf(column.type), "sqlite")
          }
          return out
        })
      ),
    orElse: () => Effect.succeed((row: StoredRow): StoredRow => row)
  })

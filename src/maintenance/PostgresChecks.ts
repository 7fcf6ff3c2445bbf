/**
 * The health checks of a PostgreSQL database, where SQLite's file checks
 * have no meaning: every index of logbook's schema must be valid (an index
 * left `INVALID` by a failed `CREATE INDEX CONCURRENTLY` or `REINDEX
 * CONCURRENTLY` is no longer used by the planner nor, for a unique index,
 * trusted), the size of every table (`pg_total_relation_size`: heap, TOAST
 * and indexes), and the full-text search indexes (GIN over `tsvector`
 * columns, generated from the rows, so they never drift from their content:
 * their upkeep is a `REINDEX` that gives back bloat and repairs an invalid
 * one).
 *
 * @module
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { Num } from "../database/Columns.js"

/** An index of the schema and whether PostgreSQL can use it. */
export interface IndexValidity {
  readonly index: string
  readonly table: string
  readonly valid: boolean
}

/** A table and its size on disk, its TOAST and indexes included. */
export interface TableSize {
  readonly table: string
  readonly bytes: number
}

const Indexes = Schema.Array(Schema.Struct({ index: Schema.String, table: Schema.String, valid: Schema.Boolean }))
const Sizes = Schema.Array(Schema.Struct({ table: Schema.String, bytes: Num }))

/** Every index of the current schema, with `pg_index.indisvalid` (and `indisready`). */
export const indexValidity = (sql: SqlClient.SqlClient) =>
  sql`SELECT i.relname AS index, t.relname AS table, (x.indisvalid AND x.indisready) AS valid
    FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid
    JOIN pg_class t ON t.oid = x.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = current_schema()
    ORDER BY t.relname, i.relname`.pipe(
    Effect.flatMap(Schema.decodeUnknown(Indexes)),
    Effect.map((rows): ReadonlyArray<IndexValidity> => rows)
  )

/** Every table of the current schema with `pg_total_relation_size`, largest first. */
export const tableSizes = (sql: SqlClient.SqlClient) =>
  sql`SELECT c.relname AS table, pg_total_relation_size(c.oid) AS bytes
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
    WHERE c.relkind IN ('r', 'p')
    ORDER BY pg_total_relation_size(c.oid) DESC, c.relname`.pipe(
    Effect.flatMap(Schema.decodeUnknown(Sizes)),
    Effect.map((rows): ReadonlyArray<TableSize> => rows)
  )

/** The full-text search indexes: GIN indexes over a `tsvector` column, with their validity. */
export const searchIndexes = (sql: SqlClient.SqlClient) =>
  sql`SELECT i.relname AS index, t.relname AS table, (x.indisvalid AND x.indisready) AS valid
    FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid
    JOIN pg_class t ON t.oid = x.indrelid
    JOIN pg_am am ON am.oid = i.relam AND am.amname = 'gin'
    JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = current_schema()
    WHERE EXISTS (SELECT 1 FROM pg_attribute a
      WHERE a.attrelid = x.indrelid AND a.attnum = ANY (x.indkey) AND a.atttypid = 'tsvector'::regtype)
    ORDER BY t.relname, i.relname`.pipe(
    Effect.flatMap(Schema.decodeUnknown(Indexes)),
    Effect.map((rows): ReadonlyArray<IndexValidity> => rows)
  )

/**
 * Rebuilds the index `index` without blocking writers (`REINDEX INDEX
 * CONCURRENTLY`, which runs outside any transaction).
 */
export const reindexConcurrently = (sql: SqlClient.SqlClient, index: string) =>
  sql`REINDEX INDEX CONCURRENTLY ${sql(index)}`

/** One row `n`: the bytes of the current database. */
export const databaseBytes = (sql: SqlClient.SqlClient) =>
  sql`SELECT pg_database_size(current_database()) AS n`.pipe(
    Effect.flatMap(Schema.decodeUnknown(Schema.Tuple(Schema.Struct({ n: Num })))),
    Effect.map(([row]) => row.n)
  )

/**
 * Upkeep of the full-text indexes: every FTS5 table of the database (lessons,
 * and whatever other stores or user migrations add) is found in the schema,
 * checked against its content, or rebuilt from it. On PostgreSQL the search
 * indexes are the GIN indexes over `tsvector` columns (`PostgresChecks.ts`):
 * checked for validity, rebuilt with `REINDEX INDEX CONCURRENTLY`.
 *
 * @module
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { SqlError } from "@effect/sql/SqlError"
import * as Arr from "effect/Array"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { ParseError } from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { driverCode, reasonOf, withDatabaseErrors } from "../database/SqlFailure.js"
import { reindexConcurrently, searchIndexes } from "./PostgresChecks.js"
import * as Queries from "./Queries.js"

/** The outcome of checking one FTS5 table. */
export const SearchIndexCheck = Schema.Struct({
  /** The FTS5 table's name; on PostgreSQL, the GIN index's. */
  table: Schema.String,
  /** True when its index is consistent, and consistent with its content table when it has one. */
  ok: Schema.Boolean,
  /** SQLite's complaint when not ok. */
  message: Schema.optional(Schema.String)
})
export type SearchIndexCheck = typeof SearchIndexCheck.Type

const Names = Schema.Array(Schema.Struct({ name: Schema.String }))

/** The names of every FTS5 virtual table, in name order. */
export const searchIndexTables: Effect.Effect<ReadonlyArray<string>, SqlError | ParseError, SqlClient.SqlClient> = Effect
  .gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* Queries.searchIndexTables(sql)
    const names = yield* Schema.decodeUnknown(Names)(rows)
    return names.map((row) => row.name)
  })

const messageOf = (error: SqlError): string => error.cause instanceof Error ? error.cause.message : error.message

/** A failure of the check statement itself that is a finding about the index, not a database outage. */
const isFinding = (error: unknown): error is SqlError => {
  if (!(error instanceof SqlError)) return false
  const reason = reasonOf(error.cause)
  return reason === "Corrupt" || reason === "Query"
}

/**
 * Runs FTS5's `integrity-check` (with content comparison, `rank = 1`) on
 * every FTS5 table: a table whose index drifted from its content (an
 * external-content table fed wrong old values, a row changed behind its
 * triggers) or whose index is damaged comes back `ok: false` with SQLite's
 * message. Fails with `DatabaseError` only when the check cannot run (busy,
 * unreachable database).
 */
export const checkSearchIndexes = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  if (sql.onDialectOrElse({ pg: () => true, orElse: () => false })) {
    const indexes = yield* searchIndexes(sql)
    return indexes.map((index): SearchIndexCheck =>
      index.valid
        ? { table: index.index, ok: true }
        : { table: index.index, ok: false, message: `the index ${index.index} on ${index.table} is not valid: logbook rebuild-search (REINDEX) rebuilds it` }
    )
  }
  const tables = yield* searchIndexTables
  return yield* Effect.forEach(tables, (table) =>
    Queries.checkSearchIndex(sql, table).pipe(
      Effect.as<SearchIndexCheck>({ table, ok: true }),
      Effect.catchIf(isFinding, (error) => Effect.succeed<SearchIndexCheck>({ table, ok: false, message: messageOf(error) }))
    ))
}).pipe(withDatabaseErrors("Maintenance.checkSearchIndexes"), Effect.withSpan("Maintenance.checkSearchIndexes"))

const isContentless = (error: unknown): boolean =>
  error instanceof SqlError && Option.contains(driverCode(error.cause), "SQLITE_ERROR") &&
  /contentless/i.test(messageOf(error))

/**
 * Rebuilds every FTS5 table's index from its content, in one transaction,
 * and returns the names of the tables rebuilt. A contentless table (which
 * keeps no text to rebuild from) is skipped. On PostgreSQL, rebuilds each
 * search index with `REINDEX INDEX CONCURRENTLY` (writers go on meanwhile;
 * an invalid index becomes valid again) and returns the indexes rebuilt.
 * Fails with `DatabaseError`.
 */
export const rebuildSearchIndexes = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  if (sql.onDialectOrElse({ pg: () => true, orElse: () => false })) {
    const indexes = yield* searchIndexes(sql)
    for (const index of indexes) yield* reindexConcurrently(sql, index.index)
    return indexes.map((index) => index.index)
  }
  return yield* sql.withTransaction(Effect.gen(function*() {
    const tables = yield* searchIndexTables
    const rebuilt = yield* Effect.forEach(tables, (table) =>
      Queries.rebuildSearchIndex(sql, table).pipe(
        Effect.as(Option.some(table)),
        Effect.catchIf(isContentless, () => Effect.succeed(Option.none()))
      ))
    yield* Queries.renewSearchTermsVersions(sql)
    return Arr.getSomes(rebuilt)
  }))
}).pipe(withDatabaseErrors("Maintenance.rebuildSearchIndexes"), Effect.withSpan("Maintenance.rebuildSearchIndexes"))

/**
 * Opens the embedded SQLite database through `@effect/sql-sqlite-node` and
 * asserts what logbook relies on: a recent SQLite (3.51.3 fixed a WAL-reset
 * corruption bug), FTS5, WAL journaling, foreign keys and a busy timeout.
 *
 * The `SqlClient` it returns runs on the driver's connection with two
 * changes: transactions begin with `BEGIN IMMEDIATE`, so a read-then-write
 * transaction takes the write lock first (waiting out other processes with
 * the busy timeout) instead of failing on a stale snapshot; and a `ROLLBACK`
 * after SQLite already rolled the transaction back itself (as it does on
 * `SQLITE_FULL`) is not an error, so the statement's own failure reaches
 * the caller as a typed error instead of a defect.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import type { SqlError } from "@effect/sql/SqlError"
import * as Statement from "@effect/sql/Statement"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { mkdirSync } from "node:fs"
import * as path from "node:path"
import { DatabaseError } from "../Errors.js"
import type { ResolvedOptions } from "./DatabaseOptions.js"
import { reasonOf, withDatabaseErrors } from "./SqlFailure.js"

/** The oldest SQLite logbook accepts. */
export const MINIMUM_SQLITE_VERSION = "3.51.3"

const parseVersion = (version: string) => version.split(".").map((part) => Number(part))

/** `a >= b` for dotted version strings. */
export const versionAtLeast = (a: string, b: string): boolean => {
  const [x, y] = [parseVersion(a), parseVersion(b)]
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const [p, q] = [x[i] ?? 0, y[i] ?? 0]
    if (p !== q) return p > q
  }
  return true
}

const Capabilities = Schema.Tuple(Schema.Struct({ version: Schema.String, fts5: Schema.Number }))

const refuse = (message: string) => new DatabaseError({ reason: "Connection", operation: "Database.open", message })

/** Opens (creating its folder) and configures a SQLite database; the connection closes with the scope. */
export const openSqlite = (options: ResolvedOptions, filename: string) =>
  Effect.gen(function*() {
    const memory = filename === ":memory:"
    if (!memory) {
      yield* Effect.try({
        try: () => mkdirSync(path.dirname(filename), { recursive: true }),
        catch: (cause) => refuse(`cannot create the folder of ${filename}: ${String(cause)}`)
      })
    }
    // WAL is enabled below, after auto_vacuum: a database already in WAL mode can no longer take it.
    const client = yield* SqliteClient.make({ filename, disableWAL: true }).pipe(
      Effect.catchAllDefect((cause) =>
        Effect.fail(
          new DatabaseError({
            reason: reasonOf(cause),
            operation: "Database.open",
            message: `cannot open ${filename}: ${cause instanceof Error ? cause.message : String(cause)}`,
            cause
          })
        )
      )
    )
    yield* Effect.gen(function*() {
      const [capabilities] = yield* client`SELECT sqlite_version() AS version,
        EXISTS (SELECT 1 FROM pragma_module_list WHERE name = 'fts5') AS fts5`.pipe(
          Effect.flatMap(Schema.decodeUnknown(Capabilities))
        )
      if (!versionAtLeast(capabilities.version, MINIMUM_SQLITE_VERSION)) {
        return yield* refuse(
          `SQLite ${capabilities.version} is older than ${MINIMUM_SQLITE_VERSION}, which fixes a WAL-reset corruption bug; upgrade better-sqlite3`
        )
      }
      if (capabilities.fts5 !== 1) {
        return yield* refuse(`this SQLite ${capabilities.version} was built without FTS5, which logbook's search needs`)
      }
      // Before the first table exists, so that a new database gives freed pages back (incremental_vacuum).
      yield* client.unsafe("PRAGMA auto_vacuum = INCREMENTAL")
      if (!memory) yield* client.unsafe("PRAGMA journal_mode = WAL")
      yield* client.unsafe(`PRAGMA busy_timeout = ${Math.round(Duration.toMillis(options.busyTimeout))}`)
      yield* client.unsafe("PRAGMA foreign_keys = ON")
      yield* client.unsafe(`PRAGMA synchronous = ${options.synchronous === "full" ? "FULL" : "NORMAL"}`)
      if (!memory) {
        yield* client.unsafe("PRAGMA journal_size_limit = 67108864")
        const mode = yield* client`SELECT journal_mode FROM pragma_journal_mode`.pipe(
          Effect.flatMap(Schema.decodeUnknown(Schema.Tuple(Schema.Struct({ journal_mode: Schema.String }))))
        )
        if (mode[0].journal_mode.toLowerCase() !== "wal") {
          return yield* refuse(`${filename} is in journal mode ${mode[0].journal_mode}, and WAL could not be enabled`)
        }
      }
    }).pipe(withDatabaseErrors("Database.open"))
    return { driver: client, sql: yield* withImmediateTransactions(client) }
  })

const noActiveTransaction = (error: SqlError) =>
  error.cause instanceof Error && /no transaction is active/i.test(error.cause.message)

const tolerantRollback = (connection: Connection): Connection => ({
  ...connection,
  executeUnprepared: (sql, params, transformRows) =>
    sql === "ROLLBACK"
      ? connection.executeUnprepared(sql, params, transformRows).pipe(
        Effect.catchIf(noActiveTransaction, () => Effect.succeed([]))
      )
      : connection.executeUnprepared(sql, params, transformRows)
})

/** A client on the driver's connection whose transactions begin with `BEGIN IMMEDIATE`. */
const withImmediateTransactions = (driver: SqliteClient.SqliteClient) => {
  const acquirer = Effect.map(driver.reserve, tolerantRollback)
  return SqlClient.make({
    acquirer,
    transactionAcquirer: acquirer,
    compiler: Statement.makeCompilerSqlite(),
    beginTransaction: "BEGIN IMMEDIATE",
    spanAttributes: [["db.system.name", "sqlite"]]
  })
}

/**
 * Opens a PostgreSQL database through `@effect/sql-pg`, an optional peer
 * dependency loaded only here, when a `postgres://` URL is used: SQLite users
 * never load the PostgreSQL driver.
 *
 * The pool opens at most `poolSize` connections. Each connection runs with
 * `statement_timeout` (the `statementTimeout` option, when set) and
 * `lock_timeout` set to `busyTimeout`, so a lock wait ends as `Busy` instead
 * of stalling the call. Transactions are `SERIALIZABLE`: a read-then-write
 * transaction that races another connection fails with a serialization
 * failure (40001) or a deadlock (40P01), both `Busy`, and the whole
 * transaction is retried like SQLite's `Busy` until the call's `busyTimeout`
 * is spent; the stores keep SQLite's single-writer semantics on a server
 * shared by many processes.
 */
import type * as Reactivity from "@effect/experimental/Reactivity"
import * as SqlClient from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import type { SqlError } from "@effect/sql/SqlError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import { DatabaseError, type MigrationError } from "../Errors.js"
import { displayUrl, type ResolvedOptions } from "./DatabaseOptions.js"
import { currentBusyWait, reasonOf, toDatabaseError } from "./SqlFailure.js"

/** How transactions begin on PostgreSQL. */
export const BEGIN_TRANSACTION = "BEGIN ISOLATION LEVEL SERIALIZABLE"

const refuse = (url: string, message: string, cause?: unknown) =>
  new DatabaseError({ reason: "Connection", operation: "Database.open", message: `${displayUrl(url)}: ${message}`, cause })

/** Loads `@effect/sql-pg`, or says how to install it. */
const loadDriver = (url: string) =>
  Effect.tryPromise({
    try: () => import("@effect/sql-pg/PgClient"),
    catch: (cause) =>
      refuse(url, "a postgres:// database needs the optional package @effect/sql-pg 0.53 (npm install @effect/sql-pg@^0.53)", cause)
  })

/**
 * `url` with the session settings every pooled connection starts with:
 * `lock_timeout` and, when given, `statement_timeout` (in milliseconds).
 */
export const sessionUrl = (url: string, options: ResolvedOptions): string => {
  const parsed = new URL(url)
  parsed.searchParams.set("lock_timeout", String(Math.max(1, Math.round(Duration.toMillis(options.busyTimeout)))))
  Option.match(options.statementTimeout, {
    onNone: () => parsed.searchParams.delete("statement_timeout"),
    onSome: (timeout) => parsed.searchParams.set("statement_timeout", String(Math.round(Duration.toMillis(timeout))))
  })
  return parsed.toString()
}

/**
 * A connection that marks the current call's lock wait as spent once a
 * `Busy` failure (serialization failure, deadlock, lock timeout) comes after
 * `busyTimeout`, which ends the whole-transaction retries of that call.
 */
const bounded = (busyTimeout: number) => (connection: Connection): Connection => {
  const mark = <A>(statement: Effect.Effect<A, SqlError>) =>
    Effect.tapError(statement, (error) =>
      reasonOf(error.cause) !== "Busy"
        ? Effect.void
        : Effect.flatMap(FiberRef.get(currentBusyWait), (wait) =>
          Effect.sync(() => {
            if (wait !== undefined && Date.now() - wait.start >= busyTimeout) wait.exhausted = true
          })))
  // The driver's connection is a class instance: each method is delegated, none spread.
  return {
    executeStream: (sql, params, transformRows) => connection.executeStream(sql, params, transformRows),
    execute: (sql, params, transformRows) => mark(connection.execute(sql, params, transformRows)),
    executeRaw: (sql, params) => mark(connection.executeRaw(sql, params)),
    executeValues: (sql, params) => mark(connection.executeValues(sql, params)),
    executeUnprepared: (sql, params, transformRows) => mark(connection.executeUnprepared(sql, params, transformRows))
  }
}

/**
 * Connects the pool at `url` (checking that the server answers), and runs
 * `prepare` (migrations) on it. The pool closes with the scope.
 */
export const openPostgres = (
  options: ResolvedOptions,
  url: string,
  prepare: (sql: SqlClient.SqlClient) => Effect.Effect<void, DatabaseError | MigrationError>
): Effect.Effect<SqlClient.SqlClient, DatabaseError | MigrationError, Scope.Scope | Reactivity.Reactivity> =>
  Effect.gen(function*() {
    const Pg = yield* loadDriver(url)
    const withSession = yield* Effect.try({
      try: () => sessionUrl(url, options),
      catch: (cause) => refuse(url, "not a valid PostgreSQL URL", cause)
    })
    const pool = yield* Pg.make({
      url: Redacted.make(withSession),
      maxConnections: options.poolSize,
      applicationName: "logbook"
    }).pipe(
      Effect.mapError((error) => {
        const failure = toDatabaseError("Database.open")(error)
        return new DatabaseError({
          reason: failure.reason,
          operation: failure.operation,
          message: `cannot connect to ${displayUrl(url)}: ${failure.message}`,
          cause: failure.cause
        })
      })
    )
    const busyTimeout = Math.round(Duration.toMillis(options.busyTimeout))
    const acquirer = Effect.map(pool.reserve, bounded(busyTimeout))
    const sql = yield* SqlClient.make({
      acquirer,
      transactionAcquirer: acquirer,
      compiler: Pg.makeCompiler(),
      beginTransaction: BEGIN_TRANSACTION,
      spanAttributes: [["db.system.name", "postgresql"]]
    })
    yield* prepare(sql)
    return sql
  })

/**
 * Opens the embedded SQLite database through `@effect/sql-sqlite-node` and
 * asserts what logbook relies on: a recent SQLite (3.51.3 fixed a WAL-reset
 * corruption bug), FTS5, WAL journaling, foreign keys and a busy timeout.
 *
 * The `SqlClient` it returns runs on the driver's current connection with
 * these changes: transactions begin with `BEGIN IMMEDIATE`, so a
 * read-then-write transaction takes the write lock first instead of failing
 * on a stale snapshot; a statement that finds the database locked is retried
 * as Effect sleeps (the driver's own busy handler, which sleeps inside the C
 * call and freezes the event loop, waits 10 milliseconds at most) until
 * the call's `busyTimeout` is spent, with a warning once the wait grows long;
 * a failed `COMMIT` rolls the transaction back; and a `ROLLBACK` after SQLite
 * already rolled the transaction back itself (as it does on `SQLITE_FULL`) is
 * not an error, so the statement's own failure reaches the caller as a typed
 * error instead of a defect. The connection can be reopened (when the file
 * was deleted or replaced under it); the client then runs on the new one.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type * as Reactivity from "@effect/experimental/Reactivity"
import type { Connection } from "@effect/sql/SqlConnection"
import type { SqlError } from "@effect/sql/SqlError"
import * as Statement from "@effect/sql/Statement"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberRef from "effect/FiberRef"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Scope from "effect/Scope"
import { mkdirSync, statSync } from "node:fs"
import * as path from "node:path"
import { onFirstCall } from "../domain/OnFirstCall.js"
import { DatabaseError, type MigrationError } from "../Errors.js"
import type { ResolvedOptions } from "./DatabaseOptions.js"
import { isReadOnlyFile, readOnlySource } from "./ReadOnly.js"
import { DECLINED, decodeCommonRow } from "./Rows.js"
import { type BusyWait, currentBusyWait, driverCode, realClock, reasonOf, withDatabaseErrors } from "./SqlFailure.js"

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

// The rows of the settings read at opening, read in plain code (as SQLite returns them); the schemas, compiled
// only for rows of another shape, decide and report. Each runs once per opening.
const decodeCapabilities = decodeCommonRow(
  (row) =>
    typeof row.version === "string" && typeof row.fts5 === "number" && typeof row.pages === "number"
      ? { version: row.version, fts5: row.fts5, pages: row.pages }
      : DECLINED,
  onFirstCall(() =>
    Schema.decodeUnknownEither(Schema.Tuple(Schema.Struct({ version: Schema.String, fts5: Schema.Number, pages: Schema.Number })))
  )
)

const decodeJournalMode = decodeCommonRow(
  (row) => typeof row.journal_mode === "string" ? { journal_mode: row.journal_mode } : DECLINED,
  onFirstCall(() => Schema.decodeUnknownEither(Schema.Tuple(Schema.Struct({ journal_mode: Schema.String }))))
)

const refuse = (message: string) => new DatabaseError({ reason: "Connection", operation: "Database.open", message })

/** The driver's own busy handler waits this long at most before returning `SQLITE_BUSY` to us. */
const DRIVER_BUSY_MILLIS = 10

/** A lock wait longer than this is reported with a warning (once per call). */
const LONG_WAIT_MILLIS = 1_000

/**
 * Opens (creating its folder) and configures a SQLite connection; it closes
 * with the scope. A file this process may not change is opened read-only
 * (see `ReadOnly.ts`), and refused when it would have to be migrated.
 */
const connect = (options: ResolvedOptions, filename: string) =>
  Effect.gen(function*() {
    const memory = filename === ":memory:"
    const readOnly = !memory && isReadOnlyFile(filename)
    if (readOnly && options.migrate === "apply") {
      return yield* new DatabaseError({
        reason: "ReadOnly",
        operation: "Database.open",
        message: `${filename} is read-only here (file mode, owner or mount): it cannot be migrated; open it with migrate "verify" or "off" to read it`
      })
    }
    if (!memory && !readOnly) {
      yield* Effect.try({
        try: () => mkdirSync(path.dirname(filename), { recursive: true }),
        catch: (cause) => refuse(`cannot create the folder of ${filename}: ${String(cause)}`)
      })
    }
    // WAL is enabled below, after auto_vacuum: a database already in WAL mode can no longer take it.
    const source = readOnly ? yield* readOnlySource(filename) : filename
    const client = yield* SqliteClient.make({ filename: source, disableWAL: true, readonly: readOnly }).pipe(
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
    // One reserved connection runs the checks and settings as plain statements: each needs no
    // statement compilation, span or permit of its own, several times the cost of running it here.
    yield* Effect.scoped(Effect.gen(function*() {
      const connection = yield* client.reserve
      const run = (statement: string) => connection.execute(statement, [], undefined)
      const [capabilities] = yield* run(`SELECT sqlite_version() AS version,
        EXISTS (SELECT 1 FROM pragma_module_list WHERE name = 'fts5') AS fts5,
        (SELECT page_count FROM pragma_page_count) AS pages`).pipe(Effect.flatMap(decodeCapabilities))
      if (!versionAtLeast(capabilities.version, MINIMUM_SQLITE_VERSION)) {
        return yield* refuse(
          `SQLite ${capabilities.version} is older than ${MINIMUM_SQLITE_VERSION}, which fixes a WAL-reset corruption bug; upgrade better-sqlite3`
        )
      }
      if (capabilities.fts5 !== 1) {
        return yield* refuse(`this SQLite ${capabilities.version} was built without FTS5, which logbook's search needs`)
      }
      const driverWait = Math.min(DRIVER_BUSY_MILLIS, Math.round(Duration.toMillis(options.busyTimeout)))
      yield* run(`PRAGMA busy_timeout = ${driverWait}`)
      yield* run("PRAGMA foreign_keys = ON")
      yield* run(`PRAGMA synchronous = ${options.synchronous === "full" ? "FULL" : "NORMAL"}`)
      // A read-only database is read as it is: its journal mode is reported (doctor), never changed.
      if (readOnly) return
      // Before the first table exists, so that a new database gives freed pages back (incremental_vacuum).
      // Only on an empty file: on an existing one the pragma changes nothing but still writes its header.
      if (capabilities.pages === 0) yield* run("PRAGMA auto_vacuum = INCREMENTAL")
      if (!memory) {
        // The pragma answers with the journal mode now in force.
        const mode = yield* run("PRAGMA journal_mode = WAL").pipe(Effect.flatMap(decodeJournalMode))
        yield* run("PRAGMA journal_size_limit = 67108864")
        if (mode[0].journal_mode.toLowerCase() !== "wal") {
          return yield* refuse(`${filename} is in journal mode ${mode[0].journal_mode}, and WAL could not be enabled`)
        }
      }
    })).pipe(withDatabaseErrors("Database.open"))
    return client
  })

/** The identity of a file on disk, to notice it was deleted or replaced. */
export interface FileIdentity {
  readonly dev: number
  readonly ino: number
}

const identityOf = (filename: string): Option.Option<FileIdentity> => {
  try {
    const stat = statSync(filename)
    return Option.some({ dev: stat.dev, ino: stat.ino })
  } catch {
    return Option.none()
  }
}

/** An open SQLite database whose connection can be replaced. */
export interface OpenSqlite {
  /** The client every store uses; it always runs on the current connection. */
  readonly sql: SqlClient.SqlClient
  /** The current driver connection. */
  readonly driver: () => SqliteClient.SqliteClient
  /**
   * Fails with `DatabaseError` (reason `Connection`) when the database file
   * is no longer the one the connection has open (deleted, or replaced by
   * another file); it then reopens the connection on what is at the path now,
   * running `prepare` (migrations) on it first.
   */
  readonly checkFile: Effect.Effect<void, DatabaseError>
}

const LOCK_CODES = new Set(["SQLITE_BUSY", "SQLITE_BUSY_RECOVERY", "SQLITE_BUSY_TIMEOUT", "SQLITE_LOCKED"])

const isBusyFailure = (error: SqlError) => reasonOf(error.cause) === "Busy"

/**
 * Runs `statement`, retrying it as Effect sleeps while the database is locked
 * (never a snapshot conflict, which only a whole-transaction retry resolves),
 * until the call's wait reaches `busyTimeout`. A statement that does not find
 * the database locked costs one failure handler: the call's wait is read only
 * once a lock is met.
 */
const waitingWhileLocked = (busyTimeout: number, sql: string) => <A>(statement: Effect.Effect<A, SqlError>) =>
  Effect.suspend(() => {
    const started = Date.now()
    return Effect.catchIf(statement, isBusyFailure, (first) =>
      Effect.flatMap(FiberRef.get(currentBusyWait), (current) => {
        const wait: BusyWait = current ?? { start: started, exhausted: false, warned: false }
        const retry = (error: SqlError, pause: number): Effect.Effect<A, SqlError> => {
          const waited = Date.now() - wait.start
          const code = Option.getOrElse(driverCode(error.cause), () => "")
          if (waited >= busyTimeout || !LOCK_CODES.has(code)) {
            if (waited >= busyTimeout) wait.exhausted = true
            return Effect.fail(error)
          }
          const warn = !wait.warned && waited >= Math.min(LONG_WAIT_MILLIS, busyTimeout / 2)
          if (warn) wait.warned = true
          return Effect.zipRight(
            warn
              ? Effect.logWarning("logbook: waiting for another connection's lock on the database").pipe(
                Effect.annotateLogs({ waitedMillis: waited, busyTimeoutMillis: busyTimeout, statement: sql.slice(0, 80) })
              )
              : Effect.void,
            Effect.sleep(Math.min(pause, Math.max(1, busyTimeout - waited)))
          ).pipe(
            Effect.zipRight(Effect.catchIf(statement, isBusyFailure, (error) => retry(error, Math.min(pause * 2, 10))))
          )
        }
        return retry(first, 2).pipe(Effect.withClock(realClock))
      }))
  })

const noActiveTransaction = (error: SqlError) =>
  error.cause instanceof Error && /no transaction is active/i.test(error.cause.message)

/** The driver's connection, waiting out locks as Effect sleeps, with a tolerant `ROLLBACK` and a `COMMIT` that rolls back when it fails. */
const patient = (busyTimeout: number) => (connection: Connection): Connection => {
  // Built when used: the driver prepares an unprepared statement as soon as it is asked for one.
  const rollback = Effect.suspend(() => connection.executeUnprepared("ROLLBACK", [], undefined)).pipe(
    Effect.catchIf(noActiveTransaction, () => Effect.succeed([]))
  )
  return {
    ...connection,
    execute: (sql, params, transformRows) =>
      waitingWhileLocked(busyTimeout, sql)(connection.execute(sql, params, transformRows)),
    executeRaw: (sql, params) => waitingWhileLocked(busyTimeout, sql)(connection.executeRaw(sql, params)),
    executeValues: (sql, params) => waitingWhileLocked(busyTimeout, sql)(connection.executeValues(sql, params)),
    executeUnprepared: (sql, params, transformRows) => {
      if (sql === "ROLLBACK") return rollback
      const statement = waitingWhileLocked(busyTimeout, sql)(connection.executeUnprepared(sql, params, transformRows))
      return sql === "COMMIT"
        ? Effect.tapError(statement, () => Effect.ignore(rollback))
        : statement
    }
  }
}

/**
 * Opens the database at `filename` and runs `prepare` (migrations) on it.
 * The connection in use closes with the scope.
 */
export const openSqlite = (
  options: ResolvedOptions,
  filename: string,
  prepare: (sql: SqlClient.SqlClient) => Effect.Effect<void, DatabaseError | MigrationError>
): Effect.Effect<OpenSqlite, DatabaseError | MigrationError, Scope.Scope | Reactivity.Reactivity> =>
  Effect.gen(function*() {
    const context = yield* Effect.context<Reactivity.Reactivity>()
    const busyTimeout = Math.round(Duration.toMillis(options.busyTimeout))
    const open = Effect.gen(function*() {
      const scope = yield* Scope.make()
      const driver = yield* connect(options, filename).pipe(
        Scope.extend(scope),
        Effect.onError((cause) => Scope.close(scope, Exit.failCause(cause)))
      )
      return { scope, driver, identity: filename === ":memory:" ? Option.none() : identityOf(filename) }
    }).pipe(Effect.provide(context))
    let current = yield* open
    yield* Effect.addFinalizer(() => Scope.close(current.scope, Exit.void))
    // The driver hands out the same connection every time: it is wrapped once.
    const wrapped = new WeakMap<Connection, Connection>()
    const wrap = (connection: Connection) => {
      const found = wrapped.get(connection)
      if (found !== undefined) return found
      const made = patient(busyTimeout)(connection)
      wrapped.set(connection, made)
      return made
    }
    const acquirer = Effect.suspend(() => Effect.map(current.driver.reserve, wrap))
    const sql = yield* SqlClient.make({
      acquirer,
      transactionAcquirer: acquirer,
      compiler: Statement.makeCompilerSqlite(),
      beginTransaction: "BEGIN IMMEDIATE",
      spanAttributes: [["db.system.name", "sqlite"]]
    })
    yield* prepare(sql)
    const gone = (message: string) =>
      new DatabaseError({ reason: "Connection", operation: "Database.checkFile", message: `${filename} ${message}` })
    const reopen = Effect.gen(function*() {
      // The old connection closes first: it owns the -wal and -shm files at this path.
      yield* Effect.scoped(Effect.zipRight(current.driver.reserve, Scope.close(current.scope, Exit.void)))
      current = yield* open
      yield* prepare(sql)
      yield* Effect.logWarning("logbook: the database file was deleted or replaced under the open connection; reopened").pipe(
        Effect.annotateLogs({ database: filename })
      )
    })
    const checkFile = Effect.suspend(() => {
      if (Option.isNone(current.identity)) return Effect.void
      const expected = current.identity.value
      const found = identityOf(filename)
      if (Option.isSome(found) && found.value.dev === expected.dev && found.value.ino === expected.ino) {
        return Effect.void
      }
      const problem = gone(Option.isNone(found) ? "was deleted under the open connection" : "was replaced under the open connection")
      return reopen.pipe(
        Effect.catchAll((error) =>
          Effect.logWarning("logbook: the database could not be reopened").pipe(
            Effect.annotateLogs({ database: filename, error: error.message })
          )
        ),
        Effect.zipRight(Effect.fail(problem))
      )
    })
    return { sql, driver: () => current.driver, checkFile }
  })

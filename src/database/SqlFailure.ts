/**
 * The one place where driver failures become {@link DatabaseError}: the reason is
 * read from the SQLite (or PostgreSQL) error code, `Busy` is retried with a
 * bounded backoff, a failed `COMMIT` (which `@effect/sql` turns into a defect)
 * is a typed failure too, and a stored row that fails its schema is a `Query`
 * failure.
 */
import { SqlError } from "@effect/sql/SqlError"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import { onFirstCall } from "../domain/OnFirstCall.js"
import { DatabaseError, type DatabaseErrorReason } from "../Errors.js"

const DriverError = Schema.Struct({ code: Schema.String, message: Schema.optional(Schema.String) })
const decodeDriverError = onFirstCall(() => Schema.decodeUnknownOption(DriverError))

const sqliteReasons: ReadonlyArray<readonly [prefix: string, reason: DatabaseErrorReason]> = [
  ["SQLITE_BUSY", "Busy"],
  ["SQLITE_LOCKED", "Busy"],
  ["SQLITE_CONSTRAINT", "Constraint"],
  ["SQLITE_FULL", "Full"],
  ["SQLITE_READONLY", "ReadOnly"],
  ["SQLITE_PERM", "ReadOnly"],
  ["SQLITE_CORRUPT", "Corrupt"],
  ["SQLITE_NOTADB", "Corrupt"],
  ["SQLITE_CANTOPEN", "Connection"],
  ["SQLITE_IOERR", "Connection"]
]

/** PostgreSQL SQLSTATE codes (or their class prefix). */
const postgresReasons: ReadonlyArray<readonly [prefix: string, reason: DatabaseErrorReason]> = [
  ["40P01", "Busy"], // deadlock_detected
  ["40001", "Busy"], // serialization_failure
  ["55P03", "Busy"], // lock_not_available (lock_timeout)
  ["23", "Constraint"], // integrity_constraint_violation
  ["53100", "Full"], // disk_full
  ["25006", "ReadOnly"], // read_only_sql_transaction
  ["XX001", "Corrupt"], // data_corrupted
  ["XX002", "Corrupt"], // index_corrupted
  ["08", "Connection"], // connection_exception
  ["57P", "Connection"] // admin_shutdown, crash_shutdown, cannot_connect_now
]

/** Node's socket errors, as the PostgreSQL driver reports a server it cannot reach. */
const networkCodes = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH"])

/** The PostgreSQL driver's messages for a connection that ended or never came. */
const LOST_CONNECTION = /connection terminated|connection timed out|client has encountered a connection error|not queryable|client was closed/i

/** The driver's error code carried by a failure, if any (e.g. `SQLITE_BUSY_SNAPSHOT`). */
export const driverCode = (cause: unknown): Option.Option<string> =>
  Option.map(decodeDriverError(cause), (error) => error.code)

/** Classifies a driver failure by its error code. */
export const reasonOf = (cause: unknown): DatabaseErrorReason => {
  const code = driverCode(cause)
  if (Option.isNone(code)) {
    if (cause instanceof TypeError && /not open/i.test(cause.message)) return "Connection"
    return cause instanceof Error && LOST_CONNECTION.test(cause.message) ? "Connection" : "Query"
  }
  if (networkCodes.has(code.value)) return "Connection"
  const table = code.value.startsWith("SQLITE_") ? sqliteReasons : postgresReasons
  const hit = table.find(([prefix]) => code.value.startsWith(prefix))
  return hit === undefined ? "Query" : hit[1]
}

const describe = (error: unknown): string => {
  if (error instanceof SqlError) {
    const cause = error.cause
    return cause instanceof Error ? cause.message : error.message
  }
  return error instanceof Error ? error.message : String(error)
}

/** Maps a driver or row-decoding failure of `operation` to a {@link DatabaseError}. */
export const toDatabaseError = (operation: string) => (error: SqlError | ParseResult.ParseError): DatabaseError =>
  error instanceof SqlError
    ? new DatabaseError({ reason: reasonOf(error.cause), operation, message: describe(error), cause: error.cause })
    : new DatabaseError({
      reason: "Query",
      operation,
      message: `a stored row does not match its schema: ${ParseResult.TreeFormatter.formatErrorSync(error)}`,
      cause: error
    })

/**
 * The wait of one public call for a database lock. The connection (see
 * `Sqlite.ts`) waits out a busy database statement by statement as Effect
 * sleeps until `start + busyTimeout`, then marks the wait `exhausted`; the
 * call's whole-transaction retries stop there too, so `busyTimeout` bounds
 * the whole wait of one call.
 */
export interface BusyWait {
  readonly start: number
  exhausted: boolean
  warned: boolean
}

/** The lock wait of the current call, set by {@link withDatabaseErrors}. */
export const currentBusyWait = FiberRef.unsafeMake<BusyWait | undefined>(undefined)

/** Backoff for `Busy` between whole-transaction attempts: exponential from 5 ms, capped at 100 ms a wait. */
export const busySchedule = Schedule.exponential("5 millis", 2).pipe(
  Schedule.union(Schedule.spaced("100 millis")),
  Schedule.jittered
)

type DriverFailure<E> = Extract<E, SqlError | ParseResult.ParseError>

/** The errors of an effect once driver and decoding failures became {@link DatabaseError}. */
export type Handled<E> = Exclude<E, DriverFailure<E>> | DatabaseError

/** Waits for a database lock are real time, even under a test clock. */
export const realClock = Clock.make()

const isBusy = (error: unknown): boolean =>
  (error instanceof DatabaseError && error.reason === "Busy") ||
  (error instanceof SqlError && reasonOf(error.cause) === "Busy")

/** Runs `self` as one call with its own lock wait, unless it is part of a call already. */
const withBusyWait = <A, E, R>(self: (wait: BusyWait) => Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.flatMap(FiberRef.get(currentBusyWait), (current) => {
    if (current !== undefined) return self(current)
    const wait: BusyWait = { start: Date.now(), exhausted: false, warned: false }
    return Effect.locally(self(wait), currentBusyWait, wait)
  })

/**
 * Retries `self` (a statement, or a whole transaction) while the database is
 * busy, with {@link busySchedule} on the real clock, until the call's lock
 * wait is exhausted (its `busyTimeout` spent); other failures pass. The
 * schedule is started only once `self` failed busy: a call that meets no
 * lock (nearly every call) pays one failure handler, not a schedule.
 */
export const retryWhileBusy = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  withBusyWait((wait) => {
    const retrying = (error: E) => isBusy(error) && !wait.exhausted
    return Effect.catchIf(self, retrying, (first) => {
      // The schedule's first attempt is the failure already met: its first pause comes before `self` runs again.
      let met = false
      const again = Effect.suspend(() => {
        if (met) return self
        met = true
        return Effect.fail(first)
      })
      return again.pipe(Effect.retry({ schedule: busySchedule, while: retrying }), Effect.withClock(realClock))
    })
  })

/** A failed `COMMIT` or `ROLLBACK` reaches us as a defect carrying the driver's `SqlError`. */
const failedCommit = (operation: string) => (defect: unknown) =>
  defect instanceof SqlError ? Option.some(Effect.fail(toDatabaseError(operation)(defect))) : Option.none()

/**
 * Runs one public database operation: maps `SqlError` and `ParseError` to
 * {@link DatabaseError} tagged with `operation` (a failed `COMMIT` included,
 * e.g. `SQLITE_FULL` on a full disk is `Full`), and retries the whole effect
 * (a whole transaction when it is one) while the database is busy, within the
 * call's `busyTimeout`.
 */
export const withDatabaseErrors = (operation: string) =>
<A, E, R>(
  self: Effect.Effect<A, E, R>
): Effect.Effect<A, Handled<E>, R> =>
  self.pipe(
    Effect.catchIf(
      (error): error is DriverFailure<E> =>
        error instanceof SqlError || ParseResult.isParseError(error),
      (error) => Effect.fail(toDatabaseError(operation)(error))
    ),
    Effect.catchSomeDefect(failedCommit(operation)),
    retryWhileBusy
  )

/**
 * The migration lock on PostgreSQL: a session advisory lock held for the whole
 * run on one reserved connection, on which the run's statements and
 * transactions then execute. Another migrator waits for it at most the lock
 * timeout; the lock goes with the connection if the process dies.
 */
import * as Reactivity from "@effect/experimental/Reactivity"
import * as SqlClient from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import type { SqlError } from "@effect/sql/SqlError"
import { makeCompiler } from "@effect/sql-pg/PgClient"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { toDatabaseError } from "../database/SqlFailure.js"
import { type DatabaseError, MigrationError } from "../Errors.js"

/** The advisory lock key of logbook's migrations ("logb" in ASCII). */
export const MIGRATION_LOCK_KEY = 0x6c6f6762

const lockFailure = (timeout: Duration.Duration) => (error: SqlError): MigrationError | DatabaseError => {
  const failure = toDatabaseError("Migrator.lock")(error)
  return failure.reason === "Busy"
    ? new MigrationError({
      reason: "Locked",
      version: null,
      message: `another migrator held the migration lock for more than ${Duration.format(timeout)}: ${failure.message}`
    })
    : failure
}

const run = (connection: Connection, statement: string) => connection.executeUnprepared(statement, [], undefined)

/**
 * Runs `effect` with a `SqlClient` on one connection that holds the
 * migration lock, taken within `timeout` (else `MigrationError` reason
 * `Locked`). The lock is released, and the connection's `lock_timeout`
 * restored, when `effect` ends.
 */
export const withAdvisoryLock = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  timeout: Duration.Duration
): Effect.Effect<A, E | MigrationError | DatabaseError, R | SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const connection = yield* Effect.mapError(sql.reserve, lockFailure(timeout))
    const millis = Math.max(1, Math.round(Duration.toMillis(timeout)))
    yield* run(connection, `SET lock_timeout = ${millis}`).pipe(
      Effect.zipRight(run(connection, `SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`)),
      Effect.zipRight(run(connection, "RESET lock_timeout")),
      Effect.mapError(lockFailure(timeout))
    )
    yield* Effect.addFinalizer(() =>
      Effect.ignore(run(connection, `SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`))
    )
    const locked = yield* SqlClient.make({
      acquirer: Effect.succeed(connection),
      compiler: makeCompiler(),
      spanAttributes: [["db.system.name", "postgresql"]]
    })
    return yield* Effect.provideService(effect, SqlClient.SqlClient, locked)
  }).pipe(Effect.scoped, Effect.provide(Reactivity.layer))

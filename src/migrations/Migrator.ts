/**
 * logbook's `.sql` migration runner, on any `SqlClient`, with one folder of
 * migrations per dialect (`migrations/sqlite`, `migrations/postgres`). Each
 * migration runs in its own transaction together with its tracking row. On
 * SQLite the transaction's first statement takes the migration lock; on
 * PostgreSQL the whole run holds an advisory lock. Either way several
 * processes migrating one new database apply each version exactly once.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import { existsSync } from "node:fs"
import { hostname } from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { DatabaseError, MigrationError } from "../Errors.js"
import { insertOrSkip, unsupported } from "../database/Dialect.js"
import { toDatabaseError, withDatabaseErrors } from "../database/SqlFailure.js"
import { now } from "../domain/Timestamp.js"
import { type MigrationFile, readMigrations } from "./MigrationFile.js"

/** The dialects logbook migrates: embedded SQLite and PostgreSQL. */
export type Dialect = "sqlite" | "pg"

/** The folder name of a dialect's migrations. */
const folderOf = (dialect: Dialect) => (dialect === "pg" ? "postgres" : "sqlite")

/** The folder of logbook's own migrations for `dialect` (default SQLite). */
export const packageMigrationsDirectoryOf = (dialect: Dialect): string =>
  fileURLToPath(new URL(`../../migrations/${folderOf(dialect)}`, import.meta.url))

/** The folder of logbook's own migrations for SQLite. */
export const packageMigrationsDirectory = packageMigrationsDirectoryOf("sqlite")

/** A user folder holds either `.sql` files or a `sqlite/` (`postgres/`) subfolder of them. */
export const dialectDirectory = (directory: string, dialect: Dialect = "sqlite"): string => {
  const nested = path.join(directory, folderOf(dialect))
  return existsSync(nested) ? nested : directory
}

/** Where migrations are read from for `dialect` (default SQLite): logbook's own folder, then the user's. */
export const migrationDirectories = (extra: ReadonlyArray<string> = [], dialect: Dialect = "sqlite"): ReadonlyArray<string> => [
  packageMigrationsDirectoryOf(dialect),
  ...extra.map((directory) => dialectDirectory(path.resolve(directory), dialect))
]

/** A row of `logbook_migrations`. */
export const AppliedMigration = Schema.Struct({
  version: Schema.Number,
  name: Schema.String,
  checksum: Schema.String,
  applied_at: Schema.String,
  execution_ms: Schema.Number
})
export type AppliedMigration = typeof AppliedMigration.Type

/** The state of one version: applied, pending, applied but changed on disk (drifted), or applied with no file (missing). */
export type MigrationState = "applied" | "pending" | "drifted" | "missing"

/** One line of {@link status}. */
export interface MigrationStatus {
  readonly version: number
  readonly name: string
  readonly state: MigrationState
  readonly file: string | null
  readonly appliedAt: string | null
  readonly executionMs: number | null
  /** A pending version below the highest applied one of its folder. */
  readonly outOfOrder: boolean
}

/** What {@link migrate} did, or would do with `dryRun`. */
export interface MigrationPlan {
  readonly applied: ReadonlyArray<{ readonly version: number; readonly name: string; readonly executionMs: number }>
  readonly pending: ReadonlyArray<{ readonly version: number; readonly name: string; readonly statements: ReadonlyArray<string> }>
  readonly dryRun: boolean
}

/** Options of {@link migrate}. */
export interface MigrateOptions {
  readonly directories: ReadonlyArray<string>
  /** Apply versions up to and including this one. */
  readonly to?: number | undefined
  /** Compute and return the plan with its SQL, write nothing. */
  readonly dryRun?: boolean | undefined
  /**
   * How long to wait for another migrator's lock (default 60 seconds): on
   * PostgreSQL for the run's advisory lock, on SQLite for each migration's
   * write lock (tried again while another process migrates).
   */
  readonly lockTimeout?: Duration.DurationInput | undefined
}

const holder = `${hostname()}:${process.pid}`

const fromSql = (operation: string) => (error: SqlError) => {
  const failure = toDatabaseError(operation)(error)
  return failure.reason === "Busy"
    ? new MigrationError({ reason: "Locked", version: null, message: `the database is locked by another migrator: ${failure.message}` })
    : failure
}

const trackingExists = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const rows = yield* sql.onDialectOrElse({
    sqlite: () => sql<{ readonly name: string }>`
      SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'logbook_migrations'`,
    pg: () => sql<{ readonly name: string }>`SELECT 'logbook_migrations' AS name WHERE to_regclass('logbook_migrations') IS NOT NULL`,
    orElse: unsupported(sql)
  })
  return rows.length > 0
})

/** On PostgreSQL the tracking table is created under the migration lock (see `PostgresLock.ts`), so it needs no lock table. */
const ensureTracking = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* sql`CREATE TABLE IF NOT EXISTS logbook_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    execution_ms INTEGER NOT NULL
  )`
  yield* sql.onDialectOrElse({
    sqlite: () =>
      Effect.zipRight(
        sql`CREATE TABLE IF NOT EXISTS logbook_migration_lock (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          holder TEXT,
          taken_at TEXT
        )`,
        insertOrSkip(sql, "logbook_migration_lock", sql`(id) VALUES (1)`)
      ),
    pg: () => Effect.void,
    orElse: unsupported(sql)
  })
})

const readApplied = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const rows = yield* sql`SELECT version, name, checksum, applied_at, execution_ms FROM logbook_migrations ORDER BY version`
  return yield* Schema.decodeUnknown(Schema.Array(AppliedMigration))(rows)
})

const appliedOrNone = Effect.flatMap(trackingExists, (exists) => (exists ? readApplied : Effect.succeed([])))

/**
 * The first statement of every migration transaction on SQLite: a write that
 * waits for the lock. On PostgreSQL the whole run holds an advisory lock
 * instead (see {@link withMigrationLock}).
 */
const takeLock = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  sql.onDialectOrElse({
    sqlite: () =>
      Effect.flatMap(now, (at) => sql`UPDATE logbook_migration_lock SET holder = ${holder}, taken_at = ${at} WHERE id = 1`),
    pg: () => Effect.void,
    orElse: unsupported(sql)
  }))

/** How long a migrator waits for another one's lock by default. */
export const DEFAULT_LOCK_TIMEOUT = Duration.seconds(60)

const lockTimeoutOf = (input: Duration.DurationInput | undefined) =>
  input === undefined ? DEFAULT_LOCK_TIMEOUT : Duration.decode(input)

/**
 * Runs `effect` as one migration run. On PostgreSQL it runs on one
 * connection holding the session advisory lock of logbook's migrations
 * (waiting at most `lockTimeout`, then failing with `MigrationError` reason
 * `Locked`); on SQLite each migration transaction takes the lock itself (see
 * {@link waitingForOtherMigrators}).
 */
const withMigrationLock = (lockTimeout: Duration.Duration) =>
<A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | MigrationError | DatabaseError, R | SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql.onDialectOrElse({
      pg: () =>
        Effect.flatMap(
          Effect.promise(() => import("./PostgresLock.js")),
          (lock) =>
            lock.withAdvisoryLock(effect, lockTimeout)
        ),
      sqlite: () => effect,
      orElse: unsupported(sql)
    }))

/** Compares the files with the tracking table. */
export const compare = (
  files: ReadonlyArray<MigrationFile>,
  applied: ReadonlyArray<AppliedMigration>
): ReadonlyArray<MigrationStatus> => {
  const byVersion = new Map(applied.map((row) => [row.version, row]))
  const highestApplied = new Map<string, number>()
  for (const file of files) {
    if (byVersion.has(file.version)) {
      highestApplied.set(file.source, Math.max(highestApplied.get(file.source) ?? 0, file.version))
    }
  }
  const fileVersions = new Set(files.map((file) => file.version))
  const fromFiles = files.map((file): MigrationStatus => {
    const row = byVersion.get(file.version)
    return {
      version: file.version,
      name: file.name,
      state: row === undefined ? "pending" : row.checksum === file.checksum ? "applied" : "drifted",
      file: file.file,
      appliedAt: row?.applied_at ?? null,
      executionMs: row?.execution_ms ?? null,
      outOfOrder: row === undefined && file.version < (highestApplied.get(file.source) ?? 0)
    }
  })
  const missing = applied
    .filter((row) => !fileVersions.has(row.version))
    .map((row): MigrationStatus => ({
      version: row.version,
      name: row.name,
      state: "missing",
      file: null,
      appliedAt: row.applied_at,
      executionMs: row.execution_ms,
      outOfOrder: false
    }))
  return [...fromFiles, ...missing].sort((a, b) => a.version - b.version)
}

/** Fails on the first drifted, missing or out-of-order version. */
export const checkConsistency = (statuses: ReadonlyArray<MigrationStatus>): Effect.Effect<void, MigrationError> => {
  for (const status of statuses) {
    if (status.state === "drifted") {
      return new MigrationError({
        reason: "ChecksumMismatch",
        version: status.version,
        message: `migration ${status.version} (${status.file}) was changed after it was applied`
      })
    }
    if (status.state === "missing") {
      return new MigrationError({
        reason: "Missing",
        version: status.version,
        message: `migration ${status.version} (${status.name}) is applied but its file is gone`
      })
    }
    if (status.outOfOrder) {
      return new MigrationError({
        reason: "OutOfOrder",
        version: status.version,
        message: `migration ${status.version} (${status.file}) is pending below a version already applied from its folder`
      })
    }
  }
  return Effect.void
}

/** Status of every known version, from the files and the tracking table; writes nothing. */
export const status = (
  directories: ReadonlyArray<string>
): Effect.Effect<ReadonlyArray<MigrationStatus>, MigrationError | DatabaseError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const files = yield* readMigrations(directories)
    const applied = yield* appliedOrNone
    return compare(files, applied)
  }).pipe(withDatabaseErrors("Migrator.status"))

/** Fails with `Pending`, `ChecksumMismatch`, `Missing` or `OutOfOrder` unless the database is up to date; writes nothing. */
export const verify = (
  directories: ReadonlyArray<string>
): Effect.Effect<void, MigrationError | DatabaseError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const statuses = yield* status(directories)
    yield* checkConsistency(statuses)
    const pending = statuses.filter((s) => s.state === "pending")
    if (pending.length > 0) {
      return yield* new MigrationError({
        reason: "Pending",
        version: pending[0]!.version,
        message: `${pending.length} migration(s) pending: ${pending.map((s) => `${s.version}_${s.name}`).join(", ")}`
      })
    }
  })

const applyOne = (migration: MigrationFile) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* takeLock
    const applied = yield* readApplied
    const current = compare([migration], applied).find((s) => s.version === migration.version)!
    if (current.state === "applied") return null
    yield* checkConsistency([current])
    const started = performance.now()
    for (const [index, statement] of migration.up.entries()) {
      yield* sql.unsafe(statement).pipe(
        Effect.mapError((error) =>
          new MigrationError({
            reason: "Failed",
            version: migration.version,
            message: `${migration.file}, statement ${index + 1}: ${toDatabaseError("Migrator.migrate")(error).message}\n${statement}`
          })
        )
      )
    }
    const executionMs = Math.round(performance.now() - started)
    const appliedAt = yield* now
    yield* sql`INSERT INTO logbook_migrations ${
      sql.insert({
        version: migration.version,
        name: migration.name,
        checksum: migration.checksum,
        applied_at: appliedAt,
        execution_ms: executionMs
      })
    }`
    return { version: migration.version, name: migration.name, executionMs }
  }).pipe(
    (self) => Effect.flatMap(SqlClient.SqlClient, (sql) => sql.withTransaction(self)),
    Effect.catchTag("SqlError", (error) => Effect.fail(fromSql("Migrator.migrate")(error)))
  )

/**
 * `effect`, on SQLite tried again while another migrator holds the write lock
 * (its busy wait spent: reason `Locked`) until `lockTimeout` has passed: a
 * process opening a new database beside others migrating it waits for them
 * however slow the machine, and finds each migration they applied done.
 */
const waitingForOtherMigrators = (lockTimeout: Duration.Duration) =>
<A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R | SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql.onDialectOrElse({
      sqlite: () =>
        effect.pipe(Effect.retry({
          while: (error) => error instanceof MigrationError && error.reason === "Locked",
          schedule: Schedule.spaced("25 millis").pipe(Schedule.upTo(lockTimeout))
        })),
      pg: () => effect,
      orElse: unsupported(sql)
    }))

/**
 * Applies pending migrations in version order (up to `to`), each in its own
 * transaction with its tracking row. With `dryRun` it returns the plan and its
 * SQL and writes nothing.
 */
export const migrate = (
  options: MigrateOptions
): Effect.Effect<MigrationPlan, MigrationError | DatabaseError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const files = yield* readMigrations(options.directories)
    const applied = yield* appliedOrNone
    const statuses = compare(files, applied)
    yield* checkConsistency(statuses)
    const pendingVersions = new Set(statuses.filter((s) => s.state === "pending").map((s) => s.version))
    const pending = files.filter((file) =>
      pendingVersions.has(file.version) && (options.to === undefined || file.version <= options.to)
    )
    if (options.dryRun === true) {
      return {
        applied: [],
        pending: pending.map((file) => ({ version: file.version, name: file.name, statements: file.up })),
        dryRun: true
      }
    }
    if (pending.length === 0) return { applied: [], pending: [], dryRun: false }
    const lockTimeout = lockTimeoutOf(options.lockTimeout)
    const done = yield* Effect.zipRight(
      ensureTracking.pipe(
        Effect.catchTag("SqlError", (error) => Effect.fail(fromSql("Migrator.migrate")(error))),
        waitingForOtherMigrators(lockTimeout)
      ),
      Effect.forEach(pending, (migration) => applyOne(migration).pipe(waitingForOtherMigrators(lockTimeout)))
    ).pipe(withMigrationLock(lockTimeout))
    return { applied: done.filter((step) => step !== null), pending: [], dryRun: false }
  }).pipe(withDatabaseErrors("Migrator.migrate"))

/**
 * Rolls back the last `steps` applied migrations, newest first, each in its
 * own transaction. Refuses a migration whose down section is empty. Fails
 * with `MigrationError` (reason `Failed`, version null), rolling back
 * nothing, when `steps` is not a whole number of at least 1.
 */
export const rollback = (
  options: {
    readonly directories: ReadonlyArray<string>
    readonly steps: number
    /** PostgreSQL: how long to wait for another migrator's lock (default 60 seconds). */
    readonly lockTimeout?: Duration.DurationInput | undefined
  }
): Effect.Effect<ReadonlyArray<{ readonly version: number; readonly name: string }>, MigrationError | DatabaseError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    if (!Number.isSafeInteger(options.steps) || options.steps < 1) {
      return yield* new MigrationError({
        reason: "Failed",
        version: null,
        message: `cannot roll back ${options.steps} migration(s): steps must be a whole number of at least 1`
      })
    }
    const files = yield* readMigrations(options.directories)
    const byVersion = new Map(files.map((file) => [file.version, file]))
    const applied = yield* appliedOrNone
    const targets = [...applied].sort((a, b) => b.version - a.version).slice(0, options.steps)
    const plan = yield* Effect.forEach(targets, (row) => {
      const file = byVersion.get(row.version)
      if (file === undefined) {
        return Effect.fail(new MigrationError({ reason: "Missing", version: row.version, message: `migration ${row.version} (${row.name}) has no file to roll back from` }))
      }
      if (file.checksum !== row.checksum) {
        return Effect.fail(new MigrationError({ reason: "ChecksumMismatch", version: row.version, message: `migration ${row.version} (${file.file}) was changed after it was applied` }))
      }
      if (file.down.length === 0) {
        return Effect.fail(new MigrationError({ reason: "BadFile", version: row.version, message: `migration ${row.version} (${file.file}) has no down section: it cannot be rolled back` }))
      }
      return Effect.succeed(file)
    })
    const rollBackOne = (file: MigrationFile) =>
      Effect.flatMap(SqlClient.SqlClient, (sql) =>
        sql.withTransaction(Effect.gen(function*() {
        yield* takeLock
        for (const [index, statement] of file.down.entries()) {
          yield* sql.unsafe(statement).pipe(
            Effect.mapError((error) =>
              new MigrationError({
                reason: "Failed",
                version: file.version,
                message: `${file.file}, down statement ${index + 1}: ${toDatabaseError("Migrator.rollback")(error).message}`
              })
            )
          )
        }
        yield* sql`DELETE FROM logbook_migrations WHERE version = ${file.version}`
        return { version: file.version, name: file.name }
      }))).pipe(Effect.catchTag("SqlError", (error) => Effect.fail(fromSql("Migrator.rollback")(error))))
    return yield* Effect.forEach(plan, rollBackOne).pipe(withMigrationLock(lockTimeoutOf(options.lockTimeout)))
  }).pipe(withDatabaseErrors("Migrator.rollback"))

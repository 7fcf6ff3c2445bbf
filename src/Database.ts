/**
 * The `Database` service: one connected, migrated database that every store
 * stands on, with its `SqlClient`. Embedded SQLite is the default.
 */
import * as Reactivity from "@effect/experimental/Reactivity"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import type * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { type DatabaseOptions, optionsFromEnvironment, type ResolvedOptions, resolveOptions } from "./database/DatabaseOptions.js"
import { type Health, readHealth } from "./database/Health.js"
import { openSqlite } from "./database/Sqlite.js"
import { type Handled, withDatabaseErrors } from "./database/SqlFailure.js"
import { DatabaseError, type MigrationError } from "./Errors.js"
import { isEmpty } from "./maintenance/RetentionPolicy.js"
import { retentionLoop } from "./maintenance/RetentionSchedule.js"
import { migrate, migrationDirectories, verify } from "./migrations/Migrator.js"

export type { DatabaseOptions, MigrateMode } from "./database/DatabaseOptions.js"
export type { Health } from "./database/Health.js"

/** A connected, migrated database. */
export interface DatabaseService {
  readonly dialect: "sqlite"
  /** The options it was opened with, defaults filled in. */
  readonly options: ResolvedOptions
  /** The database file, or none for an in-memory database. */
  readonly filename: Option.Option<string>
  /** The folders migrations are read from: logbook's own, then the user's. */
  readonly migrationDirectories: ReadonlyArray<string>
  readonly sql: SqlClient.SqlClient
  /** The SQLite driver's client, for online backups. */
  readonly sqlite: SqliteClient.SqliteClient
  /**
   * Fails with `DatabaseError` (reason `Connection`) when the database file
   * was deleted or replaced under the open connection, and reopens the
   * connection on the file now at that path (migrating it as at opening).
   */
  readonly checkFile: Effect.Effect<void, DatabaseError>
  /** Dialect, versions, journal mode and applied migration. */
  readonly health: Effect.Effect<Health, DatabaseError>
  /**
   * Runs `effect` as one transaction named `operation`: driver failures become
   * {@link DatabaseError}, and the whole transaction is retried while another
   * connection holds the lock, so read-then-write transactions are safe
   * across processes.
   */
  readonly transaction: <A, E, R>(
    operation: string,
    effect: Effect.Effect<A, E, R>
  ) => Effect.Effect<A, Handled<E | SqlError>, R>
}

const make = (options: DatabaseOptions | undefined) =>
  Effect.gen(function*() {
    // A malformed option (e.g. busyTimeout) is a DatabaseError, never a defect.
    const resolved = yield* resolveOptions(options)
    const location = resolved.location
    if (location._tag === "Postgres") {
      return yield* new DatabaseError({
        reason: "Connection",
        operation: "Database.open",
        message: "this build of logbook stores on SQLite; use a file path or :memory: as the database URL"
      })
    }
    const filename = location._tag === "Memory" ? ":memory:" : location.filename
    const directories = migrationDirectories(resolved.migrationsDirectories)
    const prepare = (client: SqlClient.SqlClient) =>
      resolved.migrate === "apply"
        ? Effect.provideService(migrate({ directories }), SqlClient.SqlClient, client)
        : resolved.migrate === "verify"
        ? Effect.provideService(verify(directories), SqlClient.SqlClient, client)
        : Effect.void
    const opened = yield* openSqlite(resolved, filename, prepare)
    const sqlite = opened.sql
    const migrations = Effect.provideService(SqlClient.SqlClient, sqlite)
    const service: DatabaseService = {
      dialect: "sqlite",
      options: resolved,
      filename: location._tag === "File" ? Option.some(location.filename) : Option.none(),
      migrationDirectories: directories,
      sql: sqlite,
      get sqlite() {
        return opened.driver()
      },
      checkFile: opened.checkFile,
      health: readHealth(resolved.url).pipe(withDatabaseErrors("Database.health"), migrations),
      transaction: (operation, effect) => sqlite.withTransaction(effect).pipe(withDatabaseErrors(operation))
    }
    if (resolved.retention !== undefined && !isEmpty(resolved.retention)) {
      yield* Effect.forkScoped(retentionLoop(sqlite, resolved.retention))
    }
    return Context.make(Database, service).pipe(Context.add(SqlClient.SqlClient, sqlite))
  })

/** A fresh folder for the spool of a spec's in-memory database, removed with the database. */
const temporarySpoolDirectory = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(path.join(tmpdir(), "logbook-memory-spool-"))),
  (folder) => Effect.sync(() => rmSync(folder, { recursive: true, force: true }))
)

/**
 * The database that logbook's stores stand on. Acquiring a layer opens the
 * database, checks it, and applies (or verifies) migrations; releasing it
 * closes the connection.
 */
export class Database extends Context.Tag("logbook/Database")<Database, DatabaseService>() {
  /**
   * Opens the database at `options.url` (default `./.logbook/logbook.db`).
   * Fails with `DatabaseError` (reason `Connection`, operation
   * `Database.open`) when it cannot be opened or an option such as
   * `busyTimeout` is malformed; with `MigrationError` when migrating fails.
   */
  static layer(options?: DatabaseOptions): Layer.Layer<Database | SqlClient.SqlClient, DatabaseError | MigrationError> {
    return Layer.scopedContext(make(options)).pipe(Layer.provide(Reactivity.layer))
  }

  /** {@link Database.layer} with options read from `LOGBOOK_*` environment variables. */
  static layerConfig: Layer.Layer<Database | SqlClient.SqlClient, DatabaseError | MigrationError> = Layer.unwrapEffect(
    optionsFromEnvironment.pipe(
      Effect.mapError((error) =>
        new DatabaseError({ reason: "Connection", operation: "Database.layerConfig", message: `invalid LOGBOOK_* setting: ${error}`, cause: error })
      ),
      Effect.map((options) => Database.layer(options))
    )
  )

  /**
   * A fresh, migrated in-memory database for each acquisition: for specs.
   * Its spool folder is a fresh temporary one too, removed with it, so that
   * no spec replays another's records.
   */
  static layerMemory: Layer.Layer<Database | SqlClient.SqlClient, DatabaseError | MigrationError> = Layer.unwrapScoped(
    Effect.map(temporarySpoolDirectory, (spoolDirectory) => Database.layer({ url: ":memory:", spoolDirectory }))
  )
}

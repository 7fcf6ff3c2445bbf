/**
 * The `Database` service: one connected, migrated database that every store
 * stands on, with its `SqlClient`. Embedded SQLite is the default; a
 * `postgres://` URL opens a PostgreSQL database (with the optional
 * `@effect/sql-pg` installed).
 */
import * as Reactivity from "@effect/experimental/Reactivity"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import type * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { type DatabaseOptions, displayUrl, type Location, optionsFromEnvironment, type ResolvedOptions, resolveOptions } from "./database/DatabaseOptions.js"
import { type Health, readHealth, readPostgresHealth } from "./database/Health.js"
import { openPostgres } from "./database/Postgres.js"
import { openSqlite } from "./database/Sqlite.js"
import { type Handled, withDatabaseErrors } from "./database/SqlFailure.js"
import { DatabaseError, type MigrationError } from "./Errors.js"
import { isEmpty } from "./maintenance/RetentionPolicy.js"
import { retentionLoop } from "./maintenance/RetentionSchedule.js"
import { migrate, migrationDirectories, verify } from "./migrations/Migrator.js"
import { sqliteUpToDate } from "./migrations/UpToDate.js"

export type { DatabaseOptions, MigrateMode } from "./database/DatabaseOptions.js"
export type { Health, PostgresHealth, SqliteHealth } from "./database/Health.js"

/** What every connected, migrated database offers, whatever its dialect. */
export interface DatabaseCommon {
  /** The options it was opened with, defaults filled in. */
  readonly options: ResolvedOptions
  /** The database file, or none for an in-memory or server database. */
  readonly filename: Option.Option<string>
  /** The folders migrations are read from: logbook's own (for the dialect), then the user's. */
  readonly migrationDirectories: ReadonlyArray<string>
  readonly sql: SqlClient.SqlClient
  /**
   * Fails with `DatabaseError` (reason `Connection`) when the database file
   * was deleted or replaced under the open connection, and reopens the
   * connection on the file now at that path (migrating it as at opening).
   * Always succeeds for a database that is not a file.
   */
  readonly checkFile: Effect.Effect<void, DatabaseError>
  /** Dialect, versions, the applied migration and the dialect's own settings. */
  readonly health: Effect.Effect<Health, DatabaseError>
  /**
   * Runs `effect` as one transaction named `operation`: driver failures become
   * {@link DatabaseError}, and the whole transaction is retried while another
   * connection holds the lock (SQLite) or the transaction lost a race with
   * another one (PostgreSQL: serialization failure or deadlock), so
   * read-then-write transactions are safe across processes.
   */
  readonly transaction: <A, E, R>(
    operation: string,
    effect: Effect.Effect<A, E, R>
  ) => Effect.Effect<A, Handled<E | SqlError>, R>
}

/** An embedded SQLite database. */
export interface SqliteDatabase extends DatabaseCommon {
  readonly dialect: "sqlite"
  /** The SQLite driver's client, for online backups. */
  readonly sqlite: SqliteClient.SqliteClient
}

/** A PostgreSQL database, reached through a connection pool. */
export interface PostgresDatabase extends DatabaseCommon {
  readonly dialect: "pg"
}

/** A connected, migrated database; `dialect` tells which kind. */
export type DatabaseService = SqliteDatabase | PostgresDatabase

const transaction = (sql: SqlClient.SqlClient): DatabaseCommon["transaction"] => (operation, effect) =>
  sql.withTransaction(effect).pipe(withDatabaseErrors(operation))

type Prepare = (client: SqlClient.SqlClient) => Effect.Effect<void, DatabaseError | MigrationError>

const postgresService = (resolved: ResolvedOptions, url: string, directories: ReadonlyArray<string>, prepare: Prepare) =>
  Effect.map(openPostgres(resolved, url, prepare), (sql): PostgresDatabase => ({
    dialect: "pg",
    options: resolved,
    filename: Option.none(),
    migrationDirectories: directories,
    sql,
    checkFile: Effect.void,
    health: readPostgresHealth(displayUrl(url), resolved.poolSize).pipe(
      withDatabaseErrors("Database.health"),
      Effect.provideService(SqlClient.SqlClient, sql)
    ),
    transaction: transaction(sql)
  }))

const sqliteService = (
  resolved: ResolvedOptions,
  location: Exclude<Location, { readonly _tag: "Postgres" }>,
  directories: ReadonlyArray<string>,
  prepare: Prepare
) =>
  Effect.map(openSqlite(resolved, location._tag === "Memory" ? ":memory:" : location.filename, prepare), (opened): SqliteDatabase => ({
    dialect: "sqlite",
    options: resolved,
    filename: location._tag === "File" ? Option.some(location.filename) : Option.none(),
    migrationDirectories: directories,
    sql: opened.sql,
    get sqlite() {
      return opened.driver()
    },
    checkFile: opened.checkFile,
    health: readHealth(resolved.url).pipe(withDatabaseErrors("Database.health"), Effect.provideService(SqlClient.SqlClient, opened.sql)),
    transaction: transaction(opened.sql)
  }))

const make = (options: DatabaseOptions | undefined) =>
  Effect.gen(function*() {
    // A malformed option (e.g. busyTimeout) is a DatabaseError, never a defect.
    const resolved = yield* resolveOptions(options)
    const location = resolved.location
    const dialect = location._tag === "Postgres" ? "pg" : "sqlite"
    const directories = migrationDirectories(resolved.migrationsDirectories, dialect)
    const migrating = resolved.migrate === "apply"
      ? migrate({ directories })
      : resolved.migrate === "verify"
      ? verify(directories)
      : undefined
    // On SQLite an up-to-date database is recognised first, without running the migrator.
    const prepare = (client: SqlClient.SqlClient) =>
      migrating === undefined
        ? Effect.void
        : Effect.provideService(
          dialect === "sqlite"
            ? Effect.flatMap(sqliteUpToDate(directories), (upToDate) => (upToDate ? Effect.void : migrating))
            : migrating,
          SqlClient.SqlClient,
          client
        )
    const service: DatabaseService = location._tag === "Postgres"
      ? yield* postgresService(resolved, location.url, directories, prepare)
      : yield* sqliteService(resolved, location, directories, prepare)
    const sql = service.sql
    if (resolved.retention !== undefined && !isEmpty(resolved.retention)) {
      yield* Effect.forkScoped(retentionLoop(sql, resolved.retention))
    }
    return Context.make(Database, service).pipe(Context.add(SqlClient.SqlClient, sql))
  })

/**
 * Opens, checks and migrates the database at `options.url` in the current
 * scope (which closes it): what {@link Database.layer} provides, as one
 * effect, for layers that acquire several services together.
 */
export const acquireDatabase = (
  options?: DatabaseOptions
): Effect.Effect<Context.Context<Database | SqlClient.SqlClient>, DatabaseError | MigrationError, Scope.Scope> =>
  Effect.flatMap(Reactivity.make, (reactivity) => Effect.provideService(make(options), Reactivity.Reactivity, reactivity))

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
   * Opens the database at `options.url` (default `./.logbook/logbook.db`;
   * `postgres://...` for PostgreSQL). Fails with `DatabaseError` (reason
   * `Connection`, operation `Database.open`) when it cannot be opened or an
   * option such as `busyTimeout` or `poolSize` is malformed; with
   * `MigrationError` when migrating fails.
   */
  static layer(options?: DatabaseOptions): Layer.Layer<Database | SqlClient.SqlClient, DatabaseError | MigrationError> {
    return Layer.scopedContext(acquireDatabase(options))
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

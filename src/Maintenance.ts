/**
 * Operations on a logbook database: retention with archive (`prune`), a
 * health check (`doctor`), online backup and search-index rebuild.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { existsSync, statSync } from "node:fs"
import { Database } from "./Database.js"
import { withDatabaseErrors } from "./database/SqlFailure.js"
import { DatabaseError } from "./Errors.js"
import { backupDatabase } from "./maintenance/Backup.js"
import { openArchive, pruneTarget, pruneTargets } from "./maintenance/Prune.js"
import { checkSearchIndexes, rebuildSearchIndexes, type SearchIndexCheck } from "./maintenance/SearchIndex.js"
import { type MigrationStatus, status } from "./migrations/Migrator.js"
import { spoolFiles } from "./writeBehind/Spool.js"

/** What `prune` deleted (and archived), per table. */
export interface PruneReport {
  readonly cutoff: string
  readonly archive: string | null
  readonly deleted: Readonly<Record<string, number>>
  readonly total: number
}

/** What `doctor` found. `ok` is false when any check failed. */
export interface DoctorReport {
  readonly ok: boolean
  readonly integrity: ReadonlyArray<string>
  readonly foreignKeyViolations: number
  readonly searchIndexes: ReadonlyArray<SearchIndexCheck>
  readonly migrations: {
    readonly applied: number
    readonly pending: ReadonlyArray<number>
    readonly drifted: ReadonlyArray<number>
    readonly missing: ReadonlyArray<number>
  }
  readonly journalMode: string
  readonly walBytes: number
  readonly databaseBytes: number
  readonly sqliteVersion: string
  readonly logbookVersion: string
  /** Spool files of write-behind records waiting for the database, with their sizes. */
  readonly spool: ReadonlyArray<{ readonly path: string; readonly bytes: number }>
}

const fileSize = (path: string) => (existsSync(path) ? statSync(path).size : 0)

const Strings = Schema.Array(Schema.Struct({ integrity_check: Schema.String }))

const summarize = (statuses: ReadonlyArray<MigrationStatus>) => ({
  applied: statuses.filter((s) => s.state === "applied").length,
  pending: statuses.filter((s) => s.state === "pending").map((s) => s.version),
  drifted: statuses.filter((s) => s.state === "drifted").map((s) => s.version),
  missing: statuses.filter((s) => s.state === "missing").map((s) => s.version)
})

/**
 * Deletes what is older than `olderThan`: audit entries, traces with their
 * invocations and events, events, LLM usage, trajectories with their
 * test-generation rows. With `archive`, the rows are first appended to that
 * gzip JSON Lines file (`{ "table", "row" }` per line), fsynced before the
 * delete commits. Workflow state, lessons, records and configuration are kept.
 */
export const prune = (options: { readonly olderThan: Duration.DurationInput; readonly archive?: string | undefined }) =>
  Effect.gen(function*() {
    const { sql } = yield* Database
    const cutoff = new Date(Date.now() - Duration.toMillis(Duration.decode(options.olderThan))).toISOString()
    const archivePath = options.archive
    const archive = archivePath === undefined
      ? undefined
      : yield* Effect.acquireRelease(
        Effect.try({
          try: () => openArchive(archivePath),
          catch: (cause) =>
            new DatabaseError({ reason: "Connection", operation: "Maintenance.prune", message: `cannot open the archive ${archivePath}: ${String(cause)}`, cause })
        }),
        (archive) => Effect.sync(() => archive.close())
      )
    const deleted: Record<string, number> = {}
    for (const target of pruneTargets) {
      const counts = yield* pruneTarget(target, cutoff, archive).pipe(
        Effect.provideService(SqlClient.SqlClient, sql),
        Effect.catchAllDefect((cause) =>
          Effect.fail(new DatabaseError({ reason: "Connection", operation: "Maintenance.prune", message: `cannot write the archive: ${String(cause)}`, cause }))
        )
      )
      for (const [table, n] of counts) deleted[table] = (deleted[table] ?? 0) + n
    }
    const report: PruneReport = {
      cutoff,
      archive: options.archive ?? null,
      deleted,
      total: Object.values(deleted).reduce((a, b) => a + b, 0)
    }
    return report
  }).pipe(Effect.scoped, Effect.withSpan("Maintenance.prune"))

/** Runs every health check: integrity, foreign keys, search indexes, migrations, journal, sizes, spool. */
export const doctor = Effect.gen(function*() {
  const db = yield* Database
  const sql = db.sql
  const health = yield* db.health
  const provide = Effect.provideService(SqlClient.SqlClient, sql)
  const integrity = yield* sql`SELECT integrity_check FROM pragma_integrity_check`.pipe(
    Effect.flatMap(Schema.decodeUnknown(Strings)),
    Effect.map((rows) => rows.map((row) => row.integrity_check)),
    withDatabaseErrors("Maintenance.doctor")
  )
  const violations = yield* sql`SELECT count(*) AS n FROM pragma_foreign_key_check`.pipe(
    Effect.flatMap(Schema.decodeUnknown(Schema.Tuple(Schema.Struct({ n: Schema.Number })))),
    Effect.map(([row]) => row.n),
    withDatabaseErrors("Maintenance.doctor")
  )
  const searchIndexes = yield* provide(checkSearchIndexes)
  const migrations = yield* provide(status(db.migrationDirectories)).pipe(
    Effect.map(summarize),
    Effect.catchTag("MigrationError", (error) =>
      Effect.fail(new DatabaseError({ reason: "Query", operation: "Maintenance.doctor", message: error.message, cause: error })))
  )
  const file = Option.getOrUndefined(db.filename)
  const report: DoctorReport = {
    ok: integrity.length === 1 && integrity[0] === "ok" && violations === 0 && searchIndexes.every((check) => check.ok) &&
      migrations.pending.length === 0 && migrations.drifted.length === 0 && migrations.missing.length === 0 &&
      (file === undefined || health.journalMode === "wal"),
    integrity,
    foreignKeyViolations: violations,
    searchIndexes,
    migrations,
    journalMode: health.journalMode,
    walBytes: file === undefined ? 0 : fileSize(`${file}-wal`),
    databaseBytes: file === undefined ? 0 : fileSize(file),
    sqliteVersion: health.sqliteVersion,
    logbookVersion: health.logbookVersion,
    spool: file === undefined ? [] : spoolFiles(file).map((path) => ({ path, bytes: fileSize(path) }))
  }
  return report
}).pipe(Effect.withSpan("Maintenance.doctor"))

/**
 * Writes a consistent copy of the database to `path` while it stays in use
 * (SQLite's online backup), complete and fsynced before it replaces anything
 * at `path`. Fails with `ValidationError` when `path` is the database or one
 * of its files (symlinks resolved), `DatabaseError` when the copy fails (a
 * full disk is `Full`).
 */
export const backup = (path: string) =>
  Effect.flatMap(Database, (db) => backupDatabase(db, path)).pipe(Effect.withSpan("Maintenance.backup"))

/** Rebuilds every full-text index from its content; returns the tables rebuilt. */
export const rebuildSearch = Effect.flatMap(Database, (db) =>
  Effect.provideService(rebuildSearchIndexes, SqlClient.SqlClient, db.sql))

/** Checks every full-text index against its content. */
export const checkSearch = Effect.flatMap(Database, (db) =>
  Effect.provideService(checkSearchIndexes, SqlClient.SqlClient, db.sql))

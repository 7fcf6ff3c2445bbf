/**
 * The operations of `Maintenance` (prune, storage, vacuum, doctor, row
 * counts, backup, search indexes). `Maintenance` loads this module at the
 * first operation run, so that importing logbook does not load it.
 *
 * @module
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { existsSync, statSync } from "node:fs"
import { Database, type DatabaseService, type PostgresHealth } from "../Database.js"
import { Num } from "../database/Columns.js"
import { withDatabaseErrors } from "../database/SqlFailure.js"
import { DatabaseError, ValidationError } from "../Errors.js"
import type { DoctorReport, PruneOptions, PruneReport, RowCount, VacuumReport } from "../Maintenance.js"
import { type MigrationStatus, status } from "../migrations/Migrator.js"
import { validate } from "../Validation.js"
import { spoolFiles } from "../writeBehind/Spool.js"
import { type Archive, openArchive } from "./Archive.js"
import { backupDatabase } from "./Backup.js"
import { DATA_TABLES, DataTable } from "./DataTables.js"
import { freeSpace, returnFreePages, vacuumAll } from "./FreePages.js"
import { checkOutputPath } from "./OutputPath.js"
import { databaseBytes, indexValidity, tableSizes } from "./PostgresChecks.js"
import { countSelected, pruneTables } from "./Prune.js"
import * as Queries from "./Queries.js"
import { countRows } from "./Queries.js"
import { describeIssues, isEmpty, type RetentionPolicy, spanEntries, spanOf, validatePolicy } from "./RetentionPolicy.js"
import { checkSearchIndexes, rebuildSearchIndexes } from "./SearchIndex.js"
import { type StorageReport, storageReport } from "./Storage.js"

const fileSize = (path: string) => (existsSync(path) ? statSync(path).size : 0)

const Strings = Schema.Array(Schema.Struct({ integrity_check: Schema.String }))

const summarize = (statuses: ReadonlyArray<MigrationStatus>) => ({
  applied: statuses.filter((s) => s.state === "applied").length,
  pending: statuses.filter((s) => s.state === "pending").map((s) => s.version),
  drifted: statuses.filter((s) => s.state === "drifted").map((s) => s.version),
  missing: statuses.filter((s) => s.state === "missing").map((s) => s.version)
})

const PRUNE = "Maintenance.prune"

const invalid = (path: string, message: string) => new ValidationError({ message: `invalid prune options: ${path === "" ? message : `${path}: ${message}`}`, issues: [{ path, message }] })

/** The policy a prune applies: `olderThan` spread over the time-ordered logs, the policy's entries over it, else the configured one. */
const policyOf = (options: PruneOptions, configured: RetentionPolicy | undefined) =>
  Effect.gen(function*() {
    const span = options.olderThan === undefined ? undefined : Either.getOrUndefined(spanOf(options.olderThan))
    if (options.olderThan !== undefined && span === undefined) {
      return yield* invalid("olderThan", Either.match(spanOf(options.olderThan), { onLeft: (m) => m, onRight: () => "" }))
    }
    if (span === undefined && options.policy === undefined) {
      if (configured === undefined) {
        return yield* invalid("", "nothing to prune: give olderThan or a policy, or configure a retention policy (retention option, LOGBOOK_RETENTION)")
      }
      return configured
    }
    const spread = span === undefined ? {} : { audit: span, traces: span, events: span, llmUsage: span, trajectories: span }
    const validated = validatePolicy(options.policy ?? {})
    if (Either.isLeft(validated)) {
      return yield* new ValidationError({ message: `invalid retention policy: ${describeIssues(validated.left)}`, issues: validated.left })
    }
    const given = validated.right
    const merged: RetentionPolicy = { ...spread, ...Object.fromEntries(spanEntries.flatMap((key) => given[key] === undefined ? [] : [[key, given[key]]])), checkpoints: given.checkpoints, records: given.records, every: given.every, startAfter: given.startAfter }
    return merged
  })

/** `Maintenance.prune`. */
export const prune = (options: PruneOptions) =>
  Effect.gen(function*() {
    const db = yield* Database
    const sql = db.sql
    const policy = yield* policyOf(options, db.options.retention)
    const now = yield* Clock.currentTimeMillis
    const cutoff = options.olderThan === undefined
      ? null
      : new Date(now - Duration.toMillis(Either.getOrThrow(spanOf(options.olderThan)))).toISOString()
    const dryRun = options.dryRun === true
    const archivePath = dryRun ? undefined : options.archive
    const file = Option.getOrUndefined(db.filename)
    if (archivePath !== undefined) yield* checkOutputPath(archivePath, file, "archive")
    if (dryRun) {
      const deleted = yield* countSelected(sql, policy, now, PRUNE)
      const report: PruneReport = { cutoff, archive: null, dryRun, deleted, total: sumOf(deleted), pagesReturned: 0 }
      return report
    }
    const archive: Archive | undefined = archivePath === undefined ? undefined : yield* Effect.acquireRelease(
      Effect.try({
        try: () => openArchive(archivePath),
        catch: (cause) =>
          new DatabaseError({
            reason: archiveOpenReason(cause),
            operation: PRUNE,
            message: `cannot open the archive ${archivePath}: ${cause instanceof Error ? cause.message : String(cause)}`,
            cause
          })
      }),
      (opened) => Effect.sync(() => opened.close())
    )
    const deleted = isEmpty(policy) ? {} : yield* pruneTables(sql, { policy, now, archive, operation: PRUNE })
    const total = sumOf(deleted)
    const pagesReturned = total === 0 ? 0 : yield* returnFreePages(sql, PRUNE)
    const report: PruneReport = { cutoff, archive: archivePath ?? null, dryRun, deleted, total, pagesReturned }
    return report
  }).pipe(Effect.scoped, Effect.withSpan(PRUNE))

const sumOf = (counts: Readonly<Record<string, number>>) => Object.values(counts).reduce((a, b) => a + b, 0)

const archiveOpenReason = (cause: unknown) => {
  const code = cause instanceof Error && "code" in cause ? cause.code : undefined
  return code === "ENOSPC" || code === "EDQUOT" ? "Full" : code === "EROFS" || code === "EACCES" ? "ReadOnly" : "Connection"
}

/** `Maintenance.storage`. */
export const storage: Effect.Effect<StorageReport, DatabaseError, Database> = Effect.gen(function*() {
  const db = yield* Database
  const now = yield* Clock.currentTimeMillis
  return yield* storageReport(db.sql, Option.getOrUndefined(db.filename), now)
}).pipe(Effect.withSpan("Maintenance.storage"))

/** `Maintenance.vacuum`. */
export const vacuum: Effect.Effect<VacuumReport, DatabaseError, Database> = Effect.gen(function*() {
  const db = yield* Database
  const file = Option.getOrUndefined(db.filename)
  const initial = yield* freeSpace(db.sql, "Maintenance.vacuum")
  const before = file === undefined ? initial.pages * initial.pageSize : fileSize(file)
  yield* vacuumAll(db.sql, "Maintenance.vacuum")
  const space = yield* freeSpace(db.sql, "Maintenance.vacuum")
  const report: VacuumReport = {
    beforeBytes: before,
    afterBytes: file === undefined ? space.pages * space.pageSize : fileSize(file),
    autoVacuum: space.autoVacuum
  }
  return report
}).pipe(Effect.withSpan("Maintenance.vacuum"))

const migrationSummary = (db: DatabaseService, operation: string) =>
  Effect.provideService(status(db.migrationDirectories), SqlClient.SqlClient, db.sql).pipe(
    Effect.map(summarize),
    Effect.catchTag("MigrationError", (error) =>
      Effect.fail(new DatabaseError({ reason: "Query", operation, message: error.message, cause: error })))
  )

/**
 * The doctor of a PostgreSQL database: the connection and server version,
 * migrations, the validity of every index (`pg_index.indisvalid`), the
 * search indexes, table sizes (`pg_total_relation_size`) and the spool.
 */
const postgresDoctor = (db: DatabaseService, health: PostgresHealth) =>
  Effect.gen(function*() {
    const sql = db.sql
    const indexes = yield* indexValidity(sql).pipe(withDatabaseErrors("Maintenance.doctor"))
    const invalid = indexes.filter((index) => !index.valid)
    const searchIndexes = yield* Effect.provideService(checkSearchIndexes, SqlClient.SqlClient, sql)
    const migrations = yield* migrationSummary(db, "Maintenance.doctor")
    const tables = yield* tableSizes(sql).pipe(withDatabaseErrors("Maintenance.doctor"))
    const bytes = yield* databaseBytes(sql).pipe(withDatabaseErrors("Maintenance.doctor"))
    const space = yield* freeSpace(sql, "Maintenance.doctor")
    const report: DoctorReport = {
      ok: invalid.length === 0 && searchIndexes.every((check) => check.ok) && migrations.pending.length === 0 &&
        migrations.drifted.length === 0 && migrations.missing.length === 0,
      integrity: invalid.length === 0
        ? ["ok"]
        : invalid.map((index) => `index ${index.index} on ${index.table} is not valid (REINDEX INDEX CONCURRENTLY ${index.index})`),
      foreignKeyViolations: 0,
      searchIndexes,
      migrations,
      journalMode: "wal",
      walBytes: 0,
      databaseBytes: bytes,
      freeSpace: space,
      sqliteVersion: "",
      logbookVersion: health.logbookVersion,
      spool: spoolFiles(db.options.spool).map((path) => ({ path, bytes: fileSize(path) })),
      postgres: {
        serverVersion: health.serverVersion,
        database: health.database,
        poolSize: health.poolSize,
        invalidIndexes: invalid,
        tables
      }
    }
    return report
  })

/** `Maintenance.doctor`. */
export const doctor = Effect.gen(function*() {
  const db = yield* Database
  const sql = db.sql
  const health = yield* db.health
  if (health.dialect !== "sqlite") return yield* postgresDoctor(db, health)
  const provide = Effect.provideService(SqlClient.SqlClient, sql)
  const integrity = yield* Queries.integrityCheck(sql, "Maintenance.doctor").pipe(
    Effect.flatMap(Schema.decodeUnknown(Strings)),
    Effect.map((rows) => rows.map((row) => row.integrity_check)),
    withDatabaseErrors("Maintenance.doctor")
  )
  const violations = yield* Queries.foreignKeyViolations(sql).pipe(
    Effect.flatMap(Schema.decodeUnknown(Schema.Tuple(Schema.Struct({ n: Num })))),
    Effect.map(([row]) => row.n),
    withDatabaseErrors("Maintenance.doctor")
  )
  const searchIndexes = yield* provide(checkSearchIndexes)
  const migrations = yield* migrationSummary(db, "Maintenance.doctor")
  const file = Option.getOrUndefined(db.filename)
  const space = yield* freeSpace(sql, "Maintenance.doctor")
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
    freeSpace: space,
    sqliteVersion: health.sqliteVersion,
    logbookVersion: health.logbookVersion,
    spool: spoolFiles(db.options.spool).map((path) => ({ path, bytes: fileSize(path) })),
    postgres: null
  }
  return report
}).pipe(Effect.withSpan("Maintenance.doctor"))

const RowCountTables = Schema.Array(DataTable)
const RowCountRow = Schema.Tuple(Schema.Record({ key: Schema.String, value: Num }))

/** `Maintenance.rowCounts`. */
export const rowCounts = (
  tables: ReadonlyArray<DataTable> = DATA_TABLES
): Effect.Effect<ReadonlyArray<RowCount>, ValidationError | DatabaseError, Database> =>
  Effect.gen(function*() {
    const names = yield* validate(RowCountTables, "row count tables")(tables)
    if (names.length === 0) return []
    const { sql } = yield* Database
    const [row] = yield* countRows(sql, names).pipe(
      Effect.flatMap(Schema.decodeUnknown(RowCountRow)),
      withDatabaseErrors("Maintenance.rowCounts")
    )
    return names.map((table): RowCount => ({ table, rows: row[table] ?? 0 }))
  }).pipe(Effect.withSpan("Maintenance.rowCounts"))

/** `Maintenance.backup`. */
export const backup = (path: string) =>
  Effect.flatMap(Database, (db) => backupDatabase(db, path)).pipe(Effect.withSpan("Maintenance.backup"))

/** `Maintenance.rebuildSearch`. */
export const rebuildSearch = Effect.flatMap(Database, (db) =>
  Effect.provideService(rebuildSearchIndexes, SqlClient.SqlClient, db.sql))

/** `Maintenance.checkSearch`. */
export const checkSearch = Effect.flatMap(Database, (db) =>
  Effect.provideService(checkSearchIndexes, SqlClient.SqlClient, db.sql))

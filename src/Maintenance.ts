/**
 * Operations on a logbook database: retention with archive (`prune`), a
 * health check (`doctor`), where the space goes (`storage`), giving space
 * back (`vacuum`), online backup and search-index rebuild, on SQLite and on
 * PostgreSQL.
 */
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type { Database } from "./Database.js"
import type { DatabaseError, ValidationError } from "./Errors.js"
import type { DataTable } from "./maintenance/DataTables.js"
import type { FreeSpace } from "./maintenance/FreePages.js"
import type * as Operations from "./maintenance/Operations.js"
import type { IndexValidity, TableSize } from "./maintenance/PostgresChecks.js"
import type { RetentionPolicyInput } from "./maintenance/RetentionPolicy.js"
import type { SearchIndexCheck } from "./maintenance/SearchIndex.js"
import type { StorageReport } from "./maintenance/Storage.js"

export type { CheckpointRetention, RetentionPolicyInput, Span } from "./maintenance/RetentionPolicy.js"
export type { StorageGrowth, StorageObject, StorageReport, TaskCheckpoints } from "./maintenance/Storage.js"
export type { FreeSpace } from "./maintenance/FreePages.js"
export type { IndexValidity, TableSize } from "./maintenance/PostgresChecks.js"
export { DATA_TABLES, DataTable } from "./maintenance/DataTables.js"

/** What `prune` to do. */
export interface PruneOptions {
  /**
   * Delete audit entries, traces (with their invocations and events), events,
   * LLM usage and trajectories older than this: shorthand for a policy naming
   * each of them with this span.
   */
  readonly olderThan?: Duration.DurationInput | undefined
  /** What to delete from each table; its entries override `olderThan`'s. */
  readonly policy?: RetentionPolicyInput | undefined
  /** First append the deleted rows to this gzip JSON Lines file (`{ "table", "row" }` per line). */
  readonly archive?: string | undefined
  /** Count what would be deleted, per table, and delete nothing. */
  readonly dryRun?: boolean | undefined
}

/** What `prune` deleted (and archived), per table; with `dryRun`, what it would delete. */
export interface PruneReport {
  /** The instant `olderThan` measured back to; null when only a policy was given. */
  readonly cutoff: string | null
  readonly archive: string | null
  readonly dryRun: boolean
  readonly deleted: Readonly<Record<string, number>>
  readonly total: number
  /** Free pages given back to the file system afterwards (incremental auto-vacuum). */
  readonly pagesReturned: number
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
  /** Free pages a vacuum would give back, and the auto-vacuum mode. */
  readonly freeSpace: FreeSpace
  readonly sqliteVersion: string
  readonly logbookVersion: string
  /** Spool files of write-behind records waiting for the database, with their sizes. */
  readonly spool: ReadonlyArray<{ readonly path: string; readonly bytes: number }>
  /** PostgreSQL only (null on SQLite): the server, the indexes that are not valid, and each table's size. */
  readonly postgres: PostgresDoctor | null
}

/**
 * What `doctor` finds on a PostgreSQL database, beside the common report
 * (where `integrity` lists the invalid indexes, `journalMode` is `wal`,
 * `walBytes` 0 and `sqliteVersion` empty).
 */
export interface PostgresDoctor {
  readonly serverVersion: string
  readonly database: string
  readonly poolSize: number
  /** Indexes with `pg_index.indisvalid` (or `indisready`) false: the planner does not use them. */
  readonly invalidIndexes: ReadonlyArray<IndexValidity>
  /** Every table's `pg_total_relation_size` (TOAST and indexes included), largest first. */
  readonly tables: ReadonlyArray<TableSize>
}

/** What `vacuum` gave back. */
export interface VacuumReport {
  readonly beforeBytes: number
  readonly afterBytes: number
  readonly autoVacuum: FreeSpace["autoVacuum"]
}

/** How many rows a data table holds. */
export interface RowCount {
  readonly table: DataTable
  readonly rows: number
}

/**
 * The operations' module, loaded at the first operation run: an application
 * that never runs one does not load (nor compile) it when it imports logbook.
 */
const operations = Effect.promise(() => import("./maintenance/Operations.js"))

/**
 * Deletes what the retention policy selects, in bounded chunks (short
 * transactions, so writers are never held up for long): with `olderThan`,
 * audit entries, traces with their invocations and events, events, LLM usage
 * and trajectories older than it; with `policy`, whatever its entries name
 * (checkpoints beyond `keepLast` per task and/or older than a span, workflow
 * states idle longer than a span with their history and checkpoints, records
 * per kind, ...); with neither, the policy configured in the database options.
 * With `archive`, each chunk of rows (children before their parent) is first
 * appended to that gzip JSON Lines file, every byte checked written and
 * fsynced before the delete commits; a full disk fails the prune with
 * `DatabaseError` (reason `Full`) and deletes nothing more. An archive of
 * nothing is a valid empty gzip file. Afterwards the freed pages are given
 * back to the file system (incremental auto-vacuum). Fails with
 * `ValidationError` on malformed options or an archive path that is the
 * database's own file (main, WAL, shared memory, spool).
 */
export const prune = (options: PruneOptions): Effect.Effect<PruneReport, DatabaseError | ValidationError, Database> =>
  Effect.flatMap(operations, (loaded) => loaded.prune(options))

/** Rows and bytes per table and index, WAL size, free pages, the ten largest tasks by checkpoint bytes, and the growth since the previous report. */
export const storage: Effect.Effect<StorageReport, DatabaseError, Database> = Effect.flatMap(
  operations,
  (loaded) => loaded.storage
)

/**
 * Rewrites the whole database file (`VACUUM`): gives every free page back
 * and turns a database created before incremental auto-vacuum to it. Needs
 * free disk space about the size of the database, and holds the write lock
 * while it runs.
 */
export const vacuum: Effect.Effect<VacuumReport, DatabaseError, Database> = Effect.flatMap(
  operations,
  (loaded) => loaded.vacuum
)

/**
 * Runs every health check. SQLite: integrity, foreign keys, search indexes,
 * migrations, journal, sizes, spool. PostgreSQL: connection and server
 * version, migrations, index validity, search indexes, table sizes, spool
 * (see {@link PostgresDoctor}).
 */
export const doctor: Effect.Effect<DoctorReport, DatabaseError, Database> = Effect.flatMap(
  operations,
  (loaded) => loaded.doctor
)

/**
 * How many rows each of `tables` holds (default: every table of
 * {@link DATA_TABLES}), in the order given, counted in one statement, so
 * the counts are of one moment. Fails with `ValidationError` when a name is
 * not a data table.
 */
export const rowCounts = (
  tables?: ReadonlyArray<DataTable>
): Effect.Effect<ReadonlyArray<RowCount>, ValidationError | DatabaseError, Database> =>
  Effect.flatMap(operations, (loaded) => loaded.rowCounts(tables))

/**
 * Writes a consistent copy of the database to `path` while it stays in use
 * (SQLite's online backup; on PostgreSQL a logical archive, gzip JSON Lines
 * of every table read in one snapshot, which `Copy.copy` / `logbook copy
 * --from FILE --to URL` restores into SQLite or PostgreSQL), complete and
 * fsynced before it replaces anything at `path`. Fails with `ValidationError` when `path` is the database or one
 * of its files (symlinks resolved), `DatabaseError` when the copy fails (a
 * full disk is `Full`).
 */
export const backup: typeof Operations.backup = (path) => Effect.flatMap(operations, (loaded) => loaded.backup(path))

/** Rebuilds every full-text index from its content; returns the tables rebuilt. */
export const rebuildSearch: typeof Operations.rebuildSearch = Effect.flatMap(operations, (loaded) => loaded.rebuildSearch)

/** Checks every full-text index against its content. */
export const checkSearch: typeof Operations.checkSearch = Effect.flatMap(operations, (loaded) => loaded.checkSearch)

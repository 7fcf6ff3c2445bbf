/**
 * `copy`: moves every table of one logbook database into another, across
 * dialects (SQLite to PostgreSQL when a team outgrows one machine, and
 * back). The target is migrated first; each table is read in keyset pages
 * and written a page per transaction, skipping rows already there, so that
 * a copy run twice (or resumed after a failure) stores each row once.
 * PostgreSQL's identity sequences are then set past the copied keys, and
 * every table is verified: its row count and a content checksum
 * (`copy/Checksum.ts`) must be the same on both sides.
 *
 * Copy a database that is not being written: rows written to the source
 * during the copy may be missed, and the verification then says so.
 *
 * The source may also be a logical backup (`Maintenance.backup` of a
 * PostgreSQL database: gzip JSON Lines): its rows are restored the same way
 * and verified against the checksum of the archive's rows.
 *
 * @module
 */
import * as Effect from "effect/Effect"
import type { DatabaseOptions } from "./Database.js"
import type { CopiedTable, CopyMismatch, DatabaseError, MigrationError, ValidationError } from "./Errors.js"

export { COPY_ORDER } from "./copy/Plan.js"

/** How a copy reports its progress, in rows. */
export interface CopyProgress {
  /** Called once, before the first row: the rows of the source, every table. */
  readonly total: (rows: number) => Effect.Effect<void>
  /** Called after each page: its rows. */
  readonly advance: (rows: number) => Effect.Effect<void>
}

/** What to copy where. */
export interface CopyOptions {
  /**
   * The source database: a URL (file path, `file:...`, `postgres://...`) or
   * its options. It is verified, never migrated. A gzip file (a logical
   * backup of `Maintenance.backup` on PostgreSQL) is restored instead.
   */
  readonly from: string | DatabaseOptions
  /** The target database: a URL or its options. It is migrated first (created when it is a new file). */
  readonly to: string | DatabaseOptions
  /** Rows per page read and per transaction written (default 500). */
  readonly pageSize?: number | undefined
  readonly progress?: CopyProgress | undefined
}

/** One table copied and verified. */
export interface TableCopy extends CopiedTable {
  /** Rows written; the others were already in the target. */
  readonly inserted: number
}

/** What `copy` did. */
export interface CopyReport {
  /** The URLs, passwords shown as `***`. */
  readonly from: string
  readonly to: string
  readonly tables: ReadonlyArray<TableCopy>
  readonly rows: number
  readonly inserted: number
}

/** The copy's module, loaded at the first copy: an application that never copies does not load it when it imports logbook. */
const operation = Effect.promise(() => import("./copy/CopyOperation.js"))

/**
 * Copies every table of `options.from` into `options.to` (migrated first)
 * and verifies each: same row count, same content checksum. Rows already in
 * the target (same key or unique value) are kept and not written again, so
 * running it twice is harmless. Fails with `ValidationError` on malformed
 * options, a copy of a database onto itself, a target whose schema lacks a
 * table or column of the source, or a value PostgreSQL cannot store (the
 * NUL character); `CopyMismatch` when a table of the target differs from
 * the source afterwards; `DatabaseError` / `MigrationError` when either
 * database fails (a source with pending migrations: migrate it first).
 */
export const copy = (
  options: CopyOptions
): Effect.Effect<CopyReport, DatabaseError | MigrationError | ValidationError | CopyMismatch> =>
  Effect.flatMap(operation, (loaded) => loaded.copy(options))

/**
 * The backup of a PostgreSQL database: a logical archive, the prune
 * archive's format (gzip JSON Lines, `{ "table", "row" }` per line, rows in
 * SQLite's form: `ArchiveRows.ts`), every data table in copy order (parents
 * first), read in keyset pages inside one transaction so that the archive is
 * one consistent snapshot while writers go on. It is written beside the
 * target, fsynced, and only then renamed over it. `logbook copy --from
 * FILE --to URL` (`Copy.copy`) restores it into any database, SQLite or
 * PostgreSQL.
 *
 * @module
 */
import * as Effect from "effect/Effect"
import { randomUUID } from "node:crypto"
import { rmSync } from "node:fs"
import { renameDurably } from "../files/RenameDurably.js"
import type { DatabaseService } from "../Database.js"
import { withDatabaseErrors } from "../database/SqlFailure.js"
import { DatabaseError } from "../Errors.js"
import { forEachPage } from "../copy/Pages.js"
import { planCopy } from "../copy/Plan.js"
import { type Archive, ArchiveWriteError, openArchive } from "./Archive.js"
import { archiveForm } from "./ArchiveRows.js"

const OPERATION = "Maintenance.backup"
const PAGE = 1_000

const fileError = (file: string) => (cause: unknown) => {
  const code = cause instanceof ArchiveWriteError ? cause.code : cause instanceof Error && "code" in cause ? String(cause.code) : ""
  return new DatabaseError({
    reason: code === "ENOSPC" || code === "EDQUOT" ? "Full" : code === "EROFS" || code === "EACCES" || code === "EPERM" ? "ReadOnly" : "Connection",
    operation: OPERATION,
    message: `cannot write the backup ${file}: ${cause instanceof Error ? cause.message : String(cause)}`,
    cause
  })
}

/** Writes every data table of `db` to the logical archive `file` (already checked not to be a database file). */
export const logicalBackup = (db: DatabaseService, file: string) =>
  Effect.gen(function*() {
    const partial = `${file}.partial-${randomUUID()}`
    const archive: Archive = yield* Effect.acquireRelease(
      Effect.try({ try: () => openArchive(partial), catch: fileError(file) }),
      (opened) => Effect.sync(() => opened.close())
    )
    yield* Effect.gen(function*() {
      const sql = db.sql
      yield* sql.withTransaction(Effect.gen(function*() {
        const plans = yield* planCopy(sql, sql)
        for (const plan of plans) {
          const form = yield* archiveForm(sql, plan.table).pipe(withDatabaseErrors(OPERATION))
          yield* forEachPage(sql, plan, PAGE, OPERATION, (rows) =>
            Effect.try({
              try: () => archive.append(rows.map((row) => ({ table: plan.table, row: form(row) }))),
              catch: fileError(file)
            }))
        }
      })).pipe(withDatabaseErrors(OPERATION))
      yield* Effect.try({
        try: () => renameDurably(partial, file),
        catch: fileError(file)
      })
    }).pipe(Effect.onError(() => Effect.sync(() => rmSync(partial, { force: true }))))
  }).pipe(Effect.scoped)

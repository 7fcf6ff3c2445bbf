/**
 * An online backup that is complete or absent: SQLite's backup API copies the
 * database to a temporary file beside the target; its size is checked against
 * the page count in its header, it is fsynced, and only then renamed over the
 * target. A full disk fails the backup with `DatabaseError` (reason `Full`)
 * and leaves any earlier backup at the target as it was. The target may not be
 * the database or one of its files (see `OutputPath.ts`).
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { randomUUID } from "node:crypto"
import { closeSync, fstatSync, fsyncSync, openSync, readSync, rmSync } from "node:fs"
import { renameDurably } from "../files/RenameDurably.js"
import type { DatabaseService } from "../Database.js"
import { withDatabaseErrors } from "../database/SqlFailure.js"
import { DatabaseError, type DatabaseErrorReason } from "../Errors.js"
import { logicalBackup } from "./LogicalBackup.js"
import { checkOutputPath } from "./OutputPath.js"

const OPERATION = "Maintenance.backup"

const reasonOfFileError = (cause: unknown): DatabaseErrorReason => {
  const code = cause instanceof Error && "code" in cause ? String(cause.code) : ""
  if (code === "ENOSPC" || code === "EDQUOT") return "Full"
  if (code === "EROFS" || code === "EACCES" || code === "EPERM") return "ReadOnly"
  return "Connection"
}

const fileError = (file: string) => (cause: unknown) =>
  new DatabaseError({
    reason: reasonOfFileError(cause),
    operation: OPERATION,
    message: `cannot write the backup ${file}: ${cause instanceof Error ? cause.message : String(cause)}`,
    cause
  })

/** Checks that a copied database file holds every page its header counts, and fsyncs it. */
const verifyAndSync = (file: string) => {
  const fd = openSync(file, "r+")
  try {
    const header = Buffer.alloc(100)
    const read = readSync(fd, header, 0, 100, 0)
    const pageSize = header.readUInt16BE(16) === 1 ? 65_536 : header.readUInt16BE(16)
    const pages = header.readUInt32BE(28)
    const size = fstatSync(fd).size
    if (read < 100 || size !== pageSize * pages) {
      throw Object.assign(new Error(`the copy holds ${size} bytes, its header counts ${pages} pages of ${pageSize}`), {
        code: "ENOSPC"
      })
    }
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/**
 * Writes a consistent, verified copy of the database to `target`: the
 * SQLite file itself, or for PostgreSQL a logical archive (`LogicalBackup.ts`).
 */
export const backupDatabase = (db: DatabaseService, target: string) =>
  Effect.gen(function*() {
    const file = yield* checkOutputPath(target, Option.getOrUndefined(db.filename), "backup")
    if (db.dialect !== "sqlite") return yield* logicalBackup(db, file)
    const partial = `${file}.partial-${randomUUID()}`
    yield* Effect.gen(function*() {
      yield* db.sqlite.backup(partial).pipe(withDatabaseErrors(OPERATION))
      yield* Effect.try({ try: () => verifyAndSync(partial), catch: fileError(file) })
      yield* Effect.try({
        try: () => renameDurably(partial, file),
        catch: fileError(file)
      })
    }).pipe(Effect.onError(() => Effect.sync(() => rmSync(partial, { force: true }))))
  })

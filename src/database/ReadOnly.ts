/**
 * A SQLite database file this process may not change: a file it has no write
 * permission on, in a folder it may not create files in, or on a read-only
 * mount. Such a database is opened read-only and nothing is created beside
 * it. SQLite reads a database in WAL mode through its `-shm` index: when the
 * file is open elsewhere that index (and the `-wal`) exist and are read in place (seeing what
 * the writer commits); when it does not exist, SQLite would have to create it
 * beside the file (impossible on a read-only mount, and unwanted in another
 * user's folder), so the file and its `-wal` are read from a private snapshot
 * copied into a temporary folder, removed when the connection closes.
 */
import * as Effect from "effect/Effect"
import { accessSync, constants, copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { DatabaseError } from "../Errors.js"

/** True when `filename` exists and this process can neither write it nor create files in its folder. */
export const isReadOnlyFile = (filename: string): boolean => {
  if (!existsSync(filename)) return false
  try {
    accessSync(filename, constants.W_OK)
    accessSync(path.dirname(filename), constants.W_OK)
    return false
  } catch {
    return true
  }
}

/**
 * The file SQLite should open to read the read-only database `filename`: the
 * file itself when its `-shm` index and `-wal` exist (it is open elsewhere),
 * else a private snapshot of the file and its `-wal`, removed with the scope.
 */
export const readOnlySource = (filename: string) =>
  existsSync(`${filename}-shm`) && existsSync(`${filename}-wal`)
    ? Effect.succeed(filename)
    : Effect.acquireRelease(
      Effect.try({
        try: () => {
          const folder = mkdtempSync(path.join(tmpdir(), "logbook-read-only-"))
          const copy = path.join(folder, path.basename(filename))
          try {
            copyFileSync(filename, copy)
            if (existsSync(`${filename}-wal`)) copyFileSync(`${filename}-wal`, `${copy}-wal`)
          } catch (cause) {
            rmSync(folder, { recursive: true, force: true })
            throw cause
          }
          return copy
        },
        catch: (cause) =>
          new DatabaseError({
            reason: "Connection",
            operation: "Database.open",
            message: `cannot read the read-only database ${filename}: ${cause instanceof Error ? cause.message : String(cause)}`,
            cause
          })
      }),
      (copy) => Effect.sync(() => rmSync(path.dirname(copy), { recursive: true, force: true }))
    )

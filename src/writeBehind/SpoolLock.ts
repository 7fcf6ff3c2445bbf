/**
 * Who owns a spool file, proven with an OS file lock rather than a pid: each
 * spool `<name>.jsonl` has a lock file `<name>.lock` (a tiny SQLite database)
 * on which its owner holds an exclusive lock for as long as it lives. The
 * kernel drops the lock when the owner dies, however it dies, and the lock
 * holds across PID namespaces (two containers sharing a folder are both
 * pid 1) and, on file systems with working POSIX locks, across hosts.
 */
import Sqlite from "better-sqlite3"
import { rmSync } from "node:fs"

/** A held lock; `release` lets it go (and deletes the lock file when asked). */
export interface HeldLock {
  readonly path: string
  readonly release: (options?: { readonly remove?: boolean }) => void
}

const isBusy = (error: unknown) =>
  error instanceof Error && "code" in error && typeof error.code === "string" && error.code.startsWith("SQLITE_BUSY")

/**
 * Takes the exclusive lock of `lockPath` (creating the file), without
 * waiting: none when a live process holds it. Throws on other failures
 * (e.g. an unwritable folder). The file is ours alone and stays in SQLite's
 * default rollback-journal mode, where `BEGIN EXCLUSIVE` locks the file
 * itself; nothing ever switches it to WAL.
 */
export const tryLock = (lockPath: string): HeldLock | undefined => {
  const db = new Sqlite(lockPath, { timeout: 0 })
  try {
    db.exec("BEGIN EXCLUSIVE")
  } catch (error) {
    db.close()
    if (isBusy(error)) return undefined
    throw error
  }
  let held = true
  return {
    path: lockPath,
    release: (options) => {
      if (!held) return
      held = false
      // The file goes while the lock is still held, so nobody takes a lock on a name about to vanish unnoticed.
      if (options?.remove === true) rmSync(lockPath, { force: true })
      db.exec("ROLLBACK")
      db.close()
    }
  }
}

/**
 * Refuses an output file that is the database itself: its main file, WAL,
 * shared-memory or rollback journal, or one of its spool files, after
 * resolving symbolic links (of the file, or of its folder when the file does
 * not exist yet).
 *
 * @module
 */
import { existsSync, realpathSync } from "node:fs"
import * as path from "node:path"

const resolved = (file: string): string => {
  const absolute = path.resolve(file)
  if (existsSync(absolute)) return realpathSync(absolute)
  const folder = path.dirname(absolute)
  return existsSync(folder) ? path.join(realpathSync(folder), path.basename(absolute)) : absolute
}

/** Why `output` may not be written, or none when it is not one of `database`'s own files. */
export const ownFileOf = (database: string, output: string): string | undefined => {
  const db = resolved(database)
  const target = resolved(output)
  if (target === db) return "it is the database itself"
  for (const suffix of ["-wal", "-shm", "-journal"]) {
    if (target === db + suffix) return `it is the database's ${suffix.slice(1)} file`
  }
  if (path.dirname(target) === path.dirname(db) && path.basename(target).startsWith(`${path.basename(db)}.spool-`)) {
    return "it is one of the database's spool files"
  }
  return undefined
}

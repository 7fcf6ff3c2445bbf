/**
 * The files an output (an export, a prune archive, a backup) must never be
 * written over: the database, its `-wal`, `-shm` and `-journal`, its spool
 * and spool lock files, and its rejected-records file. Checked after
 * resolving symlinks (a dangling one too) and by file identity, so a symlink
 * or a hard link to the database is refused as surely as its own path.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { existsSync, lstatSync, readlinkSync, realpathSync, statSync } from "node:fs"
import * as path from "node:path"
import { Database } from "../Database.js"
import { ValidationError } from "../Errors.js"
import { spoolFiles } from "../writeBehind/Spool.js"

/** Where `file` really is: symlinks followed (dangling ones included), for a file that may not exist yet. */
export const realLocation = (file: string, depth = 0): string => {
  const absolute = path.resolve(file)
  try {
    return realpathSync(absolute)
  } catch {
    // Missing (or a dangling symlink): follow the link by hand, or resolve the folder and keep the name.
  }
  if (depth < 40) {
    try {
      if (lstatSync(absolute).isSymbolicLink()) {
        return realLocation(path.resolve(path.dirname(absolute), readlinkSync(absolute)), depth + 1)
      }
    } catch {
      // Nothing at that path: resolve its folder.
    }
  }
  const parent = path.dirname(absolute)
  return parent === absolute ? absolute : path.join(realLocation(parent, depth + 1), path.basename(absolute))
}

/** The files of the database at `database` that no output may replace. */
export const protectedFiles = (database: string): ReadonlyArray<string> => [
  database,
  `${database}-wal`,
  `${database}-shm`,
  `${database}-journal`,
  `${database}.rejected.jsonl`,
  ...spoolFiles(database).flatMap((spool) => [spool, spool.replace(/\.jsonl$/, ".lock")])
]

const identity = (file: string) => {
  try {
    const stat = statSync(file)
    return Option.some(`${stat.dev}:${stat.ino}`)
  } catch {
    return Option.none()
  }
}

/**
 * Fails with `ValidationError` when `output` is (after resolving symlinks, or
 * as a hard link) the database at `database` or one of its files; returns the
 * output's absolute path otherwise. Without a database file (`:memory:`)
 * every path is fine.
 */
export const checkOutputPath = (
  output: string,
  database: string | undefined,
  option = "output"
): Effect.Effect<string, ValidationError> =>
  Effect.suspend(() => {
    const absolute = path.resolve(output)
    if (database === undefined) return Effect.succeed(absolute)
    const real = realLocation(absolute)
    const outputIdentity = identity(absolute)
    const hit = protectedFiles(realLocation(database)).find((file) =>
      realLocation(file) === real ||
      (Option.isSome(outputIdentity) && existsSync(file) &&
        Option.getOrUndefined(identity(file)) === outputIdentity.value)
    )
    return hit === undefined
      ? Effect.succeed(absolute)
      : Effect.fail(
        new ValidationError({
          message: `${option} ${output} is the database's own file ${hit}; choose another path`,
          issues: [{ path: option, message: `is ${hit}, a file of the database` }]
        })
      )
  })

/** {@link checkOutputPath} against the current `Database`. */
export const checkDatabaseOutput = (output: string, option?: string): Effect.Effect<string, ValidationError, Database> =>
  Effect.flatMap(Database, (db) => checkOutputPath(output, Option.getOrUndefined(db.filename), option))

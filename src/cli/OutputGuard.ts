/**
 * The CLI's side of `maintenance/OutputPath.ts`: an output path (`--out`,
 * `--archive`, a backup FILE) that is the database or one of its files ends
 * the command with one line and exit code 1, before anything is written.
 */
import * as Effect from "effect/Effect"
import type { Database } from "../Database.js"
import { checkDatabaseOutput } from "../maintenance/OutputPath.js"
import { CliExit } from "./Common.js"

/** The output's absolute path, or a `CliExit` when it would overwrite the database's own files. */
export const refuseDatabaseFile = (
  file: string,
  option: string,
  message?: string
): Effect.Effect<string, CliExit, Database> =>
  checkDatabaseOutput(file, option).pipe(
    Effect.mapError((error) => new CliExit({ code: 1, message: message ?? error.message }))
  )

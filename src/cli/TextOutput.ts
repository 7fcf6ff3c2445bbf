/**
 * Where an export goes: a file given with `--out` (written beside it with
 * every byte count checked, fsynced, then renamed into place, so a failed or
 * short export leaves no half file and exits non-zero), or stdout.
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync } from "node:fs"
import * as path from "node:path"
import { writeFully } from "../files/WriteFully.js"
import { CliExit } from "./Common.js"
import { Streams } from "./Streams.js"

const reason = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause))

const cannotWrite = (file: string) => (cause: unknown) =>
  new CliExit({ code: 1, message: `cannot write ${file}: ${reason(cause)}` })

const writeStdout = (piece: string): Effect.Effect<void> => Effect.flatMap(Streams, (streams) => streams.stdout.write(piece))

/**
 * Writes the pieces of `text` to `file` (when given) or to stdout, calling
 * `onPiece` after each, and returns how many bytes were written. A file that
 * cannot be written ends the command with one line naming it.
 */
export const writeText = <E, R>(
  file: string | undefined,
  text: Stream.Stream<string, E, R>,
  onPiece: (piece: string) => Effect.Effect<void> = () => Effect.void
): Effect.Effect<number, E | CliExit, R> =>
  Effect.suspend(() => {
    let written = 0
    const total = Effect.sync(() => written)
    if (file === undefined) {
      return Stream.runForEach(text, (piece) =>
        Effect.suspend(() => {
          written += Buffer.byteLength(piece)
          return writeStdout(piece)
        }).pipe(Effect.zipRight(onPiece(piece)))).pipe(Effect.zipRight(total))
    }
    const target = path.resolve(file)
    const partial = `${target}.partial-${process.pid}`
    const fail = cannotWrite(file)
    return Effect.acquireUseRelease(
      Effect.try({
        try: () => {
          mkdirSync(path.dirname(target), { recursive: true })
          return openSync(partial, "w")
        },
        catch: fail
      }),
      (fd) =>
        Stream.runForEach(text, (piece) =>
          Effect.try({
            try: () => {
              const bytes = Buffer.from(piece, "utf8")
              writeFully(fd, bytes, partial)
              written += bytes.length
            },
            catch: fail
          }).pipe(Effect.zipRight(onPiece(piece)))).pipe(
            Effect.zipRight(Effect.try({ try: () => fsyncSync(fd), catch: fail }))
          ),
      (fd, exit) =>
        Effect.sync(() => {
          closeSync(fd)
          if (exit._tag === "Failure") rmSync(partial, { force: true })
        })
    ).pipe(
      Effect.zipRight(Effect.try({ try: () => renameSync(partial, target), catch: fail })),
      Effect.zipRight(total)
    )
  })

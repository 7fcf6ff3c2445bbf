/**
 * Where the CLI writes: stdout and stderr of the process by default, or any
 * other pair of sinks (an in-process runner captures them). Every line the
 * CLI prints goes through here, so colour can be dropped in one place.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"

/** One output stream of the CLI. */
export interface Sink {
  /** Whether a person is watching (a terminal), so bars and colour make sense. */
  readonly isTTY: boolean
  /** Writes `text` as it is; waits while the stream is full. */
  readonly write: (text: string) => Effect.Effect<void>
}

/** The CLI's stdout and stderr. */
export interface CliStreams {
  readonly stdout: Sink
  readonly stderr: Sink
}

const processSink = (stream: NodeJS.WriteStream): Sink => ({
  isTTY: stream.isTTY === true,
  write: (text) =>
    Effect.async<void>((resume) => {
      if (stream.write(text)) resume(Effect.void)
      else stream.once("drain", () => resume(Effect.void))
    })
})

/** The streams the CLI writes to: the process's own unless another pair is provided. */
export class Streams extends Context.Reference<Streams>()("logbook/cli/Streams", {
  defaultValue: (): CliStreams => ({ stdout: processSink(process.stdout), stderr: processSink(process.stderr) })
}) {}

/** Writes one line to stdout. */
export const printLine = (line: string) => Effect.flatMap(Streams, (streams) => streams.stdout.write(`${line}\n`))

/** Writes one line to stderr. */
export const printError = (line: string) => Effect.flatMap(Streams, (streams) => streams.stderr.write(`${line}\n`))

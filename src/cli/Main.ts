/**
 * The whole `logbook` program as one effect: parses the arguments, runs the
 * command, prints a failure as one line on stderr and returns the exit code
 * (0 ok, 1 a failed command, 2 a usage error, 70 a defect). `bin.ts` runs it
 * on the process; specs run it in-process with captured streams.
 */
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as ValidationError from "@effect/cli/ValidationError"
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import { run } from "./Cli.js"
import { CliExit } from "./Common.js"
import { printError, Streams } from "./Streams.js"

const describe = (error: unknown): string => {
  if (typeof error === "object" && error !== null && "_tag" in error) {
    const reason = "reason" in error && typeof error.reason === "string" ? ` (${error.reason})` : ""
    const message = error instanceof Error ? error.message : String(error)
    return `${String(error._tag)}${reason}: ${message}`
  }
  return String(error)
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g

/** `text` without terminal colour and cursor codes. */
export const stripAnsi = (text: string): string => text.replace(ANSI, "")

/**
 * A usage error as one line: the parser's paragraphs joined, `a integer`
 * corrected to `an integer`.
 */
export const describeUsage = (error: ValidationError.ValidationError): string => {
  const text = stripAnsi(HelpDoc.toAnsiText(error.error))
  const line = text.split("\n").map((part: string) => part.trim()).filter((part: string) => part !== "").join(" ")
  return line.replace(/\ba (integer|option|argument|unknown)\b/g, "an $1")
}

/** Whether help and messages may carry colour: a terminal, and no `NO_COLOR`. */
const colourAllowed = Effect.map(
  Config.option(Config.string("NO_COLOR")).pipe(Effect.orElseSucceed(() => Option.none<string>())),
  (noColor) => Option.isNone(noColor) || noColor.value === ""
)

/**
 * The Console the command parser prints through: help and version go to
 * stdout (without colour unless allowed); the parser's own error pages are
 * dropped, because `main` prints each usage error as one line.
 */
const cliConsole = (colour: boolean) =>
  Effect.zipWith(Streams, Effect.console, (streams, base) => {
    const text = (args: ReadonlyArray<unknown>) => {
      const joined = args.map(String).join(" ")
      return colour && streams.stdout.isTTY ? joined : stripAnsi(joined)
    }
    const console: Console.Console = {
      ...base,
      log: (...args) => streams.stdout.write(`${text(args)}\n`),
      info: (...args) => streams.stdout.write(`${text(args)}\n`),
      error: () => Effect.void
    }
    return console
  })

/** Runs `logbook` on `argv` (as `process.argv`: node, script, then arguments) and returns the exit code. */
export const main = (argv: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const colour = yield* colourAllowed
    const console = yield* cliConsole(colour)
    return yield* run(argv).pipe(Console.withConsole(console), Effect.as(0))
  }).pipe(
    Effect.catchAllCause((cause) =>
      Effect.gen(function*() {
        const failure = Cause.failureOption(cause)
        if (failure._tag === "None") {
          if (Cause.isInterruptedOnly(cause)) return 130
          yield* printError(`logbook: unexpected failure\n${Cause.pretty(cause)}`)
          return 70
        }
        const error = failure.value
        if (error instanceof CliExit) {
          if (error.message !== undefined) yield* printError(`logbook: ${error.message}`)
          return error.code
        }
        if (ValidationError.isValidationError(error)) {
          if (ValidationError.isHelpRequested(error)) return 0
          yield* printError(`logbook: ${describeUsage(error)}`)
          return 2
        }
        yield* printError(`logbook: ${describe(error)}`)
        return 1
      })
    ),
    Logger.withMinimumLogLevel(LogLevel.Warning)
  )

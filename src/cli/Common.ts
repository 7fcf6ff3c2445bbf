/**
 * What every `logbook` command shares: the `--database`, `--migrations` and
 * `--json` options, option helpers that name the option in their errors,
 * and how results are printed.
 */
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { DatabaseOptions } from "../Database.js"

/** A usage error naming the option: the CLI prints it as one line and exits 2. */
export const invalidOption = (name: string, message: string) =>
  ValidationError.invalidValue(HelpDoc.p(`--${name}: ${message}`))

/** A whole number option; `--limit abc` is `--limit: expected an integer, got "abc"`. */
export const integer = (name: string) =>
  Options.text(name).pipe(
    Options.withPseudoName("integer"),
    Options.mapEffect((text) =>
      /^-?\d+$/.test(text.trim()) && Number.isSafeInteger(Number(text))
        ? Effect.succeed(Number(text))
        : Effect.fail(invalidOption(name, `expected an integer, got ${JSON.stringify(text)}`))
    )
  )

/** A choice among `choices`; another value is `--format: expected json, jsonl or csv, got "xml"`. */
export const choice = <const A extends string>(name: string, choices: ReadonlyArray<A>) =>
  Options.text(name).pipe(
    Options.withPseudoName(choices.join(" | ")),
    Options.mapEffect((text) => {
      const found = choices.find((c) => c === text)
      return found !== undefined
        ? Effect.succeed(found)
        : Effect.fail(invalidOption(name, `expected ${choices.slice(0, -1).join(", ")} or ${choices.at(-1)}, got ${JSON.stringify(text)}`))
    })
  )

/** URL schemes the database may be given with; any other `scheme://` is refused rather than taken as a folder name. */
const databaseUrl = (url: string) =>
  /^[A-Za-z][A-Za-z0-9+.-]+:\/\//.test(url) && !/^(file|postgres|postgresql):\/\//i.test(url)
    ? Effect.fail(invalidOption("database", `unsupported URL ${JSON.stringify(url)}: use a file path, :memory: or file:...`))
    : Effect.succeed(url)

/** `--database URL`, else `LOGBOOK_DATABASE_URL`, else the default location. */
export const database = Options.text("database").pipe(
  Options.withDescription("database URL: a file path, :memory: or file:... (default ./.logbook/logbook.db)"),
  Options.withFallbackConfig(Config.string("LOGBOOK_DATABASE_URL")),
  Options.mapEffect(databaseUrl),
  Options.optional
)

/** `--migrations DIR` (repeatable): folders of the user's own migrations; each must exist. */
export const migrations = Options.directory("migrations", { exists: "yes" }).pipe(
  Options.withDescription("a folder of your own migrations (repeatable), applied after logbook's"),
  Options.repeated
)

/** `--json`: machine-readable output. */
export const json = Options.boolean("json").pipe(Options.withDescription("print machine-readable JSON"))

/** The options every command that opens the database takes. */
export const common = { database, migrations, json } as const

/** Database options for a command, from its `--database` and `--migrations` values. */
export const databaseOptions = (
  url: Option.Option<string>,
  migrationsDirectories: ReadonlyArray<string>,
  extra: DatabaseOptions = {}
): DatabaseOptions => ({
  ...extra,
  url: Option.getOrUndefined(url),
  migrationsDirectories
})

/** Ends a command with a non-zero exit code and, optionally, one line on stderr. */
export class CliExit extends Data.TaggedError("CliExit")<{ readonly code: number; readonly message?: string | undefined }> {
  constructor(args: { readonly code: number; readonly message?: string | undefined }) {
    // Without a message, `message` is undefined (not Error's ""), so that no empty line is printed.
    super({ code: args.code, message: args.message })
  }
}

/** Prints `value` as JSON with `--json`, else the human text. */
export const output = (asJson: boolean, value: unknown, human: () => string) =>
  asJson ? Console.log(JSON.stringify(value, null, 2)) : Effect.suspend(() => Console.log(human()))

/** Formats rows as an aligned text table. */
export const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)))
  const line = (cells: ReadonlyArray<string>) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd()
  return [line(header), ...rows.map(line)].join("\n")
}

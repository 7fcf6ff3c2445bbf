/**
 * `logbook audit query|export`: read the audit trail as a table, as JSON, or
 * export it as JSON, JSON Lines or CSV to a file or stdout.
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { AuditLog } from "../AuditLog.js"
import { type AuditEntry, auditCategories } from "../audit/AuditEntry.js"
import type { AuditExportFormat } from "../audit/AuditExport.js"
import type { AuditQuery } from "../audit/AuditQuery.js"
import { choice, CliExit, common, integer, output, table } from "./Common.js"
import { readLogbook } from "./Databases.js"
import { since as parseSince } from "./Durations.js"
import { withProgress } from "./Progress.js"
import { clip, count } from "./Text.js"
import { refuseDatabaseFile } from "./OutputGuard.js"
import { writeText } from "./TextOutput.js"

const formats: ReadonlyArray<AuditExportFormat> = ["json", "jsonl", "csv"]

const filters = {
  project: Options.text("project").pipe(Options.withDescription("only this project"), Options.optional),
  task: Options.text("task").pipe(Options.withDescription("only this task"), Options.optional),
  agent: Options.text("agent").pipe(Options.withDescription("only this agent"), Options.optional),
  category: choice("category", auditCategories).pipe(Options.withDescription("only this category"), Options.optional),
  since: Options.text("since").pipe(
    Options.withDescription("only entries at or after this time: ISO-8601 (2025-01-31, 2025-01-31T12:00:00Z) or a span back from now (7d, 12h)"),
    Options.optional
  ),
  limit: integer("limit").pipe(Options.withDescription("at most this many entries, newest first"), Options.optional),
  format: choice("format", formats).pipe(Options.withDescription("json (default), jsonl or csv"), Options.optional),
  out: Options.text("out").pipe(Options.withDescription("write to this file instead of stdout"), Options.optional)
} as const

interface Filters {
  readonly project: Option.Option<string>
  readonly task: Option.Option<string>
  readonly agent: Option.Option<string>
  readonly category: Option.Option<(typeof auditCategories)[number]>
  readonly since: Option.Option<string>
  readonly limit: Option.Option<number>
}

const toQuery = (options: Filters, defaultLimit?: number) =>
  Effect.gen(function*() {
    const since = Option.isSome(options.since) ? yield* parseSince(options.since.value) : undefined
    const query: AuditQuery = {
      projectId: Option.getOrUndefined(options.project),
      taskId: Option.getOrUndefined(options.task),
      agent: Option.getOrUndefined(options.agent),
      category: Option.getOrUndefined(options.category),
      limit: Option.getOrElse(options.limit, () => defaultLimit),
      ...(since === undefined ? {} : { since })
    }
    return query
  })

/**
 * Counts the entries in an export's pieces as they stream by: JSON puts each
 * entry on a line of its own after `[` or `,`; JSON Lines one per line; CSV
 * one record per line break outside quotes, less the header.
 */
export const entryCounter = (format: AuditExportFormat): (piece: string) => number => {
  switch (format) {
    case "json":
      return (piece) => piece.split("\n{").length - 1
    case "jsonl":
      return (piece) => piece.split("\n").length - 1
    case "csv": {
      let quoted = false
      let header = true
      return (piece) => {
        let records = 0
        for (let i = 0; i < piece.length; i++) {
          const c = piece.charCodeAt(i)
          if (c === 34) quoted = !quoted
          else if (c === 10 && !quoted) {
            if (header) header = false
            else records++
          }
        }
        return records
      }
    }
  }
}

interface ExportResult {
  readonly format: AuditExportFormat
  readonly file: string | null
  readonly entries: number
  readonly bytes: number
}

const exportEntries = (query: AuditQuery, format: AuditExportFormat, out: Option.Option<string>) =>
  Effect.gen(function*() {
    const audit = yield* AuditLog
    if (Option.isSome(out)) yield* refuseDatabaseFile(out.value, "--out")
    const total = process.stderr.isTTY === true ? yield* audit.count(query) : undefined
    const counter = entryCounter(format)
    let entries = 0
    const bytes = yield* withProgress("exporting audit entries", total, (progress) =>
      writeText(Option.getOrUndefined(out), audit.exportStream(query, format), (piece) => {
        const n = counter(piece)
        entries += n
        return progress.advance(n)
      }))
    const result: ExportResult = { format, file: Option.getOrNull(out), entries, bytes }
    return result
  })

const describeExport = (result: ExportResult) =>
  `exported ${count(result.entries)} audit ${result.entries === 1 ? "entry" : "entries"} as ${result.format} to ${result.file}`

/**
 * Writes the export; a summary line (or JSON) follows on stdout only when it
 * went to a file. `--json` with `--format jsonl|csv` to stdout asks for two
 * formats at once and is refused (exit 2).
 */
const runExport = (
  json: boolean,
  query: AuditQuery,
  format: AuditExportFormat,
  out: Option.Option<string>
) =>
  (json && format !== "json" && Option.isNone(out)
    ? Effect.fail(
      new CliExit({
        code: 2,
        message: `--json and --format ${format} contradict each other: choose one (with --out FILE, --json prints the summary)`
      })
    )
    : Effect.void).pipe(
    Effect.zipRight(exportEntries(query, format, out)),
    Effect.flatMap((result) => Option.isSome(out) ? output(json, result, () => describeExport(result)) : Effect.void)
  )

const describeEntries = (entries: ReadonlyArray<AuditEntry>) =>
  entries.length === 0
    ? "No audit entries."
    : table(
      ["TIME", "PROJECT", "TASK", "AGENT", "CATEGORY", "ACTION", "DETAILS"],
      entries.map((e) => [
        e.timestamp,
        clip(e.projectId ?? "", 20),
        clip(e.taskId ?? "", 44),
        clip(e.agent ?? "", 16),
        e.category,
        clip(e.action, 28),
        e.details === null ? "" : clip(JSON.stringify(e.details), 60)
      ])
    )

/** The default number of entries `audit query` shows. */
const QUERY_LIMIT = 100

const queryCommand = Command.make("query", { ...common, ...filters }, (options) =>
  Effect.gen(function*() {
    if (Option.isSome(options.format) || Option.isSome(options.out)) {
      const query = yield* toQuery(options)
      return yield* runExport(options.json, query, Option.getOrElse(options.format, () => "json" as const), options.out)
    }
    const query = yield* toQuery(options, QUERY_LIMIT)
    const entries = yield* Effect.flatMap(AuditLog, (audit) => audit.query(query))
    const truncated = Option.isNone(options.limit) && entries.length === QUERY_LIMIT
    yield* output(options.json, entries, () =>
      truncated
        ? `${describeEntries(entries)}\n(the ${QUERY_LIMIT} newest entries; --limit N shows more, audit export shows all)`
        : describeEntries(entries))
  }).pipe(readLogbook(options.database, options.migrations))).pipe(
    Command.withDescription(
      `show audit entries, newest first (at most ${QUERY_LIMIT} unless --limit; with --format or --out, as an export)`
    )
  )

const exportCommand = Command.make("export", { ...common, ...filters }, (options) =>
  Effect.gen(function*() {
    const query = yield* toQuery(options)
    yield* runExport(options.json, query, Option.getOrElse(options.format, () => "json" as const), options.out)
  }).pipe(readLogbook(options.database, options.migrations))).pipe(
    Command.withDescription("export audit entries as json, jsonl or csv to --out FILE or stdout")
  )

/** `logbook audit query|export`. */
export const auditCommand = Command.make("audit").pipe(
  Command.withDescription("read and export the audit trail"),
  Command.withSubcommands([queryCommand, exportCommand])
)

/**
 * The operations commands: `prune`, `doctor`, `backup` and `demo`.
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { gzipSync } from "node:zlib"
import { Database } from "../Database.js"
import * as Maintenance from "../Maintenance.js"
import { CliExit, common, output, table } from "./Common.js"
import { readDatabase, withDatabase, withLogbook } from "./Databases.js"
import { describeDemo, runDemo } from "./Demo.js"
import { olderThan } from "./Durations.js"
import { withActivity } from "./Progress.js"
import { bytes, count, fields } from "./Text.js"

/** Creates the folder that `file` will be written in. */
const parentFolder = (file: string) =>
  Effect.try({
    try: () => {
      mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
    },
    catch: (cause) => new CliExit({ code: 1, message: `cannot write ${file}: ${cause instanceof Error ? cause.message : String(cause)}` })
  })

// --- prune -----------------------------------------------------------------

/** An archive left empty (nothing was pruned) becomes a valid gzip file of no lines, never a 0-byte `.gz`. */
const validArchive = (file: string) =>
  Effect.try({
    try: () => {
      if (existsSync(file) && statSync(file).size === 0) writeFileSync(file, gzipSync(Buffer.alloc(0)))
    },
    catch: (cause) => new CliExit({ code: 1, message: `cannot write ${file}: ${cause instanceof Error ? cause.message : String(cause)}` })
  })

const describePrune = (report: Maintenance.PruneReport) => {
  const rows = Object.entries(report.deleted)
  return [
    `pruned ${count(report.total)} ${report.total === 1 ? "row" : "rows"} older than ${report.cutoff}`,
    ...(rows.length === 0 ? [] : [table(["TABLE", "DELETED"], rows.map(([name, n]) => [name, count(n)]))]),
    ...(report.archive === null ? [] : [`archived to ${report.archive}`])
  ].join("\n")
}

const pruneCommand = Command.make(
  "prune",
  {
    ...common,
    olderThan: Options.text("older-than").pipe(
      Options.withDescription("delete what is older than this: 90d, 12h, 30m, 2w")
    ),
    archive: Options.text("archive").pipe(
      Options.withDescription("first append the deleted rows to this gzip JSON Lines file"),
      Options.optional
    )
  },
  ({ archive, database, json, migrations, olderThan: span }) =>
    Effect.gen(function*() {
      const age = yield* olderThan(span)
      if (Option.isSome(archive)) yield* parentFolder(archive.value)
      const report = yield* withActivity(
        "pruning",
        Maintenance.prune({ olderThan: age, archive: Option.getOrUndefined(archive) })
      ).pipe(withDatabase(database, migrations))
      if (report.archive !== null) yield* validArchive(report.archive)
      yield* output(json, report, () => describePrune(report))
    })
).pipe(
  Command.withDescription(
    "delete audit entries, traces (with their invocations and events), events, LLM usage and trajectories older than --older-than; workflow state, lessons and configuration are kept"
  )
)

// --- doctor ----------------------------------------------------------------

/** What is wrong, one phrase per failed check; empty when the report is ok. */
export const doctorProblems = (report: Maintenance.DoctorReport): ReadonlyArray<string> => [
  ...(report.integrity.length === 1 && report.integrity[0] === "ok" ? [] : [`integrity check: ${report.integrity.slice(0, 3).join("; ")}`]),
  ...(report.foreignKeyViolations === 0 ? [] : [`${report.foreignKeyViolations} foreign key violations`]),
  ...report.searchIndexes.filter((check) => !check.ok).map((check) => `search index ${check.table}: ${check.message ?? "inconsistent"}`),
  ...(report.migrations.pending.length === 0 ? [] : [`pending migrations ${report.migrations.pending.join(", ")} (run logbook migrate)`]),
  ...(report.migrations.drifted.length === 0 ? [] : [`changed migrations ${report.migrations.drifted.join(", ")}`]),
  ...(report.migrations.missing.length === 0 ? [] : [`migrations ${report.migrations.missing.join(", ")} have no file`]),
  ...(report.journalMode === "wal" || report.spool === null ? [] : [`journal mode is ${report.journalMode}, not wal`])
]

const describeDoctor = (report: Maintenance.DoctorReport) => {
  const m = report.migrations
  const problems = doctorProblems(report)
  return fields([
    ["integrity", report.integrity.join("; ")],
    ["foreign keys", report.foreignKeyViolations === 0 ? "ok" : `${report.foreignKeyViolations} violations`],
    [
      "search indexes",
      report.searchIndexes.length === 0
        ? "none"
        : report.searchIndexes.map((check) => `${check.table} ${check.ok ? "ok" : "BROKEN"}`).join(", ")
    ],
    ["migrations", `${m.applied} applied, ${m.pending.length} pending, ${m.drifted.length} changed, ${m.missing.length} missing`],
    ["journal mode", report.journalMode],
    ["size", `${bytes(report.databaseBytes)} (WAL ${bytes(report.walBytes)})`],
    [
      "spool",
      report.spool.every((file) => file.bytes === 0)
        ? "empty"
        : report.spool.filter((file) => file.bytes > 0).map((file) => `${bytes(file.bytes)} pending in ${file.path}`).join(", ")
    ],
    ["versions", `SQLite ${report.sqliteVersion}, logbook ${report.logbookVersion}`],
    ["status", report.ok ? "OK" : `PROBLEMS: ${problems.join("; ") || "see above"}`]
  ])
}

const doctorCommand = Command.make("doctor", { ...common }, ({ database, json, migrations }) =>
  Effect.gen(function*() {
    const report = yield* Maintenance.doctor.pipe(readDatabase(database, migrations))
    yield* output(json, report, () => describeDoctor(report))
    if (!report.ok) {
      const problems = doctorProblems(report)
      return yield* new CliExit({ code: 1, message: `the database has problems: ${problems.join("; ") || "see the report"}` })
    }
  })).pipe(
    Command.withDescription(
      "check integrity, foreign keys, search indexes, migrations, journal mode, sizes and the spool; exit 1 on any problem"
    )
  )

// --- backup ----------------------------------------------------------------

/** What `backup` wrote. */
export interface BackupResult {
  readonly source: string | null
  readonly file: string
  readonly bytes: number
}

const backupCommand = Command.make(
  "backup",
  { ...common, file: Args.text({ name: "FILE" }).pipe(Args.withDescription("where to write the copy")) },
  ({ database, file, json, migrations }) =>
    Effect.gen(function*() {
      const target = path.resolve(file)
      const db = yield* Database
      const source = Option.getOrNull(db.filename)
      if (source !== null && path.resolve(source) === target) {
        return yield* new CliExit({ code: 1, message: `cannot back up ${file} onto itself` })
      }
      yield* parentFolder(file)
      yield* withActivity("backing up", Maintenance.backup(target))
      const result: BackupResult = { source, file: target, bytes: existsSync(target) ? statSync(target).size : 0 }
      yield* output(json, result, () => `backed up ${source ?? "the database"} to ${target} (${bytes(result.bytes)})`)
    }).pipe(readDatabase(database, migrations))
).pipe(Command.withDescription("write a consistent copy of the database to FILE while it stays in use"))

// --- demo ------------------------------------------------------------------

const demoCommand = Command.make("demo", { ...common }, ({ database, json, migrations }) =>
  runDemo.pipe(
    withLogbook(database, migrations),
    Effect.flatMap((summary) => output(json, summary, () => describeDemo(summary)))
  )).pipe(
    Command.withDescription(
      "record a simulated multi-agent run (planner, builder, tester) through every store, then summarise what was stored"
    )
  )

/** The operations commands. */
export const operationCommands = [pruneCommand, doctorCommand, backupCommand, demoCommand] as const

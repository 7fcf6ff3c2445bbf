/**
 * The operations commands: `prune`, `storage`, `vacuum`, `doctor`, `backup` and `demo`.
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import { existsSync, mkdirSync, statSync } from "node:fs"
import * as path from "node:path"
import { Database } from "../Database.js"
import { refuseDatabaseFile } from "./OutputGuard.js"
import * as Maintenance from "../Maintenance.js"
import { describeIssues, parsePolicy, validatePolicy } from "../maintenance/RetentionPolicy.js"
import { CliExit, common, output, table } from "./Common.js"
import { readDatabase, withDatabase, withLogbook } from "./Databases.js"
import { describeDemo, runDemo } from "./Demo.js"
import { doctorReport } from "./DoctorReport.js"
import { olderThan } from "./Durations.js"
import { withActivity } from "./Progress.js"
import { printError } from "./Streams.js"
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

const describePrune = (report: Maintenance.PruneReport) => {
  const rows = Object.entries(report.deleted)
  const what = `${count(report.total)} ${report.total === 1 ? "row" : "rows"}`
  const scope = report.cutoff === null ? "by the retention policy" : `older than ${report.cutoff}`
  return [
    report.dryRun ? `would prune ${what} ${scope} (dry run: nothing deleted)` : `pruned ${what} ${scope}`,
    ...(rows.length === 0 ? [] : [table(["TABLE", report.dryRun ? "WOULD DELETE" : "DELETED"], rows.map(([name, n]) => [name, count(n)]))]),
    ...(report.archive === null ? [] : [`archived to ${report.archive}`]),
    ...(report.pagesReturned === 0 ? [] : [`returned ${count(report.pagesReturned)} free pages to the file system`])
  ].join("\n")
}

/** `--policy`: a retention policy as JSON, the same as LOGBOOK_RETENTION. */
const policyOption = (text: string) =>
  Effect.try({
    try: (): unknown => JSON.parse(text),
    catch: (cause) => new CliExit({ code: 1, message: `invalid --policy: not JSON: ${cause instanceof Error ? cause.message : String(cause)}` })
  }).pipe(
    Effect.flatMap((json) =>
      Either.match(validatePolicy(json), {
        onLeft: (issues) => Effect.fail(new CliExit({ code: 1, message: `invalid --policy: ${describeIssues(issues)}` })),
        onRight: Effect.succeed
      })
    )
  )

/** The policy configured in LOGBOOK_RETENTION, if any; a malformed one ends the command with one line. */
const configuredPolicy = Config.option(Config.string("LOGBOOK_RETENTION")).pipe(
  Effect.orElseSucceed(() => Option.none<string>()),
  Effect.flatMap(Option.match({
    onNone: () => Effect.succeed(Option.none()),
    onSome: (text) =>
      Either.match(parsePolicy(text), {
        onLeft: (issues) => Effect.fail(new CliExit({ code: 1, message: `invalid LOGBOOK_RETENTION: ${describeIssues(issues)}` })),
        onRight: (policy) => Effect.succeed(Option.some(policy))
      })
  }))
)

const pruneCommand = Command.make(
  "prune",
  {
    ...common,
    olderThan: Options.text("older-than").pipe(
      Options.withDescription("delete audit entries, traces, events, LLM usage and trajectories older than this: 90d, 12h, 30m, 2w"),
      Options.optional
    ),
    policy: Options.text("policy").pipe(
      Options.withDescription(
        "a retention policy as JSON, e.g. '{\"checkpoints\":{\"keepLast\":20},\"records\":{\"planner.session\":\"180 days\"}}' (default: LOGBOOK_RETENTION)"
      ),
      Options.optional
    ),
    archive: Options.text("archive").pipe(
      Options.withDescription("first append the deleted rows to this gzip JSON Lines file"),
      Options.optional
    ),
    dryRun: Options.boolean("dry-run").pipe(Options.withDescription("print what would be deleted, per table, and delete nothing"))
  },
  ({ archive, database, dryRun, json, migrations, olderThan: span, policy: policyText }) =>
    Effect.gen(function*() {
      const age = Option.isSome(span) ? yield* olderThan(span.value) : undefined
      const given = Option.isSome(policyText) ? yield* policyOption(policyText.value) : undefined
      const policy = age === undefined && given === undefined ? Option.getOrUndefined(yield* configuredPolicy) : given
      if (age === undefined && policy === undefined) {
        return yield* new CliExit({
          code: 1,
          message: "nothing to prune: give --older-than or --policy, or set a retention policy in LOGBOOK_RETENTION"
        })
      }
      if (Option.isSome(archive) && !dryRun) yield* parentFolder(archive.value)
      const report = yield* Effect.zipRight(
        Option.isSome(archive) && !dryRun ? refuseDatabaseFile(archive.value, "--archive") : Effect.void,
        withActivity(
          dryRun ? "counting" : "pruning",
          Maintenance.prune({ olderThan: age, policy, archive: Option.getOrUndefined(archive), dryRun })
        )
      ).pipe(withDatabase(database, migrations))
      yield* output(json, report, () => describePrune(report))
    })
).pipe(
  Command.withDescription(
    "delete what a retention policy selects (--older-than for the logs, --policy or LOGBOOK_RETENTION for every table: checkpoints, workflow states, records, ...), optionally archiving it first"
  )
)

// --- storage ---------------------------------------------------------------

const signed = (n: number) => (n < 0 ? `-${bytes(-n)}` : `+${bytes(n)}`)

const describeStorage = (report: Maintenance.StorageReport) => {
  const growth = report.growth
  return [
    fields([
      ["database", bytes(report.databaseBytes)],
      ["WAL", bytes(report.walBytes)],
      ["free", `${bytes(report.free.reclaimableBytes)} reclaimable (auto_vacuum ${report.free.autoVacuum})`],
      ["growth", growth === null ? "first report" : `${signed(growth.databaseBytes)} since ${growth.since}`]
    ]),
    "",
    table(
      ["NAME", "TYPE", "ROWS", "SIZE"],
      report.objects.map((object) => [object.name, object.type, object.rows === null ? "" : count(object.rows), bytes(object.bytes)])
    ),
    ...(report.largestTasks.length === 0 ? [] : [
      "",
      table(
        ["TASK", "CHECKPOINTS", "CHECKPOINT BYTES"],
        report.largestTasks.map((task) => [task.taskId, count(task.checkpoints), bytes(task.bytes)])
      )
    ]),
    ...(growth === null || Object.keys(growth.tables).length === 0 ? [] : [
      "",
      table(["TABLE", "GROWTH"], Object.entries(growth.tables).map(([name, n]) => [name, signed(n)]))
    ])
  ].join("\n")
}

const storageCommand = Command.make("storage", { ...common }, ({ database, json, migrations }) =>
  Effect.gen(function*() {
    const report = yield* Maintenance.storage.pipe(withDatabase(database, migrations))
    yield* output(json, report, () => describeStorage(report))
  })).pipe(
    Command.withDescription(
      "rows and bytes per table and index, WAL size, free space, the ten largest tasks by checkpoint bytes, and the growth since the last report"
    )
  )

// --- vacuum ----------------------------------------------------------------

const vacuumCommand = Command.make("vacuum", { ...common }, ({ database, json, migrations }) =>
  Effect.gen(function*() {
    const db = yield* Database
    const space = yield* Maintenance.doctor.pipe(Effect.map((report) => report.freeSpace))
    const file = Option.getOrElse(db.filename, () => "the database")
    yield* printError(
      `vacuuming ${file}: ${bytes(space.pages * space.pageSize)}, ${bytes(space.reclaimableBytes)} reclaimable; the write lock is held until it ends`
    )
    const report = yield* withActivity("vacuuming", Maintenance.vacuum)
    yield* output(json, report, () => `vacuumed ${file}: ${bytes(report.beforeBytes)} -> ${bytes(report.afterBytes)} (auto_vacuum ${report.autoVacuum})`)
  }).pipe(withDatabase(database, migrations))).pipe(
    Command.withDescription("rewrite the database file to give every free page back (needs free disk space about its size)")
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
      "free space",
      `${bytes(report.freeSpace.reclaimableBytes)} reclaimable (auto_vacuum ${report.freeSpace.autoVacuum}${
        report.freeSpace.autoVacuum === "incremental" || report.freeSpace.reclaimableBytes === 0 ? "" : "; logbook vacuum gives it back"
      })`
    ],
    [
      "spool",
      report.spool.every((file) => file.bytes === 0)
        ? "empty"
        : report.spool.filter((file) => file.bytes > 0).map((file) => `${bytes(file.bytes)} pending in ${file.path}`).join(", ")
    ],
    ...(report.postgres === null ? [] : [
      ["server", `${report.postgres.database} on PostgreSQL ${report.postgres.serverVersion} (pool of ${report.postgres.poolSize})`] as const,
      ["tables", report.postgres.tables.slice(0, 5).map((t) => `${t.table} ${bytes(t.bytes)}`).join(", ")] as const
    ]),
    ["versions", report.postgres === null ? `SQLite ${report.sqliteVersion}, logbook ${report.logbookVersion}` : `logbook ${report.logbookVersion}`],
    ["status", report.ok ? "OK" : `PROBLEMS: ${problems.join("; ") || "see above"}`]
  ])
}

const doctorCommand = Command.make("doctor", { ...common }, ({ database, json, migrations }) =>
  Effect.gen(function*() {
    const report = yield* doctorReport(database, migrations)
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
      const target = yield* refuseDatabaseFile(file, "FILE", `cannot back up ${file} onto itself`)
      const db = yield* Database
      const source = Option.getOrNull(db.filename)
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
export const operationCommands = [pruneCommand, storageCommand, vacuumCommand, doctorCommand, backupCommand, demoCommand] as const

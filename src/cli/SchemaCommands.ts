/**
 * The schema commands: `migrate`, `status`, `rollback`, `verify`, `new`.
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { Database } from "../Database.js"
import { MigrationError } from "../Errors.js"
import { FIRST_USER_VERSION } from "../migrations/MigrationFile.js"
import { migrate, type MigrationStatus, rollback, status, verify } from "../migrations/Migrator.js"
import { CliExit, common, databaseOptions, integer, output, table } from "./Common.js"

const withSchemaDatabase = <A, E>(
  url: Option.Option<string>,
  extra: ReadonlyArray<string>,
  use: (directories: ReadonlyArray<string>) => Effect.Effect<A, E, import("@effect/sql/SqlClient").SqlClient>
) =>
  Effect.flatMap(Database, (db) => use(db.migrationDirectories)).pipe(
    Effect.provide(Database.layer(databaseOptions(url, extra, { migrate: "off" })))
  )

const migrateCommand = Command.make(
  "migrate",
  {
    ...common,
    dryRun: Options.boolean("dry-run").pipe(Options.withDescription("print the plan and its SQL, write nothing")),
    to: integer("to").pipe(Options.withDescription("apply up to and including this version"), Options.optional)
  },
  ({ database, dryRun, json, migrations, to }) =>
    withSchemaDatabase(database, migrations, (directories) =>
      migrate({ directories, dryRun, to: Option.getOrUndefined(to) })).pipe(
        Effect.flatMap((plan) =>
          output(json, plan, () => {
            if (plan.dryRun) {
              if (plan.pending.length === 0) return "Nothing to apply."
              return plan.pending
                .map((step) => `-- ${step.version}_${step.name}\n${step.statements.map((s) => `${s};`).join("\n")}`)
                .join("\n\n")
            }
            if (plan.applied.length === 0) return "Database is up to date."
            return plan.applied.map((step) => `applied ${step.version}_${step.name} (${step.executionMs} ms)`).join("\n")
          })
        )
      )
).pipe(Command.withDescription("apply pending migrations"))

const describeStatus = (statuses: ReadonlyArray<MigrationStatus>) =>
  table(
    ["VERSION", "NAME", "STATE", "APPLIED AT"],
    statuses.map((s) => [
      String(s.version),
      s.name,
      s.outOfOrder ? "pending (out of order)" : s.state,
      s.appliedAt ?? ""
    ])
  )

const statusCommand = Command.make("status", { ...common }, ({ database, json, migrations }) =>
  withSchemaDatabase(database, migrations, status).pipe(
    Effect.tap((statuses) => output(json, statuses, () => describeStatus(statuses))),
    Effect.flatMap((statuses) =>
      statuses.every((s) => s.state === "applied") ? Effect.void : Effect.fail(new CliExit({ code: 1 }))
    )
  )).pipe(Command.withDescription("list applied, pending, missing and drifted migrations; exit 1 unless all are applied"))

const rollbackCommand = Command.make(
  "rollback",
  {
    ...common,
    steps: integer("steps").pipe(Options.withDescription("how many migrations to roll back"), Options.withDefault(1))
  },
  ({ database, json, migrations, steps }) =>
    withSchemaDatabase(database, migrations, (directories) => rollback({ directories, steps })).pipe(
      Effect.flatMap((done) =>
        output(json, done, () =>
          done.length === 0 ? "Nothing to roll back." : done.map((step) => `rolled back ${step.version}_${step.name}`).join("\n"))
      )
    )
).pipe(Command.withDescription("roll back the last applied migrations"))

const verifyCommand = Command.make("verify", { ...common }, ({ database, json, migrations }) =>
  withSchemaDatabase(database, migrations, verify).pipe(
    Effect.zipRight(output(json, { ok: true }, () => "All migrations are applied and unchanged."))
  )).pipe(Command.withDescription("fail unless every migration is applied and unchanged; writes nothing"))

const MIGRATION_TEMPLATE = `-- migrate:up\n\n-- migrate:down\n`

const newCommand = Command.make(
  "new",
  {
    name: Args.text({ name: "NAME" }).pipe(Args.withDescription("what the migration does, e.g. add_widgets")),
    dir: Options.text("dir").pipe(
      Options.withDescription("the folder of the new file (default ./migrations/sqlite); user migrations are numbered from 1000"),
      Options.withDefault(path.join("migrations", "sqlite"))
    ),
    json: common.json
  },
  ({ dir, json, name }) =>
    Effect.gen(function*() {
      if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name)) {
        return yield* new MigrationError({ reason: "BadFile", version: null, message: `invalid migration name "${name}": use letters, digits, _ and -` })
      }
      const folder = path.resolve(dir)
      mkdirSync(folder, { recursive: true })
      const versions = existsSync(folder)
        ? readdirSync(folder).map((file) => /^(\d+)_/.exec(file)).filter((m) => m !== null).map((m) => Number(m[1]))
        : []
      const version = Math.max(FIRST_USER_VERSION - 1, ...versions) + 1
      const file = path.join(folder, `${String(version).padStart(4, "0")}_${name}.sql`)
      writeFileSync(file, MIGRATION_TEMPLATE, { flag: "wx" })
      yield* output(json, { version, file }, () => `created ${file}`)
    })
).pipe(Command.withDescription("create a migration file with up and down sections"))

/** The schema commands. */
export const schemaCommands = [migrateCommand, statusCommand, rollbackCommand, verifyCommand, newCommand] as const


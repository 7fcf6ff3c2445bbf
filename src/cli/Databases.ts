/**
 * How a command opens the database named by `--database` (else
 * `LOGBOOK_DATABASE_URL`, else `./.logbook/logbook.db`). Commands that only
 * read never create nor migrate a database: a missing file or a pending
 * migration is one line saying to run `logbook migrate`. Commands that
 * write migrate as `LOGBOOK_MIGRATE` says (`apply` unless set).
 */
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { existsSync } from "node:fs"
import { Database } from "../Database.js"
import type { MigrateMode } from "../Database.js"
import { DEFAULT_URL, locate } from "../database/DatabaseOptions.js"
import type { MigrationError } from "../Errors.js"
import * as Logbook from "../Logbook.js"
import { CliExit, databaseOptions } from "./Common.js"

const MODES: ReadonlyArray<MigrateMode> = ["apply", "verify", "off"]

/** `LOGBOOK_MIGRATE`, validated: `apply` when unset; another value than apply, verify or off ends the command (exit 2). */
export const migrateSetting: Effect.Effect<MigrateMode, CliExit> = Config.option(Config.string("LOGBOOK_MIGRATE")).pipe(
  Effect.orElseSucceed(() => Option.none<string>()),
  Effect.flatMap((value) => {
    if (Option.isNone(value)) return Effect.succeed<MigrateMode>("apply")
    const mode = MODES.find((m) => m === value.value.trim().toLowerCase())
    return mode !== undefined
      ? Effect.succeed(mode)
      : Effect.fail(new CliExit({ code: 2, message: `LOGBOOK_MIGRATE: expected apply, verify or off, got ${JSON.stringify(value.value)}` }))
  })
)

/** Fails unless the database named by `url` exists (an in-memory database always does). */
const requireExisting = (url: Option.Option<string>) =>
  Effect.suspend(() => {
    const location = locate(Option.getOrElse(url, () => DEFAULT_URL))
    return location._tag === "File" && !existsSync(location.filename)
      ? Effect.fail(
        new CliExit({
          code: 1,
          message: `no database at ${location.filename}: run \`logbook migrate\` to create it (or \`logbook demo\` to try logbook)`
        })
      )
      : Effect.void
  })

/** A pending migration as the one thing to do about it. */
const pendingToAdvice = <A, E, R>(effect: Effect.Effect<A, E | MigrationError, R>) =>
  Effect.catchIf(
    effect,
    (error): error is MigrationError => typeof error === "object" && error !== null && "_tag" in error && error._tag === "MigrationError" && "reason" in error && error.reason === "Pending",
    (error) => Effect.fail(new CliExit({ code: 1, message: `${error.message}: run \`logbook migrate\` first` }))
  )

/** The migration mode of a command that only reads: verify (never apply), or off when `LOGBOOK_MIGRATE=off`. */
const readMode = Effect.map(migrateSetting, (mode): MigrateMode => (mode === "off" ? "off" : "verify"))

/** Runs `effect` with every store on an existing database, checked but never migrated. */
export const readLogbook = (url: Option.Option<string>, migrations: ReadonlyArray<string>) =>
<A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    yield* requireExisting(url)
    const migrate = yield* readMode
    return yield* pendingToAdvice(Effect.provide(effect, Logbook.layer(databaseOptions(url, migrations, { migrate }))))
  })

/** Runs `effect` with every store on the database, migrated as `LOGBOOK_MIGRATE` says. Write-behind records are flushed when it ends. */
export const withLogbook = (url: Option.Option<string>, migrations: ReadonlyArray<string>) =>
<A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const migrate = yield* migrateSetting
    return yield* pendingToAdvice(Effect.provide(effect, Logbook.layer(databaseOptions(url, migrations, { migrate }))))
  })

/** Runs `effect` with the `Database` alone on an existing database, with no migration applied nor checked. */
export const readDatabase = (url: Option.Option<string>, migrations: ReadonlyArray<string>) =>
<A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.zipRight(
    requireExisting(url),
    Effect.provide(effect, Database.layer(databaseOptions(url, migrations, { migrate: "off" })))
  )

/** Runs `effect` with the `Database` alone, migrated as `LOGBOOK_MIGRATE` says. */
export const withDatabase = (url: Option.Option<string>, migrations: ReadonlyArray<string>) =>
<A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const migrate = yield* migrateSetting
    return yield* pendingToAdvice(Effect.provide(effect, Database.layer(databaseOptions(url, migrations, { migrate }))))
  })

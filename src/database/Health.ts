/**
 * What `Database.health` reports: dialect, versions, the migration the
 * database is at, and per dialect its journal settings (SQLite) or its server
 * and pool (PostgreSQL).
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { readFileSync } from "node:fs"

let version: string | undefined

/**
 * The version of this logbook package, read at the first call (a health
 * report, the CLI), not at every import of logbook. Its manifest is read as a
 * file: a `require` of it would start Node's CommonJS loader.
 */
export const logbookVersion = (): string =>
  version ??= Schema.decodeUnknownSync(Schema.parseJson(Schema.Struct({ version: Schema.String })))(
    readFileSync(new URL("../../package.json", import.meta.url), "utf8")
  ).version

/** The highest applied migration, if any. */
export type AppliedVersion = { readonly version: number; readonly name: string; readonly appliedAt: string } | null

/** A database's health report, per dialect. */
export type Health = SqliteHealth | PostgresHealth

/** The health report of an embedded SQLite database. */
export interface SqliteHealth {
  readonly dialect: "sqlite"
  readonly url: string
  readonly logbookVersion: string
  readonly sqliteVersion: string
  readonly journalMode: string
  readonly synchronous: "off" | "normal" | "full" | "extra"
  readonly foreignKeys: boolean
  /** The highest applied migration, if any. */
  readonly migration: AppliedVersion
}

/** The health report of a PostgreSQL database. */
export interface PostgresHealth {
  readonly dialect: "pg"
  /** The URL, its password shown as `***`. */
  readonly url: string
  readonly logbookVersion: string
  /** The server's `server_version`, e.g. `15.18 (Debian 15.18-0+deb12u1)`. */
  readonly serverVersion: string
  /** The server's `server_version_num`, e.g. `150018`. */
  readonly serverVersionNumber: number
  readonly database: string
  /** The most connections the pool opens. */
  readonly poolSize: number
  /** The highest applied migration, if any. */
  readonly migration: AppliedVersion
}

const Pragmas = Schema.Struct({
  sqlite_version: Schema.String,
  journal_mode: Schema.String,
  synchronous: Schema.Number,
  foreign_keys: Schema.Number
})

const LastMigration = Schema.Struct({ version: Schema.Number, name: Schema.String, applied_at: Schema.String })

const synchronousNames = ["off", "normal", "full", "extra"] as const

const lastMigration = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const last = yield* sql`SELECT version, name, applied_at FROM logbook_migrations ORDER BY version DESC LIMIT 1`.pipe(
    Effect.flatMap(Schema.decodeUnknown(Schema.Array(LastMigration)))
  )
  const applied: AppliedVersion = last[0] === undefined
    ? null
    : { version: last[0].version, name: last[0].name, appliedAt: last[0].applied_at }
  return applied
})

const Server = Schema.Struct({
  server_version: Schema.String,
  server_version_num: Schema.NumberFromString,
  database: Schema.String,
  tracked: Schema.Boolean
})

/** Reads the health report of the connected PostgreSQL database. */
export const readPostgresHealth = (url: string, poolSize: number) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const [server] = yield* sql`SELECT current_setting('server_version') AS server_version,
      current_setting('server_version_num') AS server_version_num,
      current_database() AS database,
      to_regclass('logbook_migrations') IS NOT NULL AS tracked`.pipe(
        Effect.flatMap(Schema.decodeUnknown(Schema.Tuple(Server)))
      )
    const health: PostgresHealth = {
      dialect: "pg",
      url,
      logbookVersion: logbookVersion(),
      serverVersion: server.server_version,
      serverVersionNumber: server.server_version_num,
      database: server.database,
      poolSize,
      migration: server.tracked ? yield* lastMigration : null
    }
    return health
  })

/** Reads the health report of the connected SQLite database. */
export const readHealth = (url: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const [pragmas] = yield* sql`SELECT sqlite_version() AS sqlite_version,
      (SELECT journal_mode FROM pragma_journal_mode) AS journal_mode,
      (SELECT synchronous FROM pragma_synchronous) AS synchronous,
      (SELECT foreign_keys FROM pragma_foreign_keys) AS foreign_keys`.pipe(
        Effect.flatMap(Schema.decodeUnknown(Schema.Tuple(Pragmas)))
      )
    const tracked = yield* sql`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'logbook_migrations'`
    const health: SqliteHealth = {
      dialect: "sqlite",
      url,
      logbookVersion: logbookVersion(),
      sqliteVersion: pragmas.sqlite_version,
      journalMode: pragmas.journal_mode,
      synchronous: synchronousNames[pragmas.synchronous] ?? "full",
      foreignKeys: pragmas.foreign_keys === 1,
      migration: tracked.length === 0 ? null : yield* lastMigration
    }
    return health
  })

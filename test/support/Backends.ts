/**
 * The database backends that the store specs run on: each spec file is
 * written once, as a function of a backend's layers, and registered for
 * every backend with {@link describeBackends}. SQLite runs as a file in a
 * fresh folder and in memory; PostgreSQL joins when `LOGBOOK_TEST_PG_URL`
 * names a server (test/support/BackendsSetup.ts says once when it does not).
 */
import { describe } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as path from "node:path"
import { type Core, coreLayer, coreLayerMemory } from "../../src/Core.js"
import type { DatabaseOptions } from "../../src/Database.js"
import type { DatabaseError, MigrationError } from "../../src/Errors.js"
import { freshPostgresUrl } from "./Postgres.js"
import { tempDir } from "./TempDir.js"

/** Options of a backend's database, its URL aside. */
export type BackendOptions = Omit<DatabaseOptions, "url">

/** A database backend the store specs run on. */
export interface Backend {
  /** How the specs name it, e.g. `SQLite (file)`. */
  readonly name: string
  /** The core services (database, redactor, write-behind) on a fresh database each time the layer is provided. */
  readonly core: Layer.Layer<Core, DatabaseError | MigrationError>
  /** {@link core} with other database options. */
  readonly coreWith: (options: BackendOptions) => Layer.Layer<Core, DatabaseError | MigrationError>
  /**
   * The URL of a fresh database, for the stores opened by URL (the LangGraph
   * saver, the OpenAI Agents session): a file in a fresh folder, `:memory:`
   * (a new database at each opening), or a new PostgreSQL database, removed
   * when the scope closes.
   */
  readonly url: Effect.Effect<string, never, Scope.Scope>
}

/**
 * The URL of the PostgreSQL server the store specs run on as well, if any:
 * `LOGBOOK_TEST_PG_URL` (test/postgres runs on it too).
 */
export const postgresUrl = process.env.LOGBOOK_TEST_PG_URL === undefined || process.env.LOGBOOK_TEST_PG_URL === ""
  ? undefined
  : process.env.LOGBOOK_TEST_PG_URL

const sqliteFile = (options: BackendOptions) =>
  Layer.unwrapScoped(Effect.map(tempDir, (dir) => coreLayer({ ...options, url: path.join(dir, "logbook.db") })))

const sqliteMemory = (options: BackendOptions) =>
  Object.keys(options).length === 0
    ? coreLayerMemory
    : Layer.unwrapScoped(Effect.map(tempDir, (spoolDirectory) => coreLayer({ spoolDirectory, ...options, url: ":memory:" })))

const backend = (
  name: string,
  url: Effect.Effect<string, never, Scope.Scope>,
  coreWith: (options: BackendOptions) => Layer.Layer<Core, DatabaseError | MigrationError>
): Backend => ({
  name,
  core: coreWith({}),
  coreWith,
  url
})

/** SQLite as a file in a fresh temporary folder, removed afterwards. */
export const sqliteFileBackend = backend(
  "SQLite (file)",
  Effect.map(tempDir, (dir) => path.join(dir, "logbook.db")),
  sqliteFile
)

/** SQLite in memory. */
export const sqliteMemoryBackend = backend("SQLite (:memory:)", Effect.succeed(":memory:"), sqliteMemory)

/** Every backend the store specs run on: SQLite (file and memory), and PostgreSQL when `LOGBOOK_TEST_PG_URL` is set. */
export const backends: ReadonlyArray<Backend> = [
  sqliteFileBackend,
  sqliteMemoryBackend,
  ...(postgresUrl === undefined
    ? []
    : [backend("PostgreSQL", freshPostgresUrl, (options: BackendOptions) =>
      Layer.unwrapScoped(Effect.map(freshPostgresUrl, (url) => coreLayer({ ...options, url }))))])
]

/**
 * The backends whose {@link Backend.url} names one database that every
 * opening shares (every backend but SQLite in memory): for specs that open a
 * store twice, or look at its tables beside it.
 */
export const sharedBackends: ReadonlyArray<Backend> = backends.filter((backend) => backend !== sqliteMemoryBackend)

/**
 * One backend, for the specs too costly to run on every one (property
 * tests of many generated cases): in memory, since what they check is the
 * store's logic, which the other backends run through the example specs.
 */
export const oneBackend: ReadonlyArray<Backend> = [sqliteMemoryBackend]

/**
 * Registers `suite` once per backend of `on` (default: every backend), each
 * time in a block named `<title> on <backend>`.
 */
export const describeBackends = (
  title: string,
  suite: (backend: Backend) => void,
  on: ReadonlyArray<Backend> = backends
): void => {
  for (const backend of on) describe(`${title} on ${backend.name}`, () => suite(backend))
}

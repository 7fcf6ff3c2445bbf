/**
 * The database backends that the store specs run on: each spec file is
 * written once, as a function of a backend's layers, and registered for
 * every backend with {@link describeBackends}. SQLite runs as a file in a
 * fresh folder (a copy of a database migrated once per worker) and in
 * memory; PostgreSQL joins when `LOGBOOK_TEST_PG_URL` names a server
 * (test/support/BackendsSetup.ts says once when it does not).
 */
import { describe } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { type Core, coreLayer, coreLayerMemory } from "../../src/Core.js"
import { Database, type DatabaseOptions } from "../../src/Database.js"
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

/** The file that every spec's SQLite file starts as a copy of, once made in this worker (see {@link migratedTemplate}). */
let template: Promise<string> | undefined

/**
 * A SQLite file holding a freshly migrated database, made once per worker
 * process (and removed when it exits): a spec's file database starts as a
 * copy of it instead of running every migration again, one synced
 * transaction each. Opening the copy still checks it against the migration
 * files (no version pending, none changed); the copy's connection is the
 * spec's own, opened with the spec's options.
 */
const migratedTemplate: Effect.Effect<string> = Effect.promise(() =>
  template ??= Effect.runPromise(Effect.gen(function*() {
    const dir = mkdtempSync(path.join(tmpdir(), "logbook-template-"))
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }))
    const file = path.join(dir, "logbook.db")
    // Opening migrates it; closing the last connection folds the write-ahead log into the file.
    yield* Effect.orDie(Effect.provide(Effect.void, Database.layer({ url: file })))
    if (existsSync(`${file}-wal`)) return yield* Effect.dieMessage(`${file}-wal is left after closing the template database`)
    return file
  }))
)

/** Options that decide what migrating does: with one of them, a spec's file is migrated on its own, not copied. */
const MIGRATION_OPTIONS: ReadonlyArray<keyof BackendOptions> = ["migrate", "migrationsDirectories"]

const sqliteFile = (options: BackendOptions) =>
  Layer.unwrapScoped(Effect.gen(function*() {
    const url = path.join(yield* tempDir, "logbook.db")
    if (!MIGRATION_OPTIONS.some((option) => options[option] !== undefined)) copyFileSync(yield* migratedTemplate, url)
    return coreLayer({ ...options, url })
  }))

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

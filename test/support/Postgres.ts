/**
 * The PostgreSQL server of the test run, when there is one: `LOGBOOK_TEST_PG_URL`
 * (set by `.ci/run`, or by `eval "$(scripts/postgres.sh start)"`). Specs that need
 * a database of their own take a fresh one from it, dropped when their scope closes.
 */
import * as Reactivity from "@effect/experimental/Reactivity"
import * as PgClient from "@effect/sql-pg/PgClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import { randomBytes } from "node:crypto"
import { Database, type DatabaseOptions } from "../../src/Database.js"

/** The test server's URL, or undefined when the PostgreSQL half of the suite does not run. */
export const postgresTestUrl: string | undefined = process.env["LOGBOOK_TEST_PG_URL"] || undefined

/** The test server's URL; throws when there is none (use under `postgresTestUrl !== undefined`). */
export const requirePostgresUrl = (): string => {
  if (postgresTestUrl === undefined) throw new Error("LOGBOOK_TEST_PG_URL is not set")
  return postgresTestUrl
}

/** `url` with its database replaced by `database`. */
export const withDatabaseName = (url: string, database: string): string => {
  const parsed = new URL(url)
  parsed.pathname = `/${database}`
  return parsed.toString()
}

/** Runs `statement` on the test server's own database (for CREATE/DROP DATABASE). */
export const onServer = (statement: string) =>
  Effect.gen(function*() {
    const client = yield* PgClient.make({ url: Redacted.make(requirePostgresUrl()), maxConnections: 1 })
    yield* client.unsafe(statement)
  }).pipe(Effect.scoped, Effect.provide(Reactivity.layer), Effect.orDie)

/**
 * A new, empty database `logbook_test_<random>` on the test server, and its
 * URL; it is dropped (its connections ended) when the scope closes.
 */
export const freshPostgresUrl: Effect.Effect<string, never, Scope.Scope> = Effect.acquireRelease(
  Effect.gen(function*() {
    const name = `logbook_test_${randomBytes(6).toString("hex")}`
    yield* onServer(`CREATE DATABASE ${name}`)
    return { name, url: withDatabaseName(requirePostgresUrl(), name) }
  }),
  ({ name }) => onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
).pipe(Effect.map(({ url }) => url))

/**
 * `Database.layer` on a fresh database of the test server for each acquisition
 * (migrated unless `options.migrate` says otherwise), dropped on release: the
 * PostgreSQL counterpart of `Database.layerMemory` for specs.
 */
export const layerPostgres = (options: Omit<DatabaseOptions, "url"> = {}) =>
  Layer.unwrapScoped(Effect.map(freshPostgresUrl, (url) => Database.layer({ ...options, url })))

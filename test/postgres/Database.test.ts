// Database.layer on a real PostgreSQL server (LOGBOOK_TEST_PG_URL): opening, migrating,
// health, the pool, the statement timeout, and transactions retried like Busy.
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Chunk from "effect/Chunk"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { readdirSync } from "node:fs"
import { Database } from "../../src/Database.js"
import { DatabaseError } from "../../src/Errors.js"
import { freshPostgresUrl, layerPostgres } from "../support/Postgres.js"
import { failureOf, withDatabase } from "../support/Effects.js"

const packageVersions = readdirSync(new URL("../../migrations/postgres", import.meta.url))
  .filter((file) => file.endsWith(".sql"))
  .map((file) => Number(file.split("_")[0]))

const sqliteVersions = readdirSync(new URL("../../migrations/sqlite", import.meta.url))
  .filter((file) => file.endsWith(".sql"))
  .map((file) => file.replace(/\.sql$/, ""))

const Tables = Schema.Array(Schema.Struct({ table_name: Schema.String }))
const Counter = Schema.Tuple(Schema.Struct({ n: Schema.NumberFromString }))

describe("PostgreSQL Database.layer", () => {
  it("has one PostgreSQL migration for every SQLite one, with the same version and name", () => {
    const postgres = readdirSync(new URL("../../migrations/postgres", import.meta.url)).map((file) => file.replace(/\.sql$/, ""))
    expect(postgres.sort()).toEqual(sqliteVersions.sort())
  })

  it.scoped("opens, migrates, reports the server version, and a second opening applies nothing", () =>
    Effect.gen(function*() {
      const url = yield* freshPostgresUrl
      const health = yield* withDatabase({ url }, Effect.flatMap(Database, (db) => db.health))
      expect(health.dialect).toBe("pg")
      if (health.dialect !== "pg") return
      expect(health.serverVersion).toMatch(/^\d+\.\d+/)
      expect(health.serverVersionNumber).toBeGreaterThanOrEqual(130000)
      expect(health.poolSize).toBe(10)
      expect(health.migration?.version).toBe(Math.max(...packageVersions))
      const tables = yield* withDatabase(
        { url },
        Effect.flatMap(SqlClient.SqlClient, (sql) =>
          sql`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`.pipe(
            Effect.flatMap(Schema.decodeUnknown(Tables))
          ))
      )
      expect(tables.map((row) => row.table_name)).toEqual(expect.arrayContaining([
        "audit_logs",
        "lessons",
        "trajectories",
        "records",
        "agents",
        "langgraph_checkpoints",
        "llm_usage",
        "logbook_migrations"
      ]))
      const again = yield* withDatabase({ url, migrate: "verify" }, Effect.flatMap(Database, (db) => db.health))
      expect(again.migration).toEqual(health.migration)
    }))

  it.scoped("shows the URL without its password", () =>
    Effect.gen(function*() {
      const url = new URL(yield* freshPostgresUrl)
      url.password = "s3cret-password"
      const health = yield* withDatabase({ url: url.toString() }, Effect.flatMap(Database, (db) => db.health))
      expect(health.url).not.toContain("s3cret-password")
      expect(health.url).toContain("***")
    }))

  it.scoped("opens at most poolSize connections", () =>
    Effect.gen(function*() {
      const url = yield* freshPostgresUrl
      const { health, pids } = yield* withDatabase(
        { url, poolSize: 3 },
        Effect.gen(function*() {
          const db = yield* Database
          const health = yield* db.health
          const pids = yield* Effect.forEach(
            Array.from({ length: 24 }, (_, i) => i),
            () =>
              db.sql`SELECT pg_backend_pid() AS pid, pg_sleep(0.02)`.pipe(
                Effect.flatMap(Schema.decodeUnknown(Schema.Array(Schema.Struct({ pid: Schema.Number }))))
              ),
            { concurrency: "unbounded" }
          )
          return { health, pids: new Set(pids.flat().map((row) => row.pid)) }
        })
      )
      expect(health).toMatchObject({ dialect: "pg", poolSize: 3 })
      expect(pids.size).toBeLessThanOrEqual(3)
      expect(pids.size).toBeGreaterThanOrEqual(2)
    }))

  it.effect("refuses a pool size that is not a whole number of at least 1", () =>
    Effect.gen(function*() {
      for (const poolSize of [0, -1, 1.5, Number.NaN]) {
        const error = failureOf(yield* Effect.exit(withDatabase({ url: "postgres://127.0.0.1:1/none", poolSize }, Effect.void)))
        expect(error).toMatchObject({ _tag: "DatabaseError", reason: "Connection", operation: "Database.open" })
        expect(error.message).toContain("poolSize")
      }
    }))

  it.scoped("ends a statement that runs longer than statementTimeout", () =>
    Effect.gen(function*() {
      const url = yield* freshPostgresUrl
      const error = yield* withDatabase(
        { url, statementTimeout: "100 millis" },
        Effect.flatMap(Database, (db) =>
          db.transaction("Test.sleep", db.sql`SELECT pg_sleep(5)`).pipe(Effect.flip))
      )
      expect(error).toBeInstanceOf(DatabaseError)
      expect(error.message).toMatch(/statement timeout/)
      expect(error.operation).toBe("Test.sleep")
    }))

  it.scoped("retries a read-then-write transaction that lost a race, so no increment is lost", () =>
    Effect.gen(function*() {
      const url = yield* freshPostgresUrl
      const total = yield* withDatabase(
        { url, busyTimeout: "30 seconds" },
        Effect.gen(function*() {
          const db = yield* Database
          yield* db.sql`INSERT INTO configurations (scope, key, value) VALUES ('test', 'n', '0')`
          const increment = db.transaction(
            "Test.increment",
            Effect.gen(function*() {
              const [row] = yield* db.sql`SELECT value::text AS n FROM configurations WHERE scope = 'test' AND key = 'n'`.pipe(
                Effect.flatMap(Schema.decodeUnknown(Counter))
              )
              yield* db.sql`UPDATE configurations SET value = ${String(row.n + 1)} WHERE scope = 'test' AND key = 'n'`
            })
          )
          yield* Effect.all(Array.from({ length: 40 }, () => increment), { concurrency: 8 })
          const [row] = yield* db.sql`SELECT value::text AS n FROM configurations WHERE scope = 'test' AND key = 'n'`.pipe(
            Effect.flatMap(Schema.decodeUnknown(Counter))
          )
          return row.n
        })
      )
      expect(total).toBe(40)
    }))

  it.scoped("streams a query's rows through a cursor", () =>
    Effect.gen(function*() {
      const rows = yield* Effect.flatMap(SqlClient.SqlClient, (sql) =>
        Stream.runCollect(sql`SELECT n FROM generate_series(1, 1000) AS n`.stream)).pipe(
          Effect.provide(layerPostgres({ migrate: "off" }))
        )
      expect(Chunk.size(rows)).toBe(1000)
      expect(Chunk.unsafeLast(rows)).toEqual({ n: 1000 })
    }))

  it.scoped("Database.layerConfig opens LOGBOOK_DATABASE_URL with LOGBOOK_POOL_SIZE", () =>
    Effect.gen(function*() {
      const url = yield* freshPostgresUrl
      const environment = ConfigProvider.fromMap(new Map([["LOGBOOK_DATABASE_URL", url], ["LOGBOOK_POOL_SIZE", "4"]]))
      const context = yield* Layer.build(Database.layerConfig).pipe(Effect.withConfigProvider(environment))
      const health = yield* Effect.flatMap(Database, (db) => db.health).pipe(Effect.provide(context))
      expect(health).toMatchObject({ dialect: "pg", poolSize: 4, migration: { version: Math.max(...packageVersions) } })
    }))
})

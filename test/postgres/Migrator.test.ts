// The migrator on a real PostgreSQL server (LOGBOOK_TEST_PG_URL): migrate, status, verify,
// dry-run and rollback with logbook's own migrations/postgres, user migrations, the advisory
// lock, and five processes migrating one empty database at once.
import * as Reactivity from "@effect/experimental/Reactivity"
import * as SqlClient from "@effect/sql/SqlClient"
import * as PgClient from "@effect/sql-pg/PgClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { Database } from "../../src/Database.js"
import { MigrationError } from "../../src/Errors.js"
import { checksumOf } from "../../src/migrations/MigrationFile.js"
import { migrate, migrationDirectories, rollback, status, verify } from "../../src/migrations/Migrator.js"
import { MIGRATION_LOCK_KEY } from "../../src/migrations/PostgresLock.js"
import { runScript } from "../support/ChildProcess.js"
import { freshPostgresUrl } from "../support/Postgres.js"
import { tempDir } from "../support/TempDir.js"
import { failureOf, withDatabase } from "../support/Effects.js"

const migrationsFolder = new URL("../../migrations/postgres/", import.meta.url)
const packageFiles = readdirSync(migrationsFolder).filter((file) => file.endsWith(".sql")).sort()
const packageVersions = packageFiles.map((file) => Number(file.split("_")[0]))

const Names = Schema.Array(Schema.Struct({ name: Schema.String }))
const Tracked = Schema.Array(Schema.Struct({ version: Schema.Number, checksum: Schema.String }))

/** The tables of the public schema. */
const tables = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  sql`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`.pipe(
    Effect.flatMap(Schema.decodeUnknown(Names)),
    Effect.map((rows) => rows.map((row) => row.name))
  ))

const tracked = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  sql`SELECT version, checksum FROM logbook_migrations ORDER BY version`.pipe(Effect.flatMap(Schema.decodeUnknown(Tracked))))

describe("PostgreSQL migrations", () => {
  it.scoped("migrate, status, verify, dry-run and rollback of every migration down to an empty database and up again", () =>
    Effect.gen(function*() {
      const url = yield* freshPostgresUrl
      yield* withDatabase(
        { url, migrate: "off" },
        Effect.gen(function*() {
          const db = yield* Database
          const directories = db.migrationDirectories
          expect(directories[0]).toMatch(/migrations[/\\]postgres$/)
          const before = yield* status(directories)
          expect(before.map((s) => [s.version, s.state])).toEqual(packageVersions.map((v) => [v, "pending"]))
          expect(failureOf(yield* Effect.exit(verify(directories)))).toMatchObject({ reason: "Pending" })

          const plan = yield* migrate({ directories, dryRun: true })
          expect(plan.dryRun).toBe(true)
          expect(plan.pending.map((p) => p.version)).toEqual(packageVersions)
          expect(plan.pending[0]!.statements.join("\n")).toContain("CREATE TABLE workflow_states")
          expect(yield* tables).toEqual([])

          const applied = yield* migrate({ directories })
          expect(applied.applied.map((a) => a.version)).toEqual(packageVersions)
          yield* verify(directories)
          expect((yield* status(directories)).every((s) => s.state === "applied")).toBe(true)
          expect(yield* tracked).toEqual(packageFiles.map((file) => {
            const text = readFileSync(new URL(file, migrationsFolder), "utf8")
            const up = text.slice(text.indexOf("-- migrate:up") + "-- migrate:up".length, text.indexOf("-- migrate:down"))
            return { version: Number(file.split("_")[0]), checksum: checksumOf(up) }
          }))

          const rolledBack = yield* rollback({ directories, steps: packageVersions.length })
          expect(rolledBack.map((r) => r.version)).toEqual([...packageVersions].reverse())
          expect(yield* tables).toEqual(["logbook_migrations"])
          const routines = yield* Effect.flatMap(SqlClient.SqlClient, (sql) =>
            sql`SELECT routine_name AS name FROM information_schema.routines WHERE routine_schema = 'public'`.pipe(
              Effect.flatMap(Schema.decodeUnknown(Names))
            ))
          expect(routines).toEqual([])

          const again = yield* migrate({ directories })
          expect(again.applied.map((a) => a.version)).toEqual(packageVersions)
          yield* verify(directories)
        })
      )
    }))

  it.scoped("reads user migrations from the postgres/ subfolder and refuses one changed after it was applied", () =>
    Effect.gen(function*() {
      const url = yield* freshPostgresUrl
      const dir = yield* tempDir
      mkdirSync(path.join(dir, "sqlite"))
      mkdirSync(path.join(dir, "postgres"))
      writeFileSync(path.join(dir, "sqlite", "1001_notes.sql"), "-- migrate:up\nCREATE TABLE notes (id INTEGER PRIMARY KEY AUTOINCREMENT);\n")
      const file = path.join(dir, "postgres", "1001_notes.sql")
      writeFileSync(file, "-- migrate:up\nCREATE TABLE notes (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY);\n-- migrate:down\nDROP TABLE notes;\n")
      const applied = yield* withDatabase({ url, migrationsDirectories: [dir] }, tables)
      expect(applied).toContain("notes")
      writeFileSync(file, "-- migrate:up\nCREATE TABLE notes (id BIGINT PRIMARY KEY);\n-- migrate:down\nDROP TABLE notes;\n")
      const error = failureOf(yield* Effect.exit(withDatabase({ url, migrationsDirectories: [dir] }, Effect.void)))
      expect(error).toBeInstanceOf(MigrationError)
      expect(error).toMatchObject({ reason: "ChecksumMismatch", version: 1001 })
    }))

  it.scoped("waits for another migrator's advisory lock at most lockTimeout, then fails with Locked", () =>
    Effect.gen(function*() {
      const url = yield* freshPostgresUrl
      const holder = yield* PgClient.make({ url: Redacted.make(url), maxConnections: 1 }).pipe(Effect.provide(Reactivity.layer))
      yield* holder.withTransaction(Effect.gen(function*() {
        yield* holder.unsafe(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`)
        const error = failureOf(
          yield* Effect.exit(
            withDatabase({ url, migrate: "off" }, migrate({ directories: migrationDirectories([], "pg"), lockTimeout: "200 millis" }))
          )
        )
        expect(error).toMatchObject({ _tag: "MigrationError", reason: "Locked" })
      }))
      const plan = yield* withDatabase({ url, migrate: "off" }, migrate({ directories: migrationDirectories([], "pg") }))
      expect(plan.applied.map((a) => a.version)).toEqual(packageVersions)
    }))

  it.scoped("five processes migrating one empty database at once apply each migration once", () =>
    Effect.gen(function*() {
      const url = yield* freshPostgresUrl
      const results = yield* Effect.promise(() =>
        Promise.all(Array.from({ length: 5 }, () => runScript("test/postgres/fixtures/migrate.ts", [url])))
      )
      for (const result of results) expect(result, result.stderr).toMatchObject({ code: 0 })
      const appliedByEach = results.map((result) => Schema.decodeUnknownSync(Schema.parseJson(Schema.Array(Schema.Number)))(result.stdout.trim()))
      const all = appliedByEach.flat().sort((a, b) => a - b)
      expect(all).toEqual(packageVersions)
      const rows = yield* withDatabase({ url, migrate: "verify" }, tracked)
      expect(rows.map((row) => row.version)).toEqual(packageVersions)
    }), 120_000)
})

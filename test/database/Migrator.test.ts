import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import Sqlite from "better-sqlite3"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { Database } from "../../src/Database.js"
import { MigrationError } from "../../src/Errors.js"
import { migrate, migrationDirectories, rollback, status } from "../../src/migrations/Migrator.js"
import { runScript } from "../support/ChildProcess.js"
import { tempDir } from "../support/TempDir.js"
import { failureOf, withDatabase } from "../support/Effects.js"
import { eventually } from "../support/Poll.js"

const packageVersions = readdirSync(new URL("../../migrations/sqlite", import.meta.url))
  .filter((file) => file.endsWith(".sql"))
  .map((file) => Number(file.split("_")[0]))

const tables = (file: string) => {
  const db = new Sqlite(file, { readonly: true })
  try {
    return db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all().map((row) =>
      (row as { name: string }).name
    )
  } finally {
    db.close()
  }
}

const trackedRows = (file: string) => {
  const db = new Sqlite(file, { readonly: true })
  try {
    return db.prepare("SELECT version, applied_at FROM logbook_migrations ORDER BY version").all()
  } finally {
    db.close()
  }
}

const userMigration = (dir: string, name: string, text: string) => {
  writeFileSync(path.join(dir, name), text)
  return path.join(dir, name)
}

describe("Migrator", () => {
  it.scoped("migrates an empty database and a second acquisition is a no-op", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "nested", "logbook.db")
      const first = yield* withDatabase({ url }, Effect.flatMap(Database, (db) => db.health))
      expect(first).toMatchObject({ journalMode: "wal" })
      expect(first.migration?.version).toBe(Math.max(...packageVersions))
      expect(tables(url)).toEqual(expect.arrayContaining(["audit_logs", "lessons", "lessons_fts", "workflow_states"]))
      const before = trackedRows(url)
      expect(before.map((row) => (row as { version: number }).version)).toEqual(packageVersions)
      const plan = yield* withDatabase({ url }, migrate({ directories: migrationDirectories() }))
      expect(plan.applied).toEqual([])
      expect(trackedRows(url)).toEqual(before)
    }))

  it.scoped("a changed applied file is ChecksumMismatch naming it", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "db.sqlite")
      const file = userMigration(dir, "1001_widgets.sql", "-- migrate:up\nCREATE TABLE widgets (id INTEGER);\n-- migrate:down\nDROP TABLE widgets;\n")
      yield* withDatabase({ url, migrationsDirectories: [dir] }, Effect.void)
      writeFileSync(file, "-- migrate:up\nCREATE TABLE widgets (id INTEGER, name TEXT);\n-- migrate:down\nDROP TABLE widgets;\n")
      const error = failureOf(yield* Effect.exit(withDatabase({ url, migrationsDirectories: [dir] }, Effect.void)))
      expect(error).toBeInstanceOf(MigrationError)
      expect(error).toMatchObject({ reason: "ChecksumMismatch", version: 1001 })
      expect(error.message).toContain(file)
    }))

  it.scoped("line endings do not change a checksum", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "db.sqlite")
      const file = userMigration(dir, "1001_widgets.sql", "-- migrate:up\nCREATE TABLE widgets (id INTEGER);\n")
      yield* withDatabase({ url, migrationsDirectories: [dir] }, Effect.void)
      writeFileSync(file, readFileSync(file, "utf8").replace(/\n/g, "\r\n"))
      yield* withDatabase({ url, migrationsDirectories: [dir], migrate: "verify" }, Effect.void)
    }))

  it.scoped("a deleted applied file is Missing", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "db.sqlite")
      const file = userMigration(dir, "1001_widgets.sql", "-- migrate:up\nCREATE TABLE widgets (id INTEGER);\n")
      yield* withDatabase({ url, migrationsDirectories: [dir] }, Effect.void)
      rmSync(file)
      const error = failureOf(yield* Effect.exit(withDatabase({ url, migrationsDirectories: [dir] }, Effect.void)))
      expect(error).toMatchObject({ _tag: "MigrationError", reason: "Missing", version: 1001 })
    }))

  it.scoped("a pending version below an applied one of its folder is OutOfOrder", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "db.sqlite")
      userMigration(dir, "1002_b.sql", "-- migrate:up\nCREATE TABLE b (id INTEGER);\n")
      yield* withDatabase({ url, migrationsDirectories: [dir] }, Effect.void)
      userMigration(dir, "1001_a.sql", "-- migrate:up\nCREATE TABLE a (id INTEGER);\n")
      const error = failureOf(yield* Effect.exit(withDatabase({ url, migrationsDirectories: [dir] }, Effect.void)))
      expect(error).toMatchObject({ _tag: "MigrationError", reason: "OutOfOrder", version: 1001 })
      expect(tables(url)).not.toContain("a")
    }))

  it.scoped("a migration that fails half-way leaves none of its tables and no tracking row", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "db.sqlite")
      const file = userMigration(
        dir,
        "1001_broken.sql",
        "-- migrate:up\nCREATE TABLE first_half (id INTEGER);\nCREATE TABLE second_half (id INTEGER);\nINSERT INTO no_such_table VALUES (1);\n"
      )
      const error = failureOf(yield* Effect.exit(withDatabase({ url, migrationsDirectories: [dir] }, Effect.void)))
      expect(error).toMatchObject({ _tag: "MigrationError", reason: "Failed", version: 1001 })
      expect(error.message).toContain(file)
      expect(error.message).toContain("statement 3")
      expect(error.message).toContain("no_such_table")
      expect(tables(url)).not.toContain("first_half")
      expect(tables(url)).not.toContain("second_half")
      expect(trackedRows(url).map((row) => (row as { version: number }).version)).toEqual(packageVersions)
    }))

  it.scoped("a trigger body and a ';' inside a string survive the split", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "db.sqlite")
      userMigration(
        dir,
        "1001_trigger.sql",
        `-- migrate:up
CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT, kind TEXT);
CREATE TABLE note_log (note_id INTEGER, message TEXT);
-- a comment; with a semicolon
CREATE TRIGGER notes_ai AFTER INSERT ON notes
BEGIN
  INSERT INTO note_log (note_id, message) VALUES (new.id, 'inserted; really');
  UPDATE notes SET kind = CASE WHEN new.body LIKE '%;%' THEN 'semi' ELSE 'plain' END WHERE id = new.id;
END;
/* block; comment */
INSERT INTO notes (body) VALUES ('a;b');
-- migrate:down
DROP TRIGGER notes_ai;
DROP TABLE note_log;
DROP TABLE notes;
`
      )
      const rows = yield* withDatabase(
        { url, migrationsDirectories: [dir] },
        Effect.flatMap(SqlClient.SqlClient, (sql) =>
          sql`SELECT n.body, n.kind, l.message FROM notes n JOIN note_log l ON l.note_id = n.id`)
      )
      expect(rows).toEqual([{ body: "a;b", kind: "semi", message: "inserted; really" }])
    }))

  it.scoped("rollback then migrate again round-trips", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "db.sqlite")
      userMigration(dir, "1001_widgets.sql", "-- migrate:up\nCREATE TABLE widgets (id INTEGER);\n-- migrate:down\nDROP TABLE widgets;\n")
      userMigration(dir, "1002_gadgets.sql", "-- migrate:up\nCREATE TABLE gadgets (id INTEGER);\n-- migrate:down\nDROP TABLE gadgets;\n")
      const directories = migrationDirectories([dir])
      yield* withDatabase({ url, migrationsDirectories: [dir] }, Effect.void)
      const schemaBefore = tables(url)
      const rolledBack = yield* withDatabase({ url, migrate: "off" }, rollback({ directories, steps: 2 }))
      expect(rolledBack.map((step) => step.version)).toEqual([1002, 1001])
      expect(tables(url)).not.toContain("widgets")
      expect(tables(url)).not.toContain("gadgets")
      const statuses = yield* withDatabase({ url, migrate: "off" }, status(directories))
      expect(statuses.filter((s) => s.state === "pending").map((s) => s.version)).toEqual([1001, 1002])
      yield* withDatabase({ url, migrationsDirectories: [dir] }, Effect.void)
      expect(tables(url)).toEqual(schemaBefore)
    }))

  it.scoped("rollback refuses a migration without a down section", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "db.sqlite")
      userMigration(dir, "1001_widgets.sql", "-- migrate:up\nCREATE TABLE widgets (id INTEGER);\n")
      yield* withDatabase({ url, migrationsDirectories: [dir] }, Effect.void)
      const error = failureOf(
        yield* Effect.exit(withDatabase({ url, migrate: "off" }, rollback({ directories: migrationDirectories([dir]), steps: 1 })))
      )
      expect(error).toMatchObject({ _tag: "MigrationError", reason: "BadFile", version: 1001 })
      expect(tables(url)).toContain("widgets")
    }))

  it.scoped("rollback refuses a step count below 1 or not whole and rolls back nothing", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "db.sqlite")
      userMigration(dir, "1001_widgets.sql", "-- migrate:up\nCREATE TABLE widgets (id INTEGER);\n-- migrate:down\nDROP TABLE widgets;\n")
      const directories = migrationDirectories([dir])
      yield* withDatabase({ url, migrationsDirectories: [dir] }, Effect.void)
      const schemaBefore = tables(url)
      const trackedBefore = trackedRows(url)
      for (const steps of [-1, 0, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        const error = failureOf(yield* Effect.exit(withDatabase({ url, migrate: "off" }, rollback({ directories, steps }))))
        expect(error).toBeInstanceOf(MigrationError)
        expect(error).toMatchObject({ _tag: "MigrationError", reason: "Failed", version: null })
        expect(error.message).toContain("at least 1")
        expect(tables(url)).toEqual(schemaBefore)
        expect(trackedRows(url)).toEqual(trackedBefore)
      }
    }))

  it.scoped("dry-run returns the plan with its SQL and writes nothing", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "db.sqlite")
      const plan = yield* withDatabase({ url, migrate: "off" }, migrate({ directories: migrationDirectories(), dryRun: true }))
      expect(plan.dryRun).toBe(true)
      expect(plan.pending.map((step) => step.version)).toEqual(packageVersions)
      expect(plan.pending[0]!.statements.some((statement) => statement.startsWith("CREATE TABLE workflow_states"))).toBe(true)
      expect(tables(url)).toEqual([])
    }))

  it.scoped("migrate --to stops at that version", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "db.sqlite")
      userMigration(dir, "1001_widgets.sql", "-- migrate:up\nCREATE TABLE widgets (id INTEGER);\n")
      userMigration(dir, "1002_gadgets.sql", "-- migrate:up\nCREATE TABLE gadgets (id INTEGER);\n")
      const plan = yield* withDatabase({ url, migrate: "off" }, migrate({ directories: migrationDirectories([dir]), to: 1001 }))
      expect(plan.applied.map((step) => step.version)).toEqual([...packageVersions, 1001])
      expect(tables(url)).toContain("widgets")
      expect(tables(url)).not.toContain("gadgets")
    }))

  it.scoped("verify mode fails on a pending migration without writing", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "db.sqlite")
      const error = failureOf(yield* Effect.exit(withDatabase({ url, migrate: "verify" }, Effect.void)))
      expect(error).toMatchObject({ _tag: "MigrationError", reason: "Pending" })
      expect(tables(url)).toEqual([])
    }))

  it.scoped("a file without an up section is BadFile", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      userMigration(dir, "1001_empty.sql", "CREATE TABLE x (id INTEGER);\n")
      const error = failureOf(
        yield* Effect.exit(withDatabase({ url: path.join(dir, "db.sqlite"), migrationsDirectories: [dir] }, Effect.void))
      )
      expect(error).toMatchObject({ _tag: "MigrationError", reason: "BadFile", version: 1001 })
    }))

  it.scoped("an up section of only comments and semicolons is BadFile", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      userMigration(dir, "1001_comments.sql", "-- migrate:up\n-- nothing; here\n/* nor; here */ ;\n;\n-- migrate:down\nDROP TABLE x;\n")
      const error = failureOf(
        yield* Effect.exit(withDatabase({ url: path.join(dir, "db.sqlite"), migrationsDirectories: [dir] }, Effect.void))
      )
      expect(error).toMatchObject({ _tag: "MigrationError", reason: "BadFile", version: 1001 })
      expect(error.message).toContain("the up section has no statement")
    }))

  it.scopedLive("on SQLite a migrator waits for another process's write lock past busyTimeout, up to lockTimeout", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "waiting.db")
      const options = { url, migrate: "off", busyTimeout: "100 millis" } as const
      // A new database in WAL mode, its write lock then held by another process until told.
      yield* withDatabase(options, Effect.void)
      let held = false
      let released = false
      let release = () => {}
      const holder = runScript("test/faults/fixtures/holdLock.ts", [url, "60000"], {
        onStdout: (chunk, signal) => {
          release = () => signal("SIGUSR1")
          if (chunk.includes("HELD")) held = true
          if (chunk.includes("RELEASED")) released = true
        }
      })
      yield* eventually(Effect.suspend(() => held ? Effect.void : Effect.fail("not held")))

      // Given up only once lockTimeout has passed, not at the statement's busyTimeout.
      const started = Date.now()
      const error = yield* withDatabase(options, Effect.flip(migrate({ directories: migrationDirectories(), lockTimeout: "600 millis" })))
      expect(Date.now() - started).toBeGreaterThanOrEqual(600)
      expect(error).toMatchObject({ _tag: "MigrationError", reason: "Locked" })

      // Held for ten busyTimeouts while a migrator waits: it applies every migration once the lock is let go.
      const waiting = yield* Effect.fork(withDatabase(options, migrate({ directories: migrationDirectories(), lockTimeout: "60 seconds" })))
      yield* Effect.sleep("1 second")
      expect(waiting.unsafePoll()).toBeNull()
      release()
      const plan = yield* Fiber.join(waiting)
      expect(plan.applied.map((step) => step.version)).toEqual(packageVersions)
      expect((yield* Effect.promise(() => holder)).code).toBe(0)
      expect(released).toBe(true)
      expect(trackedRows(url).map((row) => (row as { version: number }).version)).toEqual(packageVersions)
    }), 60_000)

  it.scoped("four processes opening one new database apply each migration exactly once", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "shared.db")
      const results = yield* Effect.promise(() =>
        Promise.all([1, 2, 3, 4].map(() => runScript("test/database/fixtures/open.ts", [url])))
      )
      for (const result of results) {
        expect(result.stderr).toBe("")
        expect(result.code).toBe(0)
      }
      const versions = trackedRows(url).map((row) => (row as { version: number }).version)
      expect(versions).toEqual(packageVersions)
    }), 60_000)
})

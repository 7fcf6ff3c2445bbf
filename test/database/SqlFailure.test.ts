import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import Sqlite from "better-sqlite3"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as path from "node:path"
import { Database } from "../../src/Database.js"
import { withDatabaseErrors } from "../../src/database/SqlFailure.js"
import { tempDir } from "../support/TempDir.js"

const fileDatabase = (url: string, busyTimeout: Duration.DurationInput = "20 millis") =>
  Effect.flatMap(Layer.build(Database.layer({ url, busyTimeout })), (context) =>
    Effect.succeed(Effect.provide(context)))

describe("SQLite failures reach callers as DatabaseError", () => {
  it.scoped("a constraint violation is reason Constraint with the operation", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const provide = yield* fileDatabase(path.join(dir, "db.sqlite"))
      const insert = Effect.flatMap(SqlClient.SqlClient, (sql) =>
        sql`INSERT INTO configurations (scope, key, value) VALUES ('global', 'k', '1')`)
      const error = yield* provide(insert.pipe(Effect.zipRight(insert), withDatabaseErrors("Test.insertTwice"), Effect.flip))
      expect(error).toMatchObject({ _tag: "DatabaseError", reason: "Constraint", operation: "Test.insertTwice" })
      expect(error.message).toMatch(/UNIQUE constraint failed/)
    }))

  it.scoped("a write to a read-only connection is reason ReadOnly", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const provide = yield* fileDatabase(path.join(dir, "db.sqlite"))
      const error = yield* provide(
        Effect.flatMap(SqlClient.SqlClient, (sql) =>
          sql.unsafe("PRAGMA query_only = ON").pipe(
            Effect.zipRight(sql`INSERT INTO configurations (scope, key, value) VALUES ('global', 'k', '1')`)
          )).pipe(withDatabaseErrors("Test.readOnly"), Effect.flip)
      )
      expect(error).toMatchObject({ _tag: "DatabaseError", reason: "ReadOnly", operation: "Test.readOnly" })
    }))

  it.scoped("a write blocked by another connection's lock is reason Busy once busyTimeout is spent, not later", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "db.sqlite")
      const provide = yield* fileDatabase(url, "300 millis")
      const other = new Sqlite(url)
      other.exec("BEGIN IMMEDIATE")
      const started = Date.now()
      const error = yield* provide(
        Effect.flatMap(SqlClient.SqlClient, (sql) => sql`INSERT INTO configurations (scope, key, value) VALUES ('global', 'k', '1')`)
          .pipe(withDatabaseErrors("Test.busy"), Effect.flip)
      ).pipe(Effect.ensuring(Effect.sync(() => {
        other.exec("ROLLBACK")
        other.close()
      })))
      expect(error).toMatchObject({ _tag: "DatabaseError", reason: "Busy", operation: "Test.busy" })
      const waited = Date.now() - started
      expect(waited).toBeGreaterThanOrEqual(300)
      expect(waited).toBeLessThan(1_500)
    }))

  it.scoped("a lock released within busyTimeout is waited out: the caller never sees Busy", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "db.sqlite")
      const provide = yield* fileDatabase(url, "5 seconds")
      const other = new Sqlite(url)
      other.exec("BEGIN IMMEDIATE")
      const release = setTimeout(() => {
        other.exec("ROLLBACK")
        other.close()
      }, 300)
      yield* Effect.addFinalizer(() => Effect.sync(() => clearTimeout(release)))
      yield* provide(
        Effect.flatMap(SqlClient.SqlClient, (sql) => sql`INSERT INTO configurations (scope, key, value) VALUES ('global', 'k', '1')`)
          .pipe(withDatabaseErrors("Test.busyThenFree"))
      )
    }))

  it.scoped("a file that is not a database is reason Corrupt when opened", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "not-a-db.sqlite")
      const { writeFileSync } = yield* Effect.promise(() => import("node:fs"))
      writeFileSync(url, "this is not a SQLite database, just text that is long enough to have a header".repeat(20))
      const error = yield* Effect.flip(Layer.build(Database.layer({ url })))
      expect(error).toMatchObject({ _tag: "DatabaseError", reason: "Corrupt", operation: "Database.open" })
    }))
})

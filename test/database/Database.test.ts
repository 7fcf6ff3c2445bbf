import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { readdirSync } from "node:fs"
import * as path from "node:path"
import { Database, type DatabaseOptions } from "../../src/Database.js"
import { locate } from "../../src/database/DatabaseOptions.js"
import { MINIMUM_SQLITE_VERSION, versionAtLeast } from "../../src/database/Sqlite.js"
import { tempDir } from "../support/TempDir.js"

describe("Database", () => {
  it("compares SQLite versions numerically against the minimum", () => {
    expect(versionAtLeast("3.51.3", MINIMUM_SQLITE_VERSION)).toBe(true)
    expect(versionAtLeast("3.53.2", MINIMUM_SQLITE_VERSION)).toBe(true)
    expect(versionAtLeast("3.51.2", MINIMUM_SQLITE_VERSION)).toBe(false)
    expect(versionAtLeast("3.9.0", MINIMUM_SQLITE_VERSION)).toBe(false)
    expect(versionAtLeast("4.0", MINIMUM_SQLITE_VERSION)).toBe(true)
  })

  it("reads file paths, file: URLs and :memory:", () => {
    expect(locate(":memory:")).toEqual({ _tag: "Memory" })
    expect(locate("file::memory:")).toEqual({ _tag: "Memory" })
    expect(locate("file:/tmp/a%20b.db?mode=rwc")).toEqual({ _tag: "File", filename: "/tmp/a b.db" })
    expect(locate("/tmp/x.db")).toEqual({ _tag: "File", filename: "/tmp/x.db" })
    expect(locate("postgres://localhost/db")._tag).toBe("Postgres")
  })

  it("takes plain paths literally: no query stripping, no percent-decoding, no throw", () => {
    expect(locate("./data/100%.db")).toEqual({ _tag: "File", filename: path.resolve("./data/100%.db") })
    expect(locate("a%20b.db")).toEqual({ _tag: "File", filename: path.resolve("a%20b.db") })
    expect(locate("./x?y.db")).toEqual({ _tag: "File", filename: path.resolve("./x?y.db") })
    expect(locate("/tmp/r#1.db")).toEqual({ _tag: "File", filename: "/tmp/r#1.db" })
    expect(locate("/tmp/%E2%82%AC.db")).toEqual({ _tag: "File", filename: "/tmp/%E2%82%AC.db" })
  })

  it("decodes file: URLs only, keeping a malformed percent-escape as it is", () => {
    expect(locate("file:/tmp/%E2%82%AC.db")).toEqual({ _tag: "File", filename: "/tmp/\u20ac.db" })
    expect(locate("file:///tmp/x.db?mode=ro")).toEqual({ _tag: "File", filename: "/tmp/x.db" })
    expect(locate("file://localhost/tmp/x.db")).toEqual({ _tag: "File", filename: "/tmp/x.db" })
    expect(locate("file:rel.db#part")).toEqual({ _tag: "File", filename: path.resolve("rel.db") })
    expect(locate("file:/tmp/100%.db")).toEqual({ _tag: "File", filename: "/tmp/100%.db" })
    expect(locate("file:/tmp/a%20b%zz.db?x=1")).toEqual({ _tag: "File", filename: "/tmp/a b%zz.db" })
    expect(locate("file:/tmp/%FF.db")).toEqual({ _tag: "File", filename: "/tmp/%FF.db" })
    expect(locate("file::memory:?cache=shared")).toEqual({ _tag: "Memory" })
  })

  it.scoped("opens files named 100%.db, a%20b.db and x?y.db under exactly those names", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      for (const name of ["100%.db", "a%20b.db", "x?y.db"]) {
        const url = path.join(dir, name)
        const filename = yield* Effect.map(Database, (db) => db.filename).pipe(Effect.provide(Database.layer({ url })))
        expect(filename).toEqual(Option.some(url))
      }
      const names = readdirSync(dir)
      expect(names).toEqual(expect.arrayContaining(["100%.db", "a%20b.db", "x?y.db"]))
      expect(names).not.toContain("a b.db")
      expect(names).not.toContain("x")
    }))

  it.scoped("a malformed busyTimeout fails opening with a DatabaseError, not a defect", () =>
    Effect.gen(function*() {
      // Options as read from a JSON configuration file, unchecked by the compiler.
      const malformed: ReadonlyArray<DatabaseOptions> = [
        JSON.parse(`{ "url": ":memory:", "busyTimeout": "5 parsecs" }`),
        JSON.parse(`{ "url": ":memory:", "busyTimeout": { "seconds": 5 } }`),
        { url: ":memory:", busyTimeout: Number.NaN },
        { url: ":memory:", busyTimeout: Duration.infinity }
      ]
      for (const options of malformed) {
        const exit = yield* Effect.exit(Layer.build(Database.layer(options)))
        expect(Exit.isFailure(exit) && exit.cause._tag === "Fail").toBe(true)
        const error = yield* Effect.flip(Layer.build(Database.layer(options)))
        expect(error).toMatchObject({ _tag: "DatabaseError", reason: "Connection", operation: "Database.open" })
        expect(error.message).toMatch(/^invalid busyTimeout /)
        expect(error.message).not.toContain("\n")
      }
      const fine = yield* Effect.map(Database, (db) => Duration.toMillis(db.options.busyTimeout)).pipe(
        Effect.provide(Database.layer({ url: ":memory:", busyTimeout: "250 millis" }))
      )
      expect(fine).toBe(250)
    }))

  it.scoped("a file database is in WAL with foreign keys, full sync, and reports its health", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "a", "b", "health.db")
      const health = yield* Effect.flatMap(Database, (db) => db.health).pipe(Effect.provide(Database.layer({ url })))
      expect(health).toMatchObject({ dialect: "sqlite", journalMode: "wal", synchronous: "full", foreignKeys: true })
      expect(health.dialect === "sqlite" && versionAtLeast(health.sqliteVersion, MINIMUM_SQLITE_VERSION)).toBe(true)
      expect(health.migration?.name).toBeTypeOf("string")
      const normal = yield* Effect.flatMap(Database, (db) => db.health).pipe(
        Effect.provide(Database.layer({ url, synchronous: "normal" }))
      )
      expect(normal).toMatchObject({ synchronous: "normal" })
    }))

  it.scoped("a PostgreSQL URL is refused with a clear error in this build", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Layer.build(Database.layer({ url: "postgres://127.0.0.1:1/none" })))
      expect(error).toMatchObject({ _tag: "DatabaseError", reason: "Connection", operation: "Database.open" })
    }))
})

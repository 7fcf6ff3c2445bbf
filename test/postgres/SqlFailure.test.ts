// The reason of a DatabaseError read from the SQLSTATE of real PostgreSQL server errors
// (LOGBOOK_TEST_PG_URL): each reachable code is produced on a real server, not simulated.
import * as SqlClient from "@effect/sql/SqlClient"
import { SqlError } from "@effect/sql/SqlError"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { execFileSync } from "node:child_process"
import { chownSync, mkdtempSync, rmdirSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { Database } from "../../src/Database.js"
import { driverCode, toDatabaseError, withDatabaseErrors } from "../../src/database/SqlFailure.js"
import { DatabaseError } from "../../src/Errors.js"
import { eventually } from "../support/Poll.js"
import { freshPostgresUrl, onServer } from "../support/Postgres.js"

/** A migrated database of its own, with its `Database` and `SqlClient`, for the scope. */
const database = Effect.flatMap(freshPostgresUrl, (url) => Layer.build(Database.layer({ url })))

/** The driver's `SqlError` an effect ended with, as a failure or (a failed COMMIT) as a defect. */
const sqlErrorOf = <A, E>(exit: Exit.Exit<A, E>): SqlError => {
  if (Exit.isSuccess(exit)) throw new Error("expected a failure")
  const failure = Option.getOrUndefined(Cause.failureOption(exit.cause))
  if (failure instanceof SqlError) return failure
  const defect = Cause.dieOption(exit.cause)
  if (Option.isSome(defect) && defect.value instanceof SqlError) return defect.value
  throw new Error(`expected a SqlError, got ${Cause.pretty(exit.cause)}`)
}

const codeOf = (error: SqlError) => Option.getOrUndefined(driverCode(error.cause))

const Pid = Schema.Tuple(Schema.Struct({ pid: Schema.Number }))

/**
 * A full disk needs a tablespace on a small tmpfs that the server can write: the server of
 * scripts/postgres.sh (LOGBOOK_TEST_PG_DIR), on this machine, with the suite running as root.
 */
const localServerAsRoot = Boolean(process.env["LOGBOOK_TEST_PG_DIR"]) && process.getuid?.() === 0
if (!localServerAsRoot) {
  console.log("logbook: the PostgreSQL full-disk spec needs the local test server of scripts/postgres.sh and root; not run")
}

/** A 1 MiB tmpfs owned by the server's user, mounted for the scope. */
const smallDisk = Effect.acquireRelease(
  Effect.sync(() => {
    const dir = mkdtempSync(path.join(tmpdir(), "logbook-pg-full-"))
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", dir])
    // As root, scripts/postgres.sh runs the server as the postgres user.
    chownSync(dir, Number(execFileSync("id", ["-u", "postgres"]).toString().trim()), -1)
    return dir
  }),
  (dir) =>
    Effect.sync(() => {
      execFileSync("umount", [dir])
      rmdirSync(dir)
    })
)

describe("PostgreSQL errors", () => {
  it.scoped("a unique violation (23505) is Constraint", () =>
    Effect.gen(function*() {
      const context = yield* database
      const sql = Context.get(context, SqlClient.SqlClient)
      const insert = sql`INSERT INTO configurations (scope, key, value) VALUES ('s', 'k', '1')`
      yield* insert
      const error = yield* insert.pipe(withDatabaseErrors("Test.insert"), Effect.flip)
      expect(error).toBeInstanceOf(DatabaseError)
      expect(error).toMatchObject({ reason: "Constraint", operation: "Test.insert" })
      expect(Option.getOrUndefined(driverCode(error.cause))).toBe("23505")
    }))

  it.scoped("an update of an append-only table (23001 from its trigger) is Constraint", () =>
    Effect.gen(function*() {
      const context = yield* database
      const sql = Context.get(context, SqlClient.SqlClient)
      yield* sql`INSERT INTO audit_logs (action, category) VALUES ('a', 'user')`
      const error = yield* sql`UPDATE audit_logs SET action = 'b'`.pipe(withDatabaseErrors("Test.update"), Effect.flip)
      expect(error).toMatchObject({ reason: "Constraint", message: expect.stringContaining("append-only") })
    }))

  it.scoped("a write in a read-only transaction (25006) is ReadOnly", () =>
    Effect.gen(function*() {
      const context = yield* database
      const sql = Context.get(context, SqlClient.SqlClient)
      const error = yield* sql.withTransaction(
        Effect.zipRight(sql`SET TRANSACTION READ ONLY`, sql`INSERT INTO configurations (scope, key, value) VALUES ('s', 'k', '1')`)
      ).pipe(withDatabaseErrors("Test.readOnly"), Effect.flip)
      expect(error).toMatchObject({ reason: "ReadOnly", operation: "Test.readOnly" })
      expect(Option.getOrUndefined(driverCode(error.cause))).toBe("25006")
    }))

  it.scoped("a transaction that lost a race on two connections (40001) is Busy", () =>
    Effect.gen(function*() {
      const context = yield* database
      const sql = Context.get(context, SqlClient.SqlClient)
      yield* sql`INSERT INTO configurations (scope, key, value) VALUES ('s', 'n', '0')`
      const read = sql`SELECT value FROM configurations WHERE scope = 's' AND key = 'n'`
      const write = (value: string) => sql`UPDATE configurations SET value = ${value} WHERE scope = 's' AND key = 'n'`
      const readA = yield* Deferred.make<void>()
      const readB = yield* Deferred.make<void>()
      const committedA = yield* Deferred.make<void>()
      const a = yield* sql.withTransaction(Effect.gen(function*() {
        yield* read
        yield* Deferred.succeed(readA, void 0)
        yield* Deferred.await(readB)
        yield* write("1")
      })).pipe(Effect.ensuring(Deferred.succeed(committedA, void 0)), Effect.fork)
      const b = yield* sql.withTransaction(Effect.gen(function*() {
        yield* Deferred.await(readA)
        yield* read
        yield* Deferred.succeed(readB, void 0)
        yield* Deferred.await(committedA)
        yield* write("2")
      })).pipe(Effect.exit, Effect.fork)
      yield* Fiber.join(a)
      const error = sqlErrorOf(yield* Fiber.join(b))
      expect(codeOf(error)).toBe("40001")
      expect(toDatabaseError("Test.race")(error).reason).toBe("Busy")
    }))

  it.scoped("a deadlock between two connections (40P01) is Busy", () =>
    Effect.gen(function*() {
      const context = yield* database
      const sql = Context.get(context, SqlClient.SqlClient)
      yield* sql`INSERT INTO configurations (scope, key, value) VALUES ('s', 'x', '0'), ('s', 'y', '0')`
      const write = (key: string) => sql`UPDATE configurations SET value = '1' WHERE scope = 's' AND key = ${key}`
      const lockedA = yield* Deferred.make<void>()
      const lockedB = yield* Deferred.make<void>()
      const crossing = (first: string, second: string, mine: Deferred.Deferred<void>, theirs: Deferred.Deferred<void>) =>
        sql.withTransaction(Effect.gen(function*() {
          yield* write(first)
          yield* Deferred.succeed(mine, void 0)
          yield* Deferred.await(theirs)
          yield* write(second)
        })).pipe(Effect.exit)
      const exits = yield* Effect.all([crossing("x", "y", lockedA, lockedB), crossing("y", "x", lockedB, lockedA)], {
        concurrency: 2
      })
      const failed = exits.filter(Exit.isFailure)
      expect(failed).toHaveLength(1)
      const error = sqlErrorOf(failed[0]!)
      expect(codeOf(error)).toBe("40P01")
      expect(toDatabaseError("Test.deadlock")(error).reason).toBe("Busy")
    }))

  it.scoped("a connection the server ended (57P01) is Connection", () =>
    Effect.gen(function*() {
      const context = yield* database
      const sql = Context.get(context, SqlClient.SqlClient)
      const marker = `logbook-terminate-${Date.now()}`
      const sleeper = yield* sql.unsafe(`SELECT pg_sleep(30), '${marker}'`).pipe(Effect.exit, Effect.fork)
      const [victim] = yield* eventually(
        sql`SELECT pid FROM pg_stat_activity WHERE query LIKE ${`%${marker}'`} AND pid <> pg_backend_pid()`.pipe(
          Effect.flatMap(Schema.decodeUnknown(Pid))
        )
      )
      yield* sql`SELECT pg_terminate_backend(${victim.pid})`
      const error = sqlErrorOf(yield* Fiber.join(sleeper))
      expect(codeOf(error)).toBe("57P01")
      expect(toDatabaseError("Test.sleep")(error).reason).toBe("Connection")
    }))

  it.effect("a server that refuses the connection (a closed port) is Connection at opening", () =>
    Effect.gen(function*() {
      const port = yield* Effect.async<number>((resume) => {
        const server = createServer()
        server.listen(0, "127.0.0.1", () => {
          const address = server.address()
          const port = typeof address === "object" && address !== null ? address.port : 0
          server.close(() => resume(Effect.succeed(port)))
        })
      })
      const error = yield* Layer.build(Database.layer({ url: `postgres://logbook:pw@127.0.0.1:${port}/none` })).pipe(
        Effect.scoped,
        Effect.flip
      )
      expect(error).toMatchObject({ _tag: "DatabaseError", reason: "Connection", operation: "Database.open" })
      expect(error.message).toContain(`127.0.0.1:${port}`)
      expect(error.message).not.toContain(":pw@")
    }))

  if (localServerAsRoot) {
    it.scoped("a write that finds the disk full (53100) is Full", () =>
      Effect.gen(function*() {
        const context = yield* database
        const sql = Context.get(context, SqlClient.SqlClient)
        const disk = yield* smallDisk
        const tablespace = `logbook_full_${Date.now()}`
        yield* Effect.acquireRelease(
          onServer(`CREATE TABLESPACE ${tablespace} LOCATION '${disk}'`),
          () => Effect.zipRight(Effect.ignore(sql`DROP TABLE IF EXISTS fill`), onServer(`DROP TABLESPACE IF EXISTS ${tablespace}`))
        )
        yield* sql.unsafe(`CREATE TABLE fill (x text) TABLESPACE ${tablespace}`)
        const error = yield* sql`INSERT INTO fill SELECT repeat(md5(g::text), 100) FROM generate_series(1, 100000) AS g`.pipe(
          withDatabaseErrors("Test.fill"),
          Effect.flip
        )
        expect(error).toMatchObject({ reason: "Full", operation: "Test.fill" })
        expect(Option.getOrUndefined(driverCode(error.cause))).toBe("53100")
      }))
  }
})

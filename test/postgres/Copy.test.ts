// `logbook copy` between SQLite and a real PostgreSQL server (LOGBOOK_TEST_PG_URL): the demo
// database to PostgreSQL and back gives the same exports, a second run writes nothing, the
// identity sequences follow the copied keys, and what PostgreSQL cannot store or a target that
// differs is a clear failure.
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import Sqlite from "better-sqlite3"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as path from "node:path"
import { logbook, oneLineError } from "../support/Cli.js"
import { withDatabase } from "../support/Effects.js"
import { freshPostgresUrl } from "../support/Postgres.js"
import { tempDir } from "../support/TempDir.js"

const run = (args: ReadonlyArray<string>) => Effect.promise(() => logbook(args))

interface Report {
  readonly rows: number
  readonly inserted: number
  readonly tables: ReadonlyArray<{ table: string; sourceRows: number; targetRows: number; inserted: number; sourceChecksum: string; targetChecksum: string }>
}

const copied = (args: ReadonlyArray<string>) =>
  Effect.map(run(["copy", ...args, "--json"]), (result): Report => {
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).toBe("")
    return JSON.parse(result.stdout)
  })

/** What the export and listing commands print, parsed: JSON Lines as one value per line. */
const exports = (database: string) =>
  Effect.forEach(
    [
      ["audit", "export", "--format", "jsonl"],
      ["trajectories", "export"],
      ["stats", "--json"],
      ["traces", "list", "--project", "demo", "--json"],
      ["agents", "list", "--json"],
      ["sessions", "list", "--json"],
      ["lessons", "search", "config", "--json"]
    ],
    (args) =>
      Effect.map(run([...args, "--database", database]), (result) => {
        expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(0)
        const text = result.stdout.trim()
        return { command: args.join(" "), text, value: args.includes("export") ? text.split("\n").map((line) => JSON.parse(line)) : JSON.parse(text) }
      })
  )

const Id = Schema.Tuple(Schema.Struct({ id: Schema.NumberFromString }))

describe("logbook copy on PostgreSQL", () => {
  it.scopedLive("the demo database copied to PostgreSQL and back exports the same, and a second copy writes nothing", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const demo = path.join(dir, "demo.db")
      const back = path.join(dir, "back.db")
      const pg = yield* freshPostgresUrl
      expect((yield* run(["demo", "--database", demo])).code).toBe(0)

      const there = yield* copied(["--from", demo, "--to", pg])
      expect(there.rows).toBeGreaterThan(40)
      expect(there.inserted).toBe(there.rows)
      for (const table of there.tables) {
        expect(table.targetRows, table.table).toBe(table.sourceRows)
        expect(table.targetChecksum, table.table).toBe(table.sourceChecksum)
      }
      const again = yield* copied(["--from", demo, "--to", pg])
      expect(again.inserted).toBe(0)
      expect(again.rows).toBe(there.rows)

      const home = yield* copied(["--from", pg, "--to", back])
      expect(home.inserted).toBe(there.rows)
      expect(home.tables.map((t) => [t.table, t.sourceChecksum])).toEqual(there.tables.map((t) => [t.table, t.sourceChecksum]))

      const before = yield* exports(demo)
      const after = yield* exports(back)
      for (const [i, original] of before.entries()) {
        // jsonb keeps its keys sorted, so JSON columns come back with the same values, keys reordered.
        expect(after[i]!.value, original.command).toEqual(original.value)
      }
      expect(after.find((e) => e.command === "trajectories export")!.text).toBe(before.find((e) => e.command === "trajectories export")!.text)

      // The identity sequences were set past the copied keys: a new row gets the next one.
      const audits = there.tables.find((t) => t.table === "audit_logs")!.sourceRows
      const [next] = yield* withDatabase(
        { url: pg },
        Effect.flatMap(SqlClient.SqlClient, (sql) => sql`INSERT INTO audit_logs (action, category) VALUES ('after.copy', 'user') RETURNING id::text AS id`)
      ).pipe(Effect.flatMap(Schema.decodeUnknown(Id)))
      expect(next.id).toBe(audits + 1)
    }), 120_000)

  it.scopedLive("a NUL character is refused by name before anything of its page is written; a target holding other rows fails the verification", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const source = path.join(dir, "source.db")
      expect((yield* run(["migrate", "--database", source])).code).toBe(0)
      const db = new Sqlite(source)
      db.prepare("INSERT INTO audit_logs (action, category, details) VALUES ('ok', 'user', '{\"a\":1}')").run()
      db.prepare("INSERT INTO audit_logs (action, category, details) VALUES ('nul', 'user', '{\"a\":\"x\\u0000y\"}')").run()
      db.close()
      const pg = yield* freshPostgresUrl
      const refused = yield* run(["copy", "--from", source, "--to", pg])
      expect(refused.code).toBe(1)
      expect(oneLineError(refused)).toMatch(/audit_logs \(id=2\) column details holds the NUL character/)
      const [stored] = yield* withDatabase({ url: pg }, Effect.flatMap(SqlClient.SqlClient, (sql) => sql`SELECT count(*)::int AS n FROM audit_logs`))
      expect(stored).toEqual({ n: 0 })

      const clean = new Sqlite(source)
      clean.prepare("DELETE FROM audit_logs WHERE action = 'nul'").run()
      clean.close()
      yield* copied(["--from", source, "--to", pg])
      yield* withDatabase({ url: pg }, Effect.flatMap(SqlClient.SqlClient, (sql) => sql`INSERT INTO lessons (id, category, title, summary) VALUES ('extra', 'c', 't', 's')`))
      const different = yield* run(["copy", "--from", source, "--to", pg])
      expect(different.code).toBe(1)
      expect(oneLineError(different)).toMatch(/CopyMismatch: the copy differs from its source in lessons \(0 rows, checksum 00000000; copy 1 rows/)
    }), 120_000)
})

// Maintenance on a real PostgreSQL server (LOGBOOK_TEST_PG_URL): doctor (migrations, server,
// index validity, table sizes), rebuildSearch (REINDEX CONCURRENTLY of the GIN search indexes),
// and prune with an archive in the same format as SQLite's.
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { readFileSync } from "node:fs"
import * as path from "node:path"
import { gunzipSync } from "node:zlib"
import * as Maintenance from "../../src/Maintenance.js"
import { logbook } from "../support/Cli.js"
import { withDatabase } from "../support/Effects.js"
import { freshPostgresUrl } from "../support/Postgres.js"
import { tempDir } from "../support/TempDir.js"

const old = "2020-01-01T00:00:00.000Z"
const recent = new Date().toISOString()

/** The same rows, old and recent, written with the same statements on either dialect. */
const seed = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  for (const [id, at] of [[1, old], [2, old], [3, recent]] as const) {
    yield* sql`INSERT INTO audit_logs (id, timestamp, action, category, details) VALUES (${id}, ${at}, ${`act-${id}`}, 'user', ${'{"a":1,"list":[1,2.5,"x"],"nested":{"k":null}}'})`
    yield* sql`INSERT INTO llm_usage (id, provider, model, input_tokens, output_tokens, total_tokens, cost_usd, timestamp) VALUES (${id}, 'p', 'm', 10, 5, 15, 0.25, ${at})`
    yield* sql`INSERT INTO execution_traces (id, project_id, task_id, prompt, started_at) VALUES (${`trace-${id}`}, 'proj', 'task', 'go', ${at})`
    yield* sql`INSERT INTO agent_invocations (id, trace_id, agent, started_at) VALUES (${id}, ${`trace-${id}`}, 'builder', ${at})`
  }
})

const readArchive = (file: string) =>
  gunzipSync(readFileSync(file)).toString("utf8").split("\n").filter((line) => line !== "").map((line) => JSON.parse(line))

describe("Maintenance on PostgreSQL", () => {
  it.scopedLive("doctor reports server, migrations, valid indexes and table sizes; an invalid index fails it; rebuildSearch reindexes the search indexes", () =>
    Effect.gen(function*() {
      const url = yield* freshPostgresUrl
      yield* withDatabase(
        { url },
        Effect.gen(function*() {
          const sql = yield* SqlClient.SqlClient
          yield* seed
          const healthy = yield* Maintenance.doctor
          expect(healthy.ok).toBe(true)
          expect(healthy.integrity).toEqual(["ok"])
          expect(healthy.migrations.pending).toEqual([])
          expect(healthy.migrations.applied).toBeGreaterThan(5)
          expect(healthy.searchIndexes).toEqual([{ table: "idx_lessons_search", ok: true }, { table: "idx_trajectories_search", ok: true }])
          expect(healthy.postgres?.serverVersion).toMatch(/^\d+/)
          expect(healthy.postgres?.invalidIndexes).toEqual([])
          const audit = healthy.postgres?.tables.find((t) => t.table === "audit_logs")
          expect(audit?.bytes).toBeGreaterThan(8192)
          expect(healthy.databaseBytes).toBeGreaterThan(audit!.bytes)

          // A unique index built concurrently over duplicates fails and stays behind INVALID.
          yield* sql`INSERT INTO audit_logs (id, action, category) VALUES (101, 'twice', 'user'), (102, 'twice', 'user')`
          yield* Effect.flip(sql.unsafe("CREATE UNIQUE INDEX CONCURRENTLY idx_audit_once ON audit_logs (action)"))
          const sick = yield* Maintenance.doctor
          expect(sick.ok).toBe(false)
          expect(sick.postgres?.invalidIndexes).toEqual([{ index: "idx_audit_once", table: "audit_logs", valid: false }])
          expect(sick.integrity).toEqual(["index idx_audit_once on audit_logs is not valid (REINDEX INDEX CONCURRENTLY idx_audit_once)"])
          yield* sql.unsafe("DROP INDEX idx_audit_once")

          // A search index left invalid (as by an interrupted REINDEX CONCURRENTLY) is found and rebuilt.
          yield* sql.unsafe("UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'idx_lessons_search'::regclass")
          const broken = yield* Maintenance.checkSearch
          expect(broken.find((check) => check.table === "idx_lessons_search")).toMatchObject({ ok: false })
          expect(yield* Maintenance.rebuildSearch).toEqual(["idx_lessons_search", "idx_trajectories_search"])
          expect((yield* Maintenance.checkSearch).every((check) => check.ok)).toBe(true)
          expect((yield* Maintenance.doctor).ok).toBe(true)
        })
      )
    }), 60_000)

  it.scopedLive("prune with an archive deletes the same rows on PostgreSQL as on SQLite and archives them in the same form", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const pruned = (url: string, archive: string) =>
        withDatabase({ url }, Effect.zipRight(seed, Maintenance.prune({ olderThan: "30 days", archive })))
      const onSqlite = yield* pruned(path.join(dir, "logbook.db"), path.join(dir, "sqlite.jsonl.gz"))
      const onPostgres = yield* pruned(yield* freshPostgresUrl, path.join(dir, "pg.jsonl.gz"))
      expect(onPostgres.deleted).toEqual(onSqlite.deleted)
      expect(onPostgres.deleted).toMatchObject({ audit_logs: 2, llm_usage: 2, execution_traces: 2, agent_invocations: 2 })
      const sqliteLines = readArchive(path.join(dir, "sqlite.jsonl.gz"))
      const pgLines = readArchive(path.join(dir, "pg.jsonl.gz"))
      expect(pgLines).toHaveLength(8)
      expect(pgLines).toEqual(sqliteLines)
      expect(pgLines.find((line) => line.table === "audit_logs").row.details).toBe('{"a":1,"list":[1,2.5,"x"],"nested":{"k":null}}')
    }), 60_000)

  it.scopedLive("backup of a PostgreSQL database writes a logical archive that copy restores, verified, into SQLite and into PostgreSQL", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const run = (args: ReadonlyArray<string>) =>
        Effect.map(Effect.promise(() => logbook(args)), (result) => {
          expect(result.code, result.stderr).toBe(0)
          return result.stdout
        })
      const demo = path.join(dir, "demo.db")
      const pg = yield* freshPostgresUrl
      yield* run(["demo", "--database", demo])
      const original = JSON.parse(yield* run(["copy", "--from", demo, "--to", pg, "--json"]))
      const archive = path.join(dir, "backup.jsonl.gz")
      expect(yield* run(["backup", archive, "--database", pg])).toMatch(/^backed up the database to .*backup\.jsonl\.gz/)
      const lines = readArchive(archive)
      expect(lines.length).toBe(original.rows)
      expect(new Set(lines.map((line) => line.table)).has("audit_logs")).toBe(true)

      const checksums = (report: { tables: ReadonlyArray<{ table: string; sourceRows: number; targetChecksum: string }> }) =>
        report.tables.map((t) => [t.table, t.sourceRows, t.targetChecksum])
      // Restored into SQLite (verified against the archive's rows), it exports what the demo database exports.
      const restored = path.join(dir, "restored.db")
      const intoSqlite = JSON.parse(yield* run(["copy", "--from", archive, "--to", restored, "--json"]))
      expect(intoSqlite.inserted).toBe(original.rows)
      for (const args of [["audit", "export", "--format", "jsonl"], ["trajectories", "export"], ["stats", "--json"], ["agents", "list", "--json"]]) {
        const parsed = (text: string) => text.trim().split("\n").map((line) => JSON.parse(line))
        const exported = (database: string) => Effect.map(run([...args, "--database", database]), (text) => args.includes("--json") ? JSON.parse(text) : parsed(text))
        expect(yield* exported(restored), args.join(" ")).toEqual(yield* exported(demo))
      }
      const intoPostgres = JSON.parse(yield* run(["copy", "--from", archive, "--to", yield* freshPostgresUrl, "--json"]))
      expect(checksums(intoPostgres)).toEqual(checksums(original))
      expect(intoPostgres.inserted).toBe(original.rows)
    }), 120_000)
})

/**
 * Migration 0003 on a database that already holds seed-000 traces: statuses
 * are derived from what was stored, and the migration rolls back cleanly.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { Database } from "../../src/Database.js"
import { migrate, migrationDirectories, rollback } from "../../src/migrations/Migrator.js"

const directories = migrationDirectories()

const names = (sql: SqlClient.SqlClient, query: string) =>
  sql.unsafe(query).pipe(
    Effect.flatMap(Schema.decodeUnknown(Schema.Array(Schema.Struct({ name: Schema.String })))),
    Effect.map((rows) => rows.map((row) => row.name))
  )

describe("migration 0003_execution_tracking", () => {
  it.effect("derives the status of existing traces, and rolls back", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* migrate({ directories, to: 1 })
      yield* sql`INSERT INTO execution_traces (id, project_id, task_id, prompt, started_at, completed_at, success)
        VALUES ('open', 'p', 't', 'x', '2024-01-01T00:00:00.000Z', NULL, NULL),
               ('ok', 'p', 't', 'x', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:01.000Z', 1),
               ('failed', 'p', 't', 'x', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:01.000Z', 0)`
      yield* migrate({ directories, to: 3 })
      const statuses = yield* sql`SELECT id, status, error, agent_id FROM execution_traces ORDER BY id`.pipe(
        Effect.flatMap(Schema.decodeUnknown(Schema.Array(Schema.Struct({
          id: Schema.String,
          status: Schema.String,
          error: Schema.Null,
          agent_id: Schema.Null
        }))))
      )
      expect(statuses.map(({ id, status }) => [id, status])).toEqual([["failed", "error"], ["ok", "completed"], ["open", "running"]])
      const refused = yield* Effect.either(sql`UPDATE execution_traces SET status = 'paused' WHERE id = 'open'`)
      expect(refused._tag).toBe("Left")

      const tables = "SELECT name FROM sqlite_schema WHERE name IN ('trace_events', 'llm_usage') ORDER BY name"
      expect(yield* names(sql, tables)).toEqual(["llm_usage", "trace_events"])
      yield* rollback({ directories, steps: 1 })
      expect(yield* names(sql, tables)).toEqual([])
      const columns = yield* names(sql, "SELECT name FROM pragma_table_info('execution_traces')")
      expect(columns).not.toContain("status")
      expect(columns).not.toContain("agent_id")
      expect(yield* names(sql, "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'execution_traces' ORDER BY name"))
        .toEqual(["idx_execution_traces_project", "idx_execution_traces_started", "sqlite_autoindex_execution_traces_1"])
      yield* migrate({ directories, to: 3 })
      expect(yield* names(sql, tables)).toEqual(["llm_usage", "trace_events"])
    }).pipe(Effect.provide(Database.layer({ url: ":memory:", migrate: "off" }))))
})

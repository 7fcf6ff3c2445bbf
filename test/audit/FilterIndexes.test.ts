/**
 * Migration 0012_filter_indexes: an audit query by action or by agent is a
 * search of an index, newest first without a sort; the migration rolls back.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { Database } from "../../src/Database.js"
import { migrate, migrationDirectories, rollback } from "../../src/migrations/Migrator.js"

const directories = migrationDirectories()
const Detail = Schema.Array(Schema.Struct({ detail: Schema.String }))

describe("migration 0012_filter_indexes", () => {
  it.effect("audit entries of an action or an agent are read from an index, newest first; rolls back", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* migrate({ directories, to: 12 })
      const plan = (column: "action" | "agent") =>
        sql`EXPLAIN QUERY PLAN SELECT * FROM audit_logs WHERE ${sql(column)} = ${"x"} ORDER BY timestamp DESC, id DESC LIMIT 50`.pipe(
          Effect.flatMap(Schema.decodeUnknown(Detail)),
          Effect.map((rows) => rows.map((row) => row.detail))
        )
      expect(yield* plan("action")).toEqual([expect.stringMatching(/^SEARCH audit_logs USING INDEX idx_audit_logs_action \(action=\?\)$/)])
      expect(yield* plan("agent")).toEqual([expect.stringMatching(/^SEARCH audit_logs USING INDEX idx_audit_logs_agent \(agent=\?\)$/)])
      const indexes = sql`SELECT name FROM sqlite_schema WHERE name IN ('idx_audit_logs_action', 'idx_audit_logs_agent') ORDER BY name`
      expect(yield* indexes).toEqual([{ name: "idx_audit_logs_action" }, { name: "idx_audit_logs_agent" }])
      yield* rollback({ directories, steps: 1 })
      expect(yield* indexes).toEqual([])
    }).pipe(Effect.provide(Database.layer({ url: ":memory:", migrate: "off" }))))
})

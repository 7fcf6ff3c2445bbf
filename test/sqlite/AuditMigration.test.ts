import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Schema from "effect/Schema"
import { Database } from "../../src/Database.js"
import { migrate, rollback } from "../../src/migrations/Migrator.js"

const Names = Schema.Array(Schema.Struct({ name: Schema.String }))

const auditColumns = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  sql`SELECT name FROM pragma_table_info('audit_logs') ORDER BY cid`.pipe(
    Effect.flatMap(Schema.decodeUnknown(Names)),
    Effect.map((rows) => rows.map((row) => row.name))
  ))

const auditIndexes = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  sql`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_logs' ORDER BY name`.pipe(
    Effect.flatMap(Schema.decodeUnknown(Names)),
    Effect.map((rows) => rows.map((row) => row.name))
  ))

const insertKeyed = (key: string | null) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql`INSERT INTO audit_logs (action, category, record_key) VALUES ('a', 'state', ${key})`)

describe("migration 0002_audit_record_key", () => {
  it.effect("adds a unique record key that direct writes leave empty, and rolls back cleanly", () =>
    Effect.gen(function*() {
      const db = yield* Database
      const directories = db.migrationDirectories
      yield* migrate({ directories, to: 2 })
      expect(yield* auditColumns).toContain("record_key")
      expect(yield* auditIndexes).toContain("idx_audit_logs_record_key")

      // Unkeyed rows do not collide; a key is stored once.
      yield* insertKeyed(null)
      yield* insertKeyed(null)
      yield* insertKeyed("k1")
      expect(Exit.isFailure(yield* Effect.exit(insertKeyed("k1")))).toBe(true)

      const rolledBack = yield* rollback({ directories, steps: 1 })
      expect(rolledBack.map((step) => step.version)).toEqual([2])
      expect(yield* auditColumns).not.toContain("record_key")
      expect(yield* auditIndexes).not.toContain("idx_audit_logs_record_key")

      yield* migrate({ directories, to: 2 })
      expect(yield* auditColumns).toContain("record_key")
    }).pipe(Effect.provide(Database.layer({ url: ":memory:", migrate: "off" }))))
})

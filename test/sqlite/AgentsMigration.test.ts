/**
 * SQLite: migration 0007 creates the registry's tables with their foreign
 * keys, its down section removes them and nothing else, and the cascades
 * hold for a session whose log is one chain thousands deep.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import Sqlite from "better-sqlite3"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { readdirSync } from "node:fs"
import * as path from "node:path"
import { AgentRegistry } from "../../src/AgentRegistry.js"
import { coreLayer } from "../../src/Core.js"
import { Database, type DatabaseOptions } from "../../src/Database.js"
import { migrationDirectories, rollback } from "../../src/migrations/Migrator.js"
import { tempDir } from "../support/TempDir.js"

const REGISTRY_VERSION = 7
const REGISTRY_TABLES = ["agent_session_logs", "agent_sessions", "agents"]

/** How many of logbook's own migrations are at or after the registry's (their down sections run first). */
const stepsBackToRegistry = readdirSync(new URL("../../migrations/sqlite", import.meta.url))
  .filter((file) => file.endsWith(".sql") && Number(file.split("_")[0]) >= REGISTRY_VERSION).length

const withDatabase = <A, E>(options: DatabaseOptions, use: Effect.Effect<A, E, Database | SqlClient.SqlClient>) =>
  Effect.scoped(Layer.build(Database.layer(options)).pipe(Effect.flatMap((context) => Effect.provide(use, context))))

const read = <A>(file: string, query: (db: Sqlite.Database) => A): A => {
  const db = new Sqlite(file, { readonly: true })
  try {
    return query(db)
  } finally {
    db.close()
  }
}

const schemaOf = (file: string) =>
  read(file, (db) => db.prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all())

describe("agent registry migration (SQLite)", () => {
  it.scoped("declares the cascades and indexes; its down section removes exactly what it added", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "logbook.db")
      yield* withDatabase({ url }, Effect.void)
      const foreignKeys = read(url, (db) =>
        REGISTRY_TABLES.flatMap((table) =>
          db.prepare(`SELECT "table", "from", "to", on_delete FROM pragma_foreign_key_list('${table}')`).all().map((fk) => ({ child: table, ...(fk as object) }))
        ))
      expect(foreignKeys).toEqual([
        { child: "agent_session_logs", table: "agent_session_logs", from: "parent_id", to: "id", on_delete: "SET NULL" },
        { child: "agent_session_logs", table: "agent_sessions", from: "session_id", to: "id", on_delete: "CASCADE" },
        { child: "agent_sessions", table: "agents", from: "agent_id", to: "id", on_delete: "CASCADE" }
      ])
      const full = schemaOf(url)
      const directories = migrationDirectories([])
      yield* withDatabase({ url, migrate: "off" }, rollback({ directories, steps: stepsBackToRegistry }))
      const names = read(url, (db) => db.prepare("SELECT name FROM sqlite_master").all().map((row) => (row as { name: string }).name))
      for (const table of REGISTRY_TABLES) expect(names).not.toContain(table)
      expect(names.filter((name) => name.startsWith("idx_agent"))).toEqual(names.filter((name) => name.startsWith("idx_agent_invocations")))
      yield* withDatabase({ url }, Effect.void)
      expect(schemaOf(url)).toEqual(full)
    }))

  it.scoped("deleting an agent whose session holds a chain 5,000 deep removes every log of it", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "logbook.db")
      const layer = AgentRegistry.DefaultWithoutDependencies.pipe(Layer.provideMerge(coreLayer({ url })))
      yield* Effect.gen(function*() {
        const registry = yield* AgentRegistry
        const sql = yield* SqlClient.SqlClient
        const agent = yield* registry.createAgent({ name: "deep", model: "m" })
        const session = yield* registry.createSession({ agentId: agent.id })
        yield* sql.withTransaction(Effect.gen(function*() {
          for (let id = 1; id <= 5_000; id++) {
            yield* sql`INSERT INTO agent_session_logs (id, session_id, parent_id, role, type, content, created_at)
              VALUES (${id}, ${session.id}, ${id === 1 ? null : id - 1}, 'agent', 'thought', '1', 't')`
          }
        }))
        expect((yield* registry.logTree(session.id))[0]!.children).toHaveLength(1)
        expect(yield* registry.deleteAgent(agent.id)).toBe(true)
        expect(yield* registry.logs(session.id)).toEqual([])
      }).pipe(Effect.provide(layer))
      expect(read(url, (db) => db.prepare("SELECT count(*) AS n FROM agent_session_logs").get())).toEqual({ n: 0 })
    }), 120_000)
})

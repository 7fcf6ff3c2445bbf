import { describe, expect, it } from "@effect/vitest"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { coreLayerMemory } from "../../src/Core.js"
import { LessonsStore } from "../../src/LessonsStore.js"
import { checkSearchIndexes, rebuildSearchIndexes, searchIndexTables } from "../../src/maintenance/SearchIndex.js"

const TestLayer = LessonsStore.DefaultWithoutDependencies.pipe(Layer.provideMerge(coreLayerMemory))

const lessonsCheck = Effect.map(checkSearchIndexes, (checks) => checks.find((check) => check.table === "lessons_fts"))

const seed = Effect.gen(function*() {
  const store = yield* LessonsStore
  const first = yield* store.create({ category: "bug", title: "Flaky network test", summary: "Retry with backoff", details: "Only in CI" })
  yield* store.create({ category: "pattern", title: "Result types", summary: "Return errors as values" })
  return { store, first }
})

describe("search index maintenance", () => {
  it.effect("finds every FTS5 table and nothing else", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const before = yield* searchIndexTables
      expect(before).toContain("lessons_fts")
      expect(before.some((name) => name.startsWith("lessons_fts_"))).toBe(false)
      yield* sql`CREATE VIRTUAL TABLE "odd ""name"" fts" USING fts5(body)`
      yield* sql`CREATE VIRTUAL TABLE blind USING FTS5(body, content='')`
      yield* sql`CREATE TABLE plain_notes (body TEXT)`
      yield* sql`CREATE VIRTUAL TABLE temp_rtree USING rtree(id, x0, x1)`
      const after = yield* searchIndexTables
      expect([...after].sort()).toEqual([...before, "blind", "odd \"name\" fts"].sort())
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a consistent database passes the integrity check", () =>
    Effect.gen(function*() {
      const { first, store } = yield* seed
      yield* store.update(first.id, { title: "Flaky network suite" })
      yield* store.recordApplication(first.id)
      const checks = yield* checkSearchIndexes
      expect(checks.length).toBeGreaterThan(0)
      expect(checks.filter((check) => !check.ok)).toEqual([])
      expect(yield* lessonsCheck).toEqual({ table: "lessons_fts", ok: true })
    }).pipe(Effect.provide(TestLayer)))

  it.effect("detects an index that drifted from its content, and rebuild repairs it", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const { first, store } = yield* seed
      // A change made behind the triggers' back: the index still holds the old title.
      yield* sql`DROP TRIGGER lessons_fts_update`
      yield* sql`UPDATE lessons SET title = 'Renamed behind the index' WHERE id = ${first.id}`
      const check = yield* lessonsCheck
      expect(check?.ok).toBe(false)
      expect(check?.message).toMatch(/malformed|corrupt/i)
      expect(yield* store.search({ query: "renamed behind" })).toEqual([])

      const rebuilt = yield* rebuildSearchIndexes
      expect(rebuilt).toContain("lessons_fts")
      expect(yield* lessonsCheck).toEqual({ table: "lessons_fts", ok: true })
      expect((yield* store.search({ query: "renamed behind" })).map((hit) => hit.id)).toEqual([first.id])
      expect(yield* store.search({ query: "flaky" })).toEqual([])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("detects a delete fed with wrong old values", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* seed
      yield* sql`INSERT INTO lessons_fts (lessons_fts, rowid, title, summary, details)
        SELECT 'delete', seq, 'wrong', 'old', 'values' FROM lessons LIMIT 1`
      expect((yield* lessonsCheck)?.ok).toBe(false)
      yield* rebuildSearchIndexes
      expect((yield* lessonsCheck)?.ok).toBe(true)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("checks and rebuilds tables with any name; skips contentless tables on rebuild", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* seed
      yield* sql`CREATE VIRTUAL TABLE "odd ""name"" fts" USING fts5(body)`
      yield* sql`INSERT INTO "odd ""name"" fts" (body) VALUES ('hello world')`
      yield* sql`CREATE VIRTUAL TABLE blind USING fts5(body, content='')`
      yield* sql`INSERT INTO blind (rowid, body) VALUES (1, 'not kept')`
      const checks = yield* checkSearchIndexes
      expect(checks).toContainEqual({ table: "odd \"name\" fts", ok: true })
      expect(checks).toContainEqual({ table: "blind", ok: true })
      const rebuilt = yield* rebuildSearchIndexes
      expect(rebuilt).toContain("odd \"name\" fts")
      expect(rebuilt).toContain("lessons_fts")
      expect(rebuilt).not.toContain("blind")
      expect((yield* checkSearchIndexes).every((check) => check.ok)).toBe(true)
    }).pipe(Effect.provide(TestLayer)))
})

/**
 * Raw FTS5 syntax in lesson search (`syntax: "fts5"`): SQLite's own query
 * language, so its spec runs on SQLite only (PostgreSQL refuses the option,
 * test/lessons/LessonsStore.test.ts).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { coreLayerMemory } from "../../src/Core.js"
import { LessonsStore } from "../../src/LessonsStore.js"
import { seedSearchLessons } from "../lessons/SearchSeed.js"

const TestLayer = LessonsStore.DefaultWithoutDependencies.pipe(Layer.provideMerge(coreLayerMemory))

const seed = seedSearchLessons

describe("LessonsStore.search with raw FTS5 syntax", () => {
  it.effect("passes raw FTS5 syntax when asked, and reports its errors as ValidationError", () =>
    Effect.gen(function*() {
      const { multi, react, state, store } = yield* seed
      const ids = (hits: ReadonlyArray<{ readonly id: string }>) => hits.map((hit) => hit.id).sort()
      expect(ids(yield* store.search({ query: "hooks OR orchestration", syntax: "fts5" }))).toEqual([react.id, multi.id].sort())
      expect(ids(yield* store.search({ query: "react NOT hooks", syntax: "fts5" }))).toEqual([state.id])
      expect(ids(yield* store.search({ query: "title:state", syntax: "fts5" }))).toEqual([state.id])
      expect(ids(yield* store.search({ query: "NEAR(planner builders, 3)", syntax: "fts5" }))).toEqual([multi.id])
      expect(ids(yield* store.search({ query: "orch*", syntax: "fts5", projectId: "web" }))).toEqual([])
      expect(yield* store.search({ query: "  ", syntax: "fts5" })).toHaveLength(4)
      for (const query of ["a'b", "\"", "foo:bar", "NOT x", "(", "NEAR(", "*", "react AND", "NEAR(a b, x)"]) {
        const error = yield* Effect.flip(store.search({ query, syntax: "fts5" }))
        expect(error._tag, query).toBe("ValidationError")
        if (error._tag === "ValidationError") {
          expect(error.message).toMatch(/^invalid FTS5 query: /)
          expect(error.issues[0]?.path).toBe("query")
        }
      }
    }).pipe(Effect.provide(TestLayer)))
})

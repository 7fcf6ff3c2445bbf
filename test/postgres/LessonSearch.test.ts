// 4,000 arbitrary plain queries on PostgreSQL lesson search (tsquery operators, quotes, unicode,
// NUL, lone surrogates): none is an error, and the results hold every lesson a simple model says
// matches (each word of the query a prefix of a word of the lesson).
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as fc from "effect/FastCheck"
import * as Layer from "effect/Layer"
import { coreLayer } from "../../src/Core.js"
import type { LessonCategory } from "../../src/lessons/Lesson.js"
import { LessonsStore } from "../../src/LessonsStore.js"
import { queryTokens } from "../../src/search/FtsQuery.js"
import { freshPostgresUrl } from "../support/Postgres.js"

const WORDS = [
  "agent", "agents", "planner", "builder", "tester", "cache", "cached", "config", "loader", "hyphen",
  "retry", "timeout", "deadlock", "index", "vector", "search", "prefix", "quote", "merge", "branch"
]
const CATEGORIES: ReadonlyArray<LessonCategory> = ["bug", "pattern", "preference", "security", "performance"]

/** Lessons whose words are known: each title, summary and details is three words of WORDS. */
const lessons = Array.from({ length: 24 }, (_, i) => {
  const pick = (k: number) => WORDS[(i * 7 + k * 3) % WORDS.length]!
  return { id: i, title: `${pick(0)} ${pick(1)}`, summary: `${pick(2)} ${pick(3)}`, details: `${pick(4)} ${pick(5)}`, category: CATEGORIES[i % CATEGORIES.length]! }
})

/** The model: a lesson matches when every word of the query is a prefix of one of its words. */
const modelMatches = (query: string): ReadonlyArray<string> => {
  const tokens = queryTokens(query).map((token) => token.toLowerCase())
  if (tokens.length === 0) return []
  return lessons
    .filter((lesson) => {
      const words = `${lesson.title} ${lesson.summary} ${lesson.details}`.split(" ")
      return tokens.every((token) => words.some((word) => word.startsWith(token)))
    })
    .map((lesson) => lesson.title + "|" + lesson.summary)
}

const operators = fc.constantFrom("&", "|", "!", "<->", "<2>", ":", "*", ":*", "(", ")", "'", "''", "\\", "\"", " ", "-", "&&", "!!", "\u0000", "%", "é", "日本", "🎉", "\u0301", "\ud800", "A:B", "x:*")
const word = fc.constantFrom(...WORDS)
const prefix = word.chain((w) => fc.integer({ min: 1, max: w.length }).map((n) => w.slice(0, n)))
const soup = fc.array(fc.oneof(operators, word, prefix, prefix.map((p) => p.toUpperCase())), { maxLength: 12 })

/** Plain query text: operator soup around known words and prefixes, and arbitrary unicode. */
const queries = fc.oneof(
  soup.map((parts) => parts.join("")),
  soup.map((parts) => parts.join(" ")),
  fc.array(prefix, { minLength: 1, maxLength: 3 }).map((parts) => parts.join(" & ")),
  fc.string({ unit: "grapheme" }),
  fc.string({ unit: "binary" }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)) })
)

describe("lesson search on PostgreSQL", () => {
  it.scopedLive("4,000 arbitrary plain queries: no error, and every lesson the model matches is found", () =>
    Effect.gen(function*() {
      const url = yield* freshPostgresUrl
      const layer = LessonsStore.DefaultWithoutDependencies.pipe(Layer.provideMerge(coreLayer({ url })))
      yield* Effect.gen(function*() {
        const store = yield* LessonsStore
        for (const lesson of lessons) {
          yield* store.create({ category: lesson.category, title: lesson.title, summary: lesson.summary, details: lesson.details })
        }
        const texts = fc.sample(queries, { numRuns: 4000, seed: 20261201 })
        let matched = 0
        yield* Effect.forEach(texts, (query) =>
          Effect.gen(function*() {
            const hits = yield* store.search({ query, limit: 100 })
            const found = new Set(hits.map((hit) => hit.title + "|" + hit.summary))
            const expected = modelMatches(query)
            if (expected.length > 0) matched++
            for (const lesson of expected) expect(found.has(lesson), `${JSON.stringify(query)} should find ${lesson}`).toBe(true)
          }), { concurrency: 4, discard: true })
        // The queries exercise matching, not only the absence of errors.
        expect(matched).toBeGreaterThan(400)
      }).pipe(Effect.provide(layer))
    }), 300_000)
})

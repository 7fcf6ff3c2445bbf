import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as fc from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Runtime from "effect/Runtime"
import type { LessonCategory, LessonHit, LessonPatch, LessonSearchOptions } from "../../src/lessons/Lesson.js"
import { LessonsStore } from "../../src/LessonsStore.js"
import { checkSearchIndexes } from "../../src/maintenance/SearchIndex.js"
import { ftsTokens } from "../../src/search/FtsQuery.js"
import { describeBackends, oneBackend } from "../support/Backends.js"

describeBackends("LessonsStore properties", ({ core }) => {
const TestLayer = LessonsStore.DefaultWithoutDependencies.pipe(Layer.provideMerge(core))

const CATEGORIES: ReadonlyArray<LessonCategory> = ["bug", "pattern", "preference", "security", "performance"]

const metaChars = fc.constantFrom(
  "\"", "'", "*", "^", "(", ")", ":", "-", "+", "{", "}", ",", ".", "\\", " ", "\t", "\n", "\u0000", "%", "_",
  "AND", "OR", "NOT", "NEAR", "NEAR(", "title:", "summary:", "{title summary}:", "rank", "react", "agent", "🎉", "é",
  "\u0301", "日本", "\ud800"
)

/** Arbitrary user text: ASCII, full Unicode, graphemes, lone surrogates and FTS5 syntax soup. */
const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.string({ unit: "grapheme" }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)) }),
  fc.array(metaChars, { maxLength: 25 }).map((parts) => parts.join("")),
  fc.array(metaChars, { maxLength: 25 }).map((parts) => parts.join(" "))
)

const anyOptions = fc.record({
  query: anyText,
  category: fc.option(fc.constantFrom(...CATEGORIES), { nil: undefined }),
  projectId: fc.option(fc.oneof(fc.constantFrom("web", "api"), fc.string()), { nil: undefined }),
  tags: fc.option(fc.array(fc.oneof(fc.constantFrom("react", "agents", "a\"b"), fc.string()), { maxLength: 3 }), { nil: undefined }),
  limit: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
  offset: fc.option(fc.nat({ max: 5 }), { nil: undefined })
}, { requiredKeys: ["query"] })

const seedLessons = Effect.gen(function*() {
  const store = yield* LessonsStore
  const inputs = [
    { category: "pattern", title: "React hooks pattern", summary: "Use custom hooks", tags: ["react", "a\"b"] },
    { category: "bug", title: "NEAR the OR gate AND NOT the other", summary: "Keywords as words", projectId: "web", tags: ["react"] },
    { category: "pattern", title: "Multi-agent orchestration", summary: "Planner and builders", projectId: "api", tags: ["agents"] },
    { category: "preference", title: "Don't repeat yourself", summary: "café naïve 日本語 🎉", details: "quote \"inside\" text" },
    { category: "security", title: "title: summary: rank", summary: "{title}: (x) * ^ -y", details: "\u0000 nul" }
  ] as const
  for (const input of inputs) yield* store.create(input)
  return store
})

/** A hit satisfies every filter it was searched with. */
const satisfies = (hit: LessonHit, options: LessonSearchOptions): boolean =>
  (options.category === undefined || hit.category === options.category) &&
  (options.projectId === undefined || hit.projectId === null || hit.projectId === options.projectId) &&
  (options.tags ?? []).every((tag) => hit.tags.includes(tag))

describe("LessonsStore properties", () => {
  it.effect("any plain query, with any filters, succeeds and returns only lessons that match the filters", () =>
    Effect.gen(function*() {
      const store = yield* seedLessons
      const run = Runtime.runPromiseExit(yield* Effect.runtime<never>())
      yield* Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(anyOptions, async (options) => {
            const exit = await run(store.search(options))
            if (Exit.isFailure(exit)) throw new Error(`search(${JSON.stringify(options)}) failed: ${exit.cause}`)
            expect(exit.value.length).toBeLessThanOrEqual(options.limit ?? 50)
            for (const hit of exit.value) expect(satisfies(hit, options)).toBe(true)
          }),
          { numRuns: 1000 }
        )
      )
      // The fixture is reachable at all: these queries do find lessons.
      expect((yield* store.search({ query: "NEAR(" })).map((hit) => hit.title)).toEqual(["NEAR the OR gate AND NOT the other"])
      expect((yield* store.search({ query: "title: rank" })).map((hit) => hit.title)).toEqual(["title: summary: rank"])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("any raw FTS5 query either succeeds or fails with ValidationError, never with a database error or a defect", () =>
    Effect.gen(function*() {
      const store = yield* seedLessons
      const run = Runtime.runPromiseExit(yield* Effect.runtime<never>())
      let rejected = 0
      yield* Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(anyText, async (query) => {
            const exit = await run(store.search({ query, syntax: "fts5" }))
            if (Exit.isSuccess(exit)) return
            const error = Cause.failureOption(exit.cause)
            if (Option.isNone(error) || error.value._tag !== "ValidationError") throw new Error(`search(${JSON.stringify(query)}, fts5) failed: ${exit.cause}`)
            rejected++
          }),
          { numRuns: 500 }
        )
      )
      expect(rejected).toBeGreaterThan(0)
    }).pipe(Effect.provide(TestLayer)))
})

// ---------------------------------------------------------------------------
// Random histories of create / update / delete / recordApplication against a model.

const VOCABULARY = ["alpha", "alphabet", "beta", "betamax", "gamma", "delta", "multi", "agent", "orchestra", "orchid", "react", "redis", "zeta"]
const SEPARATORS = [" ", "-", "'", ": ", ", ", " (", ") ", "\""]
const QUERIES = ["al", "alpha", "alphab", "bet", "gam", "delta", "multi-agent", "orch", "re", "red", "zeta", "agent multi", "x", "ORCHID", "Beta: max"]

const text = fc.tuple(
  fc.array(fc.constantFrom(...VOCABULARY), { minLength: 1, maxLength: 5 }),
  fc.array(fc.constantFrom(...SEPARATORS), { minLength: 5, maxLength: 5 })
).map(([words, separators]) => words.map((word, i) => (i === 0 ? word : `${separators[i]}${word}`)).join(""))

const fields = {
  title: text,
  summary: text,
  details: fc.option(text, { nil: null }),
  category: fc.constantFrom(...CATEGORIES),
  projectId: fc.option(fc.constantFrom("p1", "p2"), { nil: null }),
  tags: fc.uniqueArray(fc.constantFrom("x", "y", "z"), { maxLength: 3 })
}

interface Fields {
  readonly title: string
  readonly summary: string
  readonly details: string | null
  readonly category: LessonCategory
  readonly projectId: string | null
  readonly tags: ReadonlyArray<string>
}

type Op =
  | { readonly op: "create"; readonly input: Fields }
  | { readonly op: "update"; readonly pick: number; readonly patch: LessonPatch }
  | { readonly op: "delete"; readonly pick: number }
  | { readonly op: "apply"; readonly pick: number }

const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record(fields).map((input) => ({ op: "create", input }) as const) },
  {
    weight: 3,
    arbitrary: fc.record({ pick: fc.nat(), patch: fc.record(fields, { requiredKeys: [] }) })
      .map(({ patch, pick }) => ({ op: "update", pick, patch }) as const)
  },
  { weight: 1, arbitrary: fc.nat().map((pick) => ({ op: "delete", pick }) as const) },
  { weight: 1, arbitrary: fc.nat().map((pick) => ({ op: "apply", pick }) as const) }
)

interface ModelLesson {
  title: string
  summary: string
  details: string | null
  applied: number
}

const words = (s: string) => ftsTokens(s).map((token) => token.toLowerCase())

const modelMatches = (lesson: ModelLesson, query: string): boolean => {
  const tokens = [lesson.title, lesson.summary, lesson.details ?? ""].flatMap(words)
  return words(query).every((word) => tokens.some((token) => token.startsWith(word)))
}

/** The database a history starts from holds no lesson. */
const expectEmpty = Effect.gen(function*() {
  const store = yield* LessonsStore
  expect(yield* store.search({ limit: 1000 })).toEqual([])
})

const replay = (ops: ReadonlyArray<Op>) =>
  Effect.gen(function*() {
    const store = yield* LessonsStore
    const model = new Map<string, ModelLesson>()
    const pick = (n: number) => {
      const ids = [...model.keys()]
      return ids.length === 0 ? "missing" : ids[n % ids.length]!
    }
    for (const step of ops) {
      switch (step.op) {
        case "create": {
          const lesson = yield* store.create(step.input)
          model.set(lesson.id, { title: step.input.title, summary: step.input.summary, details: step.input.details, applied: 0 })
          break
        }
        case "update": {
          const id = pick(step.pick)
          const exit = yield* Effect.exit(store.update(id, step.patch))
          const current = model.get(id)
          if (current === undefined) {
            expect(exit).toMatchObject({ _tag: "Failure" })
          } else {
            expect(Exit.isSuccess(exit)).toBe(true)
            model.set(id, {
              ...current,
              title: step.patch.title ?? current.title,
              summary: step.patch.summary ?? current.summary,
              details: step.patch.details === undefined ? current.details : step.patch.details
            })
          }
          break
        }
        case "delete": {
          const id = pick(step.pick)
          expect(yield* store.delete(id)).toBe(model.delete(id))
          break
        }
        case "apply": {
          const id = pick(step.pick)
          const current = model.get(id)
          const exit = yield* Effect.exit(store.recordApplication(id))
          expect(Exit.isSuccess(exit)).toBe(current !== undefined)
          if (current !== undefined) current.applied++
          break
        }
      }
    }

    const checks = yield* checkSearchIndexes
    expect(checks.filter((check) => !check.ok)).toEqual([])
    for (const query of QUERIES) {
      const hits = yield* store.search({ query, limit: 1000 })
      for (const hit of hits) expect(Option.isSome(yield* store.getById(hit.id))).toBe(true)
      const expected = [...model.entries()].filter(([, lesson]) => modelMatches(lesson, query)).map(([id]) => id)
      expect(hits.map((hit) => hit.id).sort(), query).toEqual(expected.sort())
    }
    for (const [id, lesson] of model) {
      const stored = Option.getOrThrow(yield* store.getById(id))
      expect({ title: stored.title, summary: stored.summary, details: stored.details ?? null, applied: stored.applicationCount })
        .toEqual(lesson)
    }
    expect((yield* store.search({ limit: 1000 })).length).toBe(model.size)
  })

/** Ends the transaction of one history with a rollback, once the history has been checked. */
class HistoryDone extends Data.TaggedError("HistoryDone") {}

/**
 * Runs `effect` in a transaction that is always rolled back: every history
 * starts from the same empty, migrated database (its tables, search index and
 * sequences as migrating left them) without migrating a new one each time.
 */
const onEmptyDatabase = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql.withTransaction(Effect.zipRight(effect, Effect.fail(new HistoryDone())))).pipe(
      Effect.catchTag("HistoryDone", () => Effect.void)
    )

describe("LessonsStore under random histories", () => {
  it.live("after any sequence of create/update/delete/apply, the index is intact and search agrees with a model", () =>
    Effect.gen(function*() {
      const run = Runtime.runPromise(yield* Effect.runtime<LessonsStore | SqlClient.SqlClient>())
      yield* Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(fc.array(opArbitrary, { maxLength: 40 }), (ops) =>
            run(onEmptyDatabase(Effect.zipRight(expectEmpty, replay(ops))))),
          { numRuns: 40 }
        )
      )
    }).pipe(Effect.provide(TestLayer)))
})
}, oneBackend)

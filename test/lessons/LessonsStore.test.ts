import { describe, expect, it } from "@effect/vitest"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import { Num } from "../../src/database/Columns.js"
import { DatabaseError, ValidationError } from "../../src/Errors.js"
import type { LessonInput, LessonSearchOptions } from "../../src/lessons/Lesson.js"
import { LessonHitFromRow } from "../../src/lessons/LessonRow.js"
import * as Queries from "../../src/lessons/Queries.js"
import { SearchCandidates } from "../../src/lessons/Queries.js"
import { MAX_TERMS_PER_WORD } from "../../src/search/FtsMatch.js"
import { LessonsStore } from "../../src/LessonsStore.js"
import { checkSearchIndexes } from "../../src/maintenance/SearchIndex.js"
import { nextMillisecond } from "../support/Poll.js"
import { seedSearchLessons } from "./SearchSeed.js"
import { describeBackends } from "../support/Backends.js"
import { failureOf } from "../support/Effects.js"
import { anthropicKey, awsAccessKeyId, githubToken } from "../support/Secrets.js"

const AWS_KEY = awsAccessKeyId()
const GITHUB_TOKEN = githubToken()

describeBackends("LessonsStore", ({ core }) => {
const TestLayer = LessonsStore.DefaultWithoutDependencies.pipe(Layer.provideMerge(core))

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

/** Lets real time pass (database operations read the real clock, even in `it.effect`). */

const base: LessonInput = { category: "pattern", title: "A title", summary: "A summary" }

const countRows = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const rows = yield* sql`SELECT count(*) AS n FROM lessons`
  return (yield* Schema.decodeUnknown(Schema.Tuple(Schema.Struct({ n: Num })))(rows))[0].n
})

/** The terms of the full-text index: FTS5's vocabulary on SQLite, the `search` tsvectors' words on PostgreSQL. */
const indexTerms = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const rows = yield* sql.onDialectOrElse({
    pg: () => sql`SELECT word AS term FROM ts_stat('SELECT search FROM lessons')`,
    orElse: () =>
      sql`CREATE VIRTUAL TABLE IF NOT EXISTS temp.lessons_terms USING fts5vocab(main, lessons_fts, row)`.pipe(
        Effect.zipRight(sql`SELECT term FROM temp.lessons_terms`)
      )
  })
  return (yield* Schema.decodeUnknown(Schema.Array(Schema.Struct({ term: Schema.String })))(rows)).map((r) => r.term)
})

/** SQLite: the FTS5 index matches its content. PostgreSQL keeps its tsvector columns itself: there is no index to check. */
const expectIndexesOk = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const checks = yield* checkSearchIndexes
  const expected = sql.onDialectOrElse({ pg: () => undefined, orElse: () => ({ table: "lessons_fts", ok: true }) })
  expect(checks.find((check) => check.table === "lessons_fts")).toEqual(expected)
})

const titles = (hits: ReadonlyArray<{ readonly title: string }>) => hits.map((hit) => hit.title)

describe("LessonsStore", () => {
  describe("create", () => {
    it.effect("stores a lesson with a UUID, defaults and timestamps, and getById reads it back", () =>
      Effect.gen(function*() {
        yield* TestClock.setTime(Date.parse("2030-05-06T07:08:09.010Z"))
        const store = yield* LessonsStore
        const lesson = yield* store.create({
          category: "bug",
          title: "Fix null pointer",
          summary: "Always check for null before accessing properties"
        })
        expect(lesson).toEqual({
          id: expect.stringMatching(UUID),
          projectId: null,
          category: "bug",
          title: "Fix null pointer",
          summary: "Always check for null before accessing properties",
          tags: [],
          confidence: 1,
          applicationCount: 0,
          createdAt: expect.stringMatching(ISO),
          updatedAt: lesson.createdAt
        })
        expect(lesson.createdAt).toBe("2030-05-06T07:08:09.010Z")
        expect(yield* store.getById(lesson.id)).toEqual(Option.some(lesson))
      }).pipe(Effect.provide(TestLayer)))

    it.effect("keeps every optional field and stores each tag once, in order", () =>
      Effect.gen(function*() {
        const store = yield* LessonsStore
        const lesson = yield* store.create({
          projectId: "p1",
          category: "security",
          title: "Escape shell arguments",
          summary: "Never interpolate user input into a shell command",
          details: "Use execFile with an argument array.",
          tags: ["shell", "node", "shell", "security"],
          sourceAgent: "reviewer",
          sourceFile: "src/run.ts",
          confidence: 0.75
        })
        expect(lesson).toMatchObject({
          projectId: "p1",
          details: "Use execFile with an argument array.",
          tags: ["shell", "node", "security"],
          sourceAgent: "reviewer",
          sourceFile: "src/run.ts",
          confidence: 0.75
        })
        expect(lesson.createdAt).toMatch(ISO)
        expect(yield* store.getById(lesson.id)).toEqual(Option.some(lesson))
        const other = yield* store.create(base)
        expect(other.id).not.toBe(lesson.id)
      }).pipe(Effect.provide(TestLayer)))

    it.effect("rejects invalid input with ValidationError and writes nothing", () =>
      Effect.gen(function*() {
        const store = yield* LessonsStore
        const invalid: ReadonlyArray<unknown> = [
          { ...base, category: "idea" },
          { ...base, title: "   " },
          { ...base, summary: "" },
          { ...base, confidence: 1.5 },
          { ...base, confidence: -0.1 },
          { ...base, confidence: Number.NaN },
          { ...base, tags: ["ok", " "] },
          { ...base, tags: "one" },
          { ...base, projectId: "" },
          { category: "bug", title: "no summary" },
          null
        ]
        for (const input of invalid) {
          // Untyped callers (JavaScript, JSON from a CLI) reach the same validation.
          const exit = yield* Effect.exit(store.create(input as LessonInput))
          expect(exit).toEqual(Exit.fail(expect.any(ValidationError)))
        }
        const error = yield* Effect.flip(store.create({ ...base, confidence: 2 }))
        expect(error._tag).toBe("ValidationError")
        expect(error.message).toContain("confidence")
        expect(yield* countRows).toBe(0)
      }).pipe(Effect.provide(TestLayer)))

    it.effect("redacts secrets before they reach the table or the full-text index", () =>
      Effect.gen(function*() {
        const store = yield* LessonsStore
        const lesson = yield* store.create({
          ...base,
          title: `Leaked ${AWS_KEY} in logs`,
          summary: `key ${anthropicKey()}`,
          details: `token ${GITHUB_TOKEN}`,
          sourceFile: "https://user:hunter2@example.com/x"
        })
        expect(lesson.title).toBe("Leaked [REDACTED:aws-access-key] in logs")
        expect(lesson.summary).not.toContain("sk-ant-api03")
        expect(lesson.details).not.toContain("ghp_")
        expect(lesson.sourceFile).not.toContain("hunter2")
        const terms = yield* indexTerms
        expect(terms).toContain("redacted")
        for (const secret of [AWS_KEY.toLowerCase(), "ghp", GITHUB_TOKEN.slice(4).toLowerCase(), "api03"]) {
          expect(terms).not.toContain(secret)
        }
        expect(yield* store.search({ query: AWS_KEY })).toEqual([])
        expect(titles(yield* store.search({ query: "redacted aws" }))).toEqual([lesson.title])
      }).pipe(Effect.provide(TestLayer)))
  })

  describe("getById", () => {
    it.effect("is none for an unknown id, and each test gets a fresh database", () =>
      Effect.gen(function*() {
        const store = yield* LessonsStore
        expect(yield* store.getById("nope")).toEqual(Option.none())
        expect(yield* countRows).toBe(0)
      }).pipe(Effect.provide(TestLayer)))
  })

  describe("search", () => {
    const seed = seedSearchLessons

    it.effect("finds words by prefix, case-insensitively, every word required", () =>
      Effect.gen(function*() {
        const { store } = yield* seed
        expect(titles(yield* store.search({ query: "react" })).sort()).toEqual(["React hooks pattern", "React state bug"])
        expect(titles(yield* store.search({ query: "REA hoo" }))).toEqual(["React hooks pattern"])
        expect(titles(yield* store.search({ query: "orchestr" }))).toEqual(["Multi agent orchestration"])
        expect(yield* store.search({ query: "react orchestration" })).toEqual([])
        expect(titles(yield* store.search({ query: "builders planner" }))).toEqual(["Multi agent orchestration"])
      }).pipe(Effect.provide(TestLayer)))

    it.effect("hits come out as the row schema decodes the same rows, and a stored row it refuses is a DatabaseError", () =>
      Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        const store = yield* LessonsStore
        yield* store.create({ ...base, title: "Kiwi first", summary: "kiwi", details: "kiwi \"quoted\"\n", tags: ["a", "é"] })
        yield* store.create({ ...base, category: "security", title: "Kiwi second", summary: "s", projectId: "p", sourceAgent: "g", sourceFile: "f.ts" })
        yield* store.create({ ...base, title: "Kiwi third", summary: "t", confidence: 0.25 })
        const plan = (match: Queries.SearchPlan["match"]) =>
          Queries.searchLessons(sql, {
            match,
            category: undefined,
            projectId: undefined,
            tags: [],
            limit: 10,
            offset: 0,
            candidates: 10,
            snippet: Queries.DEFAULT_SNIPPET
          })
        const viaSchema = Schema.decodeUnknownSync(Schema.Array(LessonHitFromRow))
        const listed = viaSchema(yield* plan(Option.none()))
        expect(listed).toHaveLength(3)
        expect(yield* store.search({})).toEqual(listed)
        const found = viaSchema(yield* plan(Option.some({ fts5: "\"kiwi\"*", words: ["kiwi"] })))
        expect(found).toHaveLength(3)
        expect(yield* store.search({ query: "kiwi" })).toEqual(found)
        if (Queries.takesFts5Syntax(sql)) {
          yield* sql`UPDATE lessons SET tags = '{"a":1}' WHERE title = 'Kiwi third'`
          const error = failureOf(yield* Effect.exit(store.search({ query: "kiwi" })))
          expect(error).toBeInstanceOf(DatabaseError)
          expect(error).toMatchObject({ reason: "Query", message: expect.stringContaining("a stored row does not match its schema") })
        }
      }).pipe(Effect.provide(TestLayer)))

    it.effect("a word matches every indexed word it begins, however many begin with it, in any script", () =>
      Effect.gen(function*() {
        const store = yield* LessonsStore
        yield* store.create({ ...base, title: "Timeout error", summary: "Retry it" })
        yield* store.create({ ...base, title: "Many errors", summary: "Batch them" })
        yield* store.create({ ...base, title: "The run errored", summary: "Read the log" })
        yield* store.create({ ...base, title: "Erroneous input", summary: "Validate it" })
        yield* store.create({ ...base, title: "Café crème", summary: "Order one" })
        // More words begin with "zq" than a word is expanded into (MAX_TERMS_PER_WORD): it stays a prefix query.
        const many = Array.from({ length: MAX_TERMS_PER_WORD + 4 }, (_, n) => `zq${n}`)
        for (const word of many) yield* store.create({ ...base, title: `Code ${word}`, summary: word === "zq5" ? "no errors" : "none" })
        const found = (query: string) => Effect.map(store.search({ query, limit: 100 }), (hits) => titles(hits).sort())
        expect(yield* found("error")).toEqual(["Many errors", "The run errored", "Timeout error", "Code zq5"].sort())
        expect(yield* found("ERRO")).toEqual(["Erroneous input", "Many errors", "The run errored", "Timeout error", "Code zq5"].sort())
        expect(yield* found("errors")).toEqual(["Code zq5", "Many errors"])
        expect(yield* found("errorless")).toEqual([])
        expect(yield* found("zq")).toEqual(many.map((word) => `Code ${word}`).sort())
        expect(yield* found("zq1")).toEqual(many.filter((word) => word.startsWith("zq1")).map((word) => `Code ${word}`).sort())
        expect(yield* found("zq erro")).toEqual(["Code zq5"])
        expect(yield* found("caf cr\u00e8")).toEqual(["Café crème"])
        expect(yield* found("Caf\u00e9")).toEqual(["Café crème"])
        // A word that begins the most recent lessons, among others that begin older ones: the recent ones come first at equal rank.
        expect(titles(yield* store.search({ query: "zq1", limit: 2 }))).toEqual(["Code zq19", "Code zq18"])
        const checks = yield* checkSearchIndexes
        expect(checks.every((check) => check.ok)).toBe(true)
      }).pipe(Effect.provide(TestLayer)))

    it.effect("without filters, a word is ranked among its most recent matches only; a filter ranks every match", () =>
      Effect.gen(function*() {
        const store = yield* LessonsStore
        // Written oldest first: the oldest says the word most, so it ranks best among all matches.
        yield* store.create({ ...base, title: "walrus walrus walrus", summary: "walrus walrus" })
        for (const n of [1, 2, 3, 4]) yield* store.create({ ...base, title: `Newer lesson ${n}`, summary: `a walrus, once (${n})` })
        const ranked = (options: LessonSearchOptions) =>
          Effect.map(store.search(options), titles).pipe(Effect.provideService(SearchCandidates, 3))
        // A page of three: the three most recent matches; the oldest, best-ranked one is beyond them.
        expect((yield* ranked({ query: "walrus", limit: 3 })).sort()).toEqual(["Newer lesson 2", "Newer lesson 3", "Newer lesson 4"])
        // A page that reaches further than the candidates ranks as many matches as it reaches.
        expect((yield* ranked({ query: "walrus", limit: 2, offset: 3 }))).toHaveLength(2)
        expect((yield* ranked({ query: "walrus", limit: 5 }))[0]).toBe("walrus walrus walrus")
        // With a filter every match is ranked.
        expect((yield* ranked({ query: "walrus", category: "pattern", limit: 1 }))).toEqual(["walrus walrus walrus"])
        // At the default, all five are candidates.
        expect(titles(yield* store.search({ query: "walrus", limit: 1 }))).toEqual(["walrus walrus walrus"])
      }).pipe(Effect.provide(TestLayer)))

    it.effect("reads plain text the way a user means it", () =>
      Effect.gen(function*() {
        const { store } = yield* seed
        expect(titles(yield* store.search({ query: "multi-agent" }))).toEqual(["Multi agent orchestration"])
        expect(titles(yield* store.search({ query: "don't" }))).toEqual(["Don't repeat yourself"])
        expect(titles(yield* store.search({ query: "\"react state\"" }))).toEqual(["React state bug"])
        expect(titles(yield* store.search({ query: "state: async!" }))).toEqual(["React state bug"])
        expect(titles(yield* store.search({ query: "NOT state" }))).toEqual([])
        expect(titles(yield* store.search({ query: "hooks OR orchestration" }))).toEqual([])
        expect(titles(yield* store.search({ query: "(async) state*" }))).toEqual(["React state bug"])
        expect(titles(yield* store.search({ query: "async AND state" }))).toEqual([])
        expect(titles(yield* store.search({ query: "🎉 react 🚀 hooks" }))).toEqual(["React hooks pattern"])
        const unsafe = ["'", "\"", "a'b", "-", ":", "*", "^", "(", ")", "NEAR(", "NEAR(a b", "AND", "OR", "NOT", "title:react", "{title}: x", "+", "\u0000", "\\"]
        for (const query of unsafe) {
          const exit = yield* Effect.exit(store.search({ query }))
          expect(Exit.isSuccess(exit), query).toBe(true)
        }
      }).pipe(Effect.provide(TestLayer)))

    it.effect("ranks a title hit above a summary hit above a details-only hit (bm25, lower is better)", () =>
      Effect.gen(function*() {
        const store = yield* LessonsStore
        const inDetails = yield* store.create({ ...base, title: "One", summary: "Two", details: "Watch the kafka consumer lag" })
        const inTitle = yield* store.create({ ...base, title: "Kafka consumer lag", summary: "Three", details: "Four" })
        const inSummary = yield* store.create({ ...base, title: "Five", summary: "Kafka retention", details: "Six" })
        const hits = yield* store.search({ query: "kafka" })
        expect(hits.map((hit) => hit.id)).toEqual([inTitle.id, inSummary.id, inDetails.id])
        const [first, second, third] = hits.map((hit) => hit.rank)
        expect(first).toBeLessThan(second!)
        expect(second).toBeLessThan(third!)
        expect(third).toBeLessThan(0)
      }).pipe(Effect.provide(TestLayer)))

    it.effect("returns a snippet with the matched words highlighted; markers are options", () =>
      Effect.gen(function*() {
        const store = yield* LessonsStore
        yield* store.create({
          ...base,
          title: "Unrelated",
          summary: "Short",
          details: "When a database migration fails halfway the schema is left in an unknown state so wrap every migration in one transaction and record it"
        })
        const [hit] = yield* store.search({ query: "migration transact" })
        expect(hit!.snippet).toContain("[migration]")
        expect(hit!.snippet).toContain("[transaction]")
        expect(hit!.snippet).toMatch(/…/)
        const [custom] = yield* store.search({
          query: "migration",
          snippet: { open: "<b>", close: "</b>", ellipsis: "...", tokens: 5 }
        })
        expect(custom!.snippet).toContain("<b>migration</b>")
        expect(custom!.snippet.split(" ").length).toBeLessThanOrEqual(5)
        expect(custom!.snippet).toMatch(/\.\.\./)
      }).pipe(Effect.provide(TestLayer)))

    it.effect("without text to match, lists the filtered lessons, last updated first, rank 0 and the summary as snippet", () =>
      Effect.gen(function*() {
        const { dont, multi, react, state, store } = yield* seed
        for (const query of [undefined, "", "   ", "-- !!", "🎉"]) {
          const hits = yield* store.search(query === undefined ? {} : { query })
          expect(hits.map((hit) => hit.id)).toEqual([dont.id, multi.id, state.id, react.id])
          expect(hits.every((hit) => hit.rank === 0)).toBe(true)
          expect(hits.map((hit) => hit.snippet)).toEqual([dont.summary, multi.summary, state.summary, react.summary])
        }
        expect(yield* store.search()).toHaveLength(4)
        yield* nextMillisecond
        yield* store.update(react.id, { confidence: 0.5 })
        expect((yield* store.search({ query: "!" })).map((hit) => hit.id)).toEqual([react.id, dont.id, multi.id, state.id])
      }).pipe(Effect.provide(TestLayer)))

    it.effect("filters by category, project (plus global lessons) and tags (exact, all of them)", () =>
      Effect.gen(function*() {
        const { dont, multi, react, state, store } = yield* seed
        const ids = (hits: ReadonlyArray<{ readonly id: string }>) => hits.map((hit) => hit.id).sort()
        expect(ids(yield* store.search({ category: "bug" }))).toEqual([state.id])
        expect(ids(yield* store.search({ projectId: "web" }))).toEqual([react.id, state.id, dont.id].sort())
        expect(ids(yield* store.search({ projectId: "api" }))).toEqual([react.id, multi.id].sort())
        expect(ids(yield* store.search({ projectId: "elsewhere" }))).toEqual([react.id])
        expect(ids(yield* store.search({ projectId: null }))).toEqual([react.id])
        expect(ids(yield* store.search({ tags: ["react"] }))).toEqual([react.id, state.id].sort())
        expect(ids(yield* store.search({ tags: ["react", "typescript"] }))).toEqual([react.id])
        expect(ids(yield* store.search({ tags: ["typescript", "agents"] }))).toEqual([])
        // Exact tags: "type" is not "typescript", and LIKE patterns mean nothing.
        expect(ids(yield* store.search({ tags: ["type"] }))).toEqual([dont.id])
        expect(ids(yield* store.search({ tags: ["%"] }))).toEqual([])
        expect(ids(yield* store.search({ tags: ["reac%"] }))).toEqual([])
        expect(ids(yield* store.search({ tags: [] }))).toHaveLength(4)
        expect(ids(yield* store.search({ query: "react", projectId: "web", category: "bug", tags: ["react"] }))).toEqual([state.id])
        expect(ids(yield* store.search({ query: "react", projectId: "api" }))).toEqual([react.id])
      }).pipe(Effect.provide(TestLayer)))

    it.effect("matches tags with quotes, percent signs and unicode exactly", () =>
      Effect.gen(function*() {
        const store = yield* LessonsStore
        const odd = yield* store.create({ ...base, tags: ["a\"b", "50%", "naïve", "x,y"] })
        yield* store.create({ ...base, tags: ["a", "b", "50", "naive"] })
        for (const tag of ["a\"b", "50%", "naïve", "x,y"]) {
          expect((yield* store.search({ tags: [tag] })).map((hit) => hit.id)).toEqual([odd.id])
        }
      }).pipe(Effect.provide(TestLayer)))

    it.effect("pages with limit and offset in a stable order", () =>
      Effect.gen(function*() {
        const store = yield* LessonsStore
        for (let i = 0; i < 7; i++) yield* store.create({ ...base, title: `Paging lesson ${i}` })
        const all = yield* store.search({ query: "paging" })
        expect(all).toHaveLength(7)
        const pages = [
          yield* store.search({ query: "paging", limit: 3 }),
          yield* store.search({ query: "paging", limit: 3, offset: 3 }),
          yield* store.search({ query: "paging", limit: 3, offset: 6 })
        ]
        expect(pages.map((page) => page.length)).toEqual([3, 3, 1])
        expect(pages.flat().map((hit) => hit.id)).toEqual(all.map((hit) => hit.id))
        expect((yield* Effect.flip(store.search({ limit: 0 })))._tag).toBe("ValidationError")
        expect((yield* store.search({ limit: 2, offset: 6 })).length).toBe(1)
      }).pipe(Effect.provide(TestLayer)))

    it.effect("returns at most 50 results by default", () =>
      Effect.gen(function*() {
        const store = yield* LessonsStore
        yield* Effect.forEach(Array.from({ length: 55 }, (_, i) => i), (i) => store.create({ ...base, title: `Many ${i}` }))
        expect(yield* store.search({ query: "many" })).toHaveLength(50)
        expect(yield* store.search({ query: "many", limit: 100 })).toHaveLength(55)
      }).pipe(Effect.provide(TestLayer)))

    it.effect("raw FTS5 syntax runs on SQLite (test/sqlite/LessonsFts5Syntax) and is a ValidationError where there is no FTS5", () =>
      Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        const { multi, react, store } = yield* seed
        const raw = store.search({ query: "hooks OR orchestration", syntax: "fts5" })
        if (sql.onDialectOrElse({ sqlite: () => true, orElse: () => false })) {
          expect((yield* raw).map((hit) => hit.id).sort()).toEqual([react.id, multi.id].sort())
        } else {
          const error = yield* Effect.flip(raw)
          expect(error._tag).toBe("ValidationError")
          if (error._tag === "ValidationError") {
            expect(error.message).toMatch(/^invalid FTS5 query: raw FTS5 syntax needs SQLite/)
            expect(error.issues[0]?.path).toBe("syntax")
          }
          expect(titles(yield* store.search({ query: "hooks OR orchestration" }))).toEqual([])
        }
      }).pipe(Effect.provide(TestLayer)))

    it.effect("rejects malformed options with ValidationError", () =>
      Effect.gen(function*() {
        const store = yield* LessonsStore
        const invalid: ReadonlyArray<unknown> = [
          { limit: -1 },
          { limit: 1.5 },
          { offset: -3 },
          { category: "idea" },
          { syntax: "sql" },
          { tags: "react" },
          { snippet: { tokens: 0 } },
          { snippet: { tokens: 65 } }
        ]
        for (const options of invalid) {
          const error = yield* Effect.flip(store.search(options as never))
          expect(error._tag).toBe("ValidationError")
        }
      }).pipe(Effect.provide(TestLayer)))
  })

  describe("update", () => {
    it.effect("changes only the given fields, sets updatedAt, and the search follows", () =>
      Effect.gen(function*() {
        const store = yield* LessonsStore
        const lesson = yield* store.create({ ...base, title: "Original heading", details: "Some details", tags: ["a"], sourceAgent: "planner" })
        yield* nextMillisecond
        const updated = yield* store.update(lesson.id, { title: "Renamed heading", tags: ["b", "c"], confidence: 0.5, details: null })
        expect(updated).toEqual({
          ...lesson,
          title: "Renamed heading",
          tags: ["b", "c"],
          confidence: 0.5,
          details: undefined,
          updatedAt: expect.stringMatching(ISO)
        })
        expect(updated.updatedAt > lesson.updatedAt).toBe(true)
        expect(updated).not.toHaveProperty("details")
        expect(yield* store.getById(lesson.id)).toEqual(Option.some(updated))
        expect(yield* store.search({ query: "original" })).toEqual([])
        expect(titles(yield* store.search({ query: "renamed" }))).toEqual(["Renamed heading"])
        expect(yield* store.search({ query: "details" })).toEqual([])
        expect(yield* store.search({ tags: ["a"] })).toEqual([])
        expect((yield* store.search({ tags: ["c", "b"] })).map((hit) => hit.id)).toEqual([lesson.id])
        yield* expectIndexesOk
      }).pipe(Effect.provide(TestLayer)))

    it.effect("moves a lesson between projects and categories, and redacts new text", () =>
      Effect.gen(function*() {
        const store = yield* LessonsStore
        const lesson = yield* store.create({ ...base, projectId: "p1" })
        const moved = yield* store.update(lesson.id, { projectId: null, category: "security", summary: `key ${AWS_KEY}` })
        expect(moved.projectId).toBeNull()
        expect(moved.category).toBe("security")
        expect(moved.summary).toBe("key [REDACTED:aws-access-key]")
        expect((yield* store.search({ projectId: "p2", category: "security" })).map((hit) => hit.id)).toEqual([lesson.id])
        expect(yield* indexTerms).not.toContain(AWS_KEY.toLowerCase())
      }).pipe(Effect.provide(TestLayer)))

    it.effect("an empty patch changes nothing", () =>
      Effect.gen(function*() {
        const store = yield* LessonsStore
        const lesson = yield* store.create(base)
        yield* nextMillisecond
        expect(yield* store.update(lesson.id, {})).toEqual(lesson)
      }).pipe(Effect.provide(TestLayer)))

    it.effect("fails with NotFound for an unknown id and ValidationError for a bad patch", () =>
      Effect.gen(function*() {
        const store = yield* LessonsStore
        const lesson = yield* store.create(base)
        expect(yield* Effect.flip(store.update("missing", { title: "x" }))).toMatchObject({ _tag: "NotFound", entity: "lesson", id: "missing" })
        expect(yield* Effect.flip(store.update("missing", {}))).toMatchObject({ _tag: "NotFound", id: "missing" })
        for (const patch of [{ title: "" }, { confidence: 3 }, { category: "idea" }, { tags: [""] }, { summary: null }]) {
          const error = yield* Effect.flip(store.update(lesson.id, patch as never))
          expect(error._tag).toBe("ValidationError")
        }
        expect(yield* store.getById(lesson.id)).toEqual(Option.some(lesson))
      }).pipe(Effect.provide(TestLayer)))
  })

  describe("recordApplication", () => {
    it.effect("counts applications and sets updatedAt; NotFound for an unknown id", () =>
      Effect.gen(function*() {
        const store = yield* LessonsStore
        const lesson = yield* store.create(base)
        yield* nextMillisecond
        yield* store.recordApplication(lesson.id)
        yield* store.recordApplication(lesson.id)
        const applied = Option.getOrThrow(yield* store.getById(lesson.id))
        expect(applied.applicationCount).toBe(2)
        expect(applied.updatedAt > lesson.updatedAt).toBe(true)
        expect(yield* Effect.flip(store.recordApplication("missing"))).toMatchObject({ _tag: "NotFound", entity: "lesson", id: "missing" })
      }).pipe(Effect.provide(TestLayer)))

    it.effect("100 concurrent calls on one lesson leave the count at 100", () =>
      Effect.gen(function*() {
        const store = yield* LessonsStore
        const lesson = yield* store.create({ ...base, title: "Concurrent" })
        const other = yield* store.create(base)
        yield* Effect.all(Array.from({ length: 100 }, () => store.recordApplication(lesson.id)), { concurrency: "unbounded" })
        expect(Option.getOrThrow(yield* store.getById(lesson.id)).applicationCount).toBe(100)
        expect(Option.getOrThrow(yield* store.getById(other.id)).applicationCount).toBe(0)
        expect(titles(yield* store.search({ query: "concurrent" }))).toEqual(["Concurrent"])
        yield* expectIndexesOk
      }).pipe(Effect.provide(TestLayer)))
  })

  describe("delete", () => {
    it.effect("removes the lesson and its search entry; false the second time", () =>
      Effect.gen(function*() {
        const store = yield* LessonsStore
        const lesson = yield* store.create({ ...base, title: "Ephemeral" })
        const kept = yield* store.create({ ...base, title: "Ephemeral too" })
        expect(yield* store.delete(lesson.id)).toBe(true)
        expect(yield* store.delete(lesson.id)).toBe(false)
        expect(yield* store.getById(lesson.id)).toEqual(Option.none())
        expect((yield* store.search({ query: "ephemeral" })).map((hit) => hit.id)).toEqual([kept.id])
        yield* expectIndexesOk
      }).pipe(Effect.provide(TestLayer)))
  })

  describe("byCategory", () => {
    it.effect("lists a category, most confident then most applied first, 20 by default", () =>
      Effect.gen(function*() {
        const store = yield* LessonsStore
        const low = yield* store.create({ ...base, category: "performance", title: "low", confidence: 0.2 })
        const high = yield* store.create({ ...base, category: "performance", title: "high", confidence: 0.9 })
        const highApplied = yield* store.create({ ...base, category: "performance", title: "high applied", confidence: 0.9 })
        yield* store.recordApplication(highApplied.id)
        yield* store.create({ ...base, category: "bug" })
        const lessons = yield* store.byCategory("performance")
        expect(lessons.map((lesson) => lesson.id)).toEqual([highApplied.id, high.id, low.id])
        expect(yield* store.byCategory("performance", 1)).toHaveLength(1)
        expect(yield* store.byCategory("preference")).toEqual([])
        yield* Effect.forEach(Array.from({ length: 22 }, (_, i) => i), (i) => store.create({ ...base, category: "bug", title: `bug ${i}` }))
        expect(yield* store.byCategory("bug")).toHaveLength(20)
        expect(yield* store.byCategory("bug", 100)).toHaveLength(23)
      }).pipe(Effect.provide(TestLayer)))

    it.effect("rejects an unknown category or a negative limit", () =>
      Effect.gen(function*() {
        const store = yield* LessonsStore
        expect((yield* Effect.flip(store.byCategory("idea" as never)))._tag).toBe("ValidationError")
        expect((yield* Effect.flip(store.byCategory("bug", -1)))._tag).toBe("ValidationError")
      }).pipe(Effect.provide(TestLayer)))
  })

  describe("mostApplied", () => {
    it.effect("lists the most applied lessons first, 10 by default", () =>
      Effect.gen(function*() {
        const store = yield* LessonsStore
        const lessons = yield* Effect.forEach(Array.from({ length: 12 }, (_, i) => i), (i) => store.create({ ...base, title: `lesson ${i}` }))
        for (const [i, lesson] of lessons.entries()) {
          yield* Effect.all(Array.from({ length: i }, () => store.recordApplication(lesson.id)))
        }
        const top = yield* store.mostApplied()
        expect(top.map((lesson) => lesson.applicationCount)).toEqual([11, 10, 9, 8, 7, 6, 5, 4, 3, 2])
        expect((yield* store.mostApplied(2)).map((lesson) => lesson.title)).toEqual(["lesson 11", "lesson 10"])
        expect((yield* Effect.flip(store.mostApplied(-5)))._tag).toBe("ValidationError")
      }).pipe(Effect.provide(TestLayer)))
  })

  it.effect("accessors work on the service tag", () =>
    Effect.gen(function*() {
      const lesson = yield* LessonsStore.create(base)
      expect(yield* LessonsStore.getById(lesson.id)).toEqual(Option.some(lesson))
    }).pipe(Effect.provide(TestLayer)))
})

  it.effect("create, update and recordApplication stamp Effect's Clock (the test clock here)", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2031-02-03T04:05:06.789Z"))
      const lesson = yield* LessonsStore.create({ category: "pattern", title: "Clocked", summary: "stamped by the test clock" })
      expect(lesson.createdAt).toBe("2031-02-03T04:05:06.789Z")
      expect(lesson.updatedAt).toBe("2031-02-03T04:05:06.789Z")
      yield* TestClock.adjust("1 minute")
      const updated = yield* LessonsStore.update(lesson.id, { title: "Clocked again" })
      expect(updated.createdAt).toBe("2031-02-03T04:05:06.789Z")
      expect(updated.updatedAt).toBe("2031-02-03T04:06:06.789Z")
      yield* TestClock.adjust("1 minute")
      yield* LessonsStore.recordApplication(lesson.id)
      expect(Option.getOrThrow(yield* LessonsStore.getById(lesson.id)).updatedAt).toBe("2031-02-03T04:07:06.789Z")
    }).pipe(Effect.provide(TestLayer)))
})

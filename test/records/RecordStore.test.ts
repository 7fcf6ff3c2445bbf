import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import { Num } from "../../src/database/Columns.js"
import type { JsonObject } from "../../src/records/JsonDocument.js"
import { NearestPageSize } from "../../src/records/Nearest.js"
import { RecordStore } from "../../src/RecordStore.js"
import { expectFailure } from "./support.js"
import { nextMillisecond } from "../support/Poll.js"
import { describeBackends } from "../support/Backends.js"

describeBackends("RecordStore", ({ core, name }) => {
const TestLayer = RecordStore.DefaultWithoutDependencies.pipe(Layer.provideMerge(core))


/** Hands over a value of any shape where a typed input is expected, as untyped JavaScript callers can. */
function untyped<T>(value: unknown): T
function untyped(value: unknown) {
  return value
}

const countRecords = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  sql`SELECT count(*) AS n FROM records`.pipe(
    Effect.flatMap(Schema.decodeUnknown(Schema.Tuple(Schema.Struct({ n: Num })))),
    Effect.map(([row]) => row.n),
    Effect.orDie
  ))

/** Planner sessions as in seed 003. */
const PLANNER_SESSIONS: ReadonlyArray<readonly [string, JsonObject]> = [
  ["p1", { task: "build the API", complexity: "complex", confidence: 0.9, planning_cost: 0.12, plan: { agents: ["builder", "reviewer"] } }],
  ["p2", { task: "fix a typo", complexity: "simple", confidence: 0.95, planning_cost: 0.01, plan: { agents: ["editor"] } }],
  ["p3", { task: "migrate the db", complexity: "complex", confidence: 0.7, planning_cost: 0.3, plan: { agents: ["builder"] } }],
  ["p4", { task: "write docs", complexity: "medium", confidence: "high", plan: { agents: [] } }]
]

const seedPlanner = Effect.gen(function*() {
  const store = yield* RecordStore
  yield* TestClock.setTime(Date.parse("2025-06-01T00:00:00.000Z"))
  for (const [id, content] of PLANNER_SESSIONS) {
    yield* store.put("planner_session", { id, content, metadata: { source: "planner" } })
    yield* nextMillisecond
  }
  return store
})

describe("RecordStore.put / get / delete", () => {
  it.effect("stores JSON documents per kind and reads them back as given", () =>
    Effect.gen(function*() {
      const store = yield* RecordStore
      const content = JSON.parse(
        `{"z":1,"a":{"nested":[1,"two",null,true,{"x":-0.5}]},"unicode":"日本語 🎉 \\u2028","__proto__":{"p":1},"10":"ten"}`
      )
      const id = yield* store.put("hook.event", { content, metadata: { v: 2 }, embedding: [1, 2, 3] })
      expect(id).toMatch(/^[0-9a-f-]{36}$/)
      const stored = Option.getOrThrow(yield* store.get("hook.event", id))
      expect(stored.content).toStrictEqual(content)
      // The same text too, key order included, except on PostgreSQL: jsonb orders an object's keys (shortest first).
      if (name !== "PostgreSQL") expect(JSON.stringify(stored.content)).toBe(JSON.stringify(content))
      expect(Object.getPrototypeOf(stored.content)).toBe(Object.prototype)
      expect(stored.metadata).toEqual({ v: 2 })
      expect(Array.from(stored.embedding ?? [])).toEqual([1, 2, 3])
      expect(stored.kind).toBe("hook.event")
      expect(stored.createdAt).toBe(stored.updatedAt)
      expect(Option.isNone(yield* store.get("other", id))).toBe(true)
      expect(Option.isNone(yield* store.get("hook.event", "missing"))).toBe(true)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("put with an existing kind and id replaces the document and keeps createdAt; kinds are separate", () =>
    Effect.gen(function*() {
      const store = yield* RecordStore
      expect(yield* store.put("a", { id: "x", content: { v: 1 }, embedding: [1, 0] })).toBe("x")
      yield* store.put("b", { id: "x", content: { v: "other kind" } })
      const first = Option.getOrThrow(yield* store.get("a", "x"))
      yield* nextMillisecond
      yield* store.put("a", { id: "x", content: { v: 2 } })
      const second = Option.getOrThrow(yield* store.get("a", "x"))
      expect(second.content).toEqual({ v: 2 })
      expect(second.embedding).toBeNull()
      expect(second.metadata).toBeNull()
      expect(second.createdAt).toBe(first.createdAt)
      expect(second.updatedAt > first.updatedAt).toBe(true)
      expect(Option.getOrThrow(yield* store.get("b", "x")).content).toEqual({ v: "other kind" })
      expect(yield* countRecords).toBe(2)
      expect(yield* store.delete("a", "x")).toBe(true)
      expect(yield* store.delete("a", "x")).toBe(false)
      expect(yield* countRecords).toBe(1)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("put stamps createdAt and updatedAt with Effect's Clock (the test clock here)", () =>
    Effect.gen(function*() {
      const store = yield* RecordStore
      yield* TestClock.setTime(Date.parse("2031-02-03T04:05:06.789Z"))
      yield* store.put("a", { id: "x", content: { v: 1 } })
      yield* TestClock.adjust("2 seconds")
      yield* store.put("a", { id: "x", content: { v: 2 } })
      const stored = Option.getOrThrow(yield* store.get("a", "x"))
      expect(stored.createdAt).toBe("2031-02-03T04:05:06.789Z")
      expect(stored.updatedAt).toBe("2031-02-03T04:05:08.789Z")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("secrets are redacted in content, metadata and ids", () =>
    Effect.gen(function*() {
      const store = yield* RecordStore
      const secret = "ghp_" + "A1b2C3d4E5f6G7h8I9j0".repeat(2).slice(0, 36)
      const id = yield* store.put("hook", {
        id: `session-${secret}`,
        content: { command: `git push https://${secret}@github.com/x/y`, password: "hunter2", nested: { api_key: "abc" } },
        metadata: { token: "t0k3n-value" }
      })
      expect(id).not.toContain(secret)
      const stored = Option.getOrThrow(yield* store.get("hook", id))
      const text = JSON.stringify(stored)
      expect(text).not.toContain(secret)
      expect(text).not.toContain("hunter2")
      expect(text).not.toContain("t0k3n-value")
      expect(stored.content.password).toBe("[REDACTED:sensitive-key]")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("invalid kinds, ids, contents, metadata and embeddings are ValidationErrors naming the field", () =>
    Effect.gen(function*() {
      const store = yield* RecordStore
      class Point {
        x = 1
      }
      const cycle: Record<string, unknown> = {}
      cycle.self = cycle
      const cases: ReadonlyArray<readonly [string, unknown, string]> = [
        ["", { content: {} }, "kind"],
        ["a b", { content: {} }, "kind"],
        ["x';DROP TABLE records;--", { content: {} }, "kind"],
        ["../etc", { content: {} }, "kind"],
        ["k".repeat(101), { content: {} }, "kind"],
        ["ghp_" + "a1B2c3D4e5".repeat(4).slice(0, 36), { content: {} }, "kind"],
        ["ok", { id: "", content: {} }, "id"],
        ["ok", { id: 5, content: {} }, "id"],
        ["ok", { content: [1, 2] }, "content"],
        ["ok", { content: "text" }, "content"],
        ["ok", { content: null }, "content"],
        ["ok", { content: new Date() }, "content"],
        ["ok", { content: { at: new Date() } }, "content.at"],
        ["ok", { content: { n: Number.NaN } }, "content.n"],
        ["ok", { content: { list: [1, undefined] } }, "content.list[1]"],
        ["ok", { content: { p: new Point() } }, "content.p"],
        ["ok", { content: { big: 10n } }, "content.big"],
        ["ok", { content: { f: () => 1 } }, "content.f"],
        ["ok", { content: cycle }, "content.self"],
        ["ok", { content: {}, metadata: [] }, "metadata"],
        ["ok", { content: {}, embedding: [] }, "embedding"],
        ["ok", { content: {}, embedding: [1, Number.POSITIVE_INFINITY] }, "embedding[1]"],
        ["ok", { content: {}, embedding: [1e39] }, "embedding[0]"],
        ["ok", { content: {}, embedding: "1,2" }, "embedding"],
        ["ok", null, ""]
      ]
      for (const [index, [kind, input, path]] of cases.entries()) {
        const error = yield* expectFailure(store.put(kind, untyped(input)), "ValidationError", `case ${index}`)
        expect(error.issues.map((i) => i.path), `case ${index}`).toContain(path)
      }
      expect(yield* countRecords).toBe(0)
    }).pipe(Effect.provide(TestLayer)))
})

describe("RecordStore.query", () => {
  it.effect("filters on content fields as in seed 003 (where), by time, ordered and paged", () =>
    Effect.gen(function*() {
      const store = yield* seedPlanner
      const ids = (options: Parameters<typeof store.query>[1]) =>
        store.query("planner_session", options).pipe(Effect.map((rows) => rows.map((r) => r.id)))
      expect(yield* ids({})).toEqual(["p4", "p3", "p2", "p1"])
      expect(yield* ids({ where: { complexity: "complex" } })).toEqual(["p3", "p1"])
      expect(yield* ids({ where: { confidence: { gt: 0.8 } } })).toEqual(["p2", "p1"])
      expect(yield* ids({ where: { "plan.agents": { contains: "builder" } } })).toEqual(["p3", "p1"])
      expect(yield* ids({ where: { complexity: "complex", confidence: { gte: 0.8, lte: 1 } } })).toEqual(["p1"])
      expect(yield* ids({ where: { complexity: { in: ["simple", "medium"] } } })).toEqual(["p4", "p2"])
      expect(yield* ids({ where: { planning_cost: { exists: false } } })).toEqual(["p4"])
      expect(yield* ids({ where: { complexity: { ne: "complex" } } })).toEqual(["p4", "p2"])
      expect(yield* ids({ where: { "plan.agents[0]": "builder" } })).toEqual(["p3", "p1"])
      expect(yield* ids({ orderBy: { path: "planning_cost", direction: "desc" } })).toEqual(["p3", "p1", "p2", "p4"])
      expect(yield* ids({ orderBy: { path: "planning_cost", direction: "asc" } })).toEqual(["p4", "p2", "p1", "p3"])
      expect(yield* ids({ orderBy: { column: "createdAt", direction: "asc" } })).toEqual(["p1", "p2", "p3", "p4"])
      expect(yield* ids({ orderBy: { column: "updatedAt" }, limit: 2, offset: 1 })).toEqual(["p3", "p2"])
      const all = yield* store.query("planner_session", { orderBy: { column: "createdAt", direction: "asc" } })
      expect(yield* ids({ since: all[2]!.createdAt })).toEqual(["p4", "p3"])
      expect(yield* ids({ until: new Date(all[2]!.createdAt) })).toEqual(["p2", "p1"])
      expect(yield* ids({ since: "2000-01-01", until: "2000-01-02" })).toEqual([])
      expect(yield* store.query("other_kind")).toEqual([])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("invalid options are ValidationErrors naming the option", () =>
    Effect.gen(function*() {
      const store = yield* seedPlanner
      const cases: ReadonlyArray<readonly [unknown, string]> = [
        [{ limit: 0 }, "limit"],
        [{ limit: 1.5 }, "limit"],
        [{ offset: -1 }, "offset"],
        [{ since: "yesterday-ish" }, "since"],
        [{ orderBy: { path: "a'b" } }, "orderBy.path"],
        [{ orderBy: { column: "seq" } }, "orderBy"],
        [{ orderBy: { path: "x", direction: "sideways" } }, "orderBy"],
        [{ where: { confidence: { between: [1, 2] } } }, "where"]
      ]
      for (const [options, path] of cases) {
        const error = yield* expectFailure(store.query("planner_session", untyped(options)), "ValidationError")
        expect(error.issues[0]?.path.startsWith(path)).toBe(true)
      }
      yield* expectFailure(store.query("no good"), "ValidationError")
    }).pipe(Effect.provide(TestLayer)))
})

describe("RecordStore.stats", () => {
  it.effect("count, min, max, avg and sum of a numeric field in one query; non-numbers are not counted", () =>
    Effect.gen(function*() {
      const store = yield* seedPlanner
      const stats = yield* store.stats("planner_session", { field: "confidence" })
      expect(stats.count).toBe(3)
      expect(stats.min).toBe(0.7)
      expect(stats.max).toBe(0.95)
      expect(stats.avg).toBeCloseTo((0.9 + 0.95 + 0.7) / 3, 12)
      expect(stats.sum).toBeCloseTo(2.55, 12)
      const complex = yield* store.stats("planner_session", { field: "planning_cost", where: { complexity: "complex" } })
      expect(complex).toMatchObject({ count: 2, min: 0.12, max: 0.3 })
      expect(complex.sum).toBeCloseTo(0.42, 12)
      expect(yield* store.stats("planner_session", { field: "task" })).toEqual({ count: 0, min: null, max: null, avg: null, sum: 0 })
      expect(yield* store.stats("nothing_here", { field: "x" })).toEqual({ count: 0, min: null, max: null, avg: null, sum: 0 })
      const nested = yield* store.stats("planner_session", { field: "plan.agents[0]" })
      expect(nested.count).toBe(0)
      yield* store.put("planner_session", { id: "p5", content: { confidence: 1, flag: true } })
      expect((yield* store.stats("planner_session", { field: "flag" })).count).toBe(0)
      expect((yield* store.stats("planner_session", { field: "confidence", since: "2000-01-01" })).count).toBe(4)
      const bad = yield* expectFailure(store.stats("planner_session", { field: "confidence) FROM records; --" }), "ValidationError")
      expect(bad.issues[0]?.path).toBe("field")
    }).pipe(Effect.provide(TestLayer)))
})

describe("RecordStore.similar", () => {
  it.effect("returns the true nearest neighbours within a kind and a where filter, checked by brute force", () =>
    Effect.gen(function*() {
      const store = yield* RecordStore
      let seed = 99
      const next = () => {
        seed = (seed * 1103515245 + 12345) % 2147483648
        return seed / 2147483648
      }
      const vector = (dim: number) => Float32Array.from({ length: dim }, () => next() * 2 - 1)
      const DIM = 12
      const docs: Array<{ id: string; group: string; embedding: Float32Array }> = []
      // Pages of 10 rows (provided below): the scan crosses many pages, filtered by the where clause or not, with
      // more documents of group "a" than the largest k.
      for (let i = 0; i < 153; i++) {
        const doc = { id: `r${i}`, group: i % 3 === 0 ? "a" : "b", embedding: vector(DIM) }
        docs.push(doc)
        yield* store.put("memo", { id: doc.id, content: { group: doc.group, i }, embedding: doc.embedding })
      }
      // other kinds and unembedded documents are never returned
      yield* store.put("other", { id: "o", content: { group: "a" }, embedding: vector(DIM) })
      yield* store.put("memo", { id: "plain", content: { group: "a" } })
      const cos = (a: Float32Array, b: Float32Array) => {
        let d = 0
        let x = 0
        let y = 0
        for (let i = 0; i < a.length; i++) {
          d += a[i]! * b[i]!
          x += a[i]! * a[i]!
          y += b[i]! * b[i]!
        }
        return d / Math.sqrt(x * y)
      }
      for (const k of [1, 7, 40]) {
        const query = vector(DIM)
        const expected = docs
          .filter((d) => d.group === "a")
          .map((d) => ({ id: d.id, score: cos(query, d.embedding) }))
          .sort((a, b) => b.score - a.score)
          .slice(0, k)
        const hits = yield* store.similar("memo", query, { k, where: { group: "a" } })
        expect(hits.map((h) => h.id)).toEqual(expected.map((e) => e.id))
        hits.forEach((hit, i) => expect(hit.score).toBeCloseTo(expected[i]!.score, 6))
        expect(hits.every((h) => h.kind === "memo" && h.content.group === "a")).toBe(true)
        const unfiltered = yield* store.similar("memo", query, { k })
        const all = docs.map((d) => ({ id: d.id, score: cos(query, d.embedding) })).sort((a, b) => b.score - a.score)
        expect(unfiltered.map((h) => h.id)).toEqual(all.slice(0, k).map((e) => e.id))
      }
      yield* expectFailure(store.similar("memo", vector(DIM), { k: 3, where: { group: { like: "%" } } }), "ValidationError")
      yield* expectFailure(store.similar("memo", new Float32Array(DIM), { k: 3 }), "ValidationError")
      yield* expectFailure(store.similar("memo", vector(DIM), { k: 0 }), "ValidationError")
    }).pipe(Effect.provideService(NearestPageSize, 10), Effect.provide(TestLayer)))
})
})

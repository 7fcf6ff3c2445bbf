/**
 * SQL metacharacters, quotes and JSON-path tricks in every place a caller
 * can put text: each is either a ValidationError or matched as plain data,
 * and no malformed filter ever returns unfiltered rows.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as fc from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Runtime from "effect/Runtime"
import * as Schema from "effect/Schema"
import { Num } from "../../src/database/Columns.js"
import type { DatabaseError, ValidationError } from "../../src/Errors.js"
import type { JsonObject } from "../../src/records/JsonDocument.js"
import { RecordStore, type Where } from "../../src/RecordStore.js"
import { expectFailure } from "./support.js"
import { describeBackends } from "../support/Backends.js"

describeBackends("RecordStore (hostile input)", ({ core }) => {
const TestLayer = RecordStore.DefaultWithoutDependencies.pipe(Layer.provideMerge(core))

/** Hands over a value of any shape where a typed input is expected, as untyped JavaScript callers can. */
function untyped<T>(value: unknown): T
function untyped(value: unknown) {
  return value
}

const KIND = "hostile"

const DOCS: ReadonlyArray<readonly [string, JsonObject]> = [
  ["d01", { note: "it's ' OR 1=1 --", score: 1 }],
  ["d02", { note: "100%", score: 2 }],
  ["d03", { note: "a_b", score: 3 }],
  ["d04", { note: "C:\\dir\\file", score: 4 }],
  ["d05", { note: "say \"hi\"; DROP TABLE records; --", score: 5 }],
  ["d06", { note: "$.note", score: 6 }],
  ["d07", { note: "日本語 🎉 é", score: 7 }],
  ["d08", { note: "[*]", score: 8 }],
  ["d09", { note: "..", score: 9 }],
  ["d10", { note: "plain", score: "10", tags: ["x", "' OR '1'='1", "%", "_"] }],
  ["d11", { "a.b": "dotted key", a: { b: "nested" }, note: null }],
  ["d12", { note: "' OR ''='", nested: { "$": 1, "*": 2 } }],
  ["d13", {}]
]
const ALL = DOCS.map(([id]) => id)

const HOSTILE_VALUES: ReadonlyArray<string> = [
  ...DOCS.flatMap(([, content]) => (typeof content.note === "string" ? [content.note] : [])),
  "'", "\"", ";", "--", "$", "..", "[*]", "%", "_", "\\", "*", "' OR 1=1 --", "1 OR 1=1", "x' OR 'x'='x",
  "note') OR 1=1 --", "\u0000", "é", "🎉", "%_%", "' UNION SELECT * FROM records --", ""
]

const HOSTILE_PATHS: ReadonlyArray<string> = [
  "", " ", "note ", " note", "a'b", "a\"b", "a;b", "a--b", "note; DROP TABLE records", "note--", "$", "$.note", "$note",
  "note.$", "a..b", ".note", "note.", "note[*]", "tags[*]", "tags[-1]", "tags[#-1]", "tags[0x1]", "tags[01]",
  "tags[1", "tags]", "note%", "no_te%", "a\\b", "ünï", "日本", "note OR 1=1", "note') OR ('1'='1", "a b", "a\u0000b",
  "note\n", "\"note\"", "'note'", "a.\"b\"", "a['b']", "json_extract(content, '$')", "1note", "a.1b", "🎉",
  "a".repeat(40).split("").join(".")
]

const UNKNOWN_OPERATORS: ReadonlyArray<unknown> = [
  { $gt: 1 }, { like: "%" }, { gt: 1, extra: 2 }, { $where: "1" }, { regex: ".*" }, { eq: 1, or: [] }, {},
  { EQ: "plain" }, { "eq ": "plain" }, { __proto__: { eq: 1 } }, { not: { eq: "plain" } }, { glob: "*" },
  { eq: { $ne: null } }, { eq: ["plain"] }, ["plain"], { in: [] }, { in: "plain" }, { in: [["plain"]] },
  { exists: "true" }, { exists: 1 }, { gt: null }, { gt: true }, { gt: [1] }, { contains: { x: 1 } },
  { eq: Number.NaN }, { gt: Number.POSITIVE_INFINITY }
]

const seed = Effect.gen(function*() {
  const store = yield* RecordStore
  for (const [id, content] of DOCS) yield* store.put(KIND, { id, content, embedding: [1, Number(id.slice(1))] })
  return store
})

const ids = (store: RecordStore, where: Where) =>
  store.query(KIND, { where, orderBy: { column: "createdAt", direction: "asc" } }).pipe(
    Effect.map((rows) => rows.map((r) => r.id).sort())
  )

/** Ids of the seeded documents for which `test` holds, computed in JavaScript. */
const expected = (test: (content: JsonObject) => boolean) => DOCS.filter(([, c]) => test(c)).map(([id]) => id).sort()

const utf8Compare = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b))

/** The records table is still there with every document; SQLite also passes its integrity check. */
const tableIntact = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const Count = Schema.Tuple(Schema.Struct({ n: Num }))
  const [tables] = yield* sql.onDialectOrElse({
    pg: () => sql`SELECT count(*) AS n FROM pg_tables WHERE tablename = 'records'`,
    orElse: () => sql`SELECT count(*) AS n FROM sqlite_master WHERE name = 'records'`
  }).pipe(Effect.flatMap(Schema.decodeUnknown(Count)))
  const [rows] = yield* sql`SELECT count(*) AS n FROM records`.pipe(Effect.flatMap(Schema.decodeUnknown(Count)))
  const check = yield* sql.onDialectOrElse({
    pg: () => Effect.succeed("ok"),
    orElse: () =>
      sql`PRAGMA integrity_check`.pipe(
        Effect.flatMap(Schema.decodeUnknown(Schema.Tuple(Schema.Struct({ integrity_check: Schema.String })))),
        Effect.map(([row]) => row.integrity_check)
      )
  })
  expect(tables.n).toBe(1)
  expect(rows.n).toBe(DOCS.length)
  expect(check).toBe("ok")
}).pipe(Effect.orDie)

describe("RecordStore against hostile input", () => {
  it.effect("metacharacters in values are matched as plain data by every operator", () =>
    Effect.gen(function*() {
      const store = yield* seed
      for (const v of HOSTILE_VALUES) {
        const note = (c: JsonObject) => c.note
        expect(yield* ids(store, { note: v }), `eq ${JSON.stringify(v)}`).toEqual(expected((c) => note(c) === v))
        expect(yield* ids(store, { note: { in: [v, "no such"] } })).toEqual(expected((c) => note(c) === v))
        expect(yield* ids(store, { note: { ne: v } })).toEqual(expected((c) => note(c) !== v))
        expect(yield* ids(store, { note: { contains: v } }), `contains ${JSON.stringify(v)}`).toEqual(
          expected((c) => typeof c.note === "string" && c.note.includes(v))
        )
        expect(yield* ids(store, { tags: { contains: v } })).toEqual(
          expected((c) => Array.isArray(c.tags) && c.tags.includes(v))
        )
        expect(yield* ids(store, { note: { gt: v } }), `gt ${JSON.stringify(v)}`).toEqual(
          expected((c) => typeof c.note === "string" && utf8Compare(c.note, v) > 0)
        )
        const stats = yield* store.stats(KIND, { field: "score", where: { note: v } })
        expect(stats.count).toBe(expected((c) => c.note === v && typeof c.score === "number").length)
      }
      // `%` and `_` are no wildcards, "a.b" is a path into `a`, not the dotted key
      expect(yield* ids(store, { note: { contains: "%" } })).toEqual(["d02"])
      expect(yield* ids(store, { note: { contains: "_" } })).toEqual(["d03"])
      expect(yield* ids(store, { "a.b": "nested" })).toEqual(["d11"])
      expect(yield* ids(store, { "a.b": "dotted key" })).toEqual([])
      expect(yield* ids(store, { note: null })).toEqual(["d11"])
      yield* tableIntact
    }).pipe(Effect.provide(TestLayer)))

  it.effect("malformed paths are ValidationErrors wherever a path is accepted", () =>
    Effect.gen(function*() {
      const store = yield* seed
      for (const path of HOSTILE_PATHS) {
        const attempts: ReadonlyArray<Effect.Effect<unknown, ValidationError | DatabaseError>> = [
          store.query(KIND, { where: { [path]: "plain" } }),
          store.query(KIND, { where: { [path]: { exists: true } } }),
          store.query(KIND, { orderBy: { path } }),
          store.stats(KIND, { field: path }),
          store.stats(KIND, { field: "score", where: { [path]: { gt: 0 } } }),
          store.similar(KIND, [1, 1], { k: 3, where: { [path]: "plain" } })
        ]
        for (const [i, attempt] of attempts.entries()) {
          yield* expectFailure(attempt, "ValidationError", `path ${JSON.stringify(path)} attempt ${i}`)
        }
      }
      yield* tableIntact
    }).pipe(Effect.provide(TestLayer)))

  it.effect("unknown operators and malformed conditions never return unfiltered rows", () =>
    Effect.gen(function*() {
      const store = yield* seed
      for (const condition of UNKNOWN_OPERATORS) {
        const attempts: ReadonlyArray<Effect.Effect<unknown, ValidationError | DatabaseError>> = [
          store.query(KIND, { where: untyped({ note: condition }) }),
          store.stats(KIND, { field: "score", where: untyped({ note: condition }) }),
          store.similar(KIND, [1, 1], { k: 50, where: untyped({ note: condition }) })
        ]
        for (const attempt of attempts) {
          yield* expectFailure(attempt, "ValidationError", JSON.stringify(condition))
        }
      }
      for (const where of [null, "note = 'x' OR 1=1", ["note"], 42, { note: undefined }]) {
        // a filter that is not an object, or a condition that is not a value, is refused
        yield* expectFailure(store.query(KIND, { where: untyped(where) }), "ValidationError", String(JSON.stringify(where)))
      }
      yield* tableIntact
    }).pipe(Effect.provide(TestLayer)))

  it.effect("metacharacters in kinds and ids are data or ValidationErrors", () =>
    Effect.gen(function*() {
      const store = yield* seed
      const id = "'; DROP TABLE records; --"
      yield* store.put("k", { id, content: { ok: true } })
      expect(Option.getOrThrow(yield* store.get("k", id)).id).toBe(id)
      expect(Option.isNone(yield* store.get("' OR 1=1 --", id))).toBe(true)
      expect(Option.isNone(yield* store.get(KIND, "' OR '1'='1"))).toBe(true)
      expect(yield* store.delete(KIND, "' OR '1'='1")).toBe(false)
      expect(yield* store.delete("' OR 1=1 --", "d01")).toBe(false)
      for (const kind of ["' OR 1=1 --", "%", "_", "a b", "", "\u0000"]) {
        yield* expectFailure(store.query(kind), "ValidationError", `query ${JSON.stringify(kind)}`)
        yield* expectFailure(store.put(kind, { content: {} }), "ValidationError", `put ${JSON.stringify(kind)}`)
      }
      expect(yield* store.delete("k", id)).toBe(true)
      yield* tableIntact
    }).pipe(Effect.provide(TestLayer)))

  it.effect("property: any string value is matched exactly; any string path is refused or valid", () =>
    Effect.gen(function*() {
      const store = yield* seed
      const run = Runtime.runPromiseExit(yield* Effect.runtime<never>())
      const meta = fc.constantFrom("'", "\"", ";", "--", "$", ".", "..", "[", "]", "*", "%", "_", "\\", " ", "OR", "1=1", "é", "🎉", "\u0000")
      const anyText = fc.oneof(
        fc.string(),
        fc.string({ unit: "binary" }),
        fc.array(meta, { maxLength: 12 }).map((parts) => parts.join("")),
        fc.constantFrom(...HOSTILE_VALUES)
      )
      const PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\[(?:0|[1-9][0-9]{0,8})\])*(?:\.[A-Za-z_][A-Za-z0-9_]*(?:\[(?:0|[1-9][0-9]{0,8})\])*)*$/
      yield* Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(anyText, anyText, async (value, path) => {
            const byValue = await run(ids(store, { note: value }))
            if (Exit.isFailure(byValue)) throw new Error(`value ${JSON.stringify(value)} failed: ${byValue.cause}`)
            expect(byValue.value).toEqual(expected((c) => c.note === value))
            const byPath = await run(ids(store, { [path]: { exists: true } }))
            if (Exit.isSuccess(byPath)) {
              expect(PATH.test(path), `path ${JSON.stringify(path)} was accepted`).toBe(true)
              expect(byPath.value.length).toBeLessThan(ALL.length)
            } else {
              expect(PATH.test(path) && path.split(/[.[]/).length <= 32).toBe(false)
            }
          }),
          { numRuns: 400 }
        )
      )
      yield* tableIntact
    }).pipe(Effect.provide(TestLayer)))
})
})

import { describe, expect, it } from "@effect/vitest"
import { SqliteClient } from "@effect/sql-sqlite-node"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as fc from "effect/FastCheck"
import * as Schema from "effect/Schema"
import { expandWords, MAX_TERMS_PER_WORD } from "../../src/search/FtsMatch.js"
import { prefixWords, toFtsQuery } from "../../src/search/FtsQuery.js"

const Rowids = Schema.Array(Schema.Struct({ rowid: Schema.Number }))
const Expressions = Schema.Tuple(Schema.Struct({ fts: Schema.String }))

const TestLayer = SqliteClient.layer({ filename: ":memory:" })

/** An FTS5 table of `rows` (the tokenizer of the lessons' index) and its terms table. */
const index = (rows: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql`DROP TABLE IF EXISTS docs_terms`
    yield* sql`DROP TABLE IF EXISTS docs`
    yield* sql`CREATE VIRTUAL TABLE docs USING fts5 (body, tokenize = 'unicode61 remove_diacritics 2')`
    yield* sql`CREATE VIRTUAL TABLE docs_terms USING fts5vocab (docs, instance)`
    for (const body of rows) yield* sql`INSERT INTO docs (body) VALUES (${body})`
  })

const expression = (text: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* expandWords(sql, "docs_terms", prefixWords(text))
    return (yield* Schema.decodeUnknown(Expressions)(rows))[0].fts
  })

/** The rows the expanded words match, and the rows their prefix query matches. */
const bothWays = (text: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const prefix = toFtsQuery(text)
    if (prefix._tag === "None") return yield* Effect.dieMessage("no words")
    const expanded = yield* sql`SELECT rowid FROM docs WHERE docs MATCH ${yield* expression(text)} ORDER BY rowid`
    const literal = yield* sql`SELECT rowid FROM docs WHERE docs MATCH ${prefix.value} ORDER BY rowid`
    return {
      expanded: (yield* Schema.decodeUnknown(Rowids)(expanded)).map((row) => row.rowid),
      literal: (yield* Schema.decodeUnknown(Rowids)(literal)).map((row) => row.rowid)
    }
  })

describe("prefixWords", () => {
  it("gives every word its prefix query, and the indexed form of the words made of ASCII letters and digits", () => {
    expect(prefixWords("Error k8s café 日本 a\"b error")).toEqual([
      { literal: "\"Error\"*", prefix: "error" },
      { literal: "\"k8s\"*", prefix: "k8s" },
      { literal: "\"café\"*", prefix: null },
      { literal: "\"日本\"*", prefix: null },
      { literal: "\"a\"*", prefix: "a" },
      { literal: "\"b\"*", prefix: "b" }
    ])
  })
})

describe("expandWords", () => {
  it.effect("expands each ASCII word into the OR of the whole terms it begins, in term order, joined by AND", () =>
    Effect.gen(function*() {
      yield* index(["an error", "two errors", "it errored", "erroneous", "café crème", "an err"])
      expect(yield* expression("error")).toBe("(\"error\" OR \"errored\" OR \"errors\")")
      expect(yield* expression("Err cr\u00e8")).toBe(
        "(\"err\" OR \"erroneous\" OR \"error\" OR \"errored\" OR \"errors\") AND \"crè\"*"
      )
      // No term begins with it: its prefix query, which matches nothing either.
      expect(yield* expression("zeppelin")).toBe("\"zeppelin\"*")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("keeps the prefix query of a word that begins more terms than MAX_TERMS_PER_WORD", () =>
    Effect.gen(function*() {
      const words = Array.from({ length: MAX_TERMS_PER_WORD + 1 }, (_, n) => `w${String(n).padStart(2, "0")}`)
      yield* index(words)
      expect(yield* expression("w")).toBe("\"w\"*")
      yield* index(words.slice(1))
      expect(yield* expression("w")).toBe(`(${words.slice(1).map((word) => `"${word}"`).join(" OR ")})`)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("matches exactly the rows the prefix query matches, for any words and rows", () =>
    Effect.gen(function*() {
      // A small alphabet, so that words share prefixes and some begin more than MAX_TERMS_PER_WORD terms.
      const word = fc.stringMatching(/^[abcAB1é]{1,4}$/)
      const row = fc.array(word, { minLength: 1, maxLength: 6 }).map((words) => words.join(" "))
      const samples = fc.sample(fc.tuple(fc.array(row, { minLength: 1, maxLength: 40 }), fc.array(word, { minLength: 1, maxLength: 3 })), {
        numRuns: 60,
        seed: 17
      })
      for (const [rows, query] of samples) {
        yield* index(rows)
        const { expanded, literal } = yield* bothWays(query.join(" "))
        expect(expanded, `${query.join(" ")} in ${JSON.stringify(rows)}`).toEqual(literal)
      }
    }).pipe(Effect.provide(TestLayer)))
})

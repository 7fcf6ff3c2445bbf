import { describe, expect, it } from "@effect/vitest"
import Database from "better-sqlite3"
import * as fc from "effect/FastCheck"
import * as Option from "effect/Option"
import { afterAll, beforeAll } from "vitest"
import { ftsTokens, MAX_QUERY_TOKENS, toFtsQuery } from "../../src/search/FtsQuery.js"

const ROWS = [
  "multi agent orchestration",
  "don't repeat yourself",
  "Rust: ownership",
  "party 🎉 time",
  "café naïve résumé",
  "日本語テキスト",
  "NEAR the OR gate AND NOT the other",
  "quote \"inside\" text",
  "k8s cluster-autoscaler"
] as const

describe("toFtsQuery", () => {
  let db: Database.Database
  const search = (text: string): ReadonlyArray<string> =>
    Option.match(toFtsQuery(text), {
      onNone: () => [],
      onSome: (query) =>
        db
          .prepare<[string], { body: string }>("SELECT body FROM docs WHERE docs MATCH ? ORDER BY rowid")
          .all(query)
          .map((row) => row.body)
    })

  beforeAll(() => {
    db = new Database(":memory:")
    db.exec("CREATE VIRTUAL TABLE docs USING fts5(body)")
    const insert = db.prepare("INSERT INTO docs(body) VALUES (?)")
    for (const row of ROWS) insert.run(row)
  })
  afterAll(() => db.close())

  it("raw user text is not a safe MATCH expression (why this module exists)", () => {
    for (const raw of ["don't", "multi-agent", "Rust:", "(", "NEAR(", "AND", '"']) {
      expect(() => db.prepare("SELECT rowid FROM docs WHERE docs MATCH ?").all(raw)).toThrow()
      expect(() => search(raw)).not.toThrow()
    }
  })

  it("tokenizes like unicode61", () => {
    expect(ftsTokens("multi-agent")).toEqual(["multi", "agent"])
    expect(ftsTokens("don't")).toEqual(["don", "t"])
    expect(ftsTokens("Rust: ownership")).toEqual(["Rust", "ownership"])
    expect(ftsTokens("a_b.c/d\\e")).toEqual(["a", "b", "c", "d", "e"])
    expect(ftsTokens("party🎉time")).toEqual(["party", "time"])
    expect(ftsTokens("cafe\u0301 日本語")).toEqual(["cafe\u0301", "日本語"])
  })

  it("quotes every token with prefix matching, joined by spaces", () => {
    expect(toFtsQuery("multi-agent orch")).toEqual(Option.some('"multi"* "agent"* "orch"*'))
    expect(toFtsQuery("AND OR NOT NEAR")).toEqual(Option.some('"AND"* "OR"* "NOT"* "NEAR"*'))
    expect(toFtsQuery('say "hi"')).toEqual(Option.some('"say"* "hi"*'))
  })

  it("returns none for text without tokens", () => {
    for (const text of ["", "   ", "\n\t", "-", '"', "*", "()", "^:+-{}", "🎉", "🎉 🚀 👍🏽", "\u0301"]) {
      expect(toFtsQuery(text)).toEqual(Option.none())
    }
  })

  it("finds words split by punctuation and by prefix", () => {
    expect(search("multi-agent")).toEqual(["multi agent orchestration"])
    expect(search("orch")).toEqual(["multi agent orchestration"])
    expect(search("MULTI orchestration")).toEqual(["multi agent orchestration"])
    expect(search("agent multi")).toEqual(["multi agent orchestration"])
    expect(search("don't")).toEqual(["don't repeat yourself"])
    expect(search("rust:")).toEqual(["Rust: ownership"])
    expect(search("Rust: own")).toEqual(["Rust: ownership"])
    expect(search("cluster-auto")).toEqual(["k8s cluster-autoscaler"])
    expect(search('"inside"')).toEqual(['quote "inside" text'])
  })

  it("requires every word (implicit AND)", () => {
    expect(search("multi ownership")).toEqual([])
    expect(search("rust orchestration")).toEqual([])
  })

  it("treats FTS5 keywords and operators as ordinary words", () => {
    expect(search("NEAR")).toEqual(["NEAR the OR gate AND NOT the other"])
    expect(search("OR gate")).toEqual(["NEAR the OR gate AND NOT the other"])
    expect(search("NOT")).toEqual(["NEAR the OR gate AND NOT the other"])
    expect(search("multi NOT agent")).toEqual([])
    expect(search("multi OR ownership")).toEqual([])
    expect(search("body:rust")).toEqual([])
    expect(search("-rust")).toEqual(["Rust: ownership"])
    expect(search("^rust")).toEqual(["Rust: ownership"])
    expect(search("NEAR(multi agent)")).toEqual([])
  })

  it("handles emoji, diacritics and CJK without error", () => {
    // unicode61 treats emoji as separators: they are dropped from the query.
    expect(search("party 🎉")).toEqual(["party 🎉 time"])
    expect(search("🎉time")).toEqual(["party 🎉 time"])
    expect(search("🎉")).toEqual([])
    // unicode61 removes diacritics from indexed text and from the query.
    expect(search("cafe")).toEqual(["café naïve résumé"])
    expect(search("résumé naive")).toEqual(["café naïve résumé"])
    expect(search("re\u0301sume\u0301")).toEqual(["café naïve résumé"])
    expect(search("日本")).toEqual(["日本語テキスト"])
  })

  it("emoji inside a quoted FTS5 string never errors, even alone", () => {
    for (const query of ['"🎉"*', '"🎉"', '"party"* "🎉"*', '"\u0301"*']) {
      expect(() => db.prepare("SELECT rowid FROM docs WHERE docs MATCH ?").all(query)).not.toThrow()
    }
  })

  describe("MATCH with the produced query never throws", () => {
    const runs = { numRuns: 3000 }
    const matches = (text: string): boolean => {
      const query = toFtsQuery(text)
      if (Option.isNone(query)) return ftsTokens(text).length === 0
      db.prepare("SELECT rowid FROM docs WHERE docs MATCH ?").all(query.value)
      return true
    }
    const metaChars = fc.constantFrom(
      '"', "*", "^", "(", ")", ":", "-", "+", "{", "}", ",", ".", "'", "\\", " ", "\t", "\n", "\u0000",
      "AND", "OR", "NOT", "NEAR", "NEAR(", "and", "a", "body", "rust", "🎉", "é", "\u0301", "日本"
    )

    it("for ASCII strings", () => {
      fc.assert(fc.property(fc.string(), matches), runs)
    })
    it("for full-Unicode strings", () => {
      fc.assert(fc.property(fc.string({ unit: "binary" }), matches), runs)
    })
    it("for grapheme strings (emoji, combining sequences)", () => {
      fc.assert(fc.property(fc.string({ unit: "grapheme" }), matches), runs)
    })
    it("for strings with lone surrogates", () => {
      const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code))
      fc.assert(fc.property(fc.string({ unit: codeUnit }), matches), runs)
    })
    it("for strings built from FTS5 metacharacters and keywords", () => {
      fc.assert(fc.property(fc.array(metaChars, { maxLength: 30 }).map((parts) => parts.join("")), matches), runs)
    })
  })

  it("the produced query contains only quoted tokens with a prefix star", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) =>
        Option.match(toFtsQuery(text), {
          onNone: () => true,
          onSome: (query) => query.split(" ").every((part) => /^"(?:[^"]|"")+"\*$/u.test(part))
        })),
      { numRuns: 3000 }
    )
  })
})

describe("toFtsQuery bounds its terms", () => {
  it("a query of one short word repeated thousands of times is one term", () => {
    expect(toFtsQuery("a ".repeat(2_000))).toEqual(Option.some(`"a"*`))
    expect(toFtsQuery("Ab ab AB x")).toEqual(Option.some(`"Ab"* "x"*`))
  })

  it("keeps at most MAX_QUERY_TOKENS distinct words, in order of first appearance", () => {
    const words = Array.from({ length: 100 }, (_, i) => `w${i}`)
    const query = Option.getOrThrow(toFtsQuery(words.join(" ")))
    expect(query.split(" ")).toHaveLength(MAX_QUERY_TOKENS)
    expect(query.startsWith(`"w0"* "w1"*`)).toBe(true)
  })
})

import { describe, expect, it } from "@effect/vitest"
import Database from "better-sqlite3"
import * as Either from "effect/Either"
import * as fc from "effect/FastCheck"
import { afterAll, beforeAll } from "vitest"
import { compileWhere as compileFragment, type Where, WhereInvalid } from "../../src/records/Where.js"
import { compileText, pgSql, sqliteSql } from "../support/CompileOnly.js"

/** A filter compiled for SQLite: its SQL text and bound values. */
const compileWhere = (where: Where | undefined, column: string) =>
  Either.map(compileFragment(sqliteSql, where, column), (fragment) => compileText(sqliteSql, fragment))

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }

const DOCS: ReadonlyArray<readonly [string, string]> = [
  ["r01", `{"complexity":"complex","confidence":0.9,"plan":{"agents":["builder","reviewer"]},"title":"Build the thing","done":true}`],
  ["r02", `{"complexity":"simple","confidence":0.5,"plan":{"agents":["reviewer"]},"title":"review only","done":false}`],
  ["r03", `{"complexity":"complex","confidence":0.85,"plan":{"agents":[]},"title":"builder notes","done":true,"tags":null}`],
  ["r04", `{"complexity":"medium","confidence":"high","plan":{"agents":"builder and friends"}}`],
  ["r05", `{"complexity":"5","score":5,"flag":1}`],
  ["r06", `{"score":"5","flag":true,"confidence":1,"list":[true,"1",{"x":1}]}`],
  ["r07", `{"complexity":null,"note":"it's ' OR 1=1 --"}`],
  ["r08", `{"note":"100%","other":"a_b","score":5.0}`],
  ["r09", `{"note":"back\\\\slash","list":[1,2.5,"2.5",true,null,{"a":1}]}`],
  ["r10", `{"__proto__":"proto","a":{"b":[{"c":1},{"c":2}]}}`],
  ["r11", `{"meta":{"x":1},"metaText":"{\\"x\\":1}","plan":{"agents":["builder"]}}`],
  ["r12", `{}`]
]
const ALL_IDS = DOCS.map(([id]) => id)

describe("compileWhere", () => {
  let db: Database.Database

  beforeAll(() => {
    db = new Database(":memory:")
    db.exec("CREATE TABLE records (id TEXT PRIMARY KEY, content TEXT NOT NULL)")
    const insert = db.prepare("INSERT INTO records (id, content) VALUES (?, ?)")
    for (const [id, content] of DOCS) insert.run(id, content)
  })
  afterAll(() => db.close())

  // `where` may be anything at runtime (it comes from user JSON); the type is only the compile-time contract.
  const compiled = (where: unknown) => compileWhere(where as Where, "content")

  /** Ids of rows matching `where`, or the WhereInvalid. */
  const query = (where: unknown): Either.Either<ReadonlyArray<string>, WhereInvalid> =>
    Either.map(compiled(where), ({ params, sql }) =>
      db
        .prepare<Array<string | number | null>, { id: string }>(`SELECT id FROM records WHERE ${sql} ORDER BY id`)
        .all(...params)
        .map((row) => row.id))

  const ids = (where: unknown): ReadonlyArray<string> => {
    const result = query(where)
    if (Either.isLeft(result)) throw new Error(`unexpected WhereInvalid: ${result.left.message}`)
    return result.right
  }

  const invalid = (where: unknown): WhereInvalid => {
    const result = query(where)
    if (Either.isRight(result)) throw new Error(`expected WhereInvalid, got rows ${JSON.stringify(result.right)}`)
    expect(result.left).toBeInstanceOf(WhereInvalid)
    expect(result.left._tag).toBe("WhereInvalid")
    return result.left
  }

  describe("shape of the SQL", () => {
    it("an empty or absent filter is 1=1", () => {
      expect(compileWhere(undefined, "content")).toEqual(Either.right({ sql: "1=1", params: [] }))
      expect(compileWhere({}, "content")).toEqual(Either.right({ sql: "1=1", params: [] }))
      expect(ids({})).toEqual(ALL_IDS)
    })

    it("binds paths and values as parameters", () => {
      const result = compileWhere({ complexity: "complex", "plan.agents[0]": { gt: 0.8 } }, "content")
      expect(result).toEqual(
        Either.right({
          sql: "((json_type(\"content\", ?) = 'text' AND json_extract(\"content\", ?) = ?) AND " +
            "(json_type(\"content\", ?) IN ('integer', 'real') AND json_extract(\"content\", ?) > ?))",
          params: ["$.complexity", "$.complexity", "complex", "$.plan.agents[0]", "$.plan.agents[0]", 0.8]
        })
      )
    })

    it("never puts a path or a value in the SQL text", () => {
      const result = compileWhere({ __proto__x: "' OR 1=1 --", a_b: { in: ["%", "_"] } }, "content")
      if (Either.isLeft(result)) throw new Error(result.left.message)
      expect(result.right.sql).not.toContain("OR 1=1")
      expect(result.right.sql).not.toContain("__proto__x")
      expect(result.right.sql).not.toContain("a_b")
      expect(result.right.sql).not.toContain("%")
    })

    it("compiles to PostgreSQL's jsonb tests with $n placeholders, paths and values bound", () => {
      const result = compileFragment(
        pgSql,
        {
          complexity: "complex",
          confidence: { gt: 0.8 },
          done: true,
          "plan.agents": { contains: "builder" },
          tags: { in: ["a", 1, null] },
          note: { exists: false },
          other: { ne: "x" }
        },
        "content"
      )
      if (Either.isLeft(result)) throw new Error(result.left.message)
      const { params, sql } = compileText(pgSql, result.right)
      expect(sql).not.toContain("?")
      expect(sql).not.toMatch(/json_each|json_extract|json_type\(/)
      expect(sql).toContain("jsonb_typeof(")
      expect(sql).toContain("jsonb_array_elements(")
      expect(sql).toMatch(/\$1\b/)
      expect(sql).not.toContain("complex'")
      expect(params).toContain("strict $.complexity")
      expect(params).toContain("complex")
      expect(params).toContain(0.8)
      expect(params).toContain("[\"a\",1,null]")
      const placeholders = new Set(sql.match(/\$\d+/g))
      expect(placeholders.size).toBe(params.length)
    })

    it("accepts a qualified column and rejects an untrusted one by throwing", () => {
      expect(Either.isRight(compileWhere({ a: 1 }, "r.content"))).toBe(true)
      expect(() => compileWhere({ a: 1 }, "content; DROP TABLE records")).toThrow()
      expect(() => compileWhere({ a: 1 }, "value")).toThrow()
    })
  })

  describe("operators", () => {
    it("bare values mean eq, type-exactly", () => {
      expect(ids({ complexity: "complex" })).toEqual(["r01", "r03"])
      expect(ids({ complexity: "5" })).toEqual(["r05"])
      expect(ids({ score: 5 })).toEqual(["r05", "r08"]) // 5 and 5.0, not "5"
      expect(ids({ score: "5" })).toEqual(["r06"])
      expect(ids({ flag: true })).toEqual(["r06"]) // not the number 1
      expect(ids({ flag: 1 })).toEqual(["r05"]) // not true
      expect(ids({ done: false })).toEqual(["r02"])
      expect(ids({ complexity: null })).toEqual(["r07"]) // JSON null, not missing
      expect(ids({ tags: { eq: null } })).toEqual(["r03"])
      expect(ids({ metaText: '{"x":1}' })).toEqual(["r11"])
      expect(ids({ meta: '{"x":1}' })).toEqual([]) // an object field never equals a string
      expect(ids({ complexity: "complex", done: true, confidence: 0.9 })).toEqual(["r01"])
    })

    it("nested paths and array indexes", () => {
      expect(ids({ "plan.agents[0]": "builder" })).toEqual(["r01", "r11"])
      expect(ids({ "plan.agents[1]": "reviewer" })).toEqual(["r01"])
      expect(ids({ "a.b[1].c": 2 })).toEqual(["r10"])
      expect(ids({ "a.b[0].c": { gte: 1 } })).toEqual(["r10"])
      expect(ids({ "list[5].a": 1 })).toEqual(["r09"])
    })

    it("ne counts a missing field as not equal", () => {
      expect(ids({ complexity: { ne: "complex" } })).toEqual(
        ALL_IDS.filter((id) => id !== "r01" && id !== "r03")
      )
      expect(ids({ flag: { ne: true } })).toEqual(ALL_IDS.filter((id) => id !== "r06"))
      expect(ids({ complexity: { ne: null } })).toEqual(ALL_IDS.filter((id) => id !== "r07"))
    })

    it("gt, gte, lt, lte compare like with like", () => {
      expect(ids({ confidence: { gt: 0.8 } })).toEqual(["r01", "r03", "r06"]) // not the string "high"
      expect(ids({ confidence: { gte: 0.85, lt: 1 } })).toEqual(["r01", "r03"])
      expect(ids({ confidence: { lte: 0.5 } })).toEqual(["r02"])
      expect(ids({ flag: { gte: 1 } })).toEqual(["r05"]) // true is not a number
      expect(ids({ complexity: { gt: "m" } })).toEqual(["r02", "r04"]) // strings only, by code point
      expect(ids({ complexity: { lt: "d" } })).toEqual(["r01", "r03", "r05"])
    })

    it("in matches any of the scalars, type-exactly", () => {
      expect(ids({ complexity: { in: ["simple", "medium"] } })).toEqual(["r02", "r04"])
      expect(ids({ score: { in: [5] } })).toEqual(["r05", "r08"])
      expect(ids({ score: { in: ["5", 7] } })).toEqual(["r06"])
      expect(ids({ flag: { in: [true] } })).toEqual(["r06"])
      expect(ids({ complexity: { in: [null, "5"] } })).toEqual(["r05", "r07"])
      expect(ids({ confidence: { in: [0.9, 0.5, 1] } })).toEqual(["r01", "r02", "r06"])
      expect(ids({ meta: { in: ['{"x":1}'] } })).toEqual([])
    })

    it("contains: array element or substring", () => {
      expect(ids({ "plan.agents": { contains: "builder" } })).toEqual(["r01", "r04", "r11"])
      expect(ids({ "plan.agents": { contains: "review" } })).toEqual([])
      expect(ids({ "plan.agents": { contains: "reviewer" } })).toEqual(["r01", "r02"])
      expect(ids({ title: { contains: "build" } })).toEqual(["r03"]) // case-sensitive
      expect(ids({ title: { contains: "Build" } })).toEqual(["r01"])
      expect(ids({ list: { contains: 2.5 } })).toEqual(["r09"])
      expect(ids({ list: { contains: "2.5" } })).toEqual(["r09"])
      expect(ids({ list: { contains: true } })).toEqual(["r06", "r09"])
      expect(ids({ list: { contains: 1 } })).toEqual(["r09"]) // not true, not "1"
      expect(ids({ list: { contains: "1" } })).toEqual(["r06"])
      expect(ids({ list: { contains: null } })).toEqual(["r09"])
      expect(ids({ list: { contains: 3 } })).toEqual([])
      expect(ids({ list: { contains: '{"a":1}' } })).toEqual([]) // an object element is not a string
      expect(ids({ score: { contains: 5 } })).toEqual([]) // a scalar field is not an array
      expect(ids({ meta: { contains: "x" } })).toEqual([])
    })

    it("exists", () => {
      expect(ids({ tags: { exists: true } })).toEqual(["r03"]) // null is present
      expect(ids({ note: { exists: true } })).toEqual(["r07", "r08", "r09"])
      expect(ids({ plan: { exists: false } })).toEqual(["r05", "r06", "r07", "r08", "r09", "r10", "r12"])
    })
  })

  describe("hostile input", () => {
    const HOSTILE_PATHS = [
      "a'; DROP TABLE records; --",
      "$.a",
      "$",
      "a..b",
      ".a",
      "a.",
      "a b",
      "\"a\"",
      "'a'",
      "a[0",
      "a[-1]",
      "a[01]",
      "a[x]",
      "[0]",
      "a.[0]",
      "",
      " ",
      "a--",
      "a;b",
      "a)",
      "a/*",
      "a\u0000",
      "é",
      "a.b\n",
      "0a",
      Array.from({ length: 33 }, () => "a").join("."),
      `a${"[0]".repeat(32)}`
    ]

    it.each(HOSTILE_PATHS)("path %j is WhereInvalid naming the path", (path) => {
      const error = invalid({ [path]: 1 })
      expect(error.path).toBe(path)
      expect(error.message).toContain("path")
    })

    it("32 steps is allowed, 33 is not", () => {
      expect(ids({ [Array.from({ length: 32 }, () => "a").join(".")]: 1 })).toEqual([])
      expect(ids({ [`a${"[0]".repeat(31)}`]: 1 })).toEqual([])
    })

    it("__proto__ and other JS-special names are ordinary data", () => {
      expect(ids(JSON.parse(`{"__proto__":"proto"}`))).toEqual(["r10"])
      expect(ids(JSON.parse(`{"__proto__":{"eq":"proto"}}`))).toEqual(["r10"])
      expect(ids({ constructor: "x", toString: { exists: true } })).toEqual([])
      invalid(JSON.parse(`{"a":{"__proto__":1}}`))
      invalid({ a: { constructor: 1 } })
      invalid({ a: { toString: 1 } })
    })

    const LITERAL_VALUES: ReadonlyArray<readonly [Where, ReadonlyArray<string>]> = [
      [{ note: "' OR 1=1 --" }, []],
      [{ note: "it's ' OR 1=1 --" }, ["r07"]],
      [{ note: { contains: "' OR 1=1 --" } }, ["r07"]],
      [{ note: { contains: "'" } }, ["r07"]],
      [{ note: "%" }, []],
      [{ note: { contains: "%" } }, ["r08"]],
      [{ note: { contains: "_" } }, []],
      [{ other: { contains: "_" } }, ["r08"]],
      [{ note: { contains: "\\" } }, ["r09"]],
      [{ note: "\\" }, []],
      [{ note: { gt: "' OR 1=1 --" } }, ["r07", "r08", "r09"]],
      [{ complexity: { in: ["' OR 1=1 --", "%", "_", "\\", "simple"] } }, ["r02"]],
      [{ complexity: "complex' OR '1'='1" }, []],
      [{ complexity: "\"complex\"" }, []],
      [{ complexity: "); DROP TABLE records; --" }, []],
      [{ complexity: { in: ["\"]); DROP TABLE records; --"] } }, []],
      [{ title: { contains: "" } }, ["r01", "r02", "r03"]]
    ]

    it.each(LITERAL_VALUES)("value in %j is matched literally", (where, expected) => {
      expect(ids(where)).toEqual(expected)
    })

    const INVALID_FILTERS: ReadonlyArray<unknown> = [
      { a: { $gt: 1 } },
      { a: { gt: 1, foo: 2 } },
      { a: { GT: 1 } },
      { a: {} },
      { a: { in: [] } },
      { a: { in: "x" } },
      { a: { in: [1, [2]] } },
      { a: { in: [{ b: 1 }] } },
      { a: { in: Array.from({ length: 1001 }, (_, i) => i) } },
      { a: { gt: true } },
      { a: { gt: null } },
      { a: { gt: [1] } },
      { a: { lte: Number.NaN } },
      { a: Number.POSITIVE_INFINITY },
      { a: { exists: "yes" } },
      { a: { exists: 1 } },
      { a: { contains: { b: 1 } } },
      { a: { contains: [1] } },
      { a: { eq: { b: 1 } } },
      { a: { ne: [1] } },
      { a: { b: 1 } },
      { a: [1, 2] },
      { a: undefined },
      { a: new Date(0) },
      { a: () => 1 },
      { a: 1n },
      null,
      [],
      ["a"],
      "a = 1",
      1,
      new Map([["a", 1]]),
      Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 1]))
    ]

    it.each(INVALID_FILTERS)("filter %o is WhereInvalid", (where) => {
      invalid(where)
    })

    it("says why a nested object is not a value", () => {
      expect(invalid({ a: { eq: { b: 1 } } }).message).toContain("nested object")
      expect(invalid({ a: { b: 1 } }).message).toContain("unknown operator")
    })

    it("the table survives all of it", () => {
      expect(db.prepare("SELECT count(*) AS n FROM records").get()).toEqual({ n: DOCS.length })
    })
  })

  describe("agrees with a reference evaluator on generated documents and filters", () => {
    const KEYS = ["a", "b", "c"] as const
    const STRINGS = ["", "a", "A", "ab", "5", "b", "' OR 1=1 --", "%", "_", "\\", "\"", "é", "日本", "🎉", "true", "null"]
    const NUMBERS = [0, 1, -1, 2.5, 5, 0.8, 1000]
    const scalar: fc.Arbitrary<string | number | boolean | null> = fc.oneof(
      fc.constantFrom(...STRINGS),
      fc.constantFrom(...NUMBERS),
      fc.boolean(),
      fc.constant(null)
    )
    const json: fc.Arbitrary<Json> = fc.letrec<{ json: Json }>((tie) => ({
      json: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        { weight: 4, arbitrary: scalar },
        { weight: 1, arbitrary: fc.array(tie("json"), { maxLength: 4 }) },
        { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...KEYS), tie("json"), { maxKeys: 3 }) }
      )
    })).json
    const doc = fc.dictionary(fc.constantFrom(...KEYS), json, { maxKeys: 3 })
    const path = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom("a", "b", "c") },
      { weight: 1, arbitrary: fc.constantFrom("a.a", "a.b", "a[0]", "a[1]", "b[0].a", "c.a[0]") }
    )
    const ordered = fc.oneof(fc.constantFrom(...STRINGS), fc.constantFrom(...NUMBERS))
    const operands = {
      eq: scalar,
      ne: scalar,
      gt: ordered,
      gte: ordered,
      lt: ordered,
      lte: ordered,
      in: fc.array(scalar, { minLength: 1, maxLength: 4 }),
      contains: scalar,
      exists: fc.boolean()
    }
    const oneOperator: fc.Arbitrary<unknown> = fc.oneof(
      ...Object.entries(operands).map(([op, operand]) => operand.map((value): unknown => ({ [op]: value })))
    )
    const severalOperators: fc.Arbitrary<unknown> = fc
      .record(operands, { requiredKeys: [] })
      .filter((ops) => Object.keys(ops).length > 0)
    const condition: fc.Arbitrary<unknown> = fc.oneof(
      { weight: 2, arbitrary: scalar },
      { weight: 6, arbitrary: oneOperator },
      { weight: 1, arbitrary: severalOperators }
    )
    const where = fc.dictionary(path, condition, { minKeys: 1, maxKeys: 2 })

    const get = (document: Json, jsonPath: string): Json | undefined => {
      let current: Json | undefined = document
      for (const step of jsonPath.match(/[A-Za-z_][A-Za-z0-9_]*|\[\d+\]/g) ?? []) {
        if (current === undefined || current === null || typeof current !== "object") return undefined
        if (step.startsWith("[")) {
          if (!Array.isArray(current)) return undefined
          const items: ReadonlyArray<Json> = current
          current = items[Number(step.slice(1, -1))]
        } else {
          if (Array.isArray(current)) return undefined
          const record = current as { readonly [key: string]: Json }
          current = Object.hasOwn(record, step) ? record[step] : undefined
        }
      }
      return current
    }
    const same = (field: Json | undefined, value: unknown): boolean =>
      field !== undefined && (field === null || typeof field !== "object") && field === value
    const order = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b))
    const compare = (field: Json | undefined, value: string | number): number | undefined =>
      typeof value === "number" && typeof field === "number"
        ? field - value
        : typeof value === "string" && typeof field === "string"
        ? order(field, value)
        : undefined
    const holds = (field: Json | undefined, op: string, operand: unknown): boolean => {
      switch (op) {
        case "eq":
          return same(field, operand)
        case "ne":
          return !same(field, operand)
        case "gt":
        case "gte":
        case "lt":
        case "lte": {
          const c = compare(field, operand as string | number)
          if (c === undefined) return false
          return op === "gt" ? c > 0 : op === "gte" ? c >= 0 : op === "lt" ? c < 0 : c <= 0
        }
        case "in":
          return (operand as ReadonlyArray<unknown>).some((item) => same(field, item))
        case "contains":
          return Array.isArray(field)
            ? field.some((item: Json) => same(item, operand))
            : typeof field === "string" && typeof operand === "string" && field.includes(operand)
        case "exists":
          return (field !== undefined) === operand
        default:
          throw new Error(op)
      }
    }
    const matches = (document: Json, filter: Readonly<Record<string, unknown>>): boolean =>
      Object.entries(filter).every(([p, condition]) => {
        const field = get(document, p)
        return condition !== null && typeof condition === "object"
          ? Object.entries(condition).every(([op, operand]) => holds(field, op, operand))
          : holds(field, "eq", condition)
      })

    it("for 3000 random document sets and filters", () => {
      const scratch = new Database(":memory:")
      scratch.exec("CREATE TABLE records (id INTEGER PRIMARY KEY, content TEXT NOT NULL)")
      try {
        fc.assert(
          fc.property(fc.array(doc, { minLength: 1, maxLength: 10 }), where, (docs, filter) => {
            scratch.exec("DELETE FROM records")
            const insert = scratch.prepare("INSERT INTO records (id, content) VALUES (?, ?)")
            docs.forEach((document, i) => insert.run(i, JSON.stringify(document)))
            const result = compileWhere(filter, "content")
            if (Either.isLeft(result)) throw new Error(result.left.message)
            const actual = scratch
              .prepare<Array<string | number | null>, { id: number }>(
                `SELECT id FROM records WHERE ${result.right.sql} ORDER BY id`
              )
              .all(...result.right.params)
              .map((row) => row.id)
            const expected = docs.flatMap((document, i) => (matches(document, filter) ? [i] : []))
            expect(actual).toEqual(expected)
          }),
          { numRuns: 3000 }
        )
      } finally {
        scratch.close()
      }
    })

    it("arbitrary keys and operator objects never compile to something unfiltered by accident", () => {
      fc.assert(
        fc.property(
          fc.dictionary(fc.string(), fc.oneof(scalar, fc.dictionary(fc.string(), scalar, { maxKeys: 3 }))),
          (filter) => {
            const result = query(filter)
            if (Either.isRight(result)) {
              // Only well-formed filters compile; the rows then match the reference evaluator.
              const expected = DOCS.flatMap(([id, content]) => (matches(JSON.parse(content), filter) ? [id] : []))
              expect(result.right).toEqual(expected)
            }
          }
        ),
        { numRuns: 2000 }
      )
      expect(db.prepare("SELECT count(*) AS n FROM records").get()).toEqual({ n: DOCS.length })
    })
  })
})

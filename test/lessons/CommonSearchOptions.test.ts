/**
 * Search options read in plain code are read as the schema reads them: an
 * input the plain reader accepts decodes to the same options, and one the
 * schema refuses is never accepted.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as fc from "effect/FastCheck"
import * as Schema from "effect/Schema"
import { commonSearchOptions } from "../../src/lessons/CommonSearchOptions.js"
import { LessonSearchOptions } from "../../src/lessons/Lesson.js"

const decode = Schema.decodeUnknownEither(LessonSearchOptions)

const oddValue = fc.oneof(
  fc.constantFrom(undefined, null, "", "fts5", "plain", "bug", "nope", 0, -0, 1, 1.5, -1, 10_000, 10_001, NaN, Infinity),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, [], ["a"], ["a", 1], [null], {}, { open: "<" }),
  fc.string(),
  fc.integer(),
  fc.double()
)

const anyOptions = fc.dictionary(
  fc.constantFrom("query", "syntax", "category", "projectId", "tags", "limit", "offset", "snippet", "other", "__proto__"),
  oddValue,
  { maxKeys: 6 }
)

describe("commonSearchOptions", () => {
  it("accepts only what LessonSearchOptions accepts, and reads it the same", () => {
    fc.assert(
      fc.property(anyOptions, (options) => {
        const common = commonSearchOptions(options)
        if (common === undefined) return
        const decoded = decode(options)
        expect(Either.isRight(decoded)).toBe(true)
        if (Either.isRight(decoded)) expect(common).toEqual(decoded.right)
      }),
      { numRuns: 2_000 }
    )
  })

  it("reads the options of a common search and leaves the rest to the schema", () => {
    const options = { query: "error handl", category: "bug", projectId: null, tags: ["a"], limit: 10, offset: 20, syntax: "plain" }
    expect(commonSearchOptions(options)).toEqual(options)
    expect(commonSearchOptions({})).toEqual({})
    expect(commonSearchOptions({ query: "x", snippet: { open: "<" } })).toBeUndefined()
    expect(commonSearchOptions({ query: undefined })).toBeUndefined()
    expect(commonSearchOptions({ limit: 0 })).toBeUndefined()
    expect(commonSearchOptions(Object.assign(Object.create(null), { query: "x" }))).toBeUndefined()
    expect(commonSearchOptions([])).toBeUndefined()
  })
})

/**
 * Search options in their common shape, read in plain code: a search then
 * skips the schema run over its options, which costs about a tenth of its
 * own work. Anything else (snippet markers, an unknown or `undefined`
 * member, a value the schema may refuse) is left to `LessonSearchOptions`,
 * which decides and reports.
 *
 * @module
 */
import { MAX_PAGE_LIMIT } from "../domain/Page.js"
import { isLessonCategory, type LessonSearchOptions } from "./Lesson.js"

type Options = typeof LessonSearchOptions.Type

const isLimit = (value: unknown): value is number =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= 1 && value <= MAX_PAGE_LIMIT

const isOffset = (value: unknown): value is number => typeof value === "number" && Number.isSafeInteger(value) && value >= 0

const isTags = (value: unknown): value is ReadonlyArray<string> =>
  Array.isArray(value) && value.every((tag) => typeof tag === "string")

/**
 * The options as `LessonSearchOptions` decodes them, when they have the
 * common shape (a plain object of `query`, `syntax`, `category`,
 * `projectId`, `tags`, `limit` and `offset`, each valid); otherwise
 * `undefined`.
 */
export const commonSearchOptions = (options: unknown): Options | undefined => {
  if (typeof options !== "object" || options === null || Object.getPrototypeOf(options) !== Object.prototype) return undefined
  const read: { -readonly [K in keyof Options]: Options[K] } = {}
  for (const [key, value] of Object.entries(options)) {
    if (key === "query" && typeof value === "string") read.query = value
    else if (key === "syntax" && (value === "plain" || value === "fts5")) read.syntax = value
    else if (key === "category" && isLessonCategory(value)) read.category = value
    else if (key === "projectId" && (value === null || typeof value === "string")) read.projectId = value
    else if (key === "tags" && isTags(value)) read.tags = [...value]
    else if (key === "limit" && isLimit(value)) read.limit = value
    else if (key === "offset" && isOffset(value)) read.offset = value
    else return undefined
  }
  return read
}

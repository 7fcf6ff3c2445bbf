/**
 * Lessons learned: what an agent found out (a bug, a pattern, a preference, a
 * security or performance finding) and wants the next run to know, with the
 * inputs that create, change and search them.
 *
 * @module
 */
import * as Schema from "effect/Schema"
import { Limit, Offset } from "../domain/Page.js"

/** What kind of lesson it is. */
export const LessonCategory = Schema.Literal("bug", "pattern", "preference", "security", "performance")
export type LessonCategory = typeof LessonCategory.Type

const categories: ReadonlySet<unknown> = new Set(LessonCategory.literals)

/** Whether `value` is a {@link LessonCategory}. */
export const isLessonCategory = (value: unknown): value is LessonCategory => categories.has(value)

/** A lesson as stored. */
export const Lesson = Schema.Struct({
  /** A UUID given at creation. */
  id: Schema.String,
  /** The project it belongs to; `null` for a global lesson, which every project sees. */
  projectId: Schema.NullOr(Schema.String),
  category: LessonCategory,
  title: Schema.String,
  summary: Schema.String,
  details: Schema.optional(Schema.String),
  /** Free labels, matched exactly by `search({ tags })`. */
  tags: Schema.Array(Schema.String),
  sourceAgent: Schema.optional(Schema.String),
  sourceFile: Schema.optional(Schema.String),
  /** How sure the author is, from 0 to 1. */
  confidence: Schema.Number,
  /** How many times the lesson was applied (see `LessonsStore.recordApplication`). */
  applicationCount: Schema.Number,
  /** ISO-8601 UTC with milliseconds. */
  createdAt: Schema.String,
  /** ISO-8601 UTC with milliseconds; changes on every update and every recorded application. */
  updatedAt: Schema.String
})
export type Lesson = typeof Lesson.Type

/**
 * A search result: the lesson, its relevance and a highlighted excerpt.
 *
 * - `rank`: SQLite's `bm25()` score with title weighted 10, summary 5 and
 *   details 1. Lower is better (scores are negative; the more negative, the
 *   more relevant); results come best first. `0` when the search had no text
 *   to match (an empty query, or one of only punctuation or emoji).
 * - `snippet`: an excerpt of the best matching column with every matched
 *   token between the highlight markers (`[` and `]` unless the search says
 *   otherwise) and `…` where text was cut; the summary when the search had no
 *   text to match.
 */
export const LessonHit = Schema.Struct({
  ...Lesson.fields,
  rank: Schema.Number,
  snippet: Schema.String
})
export type LessonHit = typeof LessonHit.Type

const NonBlank = Schema.String.pipe(
  Schema.filter((s) => s.trim().length > 0, { message: () => "must not be blank" })
)

const Confidence = Schema.Number.pipe(
  Schema.filter((n) => Number.isFinite(n) && n >= 0 && n <= 1, { message: () => "must be a number from 0 to 1" })
)

const Tags = Schema.Array(NonBlank)

/** What it takes to create a lesson. Text fields are redacted before they are stored. */
export const LessonInput = Schema.Struct({
  /** The owning project; absent or `null` for a global lesson. */
  projectId: Schema.optional(Schema.NullOr(NonBlank)),
  category: LessonCategory,
  title: NonBlank,
  summary: NonBlank,
  details: Schema.optional(Schema.NullOr(Schema.String)),
  /** Stored once each, in the given order. */
  tags: Schema.optional(Tags),
  sourceAgent: Schema.optional(Schema.NullOr(Schema.String)),
  sourceFile: Schema.optional(Schema.NullOr(Schema.String)),
  /** From 0 to 1; 1 when absent. */
  confidence: Schema.optional(Confidence)
})
export type LessonInput = typeof LessonInput.Encoded

/**
 * A change to a lesson: only the fields present are changed. `null` clears
 * an optional field (`details`, `sourceAgent`, `sourceFile`) or makes the
 * lesson global (`projectId`).
 */
export const LessonPatch = Schema.Struct({
  projectId: Schema.optional(Schema.NullOr(NonBlank)),
  category: Schema.optional(LessonCategory),
  title: Schema.optional(NonBlank),
  summary: Schema.optional(NonBlank),
  details: Schema.optional(Schema.NullOr(Schema.String)),
  tags: Schema.optional(Tags),
  sourceAgent: Schema.optional(Schema.NullOr(Schema.String)),
  sourceFile: Schema.optional(Schema.NullOr(Schema.String)),
  confidence: Schema.optional(Confidence)
})
export type LessonPatch = typeof LessonPatch.Encoded

/** The highlight markers of a search snippet. */
export const SnippetOptions = Schema.Struct({
  /** Put before each matched token; default `[`. */
  open: Schema.optional(Schema.String),
  /** Put after each matched token; default `]`. */
  close: Schema.optional(Schema.String),
  /** Marks text cut from the start or end; default `…`. */
  ellipsis: Schema.optional(Schema.String),
  /** The most tokens in the excerpt, 1 to 64; default 12. */
  tokens: Schema.optional(Schema.Int.pipe(Schema.between(1, 64)))
})
export type SnippetOptions = typeof SnippetOptions.Type

/** The default number of results of a search. */
export const DEFAULT_SEARCH_LIMIT = 50

/**
 * What to search for; every option narrows the result.
 *
 * - `query`: plain user text, unless `syntax` is `"fts5"`. Any string is safe:
 *   it is split into words, each matched as a word prefix in title, summary
 *   or details, all of them required (`multi-agent` finds "multi agent
 *   orchestration"; `AND`, `NOT`, quotes, `:` or `*` are ordinary text). An
 *   empty query, or one with no letters or digits, matches every lesson.
 * - `syntax`: `"fts5"` hands `query` to SQLite FTS5 as a raw query
 *   expression (phrases, `NEAR`, column filters, `OR`/`NOT`); a malformed one
 *   fails with `ValidationError`, and so does any on PostgreSQL (no FTS5
 *   there). Default `"plain"`.
 * - `category`: only that category.
 * - `projectId`: that project's lessons and the global ones; `null` for the
 *   global ones only. Absent: every lesson.
 * - `tags`: lessons carrying every one of these tags (exact match).
 * - `limit` (default {@link DEFAULT_SEARCH_LIMIT}) and `offset` (default 0): paging.
 * - `snippet`: highlight markers of `LessonHit.snippet`.
 */
export const LessonSearchOptions = Schema.Struct({
  query: Schema.optional(Schema.String),
  syntax: Schema.optional(Schema.Literal("plain", "fts5")),
  category: Schema.optional(LessonCategory),
  projectId: Schema.optional(Schema.NullOr(Schema.String)),
  tags: Schema.optional(Schema.Array(Schema.String)),
  limit: Schema.optional(Limit),
  offset: Schema.optional(Offset),
  snippet: Schema.optional(SnippetOptions)
})
export type LessonSearchOptions = typeof LessonSearchOptions.Encoded

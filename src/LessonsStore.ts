/**
 * The lessons store: lessons learned by agents, searchable by text (SQLite
 * FTS5, bm25-ranked, with highlighted snippets), category, project and tags,
 * with a count of how often each was applied.
 *
 * Title, summary, details, sources and tags pass through the `Redactor`
 * before they reach the table or its full-text index.
 *
 * @module
 */
import { SqlError } from "@effect/sql/SqlError"
import * as Arr from "effect/Array"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type { ParseError } from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { coreLayerConfig } from "./Core.js"
import { Database } from "./Database.js"
import { driverCode, withDatabaseErrors } from "./database/SqlFailure.js"
import { onFirstCall } from "./domain/OnFirstCall.js"
import { now } from "./domain/Timestamp.js"
import { NotFound, ValidationError } from "./Errors.js"
import {
  DEFAULT_SEARCH_LIMIT,
  type Lesson,
  LessonCategory,
  LessonInput,
  LessonPatch,
  LessonSearchOptions
} from "./lessons/Lesson.js"
import { DECLINED, decodeCommonRow, decodeRows } from "./database/Rows.js"
import { Limit } from "./domain/Page.js"
import { commonSearchOptions } from "./lessons/CommonSearchOptions.js"
import { decodeHits, LessonFromRow } from "./lessons/LessonRow.js"
import * as Queries from "./lessons/Queries.js"
import { Redactor } from "./redaction/Redactor.js"
import { type Expansion, makeExpansionCache } from "./search/ExpansionCache.js"
import { ftsTokens, prefixWord, queryTokens } from "./search/FtsQuery.js"
import { checkStoredInput, validate } from "./Validation.js"

const decodeLessons = decodeRows(LessonFromRow)
const isVersion = (value: unknown): value is number | null => value === null || typeof value === "number"

/** `expandedMatch`'s row: read in plain code when it has the expected types, else by the schema, which reports. */
const decodeExpansionRow = decodeCommonRow(
  (row) => typeof row.fts === "string" && isVersion(row.version) ? { fts: row.fts, version: row.version } : DECLINED,
  onFirstCall(() =>
    Schema.decodeUnknownEither(Schema.Tuple(Schema.Struct({ fts: Schema.String, version: Schema.NullOr(Schema.Number) })))
  )
)

/** The expansion of `expandedMatch`'s row. */
const decodeExpansion = (rows: unknown): Either.Either<Expansion, ParseError> =>
  Either.map(decodeExpansionRow(rows), ([row]) => ({ fts5: row.fts, version: row.version }))

/** The version of the index's terms a text search read (`terms_version` of its first row), if it returned any. */
const termsVersionOf = (rows: ReadonlyArray<unknown>): unknown => {
  const row = rows[0]
  return typeof row === "object" && row !== null && "terms_version" in row ? row.terms_version : undefined
}
const validateSearchBySchema = validate(LessonSearchOptions, "lesson search")
const validateSearch = (options: LessonSearchOptions) => {
  const common = commonSearchOptions(options)
  return common === undefined ? validateSearchBySchema(options) : Either.right(common)
}

/** The text a search matches, if any (see `SearchPlan`). */
type Match = Queries.SearchPlan["match"]
type SearchStatement = ReturnType<typeof Queries.searchLessons>

const validateCategory = validate(LessonCategory, "lesson category")
const validateLimit = validate(Limit, "limit")

/** The default number of lessons of `byCategory`. */
export const DEFAULT_CATEGORY_LIMIT = 20
/** The default number of lessons of `mostApplied`. */
export const DEFAULT_MOST_APPLIED_LIMIT = 10

const ENTITY = "lesson"

/** A raw FTS5 query that SQLite rejected: its syntax, a column name, an unterminated string. */
const isFtsQueryError = (error: unknown): error is SqlError =>
  error instanceof SqlError && Option.contains(driverCode(error.cause), "SQLITE_ERROR")

const ftsQueryError = (error: SqlError) => {
  const reason = error.cause instanceof Error ? error.cause.message : error.message
  return new ValidationError({
    message: `invalid FTS5 query: ${reason}`,
    issues: [{ path: "query", message: reason }]
  })
}

/** Raw FTS5 syntax asked of a database without FTS5 (PostgreSQL): its search takes plain text only. */
const fts5Unavailable = () =>
  new ValidationError({
    message: "invalid FTS5 query: raw FTS5 syntax needs SQLite; this database searches plain text (syntax \"plain\")",
    issues: [{ path: "syntax", message: "raw FTS5 syntax needs SQLite" }]
  })

/**
 * Lessons learned, per project or global.
 *
 * `LessonsStore.Default` opens the database named by the `LOGBOOK_*`
 * environment variables; `LessonsStore.DefaultWithoutDependencies` needs the
 * core services (`coreLayer`, `coreLayerMemory`).
 */
export class LessonsStore extends Effect.Service<LessonsStore>()("logbook/LessonsStore", {
  accessors: true,
  effect: Effect.gen(function*() {
    const { sql } = yield* Database
    const redactor = yield* Redactor
    const redact = redactor.redactText
    const redactNullable = (text: string | null | undefined): string | null => text == null ? null : redact(text)
    const redactTags = (tags: ReadonlyArray<string>): ReadonlyArray<string> => Arr.dedupe(tags.map(redact))

    const lessonsOf = <E, R>(rows: Effect.Effect<ReadonlyArray<unknown>, E, R>, operation: string) =>
      Effect.flatMap(rows, decodeLessons).pipe(withDatabaseErrors(operation))
    const first = (lessons: ReadonlyArray<Lesson>) => Arr.head(lessons)

    /**
     * Stores a new lesson with a fresh UUID, no applications and the current
     * time, and returns it as stored (redacted).
     * Fails with `ValidationError` when the input does not match `LessonInput`.
     */
    const create = Effect.fn("LessonsStore.create")(function*(input: LessonInput) {
      yield* checkStoredInput("lesson")(input)
      const lesson = yield* validate(LessonInput, "lesson")(input)
      const at = yield* now
      const row = {
        id: crypto.randomUUID(),
        project_id: lesson.projectId == null ? null : redactor.redactIdentifier(lesson.projectId),
        category: lesson.category,
        title: redact(lesson.title),
        summary: redact(lesson.summary),
        details: redactNullable(lesson.details),
        tags: JSON.stringify(redactTags(lesson.tags ?? [])),
        source_agent: redactNullable(lesson.sourceAgent),
        source_file: redactNullable(lesson.sourceFile),
        confidence: lesson.confidence ?? 1,
        application_count: 0,
        created_at: at,
        updated_at: at
      }
      const [stored] = yield* lessonsOf(Queries.insertLesson(sql, row), "LessonsStore.create")
      if (stored === undefined) return yield* Effect.dieMessage("INSERT ... RETURNING gave no row")
      return stored
    })

    /** The lesson with this id, if there is one. */
    const getById = Effect.fn("LessonsStore.getById")(function*(id: string) {
      const found = yield* lessonsOf(Queries.selectLesson(sql, id), "LessonsStore.getById")
      return first(found)
    })

    const expansions = makeExpansionCache()

    /**
     * The rows of a plain-text search. On SQLite its words are expanded into
     * whole terms: by one statement before the search, or, when the
     * expansion is kept (see `ExpansionCache`), by none while the search's
     * rows show the terms unchanged; otherwise the expansion is read again,
     * and the search runs again with it if it differs (as it does when the
     * search returned no row). PostgreSQL reads the words themselves.
     */
    const plainRows = (tokens: ReadonlyArray<string>, plan: (match: Match) => SearchStatement) => {
      const words = tokens.map(prefixWord)
      if (!Queries.takesFts5Syntax(sql)) {
        return plan(Option.some({ fts5: words.map((word) => word.literal).join(" "), words: tokens }))
      }
      const key = JSON.stringify(words)
      const searchWith = (fts5: string) => plan(Option.some({ fts5, words: tokens }))
      const expand = Effect.tap(
        Effect.flatMap(Queries.expandedMatch(sql, words), decodeExpansion),
        (expansion) => expansions.remember(key, expansion)
      )
      const kept = expansions.recall(key)
      if (kept === undefined) return Effect.flatMap(expand, (expansion) => searchWith(expansion.fts5))
      return Effect.flatMap(searchWith(kept.fts5), (rows) =>
        termsVersionOf(rows) === kept.version
          ? Effect.succeed(rows)
          : Effect.flatMap(expand, (expansion) =>
            expansion.fts5 === kept.fts5 ? Effect.succeed(rows) : searchWith(expansion.fts5)))
    }

    /** The rows of a validated search: raw FTS5 syntax, plain words, or no text to match. */
    const searchRows = (
      valid: typeof LessonSearchOptions.Type,
      candidates: number
    ): Effect.Effect<ReadonlyArray<unknown>, SqlError | ParseError | ValidationError> => {
      const text = valid.query ?? ""
      const settings = {
        category: valid.category,
        projectId: valid.projectId == null ? valid.projectId : redactor.redactIdentifier(valid.projectId),
        // Tags are stored redacted: a tag given as written matches its stored form.
        tags: (valid.tags ?? []).map(redact),
        limit: valid.limit ?? DEFAULT_SEARCH_LIMIT,
        offset: valid.offset ?? 0,
        candidates,
        snippet: { ...Queries.DEFAULT_SNIPPET, ...valid.snippet }
      }
      const plan = (match: Match) => Queries.searchLessons(sql, { ...settings, match })
      if (valid.syntax === "fts5") {
        return plan(text.trim() === "" ? Option.none() : Option.some({ fts5: text, words: ftsTokens(text) })).pipe(
          Effect.catchIf(isFtsQueryError, (error) => Effect.fail(ftsQueryError(error)))
        )
      }
      const tokens = queryTokens(text)
      return tokens.length === 0 ? plan(Option.none()) : plainRows(tokens, plan)
    }

    /**
     * Searches lessons (see {@link LessonSearchOptions}): by plain text (every
     * word as a prefix, bm25-ranked with title above summary above details),
     * category, project (its lessons and the global ones), tags (all of them,
     * exactly), with paging. Results come best first; equal ranks most
     * recently updated first, then most recently written.
     *
     * Where the order may differ from ranking every match by bm25 of each
     * word as a prefix, deterministically:
     * - On SQLite a plain word is matched as the OR of the whole indexed
     *   words it begins (`error` as `error`, `errors`, `errored`; the same
     *   lessons as the prefix), which FTS5 reads lazily where a prefix query
     *   reads every match first. bm25 then scores each of these words with
     *   its own rarity and sums them, where a prefix would be one term: a
     *   lesson using a rarer word of the prefix ranks higher than it would
     *   under the prefix. A
     *   word that begins more than `MAX_TERMS_PER_WORD` (16) indexed words
     *   stays a prefix, and so does a word with characters outside ASCII
     *   letters and digits.
     * - Without category, project or tag filters, only the most recently
     *   written matches (`SEARCH_CANDIDATES`, 1,000, or as many as the page
     *   reaches) are ranked: for a word found in more lessons than that, an
     *   older lesson is not returned even when it would rank higher. A word
     *   found in fewer lessons is ranked among all of them, and a search
     *   with a filter ranks every match.
     *
     * A plain query never fails, whatever it contains. Fails with
     * `ValidationError` when an option is malformed, or when `syntax: "fts5"`
     * and SQLite rejects the raw FTS5 query (on PostgreSQL, which has no FTS5,
     * `syntax: "fts5"` is always a `ValidationError`).
     */
    const search = Effect.fn("LessonsStore.search")((options: LessonSearchOptions = {}) =>
      // Without a generator: the search's own work is a few hundred microseconds, and each step counts.
      Effect.flatMap(validateSearch(options), (valid) =>
        valid.syntax === "fts5" && !Queries.takesFts5Syntax(sql)
          ? fts5Unavailable()
          : Effect.flatMap(Queries.SearchCandidates, (candidates) =>
            searchRows(valid, candidates).pipe(Effect.flatMap(decodeHits), withDatabaseErrors("LessonsStore.search"))))
    )

    /**
     * Changes the fields present in `patch` (text redacted) and the update
     * time, in one statement, and returns the lesson as stored. The full-text
     * index follows title, summary and details. An empty patch changes
     * nothing and returns the lesson.
     * Fails with `NotFound` when there is no such lesson and with
     * `ValidationError` when the patch does not match `LessonPatch`.
     */
    const update = Effect.fn("LessonsStore.update")(function*(id: string, patch: LessonPatch) {
      yield* checkStoredInput("lesson patch")(patch)
      const change = yield* validate(LessonPatch, "lesson patch")(patch)
      const set: Record<string, unknown> = {}
      if (change.projectId !== undefined) set.project_id = change.projectId === null ? null : redactor.redactIdentifier(change.projectId)
      if (change.category !== undefined) set.category = change.category
      if (change.title !== undefined) set.title = redact(change.title)
      if (change.summary !== undefined) set.summary = redact(change.summary)
      if (change.details !== undefined) set.details = redactNullable(change.details)
      if (change.tags !== undefined) set.tags = JSON.stringify(redactTags(change.tags))
      if (change.sourceAgent !== undefined) set.source_agent = redactNullable(change.sourceAgent)
      if (change.sourceFile !== undefined) set.source_file = redactNullable(change.sourceFile)
      if (change.confidence !== undefined) set.confidence = change.confidence
      const rows = Object.keys(set).length === 0
        ? Queries.selectLesson(sql, id)
        : Queries.updateLesson(sql, id, { ...set, updated_at: yield* now })
      const updated = first(yield* lessonsOf(rows, "LessonsStore.update"))
      if (Option.isNone(updated)) return yield* new NotFound({ entity: ENTITY, id })
      return updated.value
    })

    /**
     * Counts one more application of the lesson and sets its update time, in
     * one atomic statement: concurrent calls, from any number of fibers or
     * processes, are all counted. The full-text index is not touched.
     * Fails with `NotFound` when there is no such lesson.
     */
    const recordApplication = Effect.fn("LessonsStore.recordApplication")(function*(id: string) {
      const rows = yield* Queries.countApplication(sql, id, yield* now).pipe(
        withDatabaseErrors("LessonsStore.recordApplication")
      )
      if (rows.length === 0) return yield* new NotFound({ entity: ENTITY, id })
    })

    /** Deletes the lesson (and its full-text entry); true when it existed. */
    const delete_ = Effect.fn("LessonsStore.delete")(function*(id: string) {
      const rows = yield* Queries.deleteLesson(sql, id).pipe(withDatabaseErrors("LessonsStore.delete"))
      return rows.length > 0
    })

    /**
     * The lessons of a category, most confident first, then most applied,
     * then most recently updated; at most `limit` (default 20).
     * Fails with `ValidationError` for an unknown category or a negative limit.
     */
    const byCategory = Effect.fn("LessonsStore.byCategory")(
      function*(category: LessonCategory, limit: number = DEFAULT_CATEGORY_LIMIT) {
        const valid = yield* validateCategory(category)
        const count = yield* validateLimit(limit)
        return yield* lessonsOf(Queries.lessonsByCategory(sql, valid, count), "LessonsStore.byCategory")
      }
    )

    /**
     * The most applied lessons, then most recently updated; at most `limit`
     * (default 10). Fails with `ValidationError` for a negative limit.
     */
    const mostApplied = Effect.fn("LessonsStore.mostApplied")(function*(limit: number = DEFAULT_MOST_APPLIED_LIMIT) {
      const count = yield* validateLimit(limit)
      return yield* lessonsOf(Queries.mostAppliedLessons(sql, count), "LessonsStore.mostApplied")
    })

    return {
      create,
      getById,
      search,
      update,
      recordApplication,
      delete: delete_,
      byCategory,
      mostApplied
    } as const
  }),
  dependencies: [coreLayerConfig]
}) {}

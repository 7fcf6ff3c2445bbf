/**
 * The SQL of the LessonsStore, one builder per statement. Dialect variants:
 * tag membership (`json_each` / `jsonb`), and text search (FTS5 over
 * `lessons_fts` ranked by bm25 on SQLite; a weighted `tsvector` with
 * `ts_rank` and `ts_headline` on PostgreSQL).
 *
 * @module
 */
import type * as Statement from "@effect/sql/Statement"
import * as Context from "effect/Context"
import * as Option from "effect/Option"
import { type Sql, unsupported } from "../database/Dialect.js"
import { expandWords } from "../search/FtsMatch.js"
import type { PrefixWord } from "../search/FtsQuery.js"
import { prefixTsQuery } from "../search/TsQuery.js"
import type { LessonCategory } from "./Lesson.js"

/** bm25 column weights of `lessons_fts (title, summary, details)`. */
export const BM25_WEIGHTS = { title: 10.0, summary: 5.0, details: 1.0 } as const

const BM25 = `bm25(lessons_fts, ${BM25_WEIGHTS.title}, ${BM25_WEIGHTS.summary}, ${BM25_WEIGHTS.details})`

/** The default highlight markers of a snippet. */
export const DEFAULT_SNIPPET = { open: "[", close: "]", ellipsis: "…", tokens: 12 } as const

/** A validated search, ready to run. */
export interface SearchPlan {
  /** The text to match: an FTS5 `MATCH` expression and its words (for PostgreSQL); none lists lessons without text matching. */
  readonly match: Option.Option<{ readonly fts5: string; readonly words: ReadonlyArray<string> }>
  readonly category: LessonCategory | undefined
  /** A project (its lessons and the global ones), `null` (global only) or `undefined` (all). */
  readonly projectId: string | null | undefined
  /** Every one of them must be among the lesson's tags. */
  readonly tags: ReadonlyArray<string>
  readonly limit: number
  readonly offset: number
  /** Without filters, how many of the most recent matches are ranked ({@link SearchCandidates}). */
  readonly candidates: number
  readonly snippet: { readonly open: string; readonly close: string; readonly ellipsis: string; readonly tokens: number }
}

const filtersOf = (sql: Sql, plan: SearchPlan): Array<Statement.Fragment> => {
  const filters: Array<Statement.Fragment> = []
  if (plan.category !== undefined) filters.push(sql`l.category = ${plan.category}`)
  if (plan.projectId === null) filters.push(sql`l.project_id IS NULL`)
  else if (plan.projectId !== undefined) {
    filters.push(sql`(l.project_id = ${plan.projectId} OR l.project_id IS NULL)`)
  }
  for (const tag of plan.tags) {
    filters.push(sql.onDialectOrElse({
      sqlite: () => sql`EXISTS (SELECT 1 FROM json_each(l.tags) WHERE json_each.value = ${tag})`,
      pg: () => sql`(l.tags)::jsonb ? ${tag}`,
      orElse: unsupported(sql)
    }))
  }
  return filters
}

/**
 * How many matches a search without filters ranks by default: the most recently
 * written ones (highest `seq`), at least as many as the page reaches. A
 * word found in more lessons is ranked among these only: ranking every
 * match costs time in proportion to all of them (about 60 ms of CPU for a
 * word in 100,000 lessons), ranking these a bounded cost (bm25 still counts
 * the lessons of each word once, about 3 ms of CPU for a word in 100,000
 * lessons), and an older, better-ranked lesson beyond them is not returned.
 * A word in fewer lessons (a rare word) is ranked among all of its matches.
 */
export const SEARCH_CANDIDATES = 1000

/**
 * How many matches a search without filters ranks ({@link SEARCH_CANDIDATES}
 * unless provided): a spec shows the cut with a handful of lessons.
 */
export class SearchCandidates extends Context.Reference<SearchCandidates>()("logbook/lessons/SearchCandidates", {
  defaultValue: (): number => SEARCH_CANDIDATES
}) {}

const candidatesOf = (plan: SearchPlan) => Math.max(plan.candidates, plan.offset + plan.limit)

/**
 * SQLite: the version of the terms of `lessons_fts` (migration 0017), a
 * value that changes with every write that may change them; NULL when its
 * row is missing.
 */
const TERMS_VERSION = "(SELECT version FROM search_terms_versions WHERE name = 'lessons')"

/**
 * SQLite: the FTS5 `MATCH` expression of plain words, each expanded into
 * the whole terms of `lessons_fts` it begins (through `lessons_fts_terms`,
 * migration 0015; see `expandWords`), and the version of those terms it
 * was read at: one row, `fts` and `version`.
 */
export const expandedMatch = (sql: Sql, words: ReadonlyArray<PrefixWord>): Statement.Statement<unknown> =>
  sql`SELECT expansion.fts AS fts, ${sql.literal(TERMS_VERSION)} AS version
    FROM (${expandWords(sql, "lessons_fts_terms", words)}) AS expansion`

/**
 * SQLite: a search without filters, ranked inside the index first: the
 * {@link SearchCandidates} most recent matches are read from the index in
 * `seq` order and ranked once, the page is cut from them (with the lessons
 * tied with its last rank, so that ties are still ordered by recency), only
 * those are joined to their lessons, and only the page's rows are given a
 * snippet (the index is read again from the page's oldest row only).
 */
const rankedFirst = (sql: Sql, plan: SearchPlan, match: string): Statement.Statement<unknown> => {
  const { close, ellipsis, open, tokens } = plan.snippet
  return sql`WITH ranked AS MATERIALIZED (
      SELECT rowid AS seq, ${sql.literal(BM25)} AS hit_rank FROM lessons_fts WHERE lessons_fts MATCH ${match}
      ORDER BY rowid DESC LIMIT ${candidatesOf(plan)}
    ),
    cut AS (SELECT hit_rank FROM ranked ORDER BY hit_rank LIMIT 1 OFFSET ${plan.offset + plan.limit - 1}),
    chosen AS MATERIALIZED (
      SELECT ranked.seq, ranked.hit_rank FROM ranked JOIN lessons AS l ON l.seq = ranked.seq
      WHERE ranked.hit_rank <= COALESCE((SELECT hit_rank FROM cut), 1e308)
      ORDER BY ranked.hit_rank, l.updated_at DESC, l.seq DESC
      LIMIT ${plan.limit} OFFSET ${plan.offset}
    )
    SELECT l.*, chosen.hit_rank AS hit_rank,
      coalesce(nullif(snippet(lessons_fts, -1, ${open}, ${close}, ${ellipsis}, ${tokens}), ''), l.summary) AS hit_snippet,
      ${sql.literal(TERMS_VERSION)} AS terms_version
    FROM lessons_fts CROSS JOIN chosen ON chosen.seq = lessons_fts.rowid CROSS JOIN lessons AS l ON l.seq = chosen.seq
    WHERE lessons_fts MATCH ${match} AND lessons_fts.rowid >= (SELECT min(seq) FROM chosen)
    ORDER BY hit_rank, l.updated_at DESC, l.seq DESC`
}

/**
 * The statement of a search. Rows are `lessons` rows with `hit_rank` (bm25,
 * lower is better; 0 without text matching) and `hit_snippet`, best first:
 * by rank, then most recently updated. Without text matching: most recently
 * updated first, with the summary as snippet. A text search on SQLite also
 * gives each row `terms_version`, the version of the index's terms it read
 * (see `expandedMatch`).
 */
export const searchLessons = (sql: Sql, plan: SearchPlan): Statement.Statement<unknown> => {
  const filters = filtersOf(sql, plan)
  const where = sql.and(filters)
  const { close, ellipsis, open, tokens } = plan.snippet
  return Option.match(plan.match, {
    onNone: () =>
      sql`SELECT l.*, 0 AS hit_rank, l.summary AS hit_snippet
        FROM lessons AS l
        WHERE ${where}
        ORDER BY l.updated_at DESC, l.seq DESC
        LIMIT ${plan.limit} OFFSET ${plan.offset}`,
    onSome: (match) =>
      sql.onDialectOrElse({
        sqlite: () =>
          filters.length === 0 && plan.limit > 0
            ? rankedFirst(sql, plan, match.fts5)
            : sql`SELECT l.*,
              ${sql.literal(BM25)} AS hit_rank,
              coalesce(nullif(snippet(lessons_fts, -1, ${open}, ${close}, ${ellipsis}, ${tokens}), ''), l.summary) AS hit_snippet,
              ${sql.literal(TERMS_VERSION)} AS terms_version
            FROM lessons_fts JOIN lessons AS l ON l.seq = lessons_fts.rowid
            WHERE lessons_fts MATCH ${match.fts5} AND ${where}
            ORDER BY hit_rank, l.updated_at DESC, l.seq DESC
            LIMIT ${plan.limit} OFFSET ${plan.offset}`,
        pg: () => {
          const query = sql`to_tsquery('simple', ${prefixTsQuery(match.words)})`
          // ts_headline needs MinWords < MaxWords.
          const options = `StartSel=${open}, StopSel=${close}, MaxWords=${Math.max(2, tokens)}, MinWords=1`
          // The excerpt with the ellipsis where it cuts the text, as SQLite's snippet writes it.
          const plain = sql`replace(replace(h.headline, ${open}::text, ''), ${close}::text, '')`
          // Without filters, the most recent matches only are ranked, as on SQLite.
          const source = filters.length === 0
            ? sql`(SELECT * FROM lessons WHERE search @@ ${query} ORDER BY seq DESC LIMIT ${candidatesOf(plan)})`
            : sql`lessons`
          // The page is cut first: only its rows are given a headline.
          return sql`SELECT l.*, p.hit_rank,
              CASE WHEN position(${plain} IN t.text) = 1 THEN '' ELSE ${ellipsis}::text END || h.headline ||
                CASE WHEN right(t.text, length(${plain})) = ${plain} THEN '' ELSE ${ellipsis}::text END AS hit_snippet
            FROM (
                SELECT l.seq, -ts_rank(l.search, ${query}) AS hit_rank, l.updated_at
                FROM ${source} AS l
                WHERE l.search @@ ${query} AND ${where}
                ORDER BY hit_rank, l.updated_at DESC, l.seq DESC
                LIMIT ${plan.limit} OFFSET ${plan.offset}
              ) AS p
              JOIN lessons AS l ON l.seq = p.seq
              CROSS JOIN LATERAL (SELECT concat_ws(' ', l.title, l.summary, l.details) AS text) AS t
              CROSS JOIN LATERAL (SELECT ts_headline('simple', t.text, ${query}, ${options}) AS headline) AS h
            ORDER BY p.hit_rank, l.updated_at DESC, l.seq DESC`
        },
        orElse: unsupported(sql)
      })
  })
}

/** Whether the database takes raw FTS5 query syntax (`syntax: "fts5"`): SQLite only. */
export const takesFts5Syntax = (sql: Sql): boolean =>
  sql.onDialectOrElse({ sqlite: () => true, pg: () => false, orElse: unsupported(sql) })

/** Inserts a lesson and returns its row. */
export const insertLesson = (sql: Sql, row: Readonly<Record<string, unknown>>) =>
  sql`INSERT INTO lessons ${sql.insert({ ...row })} RETURNING *`

/** One lesson by id. */
export const selectLesson = (sql: Sql, id: string) => sql`SELECT * FROM lessons WHERE id = ${id}`

/** Sets the given columns of a lesson; returns its row, none when it is missing. */
export const updateLesson = (sql: Sql, id: string, set: Readonly<Record<string, unknown>>) =>
  sql`UPDATE lessons SET ${sql.update({ ...set })} WHERE id = ${id} RETURNING *`

/** Counts one more application of a lesson; returns its `seq`, none when it is missing. */
export const countApplication = (sql: Sql, id: string, at: string) =>
  sql`UPDATE lessons
    SET application_count = application_count + 1, updated_at = ${at}
    WHERE id = ${id} RETURNING seq`

/** Deletes a lesson; returns its `seq` when there was one. */
export const deleteLesson = (sql: Sql, id: string) => sql`DELETE FROM lessons WHERE id = ${id} RETURNING seq`

/** The lessons of a category, most confident, then most applied, then most recently updated first. */
export const lessonsByCategory = (sql: Sql, category: LessonCategory, limit: number) =>
  sql`SELECT * FROM lessons WHERE category = ${category}
    ORDER BY confidence DESC, application_count DESC, updated_at DESC, seq DESC
    LIMIT ${limit}`

/** The most applied lessons, then most recently updated. */
export const mostAppliedLessons = (sql: Sql, limit: number) =>
  sql`SELECT * FROM lessons
    ORDER BY application_count DESC, updated_at DESC, seq DESC
    LIMIT ${limit}`

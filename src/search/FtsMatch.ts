/**
 * The FTS5 `MATCH` expression of a search, computed by SQLite inside the
 * search statement itself: raw FTS5 text as given, or the words of a plain
 * query with each word expanded into the whole indexed terms it begins.
 *
 * A prefix query (`"error"*`) makes FTS5 merge the doclists of every term
 * with that prefix into one list in memory before it returns a first row,
 * however few rows are wanted: about 12 ms of CPU for a word found in
 * 100,000 rows, even when the word itself is the only such term. The same
 * word as an OR of its whole terms (`("error" OR "errors")`) is read lazily
 * in rowid order, so a search that wants the most recent matches reads
 * those only. The terms come from an `fts5vocab` table of type `instance`
 * over the index, walked one term at a time (`term >= previous || char(1)`,
 * each step a seek), so a common term costs no more than a rare one.
 *
 * @module
 */
import type * as Statement from "@effect/sql/Statement"
import type { Sql } from "../database/Dialect.js"
import type { PrefixWord } from "./FtsQuery.js"

/**
 * The most whole terms a word is expanded into. A word that begins more
 * terms than this (a short prefix such as `t`) stays a prefix query: the
 * same matches, at the cost of the prefix query.
 */
export const MAX_TERMS_PER_WORD = 16

/** What a search matches: raw FTS5 syntax, or the words of a plain query (all of them, each as a prefix). */
export type FtsMatch =
  | { readonly _tag: "Raw"; readonly query: string }
  | { readonly _tag: "Words"; readonly words: ReadonlyArray<PrefixWord> }

/**
 * Common table expressions (for a `WITH RECURSIVE` list) ending in
 * `match_query(fts)`, one row holding the `MATCH` expression of `match`;
 * read it with `MATCH (SELECT fts FROM match_query)`. `terms` is the
 * `fts5vocab(..., instance)` table of the index searched.
 *
 * A plain word with a `prefix` becomes the OR of the whole terms beginning
 * with it, in term order, when there are 1 to {@link MAX_TERMS_PER_WORD};
 * otherwise, and for a word without `prefix`, its prefix query. Words are
 * joined by `AND`: every word must match.
 */
export const matchQuery = (sql: Sql, terms: string, match: FtsMatch): Statement.Fragment => {
  if (match._tag === "Raw") return sql`match_query(fts) AS (SELECT ${match.query})`
  const vocab = sql(terms)
  const words = JSON.stringify(match.words)
  return sql`match_words(i, prefix, literal) AS (
      SELECT key, value ->> 'prefix', value ->> 'literal' FROM json_each(${words})
    ),
    match_walk(i, prefix, term, n) AS (
      SELECT i, prefix, (SELECT term FROM ${vocab} WHERE term >= prefix LIMIT 1), 1
      FROM match_words WHERE prefix IS NOT NULL
      UNION ALL
      SELECT i, prefix, (SELECT term FROM ${vocab} WHERE term >= match_walk.term || char(1) LIMIT 1), n + 1
      FROM match_walk WHERE n <= ${MAX_TERMS_PER_WORD} AND substr(term, 1, length(prefix)) = prefix
    ),
    match_terms(i, terms, n) AS (
      SELECT i, group_concat('"' || replace(term, '"', '""') || '"', ' OR ' ORDER BY term), count(*)
      FROM match_walk WHERE substr(term, 1, length(prefix)) = prefix GROUP BY i
    ),
    match_query(fts) AS MATERIALIZED (
      SELECT group_concat(
          CASE WHEN match_terms.n <= ${MAX_TERMS_PER_WORD} THEN '(' || match_terms.terms || ')' ELSE match_words.literal END,
          ' AND ' ORDER BY match_words.i)
      FROM match_words LEFT JOIN match_terms USING (i)
    )`
}

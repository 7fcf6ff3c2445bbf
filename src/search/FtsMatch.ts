/**
 * The FTS5 `MATCH` expression of a plain search, computed by SQLite: each
 * word expanded into the whole indexed terms it begins.
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

/**
 * The `MATCH` expression of plain `words`, computed by SQLite: one row,
 * `fts`. `terms` is the `fts5vocab(..., instance)` table of the index
 * searched.
 *
 * A word with a `prefix` becomes the OR of the whole terms beginning with
 * it, in term order, when there are 1 to {@link MAX_TERMS_PER_WORD};
 * otherwise, and for a word without `prefix`, its prefix query. Words are
 * joined by `AND`: every word must match. The expression is bound to the
 * search as a value: a `MATCH` whose operand is a subquery costs FTS5 about
 * half a millisecond more per search.
 */
export const expandWords = (sql: Sql, terms: string, words: ReadonlyArray<PrefixWord>): Statement.Statement<unknown> => {
  const vocab = sql(terms)
  return sql`WITH RECURSIVE match_words(i, prefix, literal) AS (
      SELECT key, value ->> 'prefix', value ->> 'literal' FROM json_each(${JSON.stringify(words)})
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
    )
    SELECT group_concat(
        CASE WHEN match_terms.n <= ${MAX_TERMS_PER_WORD} THEN '(' || match_terms.terms || ')' ELSE match_words.literal END,
        ' AND ' ORDER BY match_words.i) AS fts
    FROM match_words LEFT JOIN match_terms USING (i)`
}

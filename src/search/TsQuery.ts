/**
 * Plain user words as a PostgreSQL `tsquery` text, the counterpart of
 * {@link toFtsQuery} for the `tsvector` search of lessons and trajectories.
 *
 * @module
 */
import type { toFtsQuery } from "./FtsQuery.js"

/**
 * A `tsquery` text where every word (from `queryTokens`) must match as a
 * prefix: `'a':* & 'b':*`. Each word is a quoted lexeme, so no character of
 * it is read as `tsquery` syntax; read it with `to_tsquery('simple', ...)`.
 */
export const prefixTsQuery = (words: ReadonlyArray<string>): string =>
  words.map((word) => `'${word.replaceAll("\\", "\\\\").replaceAll("'", "''")}':*`).join(" & ")

/**
 * Turning plain user text into a safe SQLite FTS5 `MATCH` expression.
 *
 * FTS5 query syntax gives meaning to `"`, `*`, `^`, `:`, `(`, `)`, `{`, `}`,
 * `+`, `-` and to the bare words `AND`, `OR`, `NOT` and `NEAR`. Handing raw
 * user text to `MATCH` therefore either fails with a syntax error or silently
 * means something else. {@link toFtsQuery} splits the text the way FTS5's
 * default `unicode61` tokenizer does and quotes every token, so nothing the
 * user types is ever interpreted as query syntax.
 *
 * @module
 */
import * as Option from "effect/Option"

/**
 * How a search string is to be read.
 *
 * - `"plain"`: ordinary text, turned into a query by {@link toFtsQuery}; no
 *   character has special meaning and the text can never cause a syntax error.
 * - `"fts5"`: the caller's text is passed to `MATCH` as a raw FTS5 query
 *   expression (phrases, `NEAR`, column filters, boolean operators); a
 *   malformed expression is an error the caller must report.
 */
export type SearchSyntax = "plain" | "fts5"

/**
 * One token: a run starting with a letter, a number or a private-use
 * character (FTS5 `unicode61`'s default token categories `L* N* Co`),
 * continued by more of those or by combining marks.
 *
 * `unicode61` keeps the Latin combining diacritics inside a token (and strips
 * them); other marks separate tokens. Keeping every mark inside the token here
 * is harmless: FTS5 tokenizes the quoted string again, and if it splits on a
 * mark the pieces form a phrase that matches the same adjacent pieces in the
 * indexed text.
 */
const TOKEN = /[\p{L}\p{N}\p{Co}][\p{L}\p{N}\p{Co}\p{M}]*/gu

/** Quote a token as an FTS5 string, doubling any embedded `"`. */
const quote = (token: string): string => `"${token.replaceAll('"', '""')}"`

/**
 * Split `text` into the tokens FTS5's `unicode61` tokenizer would see:
 * anything that is not a Unicode letter or number separates tokens, so
 * `multi-agent` gives `multi`, `agent` and `don't` gives `don`, `t`. Emoji,
 * punctuation, symbols, whitespace and control characters are separators.
 */
export const ftsTokens = (text: string): ReadonlyArray<string> => text.match(TOKEN) ?? []

/** The most distinct words a plain query keeps: FTS5's cost grows faster than linearly with the terms of one query. */
export const MAX_QUERY_TOKENS = 32

/**
 * The words of a plain query, each once (case-insensitively: the index
 * folds case) and at most {@link MAX_QUERY_TOKENS} of them, in order of
 * first appearance. Repeating a word never narrows an AND of prefixes, so
 * `a a a ...` costs what `a` costs.
 */
export const queryTokens = (text: string): ReadonlyArray<string> => {
  const seen = new Set<string>()
  const tokens: Array<string> = []
  for (const token of text.matchAll(TOKEN)) {
    const folded = token[0].toLowerCase()
    if (seen.has(folded)) continue
    seen.add(folded)
    tokens.push(token[0])
    if (tokens.length === MAX_QUERY_TOKENS) break
  }
  return tokens
}

/**
 * One word of a plain query: `literal`, its FTS5 prefix query (`"tok"*`),
 * and `prefix`, the word as FTS5 indexes it when that is certain (a word of
 * ASCII letters and digits, which `unicode61` only lower-cases), for
 * expanding it into the whole indexed terms it begins (see `FtsMatch`);
 * `null` for any other word, which is matched by its prefix query.
 */
export interface PrefixWord {
  readonly literal: string
  readonly prefix: string | null
}

const ASCII_WORD = /^[A-Za-z0-9]+$/

/** One token of {@link queryTokens} with its prefix query. */
export const prefixWord = (token: string): PrefixWord => ({
  literal: `${quote(token)}*`,
  prefix: ASCII_WORD.test(token) ? token.toLowerCase() : null
})

/** The words of a plain query ({@link queryTokens}), each with its prefix query. */
export const prefixWords = (text: string): ReadonlyArray<PrefixWord> => queryTokens(text).map(prefixWord)

/**
 * Turn plain user text into a safe FTS5 `MATCH` expression: its distinct
 * words (at most {@link MAX_QUERY_TOKENS}, see {@link queryTokens}).
 *
 * Each token becomes a quoted FTS5 string with prefix matching (`"tok"*`) and
 * the tokens are joined by spaces, i.e. an implicit `AND`: every word must
 * appear, in any order, each as a prefix of an indexed token. `AND`, `OR`,
 * `NOT` and `NEAR` in the input are ordinary words. `"multi-agent orch"`
 * gives `"multi"* "agent"* "orch"*`.
 *
 * Returns `Option.none()` when the text has no tokens at all (empty, only
 * whitespace, punctuation or emoji); the caller decides whether that means
 * "no filter" or "no rows". The result, when present, never makes `MATCH`
 * fail.
 */
export const toFtsQuery = (text: string): Option.Option<string> => {
  const words = prefixWords(text)
  return words.length === 0 ? Option.none() : Option.some(words.map((word) => word.literal).join(" "))
}

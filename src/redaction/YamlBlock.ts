/**
 * YAML block values: after `key:` at the end of a line (or `key: |`,
 * `key: >-`), the following lines indented more than the key's line, in raw
 * text or inside JSON-escaped text (line breaks written `\n`, `\\n`… at any
 * escaping depth). One scanner reads both; `LineSyntax` says what a line
 * break, a line's end and an indentation are.
 *
 * Linear: each line is read once, and a scan that finds no block reads at
 * most the first line of what follows the key.
 */

/** `[start, end)` of the text to replace. */
export type Range = readonly [number, number]

/** How lines are written: raw, or JSON-escaped. */
export interface LineSyntax {
  /** The length of the line break at `k`, or 0 when there is none. */
  readonly lineBreak: (s: string, k: number) => number
  /** Where the line whose text starts at `start`, after a line break of `breakLength` characters, ends. */
  readonly lineEnd: (s: string, start: number, breakLength: number) => number
  /** Where the indentation starting at `k` ends (`k` when there is none). */
  readonly indentEnd: (s: string, k: number) => number
}

const BACKSLASH = 92
const QUOTE = 34
const LF = 10
const CR = 13
const SPACE = 32
const TAB = 9

/** Lines of raw text: `\n` or `\r\n` breaks, indented by spaces and tabs. */
export const rawLines: LineSyntax = {
  lineBreak: (s, k) => {
    const c = s.charCodeAt(k)
    if (c === LF) return 1
    return c === CR && s.charCodeAt(k + 1) === LF ? 2 : 0
  },
  lineEnd: (s, start) => {
    const next = s.indexOf("\n", start)
    const end = next === -1 ? s.length : next
    return end > start && s.charCodeAt(end - 1) === CR ? end - 1 : end
  },
  indentEnd: (s, k) => {
    let j = k
    while (s.charCodeAt(j) === SPACE || s.charCodeAt(j) === TAB) j++
    return j
  }
}

/** The longest run of backslashes read as one escaped line break (`\n`, `\\n`, … eight levels deep). */
const MAX_ESCAPES = 16

/**
 * Lines of JSON-escaped text: `\n` breaks at any escaping depth, indented by
 * spaces and `\t`. A line ends at a line break, or at a quote that ends the
 * string the line is in (escaped less deeply than its line break: at depth
 * one `"` ends the string and `\"` is a quote of the line).
 */
export const escapedLines: LineSyntax = {
  lineBreak: (s, k) => {
    let j = k
    while (s.charCodeAt(j) === BACKSLASH && j - k < MAX_ESCAPES) j++
    return j > k && s.charCodeAt(j) === 110 ? j - k + 1 : 0
  },
  lineEnd: (s, start, breakLength) => {
    const n = s.length
    const depth = breakLength - 1
    let end = start
    while (end < n) {
      const c = s.charCodeAt(end)
      if (c === QUOTE) return end
      if (c !== BACKSLASH) {
        end++
        continue
      }
      let j = end
      while (s.charCodeAt(j) === BACKSLASH && j - end < MAX_ESCAPES) j++
      const e = s.charCodeAt(j)
      if (e === 110 || e === 114 || (e === QUOTE && j - end < depth) || j >= n) return end
      end = j + 1
    }
    return end
  },
  indentEnd: (s, k) => {
    let j = k
    for (;;) {
      if (s.charCodeAt(j) === SPACE) {
        j++
        continue
      }
      let e = j
      while (s.charCodeAt(e) === BACKSLASH && e - j < MAX_ESCAPES) e++
      if (e === j || s.charCodeAt(e) !== 116) return j // not an escaped tab
      j = e + 1
    }
  }
}

/** The start of a line of a YAML mapping or list (`name:`, `fn::secret:` as Pulumi writes it, `- item`, a comment). */
const structureLine = /^(?:-(?:[ \t]|$)|[^\s:#]{1,100}(?:::[^\s:#]{1,100})?:(?:[ \t]|$)|#)/

/** How much of a line the structure test reads. */
const STRUCTURE_REACH = 200

/**
 * The block value starting at `i` (right after `key:` and its blanks), whose
 * key is indented by `keyIndent` spaces: from the first character of its
 * first line to the last of its last, or `undefined` when there is none.
 * Blank lines inside the block belong to it. Without `|` or `>`, lines that
 * start a nested mapping or list make a structure, not a value, unless
 * `nested` asks for the whole block, structure included.
 */
export const yamlBlock = (
  s: string,
  i: number,
  keyIndent: number,
  lines: LineSyntax,
  nested = false
): Range | undefined => {
  let k = i
  const c = s.charCodeAt(k)
  if (c === 124 || c === 62) {
    // `|` or `>`, with an optional chomping indicator
    k++
    const d = s.charCodeAt(k)
    if (d === 45 || d === 43) k++
    k = lines.indentEnd(s, k)
  }
  const scalar = k > i
  let from = -1
  let to = -1
  for (let nl = lines.lineBreak(s, k); nl > 0; nl = lines.lineBreak(s, k)) {
    const start = lines.indentEnd(s, k + nl)
    const indent = start - k - nl
    if (from === -1 && !scalar && !nested && indent > keyIndent) {
      // Read the start of the first line only: a structure ends the scan there.
      const head = lines.lineEnd(s.slice(start, start + STRUCTURE_REACH), 0, nl)
      if (head > 0 && structureLine.test(s.slice(start, start + head))) break
    }
    const end = lines.lineEnd(s, start, nl)
    if (end > start) {
      if (indent <= keyIndent) break
      if (from === -1) from = start
      to = end
    }
    k = end
  }
  return from === -1 ? undefined : [from, to]
}

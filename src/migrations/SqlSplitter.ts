/**
 * Splits a SQL script into statements for drivers that prepare one statement
 * at a time. Strings (`'...'`, `"..."`, `` `...` ``, `[...]`, PostgreSQL
 * `$tag$...$tag$`), comments (`--`, `/* *\/`) and trigger bodies
 * (`CREATE TRIGGER ... BEGIN ...; ...; END;`, with `CASE ... END` inside) stay whole.
 *
 * It reads character codes, never one-character strings or a regular
 * expression per character: opening a database checks every migration file,
 * and this runs before the code is warm.
 */

const SEMICOLON = 59
const MINUS = 45
const SLASH = 47
const STAR = 42
const SINGLE_QUOTE = 39
const DOUBLE_QUOTE = 34
const BACKTICK = 96
const OPEN_BRACKET = 91
const CLOSE_BRACKET = 93
const DOLLAR = 36

/** `[A-Za-z0-9_]` */
const isWordCode = (code: number) =>
  (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95

/** What `/\s/` matches. */
const isSpaceCode = (code: number) =>
  code === 32 || (code >= 9 && code <= 13) || code === 160 || code === 5760 || (code >= 8192 && code <= 8202) ||
  code === 8232 || code === 8233 || code === 8239 || code === 8287 || code === 12288 || code === 65279

const skipQuoted = (text: string, start: number, close: number): number => {
  let i = start + 1
  while (i < text.length) {
    if (text.charCodeAt(i) === close) {
      if (close !== CLOSE_BRACKET && text.charCodeAt(i + 1) === close) {
        i += 2
        continue
      }
      return i + 1
    }
    i++
  }
  return text.length
}

const dollarTag = (text: string, start: number): string | undefined => {
  const match = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(start, start + 64))
  return match === null ? undefined : match[0]
}

/** The keywords the split looks at; any other word only counts as a word. */
const keywordOf = (script: string, start: number, end: number): string => {
  const length = end - start
  return length >= 3 && length <= 7 ? script.slice(start, end).toUpperCase() : ""
}

/**
 * Where the comment starting at `i` ends (the index after it: a `--` comment
 * takes its line, a block comment up to its end mark, an unclosed one the rest),
 * or -1 when no comment starts there.
 */
const commentEnd = (script: string, i: number): number => {
  const c = script.charCodeAt(i)
  if (c === MINUS && script.charCodeAt(i + 1) === MINUS) {
    const end = script.indexOf("\n", i)
    return end === -1 ? script.length : end + 1
  }
  if (c === SLASH && script.charCodeAt(i + 1) === STAR) {
    const end = script.indexOf("*/", i + 2)
    return end === -1 ? script.length : end + 2
  }
  return -1
}

/** Splits `script` into its statements, each without its final `;`, comment-only pieces dropped. */
export const splitStatements = (script: string): ReadonlyArray<string> => {
  const statements: Array<string> = []
  let start = 0
  /** The statement's first four words (keywords upper-cased, other words ""): enough to tell a trigger. */
  let head: Array<string> = []
  let depth = 0
  let hasCode = false
  let i = 0

  const finish = (end: number) => {
    const text = script.slice(start, end).trim()
    if (hasCode && text !== "") statements.push(text)
    start = end + 1
    head = []
    depth = 0
    hasCode = false
  }
  const isTrigger = () => head[0] === "CREATE" && head.includes("TRIGGER")

  const length = script.length
  while (i < length) {
    const c = script.charCodeAt(i)
    const afterComment = commentEnd(script, i)
    if (afterComment !== -1) {
      i = afterComment
      continue
    }
    if (c === SINGLE_QUOTE || c === DOUBLE_QUOTE || c === BACKTICK) {
      hasCode = true
      i = skipQuoted(script, i, c)
      continue
    }
    if (c === OPEN_BRACKET) {
      hasCode = true
      i = skipQuoted(script, i, CLOSE_BRACKET)
      continue
    }
    if (c === DOLLAR) {
      const tag = dollarTag(script, i)
      if (tag !== undefined) {
        hasCode = true
        const end = script.indexOf(tag, i + tag.length)
        i = end === -1 ? length : end + tag.length
        continue
      }
    }
    if (isWordCode(c)) {
      let j = i + 1
      while (j < length && isWordCode(script.charCodeAt(j))) j++
      const word = keywordOf(script, i, j)
      hasCode = true
      if (head.length < 4) head.push(word)
      if (word === "CASE" || (word === "BEGIN" && isTrigger())) depth++
      else if (word === "END" && depth > 0) depth--
      i = j
      continue
    }
    if (c === SEMICOLON && depth === 0) {
      finish(i)
      i++
      continue
    }
    if (!isSpaceCode(c)) hasCode = true
    i++
  }
  finish(script.length)
  return statements
}

/**
 * Whether `script` holds a statement: `splitStatements(script).length > 0`,
 * read only as far as its first character of code (outside comments, not
 * white space or `;`).
 */
export const hasStatement = (script: string): boolean => {
  let i = 0
  const length = script.length
  while (i < length) {
    const c = script.charCodeAt(i)
    const afterComment = commentEnd(script, i)
    if (afterComment !== -1) {
      i = afterComment
    } else if (c === SEMICOLON || isSpaceCode(c)) {
      i++
    } else {
      return true
    }
  }
  return false
}

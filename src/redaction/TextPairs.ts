/**
 * Secrets written in text after a name that says what they are: `key =
 * value` pairs (`.env`, INI, shell, YAML, JSON, code: `=`, `:`, `:=`, `::=`,
 * `?=`, `.=`, `=>`, with a type between name and operator as in `var token
 * string = "…"`), YAML block values, name/value pairs whose name decides
 * (`name: DB_PASSWORD` then `value: …`, `<add key="Password" value="…"/>`),
 * XML elements (`<apiToken>…</apiToken>`), command-line flags
 * (`--password X`, `curl -u user:X`), HTTP authorization headers, and the
 * values of Kubernetes Secret manifests (see `KubernetesSecret.ts`).
 *
 * Only names are found with regular expressions; values are scanned by hand,
 * and only after a sensitive name. The cost stays linear whatever the text:
 * a value is read once even when names keep starting inside it (an
 * unquoted value read before is not read again, a value is tested for code
 * on a bounded prefix), and every other look ahead or behind is bounded.
 */
import { commandPasswords } from "./CommandPasswords.js"
import { kubernetesSecretValues } from "./KubernetesSecret.js"
import { isPlaceholderValue } from "./Placeholders.js"
import { redactedPrefix } from "./Rules.js"
import { escapedLines, type Range, rawLines, yamlBlock } from "./YamlBlock.js"

/**
 * A key followed by its separator. The key starts at a word start (or right
 * after a JSON escape such as `\n`) and may be followed by a closing quote,
 * plain or escaped (`"`, `\"`, `'`), and a type name (`var token string = …`).
 */
const keySeparator = new RegExp(
  String.raw`(?:(?<=\\[nrt])|(?<![A-Za-z0-9_\\]))` +
    String.raw`([A-Za-z_][A-Za-z0-9_.\-]{0,80})` +
    String.raw`(\\*["'])?` +
    String.raw`(?:[ \t]+(?:string|String|str|&str))?` +
    String.raw`[ \t]*(===?|=>|:{1,3}=|[?.+]=|[:=,])[ \t]*`,
  "g"
)

/** An HTTP authorization scheme (or a similar marker) kept in front of the redacted credential. */
const authScheme =
  /(?:Bearer|Basic|Token|Digest|Bot|Api-Token|ApiKey|Apikey|SSWS|FlyV1|Key|bearer|basic|token)[ \t]+(?=[^\s"'])/y

/**
 * Values that are code or placeholders, not data: type names, null-ish
 * words, variable references (`$TOKEN`, `${TOKEN}`, `$1`, `$(cat f)`,
 * `{{ .Values.token }}`, `process.env.TOKEN`), calls (`getToken()`) and
 * placeholders (`<token>`, `[PASSWORD]`, `****`, `xxxx`), as in
 * `password: string` or `const token = getToken()` in a transcript.
 */
const codeValue =
  /(?:string|String|str|number|int|float|bool|boolean|bytes|None|null|nil|undefined|true|false|new|\$[A-Z_][A-Z0-9_]*|\$\{.*|\(.*|\/.*|async|function|await|\$\d|\$\(.*|\$?\{\{.*|process\.env\.[A-Za-z_][A-Za-z0-9_]*|[A-Za-z_$][\w$.]*\(.*|<[^<>]*>|\[[A-Za-z_ ]*\]|\*+|x+|X+)$/y

/**
 * How much of a value the code and placeholder tests read: a longer value is
 * data unless it starts like code (`$(`, `${`, `getToken(`…).
 */
const CODE_REACH = 200

/** The starts of `codeValue` that take any rest (`$(…`, `${…`, `(…`, `/…`, `{{…`, `getToken(…`). */
const codeStart = /(?:\$\{|\(|\/|\$\(|\$?\{\{|[A-Za-z_$][\w$.]{0,200}\()/y

/**
 * A URL: not a secret as a whole (an endpoint under `token_url`, a server
 * under `MONGO_NO_AUTH`); the password in its user info and the credentials
 * in its query are found by their own rules.
 */
const urlStart = /[A-Za-z][A-Za-z0-9+.-]{0,30}:\\?\/\\?\//y

const isUrl = (s: string, start: number): boolean => {
  urlStart.lastIndex = start
  return urlStart.test(s)
}

/** Whether the value `[start, end)` is code, a placeholder or a URL rather than data (reads at most `CODE_REACH`). */
const isCode = (s: string, start: number, end: number, isWord: (value: string) => boolean): boolean => {
  if (isUrl(s, start)) return true
  if (end - start > CODE_REACH) {
    codeStart.lastIndex = start
    return codeStart.test(s)
  }
  const value = s.slice(start, end)
  codeValue.lastIndex = 0
  return codeValue.test(value) || isWord(value)
}

/** Words after `token:` or `password:` in prose (`One token: a run of letters`), not values. */
const proseWords = new Set([
  "a", "an", "the", "is", "are", "was", "be", "to", "of", "for", "in", "on", "at", "with", "and", "or", "not", "no",
  "from", "by", "as", "it", "this", "that", "if", "when", "then", "see", "use", "none", "required", "optional",
  "missing", "invalid", "empty", "set", "unset", "yes"
])

const isProseWord = (value: string): boolean => proseWords.has(value)

/** A JSON literal that is not a string: never a secret. */
const jsonLiteral = /(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)(?![A-Za-z0-9_.])/y

const BACKSLASH = 92
const BACKTICK = 96

/** Characters ending an unquoted value. */
const endsUnquoted = (c: number, json: boolean): boolean =>
  c === 32 || // space
  c === 9 || // tab
  c === 10 ||
  c === 13 ||
  c === 34 || // "
  c === 39 || // '
  c === 44 || // ,
  c === 59 || // ;
  c === 38 || // &
  c === 60 || // <
  c === 41 || // )
  (json && (c === 125 || c === 93)) // } ]

/** After a backslash in an unquoted value: is it a JSON escape, which ends the value? */
const isEscapeLetter = (c: number): boolean =>
  c === 110 || // n
  c === 114 || // r
  c === 116 || // t
  c === 98 || // b
  c === 102 || // f
  c === 117 || // u
  c === 34 || // "
  c === 39 || // '
  c === BACKSLASH ||
  c === 47 // /


/** A constant or a column label (`"AGENT"`, `"SESSION_ID"`): in a list, not the value of the name before it. */
const label = /^[A-Z][A-Z0-9_ ]{0,40}$/

const isLabel = (s: string, from: number, to: number): boolean => to - from <= 41 && label.test(s.slice(from, to))

/** Whether the quoted value ending at `end` is a key: its closing quote is followed by `:`. */
const followedByColon = (s: string, end: number): boolean => {
  let i = end
  while (s.charCodeAt(i) === BACKSLASH) i++
  i++ // the closing quote
  while (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9) i++
  return s.charCodeAt(i) === 58
}

/** Whether a quote (after any backslashes) starts at `i`. */
const isQuote = (s: string, i: number): boolean => {
  while (s.charCodeAt(i) === BACKSLASH) i++
  const c = s.charCodeAt(i)
  return c === 34 || c === 39
}

/** The part of a quoted value to replace: all of it but an authorization scheme. */
const valueRange = (s: string, start: number, end: number): Range | undefined => {
  if (end <= start) return undefined
  authScheme.lastIndex = start
  const from = authScheme.test(s) && authScheme.lastIndex < end ? authScheme.lastIndex : start
  return [from, end]
}

/** A quoted value starting at `j` (the quote) after `t` backslashes: its range, escapes understood. */
const quotedValue = (s: string, j: number, t: number): Range | undefined => {
  const n = s.length
  const q = s.charCodeAt(j)
  // With `t` backslashes in the opening quote, the closing quote is a quote
  // after a run of `b` backslashes with `b % (2t + 2) === t` (t = 0: an even
  // run; t = 1: 1, 5, 9…); other runs are escaped quotes or escaped
  // backslashes of the value. The value also ends at a raw line break (but
  // for backticks) or at the end of the text.
  const start = j + 1
  let end = n
  let run = 0
  for (let k = start; k < n; k++) {
    const c = s.charCodeAt(k)
    if (c === BACKSLASH) {
      run++
      continue
    }
    if (c === q && run % (2 * t + 2) === t) {
      end = k - t
      break
    }
    if ((c === 10 || c === 13) && q !== BACKTICK) {
      end = k
      break
    }
    run = 0
  }
  return valueRange(s, start, end)
}

/**
 * The unquoted value read last: a value starting inside it ends where it
 * ended (the scan is the same from any position it went through), so it is
 * not read again.
 */
interface LastRead {
  from: number
  to: number
  json: boolean
}

/** Where the unquoted value starting at `start` ends. */
const unquotedEnd = (s: string, start: number, json: boolean, last: LastRead | undefined): number => {
  if (
    last !== undefined && last.json === json && start > last.from && start < last.to &&
    s.charCodeAt(start - 1) !== BACKSLASH
  ) return last.to
  const n = s.length
  let k = start
  while (k < n) {
    const c = s.charCodeAt(k)
    if (c === BACKSLASH) {
      if (k + 1 >= n || isEscapeLetter(s.charCodeAt(k + 1))) break
      k += 2
      continue
    }
    if (endsUnquoted(c, json)) break
    k++
  }
  const end = Math.min(k, n)
  if (last !== undefined) {
    last.from = start
    last.to = end
    last.json = json
  }
  return end
}

/**
 * Where the value starting at `i` ends, as `[start, end)` of the part to
 * replace, or `undefined` when there is nothing to redact.
 */
const scanValue = (s: string, i: number, json: boolean, last?: LastRead): Range | undefined => {
  const n = s.length
  let j = i
  while (j < n && s.charCodeAt(j) === BACKSLASH) j++
  const q = s.charCodeAt(j)
  if (q === 34 || q === 39 || (q === BACKTICK && j === i)) return quotedValue(s, j, j - i)
  if (j > i) return undefined // an escape such as `\n`: no value on this line
  if (i >= n) return undefined
  const first = s.charCodeAt(i)
  if (first === 123 || first === 91) return undefined // `{` or `[`: a structure, not a value
  if (json) {
    jsonLiteral.lastIndex = i
    if (jsonLiteral.test(s)) return undefined
  }
  let k = i
  authScheme.lastIndex = i
  if (authScheme.test(s)) k = authScheme.lastIndex
  const start = k
  const end = unquotedEnd(s, start, json, last)
  if (end <= start || isCode(s, start, end, isProseWord)) return undefined
  return [start, end]
}

/** The spaces before position `i` when they follow an escaped line break (`\n  key:`), else 0. */
const escapedIndent = (s: string, i: number): number => {
  let k = i
  while (k > 0 && s.charCodeAt(k - 1) === 32 && i - k < 200) k--
  return k >= 2 && s.charCodeAt(k - 2) === BACKSLASH && s.charCodeAt(k - 1) === 110 ? i - k : 0
}

/** Names of the name field of a name/value pair (`{ name: "DB_PASSWORD", value: "…" }`). */
const pairNames = new Set(["name", "Name", "NAME", "key", "Key", "KEY", "header", "Header", "field", "variable"])
/** Names of the value field of a name/value pair. */
const pairValues = new Set(["value", "Value", "VALUE", "values", "val", "content"])
/** How far after a sensitive name its value field may be found. */
const PAIR_REACH = 300
/** The longest name of a name/value pair that is read. */
const NAME_REACH = 120

type Sensitive = (key: string) => boolean

/** Every key: the entries of a block whose values are all secret. */
const always: Sensitive = () => true
type Edit = (from: number, to: number) => void

/** Values after sensitive keys (and values of name/value pairs with a sensitive name). */
const keyValues = (s: string, isSensitive: Sensitive, edit: Edit): void => {
  if (s.indexOf(":") === -1 && s.indexOf("=") === -1 && s.indexOf(",") === -1) return
  keySeparator.lastIndex = 0
  let pairUntil = -1
  const last: LastRead = { from: 0, to: 0, json: false }
  // The indentation of the current line, found moving forward only (linear).
  let lineStart = 0
  let lineIndent = -1
  let nextLine = s.indexOf("\n")
  const indentOf = (i: number): number => {
    while (nextLine !== -1 && nextLine < i) {
      lineStart = nextLine + 1
      lineIndent = -1
      nextLine = s.indexOf("\n", lineStart)
    }
    if (lineIndent === -1) {
      lineIndent = 0
      while (s.charCodeAt(lineStart + lineIndent) === 32) lineIndent++
    }
    return lineIndent
  }
  let m: RegExpExecArray | null
  while ((m = keySeparator.exec(s)) !== null) {
    const key = m[1]!
    if (key === "REDACTED") continue
    const valueStart = keySeparator.lastIndex
    // `"NAME", "value"` (a call or a tuple) only with a quoted name and a quoted value
    if (m[3] === "," && (m[2] === undefined || !isQuote(s, valueStart))) continue
    const json = m[2] !== undefined && (m[3] === ":" || m[3] === ",")
    const sensitive = isSensitive(key) || (pairValues.has(key) && m.index <= pairUntil)
    if (!sensitive) {
      if (pairNames.has(key)) {
        const head = s.slice(valueStart, valueStart + NAME_REACH)
        const named = scanValue(head, 0, json)
        if (named !== undefined && isSensitive(head.slice(named[0], named[1]))) pairUntil = valueStart + named[1] + PAIR_REACH
      }
      continue
    }
    const yaml = !json && m[3] === ":" && m[2] === undefined
    const range = (yaml
      ? yamlBlock(s, valueStart, escapedIndent(s, m.index), escapedLines) ??
        yamlBlock(s, valueStart, indentOf(m.index), rawLines)
      : undefined) ??
      scanValue(s, valueStart, json, last)
    if (range === undefined) continue
    if (m[3] === "," && (followedByColon(s, range[1]) || isLabel(s, range[0], range[1]))) continue
    const [from, to] = range
    if (!s.startsWith(redactedPrefix, from) && !isUrl(s, from)) edit(from, to)
    keySeparator.lastIndex = Math.max(to, valueStart)
  }
  keySeparator.lastIndex = 0
}

/** A command-line flag followed by a space-separated value: `--password X`, `-u user:X`. */
const flag = /(?<![A-Za-z0-9_-])(?:--?([A-Za-z][A-Za-z0-9_-]{0,60}))[ \t]+(?=[^\s-])/g
/** Passwords in examples, not secrets. */
const placeholderWords = new Set(["pass", "password", "passwd", "pwd", "token", "test", "secret", "changeme", "changeit", "yyy", "xxx"])
const isPlaceholderWord = (value: string): boolean => placeholderWords.has(value.toLowerCase())
/** Flags whose value is `user:password` (curl, wget, httpie). */
const userFlags = new Set(["u", "user", "proxy-user", "U", "auth", "a"])

/** The quote, with the backslashes escaping it, that opens the quoted value starting at `from`, or `undefined`. */
const openingQuote = (s: string, from: number): string | undefined => {
  const q = s.charCodeAt(from - 1)
  if (q !== 34 && q !== 39) return undefined
  let k = from - 1
  while (k > 0 && s.charCodeAt(k - 1) === BACKSLASH && from - k < 16) k--
  return s.slice(k, from)
}

/** The first `c` in `[from, to)`, or -1. */
const indexWithin = (s: string, c: number, from: number, to: number): number => {
  for (let k = from; k < to; k++) if (s.charCodeAt(k) === c) return k
  return -1
}

const flags = (s: string, isSensitive: Sensitive, edit: Edit): void => {
  if (s.indexOf("-") === -1) return
  const last: LastRead = { from: 0, to: 0, json: false }
  flag.lastIndex = 0
  let m: RegExpExecArray | null
  while ((m = flag.exec(s)) !== null) {
    const name = m[1]!
    const user = userFlags.has(name)
    if (!user && !isSensitive(name)) continue
    const range = scanValue(s, flag.lastIndex, false, last)
    if (range === undefined) continue
    let [from, to] = range
    if (user) {
      const colon = indexWithin(s, 58, from, to)
      if (colon !== -1) {
        // `user:password`; with nothing after the colon, the user part is the secret
        if (colon + 1 < to) from = colon + 1
        else to = colon
      } else {
        // `"user":"password"` (or `\"user\":\"password\"`): the password's own quotes
        const open = openingQuote(s, from)
        if (open === undefined || !s.startsWith(open, to) || s.charCodeAt(to + open.length) !== 58 || !s.startsWith(open, to + open.length + 1)) continue
        const inner = quotedValue(s, to + 2 * open.length, open.length - 1)
        if (inner === undefined) continue
        ;[from, to] = inner
      }
      if (isCode(s, from, to, isPlaceholderWord)) continue
    }
    if (to > from && !s.startsWith(redactedPrefix, from)) edit(from, to)
    flag.lastIndex = Math.max(to, flag.lastIndex)
  }
  flag.lastIndex = 0
}

/** An XML start tag; its name decides whether the element's text is a secret. */
const xmlTag = /<([A-Za-z_][A-Za-z0-9_.:-]{0,80})(?:[ \t][^<>]{0,500})?>/g

const xmlElements = (s: string, isSensitive: Sensitive, edit: Edit): void => {
  if (s.indexOf("</") === -1) return
  xmlTag.lastIndex = 0
  let m: RegExpExecArray | null
  while ((m = xmlTag.exec(s)) !== null) {
    const name = m[1]!
    if (!isSensitive(name)) continue
    const open = xmlTag.lastIndex
    const close = s.indexOf("<", open)
    if (close === -1) break
    let from = open
    let to = close
    while (from < to && /\s/.test(s[from]!)) from++
    while (to > from && /\s/.test(s[to - 1]!)) to--
    if (to > from && !s.startsWith(redactedPrefix, from)) edit(from, to)
    xmlTag.lastIndex = close
  }
  xmlTag.lastIndex = 0
}

/** The longest value tested for a run of one character; a longer one is redacted. */
const PLACEHOLDER_REACH = 512

/**
 * Whether a value named secret is a placeholder rather than a secret: one
 * character repeated over at least nine tenths of it (`SUMO_ACCESS_KEY=xxxx…`),
 * or any of the placeholders and references of `Placeholders.ts`.
 */
const isPlaceholder = (s: string, from: number, to: number, isSensitive: Sensitive): boolean => {
  if (isPlaceholderValue(s, from, to, isSensitive)) return true
  // Bounded: a placeholder is skipped without moving past it, so the values nested in it are read too.
  if (to - from < 8 || to - from > PLACEHOLDER_REACH) return false
  const value = s.slice(from, to)
  let best = 1
  let run = 1
  for (let i = 1; i < value.length; i++) {
    run = value.charCodeAt(i) === value.charCodeAt(i - 1) ? run + 1 : 1
    if (run > best) best = run
  }
  return best * 10 >= value.length * 9
}

/**
 * Replaces the values named sensitive in `s` by `replacement(value)`;
 * returns `s` itself when there is none. `kept` tells the values a pattern
 * rule found and left as placeholders of its format: they are left here too.
 */
export const redactTextPairs = (
  s: string,
  isSensitive: Sensitive,
  replacement: (secret: string) => string,
  kept: (value: string) => boolean = () => false
): string => {
  const edits: Array<Range> = []
  const edit: Edit = (from, to) => {
    edits.push([from, to])
  }
  keyValues(s, isSensitive, edit)
  kubernetesSecretValues(s, (block, blockEdit) => keyValues(block, always, blockEdit), edit)
  flags(s, isSensitive, edit)
  commandPasswords(s, (text, start) => scanValue(text, start, false), edit)
  xmlElements(s, isSensitive, edit)
  if (edits.length === 0) return s
  edits.sort((a, b) => a[0] - b[0] || b[1] - a[1])
  let out = ""
  let last = 0
  for (const [from, to] of edits) {
    if (from < last) {
      last = Math.max(last, to)
      continue
    }
    if (isPlaceholder(s, from, to, isSensitive) || (to - from <= PLACEHOLDER_REACH && kept(s.slice(from, to)))) continue
    out += s.slice(last, from) + replacement(s.slice(from, to))
    last = to
  }
  return out + s.slice(last)
}

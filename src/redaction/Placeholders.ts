/**
 * Values that stand in for a secret rather than being one, told apart as the
 * secret scanners do: gitleaks' global allowlist (config/gitleaks.toml
 * `[allowlist]`: null-ish words, one letter repeated, `$VAR`, `${VAR}`,
 * `{{ x }}`, `${{ secrets.X }}`, `%VAR%`, format verbs, `@VAR@`, system
 * paths; its stopwords) and its per-rule Shannon entropy thresholds, and the
 * placeholders secretlint's rules leave out (template variables, runs of one
 * character, placeholder words), and the example values gitleaks ships. To these: fillers typed by hand, written in a
 * credential's format (`EXAMPLE`, runs of `x`, `abc123`-style sequences, one
 * chunk repeated), and references to a secret kept elsewhere (`var.db_password`,
 * `$(cmd)`, a backtick command, `<your-token>`, an environment lookup).
 *
 * Every test reads a bounded part of the value, once: a value is only tested
 * after a rule or a sensitive name found it.
 */

/** Shannon entropy of `s`, in bits per character (gitleaks' `entropy` of a rule's secret). */
export const shannonEntropy = (s: string): number => {
  if (s.length === 0) return 0
  const counts = new Map<number, number>()
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    counts.set(c, (counts.get(c) ?? 0) + 1)
  }
  let bits = 0
  for (const n of counts.values()) {
    const p = n / s.length
    bits -= p * Math.log2(p)
  }
  return bits
}

/** `source` with every letter outside a class or an escape matching both cases (`true` → `[tT][rR][uU][eE]`). */
const caseless = (source: string): string => {
  let out = ""
  let inClass = false
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!
    if (c === "\\") {
      out += c + (source[i + 1] ?? "")
      i++
      continue
    }
    if (c === "[") inClass = true
    if (c === "]") inClass = false
    out += !inClass && /[a-z]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c
  }
  return out
}

/** gitleaks' global allowlist: a secret matching one of these is not reported (config/gitleaks.toml `[allowlist] regexes`). */
const gitleaksAllowlist: ReadonlyArray<RegExp> = [
  /^(?:true|false|null)$/i,
  /^(?:a+|b+|c+|d+|e+|f+|g+|h+|i+|j+|k+|l+|m+|n+|o+|p+|q+|r+|s+|t+|u+|v+|w+|x+|y+|z+|\*+|\.+)$/i,
  /^\$(?:\d+|\{\d+\})$/,
  /^\$(?:[A-Z_]+|[a-z_]+)$/,
  /^\$\{(?:[A-Z_]+|[a-z_]+)\}$/,
  /^\{\{[ \t]*[\w ().|]+[ \t]*\}\}$/,
  /^\$\{\{[ \t]*(?:(?:env|github|secrets|vars)(?:\.[A-Za-z]\w+)+[\w "'&./=|]*)[ \t]*\}\}$/,
  /^%(?:[A-Z_]+|[a-z_]+)%$/,
  /^%[+\-# 0]?[bcdeEfFgGoOpqstTUvxX]$/,
  /^\{\d{0,2}\}$/,
  /^@(?:[A-Z_]+|[a-z_]+)@$/,
  /^\/Users\/[A-Za-z0-9]+\/[\w .\-/]+$/,
  /^\/(?:bin|etc|home|opt|tmp|usr|var)\/[\w ./-]+$/
]

/**
 * Public values gitleaks ships as known not to be secrets: its global
 * stopwords and the key-shaped stopwords of its generic-api-key rule
 * (config/gitleaks.toml); a secret holding one is not reported.
 */
const gitleaksKnownPublic: ReadonlyArray<string> = [
  "014df517-39d1-4453-b7b3-9930c563627c",
  "abcdefghijklmnopqrstuvwxyz",
  "6fe4476ee5a1832882e326b506d14126"
]

/**
 * Example passwords gitleaks ships in a rule's allowlist (config/gitleaks.toml,
 * nuget-config-password): values published in documentation, not secrets.
 */
const gitleaksKnownExamples = new Set(["33f!!lloppa", "hal+9ooo_da!sY"])

/** The allowlist as one pattern: one test per secret. */
const gitleaksAllowPattern = new RegExp(gitleaksAllowlist.map((re) => re.flags.includes("i") ? caseless(re.source) : re.source).join("|"))

/** Whether gitleaks' global allowlist or stopwords leave `secret` out. */
export const gitleaksAllowed = (secret: string): boolean => {
  if (secret.length > 1000) return false
  if (gitleaksAllowPattern.test(secret)) return true
  const lower = secret.toLowerCase()
  return gitleaksKnownPublic.some((w) => lower.includes(w))
}

/** Words that mark a value as an example or a stand-in (`AKIA…EXAMPLE`, `not_a_real_token`, `PUT_YOUR_TOKEN_HERE`, `DUMMY`). */
const markerWords =
  /example|dummy|fake|placeholder|sample|changeme|change[-_]me|redacted|not[-_ ]?a[-_ ]?real|your[-_ ]|put[-_ ]?your|replace[-_ ]?(?:me|with|this)|[-_ ]here$|^here[-_ ]/i

/** `…TokenHere`, `…KeyHere`: a description of the value in its place. */
const hereSuffix = /[a-z]Here$/

/** The longest run of one character; with `only`, of one of the characters `only` holds. */
const longestRun = (s: string, only?: string): number => {
  let best = 0
  let run = 0
  for (let i = 0; i < s.length; i++) {
    if (only !== undefined && !only.includes(s[i]!)) {
      run = 0
      continue
    }
    run = i > 0 && run > 0 && s.charCodeAt(i) === s.charCodeAt(i - 1) ? run + 1 : 1
    if (run > best) best = run
  }
  return best
}

/** Characters typed to hold the place of a secret's characters (`xxxx`, `XXXX`, `****`, `####`, `....`, `0000`). */
const placeholderCharacters = "xX*#.0"

/** The code of `c` with letters folded to lower case, for sequences such as `AbCdEf`. */
const folded = (c: number): number => (c >= 65 && c <= 90 ? c + 32 : c)

/** Whether `c` comes right after `before` in a typed sequence (`a` `b`, `B` `c`, `9` `0` as on a keyboard's top row). */
const follows = (before: number, c: number): boolean => folded(c) === folded(before) + 1 || (before === 57 && c === 48)

/**
 * Sequential fillers: a run of at least six characters each following the
 * one before (`abcdef`, `1234567890`, `klmnopqrstuvwx`), or, with `whole`, a
 * value made only of such runs of at least three (`abc123`, `AbCeFG123`).
 */
const isSequential = (s: string, whole: boolean): boolean => {
  let run = 1
  let covered = 0
  let longest = 1
  for (let i = 1; i <= s.length; i++) {
    if (i < s.length && follows(s.charCodeAt(i - 1), s.charCodeAt(i))) {
      run++
      continue
    }
    if (run >= 3) covered += run
    if (run > longest) longest = run
    run = 1
  }
  return whole ? s.length >= 3 && covered === s.length : longest >= 6 || covered === s.length
}

/** One chunk of four characters written at least three times (`1234-1234-1234`, `EXAMPLEEXAMPLE…`, `FakeFakeFake`). */
const hasRepeatedChunk = (s: string): boolean => {
  if (s.length < 12) return false
  const seen = new Map<string, number>()
  const end = Math.min(s.length, 512) - 4
  for (let i = 0; i <= end; i++) {
    const chunk = s.slice(i, i + 4)
    const n = (seen.get(chunk) ?? 0) + 1
    if (n >= 3) return true
    seen.set(chunk, n)
  }
  return false
}

/**
 * A filler typed by hand in a credential's format: a marker word
 * (`EXAMPLE`, `dummy`, `your_…`), a run of six or more of one character
 * (`xxxxxx`, `######`, `000000`), a sequence (`abcdef`, `abc123`), or a
 * chunk repeated three times. Random key material has none of these.
 */
export const isFiller = (s: string): boolean =>
  markerWords.test(s) || hereSuffix.test(s) || longestRun(s) >= 6 || isSequential(s, false) || hasRepeatedChunk(s)

/**
 * A filler under a name that says the value is secret: a marker word, a run
 * of six or more placeholder characters (`xxxxxx`, `******`, `######`,
 * `000000`), or nothing but short sequences (`abc123`). Not a run of other
 * letters, a long sequence or a repeated chunk: credentials in their real
 * format have those (a Twitter bearer token starts with 22 `A`s) and so do
 * the fakes gitleaks' own tests count as findings (`12345678-ABCD-ABCD-…`).
 */
const isValueFiller = (s: string): boolean =>
  markerWords.test(s) || hereSuffix.test(s) || longestRun(s, placeholderCharacters) >= 6 ||
  isSequential(s.replace(credentialPrefix, ""), true)

/** A credential's prefix (`xoxp-`, `sk_`), left out when a value is tested for a sequence (`xoxp-1234567890`). */
const credentialPrefix = /^[A-Za-z]{2,8}[-_]/

/** Words whose sole use as a value makes it a placeholder (secretlint's placeholder passwords, metasyntactic names). */
const placeholderWords = new Set([
  "password", "passwd", "pass", "pwd", "secret", "token", "key", "api", "root", "admin", "user", "username", "test",
  "my", "your", "foo", "bar", "baz", "qux", "none", "null", "value", "string", "default"
])

/** Whether `s` (lower case) is placeholder words and separators only (`foo`, `my_password`, `test-token`; not `rootpasswd` or `MyPassword123`). */
const onlyPlaceholderWords = (s: string): boolean => {
  const words = s.split(/[-_. ]+/)
  return words.length <= 4 && words.every((w) => placeholderWords.has(w))
}

/**
 * Template variables and references to a secret kept elsewhere: `${X}`,
 * `{{x}}`, `%X%`, `$(cmd)`, `$X` (`$ecret1` is a password), `$1`, `<your-token>` (or an unclosed tag),
 * `{…}`, Terraform and CI references (`var.db_password`,
 * `secrets.TOKEN`), environment lookups (`process.env.X`, `os.environ[…]`,
 * `os.getenv(…)`, `ENV[…]`), and SOPS-encrypted values (`ENC[AES256_GCM,…`).
 */
const reference =
  /^(?:\$\{|\{\{|\$\(|\$(?:\d|\{|[A-Z_][A-Z0-9_]*$|[a-z_]+$)|%[^%\s]+%$|<[^\s<>]|\{[^{}]*[\s(]|\{[a-z_]+\}$|(?:var|local|data|module|each|self|secrets|vars|env|inputs|steps|needs|matrix|github)\.[A-Za-z_][\w.-]*$|process\.env\b|os\.environ\b|os\.getenv\b|System\.getenv\b|ENV\[|ENC\[[A-Z0-9_]+(?:,|$))/

/** A key name standing where its value would be: `ACCESS_TOKEN`, `api-key`, `token:`, `telegram_api_token =`. */
const keyNameValue = (value: string, isSensitiveName: (name: string) => boolean): boolean => {
  if (/^[A-Za-z_][\w.-]{0,80}(?::|[ \t]+=)$/.test(value)) return true
  return (/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(value) || /^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)+$/.test(value)) && isSensitiveName(value)
}

/**
 * Whether the value `[from, to)` of `s`, found after a sensitive name, is a
 * placeholder or a reference rather than a secret. Reads at most 512
 * characters of it.
 */
export const isPlaceholderValue = (
  s: string,
  from: number,
  to: number,
  isSensitiveName: (name: string) => boolean
): boolean => {
  const value = s.slice(from, Math.min(to, from + 512))
  if (value.length < 4) return true
  // a command between backticks (`etcdctl get /x`): its output is the secret, not its text
  if (s.charCodeAt(from - 1) === 96 && s.charCodeAt(to) === 96 && value.includes(" ")) return true
  if (reference.test(value) || gitleaksAllowed(value) || gitleaksKnownExamples.has(value)) return true
  if (value.includes("...") || value.includes("\u2026")) return true
  if (isValueFiller(value) || keyNameValue(value.trim(), isSensitiveName)) return true
  return /^[A-Za-z][A-Za-z_. -]*$/.test(value) && onlyPlaceholderWords(value.toLowerCase())
}

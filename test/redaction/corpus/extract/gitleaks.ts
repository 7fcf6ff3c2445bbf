/**
 * Writes `gitleaks.json`: the true and false samples that gitleaks' own rule
 * tests validate (the `tps` / `fps` of `cmd/generate/config/rules/*.go`),
 * with the secret each true sample holds.
 *
 * Usage: `node --import tsx test/redaction/corpus/extract/gitleaks.ts <gitleaks git directory>`
 * (a clone, bare or not; its `HEAD` is read).
 *
 * The rule files are Go; this reads the small part of Go they use to build
 * their samples (string literals, `+`, `[]string{...}`, `append`,
 * `utils.GenerateSampleSecrets`, `secrets.NewSecret` and the `utils` pattern
 * helpers). A generated secret is drawn with a seeded generator, so a run
 * writes the same file. The secret of a literal sample is what gitleaks'
 * own regex (from `config/gitleaks.toml`) captures in it.
 */
import { execFileSync } from "node:child_process"
import { writeFileSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { sampleRegex, seeded } from "./regexSample.js"
import { goRegex } from "./goRegex.js"

const checkout = process.argv[2]
if (checkout === undefined) throw new Error("usage: gitleaks.ts <gitleaks checkout>")
const random = seeded(20260722)

type Token = { readonly t: "str" | "id" | "num" | "p"; readonly v: string }

const tokenize = (src: string): Array<Token> => {
  const out: Array<Token> = []
  let i = 0
  while (i < src.length) {
    const c = src[i]!
    if (/\s/.test(c)) {
      i++
    } else if (src.startsWith("//", i)) {
      i = src.indexOf("\n", i) === -1 ? src.length : src.indexOf("\n", i)
    } else if (src.startsWith("/*", i)) {
      i = src.indexOf("*/", i) + 2
    } else if (c === "`") {
      const end = src.indexOf("`", i + 1)
      out.push({ t: "str", v: src.slice(i + 1, end) })
      i = end + 1
    } else if (c === '"' || c === "'") {
      let j = i + 1
      let v = ""
      while (src[j] !== c) {
        if (src[j] === "\\") {
          const e = src[j + 1]!
          const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", '"': '"', "'": "'", "\\": "\\", "0": "\0" }
          if (e === "x") {
            v += String.fromCharCode(parseInt(src.slice(j + 2, j + 4), 16))
            j += 4
          } else if (e === "u") {
            v += String.fromCharCode(parseInt(src.slice(j + 2, j + 6), 16))
            j += 6
          } else {
            v += simple[e] ?? e
            j += 2
          }
        } else {
          v += src[j]
          j++
        }
      }
      out.push({ t: c === '"' ? "str" : "num", v })
      i = j + 1
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(src.slice(i, i + 200))!
      out.push({ t: "id", v: m[0] })
      i += m[0].length
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9.]+/.exec(src.slice(i, i + 50))!
      out.push({ t: "num", v: m[0] })
      i += m[0].length
    } else if (src.startsWith(":=", i) || src.startsWith("...", i)) {
      const v = src.startsWith(":=", i) ? ":=" : "..."
      out.push({ t: "p", v })
      i += v.length
    } else {
      out.push({ t: "p", v: c })
      i++
    }
  }
  return out
}

interface Str {
  readonly s: string
  readonly secret?: string | undefined
}
type Value = Str | ReadonlyArray<Str> | "unknown"

const isSpread = (v: Value | { spread: Value }): v is { spread: Value } => typeof v === "object" && "spread" in v
const isStr = (v: Value): v is Str => typeof v === "object" && !Array.isArray(v)
const isList = (v: Value): v is ReadonlyArray<Str> => Array.isArray(v)

const patternHelpers: Record<string, (n: string) => string> = {
  "utils.Numeric": (n) => `[0-9]{${n}}`,
  "utils.Hex": (n) => `[a-f0-9]{${n}}`,
  "utils.AlphaNumeric": (n) => `[a-z0-9]{${n}}`,
  "utils.AlphaNumericExtendedShort": (n) => `[a-z0-9_-]{${n}}`,
  "utils.AlphaNumericExtended": (n) => `[a-z0-9=_\\-]{${n}}`,
  "utils.AlphaNumericExtendedLong": (n) => `[a-z0-9\\/=_\\+\\-]{${n}}`
}

/** gitleaks' `utils.GenerateSampleSecrets` templates, in the order of its source. */
const sampleTemplates = [
  '{i}Token="{s}"',
  '{i}Token = "{s}"',
  "{i}Token={s}",
  "{i}Token = {s}",
  '{\n    "{i}_token": "{s}"\n}',
  '{"config.ini": "{I}_TOKEN={s}\\nBACKUP_ENABLED=true"}',
  "<{i}Token>\n    {s}\n</{i}Token>",
  "{i}_token: {s}",
  "{i}_token: '{s}'",
  '{i}_token: "{s}"',
  'string {i}Token = "{s}";',
  'var {i}Token string = "{s}"',
  '{i}Token := "{s}"',
  "{i}Token := `{s}`",
  'String {i}Token = "{s}";',
  'var {i}Token = "{s}"',
  '${i}Token .= "{s}"',
  "{i}Token = '{s}'",
  '{i}Token = "{s}"',
  'System.setProperty("{I}_TOKEN", "{s}")',
  '  "{i}Token" => "{s}"',
  '{i}_TOKEN = "{s}"',
  '{i}_TOKEN := "{s}"',
  '{i}_TOKEN ::= "{s}"',
  '{i}_TOKEN :::= "{s}"',
  '{i}_TOKEN ?= "{s}"'
]

const sampleSecrets = (id: string, secret: string): Array<Str> =>
  sampleTemplates.map((t) => ({
    s: t.replaceAll("{i}", id).replaceAll("{I}", id.toUpperCase()).replaceAll("{s}", secret),
    secret
  }))

class Parser {
  i = 0
  constructor(readonly tokens: ReadonlyArray<Token>, readonly env: Map<string, Value>) {}
  peek(k = 0): Token | undefined {
    return this.tokens[this.i + k]
  }
  eat(v: string): void {
    if (this.peek()?.v !== v) throw new Error(`expected ${v} got ${this.peek()?.v}`)
    this.i++
  }
  expr(): Value {
    let left = this.primary()
    while (this.peek()?.v === "+" && this.peek(1)?.v !== "+") {
      this.i++
      const right = this.primary()
      left = isStr(left) && isStr(right) ? { s: left.s + right.s, secret: left.secret ?? right.secret } : "unknown"
    }
    return left
  }
  elements(close: string): Array<Value | { spread: Value }> {
    const out: Array<Value | { spread: Value }> = []
    while (this.peek()?.v !== close) {
      if (this.peek() === undefined) throw new Error("end")
      let v = this.expr()
      if (this.peek()?.v === ":") {
        this.i++
        v = this.expr()
      }
      if (this.peek()?.v === "...") {
        this.i++
        out.push({ spread: v })
      } else out.push(v)
      if (this.peek()?.v === ",") this.i++
    }
    this.eat(close)
    return out
  }
  primary(): Value {
    const tok = this.peek()
    if (tok === undefined) throw new Error("end")
    this.i++
    if (tok.t === "str") return { s: tok.v }
    if (tok.t === "num") return { s: tok.v }
    if (tok.v === "(") {
      const v = this.expr()
      this.eat(")")
      return v
    }
    if (tok.v === "&") return this.primary()
    if (tok.v === "[" || tok.v === "map") {
      // []T{...} or map[K]V{...}
      while (this.peek() !== undefined && this.peek()?.v !== "{") this.i++
      this.i++
      return flatten(this.elements("}"))
    }
    if (tok.t === "id") {
      if (this.peek()?.v === "{") {
        this.i++
        this.elements("}")
        return "unknown"
      }
      if (this.peek()?.v !== "(") return this.env.get(tok.v) ?? "unknown"
      this.i++
      const args = this.elements(")")
      return call(tok.v, args)
    }
    throw new Error(`unexpected ${tok.v}`)
  }
}

const flatten = (items: ReadonlyArray<Value | { spread: Value }>): Value => {
  const out: Array<Str> = []
  for (const item of items) {
    const v = isSpread(item) ? item.spread : item
    if (isList(v)) out.push(...v)
    else if (isStr(v)) out.push(v)
    else out.push({ s: "\u0000unknown" })
  }
  return out
}

const call = (name: string, args: ReadonlyArray<Value | { spread: Value }>): Value => {
  const plain = args.map((a) => (isSpread(a) ? a.spread : a))
  const str = (k: number): string | undefined => {
    const v = plain[k]
    return v !== undefined && isStr(v) ? v.s : undefined
  }
  if (name === "append") {
    const [first, ...rest] = args
    if (first === undefined || isSpread(first) || !isList(first)) return "unknown"
    return flatten([{ spread: first }, ...rest])
  }
  const helper = patternHelpers[name]
  if (helper !== undefined) return str(0) === undefined ? "unknown" : { s: helper(str(0)!) }
  if (name === "utils.Hex8_4_4_4_12") return { s: "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}" }
  if (name === "secrets.NewSecret") {
    const re = str(0)
    if (re === undefined) return "unknown"
    const s = sampleRegex(re, random)
    return { s, secret: s }
  }
  if (name === "utils.GenerateSampleSecrets" || name === "utils.GenerateSampleSecret") {
    const id = str(0)
    const secret = str(1)
    if (id === undefined || secret === undefined) return "unknown"
    if (name === "utils.GenerateSampleSecret") return { s: `${id}_api_token = "${secret}"`, secret }
    return sampleSecrets(id, secret)
  }
  if (name === "strings.ToUpper" && str(0) !== undefined) return { s: str(0)!.toUpperCase() }
  if (name === "strings.ToLower" && str(0) !== undefined) return { s: str(0)!.toLowerCase() }
  if (name === "strings.Repeat" && str(0) !== undefined) return { s: str(0)!.repeat(Number(str(1))) }
  if (name === "fmt.Sprintf" && plain.every((p) => isStr(p))) {
    let k = 1
    const secret = plain.map((p) => (isStr(p) ? p.secret : undefined)).find((s) => s !== undefined)
    return { s: str(0)!.replace(/%[sdv]/g, () => str(k++) ?? ""), secret }
  }
  return "unknown"
}

interface Rule {
  readonly id: string
  readonly regex: RegExp | undefined
  readonly secretGroup: number
}

const readRules = (toml: string): Map<string, Rule> => {
  const rules = new Map<string, Rule>()
  for (const block of toml.split(/^\[\[rules\]\]$/m).slice(1)) {
    const own = block.split(/^\[\[rules\./m)[0]!
    const id = /^id = "([^"]+)"/m.exec(own)?.[1]
    if (id === undefined) continue
    const source = /^regex = '''(.*?)'''/ms.exec(own)?.[1] ?? /^regex = "((?:[^"\\]|\\.)*)"/m.exec(own)?.[1]
    const group = Number(/^secretGroup = (\d+)/m.exec(own)?.[1] ?? 0)
    rules.set(id, { id, regex: source === undefined ? undefined : goRegex(source), secretGroup: group })
  }
  return rules
}

/** What gitleaks reports as the secret of a match: the secret group, else the first non-empty group, else the match. */
const secretOf = (rule: Rule | undefined, text: string): string | undefined => {
  if (rule?.regex === undefined) return undefined
  const m = rule.regex.exec(text)
  if (m === null) return undefined
  if (rule.secretGroup > 0) return m[rule.secretGroup]
  return m.slice(1).find((g) => g !== undefined && g !== "") ?? m[0]
}

const git = (...args: ReadonlyArray<string>) => execFileSync("git", ["-C", checkout, ...args], { encoding: "utf8" }).trim()
const commit = git("rev-parse", "HEAD")
const show = (file: string) => execFileSync("git", ["-C", checkout, "show", `HEAD:${file}`], { encoding: "utf8", maxBuffer: 1 << 26 })
const rulesDir = "cmd/generate/config/rules"
const rules = readRules(show("config/gitleaks.toml"))

interface Sample {
  readonly rule: string
  readonly file: string
  readonly kind: "true" | "false"
  readonly text: string
  readonly secret?: string
}

const samples: Array<Sample> = []
const skipped: Array<string> = []

for (const file of git("ls-tree", "--name-only", "HEAD", `${rulesDir}/`).split("\n").filter((f) => f.endsWith(".go")).map((f) => path.basename(f)).sort()) {
  const tokens = tokenize(show(`${rulesDir}/${file}`))
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.v !== "func" || tokens[i + 1]?.t !== "id" || tokens[i + 2]?.v !== "(") continue
    let j = i
    while (tokens[j]!.v !== "{") j++
    let depth = 0
    const start = j
    for (; j < tokens.length; j++) {
      if (tokens[j]!.v === "{") depth++
      if (tokens[j]!.v === "}" && --depth === 0) break
    }
    const body = tokens.slice(start + 1, j)
    const ruleIdAt = body.findIndex((t, k) => t.v === "RuleID" && body[k + 1]?.v === ":" && body[k + 2]?.t === "str")
    const ruleId = ruleIdAt === -1 ? tokens[i + 1]!.v : body[ruleIdAt + 2]!.v
    const env = new Map<string, Value>()
    for (let k = 0; k < body.length; k++) {
      const name = body[k]!
      const op = body[k + 1]?.v
      if (name.t !== "id" || (op !== ":=" && op !== "=") || body[k - 1]?.v === "," || body[k - 1]?.v === ".") continue
      const parser = new Parser(body.slice(k + 2), env)
      try {
        env.set(name.v, parser.expr())
        k += 1 + parser.i
      } catch {
        env.delete(name.v)
      }
    }
    for (const [kind, key] of [["true", "tps"], ["false", "fps"]] as const) {
      const list = env.get(key)
      if (list === undefined) continue
      if (!isList(list)) {
        skipped.push(`${file} ${ruleId} ${key}: not evaluated`)
        continue
      }
      for (const item of list) {
        if (item.s.includes("\u0000unknown")) {
          skipped.push(`${file} ${ruleId} ${key}: an element not evaluated`)
          continue
        }
        if (kind === "false") {
          samples.push({ rule: ruleId, file, kind, text: item.s })
          continue
        }
        const secret = item.secret ?? secretOf(rules.get(ruleId), item.s)
        if (secret === undefined || secret === "") {
          skipped.push(`${file} ${ruleId}: no secret found in ${JSON.stringify(item.s.slice(0, 60))}`)
          continue
        }
        samples.push({ rule: ruleId, file, kind, text: item.s, secret })
      }
    }
    i = j
  }
}

const out = {
  source: {
    repository: "https://github.com/gitleaks/gitleaks",
    commit,
    license: "MIT",
    from: "cmd/generate/config/rules/*.go (the tps and fps each rule validates); secrets of literal samples as captured by config/gitleaks.toml"
  },
  samples,
  skipped
}
const here = path.dirname(fileURLToPath(import.meta.url))
writeFileSync(path.join(here, "..", "gitleaks.json"), JSON.stringify(out, null, 1) + "\n")
console.log(`gitleaks: ${samples.filter((s) => s.kind === "true").length} true, ${samples.filter((s) => s.kind === "false").length} false, ${skipped.length} skipped`)

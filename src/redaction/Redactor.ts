/**
 * The Redactor: every write path passes its values through it before
 * anything reaches the database, the full-text index, a spool, an archive,
 * an export or a log line.
 *
 * It removes
 * - matches of the pattern rules (see `defaultRules`) anywhere in any string,
 *   raw or inside JSON-escaped text;
 * - values written in text after a name that says they are secret
 *   (`password=…`, `Authorization: Bearer …`, `"api_key": "…"`, YAML blocks,
 *   `--password X`, `curl -u user:X`, `<apiToken>…</apiToken>`, see
 *   `TextPairs.ts`);
 * - in JSON-like values, every string under a sensitive key, at any depth,
 *   the value of a name/value pair or tuple whose name is sensitive
 *   (`{ name: "Authorization", value: … }`, `["authorization", …]`), and what
 *   `toJSON` would serialise rather than an object's own keys.
 *
 * Each removed value becomes `[REDACTED:<rule>]`. Redaction is on unless the
 * options are the literal `"off"`.
 */
import { createHmac, randomBytes } from "node:crypto"
import * as Context from "effect/Context"
import * as Layer from "effect/Layer"
import {
  defaultRules,
  placeholder,
  redactedPrefix,
  type RedactionRule,
  sensitiveKeyRuleName
} from "./Rules.js"
import { type Candidates, makeCandidates } from "./Candidates.js"
import { commandPasswordWords } from "./CommandPasswords.js"
import { defaultNonSecretKeys, defaultSensitiveKeys, defaultSensitiveKeyWords, gitleaksNonSecretNames } from "./SensitiveKeys.js"
import { redactTextPairs } from "./TextPairs.js"

/**
 * Where a value is written, for `exempt`: a store (`"StateStore"`), or one
 * kind of value of a store (`"StateStore.checkpoints"`, `"RecordStore:<kind>"`).
 */
export type RedactionScope = string

/**
 * How to redact. `undefined` (or anything that is not the literal `"off"`)
 * means the defaults; only `"off"` disables redaction.
 *
 * - `rules` replaces the default pattern rules;
 * - `extraRules` is appended to the pattern rules (default or given);
 * - `sensitiveKeys` replaces the default sensitive key names pattern
 *   (`defaultSensitiveKeys`); it is tested against whole key names;
 * - `exempt` lists the scopes whose values are stored as given, without
 *   redaction: state meant to be replayed byte for byte (checkpoints,
 *   agent sessions). Nothing is exempt unless named here;
 * - `identifierKey` keys the hash that keeps a redacted identifier stable
 *   (the same secret always gives the same placeholder, so filters on it
 *   still match). Without it a random key is drawn per redactor: stable
 *   within a process, different across runs.
 */
export type RedactionOptions =
  | "off"
  | {
    readonly rules?: ReadonlyArray<RedactionRule>
    readonly extraRules?: ReadonlyArray<RedactionRule>
    readonly sensitiveKeys?: RegExp
    readonly exempt?: ReadonlyArray<RedactionScope>
    readonly identifierKey?: string
  }

/** What the `Redactor` service provides. */
export interface RedactorService {
  /** Removes secrets from a text; returns the very same string when nothing matched. */
  readonly redactText: (s: string) => string
  /**
   * Removes secrets from an identifier (a task id, a model name, an event
   * type…): each redacted part becomes `[REDACTED:<rule>:<hash>]`, where the
   * hash is a keyed hash of the removed secret, so the same identifier
   * always gives the same stored value. Returns the very same string when
   * nothing matched.
   */
  readonly redactIdentifier: (s: string) => string
  /**
   * Removes secrets from a JSON-like value (objects, arrays, strings,
   * numbers, booleans, null; `undefined` passes through): every string goes
   * through `redactText`, object keys included; every string under a
   * sensitive key, at any depth below it, becomes
   * `[REDACTED:sensitive-key]`; so does the value of a name/value pair
   * (`{ name | key | header: <sensitive>, value: … }`) or a two-element
   * tuple (`[<sensitive>, …]`) whose name is sensitive. Numbers, booleans
   * and null are kept (they are never secrets), and so are empty strings.
   *
   * Never mutates its input. Unchanged parts of the result are the input's
   * own objects (structural sharing: a value without secrets comes back as
   * the same reference), so treat both as immutable. Objects that are not
   * plain (class instances) are read as `JSON.stringify` would read them
   * (through `toJSON` when they have one) and replaced by plain data only
   * when something in them was redacted. Binary data (Buffer, typed arrays)
   * is kept, or replaced whole under a sensitive key. A cycle is replaced by
   * `"[Circular]"`.
   */
  readonly redactJson: <A>(value: A) => A
  /**
   * The redactor to use for values of `scope`: this one, or a disabled one
   * when the options name `scope` (or the store it belongs to) in `exempt`.
   */
  readonly scoped: (scope: RedactionScope) => RedactorService
  /** False when built with the explicit `"off"` (or for an exempt scope). */
  readonly enabled: boolean
}

const identity = <A>(a: A): A => a

const disabled: RedactorService = {
  redactText: identity,
  redactIdentifier: identity,
  redactJson: identity,
  scoped: () => disabled,
  enabled: false
}

/** Placeholder names keep to characters that are safe in any quoting. */
const safeName = (name: string): string => name.replace(/[^A-Za-z0-9_.-]/g, "-") || "rule"

interface CompiledRule {
  readonly name: string
  readonly pattern: RegExp
  readonly trigger: RegExp | undefined
  readonly triggerStartsMatch: boolean
  readonly replacement: string
  readonly hasSecretGroup: boolean
  readonly keep: ((secret: string, text: string, at: number) => boolean) | undefined
}

/**
 * The text a replacer works on and where its match starts, plus `shift`,
 * from a replacer's arguments after the match (`…groups, offset, text[, named groups]`).
 */
const whereIn = (args: ReadonlyArray<unknown>, shift: number): [string, number] => {
  const t = typeof args[args.length - 1] === "string" ? args.length - 1 : args.length - 2
  return [args[t] as string, (args[t - 1] as number) + shift]
}

/** A copy of `re` without the `g` and `y` flags, safe for `test`. */
const forTest = (re: RegExp): RegExp => new RegExp(re.source, re.flags.replace(/[gy]/g, ""))

const compileRule = (r: RedactionRule): CompiledRule => {
  const flags = r.pattern.flags.replace("y", "")
  return {
    name: safeName(r.name),
    pattern: new RegExp(r.pattern.source, flags.includes("g") ? flags : flags + "g"),
    trigger: r.trigger === undefined ? undefined : forTest(r.trigger),
    triggerStartsMatch: r.triggerStartsMatch === true,
    replacement: placeholder(safeName(r.name)),
    hasSecretGroup: r.pattern.source.includes("(?<secret>"),
    keep: r.keep
  }
}

/** Texts holding a command-line flag whose value is `user:password` (`-u`, `--user`, `--proxy-user`), or a command given a password. */
const userFlagWords = ["-u", ...commandPasswordWords]

const escapeLiteral = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&")

/** The placeholder of an identifier: the rule and a keyed hash of what it replaced. */
const identifierPlaceholder = (key: Buffer) => (rule: string, secret: string): string =>
  `${redactedPrefix}${rule}:${createHmac("sha256", key).update(secret).digest("base64url").slice(0, 12)}]`

/**
 * Builds a redactor (pure, no Effect). `undefined` or any options object
 * gives an enabled redactor; only the literal `"off"` gives the disabled one.
 */
export const makeRedactor = (options?: RedactionOptions): RedactorService => {
  if (options === "off") return disabled
  const given = typeof options === "object" && options !== null ? options : {}
  const rules = [...(given.rules ?? defaultRules), ...(given.extraRules ?? [])].map(compileRule)
  const keysPattern = given.sensitiveKeys ?? defaultSensitiveKeys
  const keys = forTest(keysPattern)
  // With the default key names, a text without their words holds no name/value pair to read.
  const keyWords = keysPattern === defaultSensitiveKeys ? [...defaultSensitiveKeyWords, ...userFlagWords] : undefined
  const keyWordsIn = keyWords === undefined ? undefined : new RegExp(keyWords.map(escapeLiteral).join("|"))
  // The scan of the default rules is built when first used (a store that never redacts never pays for it);
  // that of rules given in the options is built now, so that a rule it cannot take fails here.
  let scan = given.rules === undefined && given.extraRules === undefined ? undefined : makeCandidates(rules, keyWords ?? [])
  const candidates = (s: string): Candidates => (scan ??= makeCandidates(rules, keyWords ?? []))(s)
  const sensitiveReplacement = placeholder(sensitiveKeyRuleName)
  const exempt = new Set(given.exempt ?? [])
  const hashKey = given.identifierKey === undefined ? randomBytes(32) : Buffer.from(given.identifierKey, "utf8")
  const identifierMark = identifierPlaceholder(hashKey)

  const keyCache = new Map<string, boolean>()
  const isSensitive = (key: string): boolean => {
    let hit = keyCache.get(key)
    if (hit === undefined) {
      hit = keys.test(key) &&
        !(keysPattern === defaultSensitiveKeys && (defaultNonSecretKeys.test(key) || gitleaksNonSecretNames.test(key)))
      if (keyCache.size >= 10_000) keyCache.clear()
      keyCache.set(key, hit)
    }
    return hit
  }

  /**
   * One scan tells which rules can match and whether any does; only then do
   * the rules whose trigger occurs run, in order, each on the output of the
   * previous one.
   */
  const redactWith = (s: string, mark: (rule: string, secret: string) => string): string => {
    const found = candidates(s)
    const keysHeld = found.keys
    // Values a rule found and left (placeholders in a credential's format): left under a sensitive name too.
    let kept: Set<string> | undefined
    const keep = (r: CompiledRule, secret: string, args: ReadonlyArray<unknown>, at: number): boolean => {
      if (r.keep === undefined || !r.keep(secret, ...whereIn(args, at))) return false
      ;(kept ??= new Set()).add(secret)
      return true
    }
    let out = s
    for (let i = 0; found.matched && i < rules.length; i++) {
      if (found.present[i] === 0) continue
      const r = rules[i]!
      out = out.replace(r.pattern, (match: string, ...args: Array<unknown>) => {
        if (match === "") return match
        if (!r.hasSecretGroup) return keep(r, match, args, 0) ? match : mark(r.name, match)
        const groups = args[args.length - 1] as { readonly secret?: string } | undefined
        const secret = groups?.secret
        if (secret === undefined || secret === "") return match
        if (secret.startsWith(redactedPrefix)) return match
        const at = match.lastIndexOf(secret)
        if (keep(r, secret, args, at)) return match
        return match.slice(0, at) + mark(r.name, secret) + match.slice(at + secret.length)
      })
    }
    if (keyWordsIn !== undefined && !(out === s ? keysHeld : keyWordsIn.test(out))) return out
    return redactTextPairs(out, isSensitive, (secret) => mark(sensitiveKeyRuleName, secret), (value) => kept?.has(value) === true)
  }

  const textMarks = new Map(rules.map((r) => [r.name, r.replacement]))
  const textMark = (rule: string): string => textMarks.get(rule) ?? (rule === sensitiveKeyRuleName ? sensitiveReplacement : placeholder(rule))
  const redactText = (s: string): string => redactWith(s, textMark)
  const redactIdentifier = (s: string): string => redactWith(s, identifierMark)

  const keyNames = new Map<string, string>()
  const redactKey = (key: string): string => {
    let out = keyNames.get(key)
    if (out === undefined) {
      out = redactText(key)
      if (keyNames.size >= 10_000) keyNames.clear()
      keyNames.set(key, out)
    }
    return out
  }

  const ancestors = new Set<object>()

  const walk = (value: unknown, under: boolean): unknown => {
    switch (typeof value) {
      case "string":
        return under ? (value === "" ? value : sensitiveReplacement) : redactText(value)
      case "object":
        break
      default:
        return value
    }
    if (value === null) return value
    // Binary data holds no text to scan, but under a sensitive key it is the secret itself.
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return under ? sensitiveReplacement : value
    // Bytes written out as JSON (`Buffer`'s `data`, a typed array's indexes) are the secret too.
    if (under && looksLikeBytes(value)) return sensitiveReplacement
    if (ancestors.has(value)) return "[Circular]"
    ancestors.add(value)
    try {
      if (Array.isArray(value)) return walkArray(value, under)
      const toJSON: unknown = (value as { readonly toJSON?: unknown }).toJSON
      if (typeof toJSON === "function") {
        const json: unknown = toJSON.call(value, "")
        if (json !== value) {
          const redacted = walk(json, under)
          return redacted === json && Object.getPrototypeOf(value) !== Object.prototype ? value : redacted
        }
      }
      return walkObject(value, under)
    } finally {
      ancestors.delete(value)
    }
  }

  /** A tuple `[name, value]` whose name is sensitive (`["authorization", "Bearer …"]`). */
  const sensitiveTuple = (array: ReadonlyArray<unknown>): boolean =>
    array.length === 2 && typeof array[0] === "string" && array[0].length <= 120 && isSensitive(array[0])

  const walkArray = (array: ReadonlyArray<unknown>, under: boolean): ReadonlyArray<unknown> => {
    const tuple = !under && sensitiveTuple(array)
    let out: Array<unknown> | undefined
    // A private key split over the strings of an array: the lines after its header, up to its end line.
    let inKey = false
    for (let i = 0; i < array.length; i++) {
      const item = array[i]
      const keyLine: boolean = inKey && typeof item === "string"
      const redacted = walk(item, under || (tuple && i === 1) || keyLine)
      if (typeof item === "string") inKey = keyLine ? !item.includes("-----END") : opensPrivateKey(item)
      if (out === undefined && redacted !== item) out = array.slice(0, i)
      if (out !== undefined) out.push(redacted)
    }
    return out ?? array
  }

  /** The name of a name/value pair when it is sensitive (`{ name: "DB_PASSWORD", value: … }`). */
  const sensitivePairName = (record: Readonly<Record<string, unknown>>): boolean => {
    for (const field of pairNameFields) {
      const name = record[field]
      if (typeof name === "string" && name.length <= 120 && isSensitive(name)) return true
    }
    return false
  }

  const walkObject = (object: object, under: boolean): object => {
    const record = object as Readonly<Record<string, unknown>>
    const names = Object.keys(record)
    const pair = !under && names.length <= 8 && sensitivePairName(record)
    // A Kubernetes Secret: every value under `data` and `stringData` (see `KubernetesSecret.ts`).
    const manifest = !under && typeof record["kind"] === "string" && /^secret$/i.test(record["kind"])
    let out: Record<string, unknown> | undefined
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!
      const item = record[name]
      const redacted = walk(
        item,
        under || isSensitive(name) || (pair && pairValueFields.has(name)) || (manifest && (name === "data" || name === "stringData"))
      )
      const newName = redactKey(name)
      if (out === undefined && (redacted !== item || newName !== name)) {
        out = {}
        for (let k = 0; k < i; k++) setOwn(out, names[k]!, record[names[k]!])
      }
      if (out !== undefined) setOwn(out, newName, redacted)
    }
    return out ?? object
  }

  const redactJson = <A>(value: A): A => walk(value, false) as A

  const self: RedactorService = {
    redactText,
    redactIdentifier,
    redactJson,
    scoped: (scope) => (exempt.has(scope) || exempt.has(scope.split(/[.:]/)[0]!) ? disabled : self),
    enabled: true
  }
  return self
}

/** A private key's header line without its end: the key goes on in the strings after it. */
const opensPrivateKey = (s: string): boolean =>
  s.includes("-----BEGIN") && /-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----/.test(s) && !s.includes("-----END")

const isByte = (v: unknown): boolean => typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 255

/** An array of byte values, or an object of byte values under keys "0", "1", … (a serialised typed array). */
const looksLikeBytes = (value: object): boolean => {
  if (Array.isArray(value)) return value.length >= 4 && value.every(isByte)
  const keys = Object.keys(value)
  return keys.length >= 4 && keys.every((k, i) => k === String(i) && isByte((value as Record<string, unknown>)[k]))
}

/** Fields naming the pair in a name/value pair (HAR headers, Kubernetes env, .NET settings). */
const pairNameFields = ["name", "key", "Name", "Key", "header", "field", "variable"]
/** Fields holding the value of a name/value pair. */
const pairValueFields = new Set(["value", "Value", "values", "val", "content"])

/** Sets an own property, even one named `__proto__`. */
const setOwn = (target: Record<string, unknown>, name: string, value: unknown): void => {
  if (name === "__proto__") {
    Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true })
  } else {
    target[name] = value
  }
}

/**
 * The redactor service. Provide it with `Redactor.Default` (default rules)
 * or `Redactor.layer(options)`; only `Redactor.layer("off")` disables it.
 */
export class Redactor extends Context.Tag("logbook/Redactor")<Redactor, RedactorService>() {
  /** A redactor built from `options` (`undefined`: the defaults; `"off"`: disabled). */
  static layer(options?: RedactionOptions): Layer.Layer<Redactor> {
    return Layer.sync(Redactor, () => makeRedactor(options))
  }

  /** The redactor with the default rules. */
  static readonly Default: Layer.Layer<Redactor> = Redactor.layer()
}

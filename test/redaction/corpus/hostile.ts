/**
 * Texts built to make a redactor slow: every rule's trigger repeated, alone
 * and followed by runs of the characters its pattern reads; every sensitive
 * key with every separator; unclosed quotes; `-u x=`; YAML blocks; nested
 * JSON; long runs of key-like characters. Each is a function of its size, so
 * that the cost at two sizes can be compared. `fragments` are the pieces
 * random hostile texts are built from.
 */
import { defaultRules } from "../../../src/redaction/Rules.js"

const fill = (unit: string, size: number): string => unit.repeat(Math.ceil(size / unit.length)).slice(0, size)

/** The literal texts of a rule's trigger (`sk-|ghp_` gives `sk-` and `ghp_`). */
const literals = (trigger: RegExp | undefined): ReadonlyArray<string> =>
  trigger === undefined ? [] : trigger.source.split(/(?<!\\)\|/).map((l) => l.replace(/\\(.)/g, "$1"))

const triggers = [...new Set(defaultRules.flatMap((r) => literals(r.trigger)))]

const keyWords = ["password", "token", "api_key", "Authorization"]
const separators = ["=", ": ", ":", "\":\"", "\\\":\\\"", "\", \"", " => ", " := ", ",", ":\n", ":\\n ", ": |\n", "=\""]

/** Hostile texts by name, each a function of its size. */
export const hostileTexts: Record<string, (n: number) => string> = {
  "-u x=": (n) => fill("-u x=", n),
  "-u with quotes": (n) => fill("-u \"a\":", n),
  "--password flags": (n) => fill("--password ", n),
  "unclosed quote before password=": (n) => "\"" + "a".repeat(n) + " password=hunter2",
  "unclosed quotes and password=": (n) => fill("\"aaaaaaaa password=", n),
  "unclosed escaped quotes and token": (n) => fill("\\\"token\\\": \\\"aaaa ", n),
  "password=$(": (n) => fill("password=$(", n),
  "token: call(": (n) => fill("token: getToken(", n),
  "name/value names": (n) => fill("name: DB_PASSWORD value: ", n),
  "name/value names, quoted": (n) => fill("{\"name\":\"DB_PASSWORD\",\"value\":", n),
  "tuples": (n) => fill("[\"password\", \"", n),
  "YAML keys at line ends": (n) => fill("password:\n ", n),
  "YAML blocks": (n) => fill("token: |\n  ", n),
  "escaped YAML keys": (n) => fill("password:\\n  ", n),
  "twice escaped YAML keys": (n) => fill("token:\\\\n ", n),
  "YAML list under a key": (n) => "secret:\n" + fill("  - a\n", n),
  "XML tags": (n) => fill("<apiToken>", n),
  "XML tags, unclosed": (n) => fill("<apiToken a=\"b\">x", n),
  "nested JSON": (n) => "{\"a\":".repeat(n / 5) + "1" + "}".repeat(n / 5),
  "nested arrays": (n) => "[".repeat(n / 2) + "]".repeat(n / 2),
  "key-like run": (n) => "a".repeat(n) + "=x",
  "dotted key-like run": (n) => fill("a.", n) + "=x",
  "dashed key-like run": (n) => fill("password-", n) + "=x",
  "backslashes": (n) => fill("\\", n),
  "backslashes and quotes": (n) => fill("\\\\\"", n),
  "spaces after a key": (n) => "token:" + " ".repeat(n),
  "URL user infos": (n) => fill("https://user:", n),
  "URL user info, long password": (n) => "https://user:" + "a".repeat(n),
  "at signs": (n) => fill("a@", n),
  "Bearer": (n) => fill("Bearer ", n),
  "PEM headers": (n) => fill("-----BEGIN RSA PRIVATE KEY-----", n),
  "PEM body without end": (n) => "-----BEGIN RSA PRIVATE KEY-----\n" + fill("ABCD+/=\n", n),
  "JWT-like segments": (n) => fill("eyJabcdefghijkl.", n),
  "JWT starts in a dashed run": (n) => fill("ey-", n) + ".ey",
  "digits and bars": (n) => fill("1234567890", n) + "|",
  "hex and -us": (n) => fill("abcdef0123", n) + "-us1",
  "Kubernetes data keys": (n) => "kind: Secret\n" + fill("data:\n", n),
  "Kubernetes nested data keys": (n) => "kind: Secret\n" + fill("data:\n ", n),
  "Kubernetes documents": (n) => fill("kind: Secret\ndata:\n  a: YWJjZGVmZ2hpamts\n---\n", n),
  "Kubernetes escaped tabs": (n) => "kind: Secret\\ndata:\\n" + fill("\\t", n),
  "Kubernetes unclosed flow mapping": (n) => "kind: Secret\n" + fill("data: {", n),
  "product names and assignments": (n) => fill("artifactory = ", n)
}

/** Every sensitive key with every separator, repeated. */
export const keyTexts: Record<string, (n: number) => string> = {}
for (const word of keyWords) {
  for (const sep of separators) keyTexts[`${JSON.stringify(word + sep)} repeated`] = (n) => fill(word + sep, n)
}

/** For each rule, one of its triggers repeated, alone or followed by a run of token characters, or after a long run. */
export const triggerTexts: Record<string, (n: number) => string> = {}
for (const r of defaultRules) {
  const t = literals(r.trigger)[0]
  if (t === undefined) continue
  triggerTexts[`${r.name}: ${JSON.stringify(t)} repeated`] = (n) => fill(t, n)
  triggerTexts[`${r.name}: ${JSON.stringify(t)} and a run, repeated`] = (n) => fill(t + "aB3_-aB3_-aB3_-aB3_-aB3_-", n)
  triggerTexts[`${r.name}: a run, then ${JSON.stringify(t)}`] = (n) => fill("aB3_-.", n) + t
  triggerTexts[`${r.name}: a run, a space, then ${JSON.stringify(t)}`] = (n) => fill("aB3_-.", n) + " " + t
}

/** Pieces of hostile texts: triggers, key words, separators, quotes, escapes, brackets. */
export const fragments: ReadonlyArray<string> = [
  ...triggers,
  ...keyWords,
  ...separators,
  "\"", "'", "`", "\\", "\\\\", "\\n", "\n", " ", "\t", "-u ", "--", "{", "}", "[", "]", "<", ">", "</", "@", "://",
  "a", "Z9", "_", "-", ".", "=", ":", ",", "|", "0123456789", "abcdef", "$(", "(", "name", "value", "x",
  "kind: Secret\n", "data:", "stringData:", "\\t", "---\n"
]

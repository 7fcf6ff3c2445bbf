/**
 * The redaction corpus: the true and false samples of gitleaks' default rules
 * and of secretlint's recommended preset, as their own tests use them
 * (`gitleaks.json`, `secretlint.json`, written by the scripts in `extract/`
 * from the commits named in each file), and the shapes of `shapes.ts`.
 */
import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const here = path.dirname(fileURLToPath(import.meta.url))
const read = (name: string): unknown => JSON.parse(readFileSync(path.join(here, name), "utf8"))

/** A sample: its text, and for a true sample the texts that must not survive redaction. */
export interface Sample {
  readonly source: "gitleaks" | "secretlint"
  readonly rule: string
  readonly text: string
  readonly needles: ReadonlyArray<string>
}

interface GitleaksFile {
  readonly samples: ReadonlyArray<{ rule: string; kind: "true" | "false"; text: string; secret?: string }>
}
interface SecretlintFile {
  readonly samples: ReadonlyArray<
    { rule: string; case: string; kind: "true" | "false" | "suppressed" | "optional"; text: string; secrets?: ReadonlyArray<string> }
  >
}

const gitleaks = read("gitleaks.json") as GitleaksFile
const secretlint = read("secretlint.json") as SecretlintFile

/** Every true sample of both rule sets. */
export const trueSamples: ReadonlyArray<Sample> = [
  ...gitleaks.samples.filter((s) => s.kind === "true").map((s): Sample => ({
    source: "gitleaks",
    rule: s.rule,
    text: s.text,
    needles: [s.secret!]
  })),
  ...secretlint.samples.filter((s) => s.kind === "true").map((s): Sample => ({
    source: "secretlint",
    rule: `${s.rule}/${s.case}`,
    text: s.text,
    needles: s.secrets ?? []
  }))
]

/** Every false sample of both rule sets. */
export const falseSamples: ReadonlyArray<Sample> = [
  ...gitleaks.samples.filter((s) => s.kind === "false").map((s): Sample => ({
    source: "gitleaks",
    rule: s.rule,
    text: s.text,
    needles: []
  })),
  ...secretlint.samples.filter((s) => s.kind === "false").map((s): Sample => ({
    source: "secretlint",
    rule: `${s.rule}/${s.case}`,
    text: s.text,
    needles: []
  }))
]

/** A sample's identity in the reviewed lists: source, rule, the start of its text and a hash of all of it. */
export const sampleKey = (s: Sample): string =>
  `${s.source} ${s.rule} ${createHash("sha256").update(s.text).digest("hex").slice(0, 8)} ${JSON.stringify(s.text.slice(0, 60))}`

/**
 * The few false samples that are redacted on purpose, each with the reason
 * (`redacted-on-purpose.json`): the other rule set, or another rule of the
 * same one, reports the very same string (or counts it as a true sample in
 * another file); or a real-looking value stands under a name that says it is
 * secret, and the rule set leaves it out only for a format or a file name
 * logbook cannot check. Any other change to a false sample fails the corpus
 * spec.
 */
export const redactedOnPurpose = read("redacted-on-purpose.json") as Record<string, string>

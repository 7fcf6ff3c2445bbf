/**
 * "Secrets are never written to the database": realistic fake credentials of
 * every default redaction rule go through every AuditLog write path, raw and
 * JSON-escaped, deep inside details and in free-text fields; afterwards the
 * bytes of every file of the database (main file, WAL, anything beside them)
 * are searched for them.
 *
 * The fake credentials are assembled at run time from fragments and random
 * characters, so that this repository holds nothing a secret scanner flags.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { randomInt } from "node:crypto"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import * as path from "node:path"
import { AuditLog } from "../../src/AuditLog.js"
import { coreLayer } from "../../src/Core.js"
import { defaultRules } from "../../src/redaction/Rules.js"
import { WriteBehind } from "../../src/writeBehind/WriteBehind.js"
import { tempDir } from "../support/TempDir.js"

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
const UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
const BASE64 = ALNUM + "+/"

const random = (alphabet: string, length: number) =>
  Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join("")

const base64url = (text: string) => Buffer.from(text).toString("base64url")

/**
 * One fake credential: its full text, the rule that must redact it, and the
 * random parts that must not be found anywhere in the database files.
 */
interface FakeSecret {
  readonly rule: string
  readonly text: string
  readonly fingerprints: ReadonlyArray<string>
}

const secret = (rule: string, parts: ReadonlyArray<string>, fingerprints: ReadonlyArray<string>): FakeSecret => ({
  rule,
  text: parts.join(""),
  fingerprints
})

const makeSecrets = (): ReadonlyArray<FakeSecret> => {
  const anthropicBody = random(ALNUM, 86) + "-" + random(ALNUM, 6) + "AA"
  const openaiBody = random(ALNUM, 20) + "T3Blbk" + "FJ" + random(ALNUM, 20)
  const openaiLegacy = random(ALNUM, 48)
  const awsBody = random(UPPER_DIGITS, 16)
  const githubBody = random(ALNUM, 36)
  const patBody = random(ALNUM, 22) + "_" + random(ALNUM, 59)
  const slackBody = `${randomInt(1e11, 1e12)}-${randomInt(1e11, 1e12)}-${random(ALNUM, 24)}`
  const webhookBody = `T${random(UPPER_DIGITS, 10)}/B${random(UPPER_DIGITS, 10)}/${random(ALNUM, 24)}`
  const googleBody = random(ALNUM + "_-", 35).replace(/[-_]$/, "x")
  const jwtPayload = base64url(JSON.stringify({ sub: random(ALNUM, 12), iat: 1_700_000_000 }))
  const jwtSignature = random(ALNUM + "_-", 43)
  const keyLines = Array.from({ length: 6 }, () => random(BASE64, 64))
  const dbPassword = random(ALNUM, 24)
  const plainPassword = "correct-horse-" + random(ALNUM, 16)
  const bearer = random(ALNUM, 40)
  return [
    secret("anthropic", ["sk-", "ant-", "api03-", anthropicBody], [anthropicBody]),
    secret("openai", ["sk-", "proj-", openaiBody], [openaiBody]),
    secret("openai", ["sk-", openaiLegacy], [openaiLegacy]),
    secret("aws-access-key", ["AK", "IA", awsBody], [awsBody]),
    secret("github", ["gh", "p_", githubBody], [githubBody]),
    secret("github", ["github_", "pat_", patBody], [patBody]),
    secret("slack", ["xo", "xb-", slackBody], [slackBody]),
    secret("slack", ["https://hooks.", "slack.com/services/", webhookBody], [webhookBody]),
    secret("google-api-key", ["AI", "za", googleBody], [googleBody]),
    secret("jwt", [base64url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"), ".", jwtPayload, ".", jwtSignature], [
      jwtPayload,
      jwtSignature
    ]),
    secret(
      "private-key",
      ["-----BEGIN ", "RSA PRIVATE", " KEY-----\n", keyLines.join("\n"), "\n-----END ", "RSA PRIVATE", " KEY-----"],
      keyLines
    ),
    secret("url-credentials", ["postgres://app_user:", dbPassword, "@db.internal.example:5432/app"], [dbPassword]),
    secret("sensitive-key", [plainPassword], [plainPassword]),
    secret("sensitive-key", [bearer], [bearer])
  ]
}

/**
 * Where a secret appears in an entry: deep in details, raw; as JSON text
 * inside a string (JSON-escaped once); as JSON text of JSON text (escaped
 * twice); and in a free-text field. A `sensitive-key` secret is only a secret
 * by the key it sits under, so it is placed under such keys.
 */
const entryWith = (s: FakeSecret, index: number) => {
  if (s.rule === "sensitive-key") {
    return {
      projectId: "redaction",
      action: `configure ${index}`,
      category: "security" as const,
      details: {
        service: { settings: [{ name: "db", password: s.text }, { authorization: `Bearer ${s.text}` }] },
        escaped: JSON.stringify({ client: { api_key: s.text } }),
        escapedTwice: JSON.stringify(JSON.stringify({ nested: { secret: s.text } })),
        log: `connecting with password=${s.text} and header Authorization: Bearer ${s.text}`
      }
    }
  }
  return {
    projectId: "redaction",
    agent: `agent using ${s.text}`,
    action: `call with ${s.text}`,
    category: "agent" as const,
    details: {
      step: { tool: "shell", output: [{ line: `export VALUE=${s.text} # done` }] },
      escaped: JSON.stringify({ response: { body: `the value is ${s.text}` } }),
      escapedTwice: JSON.stringify(JSON.stringify({ deeper: [s.text] })),
      raw: s.text
    }
  }
}

/** Strings that look like credentials but are not, and must be stored unchanged. */
const lookAlikes = {
  skeleton: "sk-ant-short",
  taskName: "sk-learn-model-v2",
  notAws: "AKIA-not-a-key",
  shortAws: "AKIA" + "ABCDEFGHIJKLMNO",
  githubWord: "ghp_tooShort",
  slackWord: "xoxb",
  googleWord: "AIza" + "Short",
  jwtHeaderOnly: "eyJhbGciOiJIUzI1NiJ9",
  publicKey: "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----",
  url: "https://user@example.com/path",
  tokenCount: 4096,
  max_tokens: 1024,
  tokenizer: "cl100k_base",
  author: "Ada Lovelace",
  sessionId: "session-42",
  text: "the password policy requires 12 characters"
}

/** Every file in `dir`, as bytes. */
const filesIn = (dir: string) =>
  readdirSync(dir).map((name) => ({ name, bytes: readFileSync(path.join(dir, name)) }))

const leaksIn = (dir: string, secrets: ReadonlyArray<FakeSecret>) =>
  filesIn(dir).flatMap(({ bytes, name }) =>
    secrets.flatMap((s) => [s.text, ...s.fingerprints].filter((f) => bytes.includes(f)).map((f) => `${name}: ${s.rule} ${f.slice(0, 12)}…`))
  )

describe("AuditLog redaction end to end", () => {
  it.scoped("no secret reaches any database file; placeholders name the rule; look-alikes are kept", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const file = path.join(dir, "audit.db")
      const layer = AuditLog.DefaultWithoutDependencies.pipe(Layer.provideMerge(coreLayer({ url: file })))
      const secrets = makeSecrets()
      // The original rules each have a fake credential here; the redaction corpus spec covers every rule.
      const here = ["private-key", "anthropic", "openai", "aws-access-key", "github", "slack", "google-api-key", "jwt", "url-credentials"]
      for (const name of here) expect(defaultRules.map((r) => r.name)).toContain(name)
      expect(new Set(secrets.map((s) => s.rule))).toEqual(new Set([...here, "sensitive-key"]))

      yield* Effect.gen(function*() {
        const audit = yield* AuditLog
        const entries = secrets.map(entryWith)
        // Half through log, half through logMany, and all once more through record.
        const half = Math.ceil(entries.length / 2)
        const ids: Array<number> = []
        for (const entry of entries.slice(0, half)) ids.push(yield* audit.log(entry))
        ids.push(...(yield* audit.logMany(entries.slice(half))))
        for (const entry of entries) yield* audit.record(entry)
        yield* (yield* WriteBehind).flush
        const lookAlikeId = yield* audit.log({ action: "look-alikes", category: "user", details: lookAlikes })

        const stored = yield* audit.query({ projectId: "redaction" })
        for (const [index, s] of secrets.entries()) {
          const entry = stored.find((e) => e.id === ids[index])
          expect(entry, s.rule).toBeDefined()
          const text = JSON.stringify(entry)
          expect(text, s.rule).toContain(`[REDACTED:${s.rule}]`)
          for (const f of [s.text, ...s.fingerprints]) expect(text.includes(f), `${s.rule} in ${text}`).toBe(false)
        }
        const [kept] = yield* audit.query({ action: "look-alikes" })
        expect(kept?.id).toBe(lookAlikeId)
        expect(kept?.details).toEqual(lookAlikes)

        // While the database is open: the main file and its WAL.
        expect(existsSync(`${file}-wal`)).toBe(true)
        expect(leaksIn(dir, secrets)).toEqual([])
      }).pipe(Effect.provide(layer), Effect.scoped)

      // After closing (the WAL checkpointed into the main file).
      expect(filesIn(dir).some(({ name }) => name === "audit.db")).toBe(true)
      expect(leaksIn(dir, secrets)).toEqual([])
    }))
})

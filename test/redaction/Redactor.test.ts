import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import {
  makeRedactor,
  type RedactionOptions,
  Redactor
} from "../../src/redaction/Redactor.js"
import { defaultRules, defaultSensitiveKeys, type RedactionRule } from "../../src/redaction/Rules.js"

// ---------------------------------------------------------------------------
// Fake credentials. Built by concatenation from deterministic pseudo-random
// characters, so that this file does not itself look like a leak.
// ---------------------------------------------------------------------------

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
const UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
const URLSAFE = ALNUM + "-_"
const BASE64 = ALNUM + "+/"
const DIGITS = "0123456789"

/** Deterministic pseudo-random characters from `alphabet`. */
const chars = (n: number, alphabet: string, seed: number): string => {
  let x = seed >>> 0
  let out = ""
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0
    out += alphabet.charAt((x >>> 8) % alphabet.length)
  }
  return out
}

const b64url = (s: string): string => Buffer.from(s, "utf8").toString("base64url")

const pemBody = (seed: number): string => {
  const lines: Array<string> = []
  for (let i = 0; i < 6; i++) lines.push(chars(64, BASE64, seed + i))
  lines.push(chars(20, BASE64, seed + 99) + "==")
  return lines.join("\n")
}

const pemBlock = (kind: string, seed: number, headers = ""): string =>
  ["-----" + "BEGIN " + kind + "-----", headers + pemBody(seed), "-----" + "END " + kind + "-----"].join("\n")

interface Fake {
  /** The rule expected to fire. */
  readonly rule: string
  /** The text holding the credential. */
  readonly text: string
  /** The part that must not survive (defaults to `text`). */
  readonly secret?: string
}

const slackWebhookPath = "T" + chars(8, UPPER_ALNUM, 71) + "/B" + chars(10, UPPER_ALNUM, 72) + "/" +
  chars(24, ALNUM, 73)
const dbPassword = "pw" + chars(14, ALNUM, 81)

const fakes: ReadonlyArray<Fake> = [
  { rule: "anthropic", text: ["sk", "ant", "api03", chars(93, URLSAFE, 1) + "AA"].join("-") },
  { rule: "anthropic", text: ["sk", "ant", "admin01", chars(93, URLSAFE, 2) + "AA"].join("-") },
  { rule: "openai", text: "sk-" + "proj-" + chars(74, URLSAFE, 3) + "T3Blbk" + "FJ" + chars(74, URLSAFE, 4) },
  { rule: "openai", text: "sk-" + "svcacct-" + chars(58, URLSAFE, 5) + "T3Blbk" + "FJ" + chars(58, URLSAFE, 6) },
  { rule: "openai", text: "sk-" + chars(20, ALNUM, 7) + "T3Blbk" + "FJ" + chars(20, ALNUM, 8) },
  { rule: "aws-access-key", text: "AK" + "IA" + chars(16, UPPER_ALNUM, 9) },
  { rule: "aws-access-key", text: "AS" + "IA" + chars(16, UPPER_ALNUM, 10) },
  { rule: "github", text: "gh" + "p_" + chars(36, ALNUM, 11) },
  { rule: "github", text: "gh" + "s_" + chars(36, ALNUM, 12) },
  { rule: "github", text: "github" + "_pat_" + chars(22, ALNUM, 13) + "_" + chars(59, ALNUM, 14) },
  {
    rule: "slack",
    text: "xo" + "xb-" + chars(12, DIGITS, 15) + "-" + chars(13, DIGITS, 16) + "-" + chars(24, ALNUM, 17)
  },
  {
    rule: "slack",
    text: "xo" + "xp-" + chars(12, DIGITS, 18) + "-" + chars(12, DIGITS, 19) + "-" + chars(12, DIGITS, 20) + "-" +
      chars(32, "0123456789abcdef", 21)
  },
  { rule: "slack", text: "https://hooks." + "slack.com/services/" + slackWebhookPath, secret: slackWebhookPath },
  { rule: "google-api-key", text: "AI" + "za" + chars(35, URLSAFE, 22) },
  {
    rule: "jwt",
    text: b64url(JSON.stringify({ alg: "HS256", typ: "JWT" })) + "." +
      b64url(JSON.stringify({ sub: "user-" + chars(8, DIGITS, 23), name: "Ada", iat: 1700000000 })) + "." +
      chars(43, URLSAFE, 24)
  },
  { rule: "private-key", text: pemBlock("RSA " + "PRIVATE KEY", 30) },
  { rule: "private-key", text: pemBlock("OPENSSH " + "PRIVATE KEY", 40) },
  { rule: "private-key", text: pemBlock("PRIVATE KEY", 50) },
  {
    rule: "private-key",
    text: pemBlock("EC " + "PRIVATE KEY", 60, "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0A1B2C3D4E5F60718293A4B5C6D7E8F9\n\n")
  },
  { rule: "url-credentials", text: "postgres://app:" + dbPassword + "@db.internal:5432/app", secret: dbPassword }
]

/** The alphanumeric runs of a secret that must not appear anywhere in the output. */
const fragments = (secret: string): ReadonlyArray<string> =>
  secret.split(/[^A-Za-z0-9]+/).filter((piece) =>
    piece.length >= 8 && !["PRIVATE", "ENCRYPTED", "services"].includes(piece)
  )

const serialize = (value: unknown): string => typeof value === "string" ? value : JSON.stringify(value)

/**
 * No part of the secret survives and the placeholder names the rule (or, for
 * a value under a sensitive key, possibly `sensitive-key`: a value that is
 * not the credential alone is removed whole).
 */
const expectGone = (output: unknown, fake: Fake, underSensitiveKey = false): void => {
  const text = serialize(output)
  const secret = fake.secret ?? fake.text
  expect(text).not.toContain(secret)
  for (const piece of fragments(secret)) expect(text).not.toContain(piece)
  const named = text.includes(`[REDACTED:${fake.rule}]`) ||
    (underSensitiveKey && fake.secret !== undefined && text.includes("[REDACTED:sensitive-key]"))
  expect([text, named]).toEqual([text, true])
}

/** The ways a credential shows up in what agents write. */
const occurrences = (secret: string): ReadonlyArray<readonly [string, unknown]> => {
  const inner = { tool: "bash", details: { note: "first line\n" + secret + "\nlast line", value: secret } }
  const once = JSON.stringify(inner)
  return [
    ["raw", secret],
    ["in a sentence", "the agent printed " + secret + ", then stopped."],
    ["at the start of a line", "step 3\n" + secret],
    ["nested object", { run: { steps: [{ observation: { content: [{ text: "got " + secret }] } }] } }],
    ["nested array", [[["x", { deep: [secret] }]]]],
    ["JSON-escaped details string", { event: { details: once } }],
    ["JSON-escaped twice", { event: { details: JSON.stringify(once) } }],
    ["JSON-escaped with escaped slashes", { event: { details: once.replace(/\//g, "\\/") } }],
    ["under a JSON-escaped key", { details: JSON.stringify({ api_key: secret }) }],
    ["as an object key", { cache: { [secret]: { hits: 3 } } }]
  ]
}

const redactor = makeRedactor()

describe("Redactor: default rules", () => {
  it("has the documented rule names, each with its source", () => {
    const names = defaultRules.map((r) => r.name)
    for (
      const name of [
        "private-key",
        "anthropic",
        "openai",
        "aws-access-key",
        "github",
        "slack",
        "google-api-key",
        "jwt",
        "url-credentials"
      ]
    ) expect(names).toContain(name)
    expect(new Set(names).size).toBe(names.length)
    for (const rule of defaultRules) {
      expect(rule.pattern.global).toBe(true)
      expect(rule.source).toMatch(/gitleaks|secretlint|RFC/)
    }
  })

  for (const fake of fakes) {
    describe(`${fake.rule}: ${fake.text.slice(0, 14)}…`, () => {
      it("a raw value becomes the placeholder", () => {
        const out = redactor.redactText(fake.text)
        if (fake.secret === undefined) expect(out).toBe(`[REDACTED:${fake.rule}]`)
        expectGone(out, fake)
      })

      for (const [where, value] of occurrences(fake.text)) {
        it(`does not survive: ${where}`, () => {
          const out = typeof value === "string" ? redactor.redactText(value) : redactor.redactJson(value)
          expectGone(out, fake, where === "under a JSON-escaped key")
        })
      }
    })
  }

  it("redacts a JSON-escaped PEM block (newlines written as \\n) inside a details string", () => {
    const pem = pemBlock("RSA " + "PRIVATE KEY", 90)
    const details = "{\"key\":\"" + pem.replace(/\n/g, "\\n") + "\",\"user\":\"deploy\"}"
    const out = redactor.redactJson({ audit: { details } })
    expect(out.audit.details).toBe("{\"key\":\"[REDACTED:private-key]\",\"user\":\"deploy\"}")
  })

  it("redacts a PEM block whose END line was cut off", () => {
    const pem = pemBlock("RSA " + "PRIVATE KEY", 91)
    const truncated = pem.slice(0, 200)
    const out = redactor.redactText("output:\n" + truncated)
    expect(out).toBe("output:\n[REDACTED:private-key]")
  })

  it("redacts every secret of a mixed value and says which rule fired", () => {
    const value = {
      config: Object.fromEntries(fakes.map((f, i) => [`setting${i}`, { value: "see " + f.text }]))
    }
    const out = redactor.redactJson(value)
    for (const fake of fakes) expectGone(out, fake)
  })
})

describe("Redactor: sensitive keys", () => {
  it("matches key names in snake, camel, kebab and constant case", () => {
    const sensitive = [
      "password",
      "passwd",
      "db_password",
      "dbPassword",
      "DB_PASSWORD",
      "passphrase",
      "secret",
      "client_secret",
      "clientSecret",
      "aws_secret_access_key",
      "token",
      "githubToken",
      "GITHUB_TOKEN",
      "access_token",
      "refreshToken",
      "x-auth-token",
      "auth_token",
      "api_key",
      "apiKey",
      "apikey",
      "api-key",
      "X-Api-Key",
      "OPENAI_API_KEY",
      "access_key",
      "accessKeyId",
      "private_key",
      "privateKey",
      "authorization",
      "Authorization",
      "Proxy-Authorization",
      "auth",
      "basicAuth",
      "credentials",
      "gcpCredentials",
      "cookie",
      "Set-Cookie"
    ]
    for (const key of sensitive) expect([key, defaultSensitiveKeys.test(key)]).toEqual([key, true])
  })

  it("leaves usage counts and ordinary keys alone", () => {
    const ordinary = [
      "tokenUsage",
      "inputTokens",
      "outputTokens",
      "totalTokens",
      "max_tokens",
      "maxTokens",
      "tokens",
      "token_count",
      "tokenCount",
      "prompt_tokens",
      "completion_tokens",
      "cache_read_input_tokens",
      "TOKENS",
      "tokenizer",
      "eos_token",
      "nextPageToken",
      "author",
      "oauth",
      "authenticated",
      "session_id",
      "sessionId",
      "key",
      "keys",
      "monkey",
      "name",
      "id"
    ]
    for (const key of ordinary) expect([key, defaultSensitiveKeys.test(key)]).toEqual([key, false])
  })

  it("redacts string values under sensitive keys at any depth", () => {
    const out = redactor.redactJson({
      a: { b: [{ c: { password: "hunter2", githubToken: "plain-looking", name: "ada" } }] },
      headers: { "X-Api-Key": "k-123", Authorization: "Bearer abc.def", Accept: "application/json" },
      db_password: "x"
    })
    expect(out).toEqual({
      a: { b: [{ c: { password: "[REDACTED:sensitive-key]", githubToken: "[REDACTED:sensitive-key]", name: "ada" } }] },
      headers: {
        "X-Api-Key": "[REDACTED:sensitive-key]",
        Authorization: "[REDACTED:sensitive-key]",
        Accept: "application/json"
      },
      db_password: "[REDACTED:sensitive-key]"
    })
  })

  it("redacts every string leaf of an object or array under a sensitive key", () => {
    const out = redactor.redactJson({
      credentials: { user: "bob", pass: "x", port: 5432, tls: true, ca: null, hosts: ["a", { name: "b" }] }
    })
    expect(out).toEqual({
      credentials: {
        user: "[REDACTED:sensitive-key]",
        pass: "[REDACTED:sensitive-key]",
        port: 5432,
        tls: true,
        ca: null,
        hosts: ["[REDACTED:sensitive-key]", { name: "[REDACTED:sensitive-key]" }]
      }
    })
  })

  it("keeps numbers (and booleans, null, empty strings) under sensitive keys", () => {
    const value = { token: 12, password: 0, secret: true, api_key: null, auth_token: "" }
    expect(redactor.redactJson(value)).toEqual(value)
  })

  it("keeps LLM usage counts", () => {
    const value = {
      tokenUsage: { inputTokens: 1200, outputTokens: 300, totalTokens: 1500 },
      usage: { prompt_tokens: 10, completion_tokens: 5, max_tokens: 4096, tokens: 15, token_count: 15 },
      tokenizer: "cl100k_base"
    }
    expect(redactor.redactJson(value)).toBe(value)
  })

  const textCases: ReadonlyArray<readonly [string, string]> = [
    ["password=hunter2", "password=[REDACTED:sensitive-key]"],
    ["login ok; password=hunter2; user=ada", "login ok; password=[REDACTED:sensitive-key]; user=ada"],
    ["Authorization: Bearer abc.def", "Authorization: Bearer [REDACTED:sensitive-key]"],
    ["authorization: Basic dXNlcjpwYXNz", "authorization: Basic [REDACTED:sensitive-key]"],
    ["{\"api_key\":\"v1-abc\"}", "{\"api_key\":\"[REDACTED:sensitive-key]\"}"],
    ["{\\\"api_key\\\":\\\"v1-abc\\\"}", "{\\\"api_key\\\":\\\"[REDACTED:sensitive-key]\\\"}"],
    ["{\"password\": \"a\\\"b c\", \"user\": \"ada\"}", "{\"password\": \"[REDACTED:sensitive-key]\", \"user\": \"ada\"}"],
    ["{'password': 'p@ss w0rd'}", "{'password': '[REDACTED:sensitive-key]'}"],
    ["export GITHUB_TOKEN=q7Rk2vXz && make", "export GITHUB_TOKEN=[REDACTED:sensitive-key] && make"],
    ["client_secret: s3cr3t\nport: 8080", "client_secret: [REDACTED:sensitive-key]\nport: 8080"],
    ["GET /cb?access_token=q7Rk&state=xyz", "GET /cb?access_token=[REDACTED:sensitive-key]&state=xyz"],
    ["curl -H 'X-Api-Key: k-123' https://api", "curl -H 'X-Api-Key: [REDACTED:sensitive-key]' https://api"],
    ["run --password=q7Rk --verbose", "run --password=[REDACTED:sensitive-key] --verbose"],
    ["note: password=hunter2", "note: password=[REDACTED:sensitive-key]"],
    ["line\\npassword=hunter2\\nnext", "line\\npassword=[REDACTED:sensitive-key]\\nnext"],
    ["password=8351", "password=[REDACTED:sensitive-key]"],
    ["password=$ecret1", "password=[REDACTED:sensitive-key]"],
    ["const token = \"q7Rk2vXz\"", "const token = \"[REDACTED:sensitive-key]\""],
    ["password = \"Tr0ub4dor&3\"", "password = \"[REDACTED:sensitive-key]\""],
    ["DB_PASSWORD: correct-horse-battery-staple", "DB_PASSWORD: [REDACTED:sensitive-key]"]
  ]
  // Placeholders and references, not secrets: gitleaks' global allowlist, template variables, commands,
  // environment and CI references, fillers typed in a value's place, example values.
  const placeholderCases: ReadonlyArray<string> = [
    "password=${DB_PASSWORD}",
    "api_key: \"<your-api-key>\"",
    "token: xxxxxxxxxxxxxxxx",
    "<add key=\"ClearTextPassword\" value=\"%NUGET_PASSWORD%\" />",
    "secret=$(cat /run/secrets/db)",
    "TOKEN=`vault read -field=token secret/ci`",
    "administrator_login_password = var.db_password",
    "password: \"{{ .Values.password }}\"",
    "token: ${{ secrets.GITHUB_TOKEN }}",
    "api_key=YOUR_API_KEY_HERE",
    "access_token=ACCESS_TOKEN",
    "password = \"changeme\"",
    "client_secret: \"dummy\"",
    "token=abc123",
    "OP_SERVICE_ACCOUNT_TOKEN=ops_eyJzaWduSW5BZGRyZXNz...",
    "db-password: ENC[AES256_GCM,data:O+5l4g==,iv:c/dS4BCBMbnKsXY=,type:str]",
    "\"private_key\": \"-----BEGIN PRIVATE KEY-----\\n...\\n-----END PRIVATE KEY-----\\n\"",
    "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
    "csrf-token=Mj2qykJO5rELyHgezQ69nzUX0i3OH67V7+V4eUrLfpuyOuxmiW9rhROG"
  ]
  for (const input of placeholderCases) {
    it(`keeps a placeholder or reference: ${JSON.stringify(input)}`, () => {
      expect(redactor.redactText(input)).toBe(input)
    })
  }

  for (const [input, expected] of textCases) {
    it(`in text: ${JSON.stringify(input)}`, () => {
      expect(redactor.redactText(input)).toBe(expected)
    })
  }

  it("in text: a value with a JSON-escaped quote, one level deeper", () => {
    const text = JSON.stringify(JSON.stringify({ api_key: "ab\"cd ef", n: 1 }))
    const out = redactor.redactText(text)
    expect(out).toBe(JSON.stringify("{\"api_key\":\"[REDACTED:sensitive-key]\",\"n\":1}"))
    expect(out).not.toContain("cd ef")
  })

  it("in text: leaves usage counts, numbers in JSON text and ordinary pairs alone", () => {
    const texts = [
      "{\"max_tokens\": 4096, \"tokens\": 12, \"token_count\": 3, \"tokenUsage\": {\"input\": 5}}",
      "{\"token\": 5, \"password\": 1234, \"secret\": true, \"api_key\": null}",
      "inputTokens=1200 outputTokens=300 totalTokens=1500",
      "status: ok, user=ada, key: value, author: Ada",
      "Note: the tokenizer is cl100k",
      "interface Login { user: string; password: string }",
      "const token = getToken(user, scope)",
      "export GITHUB_TOKEN=$GH_TOKEN; api_key=${OPENAI_API_KEY} secret=process.env.SECRET",
      "def f(password=None, token: str = None):"
    ]
    for (const text of texts) expect(redactor.redactText(text)).toBe(text)
  })

  it("does not re-redact a placeholder", () => {
    const ghp = fakes.find((f) => f.rule === "github")!.text
    const once = redactor.redactText("{\"token\":\"" + ghp + "\"}")
    expect(once).toBe("{\"token\":\"[REDACTED:github]\"}")
    expect(redactor.redactText(once)).toBe(once)
  })
})

describe("Redactor: look-alikes are left alone", () => {
  const png = "data:image/png;base64," +
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.from(chars(30_000, ALNUM + "+/!@#$%^&*()", 5), "latin1")
    ]).toString("base64")

  const lookAlikes: ReadonlyArray<string> = [
    "550e8400-e29b-41d4-a716-446655440000",
    "f47ac10b-58cc-4372-a567-0e02b2c3d479",
    "da39a3ee5e6b4b0d3255bfef95601890afd80709",
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "commit 3f2a9c1 (HEAD -> main) merged 9fceb02d0ae598e95dc970b74767f19372d61af8",
    png,
    "SGVsbG8sIHdvcmxkISBUaGlzIGlzIG9yZGluYXJ5IGJhc2U2NCB0ZXh0Lg==",
    "The secret to good tests is a good token of trust; the password prompt appeared.",
    "sk-learn-compatible-estimator and task-runner-for-production-systems",
    "AKIA is how AWS access key ids start",
    "1234567890 3.14159 -42 1e10 0xdeadbeef",
    "user@example.com wrote to ops@example.org",
    "https://example.com/path?q=1&page=2",
    "ssh://git@github.com/org/repo.git",
    "/home/ada/.ssh/id_rsa and ~/.aws/credentials",
    "2024-05-01T12:34:56.789Z",
    "eyes.eyebrows.eyelids are not a JWT"
  ]

  for (const text of lookAlikes) {
    it(`keeps ${JSON.stringify(text.slice(0, 40))}`, () => {
      expect(redactor.redactText(text)).toBe(text)
    })
  }

  it("keeps look-alikes inside nested and JSON-escaped values, returning the same reference", () => {
    const value = {
      ids: lookAlikes.slice(0, 5),
      image: { url: png, alt: "a chart" },
      details: JSON.stringify({ sha: lookAlikes[3], image: png, n: 5 }),
      counts: [1, 2, 3],
      ok: true,
      none: null
    }
    expect(redactor.redactJson(value)).toBe(value)
  })
})

describe("Redactor: redactJson", () => {
  it("passes undefined, null, numbers and booleans through", () => {
    expect(redactor.redactJson(undefined)).toBeUndefined()
    expect(redactor.redactJson(null)).toBeNull()
    expect(redactor.redactJson(42)).toBe(42)
    expect(redactor.redactJson(false)).toBe(false)
  })

  it("redacts a top-level string", () => {
    const ghp = fakes.find((f) => f.rule === "github")!.text
    expect(redactor.redactJson("token " + ghp)).toBe("token [REDACTED:github]")
  })

  it("does not mutate its input and shares unchanged parts", () => {
    const ghp = fakes.find((f) => f.rule === "github")!.text
    const untouched = { deep: { list: [1, "two", { three: 3 }] } }
    const input = { untouched, changed: { note: "use " + ghp, count: 7 }, list: ["a", ghp] }
    const deepFreeze = (v: unknown): void => {
      if (typeof v === "object" && v !== null) {
        Object.freeze(v)
        for (const child of Object.values(v)) deepFreeze(child)
      }
    }
    const before = structuredClone(input)
    deepFreeze(input)
    const out = redactor.redactJson(input)
    expect(input).toEqual(before)
    expect(out).not.toBe(input)
    expect(out.untouched).toBe(untouched)
    expect(out.changed).toEqual({ note: "use [REDACTED:github]", count: 7 })
    expect(out.list).toEqual(["a", "[REDACTED:github]"])
    expect(Object.keys(out)).toEqual(["untouched", "changed", "list"])
  })

  it("keeps an own __proto__ key as data", () => {
    const input: unknown = JSON.parse("{\"__proto__\": {\"password\": \"x\"}, \"a\": 1}")
    const out = redactor.redactJson(input)
    expect(JSON.stringify(out)).toBe("{\"__proto__\":{\"password\":\"[REDACTED:sensitive-key]\"},\"a\":1}")
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
  })

  it("reads class instances as JSON.stringify would", () => {
    const ghp = fakes.find((f) => f.rule === "github")!.text
    class Connection {
      constructor(readonly host: string, readonly password: string) {}
    }
    class WithToJson {
      toJSON() {
        return { note: "token " + ghp }
      }
    }
    const date = new Date(0)
    const out = redactor.redactJson({ conn: new Connection("db", "pw"), custom: new WithToJson(), date })
    expect(JSON.parse(JSON.stringify(out))).toEqual({
      conn: { host: "db", password: "[REDACTED:sensitive-key]" },
      custom: { note: "token [REDACTED:github]" },
      date: "1970-01-01T00:00:00.000Z"
    })
    expect(out.date).toBe(date)
  })

  it("keeps binary data, except under a sensitive key", () => {
    const bytes = new Uint8Array([1, 2, 3])
    const buffer = Buffer.from("key material")
    const out = redactor.redactJson({ bytes, private_key: buffer, signing: { secret: bytes } })
    expect(out.bytes).toBe(bytes)
    expect(out.private_key).toBe("[REDACTED:sensitive-key]")
    expect(out.signing.secret).toBe("[REDACTED:sensitive-key]")
  })

  it("replaces a cycle instead of looping", () => {
    const node: { name: string; self?: unknown } = { name: "n" }
    node.self = node
    expect(redactor.redactJson(node)).toEqual({ name: "n", self: "[Circular]" })
  })

  it("is idempotent", () => {
    const value = {
      a: fakes.map((f) => f.text),
      b: { password: "x", details: JSON.stringify({ api_key: "y", note: fakes[0]!.text }) }
    }
    const once = redactor.redactJson(value)
    expect(redactor.redactJson(once)).toBe(once)
  })
})

describe("Redactor: options", () => {
  const ghp = fakes.find((f) => f.rule === "github")!.text

  it("is on by default, with undefined options and with an empty object", () => {
    for (const options of [undefined, {}]) {
      const r = makeRedactor(options)
      expect(r.enabled).toBe(true)
      expect(r.redactText(ghp)).toBe("[REDACTED:github]")
    }
  })

  it("cannot be turned off by accident: anything but the literal \"off\" keeps the defaults", () => {
    const accidents: ReadonlyArray<unknown> = [null, false, 0, "", "OFF", "none", "disabled", { enabled: false }]
    for (const options of accidents) {
      const r = makeRedactor(options as RedactionOptions)
      expect(r.enabled).toBe(true)
      expect(r.redactText("x " + ghp)).toBe("x [REDACTED:github]")
      expect(r.redactJson({ password: "p" })).toEqual({ password: "[REDACTED:sensitive-key]" })
    }
  })

  it("is off only with the explicit \"off\"", () => {
    const r = makeRedactor("off")
    expect(r.enabled).toBe(false)
    const value = { password: "p", note: ghp }
    expect(r.redactText(ghp)).toBe(ghp)
    expect(r.redactJson(value)).toBe(value)
  })

  it("takes replacement rules, extra rules and sensitive keys", () => {
    const ticket: RedactionRule = { name: "acme-ticket", pattern: /ACME-\d{6}/ }
    const onlyTickets = makeRedactor({ rules: [ticket] })
    expect(onlyTickets.redactText("ACME-123456 " + ghp)).toBe("[REDACTED:acme-ticket] " + ghp)
    expect(onlyTickets.redactJson({ password: "p" })).toEqual({ password: "[REDACTED:sensitive-key]" })

    const extra = makeRedactor({ extraRules: [ticket] })
    expect(extra.redactText("ACME-123456 " + ghp)).toBe("[REDACTED:acme-ticket] [REDACTED:github]")

    const pins = makeRedactor({ sensitiveKeys: /^pin$/i })
    expect(pins.redactJson({ PIN: "8351", password: "p" })).toEqual({ PIN: "[REDACTED:sensitive-key]", password: "p" })
    expect(pins.redactText("pin=8351 password=p")).toBe("pin=[REDACTED:sensitive-key] password=p")
  })

  it("keeps placeholders safe: odd rule names are cleaned, empty matches ignored", () => {
    const r = makeRedactor({
      rules: [{ name: "my \"rule\"]", pattern: /zz\d+/g }, { name: "empty", pattern: /x*/g }]
    })
    expect(r.redactText("a zz12 b")).toBe("a [REDACTED:my--rule--] b")
  })
})

describe("Redactor: service", () => {
  it.effect("Redactor.Default provides the default rules", () =>
    Effect.gen(function*() {
      const r = yield* Redactor
      expect(r.enabled).toBe(true)
      expect(r.redactText("AK" + "IA" + chars(16, UPPER_ALNUM, 9))).toBe("[REDACTED:aws-access-key]")
    }).pipe(Effect.provide(Redactor.Default)))

  it.effect("Redactor.layer(undefined) is enabled", () =>
    Effect.gen(function*() {
      const r = yield* Redactor
      expect(r.enabled).toBe(true)
      expect(r.redactJson({ secret: "s" })).toEqual({ secret: "[REDACTED:sensitive-key]" })
    }).pipe(Effect.provide(Redactor.layer(undefined))))

  it.effect("Redactor.layer(\"off\") is disabled", () =>
    Effect.gen(function*() {
      const r = yield* Redactor
      expect(r.enabled).toBe(false)
      expect(r.redactText("password=p")).toBe("password=p")
    }).pipe(Effect.provide(Redactor.layer("off"))))
})

describe("Redactor: linear time", () => {
  /** CPU milliseconds `f` takes: time spent descheduled on a busy machine does not count. */
  const timed = (f: () => unknown): number => {
    const before = process.cpuUsage()
    f()
    const spent = process.cpuUsage(before)
    return (spent.user + spent.system) / 1_000
  }

  const MB = 1_000_000
  const fill = (unit: string): string => unit.repeat(Math.ceil(MB / unit.length))
  const nearMisses: Record<string, string> = {
    "letters": fill("a"),
    "dashes": fill("-"),
    "backslashes": fill("\\"),
    "escaped newlines": fill("\\n"),
    "colons": fill("a:"),
    "sk- prefixes": fill("sk-"),
    "sk-ant- prefixes": fill("sk-ant-x-"),
    "AKIA prefixes": fill("AKIA"),
    "ghp_ prefixes": fill("ghp_"),
    "xoxb- prefixes": fill("xoxb-"),
    "AIza prefixes": fill("AIza"),
    "JWT-like segments": fill("eyJabcdefghijkl."),
    "unterminated PEM headers": fill("-----BEGIN RSA PRIVATE KEY-----"),
    "almost PEM headers": fill("-----BEGIN RSA PRIVATE KE"),
    "slack webhook stems": fill("hooks.slack.com/services"),
    "URL user infos": fill("https://user:"),
    "password= pairs": fill("password="),
    "quoted sensitive keys": fill("\"token\":\""),
    "escaped quoted keys": fill("\\\"api_key\\\":\\\""),
    "long identifier": fill("abcdefgh_"),
    "spaces after a key": "token:" + " ".repeat(MB),
    "base64": fill("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=")
  }
  for (const [name, text] of Object.entries(nearMisses)) {
    it(`1 MB of ${name} takes well under a second`, () => {
      // The best of three runs: on a shared machine one run can lose the CPU; quadratic work would take minutes.
      expect(Math.min(...[1, 2, 3].map(() => timed(() => redactor.redactText(text))))).toBeLessThan(1000)
    })
  }

  it("a 10 MB trajectory is redacted in a few seconds and comes back as is", () => {
    const observation = "The agent ran `git log`; commit da39a3ee5e6b4b0d3255bfef95601890afd80709, " +
      "id=550e8400-e29b-41d4-a716-446655440000, status: ok, tokens: 1234.\n"
    const steps = Array.from({ length: 25_000 }, (_, i) => ({
      step_id: i,
      source: "agent",
      message: "Looking at src/file" + i + ".ts and running the tests",
      tool_calls: [{ function_name: "bash", arguments: { command: "npm test -- --grep case" + i } }],
      observation: { results: [{ content: observation.repeat(3) }] },
      metrics: { prompt_tokens: 1000 + i, completion_tokens: 20, cached_tokens: 0 }
    }))
    const trajectory = { schema_version: "ATIF-v1.2", session_id: "s-1", steps }
    expect(JSON.stringify(trajectory).length).toBeGreaterThan(10 * MB)
    let out: unknown
    expect(timed(() => (out = redactor.redactJson(trajectory)))).toBeLessThan(5000)
    expect(out).toBe(trajectory)
  })

  it("a 1 MB context with secrets is redacted quickly", () => {
    const chunk = "context line with password=hunter2 and " + fakes[0]!.text + " and more text\n"
    const text = chunk.repeat(Math.ceil(MB / chunk.length))
    let out = ""
    expect(timed(() => (out = redactor.redactText(text)))).toBeLessThan(2000)
    expect(out).not.toContain("hunter2")
    expect(out).not.toContain(fakes[0]!.text)
  })
})

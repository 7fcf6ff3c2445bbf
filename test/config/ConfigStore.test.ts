import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { type ConfigScope, ConfigStore, projectScope } from "../../src/ConfigStore.js"
import { ValidationError } from "../../src/Errors.js"
import { describeBackends } from "../support/Backends.js"
import { anthropicKey as fakeAnthropicKey } from "../support/Secrets.js"

describeBackends("ConfigStore", ({ core }) => {
const TestLayer = ConfigStore.DefaultWithoutDependencies.pipe(Layer.provideMerge(core))

const Settings = Schema.Struct({ model: Schema.String, temperature: Schema.Number, agents: Schema.Array(Schema.String) })

describe("ConfigStore.get / set", () => {
  it.effect("round-trips JSON values through the caller's schema", () =>
    Effect.gen(function*() {
      const config = yield* ConfigStore
      const settings = { model: "claude-sonnet", temperature: 0.7, agents: ["builder", "reviewer 🦀"] }
      yield* config.set("settings", settings)
      expect(yield* config.get("settings", Settings)).toEqual(Option.some(settings))
      yield* config.set("retries", 3)
      expect(yield* config.get("retries", Schema.Number)).toEqual(Option.some(3))
      yield* config.set("flag", false)
      expect(yield* config.get("flag", Schema.Boolean)).toEqual(Option.some(false))
      yield* config.set("nothing", null)
      expect(yield* config.get("nothing", Schema.Null)).toEqual(Option.some(null))
      yield* config.set("ratio", 0.30000000000000004)
      expect(yield* config.get("ratio", Schema.Number)).toEqual(Option.some(0.30000000000000004))
    }).pipe(Effect.provide(TestLayer)))

  it.effect("is none for a key never set", () =>
    Effect.gen(function*() {
      const config = yield* ConfigStore
      expect(yield* config.get("missing", Schema.String)).toEqual(Option.none())
      expect(yield* config.get("missing", Schema.String, { scope: "project:p" })).toEqual(Option.none())
    }).pipe(Effect.provide(TestLayer)))

  it.effect("set replaces the value in its scope", () =>
    Effect.gen(function*() {
      const config = yield* ConfigStore
      yield* config.set("model", "a")
      yield* config.set("model", "b")
      expect(yield* config.get("model", Schema.String)).toEqual(Option.some("b"))
      expect(yield* config.list()).toHaveLength(1)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a project scope reads its own value, else the global one", () =>
    Effect.gen(function*() {
      const config = yield* ConfigStore
      yield* config.set("model", "global-model")
      yield* config.set("model", "project-model", { scope: "project:alpha" })
      yield* config.set("retries", 5)
      expect(yield* config.get("model", Schema.String, { scope: "project:alpha" })).toEqual(Option.some("project-model"))
      expect(yield* config.get("model", Schema.String, { scope: projectScope("beta") })).toEqual(Option.some("global-model"))
      expect(yield* config.get("retries", Schema.Number, { scope: "project:alpha" })).toEqual(Option.some(5))
      expect(yield* config.get("model", Schema.String)).toEqual(Option.some("global-model"))
      expect(yield* config.get("model", Schema.String, { scope: "global" })).toEqual(Option.some("global-model"))
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a project value only, and no global one, is not seen globally nor by another project", () =>
    Effect.gen(function*() {
      const config = yield* ConfigStore
      yield* config.set("only", 1, { scope: "project:alpha" })
      expect(yield* config.get("only", Schema.Number)).toEqual(Option.none())
      expect(yield* config.get("only", Schema.Number, { scope: "project:beta" })).toEqual(Option.none())
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a stored value that does not match the schema is a ValidationError, never a fallback", () =>
    Effect.gen(function*() {
      const config = yield* ConfigStore
      yield* config.set("model", "global-model")
      yield* config.set("model", 42, { scope: "project:alpha" })
      const error = yield* Effect.flip(config.get("model", Schema.String, { scope: "project:alpha" }))
      expect(error).toBeInstanceOf(ValidationError)
      expect(error.message).toContain("model")
      const nested = yield* Effect.flip(config.get("model", Settings))
      expect(nested._tag).toBe("ValidationError")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("decodes with transforming schemas, and encodes with one on set", () =>
    Effect.gen(function*() {
      const config = yield* ConfigStore
      const when = new Date("2025-01-31T09:30:00.000Z")
      yield* config.set("since", when, { schema: Schema.Date })
      expect(yield* config.get("since", Schema.String)).toEqual(Option.some("2025-01-31T09:30:00.000Z"))
      expect(yield* config.get("since", Schema.Date)).toEqual(Option.some(when))
      const refused = yield* Effect.flip(config.set("since", new Date(Number.NaN), { schema: Schema.Date }))
      expect(refused._tag).toBe("ValidationError")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("refuses values that are not JSON, empty keys and malformed scopes, writing nothing", () =>
    Effect.gen(function*() {
      const config = yield* ConfigStore
      const refusals = [
        config.set("f", () => 1),
        config.set("n", Number.NaN),
        config.set("u", undefined),
        config.set("d", new Date()),
        config.set("deep", { a: [1, { b: 1n }] }),
        config.set("", 1),
        config.set("k", 1, { scope: "project:" as ConfigScope }),
        config.set("k", 1, { scope: "projects:x" as ConfigScope }),
        config.set("k", 1, { scope: "Global" as ConfigScope }),
        config.set("k", 1, { scope: "project: x" as ConfigScope })
      ]
      for (const refusal of refusals) {
        expect((yield* Effect.flip(refusal))._tag).toBe("ValidationError")
      }
      expect((yield* Effect.flip(config.get("k", Schema.Number, { scope: "nope" as ConfigScope })))._tag).toBe("ValidationError")
      expect((yield* Effect.flip(config.delete("k", { scope: "nope" as ConfigScope })))._tag).toBe("ValidationError")
      expect((yield* Effect.flip(config.list({ scope: "nope" as ConfigScope })))._tag).toBe("ValidationError")
      expect(yield* config.list()).toEqual([])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("keys and values with quotes, unicode and SQL are data", () =>
    Effect.gen(function*() {
      const config = yield* ConfigStore
      const key = "it's \"quoted\"; DROP TABLE configurations; -- 🦀"
      yield* config.set(key, { text: "'); DELETE FROM configurations; --" }, { scope: "project:o'brien" })
      expect(yield* config.get(key, Schema.Struct({ text: Schema.String }), { scope: "project:o'brien" })).toEqual(
        Option.some({ text: "'); DELETE FROM configurations; --" })
      )
      expect(yield* config.list()).toHaveLength(1)
    }).pipe(Effect.provide(TestLayer)))
})

describe("ConfigStore redaction", () => {
  it.effect("secrets in values never reach the database, also under a sensitive key name", () =>
    Effect.gen(function*() {
      const config = yield* ConfigStore
      const anthropicKey = fakeAnthropicKey()
      yield* config.set("llm", { provider: "anthropic", apiKey: "plain-looking", note: `key ${anthropicKey}` })
      yield* config.set("github.token", "just-a-string")
      yield* config.set("password", "hunter2", { scope: "project:p" })
      yield* config.set("maxTokens", 4096)

      const sql = yield* SqlClient.SqlClient
      const dump = JSON.stringify(yield* sql`SELECT * FROM configurations`)
      expect(dump).not.toContain(anthropicKey)
      expect(dump).not.toContain("plain-looking")
      expect(dump).not.toContain("just-a-string")
      expect(dump).not.toContain("hunter2")

      expect(yield* config.get("llm", Schema.Struct({ provider: Schema.String, apiKey: Schema.String, note: Schema.String })))
        .toEqual(Option.some({ provider: "anthropic", apiKey: "[REDACTED:sensitive-key]", note: "key [REDACTED:anthropic]" }))
      expect(yield* config.get("password", Schema.String, { scope: "project:p" })).toEqual(
        Option.some("[REDACTED:sensitive-key]")
      )
      expect(yield* config.get("maxTokens", Schema.Number)).toEqual(Option.some(4096))
    }).pipe(Effect.provide(TestLayer)))
})

describe("ConfigStore.delete", () => {
  it.effect("removes the key from its scope only", () =>
    Effect.gen(function*() {
      const config = yield* ConfigStore
      yield* config.set("model", "global-model")
      yield* config.set("model", "project-model", { scope: "project:alpha" })
      expect(yield* config.delete("model", { scope: "project:alpha" })).toBe(true)
      expect(yield* config.delete("model", { scope: "project:alpha" })).toBe(false)
      // The project now falls back to the global value, which is untouched.
      expect(yield* config.get("model", Schema.String, { scope: "project:alpha" })).toEqual(Option.some("global-model"))
      expect(yield* config.delete("model", { scope: "project:beta" })).toBe(false)
      expect(yield* config.delete("model")).toBe(true)
      expect(yield* config.get("model", Schema.String)).toEqual(Option.none())
      expect(yield* config.delete("never")).toBe(false)
    }).pipe(Effect.provide(TestLayer)))
})

describe("ConfigStore.list", () => {
  it.effect("lists every scope, one scope, or a project's effective settings", () =>
    Effect.gen(function*() {
      const config = yield* ConfigStore
      yield* config.set("model", "global-model")
      yield* config.set("retries", 3)
      yield* config.set("model", "alpha-model", { scope: "project:alpha" })
      yield* config.set("budget", { usd: 12.5 }, { scope: "project:alpha" })
      yield* config.set("model", "beta-model", { scope: "project:beta" })

      const all = yield* config.list()
      expect(all.map((e) => [e.scope, e.key, e.value])).toEqual([
        ["global", "model", "global-model"],
        ["global", "retries", 3],
        ["project:alpha", "budget", { usd: 12.5 }],
        ["project:alpha", "model", "alpha-model"],
        ["project:beta", "model", "beta-model"]
      ])
      expect(all.every((e) => !Number.isNaN(Date.parse(e.updatedAt)))).toBe(true)

      expect((yield* config.list({ scope: "global" })).map((e) => e.key)).toEqual(["model", "retries"])
      expect((yield* config.list({ scope: "project:alpha" })).map((e) => [e.key, e.value])).toEqual([
        ["budget", { usd: 12.5 }],
        ["model", "alpha-model"]
      ])
      expect((yield* config.list({ scope: "project:alpha", effective: true })).map((e) => [e.scope, e.key, e.value]))
        .toEqual([
          ["global", "retries", 3],
          ["project:alpha", "budget", { usd: 12.5 }],
          ["project:alpha", "model", "alpha-model"]
        ])
      expect((yield* config.list({ scope: "project:gamma", effective: true })).map((e) => e.key)).toEqual([
        "model",
        "retries"
      ])
      expect(yield* config.list({ scope: "project:gamma" })).toEqual([])
    }).pipe(Effect.provide(TestLayer)))
})
})

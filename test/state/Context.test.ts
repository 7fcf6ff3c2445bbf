import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as fc from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { StateStore } from "../../src/StateStore.js"
import { describeBackends } from "../support/Backends.js"
import { fileLayer } from "../support/FileLayer.js"
import { anthropicKey as fakeAnthropicKey, awsAccessKeyId } from "../support/Secrets.js"

describeBackends("StateStore context", ({ core, coreWith }) => {
const TestLayer = StateStore.DefaultWithoutDependencies.pipe(Layer.provideMerge(core))
const UnredactedLayer = StateStore.DefaultWithoutDependencies.pipe(
  Layer.provideMerge(coreWith({ redaction: "off" }))
)

const timestamp = "2025-01-31T09:30:00.000Z"

const loadSome = (taskId: string) =>
  Effect.flatMap(StateStore, (store) => store.load(taskId)).pipe(Effect.map(Option.getOrThrow))

/** Numbers that a lossy path (a float32, a rounding, SQLite's JSON rendering) would change. */
const NUMBERS = [
  0,
  1,
  -1,
  0.1,
  0.30000000000000004,
  1 / 3,
  123456789.12345679,
  1e21,
  -1.5e-7,
  5e-324,
  1e-300,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  Number.MIN_VALUE,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
  2 ** 53 + 2,
  9007199254740993, // rounds to 2^53 in JavaScript already; what matters is that it stays that double
  1.7976931348623157e308,
  2.2250738585072014e-308
]

const UNICODE = [
  "ascii",
  "accents: é à ü ñ ç",
  "CJK: 漢字かなカナ한국어",
  "RTL: مرحبا שלום",
  "emoji: 🦀👩‍👩‍👧‍👦🏳️‍🌈",
  "combining: e\u0301 a\u030A",
  "zero width: a\u200Bb\u200D",
  "controls: \u0000 \u0001 \t \n \r \u001F",
  "quotes and backslashes: \" ' \\ \\\\ \\u0041",
  "a surrogate pair: \uD83D\uDE00",
  "line separators: \u2028 \u2029",
  "BOM: \uFEFF"
]

describe("StateStore contexts", () => {
  it.effect("unicode, nesting, tricky numbers and a 1 MB value round-trip exactly", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      let deep: unknown = { bottom: [NUMBERS[3], "🦀"] }
      for (let i = 0; i < 200; i++) deep = i % 2 === 0 ? { level: i, next: deep } : [i, deep]
      const big = "0123456789abcdef🦀é漢".repeat(1024 * 1024 / 20)
      const context = {
        numbers: NUMBERS,
        unicode: UNICODE,
        "ключ 🔑 with \"quotes\"": { "": "empty key", " ": [null, true, false, [], {}] },
        deep,
        big,
        bigArray: Array.from({ length: 5000 }, (_, i) => ({ i, x: i / 7 }))
      }
      expect(JSON.stringify(context).length).toBeGreaterThan(1024 * 1024)
      yield* store.save({
        taskId: "t",
        projectId: "p",
        state: "S",
        context: { ...context, checkpoints: [{ id: "c", state: "S", context, artifacts: [big, NUMBERS], timestamp }] },
        history: [{ from: "A", to: "S", event: "E", timestamp, metadata: { numbers: NUMBERS, unicode: UNICODE } }]
      })
      const loaded = yield* loadSome("t")
      const { checkpoints, ...rest } = loaded.context
      expect(rest).toStrictEqual(context)
      expect(checkpoints[0]!.context).toStrictEqual(context)
      expect(checkpoints[0]!.artifacts).toStrictEqual([big, NUMBERS])
      expect(loaded.history[0]!.metadata).toStrictEqual({ numbers: NUMBERS, unicode: UNICODE })
      // Bit-exact numbers.
      const numbers = rest.numbers as ReadonlyArray<number>
      numbers.forEach((n, i) => expect(Object.is(n, NUMBERS[i])).toBe(true))
      expect(yield* store.list("p")).toStrictEqual([loaded])

      // The stored text is exactly JSON.stringify's: no rewriting by SQLite.
      const sql = yield* SqlClient.SqlClient
      const text = sql.onDialectOrElse({ pg: () => sql`context::text`, orElse: () => sql`context` })
      const [row] = yield* sql`SELECT ${text} AS context FROM workflow_states WHERE task_id = 't'`.pipe(
        Effect.flatMap(Schema.decodeUnknown(Schema.Tuple(Schema.Struct({ context: Schema.String }))))
      )
      expect(row.context).toBe(JSON.stringify(context))
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a 1 MB context survives checkpoint and restore exactly", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      const context = { blob: "x🦀".repeat(350_000), numbers: NUMBERS }
      yield* store.save({ taskId: "t", projectId: "p", state: "S", context, history: [] })
      yield* store.checkpoint("t")
      yield* store.save({ taskId: "t", projectId: "p", state: "T", context: { other: 1 }, history: [] })
      const restored = yield* store.restore("t")
      const { checkpoints: _, ...rest } = restored.context
      expect(rest).toStrictEqual(context)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("an own \"__proto__\" member of a context is data and round-trips", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      const context = JSON.parse('{"__proto__":{"polluted":true},"kept":1}')
      yield* store.save({ taskId: "t", projectId: "p", state: "S", context, history: [] })
      const loaded = yield* loadSome("t")
      const { checkpoints: _, ...rest } = loaded.context
      expect(rest).toStrictEqual(context)
      expect(Object.hasOwn(loaded.context, "__proto__")).toBe(true)
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    }).pipe(Effect.provide(TestLayer)))

  // One database for every generated case (each under a task of its own): a fresh one per case
  // would cost a server database each on PostgreSQL.
  describe("on one database", () => {
    const shared = fileLayer(UnredactedLayer, { timeout: 120_000 })
    let run = 0
    shared.prop(
      "any JSON object round-trips",
      fc.tuple(fc.dictionary(fc.string(), fc.jsonValue()), fc.jsonValue()),
      ([context, metadata]) =>
        Effect.gen(function*() {
          const store = yield* StateStore
          const taskId = `t-${run++}`
          const clean = Object.fromEntries(Object.entries(context).filter(([key]) => key !== "checkpoints"))
          yield* store.save({
            taskId,
            projectId: "p",
            state: "S",
            context: clean,
            history: [{ from: "A", to: "S", event: "E", timestamp, metadata: { value: metadata } }]
          })
          const loaded = yield* loadSome(taskId)
          const { checkpoints: _, ...rest } = loaded.context
          expect(rest).toStrictEqual(JSON.parse(JSON.stringify(clean)))
          expect(loaded.history[0]!.metadata).toStrictEqual({ value: JSON.parse(JSON.stringify(metadata)) })
        }),
      { numRuns: 40 }
    )
  })
})

describe("StateStore redaction", () => {
  const anthropicKey = fakeAnthropicKey()
  const awsKey = awsAccessKeyId()

  it.effect("secrets in contexts, metadata, events, checkpoints and artifacts never reach the database", () =>
    Effect.gen(function*() {
      const store = yield* StateStore
      const secretContext = { note: `use ${anthropicKey} please`, password: "hunter2", nested: [{ aws: awsKey }] }
      yield* store.save({
        taskId: "t",
        projectId: "p",
        state: "S",
        context: {
          ...secretContext,
          checkpoints: [{ id: "c", state: "S", context: secretContext, artifacts: [anthropicKey], timestamp }]
        },
        history: [{ from: "A", to: "S", event: `called with ${awsKey}`, timestamp, metadata: secretContext }]
      })
      yield* store.transition("t", { to: "T", event: "E", metadata: { token: "abc" } })
      yield* store.checkpoint("t", { context: { key: anthropicKey }, artifacts: [{ file: awsKey }] })

      const sql = yield* SqlClient.SqlClient
      const dump = JSON.stringify([
        yield* sql`SELECT * FROM workflow_states`,
        yield* sql`SELECT * FROM state_transitions`,
        yield* sql`SELECT * FROM checkpoints`
      ])
      expect(dump).not.toContain(anthropicKey)
      expect(dump).not.toContain(awsKey)
      expect(dump).not.toContain("hunter2")
      expect(dump).not.toContain("\"abc\"")
      expect(dump).toContain("[REDACTED:")

      const loaded = yield* loadSome("t")
      expect(loaded.context.note).toBe("use [REDACTED:anthropic] please")
      expect(loaded.context.password).toBe("[REDACTED:sensitive-key]")
    }).pipe(Effect.provide(TestLayer)))
})
})

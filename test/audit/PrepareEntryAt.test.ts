/**
 * The writer of `AuditLog.record` prepares entries as plain code
 * (`prepareEntryAt`, reading the common well-formed entry without the
 * schema's decoder): for any input it must give what the schema-based
 * `prepareEntry` gives at the same instant, the record or the same
 * `ValidationError`.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as fc from "effect/FastCheck"
import { prepareEntry, prepareEntryAt } from "../../src/audit/prepareEntries.js"
import { makeRedactor } from "../../src/redaction/Redactor.js"

const at = Date.UTC(2026, 0, 2, 3, 4, 5, 678)

const clockAt = (millis: number): Clock.Clock => ({
  [Clock.ClockTypeId]: Clock.ClockTypeId,
  unsafeCurrentTimeMillis: () => millis,
  currentTimeMillis: Effect.succeed(millis),
  unsafeCurrentTimeNanos: () => BigInt(millis) * 1_000_000n,
  currentTimeNanos: Effect.succeed(BigInt(millis) * 1_000_000n),
  sleep: (duration) => Effect.sleep(duration)
})

const redactor = makeRedactor()
const viaSchema = (input: unknown) =>
  Effect.runSync(Effect.either(prepareEntry(redactor)(input)).pipe(Effect.withClock(clockAt(at))))
const plain = prepareEntryAt(redactor)

const comparable = (result: Either.Either<unknown, { readonly message: string; readonly issues: unknown }>) =>
  Either.match(result, {
    onLeft: (error) => ({ refused: { message: error.message, issues: error.issues } }),
    onRight: (record) => ({ record })
  })

const text = fc.oneof(
  fc.string(),
  fc.constantFrom("", "project-1", "sk-live-0123456789abcdefghij", "password=hunter2", "\uD800")
)
const field = fc.oneof(text, fc.constant(null), fc.constant(undefined), fc.integer(), fc.boolean())
const timestamp = fc.oneof(
  fc.constantFrom(
    "2025-01-31T09:30:00.000Z",
    "2025-01-31",
    "2025-02-30",
    "2025-01-31T09:30:00",
    "2025-01-31T09:30:00+02:00",
    "not a date",
    null,
    undefined
  ),
  fc.date({ noInvalidDate: false }),
  fc.integer()
)
const details = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(undefined, new Date(0), new Map([["a", 1]]), Number.NaN, { nested: { token: "ghp_0123456789abcdefghijklmnopqrstuvwxyz" } }),
  fc.object()
)
const entry = fc.record(
  {
    projectId: field,
    taskId: field,
    agent: field,
    action: fc.oneof(text, fc.constant(1), fc.constant(undefined)),
    category: fc.oneof(fc.constantFrom("state", "file", "agent", "security", "user"), text),
    details,
    userId: field,
    ipAddress: field,
    timestamp,
    extra: fc.anything()
  },
  { requiredKeys: [] }
)

describe("prepareEntryAt", () => {
  it("gives what the schema-based prepareEntry gives, record or ValidationError, for any input", () => {
    fc.assert(
      fc.property(fc.oneof({ weight: 8, arbitrary: entry }, { weight: 1, arbitrary: fc.anything() }), (input) => {
        expect(comparable(plain(input, at))).toEqual(comparable(viaSchema(input)))
      }),
      { numRuns: 400 }
    )
  })

  it("reads the common entry as the schema does: defaults, nulls, a Date timestamp, details redacted", () => {
    const inputs: ReadonlyArray<unknown> = [
      { action: "a", category: "state" },
      { action: "a", category: "file", projectId: null, taskId: undefined, details: { apiKey: "x", list: [1, "two"] } },
      { action: "a", category: "user", timestamp: new Date(Date.UTC(2025, 0, 31)), details: null },
      { action: "a", category: "agent", timestamp: "2025-01-31T09:30:00+02:00", extra: 1, agent: "sk-live-0123456789abcdefghij" },
      Object.assign(Object.create(null), { action: "a", category: "security" })
    ]
    for (const input of inputs) {
      const result = plain(input, at)
      expect(Either.isRight(result)).toBe(true)
      expect(comparable(result)).toEqual(comparable(viaSchema(input)))
    }
  })
})

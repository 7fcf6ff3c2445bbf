/**
 * Redaction stays linear in the size of its input whatever the input: a
 * property over adversarial texts built from the fragments every rule and
 * every name/value scanner reacts to (keys, separators, quotes, backslashes,
 * escaped line breaks, credential prefixes, URL user infos, tags, flags).
 * For each, 100 KB must cost about ten times 10 KB (bounded by 40: a
 * quadratic scan gives about 100), measured in the same run.
 */
import { describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import { makeRedactor } from "../../src/redaction/Redactor.js"

const fragments = [
  "password=", "token:", "\"api_key\":\"", "\\\"secret\\\":\\\"", "password:\n", "password:\\n  ", "name: DB_PASSWORD ",
  "value: ", "--password ", "-u ", "curl ", "<apiToken>", "</", "https://user:", "@", "sk-ant-", "ghp_", "xoxb-",
  "AKIA", "glpat-", "-----BEGIN RSA PRIVATE KEY-----", "eyJhbGciOi.", "eyJ", "Bearer ", "\\", "\\\\\"", "\"", "'",
  "`", ",", " ", "\n", "a", "Z9", "=", ":", "|", "%40", "x-oauth-basic", "SG.", "ops_eyJ", "\t"
]

const redactor = makeRedactor()

/** The least of five timings of `f`, in milliseconds (the least is the cost on a shared machine). */
const cost = (f: () => unknown): number => {
  let best = Number.POSITIVE_INFINITY
  for (let i = 0; i < 5; i++) {
    const start = performance.now()
    f()
    best = Math.min(best, performance.now() - start)
  }
  return best
}

const fill = (unit: string, size: number) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size)

describe("redaction cost", () => {
  it("100 KB of any adversarial text costs about ten times 10 KB, not a hundred", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...fragments), { minLength: 1, maxLength: 12 }), (parts) => {
        const unit = parts.join("")
        const small = fill(unit, 10_240)
        const large = fill(unit, 102_400)
        redactor.redactText(small)
        const ratio = cost(() => redactor.redactText(large)) / Math.max(cost(() => redactor.redactText(small)), 0.05)
        expect([unit, ratio < 40]).toEqual([unit, true])
      }),
      { numRuns: 40 }
    )
  })
})

/**
 * Redaction stays linear in the size of its input whatever the input. For
 * hostile texts (every rule's trigger repeated, alone and followed by runs of
 * the characters its pattern reads; every sensitive key with every
 * separator; unclosed quotes; `-u x=`; YAML blocks; nested JSON; long runs of
 * key-like characters) and for a few hundred random texts built from those
 * fragments, the cost per KB at 8n is compared with the cost per KB at n,
 * both measured in the same test: a linear scan costs about the same per KB,
 * a quadratic one eight times more. Costs are CPU time, so a busy machine's
 * descheduling does not count; the bound, four times, leaves room for caches
 * and collection, and a text over it is measured again before it counts.
 */
import { describe, expect, it } from "@effect/vitest"
import { FastCheck as fc } from "effect"
import { makeRedactor } from "../../src/redaction/Redactor.js"
import { fragments, hostileTexts, keyTexts, triggerTexts } from "./corpus/hostile.js"

const redactor = makeRedactor()

/** The process's CPU time so far, in milliseconds: unlike the wall clock, it does not count time spent descheduled. */
const cpuMillis = (): number => {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1_000
}

/** The least of `rounds` CPU timings of `f`, in milliseconds (on a shared machine the least is the cost). */
const cost = (f: () => unknown, rounds: number): number => {
  let best = Number.POSITIVE_INFINITY
  for (let i = 0; i < rounds; i++) {
    const start = cpuMillis()
    f()
    best = Math.min(best, cpuMillis() - start)
  }
  return best
}

const fill = (unit: string, size: number): string => unit.repeat(Math.ceil(size / unit.length)).slice(0, size)

/** How much more one KB costs at 8n than at n; the least of `tries` measurements. */
const growth = (make: (size: number) => string, size: number, tries = 3): number => {
  const small = make(size)
  const large = make(8 * size)
  let best = Number.POSITIVE_INFINITY
  for (let t = 0; t < tries && best > GROWTH_BOUND; t++) {
    redactor.redactText(small)
    redactor.redactText(large)
    const perSmall = Math.max(cost(() => redactor.redactText(small), 7), 0.005) / small.length
    const perLarge = cost(() => redactor.redactText(large), 5) / large.length
    best = Math.min(best, perLarge / perSmall)
  }
  return best
}

/** Linear cost gives about 1; quadratic cost gives about 8. */
const GROWTH_BOUND = 4

describe("redaction cost grows linearly with the input", () => {
  it(`${Object.keys(hostileTexts).length} hostile texts: one KB at 128 KB costs about what it costs at 16 KB`, () => {
    const over = Object.entries(hostileTexts)
      .map(([name, make]) => [name, Number(growth(make, 16_384).toFixed(1))] as const)
      .filter(([, g]) => g > GROWTH_BOUND)
    expect(over).toEqual([])
  })

  it(`${Object.keys(keyTexts).length} texts of sensitive keys and separators: one KB at 64 KB costs about what it costs at 8 KB`, () => {
    const over = Object.entries(keyTexts)
      .map(([name, make]) => [name, Number(growth(make, 8_192).toFixed(1))] as const)
      .filter(([, g]) => g > GROWTH_BOUND)
    expect(over).toEqual([])
  })

  it(`${Object.keys(triggerTexts).length} texts of each rule's trigger: one KB at 32 KB costs about what it costs at 4 KB`, () => {
    const over = Object.entries(triggerTexts)
      .map(([name, make]) => [name, Number(growth(make, 4_096).toFixed(1))] as const)
      .filter(([, g]) => g > GROWTH_BOUND)
    expect(over).toEqual([])
  })

  it("300 random texts built from those fragments: one KB at 32 KB costs about what it costs at 4 KB", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...fragments), { minLength: 1, maxLength: 10 }), (parts) => {
        const unit = parts.join("")
        const g = growth((n) => fill(unit, n), 4_096)
        expect([unit, g <= GROWTH_BOUND]).toEqual([unit, true])
      }),
      { numRuns: 300, seed: 12 }
    )
  })
})

/**
 * The redaction corpus, sample by sample: every true sample of gitleaks'
 * default rules and of secretlint's recommended preset (their own test
 * cases), and every shape of `corpus/shapes.ts`, raw and JSON-escaped, loses
 * its secret; their false samples, UUIDs, hashes, a base64 image and 10,000
 * lines of a real coding session come back unchanged. The same corpus through
 * `redaction: "off"` keeps every secret, so the spec can fail.
 */
import { describe, expect, it } from "@effect/vitest"
import { randomUUID, createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import { makeRedactor } from "../../src/redaction/Redactor.js"
import { falseSamples, redactedOnPurpose, type Sample, sampleKey, trueSamples } from "./corpus/Corpus.js"
import { makeShapes } from "./corpus/shapes.js"

const redactor = makeRedactor()
const off = makeRedactor("off")

/** JSON-escaping of a text as it appears inside a JSON string. */
const escaped = (s: string): string => JSON.stringify(s).slice(1, -1)

/** The needles of `sample` still present after redacting it in both forms, as gap keys. */
const misses = (sample: Sample, r = redactor): ReadonlyArray<string> => {
  const out: Array<string> = []
  const raw = r.redactText(sample.text)
  if (sample.needles.some((n) => raw.includes(n))) out.push(sampleKey(sample))
  const json = r.redactText(JSON.stringify(sample.text))
  if (sample.needles.some((n) => json.includes(escaped(n)))) out.push(sampleKey(sample) + " (JSON-escaped)")
  return out
}

const bySource = (source: Sample["source"]) => trueSamples.filter((s) => s.source === source)

describe("redaction corpus: the rule sets' own true samples", () => {
  for (const source of ["gitleaks", "secretlint"] as const) {
    const samples = bySource(source)
    it(`${source}: ${samples.length} true samples (${new Set(samples.map((s) => s.rule.split("/")[0])).size} rules), raw and JSON-escaped, all lose their secret`, () => {
      expect(samples.length).toBeGreaterThan(source === "gitleaks" ? 6000 : 50)
      expect(samples.flatMap((s) => misses(s))).toEqual([])
    })
  }

  it("with redaction \"off\" every true sample keeps its secret", () => {
    const kept = trueSamples.filter((s) => misses(s, off).length === 2)
    expect(kept.length).toBe(trueSamples.length)
  })
})

describe("redaction corpus: the shapes agents write", () => {
  const shapes = makeShapes()
  for (const shape of shapes) {
    it(`${shape.name}: gone from the text, its JSON-escaped form and the JSON value`, () => {
      const text = redactor.redactText(shape.text)
      const json = redactor.redactText(JSON.stringify(shape.text))
      const value = JSON.stringify(redactor.redactJson(shape.value))
      for (const needle of shape.needles) {
        expect(text).not.toContain(needle)
        expect(json).not.toContain(escaped(needle))
        expect(value).not.toContain(needle)
      }
      // and all there without redaction
      const plain = JSON.stringify(off.redactJson(shape.value)) + off.redactText(shape.text)
      expect(shape.needles.some((n) => plain.includes(n))).toBe(true)
    })
  }
})

describe("redaction corpus: no false positives", () => {
  for (const source of ["gitleaks", "secretlint"] as const) {
    const samples = falseSamples.filter((s) => s.source === source)
    it(`${source}: ${samples.length} false samples come back unchanged, but for the ones redacted on purpose`, () => {
      const changed = samples.filter((s) => redactor.redactText(s.text) !== s.text).map(sampleKey)
      const listed = Object.keys(redactedOnPurpose).filter((k) => k.startsWith(`${source} `))
      expect(changed.sort()).toEqual(listed.sort())
    })
  }

  it("UUIDs, hashes and a base64 image come back as the same value", () => {
    const png = "data:image/png;base64," + readFileSync(new URL("../fixtures/atif/coding-session.json", import.meta.url)).subarray(0, 30_000).toString("base64")
    const values = {
      uuids: Array.from({ length: 500 }, () => randomUUID()),
      sha1: Array.from({ length: 200 }, (_, i) => createHash("sha1").update(String(i)).digest("hex")),
      sha256: Array.from({ length: 200 }, (_, i) => createHash("sha256").update(String(i)).digest("hex")),
      sha512b64: Array.from({ length: 100 }, (_, i) => createHash("sha512").update(String(i)).digest("base64")),
      image: png
    }
    expect(redactor.redactJson(values)).toBe(values)
    expect(redactor.redactText(JSON.stringify(values))).toBe(JSON.stringify(values))
  })

  it("10,000 lines of a real coding session come back as the same value", () => {
    const trajectory: unknown = JSON.parse(readFileSync(new URL("../fixtures/atif/coding-session.json", import.meta.url), "utf8"))
    const text = JSON.stringify(trajectory)
    expect(text.split("\\n").length).toBeGreaterThanOrEqual(10_000)
    expect(redactor.redactJson(trajectory)).toBe(trajectory)
    expect(redactor.redactText(text)).toBe(text)
  })
})

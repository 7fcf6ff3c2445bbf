/**
 * The redaction workload of `npm run bench`: the cost of `redactText` on 1 KB
 * of ordinary agent text (lines of a real coding session), against the
 * budget of 10 µs per KB, and the growth from 10 KB to 100 KB of ordinary and
 * of adversarial text (near-misses of every rule), which stays linear: the
 * 100 KB / 10 KB time ratio is compared with the ratio of sizes, 10.
 */
import { readFileSync } from "node:fs"
import { makeRedactor } from "../src/redaction/Redactor.js"

export interface RedactionRun {
  readonly name: string
  readonly usPerKb: number
  readonly ratio100to10: number
}

const redactor = makeRedactor()

/** The least of `rounds` timings of `f`, in microseconds (the machine is shared: the least is the cost). */
const timeUs = (f: () => unknown, rounds: number): number => {
  const times: Array<number> = []
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint()
    f()
    times.push(Number(process.hrtime.bigint() - start) / 1_000)
  }
  return Math.min(...times)
}

/** `unit` repeated to `bytes` characters. */
const fill = (unit: string, bytes: number) => unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes)

const ordinaryText = (): string => {
  const session = JSON.parse(readFileSync(new URL("../test/fixtures/atif/coding-session.json", import.meta.url), "utf8")) as {
    readonly steps: ReadonlyArray<{ readonly observation?: { readonly results: ReadonlyArray<{ readonly content: string }> } }>
  }
  return session.steps.flatMap((s) => s.observation?.results.map((r) => r.content) ?? []).join("\n")
}

const adversarial: Record<string, string> = {
  "password= pairs": "password=",
  "quoted keys": "\"token\":\"",
  "escaped quoted keys": "\\\"api_key\\\":\\\"",
  "YAML keys": "password:\n",
  "escaped YAML keys": "password:\\n ",
  "name/value names": "name: DB_PASSWORD value: ",
  "flags": "--password -u ",
  "XML tags": "<apiToken>",
  "URL user infos": "https://user:",
  "prefixes": "sk-ant-ghp_xoxb-AKIAglpat-",
  "PEM headers": "-----BEGIN RSA PRIVATE KEY-----",
  "backslashes": "\\\\\\\\",
  "bearer": "Bearer Bearer "
}

/** Runs the workload; returns its figures. */
export const redactionBench = (): ReadonlyArray<RedactionRun> => {
  const ordinary = ordinaryText()
  const runs: Array<RedactionRun> = []
  const measure = (name: string, source: string) => {
    const kb1 = fill(source, 1_024)
    const kb10 = fill(source, 10_240)
    const kb100 = fill(source, 102_400)
    for (let i = 0; i < 200; i++) redactor.redactText(kb1 + String(i)) // warm up
    const us1 = timeUs(() => redactor.redactText(kb1), 2_000)
    const us10 = timeUs(() => redactor.redactText(kb10), 200)
    const us100 = timeUs(() => redactor.redactText(kb100), 30)
    runs.push({ name, usPerKb: Number(us1.toFixed(2)), ratio100to10: Number((us100 / us10).toFixed(2)) })
  }
  // Ordinary text: 1 KB windows across the whole session, the median of their costs.
  const windows = Array.from({ length: 200 }, (_, i) => ordinary.slice(i * 2_000, i * 2_000 + 1_024)).filter((w) => w.length === 1_024)
  for (const w of windows) redactor.redactText(w)
  const perWindow = windows.map((w) => timeUs(() => redactor.redactText(w), 50)).sort((a, b) => a - b)
  const kb10 = ordinary.slice(0, 10_240)
  const kb100 = ordinary.slice(0, 102_400)
  runs.push({
    name: "ordinary agent text",
    usPerKb: Number(perWindow[Math.floor(perWindow.length / 2)]!.toFixed(2)),
    ratio100to10: Number((timeUs(() => redactor.redactText(kb100), 30) / timeUs(() => redactor.redactText(kb10), 200)).toFixed(2))
  })
  for (const [name, unit] of Object.entries(adversarial)) measure(`adversarial: ${name}`, unit)
  return runs
}

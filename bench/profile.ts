/**
 * `npm run bench:profile`: where the time goes in the workloads whose
 * target is a ratio against a faster baseline. Each logbook operation and
 * its baseline run in a loop, once plainly (CPU and wall time per
 * operation) and once under the V8 CPU profiler (node:inspector, in this
 * process); every sample's self time is given to a category by the script
 * of its frame (bench/profile/categories.ts): Effect runtime, Schema,
 * @effect/sql, the SQLite driver, logbook's own source folders, GC, ...
 *
 * 1. audit ingest: `AuditLog.record` + `flush` vs a raw insert in one transaction;
 * 2. a workflow step and a resume: `StateStore.step` / `StateStore.current`
 *    vs LangGraph `SqliteSaver.put` / `getTuple` (bench/peers, installed on demand);
 * 3. hot reads on the suite's generated database (its `--quick` size unless
 *    `--full`) vs the same statements through raw better-sqlite3.
 *
 * logbook runs from dist/ (`npm run build`), one module per source file.
 * Prints the tables; writes bench/results/profile-<date>.json,
 * profile-latest.json and the profiles to bench/results/profiles/*.cpuprofile
 * (open them in Chrome DevTools or VS Code). Options: `--seconds N` per
 * side and run (default 3), `--interval µs` sampling interval (default
 * 100), `--history N` steps behind the workflow (default 100),
 * `--only 1,3`, `--full` (reads on the full-size database).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { loadLogbook } from "./profile/dist.js"
import { ingestWorkloads } from "./profile/ingest.js"
import { measurePair, type PairFigures } from "./profile/measure.js"
import type { Workloads } from "./profile/Pair.js"
import { printPair, printSummary } from "./profile/print.js"
import { readWorkloads } from "./profile/reads.js"
import { workflowWorkloads } from "./profile/workflow.js"
import { installPeers, missingPeers } from "./suite/peers.js"
import type { Scale } from "./suite/reads.js"
import { machine } from "./suite/report.js"

const args = process.argv.slice(2)
const option = (name: string, fallback: number) => {
  const at = args.indexOf(name)
  const value = at < 0 ? fallback : Number(args[at + 1])
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} takes a positive number`)
  return value
}
const onlyAt = args.indexOf("--only")
const only = onlyAt < 0 ? undefined : new Set(args[onlyAt + 1]?.split(",").map(Number))
const runs = (n: number) => only === undefined || only.has(n)
const full = args.includes("--full")
const settings = {
  secondsPerRun: option("--seconds", 3),
  samplingIntervalUs: option("--interval", 100),
  workflowHistory: option("--history", 100),
  scale: (full
    ? { audit: 1_000_000, lessons: 100_000, traces: 100_000, invocationsPerTrace: 10 }
    : { audit: 100_000, lessons: 10_000, traces: 10_000, invocationsPerTrace: 10 }) satisfies Scale
}

const resultsDirectory = fileURLToPath(new URL("./results/", import.meta.url))
const profileDirectory = path.join(resultsDirectory, "profiles")

const main = async () => {
  const started = performance.now()
  const about = machine()
  console.log(`logbook profile: ${about.cpus} x ${about.cpuModel}, node ${about.node}, load ${about.loadAverage.join(", ")}`)
  console.log(`each side: a warm-up, ${settings.secondsPerRun} s unprofiled, ${settings.secondsPerRun} s profiled (sampling every ${settings.samplingIntervalUs} µs)`)
  mkdirSync(profileDirectory, { recursive: true })
  if (runs(2)) installPeers()
  const lib = await loadLogbook()
  const dir = mkdtempSync(path.join(os.tmpdir(), "logbook-profile-"))
  const file = (name: string) => path.join(dir, `${name}.db`)
  const figures: Array<PairFigures> = []
  const group = async (n: number, make: () => Promise<Workloads>) => {
    if (!runs(n)) return
    const { pairs, close } = await make()
    try {
      for (const pair of pairs) {
        process.stdout.write(`\nmeasuring ${pair.slug} ...`)
        const t0 = performance.now()
        const measured = await measurePair(pair, settings.secondsPerRun * 1_000, settings.samplingIntervalUs, profileDirectory)
        process.stdout.write(` ${((performance.now() - t0) / 1_000).toFixed(1)} s\n`)
        printPair(measured, 15)
        figures.push(measured)
      }
    } finally {
      await close()
    }
  }
  try {
    await group(1, () => ingestWorkloads(lib, file))
    await group(2, () => workflowWorkloads(lib, file, settings.workflowHistory))
    await group(3, () => readWorkloads(lib, settings.scale))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  printSummary(figures)
  for (const [peer, why] of Object.entries(missingPeers)) console.log(`\npeer ${peer} left out: ${why}`)
  const seconds = Number(((performance.now() - started) / 1_000).toFixed(1))
  const date = new Date().toISOString()
  const text = JSON.stringify({
    date,
    machine: about,
    loadAverageAtEnd: os.loadavg().map((n) => Number(n.toFixed(2))),
    seconds,
    settings,
    missingPeers,
    pairs: figures
  }, null, 2) + "\n"
  const dated = path.join(resultsDirectory, `profile-${date.replace(/[:.]/g, "-")}.json`)
  writeFileSync(dated, text)
  writeFileSync(path.join(resultsDirectory, "profile-latest.json"), text)
  console.log(`\n${seconds} s; figures written to ${path.relative(process.cwd(), dated)}, profiles to ${path.relative(process.cwd(), profileDirectory)}/`)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})

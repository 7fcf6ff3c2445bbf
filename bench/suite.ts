/**
 * `npm run bench`: logbook against the raw driver and its peers (LangGraph's
 * SqliteSaver, Mastra's LibSQLStore, installed on demand in bench/peers), on
 * six workloads, every ratio measured in the same run:
 * 1. audit ingest, 2. workflow steps, 3. reads at scale, 4. start-up,
 * 5. export, 6. load from 4 processes on PostgreSQL beside a SQLite file
 * (skipped without LOGBOOK_TEST_PG_URL). Prints one table per workload (a speed ratio above 1 is faster
 * than the baseline named beside it) and writes the figures to
 * bench/results/. `--quick` runs every workload at a smaller size (about a
 * minute); `--only 2,3` runs some of them.
 */
import { mkdtempSync, rmSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { exportRss } from "./suite/exportRss.js"
import { ingest } from "./suite/ingest.js"
import { pgLoad } from "./suite/pgLoad.js"
import { installPeers, missingPeers } from "./suite/peers.js"
import { readsAtScale, type Scale } from "./suite/reads.js"
import { machine, printRows, type Row, writeResults } from "./suite/report.js"
import { startup } from "./suite/startup.js"
import { workflow } from "./suite/workflow.js"

const args = process.argv.slice(2)
const quick = args.includes("--quick")
const onlyAt = args.indexOf("--only")
const only = onlyAt < 0 ? undefined : new Set(args[onlyAt + 1]?.split(",").map(Number))
const runs = (n: number) => only === undefined || only.has(n)

const sizes = quick
  ? {
    records: 20_000,
    workflow: { histories: [1, 100, 1000], ops: 10, workflows: 64, rounds: 2 },
    scale: { audit: 100_000, lessons: 10_000, traces: 10_000, invocationsPerTrace: 10 } satisfies Scale,
    readIterations: 30,
    startupRuns: 3,
    loadMillis: 5_000
  }
  : {
    records: 100_000,
    workflow: { histories: [1, 100, 1000], ops: 100, workflows: 64, rounds: 5 },
    scale: { audit: 1_000_000, lessons: 100_000, traces: 100_000, invocationsPerTrace: 10 } satisfies Scale,
    readIterations: 200,
    startupRuns: 11,
    loadMillis: 30_000
  }

const resultsDirectory = fileURLToPath(new URL("./results/", import.meta.url))

const main = async () => {
  const started = performance.now()
  const dir = mkdtempSync(path.join(os.tmpdir(), "logbook-bench-"))
  const file = (name: string) => path.join(dir, `${name}.db`)
  const about = machine()
  console.log(`logbook bench${quick ? " (--quick)" : ""}: ${about.cpus} x ${about.cpuModel}, node ${about.node}, load ${about.loadAverage.join(", ")}`)
  // The peers are measured in workloads 1 to 5 only.
  if ([1, 2, 3, 4, 5].some(runs)) installPeers()
  const rows: Array<Row> = []
  const section = async (n: number, name: string, run: () => Promise<ReadonlyArray<Row>> | ReadonlyArray<Row>) => {
    if (!runs(n)) return
    const t0 = performance.now()
    const measured = await run()
    printRows(`${name} (${((performance.now() - t0) / 1000).toFixed(1)} s)`, measured)
    rows.push(...measured)
    // Written after each workload too, so that an interrupted run keeps what it measured.
    writeResults(resultsDirectory, { date: new Date().toISOString(), quick, partial: true, machine: about, sizes, rows })
  }
  try {
    await section(1, `1. audit ingest, ${sizes.records.toLocaleString("en-US")} records`, () => ingest(file, sizes.records))
    await section(2, "2. workflow steps (~2 KB context, a checkpoint per step)", () => workflow(file, sizes.workflow))
    let database: string | undefined
    await section(3, `3. reads at scale (${sizes.scale.audit.toLocaleString("en-US")} audit rows, ${sizes.scale.lessons.toLocaleString("en-US")} lessons, ${(sizes.scale.traces * sizes.scale.invocationsPerTrace).toLocaleString("en-US")} invocations)`, async () => {
      const result = await readsAtScale(sizes.scale, sizes.readIterations)
      database = result.file
      return result.rows
    })
    await section(4, "4. start-up (fresh processes, dist/)", () => startup(file, sizes.startupRuns))
    await section(5, `5. export of ${sizes.scale.audit.toLocaleString("en-US")} audit rows`, async () => {
      const source = database ?? (await readsAtScale(sizes.scale, 1)).file
      return exportRss(source, sizes.scale.audit, file)
    })
    await section(6, `6. load from 4 processes, ${sizes.loadMillis / 1000} s (PostgreSQL beside a SQLite file)`, () => pgLoad(file, sizes.loadMillis))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  for (const [peer, why] of Object.entries(missingPeers)) console.log(`\npeer ${peer} left out: ${why}`)
  const seconds = Number(((performance.now() - started) / 1000).toFixed(1))
  const out = writeResults(resultsDirectory, {
    date: new Date().toISOString(),
    quick,
    machine: about,
    loadAverageAtEnd: os.loadavg().map((n) => Number(n.toFixed(2))),
    seconds,
    sizes,
    missingPeers,
    rows
  })
  console.log(`\n${seconds} s; figures written to ${path.relative(process.cwd(), out)}`)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})

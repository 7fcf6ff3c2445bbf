/**
 * Workload 4, start-up: each figure is measured in a fresh `node` process
 * running the built package (dist/), the median of `runs` processes.
 * - import of the package, then acquisition of `Logbook.layer` on a fresh
 *   file (created and migrated) and on a migrated one; against
 *   `@effect/sql-sqlite-node` alone (import and open the migrated file) and
 *   LangGraph's SqliteSaver (import, open with logbook's better-sqlite3, as
 *   the peers are installed without building a driver, first `getTuple`).
 * - the CPU time (user + system, every thread) of the same processes, for
 *   the migrated file and the `@effect/sql-sqlite-node` baseline.
 * The probes run in interleaved rounds (one of each per round), so that a
 * change in the machine's load weighs on logbook and its baselines alike.
 * - the CLI: wall time of `logbook --version` and of a read command
 *   (`logbook audit query --limit 10`) on a migrated file.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { existsSync, rmSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { migrateFresh } from "../rawBaseline.js"
import { now } from "../stats.js"
import { peerEntryUrl } from "./peers.js"
import { compared, plain, type Row } from "./report.js"

const WORKLOAD = "4. start-up"
const root = fileURLToPath(new URL("../../", import.meta.url))
const dist = path.join(root, "dist")

const median = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor((sorted.length - 1) / 2)]!
}

/** Runs an ES module snippet in a fresh node; it prints a JSON object of figures (ms). */
const child = (source: string): Record<string, number> => {
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", source], { cwd: root, encoding: "utf8" })
  if (result.status !== 0) throw new Error(`start-up probe failed: ${result.stderr}`)
  return JSON.parse(result.stdout.trim().split("\n").at(-1)!)
}

const logbookProbe = (file: string) => `
const c0 = process.cpuUsage()
const t0 = performance.now()
const { Logbook } = await import(${JSON.stringify(pathToFileURL(path.join(dist, "index.js")).href)})
const Effect = await import("effect/Effect")
const Layer = await import("effect/Layer")
const t1 = performance.now()
await Effect.runPromise(Effect.scoped(Layer.build(Logbook.layer({ url: ${JSON.stringify(file)} }))))
const t2 = performance.now()
const c2 = process.cpuUsage(c0)
console.log(JSON.stringify({ import: t1 - t0, acquire: t2 - t1, total: t2 - t0, cpu: (c2.user + c2.system) / 1000 }))`

const sqliteNodeProbe = (file: string) => `
const c0 = process.cpuUsage()
const t0 = performance.now()
const { SqliteClient } = await import("@effect/sql-sqlite-node")
const Effect = await import("effect/Effect")
const Layer = await import("effect/Layer")
const t1 = performance.now()
await Effect.runPromise(Effect.scoped(Layer.build(SqliteClient.layer({ filename: ${JSON.stringify(file)} }))))
const t2 = performance.now()
const c2 = process.cpuUsage(c0)
console.log(JSON.stringify({ import: t1 - t0, acquire: t2 - t1, total: t2 - t0, cpu: (c2.user + c2.system) / 1000 }))`

const langGraphProbe = (file: string) => `
const t0 = performance.now()
const { SqliteSaver } = await import(${JSON.stringify(peerEntryUrl("langgraph"))})
const { default: Sqlite } = await import("better-sqlite3")
const t1 = performance.now()
const saver = new SqliteSaver(new Sqlite(${JSON.stringify(file)}))
await saver.getTuple({ configurable: { thread_id: "none" } })
const t2 = performance.now()
console.log(JSON.stringify({ import: t1 - t0, acquire: t2 - t1, total: t2 - t0 }))`

const wall = (args: ReadonlyArray<string>): number => {
  const t0 = now()
  execFileSync(process.execPath, [path.join(dist, "bin.js"), ...args], { cwd: root, stdio: "pipe" })
  return (now() - t0) / 1e6
}

/** Runs workload 4; `file(name)` names scratch files. Needs `npm run build` (dist/). */
export const startup = async (file: (name: string) => string, runs: number): Promise<ReadonlyArray<Row>> => {
  if (!existsSync(path.join(dist, "index.js"))) throw new Error("dist/ is missing: run npm run build first")
  const migrated = file("startup-migrated")
  await migrateFresh(migrated)
  // Rounds interleave the probes (baseline, migrated, fresh, LangGraph), so that a change in the
  // machine's load during the workload weighs on each side alike; each figure is the median of its rounds.
  const langGraphFile = file("startup-langgraph")
  let langGraphWorks = true
  const rounds = Array.from({ length: runs }, () => {
    const alone = child(sqliteNodeProbe(migrated))
    const onMigrated = child(logbookProbe(migrated))
    const target = file("startup-fresh")
    for (const suffix of ["", "-wal", "-shm"]) rmSync(target + suffix, { force: true })
    const fresh = child(logbookProbe(target))
    let langGraph: Record<string, number> | undefined
    if (langGraphWorks) {
      try {
        langGraph = child(langGraphProbe(langGraphFile))
      } catch {
        langGraphWorks = false
      }
    }
    return { alone, onMigrated, fresh, langGraph }
  })
  const medians = (samples: ReadonlyArray<Record<string, number>>) =>
    Object.fromEntries(Object.keys(samples[0]!).map((key) => [key, median(samples.map((s) => s[key]!))]))
  const alone = medians(rounds.map((round) => round.alone))
  const onMigrated = medians(rounds.map((round) => round.onMigrated))
  const fresh = medians(rounds.map((round) => round.fresh))
  const langGraph = langGraphWorks ? medians(rounds.map((round) => round.langGraph!)) : undefined
  const version = median(Array.from({ length: runs }, () => wall(["--version"])))
  const read = median(Array.from({ length: runs }, () => wall(["audit", "query", "--limit", "10", "--database", migrated])))
  const baseName = "@effect/sql-sqlite-node alone, import + open"
  const row = (subject: string, metric: string, value: number, target?: string) =>
    plain({ workload: WORKLOAD, subject, durability: "n/a", metric, value, better: "lower", target })
  const rows: Array<Row> = [
    row(baseName, "import + open ms", alone.total!),
    row("logbook, import", "ms", onMigrated.import!),
    row("@effect/sql-sqlite-node alone, open + close", "ms", alone.acquire!),
    row("logbook, Logbook.layer acquired + released (migrated file)", "ms", onMigrated.acquire!),
    compared({ workload: WORKLOAD, subject: "logbook, import + acquire (migrated file)", durability: "n/a", metric: "ms", value: onMigrated.total!, better: "lower", target: "≥ 0.83× (≤ 1.2× its time)" }, baseName, alone.total!),
    compared({ workload: WORKLOAD, subject: "logbook, import + acquire (fresh file)", durability: "n/a", metric: "ms", value: fresh.total!, better: "lower" }, baseName, alone.total!),
    // CPU time (all threads) of the same processes: steadier than wall time on a shared machine.
    row(baseName, "import + open CPU ms", alone.cpu!),
    compared({ workload: WORKLOAD, subject: "logbook, import + acquire CPU (migrated file)", durability: "n/a", metric: "CPU ms", value: onMigrated.cpu!, better: "lower" }, `${baseName}, CPU`, alone.cpu!),
    row("logbook --version", "wall ms", version, "≤ 300 ms"),
    row("logbook audit query --limit 10", "wall ms", read, "≤ 600 ms")
  ]
  if (langGraph !== undefined) rows.splice(1, 0, row("LangGraph SqliteSaver, import + open + getTuple", "ms", langGraph.total!))
  return rows
}

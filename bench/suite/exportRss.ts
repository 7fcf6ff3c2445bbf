/**
 * Workload 5, export: `AuditLog.exportStream` of every row of the generated
 * audit trail to a JSONL file, in a fresh process (bench/exportMemoryChild.ts,
 * mode `peak`), with its time and peak RSS growth; against raw better-sqlite3
 * iterating the same table and writing one JSON line per row.
 */
import { spawnSync } from "node:child_process"
import { rmSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { compared, type Row } from "./report.js"

const WORKLOAD = "5. export"
const exportChild = fileURLToPath(new URL("../exportMemoryChild.ts", import.meta.url))

const rawProbe = (database: string, out: string) => `
import Sqlite from "better-sqlite3"
import { createWriteStream } from "node:fs"
const before = process.memoryUsage().rss
let peak = before
const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss) }, 5)
const started = performance.now()
const db = new Sqlite(${JSON.stringify(database)}, { readonly: true })
const file = createWriteStream(${JSON.stringify(out)})
let lines = []
for (const row of db.prepare("SELECT * FROM audit_logs ORDER BY timestamp DESC, id DESC").iterate()) {
  lines.push(JSON.stringify({ ...row, details: row.details === null ? null : JSON.parse(row.details) }))
  if (lines.length === 1000) {
    peak = Math.max(peak, process.memoryUsage().rss)
    if (!file.write(lines.join("\\n") + "\\n")) await new Promise((resolve) => file.once("drain", resolve))
    lines = []
  }
}
file.write(lines.length === 0 ? "" : lines.join("\\n") + "\\n")
await new Promise((resolve) => file.end(resolve))
clearInterval(timer)
console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000, rssGrowth: peak - before }))`

interface Figures {
  readonly seconds: number
  readonly rssGrowth: number
}

const run = (args: ReadonlyArray<string>): Figures => {
  const result = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 })
  if (result.status !== 0) throw new Error(`export probe failed: ${result.stderr}`)
  return JSON.parse(result.stdout.trim().split("\n").at(-1)!)
}

/** Runs workload 5 on `database` (the generated one), writing scratch files named by `file`. */
export const exportRss = (database: string, rows: number, file: (name: string) => string): ReadonlyArray<Row> => {
  const out = file("export.jsonl")
  const logbook = run(["--import", "tsx", exportChild, database, "jsonl", out, "peak"])
  rmSync(out, { force: true })
  const raw = run(["--input-type=module", "-e", rawProbe(database, out)])
  rmSync(out, { force: true })
  const versus = "raw better-sqlite3 iterate + JSON lines"
  const mb = (bytes: number) => bytes / 1024 / 1024
  return [
    compared({ workload: WORKLOAD, subject: `AuditLog.exportStream jsonl, ${rows.toLocaleString("en-US")} rows`, durability: "WAL (reads)", metric: "seconds", value: logbook.seconds, better: "lower" }, versus, raw.seconds),
    compared({ workload: WORKLOAD, subject: `AuditLog.exportStream jsonl, ${rows.toLocaleString("en-US")} rows`, durability: "WAL (reads)", metric: "peak RSS growth MiB", value: mb(logbook.rssGrowth), better: "lower" }, versus, mb(raw.rssGrowth))
  ]
}

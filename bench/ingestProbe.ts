/**
 * A CPU probe of workload 1: `AuditLog.record` + `flush` from 1 or 8 producers
 * against raw better-sqlite3 inserting the same rows in one transaction, each
 * on a fresh migrated file, with the CPU time (user + system) each side spends
 * per record, which a shared machine does not distort as it does wall time.
 *
 * `node --import tsx [--cpu-prof] bench/ingestProbe.ts [records] [producers] [full|normal]`
 */
import { mkdtempSync, rmSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { countRows, migrateFresh, rawInsert } from "./rawBaseline.js"
import { recordFrom } from "./suite/ingest.js"
import { makeEntries } from "./workload.js"

const records = Number(process.argv[2] ?? 20_000)
const producers = Number(process.argv[3] ?? 1)
const synchronous = process.argv[4] === "normal" ? "normal" : "full"

const dir = mkdtempSync(path.join(os.tmpdir(), "logbook-ingest-probe-"))
const file = (name: string) => path.join(dir, `${name}.db`)

const record = (url: string, entries: ReturnType<typeof makeEntries>) => recordFrom(url, synchronous, producers, entries)

const main = async () => {
  const entries = makeEntries(records)
  const warm = entries.slice(0, Math.min(5_000, records))
  await record(file("warm-record"), warm)
  await migrateFresh(file("warm-raw"))
  rawInsert(file("warm-raw"), warm, warm.length)

  await migrateFresh(file("raw"))
  const raw = rawInsert(file("raw"), entries, entries.length)
  const logbook = await record(file("record"), entries)
  const stored = countRows(file("record"))
  if (stored !== records) throw new Error(`${stored} rows stored of ${records}`)
  const perRecordUs = (ms: number) => ((ms * 1000) / records).toFixed(1)
  console.log(JSON.stringify({
    records,
    producers,
    synchronous,
    rawCpuUsPerRow: perRecordUs(raw.cpuMs),
    recordCpuUsPerRow: perRecordUs(logbook.cpuMs),
    cpuRatio: (raw.cpuMs / logbook.cpuMs).toFixed(3),
    rawPerSecond: raw.perSecond,
    recordPerSecond: logbook.perSecond,
    wallRatio: (logbook.perSecond / raw.perSecond).toFixed(3),
    load: os.loadavg().map((n) => n.toFixed(1))
  }))
}

main().finally(() => rmSync(dir, { recursive: true, force: true }))

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
import * as Effect from "effect/Effect"
import { AuditLog } from "../src/AuditLog.js"
import * as Logbook from "../src/Logbook.js"
import { countRows, migrateFresh, rawInsert } from "./rawBaseline.js"
import { cpuMsSince, now, ratePerSecond } from "./stats.js"
import { makeEntries } from "./workload.js"

const records = Number(process.argv[2] ?? 20_000)
const producers = Number(process.argv[3] ?? 1)
const synchronous = process.argv[4] === "normal" ? "normal" : "full"

const dir = mkdtempSync(path.join(os.tmpdir(), "logbook-ingest-probe-"))
const file = (name: string) => path.join(dir, `${name}.db`)

const record = (url: string, entries: ReturnType<typeof makeEntries>) =>
  Effect.gen(function*() {
    const audit = yield* AuditLog
    const share = Math.ceil(entries.length / producers)
    const cpu = process.cpuUsage()
    const start = now()
    yield* Effect.forEach(
      Array.from({ length: producers }, (_, p) => p),
      (p) =>
        Effect.gen(function*() {
          const end = Math.min(entries.length, (p + 1) * share)
          for (let i = p * share; i < end; i++) yield* audit.record(entries[i]!)
        }),
      { concurrency: "unbounded", discard: true }
    )
    yield* Logbook.flush
    return { cpuMs: cpuMsSince(cpu), perSecond: ratePerSecond(entries.length, now() - start) }
  }).pipe(Effect.provide(Logbook.layer({ url, synchronous })), Effect.runPromise)

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

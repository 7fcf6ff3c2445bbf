/**
 * `npm run bench`: the cost of `AuditLog.record` called from a hot loop, and
 * the sustained durable ingest rate, against raw better-sqlite3 inserting the
 * same rows, measured in the same run. Prints the figures and their ratios,
 * and writes them to `bench/results.json` (not committed).
 *
 * `LOGBOOK_BENCH_RECORDS` (default 100000) and `LOGBOOK_BENCH_LOG_CALLS`
 * (default 5000) change the sizes.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { countRows, migrateFresh, type RawRun, rawInsert, sqliteVersion } from "./rawBaseline.js"
import { logLoop, recordHotLoop, type LogRun, type RecordRun } from "./recordHotLoop.js"
import { type Latency, memorySampler, type PhaseMemory } from "./stats.js"
import { redactionBench } from "./redaction.js"
import { makeEntries } from "./workload.js"

const positive = (name: string, fallback: number) => {
  const raw = process.env[name]
  const value = raw === undefined ? fallback : Number(raw)
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got ${raw}`)
  return value
}

const RECORDS = positive("LOGBOOK_BENCH_RECORDS", 100_000)
const LOG_CALLS = positive("LOGBOOK_BENCH_LOG_CALLS", 5_000)
const WARMUP = 5_000

const packageVersion = (name: string): string => {
  const manifest: unknown = createRequire(import.meta.url)(`${name}/package.json`)
  return typeof manifest === "object" && manifest !== null && "version" in manifest && typeof manifest.version === "string"
    ? manifest.version
    : "unknown"
}

const pad = (cells: ReadonlyArray<string>, widths: ReadonlyArray<number>) =>
  cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ")

const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>) => {
  const widths = header.map((_, i) => Math.max(header[i]!.length, ...rows.map((row) => row[i]!.length)))
  return [pad(header, widths), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map((row) => pad(row, widths))].join("\n")
}

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })
const us = (n: number) => fmt(n, 1)
const ratio = (a: number, b: number) => Number((a / b).toFixed(3))

const cpuPerRecordUs = (run: { readonly records: number; readonly cpuMs: number }) => run.cpuMs * 1_000 / run.records
const cpuCells = (run: { readonly records: number; readonly cpuMs: number }) => [fmt(run.cpuMs), us(cpuPerRecordUs(run))]
const latencyCells = (l: Latency) => [us(l.p50Us), us(l.p90Us), us(l.p99Us), us(l.maxUs), us(l.meanUs)]

const main = async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "logbook-bench-"))
  const file = (name: string) => path.join(dir, `${name}.db`)
  const cpus = os.cpus()
  const machine = {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? "unknown",
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    totalMemoryGiB: Number((os.totalmem() / 1024 ** 3).toFixed(1)),
    node: process.version,
    sqlite: sqliteVersion(),
    betterSqlite3: packageVersion("better-sqlite3"),
    effect: packageVersion("effect"),
    databaseDirectory: dir,
    loadAverageAtStart: os.loadavg().map((n) => Number(n.toFixed(2)))
  }
  console.log("logbook bench: AuditLog.record hot loop vs raw better-sqlite3")
  console.log(
    `machine: ${machine.cpus} x ${machine.cpuModel}, ${machine.platform}, ${machine.totalMemoryGiB} GiB; ` +
      `node ${machine.node}, SQLite ${machine.sqlite}, better-sqlite3 ${machine.betterSqlite3}, effect ${machine.effect}`
  )
  console.log(`load average at start (1, 5, 15 min): ${machine.loadAverageAtStart.join(", ")}`)
  console.log(`databases: fresh files in ${dir} (WAL); ${fmt(RECORDS)} records, ${fmt(LOG_CALLS)} AuditLog.log calls\n`)

  const memory = memorySampler(50)
  const entries = makeEntries(RECORDS)
  const logEntries = entries.slice(0, LOG_CALLS)

  // Warm-up on throwaway databases, so that neither side pays the JIT first.
  const warm = entries.slice(0, WARMUP)
  await recordHotLoop(file("warmup-record"), "full", warm)
  await logLoop(file("warmup-log"), warm.slice(0, 200))
  await migrateFresh(file("warmup-raw"))
  rawInsert(file("warmup-raw"), warm, warm.length)

  const phaseMemory: Record<string, PhaseMemory> = {}
  const rowCounts: Record<string, number> = {}
  const phase = async <A>(name: string, filename: string, run: () => Promise<A> | A): Promise<A> => {
    process.stdout.write(`  ${name} ... `)
    memory.begin()
    const result = await run()
    phaseMemory[name] = memory.end()
    rowCounts[name] = countRows(filename)
    console.log("done")
    return result
  }

  console.log("running:")
  await migrateFresh(file("raw-one"))
  await migrateFresh(file("raw-1000"))
  await migrateFresh(file("raw-autocommit"))
  const rawOne: RawRun = await phase("raw, 1 transaction", file("raw-one"), () =>
    rawInsert(file("raw-one"), entries, entries.length, memory.poll))
  const rawPer1000: RawRun = await phase("raw, 1 transaction / 1,000 rows", file("raw-1000"), () =>
    rawInsert(file("raw-1000"), entries, 1_000, memory.poll))
  const recordFull: RecordRun = await phase("record, synchronous=full", file("record-full"), () =>
    recordHotLoop(file("record-full"), "full", entries, memory.poll))
  const recordNormal: RecordRun = await phase("record, synchronous=normal", file("record-normal"), () =>
    recordHotLoop(file("record-normal"), "normal", entries, memory.poll))
  const log: LogRun = await phase("log, synchronous=full", file("log-full"), () => logLoop(file("log-full"), logEntries, memory.poll))
  const rawAutocommit: RawRun = await phase("raw, autocommit (1 transaction / row)", file("raw-autocommit"), () =>
    rawInsert(file("raw-autocommit"), logEntries, 1, memory.poll))
  const overallMemory = memory.stop()

  const expected: Record<string, number> = {
    "raw, 1 transaction": RECORDS,
    "raw, 1 transaction / 1,000 rows": RECORDS,
    "record, synchronous=full": RECORDS,
    "record, synchronous=normal": RECORDS,
    "log, synchronous=full": LOG_CALLS,
    "raw, autocommit (1 transaction / row)": LOG_CALLS
  }
  const missing = Object.entries(expected).filter(([name, n]) => rowCounts[name] !== n)

  console.log(`\nIngest (all durable at the end; WAL, synchronous=FULL unless said; cpu = user + system time of this process):`)
  console.log(table(
    ["run", "records", "rows/tx", "wall ms", "records/s", "cpu ms", "cpu µs/record"],
    [
      ["raw better-sqlite3, 1 transaction", fmt(rawOne.records), fmt(rawOne.rowsPerTransaction), fmt(rawOne.totalMs), fmt(rawOne.perSecond), ...cpuCells(rawOne)],
      ["raw better-sqlite3, 1 tx / 1,000 rows", fmt(rawPer1000.records), "1,000", fmt(rawPer1000.totalMs), fmt(rawPer1000.perSecond), ...cpuCells(rawPer1000)],
      ["AuditLog.record + flush, full", fmt(recordFull.records), "<=1,000", fmt(recordFull.durableMs), fmt(recordFull.ingestPerSecond), ...cpuCells(recordFull)],
      ["AuditLog.record + flush, normal", fmt(recordNormal.records), "<=1,000", fmt(recordNormal.durableMs), fmt(recordNormal.ingestPerSecond), ...cpuCells(recordNormal)],
      ["AuditLog.log (durable per call)", fmt(log.records), "1", fmt(log.totalMs), fmt(log.perSecond), ...cpuCells(log)],
      ["raw better-sqlite3, autocommit", fmt(rawAutocommit.records), "1", fmt(rawAutocommit.totalMs), fmt(rawAutocommit.perSecond), ...cpuCells(rawAutocommit)]
    ]
  ))

  console.log(`\nPer-call cost on the caller's side (µs):`)
  console.log(table(
    ["call", "calls", "p50", "p90", "p99", "max", "mean"],
    [
      ["AuditLog.record, full", fmt(recordFull.records), ...latencyCells(recordFull.perCall)],
      ["AuditLog.record, normal", fmt(recordNormal.records), ...latencyCells(recordNormal.perCall)],
      ["raw row in 1 transaction (build + run)", fmt(rawOne.records), ...latencyCells(rawOne.perRow)],
      ["raw row, 1 tx / 1,000 rows (build + run)", fmt(rawPer1000.records), ...latencyCells(rawPer1000.perRow)],
      ["AuditLog.log, full", fmt(log.records), ...latencyCells(log.perCall)],
      ["raw row, autocommit", fmt(rawAutocommit.records), ...latencyCells(rawAutocommit.perRow)]
    ]
  ))
  console.log(
    `\nrecord loop: full ${fmt(recordFull.loopMs)} ms (${fmt(recordFull.callerPerSecond)} calls/s), ` +
      `${fmt(recordFull.backlogAtLoopEnd)} not yet committed at loop end; ` +
      `normal ${fmt(recordNormal.loopMs)} ms (${fmt(recordNormal.callerPerSecond)} calls/s), ` +
      `${fmt(recordNormal.backlogAtLoopEnd)} not yet committed at loop end`
  )

  const ratios = {
    recordFullIngestVsRawOneTransaction: ratio(recordFull.ingestPerSecond, rawOne.perSecond),
    recordFullIngestVsRawPer1000: ratio(recordFull.ingestPerSecond, rawPer1000.perSecond),
    recordNormalIngestVsRawOneTransaction: ratio(recordNormal.ingestPerSecond, rawOne.perSecond),
    recordNormalIngestVsRawPer1000: ratio(recordNormal.ingestPerSecond, rawPer1000.perSecond),
    recordFullCpuPerRecordVsRawOneTransaction: ratio(cpuPerRecordUs(recordFull), cpuPerRecordUs(rawOne)),
    recordFullCpuPerRecordVsRawPer1000: ratio(cpuPerRecordUs(recordFull), cpuPerRecordUs(rawPer1000)),
    recordFullCallerP50VsRawRowP50: ratio(recordFull.perCall.p50Us, rawOne.perRow.p50Us),
    recordFullCallerP50VsRawRowMean: ratio(recordFull.perCall.p50Us, rawOne.totalMs * 1_000 / rawOne.records),
    recordFullCallerP99VsRawRowP99: ratio(recordFull.perCall.p99Us, rawOne.perRow.p99Us),
    logRateVsRawAutocommit: ratio(log.perSecond, rawAutocommit.perSecond),
    logP50VsRawAutocommitP50: ratio(log.perCall.p50Us, rawAutocommit.perRow.p50Us)
  }
  console.log(`\nRatios (same run):`)
  console.log(table(
    ["ratio", "value"],
    [
      ["record ingest (full) / raw 1-transaction rate", String(ratios.recordFullIngestVsRawOneTransaction)],
      ["record ingest (full) / raw per-1,000 rate", String(ratios.recordFullIngestVsRawPer1000)],
      ["record ingest (normal) / raw 1-transaction rate (FULL)", String(ratios.recordNormalIngestVsRawOneTransaction)],
      ["record ingest (normal) / raw per-1,000 rate (FULL)", String(ratios.recordNormalIngestVsRawPer1000)],
      ["record CPU per record (full) / raw 1-transaction", String(ratios.recordFullCpuPerRecordVsRawOneTransaction)],
      ["record CPU per record (full) / raw per-1,000", String(ratios.recordFullCpuPerRecordVsRawPer1000)],
      ["record caller p50 (full) / raw per-row p50", String(ratios.recordFullCallerP50VsRawRowP50)],
      ["record caller p50 (full) / raw per-row mean (wall/rows)", String(ratios.recordFullCallerP50VsRawRowMean)],
      ["record caller p99 (full) / raw per-row p99", String(ratios.recordFullCallerP99VsRawRowP99)],
      ["log rate / raw autocommit rate", String(ratios.logRateVsRawAutocommit)],
      ["log p50 / raw autocommit p50", String(ratios.logP50VsRawAutocommitP50)]
    ]
  ))

  console.log(`\nMemory per phase (MiB; sampled every 50 ms and at each phase's start and end; "after gc": heapUsed after a full GC at the end)`)
  console.log(`and the CPU time the process got (cpu ms well below wall ms: it waited for the disk or for other processes):`)
  console.log(table(
    ["phase", "rss before", "rss after", "rss peak", "heap before", "heap peak", "heap after", "after gc", "samples", "wall ms", "cpu ms"],
    Object.entries(phaseMemory).map(([name, m]) => [
      name,
      fmt(m.rssBeforeMiB, 1),
      fmt(m.rssAfterMiB, 1),
      fmt(m.rssPeakMiB, 1),
      fmt(m.heapUsedBeforeMiB, 1),
      fmt(m.heapUsedPeakMiB, 1),
      fmt(m.heapUsedAfterMiB, 1),
      fmt(m.heapUsedRetainedMiB, 1),
      String(m.samples),
      fmt(m.wallMs),
      fmt(m.cpuMs)
    ])
  ))
  console.log(
    `whole run: rss peak ${fmt(overallMemory.rssPeakMiB, 1)} MiB, heapUsed peak ${fmt(overallMemory.heapUsedPeakMiB, 1)} MiB, ` +
      `${overallMemory.seconds} s; load average at end ${os.loadavg().map((n) => n.toFixed(2)).join(", ")} on ${machine.cpus} CPUs`
  )
  console.log(
    `\nrow check: ${missing.length === 0 ? "every run stored exactly its rows" : `MISMATCH ${JSON.stringify(missing.map(([name, n]) => ({ name, expected: n, stored: rowCounts[name] })))}`}`
  )

  const redaction = redactionBench()
  console.log("\nredaction: redactText per KB (budget 10 µs on ordinary agent text) and 100 KB / 10 KB time (linear: about 10)")
  console.log(table(
    ["workload", "µs per KB", "100 KB / 10 KB"],
    redaction.map((r) => [r.name, us(r.usPerKb), fmt(r.ratio100to10, 1)])
  ))

  const results = {
    redaction,
    date: new Date().toISOString(),
    machine,
    sizes: { records: RECORDS, logCalls: LOG_CALLS, warmupRecords: WARMUP },
    raw: { oneTransaction: rawOne, per1000: rawPer1000, autocommit: rawAutocommit },
    logbook: { recordFull, recordNormal, log },
    ratios,
    memory: { phases: phaseMemory, overall: overallMemory },
    loadAverageAtEnd: os.loadavg().map((n) => Number(n.toFixed(2))),
    rowCounts
  }
  const out = path.join(path.dirname(fileURLToPath(import.meta.url)), "results.json")
  writeFileSync(out, JSON.stringify(results, null, 2) + "\n")
  console.log(`figures written to ${path.relative(process.cwd(), out)}`)
  rmSync(dir, { recursive: true, force: true })
  if (missing.length > 0) process.exitCode = 1
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})

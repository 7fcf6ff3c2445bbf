/**
 * Workload 1, audit ingest: `AuditLog.record` (write-behind, then `flush`)
 * and `AuditLog.logMany` (batches of 1,000, durable on return), from 1 and
 * from 8 producers (fibers of one process), against raw better-sqlite3
 * inserting the same rows in one transaction into the same migrated table.
 * Caller p50/p99 is the time one `record` call takes on its producer's fiber.
 */
import * as Effect from "effect/Effect"
import { AuditLog, type AuditEntryInput } from "../../src/AuditLog.js"
import * as Logbook from "../../src/Logbook.js"
import { migrateFresh, rawInsert } from "../rawBaseline.js"
import { cpuMsSince, type Latency, latency, now, ratePerSecond } from "../stats.js"
import { makeEntries } from "../workload.js"
import { compared, plain, type Row } from "./report.js"

const WORKLOAD = "1. audit ingest"
const FULL = "WAL, sync=FULL (logbook default)"
const NORMAL = "WAL, sync=NORMAL"

interface Ingest {
  readonly perSecond: number
  readonly p50Us: number
  readonly p99Us: number
}

/**
 * `AuditLog.record` of every entry, shared out among `producers` fibers, then
 * `flush`, on the database `url`: records per second, the caller's p50/p99,
 * and the process's CPU time (user + system) from the first record to the end
 * of the flush.
 */
export const recordFrom = (
  url: string,
  synchronous: "full" | "normal",
  producers: number,
  entries: ReadonlyArray<AuditEntryInput>
): Promise<Ingest & { readonly cpuMs: number }> =>
  Effect.gen(function*() {
    const audit = yield* AuditLog
    const durations = new Float64Array(entries.length)
    const share = Math.ceil(entries.length / producers)
    const cpu = process.cpuUsage()
    const start = now()
    yield* Effect.forEach(
      Array.from({ length: producers }, (_, p) => p),
      (p) =>
        Effect.gen(function*() {
          const end = Math.min(entries.length, (p + 1) * share)
          for (let i = p * share; i < end; i++) {
            const t0 = now()
            yield* audit.record(entries[i]!)
            durations[i] = now() - t0
          }
        }),
      { concurrency: "unbounded", discard: true }
    )
    yield* Logbook.flush
    const elapsed = now() - start
    const cpuMs = cpuMsSince(cpu)
    const l = latency(durations)
    return { perSecond: ratePerSecond(entries.length, elapsed), p50Us: l.p50Us, p99Us: l.p99Us, cpuMs }
  }).pipe(Effect.provide(Logbook.layer({ url, synchronous })), Effect.runPromise)

/**
 * The producers' loop of {@link recordFrom} around a call that does nothing
 * (`Effect.void`), in as many fibers: the caller p50/p99 that the loop and
 * Effect's scheduling of the fibers cost by themselves, the floor under the
 * caller figures of `record`.
 */
const emptyCallsFrom = (producers: number, calls: number): Promise<Latency> =>
  Effect.gen(function*() {
    const durations = new Float64Array(calls)
    const share = Math.ceil(calls / producers)
    yield* Effect.forEach(
      Array.from({ length: producers }, (_, p) => p),
      (p) =>
        Effect.gen(function*() {
          const end = Math.min(calls, (p + 1) * share)
          for (let i = p * share; i < end; i++) {
            const t0 = now()
            yield* Effect.void
            durations[i] = now() - t0
          }
        }),
      { concurrency: "unbounded", discard: true }
    )
    return latency(durations)
  }).pipe(Effect.runPromise)

const logManyFrom = (url: string, producers: number, entries: ReadonlyArray<AuditEntryInput>): Promise<Ingest> =>
  Effect.gen(function*() {
    const audit = yield* AuditLog
    const batches: Array<ReadonlyArray<AuditEntryInput>> = []
    for (let i = 0; i < entries.length; i += 1_000) batches.push(entries.slice(i, i + 1_000))
    const durations = new Float64Array(batches.length)
    const start = now()
    yield* Effect.forEach(
      batches,
      (batch, i) =>
        Effect.gen(function*() {
          const t0 = now()
          yield* audit.logMany(batch)
          durations[i] = now() - t0
        }),
      { concurrency: producers, discard: true }
    )
    const elapsed = now() - start
    const l = latency(durations)
    return { perSecond: ratePerSecond(entries.length, elapsed), p50Us: l.p50Us, p99Us: l.p99Us }
  }).pipe(Effect.provide(Logbook.layer({ url })), Effect.runPromise)

/** Runs workload 1 on fresh files made by `file(name)`. */
export const ingest = async (file: (name: string) => string, records: number): Promise<ReadonlyArray<Row>> => {
  const entries = makeEntries(records)
  // Warm-up: both sides pay the JIT before any timing.
  const warm = entries.slice(0, Math.min(5_000, records))
  await recordFrom(file("warm-record"), "full", 1, warm)
  await migrateFresh(file("warm-raw"))
  rawInsert(file("warm-raw"), warm, warm.length)

  await migrateFresh(file("raw"))
  const raw = rawInsert(file("raw"), entries, entries.length)
  const rawName = "raw better-sqlite3, 1 transaction"
  const rows: Array<Row> = [
    plain({ workload: WORKLOAD, subject: rawName, durability: FULL.replace(" (logbook default)", ""), metric: "rows/s", value: raw.perSecond, better: "higher" }),
    plain({ workload: WORKLOAD, subject: rawName, durability: FULL.replace(" (logbook default)", ""), metric: "per-row p99 µs", value: raw.perRow.p99Us, better: "lower" })
  ]
  for (const producers of [1, 8]) {
    const floor = await emptyCallsFrom(producers, entries.length)
    const floorSubject = `Effect.void in the same loop, ${producers} producer${producers > 1 ? "s" : ""} (the loop's own cost)`
    rows.push(
      plain({ workload: WORKLOAD, subject: floorSubject, durability: "n/a", metric: "caller p50 µs", value: floor.p50Us, better: "lower" }),
      plain({ workload: WORKLOAD, subject: floorSubject, durability: "n/a", metric: "caller p99 µs", value: floor.p99Us, better: "lower" })
    )
    for (const synchronous of producers === 1 ? (["full", "normal"] as const) : (["full"] as const)) {
      const durability = synchronous === "full" ? FULL : NORMAL
      const run = await recordFrom(file(`record-${producers}-${synchronous}`), synchronous, producers, entries)
      const subject = `AuditLog.record + flush, ${producers} producer${producers > 1 ? "s" : ""}`
      rows.push(
        compared({ workload: WORKLOAD, subject, durability, metric: "rows/s", value: run.perSecond, better: "higher", target: "≥ 1.0×" }, rawName, raw.perSecond),
        plain({ workload: WORKLOAD, subject, durability, metric: "caller p50 µs", value: run.p50Us, better: "lower" }),
        plain({ workload: WORKLOAD, subject, durability, metric: "caller p99 µs", value: run.p99Us, better: "lower", target: producers === 8 ? "≤ 20 µs" : undefined })
      )
    }
    const many = await logManyFrom(file(`logmany-${producers}`), producers, entries)
    rows.push(
      compared({
        workload: WORKLOAD,
        subject: `AuditLog.logMany ×1,000, ${producers} producer${producers > 1 ? "s" : ""}`,
        durability: FULL,
        metric: "rows/s",
        value: many.perSecond,
        better: "higher"
      }, rawName, raw.perSecond)
    )
  }
  return rows
}

/**
 * Workload 1, audit ingest: `AuditLog.record` of a round of entries then
 * `flush` (durable), against raw better-sqlite3 inserting the same rows
 * with one prepared statement in one transaction per round, into the same
 * migrated table; WAL and `synchronous = FULL` on both (logbook's default).
 */
import Sqlite from "better-sqlite3"
import * as Effect from "effect/Effect"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { migrateFresh } from "../rawBaseline.js"
import { insertColumns, makeEntries, toRawRow } from "../workload.js"
import type { Built } from "./dist.js"
import type { Workloads } from "./Pair.js"

/** Entries per round: `record` them all then `flush`; the raw side inserts them in one transaction. */
const ROUND = 10_000

export const ingestWorkloads = async (lib: Built, file: (name: string) => string): Promise<Workloads> => {
  const entries = makeEntries(ROUND)
  const runtime = ManagedRuntime.make(lib.Logbook.layer({ url: file("ingest-logbook"), synchronous: "full" }))
  await runtime.runPromise(Effect.void)
  const round = Effect.gen(function*() {
    const audit = yield* lib.AuditLog
    for (const entry of entries) yield* audit.record(entry)
    yield* lib.Logbook.flush
  })
  await migrateFresh(file("ingest-raw"))
  const db = new Sqlite(file("ingest-raw"))
  db.pragma("journal_mode = WAL")
  db.pragma("synchronous = FULL")
  const insert = db.prepare(`INSERT INTO audit_logs (${insertColumns.join(", ")}) VALUES (${insertColumns.map(() => "?").join(", ")})`)
  const rawRound = db.transaction(() => {
    for (const entry of entries) insert.run(...toRawRow(entry))
  })
  const rounds = (run: () => Promise<void> | void) => async (budgetMs: number) => {
    const end = performance.now() + budgetMs
    let ops = 0
    do {
      await run()
      ops += ROUND
    } while (performance.now() < end)
    return ops
  }
  return {
    pairs: [{
      slug: "ingest-record",
      workload: `1. audit ingest: AuditLog.record × ${ROUND.toLocaleString("en-US")} + flush`,
      unit: "record",
      durability: "WAL, sync=FULL on both (logbook default)",
      target: "≥ 1.0×",
      logbook: { name: "logbook AuditLog.record + flush", loop: rounds(() => runtime.runPromise(round)) },
      baseline: { name: `raw better-sqlite3 insert, ${ROUND.toLocaleString("en-US")} rows per transaction`, loop: rounds(rawRound) }
    }],
    close: async () => {
      db.close()
      await runtime.dispose()
    }
  }
}

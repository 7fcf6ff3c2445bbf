/**
 * The baseline, measured in the same run: raw better-sqlite3 inserting the
 * same rows into the same `audit_logs` table (migrated by logbook itself),
 * WAL and `synchronous = FULL`, with one prepared statement.
 */
import Sqlite from "better-sqlite3"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { AuditEntryInput } from "../src/AuditLog.js"
import { Database } from "../src/Database.js"
import { insertColumns, toRawRow } from "./workload.js"
import { POLL_EVERY } from "./recordHotLoop.js"
import { cpuMsSince, type Latency, latency, now, ratePerSecond } from "./stats.js"

/** Creates (when missing) and migrates a database file through `Database.layer`, then closes it. */
export const migrateFresh = (url: string): Promise<void> =>
  Effect.runPromise(Effect.scoped(Effect.asVoid(Layer.build(Database.layer({ url })))))

/** Figures of one raw insert run. */
export interface RawRun {
  readonly records: number
  readonly rowsPerTransaction: number
  /** Cost of each row: build it (timestamp, JSON.stringify, key) and `stmt.run` it. */
  readonly perRow: Latency
  /** From the first row until the last COMMIT returned (durable). */
  readonly totalMs: number
  readonly perSecond: number
  /** CPU time (user + system) from the first row until the last COMMIT returned. */
  readonly cpuMs: number
}

const open = (filename: string) => {
  const db = new Sqlite(filename)
  db.pragma("journal_mode = WAL")
  db.pragma("synchronous = FULL")
  return db
}

const insertSql = `INSERT INTO audit_logs (${insertColumns.join(", ")}) VALUES (${insertColumns.map(() => "?").join(", ")})`

/**
 * Inserts one row per entry on a migrated database, `rowsPerTransaction`
 * rows per transaction (`entries.length` for one transaction, 1 for
 * autocommit), timing each row; `poll` is called every {@link POLL_EVERY}
 * rows, outside the per-row timings.
 */
export const rawInsert = (
  filename: string,
  entries: ReadonlyArray<AuditEntryInput>,
  rowsPerTransaction: number,
  poll: () => void = () => {}
): RawRun => {
  const db = open(filename)
  try {
    const statement = db.prepare(insertSql)
    const durations = new Float64Array(entries.length)
    const insertRange = (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const t0 = now()
        statement.run(...toRawRow(entries[i]!))
        durations[i] = now() - t0
        if (i % POLL_EVERY === 0) poll()
      }
    }
    const inTransaction = db.transaction(insertRange)
    const cpu = process.cpuUsage()
    const start = now()
    if (rowsPerTransaction === 1) {
      // Autocommit: each statement is its own durable transaction.
      insertRange(0, entries.length)
    } else {
      for (let from = 0; from < entries.length; from += rowsPerTransaction) {
        inTransaction(from, Math.min(entries.length, from + rowsPerTransaction))
      }
    }
    const end = now()
    const cpuMs = cpuMsSince(cpu)
    return {
      records: entries.length,
      rowsPerTransaction,
      perRow: latency(durations),
      totalMs: Math.round((end - start) / 1e6),
      perSecond: ratePerSecond(entries.length, end - start),
      cpuMs
    }
  } finally {
    db.close()
  }
}

/** Rows in `audit_logs` (read after the writer closed): checks that every record landed. */
export const countRows = (filename: string): number => {
  const db = new Sqlite(filename, { readonly: true })
  try {
    const row: unknown = db.prepare("SELECT COUNT(*) AS n FROM audit_logs").get()
    if (typeof row === "object" && row !== null && "n" in row && typeof row.n === "number") return row.n
    throw new Error(`unexpected COUNT(*) row: ${JSON.stringify(row)}`)
  } finally {
    db.close()
  }
}

/** The SQLite library version better-sqlite3 was built with. */
export const sqliteVersion = (): string => {
  const db = new Sqlite(":memory:")
  try {
    const row: unknown = db.prepare("SELECT sqlite_version() AS v").get()
    if (typeof row === "object" && row !== null && "v" in row && typeof row.v === "string") return row.v
    throw new Error(`unexpected sqlite_version() row: ${JSON.stringify(row)}`)
  } finally {
    db.close()
  }
}

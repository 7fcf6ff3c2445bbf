/**
 * What the insert statement itself costs, under everything else of workload
 * 1: the same audit rows (`workload.ts`) inserted into a fresh migrated
 * `audit_logs` (WAL, `synchronous = NORMAL`) in transactions of the sizes a
 * write-behind batch has, three ways, CPU time per row:
 *
 * - raw better-sqlite3, a single-row insert prepared once and run per row
 *   (the suite's baseline statement);
 * - raw better-sqlite3, the multi-row insert that logbook's writer runs
 *   (`INSERT … VALUES (…), (…), … ON CONFLICT (record_key) … DO NOTHING`,
 *   `src/audit/Queries.ts`), one per batch: an `@effect/sql` call runs one
 *   statement, so a batch of rows in one call is a multi-row statement;
 * - through `@effect/sql`'s `SqlClient`, the single-row insert once per row
 *   (one call per row, inside one `withTransaction` per batch).
 *
 * The first against the second is what the statement shape costs in SQLite;
 * the third is what a row costs when each row is its own `@effect/sql` call.
 *
 *   node --import tsx bench/ingestStatements.ts [rows]
 */
import * as SqlClient from "@effect/sql/SqlClient"
import Sqlite from "better-sqlite3"
import * as Effect from "effect/Effect"
import { mkdtempSync, rmSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Database } from "../src/Database.js"
import { migrateFresh } from "./rawBaseline.js"
import { insertColumns, makeEntries, type RawRow, toRawRow } from "./workload.js"

const ROWS = Number(process.argv[2] ?? 20_000)
/** Batch sizes a writer sees: 300 to 499 rows, varying. */
const batches = (total: number): ReadonlyArray<number> => {
  const sizes: Array<number> = []
  for (let left = total, k = 0; left > 0; k++) {
    const size = Math.min(left, 300 + ((k * 37) % 200))
    sizes.push(size)
    left -= size
  }
  return sizes
}

const placeholders = `(${insertColumns.map(() => "?").join(", ")})`
const single = `INSERT INTO audit_logs (${insertColumns.join(", ")}) VALUES ${placeholders}`
const multi = (rows: number) =>
  `INSERT INTO audit_logs (${insertColumns.join(", ")}) VALUES ${Array.from({ length: rows }, () => placeholders).join(", ")}
    ON CONFLICT (record_key) WHERE record_key IS NOT NULL DO NOTHING`

const dir = mkdtempSync(path.join(os.tmpdir(), "logbook-ingest-statements-"))
let files = 0
const freshFile = async () => {
  const file = path.join(dir, `${files++}.db`)
  await migrateFresh(file)
  return file
}

const cpuUsPerRow = (started: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(started)
  return (used.user + used.system) / ROWS
}

const rawRun = async (insertBatch: (db: Sqlite.Database, rows: ReadonlyArray<RawRow>) => void): Promise<number> => {
  const db = new Sqlite(await freshFile())
  db.pragma("journal_mode = WAL")
  db.pragma("synchronous = NORMAL")
  const rows = makeEntries(ROWS).map(toRawRow)
  const started = process.cpuUsage()
  let at = 0
  for (const size of batches(ROWS)) {
    const batch = rows.slice(at, at + size)
    db.transaction(() => insertBatch(db, batch))()
    at += size
  }
  const perRow = cpuUsPerRow(started)
  db.close()
  return perRow
}

const rawSingleRow = () =>
  rawRun((db, rows) => {
    const statement = db.prepare(single)
    for (const row of rows) statement.run(row)
  })

const rawMultiRow = () => rawRun((db, rows) => db.prepare(multi(rows.length)).run(rows.flat()))

const effectSqlSingleRow = async (): Promise<number> => {
  const file = await freshFile()
  const rows = makeEntries(ROWS).map(toRawRow)
  return Effect.runPromise(
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* sql`PRAGMA synchronous = NORMAL`
      const started = process.cpuUsage()
      let at = 0
      for (const size of batches(ROWS)) {
        const batch = rows.slice(at, at + size)
        yield* sql.withTransaction(Effect.forEach(batch, (row) => sql.unsafe(single, row), { discard: true }))
        at += size
      }
      return cpuUsPerRow(started)
    }).pipe(Effect.provide(Database.layer({ url: file })), Effect.scoped)
  )
}

const main = async () => {
  console.log(`insert statements: ${ROWS} audit rows in transactions of 300–499, WAL, synchronous=NORMAL; CPU µs per row`)
  for (let round = 1; round <= 2; round++) {
    const figures = {
      "raw better-sqlite3, single-row insert prepared once": await rawSingleRow(),
      "raw better-sqlite3, logbook's multi-row insert (ON CONFLICT)": await rawMultiRow(),
      "@effect/sql, single-row insert, one call per row": await effectSqlSingleRow()
    }
    for (const [name, perRow] of Object.entries(figures)) console.log(`  round ${round}  ${name.padEnd(62)} ${perRow.toFixed(1)} µs`)
  }
  rmSync(dir, { recursive: true, force: true })
}

void main()

/**
 * The checksum of a table's content, the same on SQLite and PostgreSQL for
 * the same rows: the sum (mod 2^128) of a SHA-256 per row of its canonical
 * form (`Values.canonical` of each copied column, by column name). A sum
 * does not depend on the order rows are read in, which differs between the
 * dialects' collations.
 *
 * @module
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import { createHash } from "node:crypto"
import { forEachPage, type Row } from "./Pages.js"
import type { TablePlan } from "./Plan.js"
import { canonical } from "./Values.js"

/** A table's row count and content checksum (32 hex digits). */
export interface TableSum {
  readonly rows: number
  readonly checksum: string
}

const MODULUS = 1n << 128n

/** The canonical text of one row. */
export const canonicalRow = (plan: TablePlan, row: Row): string =>
  JSON.stringify([...plan.columns].sort((a, b) => (a.name < b.name ? -1 : 1)).map((column) => [column.name, canonical(row[column.name], column.kind)]))

/** Reads all of `plan.table` in keyset pages of `size` and sums its rows. */
export const tableSum = (sql: SqlClient.SqlClient, plan: TablePlan, size: number, operation: string) =>
  Effect.gen(function*() {
    let rows = 0
    let sum = 0n
    yield* forEachPage(sql, plan, size, operation, (page) =>
      Effect.sync(() => {
        for (const row of page) {
          const digest = createHash("sha256").update(canonicalRow(plan, row)).digest()
          sum = (sum + digest.readBigUInt64BE(0) * (1n << 64n) + digest.readBigUInt64BE(8)) % MODULUS
          rows++
        }
      }))
    const result: TableSum = { rows, checksum: sum.toString(16).padStart(32, "0") }
    return result
  })

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

/** A running checksum: rows are added one by one, in any order. */
export class RunningSum {
  private rows = 0
  private sum = 0n
  constructor(private readonly plan: TablePlan) {}
  add(row: Row): void {
    const digest = createHash("sha256").update(canonicalRow(this.plan, row)).digest()
    this.sum = (this.sum + digest.readBigUInt64BE(0) * (1n << 64n) + digest.readBigUInt64BE(8)) % MODULUS
    this.rows++
  }
  get result(): TableSum {
    return { rows: this.rows, checksum: this.sum.toString(16).padStart(32, "0") }
  }
}

/** Reads all of `plan.table` in keyset pages of `size` and sums its rows. */
export const tableSum = (sql: SqlClient.SqlClient, plan: TablePlan, size: number, operation: string) =>
  Effect.gen(function*() {
    const sum = new RunningSum(plan)
    yield* forEachPage(sql, plan, size, operation, (page) =>
      Effect.sync(() => {
        for (const row of page) sum.add(row)
      }))
    return sum.result
  })

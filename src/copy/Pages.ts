/**
 * Reading a whole table in keyset pages: each page is the rows after the
 * last key of the one before, in primary-key order, so a page costs the
 * same wherever it is in the table and no row is read twice.
 *
 * @module
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { withDatabaseErrors } from "../database/SqlFailure.js"
import type { TablePlan } from "./Plan.js"
import * as Queries from "./Queries.js"

/** A row as read: column name to the driver's value. */
export type Row = Readonly<Record<string, unknown>>

const Rows = Schema.Array(Schema.Record({ key: Schema.String, value: Schema.Unknown }))

/**
 * Runs `each` on every page of `plan.table` (at most `size` rows), in key
 * order, until the table ends. `operation` names the errors.
 */
export const forEachPage = <E, R>(
  sql: SqlClient.SqlClient,
  plan: TablePlan,
  size: number,
  operation: string,
  each: (rows: ReadonlyArray<Row>) => Effect.Effect<void, E, R>
) =>
  Effect.gen(function*() {
    const names = plan.columns.map((column) => column.name)
    let after: ReadonlyArray<unknown> | undefined
    while (true) {
      const rows = yield* Queries.page(sql, plan.table, names, plan.key, after, size).pipe(
        Effect.flatMap(Schema.decodeUnknown(Rows)),
        withDatabaseErrors(operation)
      )
      if (rows.length === 0) return
      yield* each(rows)
      const last = rows[rows.length - 1]!
      after = plan.key.map((column) => last[column])
      if (rows.length < size) return
    }
  })

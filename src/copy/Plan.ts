/**
 * What `copy` moves: the tables of the source (migration bookkeeping and
 * SQLite's full-text index tables and terms version aside, which the
 * target's own migrations and triggers keep), parents before children, each
 * with the columns both databases store (generated columns such as PostgreSQL's `tsvector` are
 * computed by the target, and so is an identity column that is not the key,
 * such as the `seq` that orders PostgreSQL's checkpoints), its primary key for keyset paging, and how each
 * column's values convert between the dialects.
 *
 * @module
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { Num } from "../database/Columns.js"
import { withDatabaseErrors } from "../database/SqlFailure.js"
import { ValidationError } from "../Errors.js"
import { DATA_TABLES } from "../maintenance/DataTables.js"
import { type ColumnKind, kindOf, mergeKinds } from "./Values.js"
import * as Queries from "./Queries.js"

/**
 * The tables in the order they are copied: every data table (parents first),
 * then the LangGraph and OpenAI Agents session tables. Tables of the user's
 * own migrations follow, in name order.
 */
export const COPY_ORDER: ReadonlyArray<string> = [
  ...DATA_TABLES,
  "langgraph_checkpoints",
  "langgraph_blobs",
  "langgraph_writes",
  "openai_agents_session_items"
]

/**
 * Tables that are never copied: migration bookkeeping, and the version of
 * the search index's terms (SQLite), which the target's own triggers keep.
 */
const BOOKKEEPING = new Set(["logbook_migrations", "logbook_migration_lock", "search_terms_versions"])

/** One column to copy. */
export interface CopyColumn {
  readonly name: string
  /** How its values convert and compare: the most specific kind either database declares. */
  readonly kind: ColumnKind
  /** How the target stores it. */
  readonly targetKind: ColumnKind
}

/** One table to copy. */
export interface TablePlan {
  readonly table: string
  readonly columns: ReadonlyArray<CopyColumn>
  /** The primary key's columns, in key order. */
  readonly key: ReadonlyArray<string>
  /** The target's identity columns (PostgreSQL), whose sequences are reset after the copy. */
  readonly identity: ReadonlyArray<string>
}

const TableRows = Schema.Array(Schema.Struct({ name: Schema.String, virtual: Num }))
const ColumnRows = Schema.Array(Schema.Struct({
  name: Schema.String,
  type: Schema.String,
  pk: Num,
  generated: Num,
  identity: Num
}))
type ColumnRow = typeof ColumnRows.Type[number]

const OPERATION = "Copy.plan"

/** The tables of a database that hold data: virtual tables, their shadow tables and bookkeeping left out. */
const dataTables = (sql: SqlClient.SqlClient) =>
  Queries.tables(sql).pipe(
    Effect.flatMap(Schema.decodeUnknown(TableRows)),
    Effect.map((rows) => {
      const virtual = rows.filter((row) => row.virtual === 1).map((row) => row.name)
      return rows
        .filter((row) => row.virtual !== 1 && !BOOKKEEPING.has(row.name))
        .filter((row) => !virtual.some((name) => row.name.startsWith(`${name}_`)))
        .map((row) => row.name)
    }),
    withDatabaseErrors(OPERATION)
  )

const columnsOf = (sql: SqlClient.SqlClient, table: string) =>
  Queries.columns(sql, table).pipe(Effect.flatMap(Schema.decodeUnknown(ColumnRows)), withDatabaseErrors(OPERATION))

const ordered = (names: ReadonlyArray<string>) => [
  ...COPY_ORDER.filter((name) => names.includes(name)),
  ...names.filter((name) => !COPY_ORDER.includes(name)).sort()
]

const mismatch = (message: string, path: string) => new ValidationError({ message: `cannot copy: ${message}`, issues: [{ path, message }] })

const planTable = (table: string, source: ReadonlyArray<ColumnRow>, target: ReadonlyArray<ColumnRow>) =>
  Effect.gen(function*() {
    const stored = (rows: ReadonlyArray<ColumnRow>) => rows.filter((row) => row.generated !== 1)
    const targetColumns = new Map(stored(target).map((row) => [row.name, row]))
    const columns: Array<CopyColumn> = []
    for (const column of stored(source)) {
      const into = targetColumns.get(column.name)
      // An identity column that is not the key (PostgreSQL's `seq` of checkpoints, SQLite's rowid on the other
      // side) is an insertion order the target numbers itself: not copied, not in the checksum.
      if (column.identity === 1 && column.pk === 0) continue
      if (into === undefined) {
        return yield* mismatch(`the target's table ${table} has no column ${column.name} (are both databases migrated with the same migrations?)`, `${table}.${column.name}`)
      }
      columns.push({ name: column.name, kind: mergeKinds(kindOf(column.type), kindOf(into.type)), targetKind: kindOf(into.type) })
    }
    const key = [...source].filter((row) => row.pk > 0).sort((a, b) => a.pk - b.pk).map((row) => row.name)
    if (key.length === 0) return yield* mismatch(`table ${table} has no primary key to page by`, table)
    return { table, columns, key, identity: target.filter((row) => row.identity === 1).map((row) => row.name) } satisfies TablePlan
  })

/**
 * Plans the copy from `source` to `target`: every data table of the source,
 * in copy order, with the columns both store. Fails with `ValidationError`
 * when the target lacks a table or a column of the source (the two are not
 * migrated alike).
 */
export const planCopy = (source: SqlClient.SqlClient, target: SqlClient.SqlClient) =>
  Effect.gen(function*() {
    const names = ordered(yield* dataTables(source))
    const present = new Set(yield* dataTables(target))
    return yield* Effect.forEach(names, (table) =>
      Effect.gen(function*() {
        if (!present.has(table)) {
          return yield* mismatch(`the target has no table ${table} (give the migrations that create it with --migrations)`, table)
        }
        return yield* planTable(table, yield* columnsOf(source, table), yield* columnsOf(target, table))
      }))
  })

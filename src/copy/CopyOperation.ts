/**
 * The copy of `Copy.copy`, loaded at its first run, so that importing
 * logbook does not load it.
 *
 * @module
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import type { CopyOptions, CopyProgress, CopyReport, TableCopy } from "../Copy.js"
import { Num } from "../database/Columns.js"
import { parameterChunks } from "../database/Dialect.js"
import { displayUrl, locate } from "../database/DatabaseOptions.js"
import { withDatabaseErrors } from "../database/SqlFailure.js"
import { Database, type DatabaseOptions, type DatabaseService } from "../Database.js"
import { CopyMismatch, ValidationError } from "../Errors.js"
import { forEachArchivePage, isArchive, revived } from "./ArchiveSource.js"
import { RunningSum, tableSum } from "./Checksum.js"
import { forEachPage, type Row } from "./Pages.js"
import { planCopy, type TablePlan } from "./Plan.js"
import * as Queries from "./Queries.js"
import { refusedByPostgres, toTarget } from "./Values.js"

const OPERATION = "Copy.copy"
const DEFAULT_PAGE = 500

const optionsOf = (given: string | DatabaseOptions): DatabaseOptions => typeof given === "string" ? { url: given } : given

const invalid = (path: string, message: string) => new ValidationError({ message: `invalid copy options: ${message}`, issues: [{ path, message }] })

/** A stable name of a database's location, to refuse copying a database onto itself. */
const placeOf = (url: string | undefined) => {
  const location = locate(url ?? "./.logbook/logbook.db")
  return location._tag === "File" ? `file:${location.filename}` : location._tag === "Postgres" ? displayUrl(location.url) : undefined
}

const open = (options: DatabaseOptions) =>
  Effect.map(Layer.build(Database.layer(options)), (context) => Context.get(context, Database))

const Count = Schema.Tuple(Schema.Struct({ n: Num }))

const countOf = (db: DatabaseService, table: string) =>
  Queries.count(db.sql, table).pipe(
    Effect.flatMap(Schema.decodeUnknown(Count)),
    Effect.map(([row]) => row.n),
    withDatabaseErrors(OPERATION)
  )

const keyText = (plan: TablePlan, row: Row) => plan.key.map((column) => `${column}=${String(row[column])}`).join(", ")

/** The rows of a page as the target binds them; fails on a value PostgreSQL cannot store. */
const converted = (plan: TablePlan, rows: ReadonlyArray<Row>, dialect: "sqlite" | "pg") =>
  Effect.forEach(rows, (row) =>
    Effect.gen(function*() {
      const out: Record<string, unknown> = {}
      for (const column of plan.columns) {
        const value = row[column.name]
        if (dialect === "pg" && refusedByPostgres(value, column.targetKind)) {
          return yield* invalid(
            `${plan.table}.${column.name}`,
            `${plan.table} (${keyText(plan, row)}) column ${column.name} holds the NUL character (\\u0000), which PostgreSQL cannot store`
          )
        }
        out[column.name] = toTarget(value, column.kind, dialect)
      }
      return out
    }))

/** Writes one page of rows into the target in one transaction, skipping those already there; returns the rows inserted. */
const writePage = (target: DatabaseService, plan: TablePlan, rows: ReadonlyArray<Row>) =>
  Effect.gen(function*() {
    const values = yield* converted(plan, rows, target.dialect)
    const added = yield* target.transaction(
      OPERATION,
      Effect.forEach(parameterChunks(target.sql, values, plan.columns.length), (chunk) => Queries.insertMissing(target.sql, plan.table, chunk))
    )
    return added.reduce((n, chunk) => n + chunk.length, 0)
  })

/** PostgreSQL: sets the identity sequences of the table past the copied keys. */
const resetIdentities = (target: DatabaseService, plan: TablePlan) =>
  target.dialect !== "pg" ? Effect.void : Effect.forEach(plan.identity, (column) =>
    Queries.resetIdentity(target.sql, plan.table, column).pipe(withDatabaseErrors(OPERATION)), { discard: true })

/** Copies one table page by page; returns the rows inserted. */
const copyTable = (source: DatabaseService, target: DatabaseService, plan: TablePlan, size: number, progress: CopyProgress | undefined) =>
  Effect.gen(function*() {
    let inserted = 0
    yield* forEachPage(source.sql, plan, size, OPERATION, (rows) =>
      Effect.gen(function*() {
        inserted += yield* writePage(target, plan, rows)
        if (progress !== undefined) yield* progress.advance(rows.length)
      }))
    yield* resetIdentities(target, plan)
    return inserted
  })

const mismatchOf = (tables: ReadonlyArray<TableCopy>) => {
  const different = tables.filter((t) => t.sourceRows !== t.targetRows || t.sourceChecksum !== t.targetChecksum)
  return different.length === 0 ? undefined : new CopyMismatch({ tables: different.map(({ inserted: _, ...table }) => table) })
}

/**
 * Restores the archive `file` (a logical backup) into `target`: each page of
 * adjacent rows of one table is written like a copied page, the archive's
 * rows are summed as they are read, and each table is verified against them.
 */
const restoreArchive = (file: string, target: DatabaseService, size: number, progress: CopyProgress | undefined) =>
  Effect.gen(function*() {
    const plans = yield* planCopy(target.sql, target.sql)
    const byTable = new Map(plans.map((plan) => [plan.table, plan]))
    const sums = new Map(plans.map((plan) => [plan.table, new RunningSum(plan)]))
    const inserted = new Map<string, number>()
    yield* forEachArchivePage(file, size, OPERATION, (table, lines) =>
      Effect.gen(function*() {
        const plan = byTable.get(table)
        if (plan === undefined) return yield* invalid("from", `the archive holds rows of ${table}, a table the target does not have`)
        const bytes = plan.columns.filter((column) => column.kind === "bytes").map((column) => column.name)
        const rows = bytes.length === 0 ? lines : lines.map((row) => ({ ...row, ...Object.fromEntries(bytes.map((name) => [name, revived(row[name])])) }))
        for (const row of rows) sums.get(table)!.add(row)
        inserted.set(table, (inserted.get(table) ?? 0) + (yield* writePage(target, plan, rows)))
        if (progress !== undefined) yield* progress.advance(rows.length)
      }))
    for (const plan of plans) yield* resetIdentities(target, plan)
    return yield* Effect.forEach(plans, (plan) =>
      Effect.map(tableSum(target.sql, plan, size, OPERATION), (after): TableCopy => {
        const before = sums.get(plan.table)!.result
        return {
          table: plan.table,
          sourceRows: before.rows,
          targetRows: after.rows,
          sourceChecksum: before.checksum,
          targetChecksum: after.checksum,
          inserted: inserted.get(plan.table) ?? 0
        }
      }))
  })

/** `Copy.copy`. */
export const copy = (options: CopyOptions) =>
  Effect.gen(function*() {
    const size = options.pageSize ?? DEFAULT_PAGE
    if (!Number.isSafeInteger(size) || size < 1) return yield* invalid("pageSize", `pageSize must be a positive integer, got ${size}`)
    const from = optionsOf(options.from)
    const to = optionsOf(options.to)
    const place = placeOf(from.url)
    if (place !== undefined && place === placeOf(to.url)) return yield* invalid("to", `the source and the target are the same database (${place})`)
    const archive = from.url === undefined ? undefined : locate(from.url)
    if (archive?._tag === "File" && isArchive(archive.filename)) {
      const target = yield* open({ ...to, migrate: "apply", retention: undefined })
      const tables = yield* restoreArchive(archive.filename, target, size, options.progress)
      const mismatch = mismatchOf(tables)
      if (mismatch !== undefined) return yield* mismatch
      return reportOf(`file:${archive.filename}`, placeOf(to.url) ?? displayUrl(to.url ?? ""), tables)
    }
    const source = yield* open({ ...from, migrate: "verify", retention: undefined })
    const target = yield* open({ ...to, migrate: "apply", retention: undefined })
    const plans = yield* planCopy(source.sql, target.sql)
    const totals = yield* Effect.forEach(plans, (plan) => countOf(source, plan.table))
    if (options.progress !== undefined) yield* options.progress.total(totals.reduce((a, b) => a + b, 0))
    const inserted: Array<number> = []
    for (const plan of plans) inserted.push(yield* copyTable(source, target, plan, size, options.progress))
    const tables = yield* Effect.forEach(plans, (plan, i) =>
      Effect.gen(function*() {
        const [before, after] = yield* Effect.all([tableSum(source.sql, plan, size, OPERATION), tableSum(target.sql, plan, size, OPERATION)], {
          concurrency: 2
        })
        const table: TableCopy = {
          table: plan.table,
          sourceRows: before.rows,
          targetRows: after.rows,
          sourceChecksum: before.checksum,
          targetChecksum: after.checksum,
          inserted: inserted[i] ?? 0
        }
        return table
      }))
    const mismatch = mismatchOf(tables)
    if (mismatch !== undefined) return yield* mismatch
    return reportOf(place ?? displayUrl(from.url ?? ""), placeOf(to.url) ?? displayUrl(to.url ?? ""), tables)
  }).pipe(Effect.scoped, Effect.withSpan(OPERATION))

const reportOf = (from: string, to: string, tables: ReadonlyArray<TableCopy>): CopyReport => ({
  from,
  to,
  tables,
  rows: tables.reduce((n, t) => n + t.sourceRows, 0),
  inserted: tables.reduce((n, t) => n + t.inserted, 0)
})

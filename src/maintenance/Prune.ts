/**
 * The retention engine: deletes what a policy selects from every target of
 * `PruneTargets.ts`, in bounded chunks (one short transaction each, sized to
 * take tens of milliseconds, with a pause after each so that other writers get
 * the lock), children archived before their parent (rows in SQLite's form on
 * either dialect: `ArchiveRows.ts`). With an archive, each
 * chunk's rows are written and fsynced before its delete commits; a chunk
 * whose delete fails is cut off the archive again.
 *
 * @module
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import { SqlError } from "@effect/sql/SqlError"
import type { Fragment } from "@effect/sql/Statement"
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import * as Schema from "effect/Schema"
import { Num } from "../database/Columns.js"
import { reasonOf, toDatabaseError, withDatabaseErrors } from "../database/SqlFailure.js"
import { DatabaseError, type DatabaseErrorReason } from "../Errors.js"
import { type Archive, type ArchiveLine, ArchiveWriteError } from "./Archive.js"
import { archiveForm } from "./ArchiveRows.js"
import { pause } from "./FreePages.js"
import { type PruneTarget, pruneTargets } from "./PruneTargets.js"
import { keyIn } from "./Queries.js"
import type { RetentionPolicy } from "./RetentionPolicy.js"

/** Rows deleted by retention, tagged with their `table`. */
export const retentionDeleted = Metric.counter("logbook_retention_deleted", {
  description: "rows deleted by retention (prune and the background policy)",
  incremental: true
})

const Rows = Schema.Array(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
const Count = Schema.Tuple(Schema.Struct({ n: Num }))

/** How a prune runs. */
export interface PruneRun {
  readonly policy: RetentionPolicy
  /** The instant ages are measured from, in epoch milliseconds. */
  readonly now: number
  readonly archive?: Archive | undefined
  /** The operation named in errors, e.g. `Maintenance.prune`. */
  readonly operation: string
}

/** Rows per table: deleted, or (dry run) that would be. */
export type TableCounts = Record<string, number>

const FIRST_CHUNK = 64
const MAX_CHUNK = 5_000
/** A chunk's transaction aims at this long: short enough that a waiting writer hardly notices. */
const TARGET_MILLIS = 40

const archiveReason = (code: string): DatabaseErrorReason =>
  code === "ENOSPC" || code === "EDQUOT" || code === "EFBIG"
    ? "Full"
    : code === "EROFS" || code === "EACCES" || code === "EPERM"
    ? "ReadOnly"
    : "Connection"

const appendTo = (archive: Archive, lines: ReadonlyArray<ArchiveLine>, operation: string) =>
  Effect.try({
    try: () => archive.append(lines),
    catch: (cause) => {
      const code = cause instanceof ArchiveWriteError ? cause.code : "EIO"
      return new DatabaseError({
        reason: archiveReason(code),
        operation,
        message: cause instanceof Error ? cause.message : String(cause),
        cause
      })
    }
  })

/** A failed COMMIT comes out of @effect/sql as a defect: it is a database failure like any other. */
const commitDefect = (operation: string) => (defect: unknown) =>
  Effect.fail(
    defect instanceof SqlError
      ? toDatabaseError(operation)(defect)
      : new DatabaseError({ reason: reasonOf(defect), operation, message: String(defect), cause: defect })
  )

const columnList = (sql: SqlClient.SqlClient, columns: ReadonlyArray<string>) =>
  sql.literal([...new Set(columns)].map((column) => `"${column.replaceAll("\"", "\"\"")}"`).join(", "))

const valuesOf = (rows: ReadonlyArray<Readonly<Record<string, unknown>>>, column: string): ReadonlyArray<unknown> => [
  ...new Set(rows.map((row) => row[column]))
]

/**
 * Deletes one chunk of `target` (at most `size` rows) with its children, in
 * one transaction; returns the rows deleted per table (all zero when none is
 * left) and how long the transaction's statements took. With an archive, the chunk is appended and fsynced before the
 * delete, and cut off again when the transaction fails while its rows are
 * still stored.
 */
const pruneChunk = (
  sql: SqlClient.SqlClient,
  target: PruneTarget,
  condition: Fragment,
  size: number,
  run: PruneRun
) =>
  Effect.suspend(() => {
    const archive = run.archive
    const start = archive?.end() ?? 0
    let chunkKeys: ReadonlyArray<unknown> | undefined
    const transaction = sql.withTransaction(Effect.gen(function*() {
      // Timed from inside: waiting for another connection's lock is not work of this chunk.
      const started = performance.now()
      const counts: TableCounts = { [target.table]: 0 }
      for (const child of target.children) counts[child.table] = 0
      const columns = archive === undefined
        ? columnList(sql, [target.key, ...target.children.map((child) => child.references)])
        : sql.literal("*")
      const rows = yield* sql`SELECT ${columns} FROM ${sql(target.table)} WHERE ${condition}
        ORDER BY ${sql(target.key)} LIMIT ${size}`.pipe(Effect.flatMap(Schema.decodeUnknown(Rows)))
      if (rows.length === 0) return { counts, millis: performance.now() - started }
      const keys = valuesOf(rows, target.key)
      chunkKeys = keys
      const lines: Array<ArchiveLine> = []
      const asStored = archive === undefined ? undefined : yield* archiveForm(sql, target.table)
      for (const child of target.children) {
        const parents = valuesOf(rows, child.references)
        if (archive === undefined) {
          const [row] = yield* sql`SELECT count(*) AS n FROM ${sql(child.table)}
            WHERE ${keyIn(sql, child.foreignKey, parents)}`.pipe(
              Effect.flatMap(Schema.decodeUnknown(Count))
            )
          counts[child.table] = row.n
        } else {
          const childRows = yield* sql`SELECT * FROM ${sql(child.table)}
            WHERE ${keyIn(sql, child.foreignKey, parents)}`.pipe(
              Effect.flatMap(Schema.decodeUnknown(Rows))
            )
          counts[child.table] = childRows.length
          const childForm = yield* archiveForm(sql, child.table)
          for (const row of childRows) lines.push({ table: child.table, row: childForm(row) })
        }
      }
      if (archive !== undefined && asStored !== undefined) {
        for (const row of rows) lines.push({ table: target.table, row: asStored(row) })
        yield* appendTo(archive, lines, run.operation)
      }
      yield* sql`DELETE FROM ${sql(target.table)} WHERE ${keyIn(sql, target.key, keys)}`
      counts[target.table] = rows.length
      return { counts, millis: performance.now() - started }
    })).pipe(Effect.catchAllDefect(commitDefect(run.operation)))
    if (archive === undefined) return transaction
    // The rows of a chunk whose transaction failed are still stored: their archive
    // bytes go, so that a retry (or the next prune) writes them once. When that
    // cannot be confirmed, the bytes stay: an archived row twice, never none.
    const undo = Effect.gen(function*() {
      if (archive.end() <= start || chunkKeys === undefined) return
      const [row] = yield* sql`SELECT count(*) AS n FROM ${sql(target.table)}
        WHERE ${keyIn(sql, target.key, chunkKeys)}`.pipe(
          Effect.flatMap(Schema.decodeUnknown(Count))
        )
      if (row.n === chunkKeys.length) yield* Effect.sync(() => archive.truncate(start))
    }).pipe(Effect.ignore)
    return transaction.pipe(Effect.tapError(() => undo))
  })

const nextSize = (size: number, millis: number) =>
  millis < TARGET_MILLIS / 2
    ? Math.min(MAX_CHUNK, size * 2)
    : millis > TARGET_MILLIS
    ? Math.max(1, Math.floor(size / 2))
    : size

const addCounts = (into: TableCounts, counts: TableCounts) => {
  for (const [table, n] of Object.entries(counts)) into[table] = (into[table] ?? 0) + n
}

/** Deletes every row `run.policy` selects, target by target; returns the rows deleted per table. */
export const pruneTables = (sql: SqlClient.SqlClient, run: PruneRun) =>
  Effect.gen(function*() {
    const total: TableCounts = {}
    for (const target of pruneTargets) {
      const condition = target.selection(sql, run.policy, run.now)
      if (condition === undefined) continue
      addCounts(total, { [target.table]: 0, ...Object.fromEntries(target.children.map((child) => [child.table, 0])) })
      let size = FIRST_CHUNK
      while (true) {
        const { counts, millis } = yield* pruneChunk(sql, target, condition, size, run).pipe(withDatabaseErrors(run.operation))
        if ((counts[target.table] ?? 0) === 0) break
        addCounts(total, counts)
        for (const [table, n] of Object.entries(counts)) {
          if (n > 0) yield* Metric.incrementBy(Metric.tagged(retentionDeleted, "table", table), n)
        }
        size = nextSize(size, millis)
        yield* pause(millis)
      }
    }
    return total
  })

/**
 * What {@link pruneTables} would delete, per table, without deleting
 * anything: each target's rows and children, less those an earlier target
 * already takes (a trace's events are not counted again as old events).
 */
export const countSelected = (sql: SqlClient.SqlClient, policy: RetentionPolicy, now: number, operation: string) =>
  Effect.gen(function*() {
    const total: TableCounts = {}
    const taken: Array<{ readonly table: string; readonly rows: Fragment }> = []
    const count = (table: string, rows: Fragment) =>
      Effect.gen(function*() {
        const earlier = taken.filter((other) => other.table === table).map((other) => sql`NOT coalesce((${other.rows}), false)`)
        const [row] = yield* sql`SELECT count(*) AS n FROM ${sql(table)} WHERE ${sql.and([rows, ...earlier])}`.pipe(
          Effect.flatMap(Schema.decodeUnknown(Count))
        )
        addCounts(total, { [table]: row.n })
      })
    for (const target of pruneTargets) {
      const condition = target.selection(sql, policy, now)
      if (condition === undefined) continue
      const children = target.children.map((child) => ({
        table: child.table,
        rows: sql`${sql(child.foreignKey)} IN (SELECT ${sql(child.references)} FROM ${sql(target.table)} WHERE ${condition})`
      }))
      yield* count(target.table, condition)
      for (const child of children) yield* count(child.table, child.rows)
      taken.push({ table: target.table, rows: condition }, ...children)
    }
    return total
  }).pipe(withDatabaseErrors(operation))

/**
 * Where the space goes: rows and bytes of every table and index (SQLite's
 * `dbstat`, PostgreSQL's relation sizes), the WAL, the free pages, the tasks with the most checkpoint
 * bytes, and the growth since the previous report. The previous report's
 * sizes are kept in the `configurations` table under the reserved scope
 * `logbook` (key `storage.lastReport`), outside every user scope.
 *
 * @module
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { existsSync, statSync } from "node:fs"
import { Num } from "../database/Columns.js"
import { withDatabaseErrors } from "../database/SqlFailure.js"
import { DatabaseError } from "../Errors.js"
import { type FreeSpace, freeSpace } from "./FreePages.js"
import * as Queries from "./Queries.js"

/** One table or index. `rows` is counted for tables only. */
export interface StorageObject {
  readonly name: string
  readonly type: "table" | "index"
  /** The table an index belongs to (a table's own name for a table). */
  readonly table: string
  readonly rows: number | null
  readonly pages: number
  readonly bytes: number
}

/** A task's checkpoints: how many, and the bytes of their state, context and artifacts. */
export interface TaskCheckpoints {
  readonly taskId: string
  readonly checkpoints: number
  readonly bytes: number
}

/** The change since the previous report. */
export interface StorageGrowth {
  readonly since: string
  readonly databaseBytes: number
  /** Bytes per table, its indexes included; tables that did not change are left out. */
  readonly tables: Readonly<Record<string, number>>
}

/** What `Maintenance.storage` reports. */
export interface StorageReport {
  readonly at: string
  readonly databaseBytes: number
  readonly walBytes: number
  readonly free: FreeSpace
  /** Every table and index, largest first. */
  readonly objects: ReadonlyArray<StorageObject>
  /** The ten tasks with the most checkpoint bytes, largest first. */
  readonly largestTasks: ReadonlyArray<TaskCheckpoints>
  /** None on the first report of a database. */
  readonly growth: StorageGrowth | null
}

const OPERATION = "Maintenance.storage"
const SCOPE = "logbook"
const KEY = "storage.lastReport"

const Objects = Schema.Array(Schema.Struct({
  name: Schema.String,
  type: Schema.Literal("table", "index"),
  tbl_name: Schema.String,
  virtual: Num,
  pages: Num,
  bytes: Num
}))
const Count = Schema.Tuple(Schema.Struct({ n: Num }))
const Tasks = Schema.Array(Schema.Struct({ task_id: Schema.String, checkpoints: Num, bytes: Num }))
const Previous = Schema.parseJson(Schema.Struct({
  at: Schema.String,
  databaseBytes: Schema.Number,
  tables: Schema.Record({ key: Schema.String, value: Schema.Number })
}))
const PreviousRow = Schema.Array(Schema.Struct({ value: Schema.String }))

const fileSize = (file: string) => (existsSync(file) ? statSync(file).size : 0)

const bytesPerTable = (objects: ReadonlyArray<StorageObject>): Record<string, number> => {
  const tables: Record<string, number> = {}
  for (const object of objects) tables[object.table] = (tables[object.table] ?? 0) + object.bytes
  return tables
}

/** Builds the report and keeps its sizes for the next one's growth. */
export const storageReport = (sql: SqlClient.SqlClient, filename: string | undefined, now: number) =>
  Effect.gen(function*() {
    const dbstat = yield* Queries.storageStatsAvailable(sql).pipe(Effect.flatMap(Schema.decodeUnknown(Count)))
    if (dbstat[0].n === 0) {
      return yield* new DatabaseError({ reason: "Query", operation: OPERATION, message: "this SQLite was built without the dbstat table, which the storage report reads" })
    }
    const found = yield* Queries.storageObjects(sql).pipe(Effect.flatMap(Schema.decodeUnknown(Objects)))
    const objects: Array<StorageObject> = []
    for (const row of found) {
      const rows = row.type === "table" && row.virtual === 0
        ? (yield* Queries.countTableRows(sql, row.name).pipe(Effect.flatMap(Schema.decodeUnknown(Count))))[0].n
        : null
      objects.push({ name: row.name, type: row.type, table: row.tbl_name, rows, pages: row.pages, bytes: row.bytes })
    }
    objects.sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name))
    const tasks = yield* Queries.largestCheckpointTasks(sql).pipe(Effect.flatMap(Schema.decodeUnknown(Tasks)))
    const free = yield* freeSpace(sql, OPERATION)
    const databaseBytes = filename === undefined ? free.pages * free.pageSize : fileSize(filename)
    const tables = bytesPerTable(objects)
    const at = new Date(now).toISOString()
    const stored = yield* Queries.selectKept(sql, SCOPE, KEY).pipe(Effect.flatMap(Schema.decodeUnknown(PreviousRow)))
    const previous = stored[0] === undefined ? Option.none() : Schema.decodeUnknownOption(Previous)(stored[0].value)
    const growth = Option.match(previous, {
      onNone: () => null,
      onSome: (last): StorageGrowth => ({
        since: last.at,
        databaseBytes: databaseBytes - last.databaseBytes,
        tables: Object.fromEntries(
          [...new Set([...Object.keys(tables), ...Object.keys(last.tables)])]
            .map((table) => [table, (tables[table] ?? 0) - (last.tables[table] ?? 0)] as const)
            .filter(([, delta]) => delta !== 0)
        )
      })
    })
    const report: StorageReport = {
      at,
      databaseBytes,
      walBytes: filename === undefined ? 0 : fileSize(`${filename}-wal`),
      free,
      objects,
      largestTasks: tasks.map((task) => ({ taskId: task.task_id, checkpoints: task.checkpoints, bytes: task.bytes })),
      growth
    }
    const keep = JSON.stringify({ at, databaseBytes, tables })
    yield* Queries.upsertKept(sql, SCOPE, KEY, keep, at).pipe(
      Effect.catchAll((error) => Effect.logWarning("the storage report could not be kept for the next one's growth").pipe(
        Effect.annotateLogs({ operation: OPERATION, error: error.message })
      ))
    )
    return report
  }).pipe(withDatabaseErrors(OPERATION))

/**
 * Where the space goes: rows and bytes of every table and index (SQLite's
 * `dbstat`), the WAL, the free pages, the tasks with the most checkpoint
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
import { withDatabaseErrors } from "../database/SqlFailure.js"
import { DatabaseError } from "../Errors.js"
import { type FreeSpace, freeSpace } from "./FreePages.js"

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
  virtual: Schema.Number,
  pages: Schema.Number,
  bytes: Schema.Number
}))
const Count = Schema.Tuple(Schema.Struct({ n: Schema.Number }))
const Tasks = Schema.Array(Schema.Struct({ task_id: Schema.String, checkpoints: Schema.Number, bytes: Schema.Number }))
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
    const dbstat = yield* sql`SELECT count(*) AS n FROM pragma_module_list WHERE name = 'dbstat'`.pipe(
      Effect.flatMap(Schema.decodeUnknown(Count))
    )
    if (dbstat[0].n === 0) {
      return yield* new DatabaseError({ reason: "Query", operation: OPERATION, message: "this SQLite was built without the dbstat table, which the storage report reads" })
    }
    const found = yield* sql`SELECT m.name, m.type, m.tbl_name, (m.sql LIKE 'CREATE VIRTUAL TABLE%') AS virtual,
        coalesce(s.pages, 0) AS pages, coalesce(s.bytes, 0) AS bytes
      FROM sqlite_master m
      LEFT JOIN (SELECT name, count(*) AS pages, sum(pgsize) AS bytes FROM dbstat GROUP BY name) s ON s.name = m.name
      WHERE m.type IN ('table', 'index') AND m.name NOT LIKE 'sqlite_%'
      ORDER BY m.name`.pipe(Effect.flatMap(Schema.decodeUnknown(Objects)))
    const objects: Array<StorageObject> = []
    for (const row of found) {
      const rows = row.type === "table" && row.virtual === 0
        ? (yield* sql`SELECT count(*) AS n FROM ${sql(row.name)}`.pipe(Effect.flatMap(Schema.decodeUnknown(Count))))[0].n
        : null
      objects.push({ name: row.name, type: row.type, table: row.tbl_name, rows, pages: row.pages, bytes: row.bytes })
    }
    objects.sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name))
    const tasks = yield* sql`SELECT task_id, count(*) AS checkpoints,
        sum(octet_length(state) + octet_length(context) + octet_length(artifacts)) AS bytes
      FROM checkpoints GROUP BY task_id ORDER BY bytes DESC, task_id LIMIT 10`.pipe(
      Effect.flatMap(Schema.decodeUnknown(Tasks))
    )
    const free = yield* freeSpace(sql, OPERATION)
    const databaseBytes = filename === undefined ? free.pages * free.pageSize : fileSize(filename)
    const tables = bytesPerTable(objects)
    const at = new Date(now).toISOString()
    const stored = yield* sql`SELECT value FROM configurations WHERE scope = ${SCOPE} AND key = ${KEY}`.pipe(
      Effect.flatMap(Schema.decodeUnknown(PreviousRow))
    )
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
    yield* sql`INSERT INTO configurations (scope, key, value, updated_at) VALUES (${SCOPE}, ${KEY}, ${keep}, ${at})
      ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`.pipe(
      Effect.catchAll((error) => Effect.logWarning("the storage report could not be kept for the next one's growth").pipe(
        Effect.annotateLogs({ operation: OPERATION, error: error.message })
      ))
    )
    return report
  }).pipe(withDatabaseErrors(OPERATION))

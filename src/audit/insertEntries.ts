/**
 * The one way audit entries reach the database: multi-row inserts, shared by
 * `AuditLog.log`/`logMany` and the write-behind {@link AuditSink}.
 *
 * @module
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Effect from "effect/Effect"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { Num } from "../database/Columns.js"
import { parameterChunks } from "../database/Dialect.js"
import type { AuditRecord } from "./AuditRecord.js"
import { type AuditInsert, INSERT_COLUMNS, insertEntries as insertRows, insertRecords } from "./Queries.js"

/** A record to insert and its write-behind idempotency key (`null` for direct writes). */
export interface KeyedRecord {
  readonly key: string | null
  readonly record: AuditRecord
}

const Ids = Schema.Array(Schema.Struct({ id: Num }))

const toRow = ({ key, record }: KeyedRecord): AuditInsert => ({
  timestamp: record.timestamp,
  project_id: record.projectId,
  task_id: record.taskId,
  agent: record.agent,
  action: record.action,
  category: record.category,
  details: record.details,
  user_id: record.userId,
  ip_address: record.ipAddress,
  record_key: key
})

/**
 * Inserts records with as few statements as the dialect's parameter limit
 * allows and returns the new ids in input
 * order. A record whose `key` is already stored is skipped (and has no id),
 * so that a replayed write-behind batch is written once. Run it inside a
 * transaction when it may take more than one statement.
 */
export const insertEntries = (
  records: ReadonlyArray<KeyedRecord>
): Effect.Effect<ReadonlyArray<number>, SqlError | ParseResult.ParseError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const ids: Array<number> = []
    for (const chunk of parameterChunks(sql, records, INSERT_COLUMNS)) {
      const inserted = yield* insertRows(sql, chunk.map(toRow)).pipe(Effect.flatMap(Schema.decodeUnknown(Ids)))
      // RETURNING order is unspecified; the ids of one statement ascend in input order.
      ids.push(...inserted.map((row) => row.id).sort((a, b) => a - b))
    }
    return ids
  })

/**
 * {@link insertEntries} without the ids, for the write-behind sink: a
 * record whose `key` is already stored is skipped. Run it inside a
 * transaction when it may take more than one statement.
 */
export const writeEntries = (
  records: ReadonlyArray<KeyedRecord>
): Effect.Effect<void, SqlError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    for (const chunk of parameterChunks(sql, records, INSERT_COLUMNS)) yield* insertRecords(sql, chunk.map(toRow))
  })

/**
 * Every SQL statement of the LangGraph checkpoint saver, written once on
 * `SqlClient`: values travel as bound parameters, and a statement that a
 * dialect writes differently branches here, beside its twin.
 *
 * Dialect variants: the metadata filter of `list` (`json_each` on SQLite;
 * jsonb containment, for the GIN index, and equality on PostgreSQL), and the
 * channel versions a checkpoint names, read by `selectParts` and by the
 * value sweep of `pruneThread` (`json_each` / `jsonb_each_text`).
 *
 * @module
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import type { Fragment } from "@effect/sql/Statement"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { Bytes, JsonText, Num } from "../database/Columns.js"
import { parameterChunks, type Sql, unsupported } from "../database/Dialect.js"
import { onFirstCall } from "../domain/OnFirstCall.js"

/** A stored checkpoint without its channel values. */
export const CheckpointRow = Schema.Struct({
  threadId: Schema.String,
  checkpointNs: Schema.String,
  checkpointId: Schema.String,
  parentCheckpointId: Schema.NullOr(Schema.String),
  /** JSON text (PostgreSQL's parsed `jsonb` serialised again). */
  checkpoint: JsonText,
  /** JSON text. */
  metadata: JsonText
})
export interface CheckpointRow extends Schema.Schema.Type<typeof CheckpointRow> {}

/** A channel value (`kind` "blob") or a pending write (`kind` "write") of one checkpoint. */
export const PartRow = Schema.Struct({
  kind: Schema.Literal("blob", "write"),
  channel: Schema.String,
  type: Schema.String,
  blob: Schema.NullOr(Bytes),
  taskId: Schema.NullOr(Schema.String),
  idx: Schema.NullOr(Num),
  taskPath: Schema.NullOr(Schema.String)
})
export interface PartRow extends Schema.Schema.Type<typeof PartRow> {}

/** The pending sends (TASKS writes) of a parent checkpoint, for checkpoints older than format 4. */
export const SendRow = Schema.Struct({
  checkpointId: Schema.String,
  type: Schema.String,
  blob: Bytes
})
export interface SendRow extends Schema.Schema.Type<typeof SendRow> {}

/** A channel value to store under its version. */
export type BlobInsert = {
  readonly thread_id: string
  readonly checkpoint_ns: string
  readonly channel: string
  readonly version: string
  readonly type: string
  readonly blob: Uint8Array | null
}

/** A checkpoint to store. */
export type CheckpointInsert = {
  readonly thread_id: string
  readonly checkpoint_ns: string
  readonly checkpoint_id: string
  readonly parent_checkpoint_id: string | null
  readonly checkpoint: string
  readonly metadata: string
}

/** A pending write to store. */
export type WriteInsert = {
  readonly thread_id: string
  readonly checkpoint_ns: string
  readonly checkpoint_id: string
  readonly task_id: string
  readonly idx: number
  readonly task_path: string
  readonly channel: string
  readonly type: string
  readonly blob: Uint8Array
}

/** What `list` selects on. */
export interface ListQuery {
  readonly threadId: string | undefined
  readonly checkpointNs: string | undefined
  readonly checkpointId: string | undefined
  readonly before: string | undefined
  /** Metadata keys and the JSON text of the value each must equal. */
  readonly filter: ReadonlyArray<readonly [string, string]>
  readonly limit: number | undefined
}

const decodeCheckpoints = onFirstCall(() => Schema.decodeUnknown(Schema.Array(CheckpointRow)))
const decodeParts = onFirstCall(() => Schema.decodeUnknown(Schema.Array(PartRow)))
const decodeSends = onFirstCall(() => Schema.decodeUnknown(Schema.Array(SendRow)))

const checkpointColumns = `thread_id AS "threadId", checkpoint_ns AS "checkpointNs", checkpoint_id AS "checkpointId",
  parent_checkpoint_id AS "parentCheckpointId", checkpoint, metadata`

/** Rows per multi-row insert, at most. */
const MAX_ROWS = 100

/**
 * The channel versions a checkpoint (JSON) names: a row source `alias` with
 * the channel in `alias.key`, and the version as text.
 */
const channelVersions = (sql: Sql, checkpoint: Fragment, alias: string): { readonly source: Fragment; readonly version: Fragment } =>
  sql.onDialectOrElse({
    sqlite: () => ({
      source: sql`json_each(${checkpoint}, '$.channel_versions') AS ${sql.literal(alias)}`,
      version: sql`CAST(${sql.literal(alias)}.value AS TEXT)`
    }),
    pg: () => ({
      source: sql`jsonb_each_text((${checkpoint})::jsonb -> 'channel_versions') AS ${sql.literal(alias)}(key, value)`,
      version: sql`${sql.literal(alias)}.value`
    }),
    orElse: unsupported(sql)
  })

/** The metadata's top-level `key` holds exactly the JSON value `json` (text). */
const metadataHas = (sql: Sql, key: string, json: string): Fragment =>
  sql.onDialectOrElse({
    sqlite: () => sql`EXISTS (SELECT 1 FROM json_each(metadata) AS m WHERE m.key = ${key} AND m.value IS json_extract(${json}, '$'))`,
    pg: () =>
      sql`((metadata)::jsonb @> jsonb_build_object(${key}::text, ${json}::jsonb) AND (metadata)::jsonb -> ${key}::text = ${json}::jsonb)`,
    orElse: unsupported(sql)
  })

/** Stores channel values; a (channel, version) already stored is kept as it is. */
export const insertBlobs = (sql: SqlClient.SqlClient, rows: ReadonlyArray<BlobInsert>) =>
  Effect.forEach(
    parameterChunks(sql, rows, 6, MAX_ROWS),
    (chunk) => sql`INSERT INTO langgraph_blobs ${sql.insert(chunk)} ON CONFLICT DO NOTHING`,
    { discard: true }
  )

/** Stores a checkpoint, replacing one of the same id. */
export const upsertCheckpoint = (sql: SqlClient.SqlClient, row: CheckpointInsert) =>
  sql`INSERT INTO langgraph_checkpoints ${sql.insert(row)}
    ON CONFLICT (thread_id, checkpoint_ns, checkpoint_id)
    DO UPDATE SET checkpoint = excluded.checkpoint, metadata = excluded.metadata`

/**
 * Stores pending writes. With `replace` (writes of special channels, whose
 * index is fixed) a write of the same task and index is replaced; otherwise
 * the first one stored is kept.
 */
export const insertWrites = (sql: SqlClient.SqlClient, rows: ReadonlyArray<WriteInsert>, replace: boolean) =>
  Effect.forEach(
    parameterChunks(sql, rows, 9, MAX_ROWS),
    (chunk) =>
      replace
        ? sql`INSERT INTO langgraph_writes ${sql.insert(chunk)}
            ON CONFLICT (thread_id, checkpoint_ns, checkpoint_id, task_id, idx)
            DO UPDATE SET channel = excluded.channel, type = excluded.type, blob = excluded.blob, task_path = excluded.task_path`
        : sql`INSERT INTO langgraph_writes ${sql.insert(chunk)} ON CONFLICT DO NOTHING`,
    { discard: true }
  )

/** One checkpoint of a thread and namespace: the given id, or the newest. */
export const selectCheckpoint = (
  sql: SqlClient.SqlClient,
  threadId: string,
  checkpointNs: string,
  checkpointId: string | undefined
) =>
  Effect.flatMap(
    checkpointId === undefined
      ? sql`SELECT ${sql.literal(checkpointColumns)} FROM langgraph_checkpoints
          WHERE thread_id = ${threadId} AND checkpoint_ns = ${checkpointNs}
          ORDER BY checkpoint_id DESC LIMIT 1`
      : sql`SELECT ${sql.literal(checkpointColumns)} FROM langgraph_checkpoints
          WHERE thread_id = ${threadId} AND checkpoint_ns = ${checkpointNs} AND checkpoint_id = ${checkpointId}`,
    decodeCheckpoints
  )

/** Checkpoints matching a `list` query, newest first. */
export const listCheckpoints = (sql: SqlClient.SqlClient, query: ListQuery) => {
  const conditions: Array<Fragment> = []
  if (query.threadId !== undefined) conditions.push(sql`thread_id = ${query.threadId}`)
  if (query.checkpointNs !== undefined) conditions.push(sql`checkpoint_ns = ${query.checkpointNs}`)
  if (query.checkpointId !== undefined) conditions.push(sql`checkpoint_id = ${query.checkpointId}`)
  if (query.before !== undefined) conditions.push(sql`checkpoint_id < ${query.before}`)
  for (const [key, json] of query.filter) {
    conditions.push(metadataHas(sql, key, json))
  }
  const where = conditions.length === 0 ? sql.literal("") : sql`WHERE ${sql.and(conditions)}`
  const limit = query.limit === undefined ? sql.literal("") : sql`LIMIT ${query.limit}`
  return Effect.flatMap(
    sql`SELECT ${sql.literal(checkpointColumns)} FROM langgraph_checkpoints ${where}
      ORDER BY checkpoint_id DESC ${limit}`,
    decodeCheckpoints
  )
}

/**
 * The channel values that a checkpoint's `channel_versions` name, and its
 * pending writes, in one statement. CROSS JOIN keeps the versions as the
 * outer loop: each value is then one primary-key lookup, never a scan of
 * the thread's (large) values.
 */
export const selectParts = (sql: SqlClient.SqlClient, row: CheckpointRow) => {
  const versions = channelVersions(sql, sql`${row.checkpoint}`, "v")
  return Effect.flatMap(
    sql`SELECT 'blob' AS kind, b.channel, b.type, b.blob, NULL AS "taskId", NULL AS idx, NULL AS "taskPath"
        FROM ${versions.source}
        CROSS JOIN langgraph_blobs AS b
        WHERE b.thread_id = ${row.threadId} AND b.checkpoint_ns = ${row.checkpointNs}
          AND b.channel = v.key AND b.version = ${versions.version}
      UNION ALL
      SELECT 'write', channel, type, blob, task_id, idx, task_path
        FROM langgraph_writes
        WHERE thread_id = ${row.threadId} AND checkpoint_ns = ${row.checkpointNs}
          AND checkpoint_id = ${row.checkpointId}`,
    decodeParts
  )
}

/** The TASKS writes of the given parent checkpoints of a thread, in task order. */
export const selectPendingSends = (
  sql: SqlClient.SqlClient,
  threadId: string,
  channel: string,
  parentIds: ReadonlyArray<string>
) =>
  Effect.flatMap(
    sql`SELECT checkpoint_id AS "checkpointId", type, blob FROM langgraph_writes
      WHERE thread_id = ${threadId} AND channel = ${channel} AND ${sql.in("checkpoint_id", parentIds)}
      ORDER BY checkpoint_id, task_path, task_id, idx`,
    decodeSends
  )

/** Deletes every checkpoint, value and write of a thread. */
export const deleteThread = (sql: SqlClient.SqlClient, threadId: string) =>
  Effect.all([
    sql`DELETE FROM langgraph_writes WHERE thread_id = ${threadId}`,
    sql`DELETE FROM langgraph_blobs WHERE thread_id = ${threadId}`,
    sql`DELETE FROM langgraph_checkpoints WHERE thread_id = ${threadId}`
  ], { discard: true })

/**
 * Keeps the newest `keepLast` checkpoints of a thread's namespace: older
 * ones go with their writes, and so does every channel value that no kept
 * checkpoint names.
 */
export const pruneThread = (sql: SqlClient.SqlClient, threadId: string, checkpointNs: string, keepLast: number) =>
  Effect.gen(function*() {
    const oldest = yield* Effect.flatMap(
      sql`SELECT checkpoint_id AS "checkpointId" FROM langgraph_checkpoints
        WHERE thread_id = ${threadId} AND checkpoint_ns = ${checkpointNs}
        ORDER BY checkpoint_id DESC LIMIT 1 OFFSET ${keepLast - 1}`,
      Schema.decodeUnknown(Schema.Array(Schema.Struct({ checkpointId: Schema.String })))
    )
    if (oldest.length === 0) return
    const cutoff = oldest[0].checkpointId
    yield* sql`DELETE FROM langgraph_writes
      WHERE thread_id = ${threadId} AND checkpoint_ns = ${checkpointNs} AND checkpoint_id < ${cutoff}`
    const removed = yield* sql`DELETE FROM langgraph_checkpoints
      WHERE thread_id = ${threadId} AND checkpoint_ns = ${checkpointNs} AND checkpoint_id < ${cutoff}
      RETURNING checkpoint_id`
    if (removed.length === 0) return
    const versions = channelVersions(sql, sql`c.checkpoint`, "v")
    yield* sql`DELETE FROM langgraph_blobs AS b
      WHERE b.thread_id = ${threadId} AND b.checkpoint_ns = ${checkpointNs}
        AND NOT EXISTS (
          SELECT 1 FROM langgraph_checkpoints AS c, ${versions.source}
          WHERE c.thread_id = b.thread_id AND c.checkpoint_ns = b.checkpoint_ns
            AND v.key = b.channel AND ${versions.version} = b.version)`
  })

/**
 * Writing prepared trajectories: one multi-row upsert on the trajectory's
 * identity, shared by `save` and the write-behind sink of `record`.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { Num } from "../database/Columns.js"
import { parameterChunks } from "../database/Dialect.js"
import { baseId, identityOf, newId } from "./Identity.js"
import * as Queries from "./Queries.js"
import type { TrajectoryRecord } from "./TrajectoryRecord.js"

/** The most rows per INSERT (each is a whole trajectory). */
const MAX_ROWS = 200

const toRow = (value: TrajectoryRecord, key: string | null, id: string): Queries.TrajectoryInsert => ({
  id,
  identity: value.identity,
  session_id: value.sessionId,
  schema_version: value.schemaVersion,
  agent_name: value.agentName,
  agent_version: value.agentVersion,
  model_name: value.modelName,
  task_id: value.taskId,
  step_count: value.stepCount,
  first_step_at: value.firstStepAt,
  last_step_at: value.lastStepAt,
  total_prompt_tokens: value.totalPromptTokens,
  total_completion_tokens: value.totalCompletionTokens,
  total_cost_usd: value.totalCostUsd,
  score: value.score,
  created_at: value.at,
  updated_at: value.at,
  record_key: key,
  embedding_dim: value.embedding === null ? null : value.embedding.byteLength / 4,
  embedding: value.embedding,
  data: value.data,
  search_text: value.searchText,
  write_order: value.writeOrder
})

const KnownRows = Schema.Array(Schema.Struct({ id: Schema.String, identity: Schema.String }))
const LegacyRows = Schema.Array(Schema.Struct({ seq: Num, id: Schema.String, data: Schema.String }))
const IdRows = Schema.Array(Schema.Struct({ id: Schema.String }))
const LegacyData = Schema.parseJson(Schema.Struct({
  session_id: Schema.optional(Schema.NullOr(Schema.String)),
  trajectory_id: Schema.optional(Schema.NullOr(Schema.String)),
  steps: Schema.Array(Schema.Unknown)
}))

/**
 * The id of each value: the stored id of the same trajectory (a row stored
 * before identities were kept takes its identity here), else a new one
 * (see `newId`), distinct within the batch too.
 */
const resolveIds = (sql: SqlClient.SqlClient, values: ReadonlyArray<TrajectoryRecord>) =>
  Effect.gen(function*() {
    const identities = [...new Set(values.map((v) => v.identity))]
    const ids = new Map((yield* Queries.selectIdentities(sql, identities).pipe(
      Effect.flatMap(Schema.decodeUnknown(KnownRows))
    )).map((row) => [row.identity, row.id]))
    const sessions = [...new Set(values.flatMap((v) => (ids.has(v.identity) || v.sessionId === null ? [] : [v.sessionId])))]
    if (sessions.length > 0) {
      const legacy = yield* Queries.selectUnidentified(sql, sessions).pipe(Effect.flatMap(Schema.decodeUnknown(LegacyRows)))
      for (const row of legacy) {
        const identity = identityOf(yield* Schema.decodeUnknown(LegacyData)(row.data))
        if (!identities.includes(identity) || ids.has(identity)) continue
        yield* Queries.setIdentity(sql, row.seq, identity)
        ids.set(identity, row.id)
      }
    }
    const allocated = new Set<string>()
    for (const value of values) {
      if (ids.has(value.identity)) continue
      const base = baseId(value)
      const stored = new Set(
        (yield* Queries.selectIdsNear(sql, base, value.trajectoryId ?? base).pipe(
          Effect.flatMap(Schema.decodeUnknown(IdRows))
        )).map((row) => row.id)
      )
      const id = newId(value, (id) => stored.has(id) || allocated.has(id))
      allocated.add(id)
      ids.set(value.identity, id)
    }
    return values.map((value) => ids.get(value.identity)!)
  })

/**
 * `rows` cut, in order, into runs that each hold an identity and a record key
 * at most once: one statement may not change a row twice on PostgreSQL
 * (`ON CONFLICT DO UPDATE`), so the same trajectory twice in a batch goes in
 * two statements, applied in order as SQLite applies the rows of one.
 */
const distinctRuns = (rows: ReadonlyArray<Queries.TrajectoryInsert>): ReadonlyArray<ReadonlyArray<Queries.TrajectoryInsert>> => {
  const runs: Array<Array<Queries.TrajectoryInsert>> = []
  let run: Array<Queries.TrajectoryInsert> = []
  const seen = new Set<string>()
  for (const row of rows) {
    const keys = [`identity ${row.identity}`, ...(row.record_key === null ? [] : [`key ${row.record_key}`])]
    if (keys.some((key) => seen.has(key))) {
      runs.push(run)
      run = []
      seen.clear()
    }
    run.push(row)
    for (const key of keys) seen.add(key)
  }
  if (run.length > 0) runs.push(run)
  return runs
}

/**
 * Inserts trajectories, replacing a stored one that is the same trajectory
 * (same identity, see `Identity`; its id and `created_at` are kept; its task id, score and embedding are kept when
 * the new row has none) unless the stored one was written later: a row
 * only replaces one whose `write_order` is not greater than its own, so a
 * spooled record replayed after a newer `save` leaves the newer trajectory
 * (and its search index) in place. A row whose `key` is already stored is
 * skipped, so a replayed write-behind batch lands once.
 *
 * A trajectory keeps the key of the first record that stored it: replaying a
 * spool that recorded it twice (A then B) skips A and applies B again,
 * ending with B. Overwriting the key with B's would instead skip B and end
 * with A. Returns the id of each trajectory, in order.
 */
export const upsertTrajectories = (batch: ReadonlyArray<{ readonly key: string | null; readonly value: TrajectoryRecord }>) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const result: Array<string> = []
    for (const chunk of parameterChunks(sql, batch, Queries.TRAJECTORY_COLUMNS, MAX_ROWS)) {
      const ids = yield* resolveIds(sql, chunk.map(({ value }) => value))
      result.push(...ids)
      for (const rows of distinctRuns(chunk.map(({ key, value }, i) => toRow(value, key, ids[i]!)))) {
        yield* Queries.upsertTrajectories(sql, rows)
      }
    }
    return result
  })

/**
 * TrajectoryStore: every agent trajectory in ATIF, validated, redacted and
 * stored whole, indexed by its summary fields, searchable by its text and
 * findable by embedding similarity; test-generation runs keep their details
 * beside it.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { coreLayerConfig } from "./Core.js"
import { Database } from "./Database.js"
import { Num } from "./database/Columns.js"
import { keysetPages } from "./database/KeysetPages.js"
import { withDatabaseErrors } from "./database/SqlFailure.js"
import { type DatabaseError, ValidationError } from "./Errors.js"
import { Redactor } from "./redaction/Redactor.js"
import type { EmbeddingInput } from "./records/Embedding.js"
import { nearest } from "./records/Nearest.js"
import { decodeVectorRows, queryEmbedding } from "./records/RecordRow.js"
import { MAX_K } from "./records/StoredRecord.js"
import { queryTokens, toFtsQuery } from "./search/FtsQuery.js"
import type { Trajectory } from "./trajectory/Atif.js"
import {
  DEFAULT_LIMIT,
  decodeHitRows,
  decodeInfoRows,
  decodeStoredRows,
  type StoredTrajectory,
  toInfo,
  TrajectoryFilter,
  type TrajectoryHit
} from "./trajectory/StoredTrajectory.js"
import { decodeTestGenRows, prepareTestGen, type TestGenTrajectoryInput, toStoredTestGen } from "./trajectory/TestGen.js"
import { prepareTrajectory, type SaveOptions } from "./trajectory/TrajectoryRecord.js"
import * as Queries from "./trajectory/Queries.js"
import { TrajectorySink } from "./trajectory/TrajectorySink.js"
import { upsertTrajectories } from "./trajectory/TrajectoryWrite.js"
import { validate } from "./Validation.js"
import { WriteBehind } from "./writeBehind/WriteBehind.js"

export { ATIF_VERSIONS, type AtifVersion, Trajectory } from "./trajectory/Atif.js"
export {
  StoredTrajectory,
  TrajectoryFilter,
  TrajectoryHit,
  TrajectoryInfo
} from "./trajectory/StoredTrajectory.js"
export { StoredTestGenTrajectory, type TestGenTrajectoryInput } from "./trajectory/TestGen.js"
export type { SaveOptions } from "./trajectory/TrajectoryRecord.js"

/** How many characters of a trajectory's text `similar` returns as its snippet. */
const SIMILAR_SNIPPET_CHARS = 200

/** How many hits `search` returns when no `limit` is given. */
const SEARCH_LIMIT = 20

/** What `search` takes: plain text to look for, and the filters and page of `list`. */
export const TrajectorySearch = Schema.extend(
  Schema.Struct({ query: Schema.optional(Schema.String) }),
  TrajectoryFilter
)
export type TrajectorySearch = typeof TrajectorySearch.Encoded

/** What `count` and `exportStream` take: the filters of `list`, without its page. */
export const TrajectorySelection = TrajectoryFilter.omit("limit", "offset")
export type TrajectorySelection = typeof TrajectorySelection.Encoded

/** Trajectories read per statement by `exportStream`. */
const EXPORT_PAGE = 200

const Count = Schema.Tuple(Schema.Struct({ n: Num }))
const DataRows = Schema.Array(Schema.Struct({ seq: Num, data: Schema.String }))

/**
 * Agent trajectories (ATIF v1.0 to v1.7). A trajectory is replaced only by
 * a later save of the same trajectory: the same `trajectory_id`, or without
 * one the same session and the same first step (so a trajectory that grows
 * step by step is updated in place; its id and `createdAt` are kept). A
 * continuation or fork that shares a session id is stored beside it, under
 * its own id: the session id for a session's first trajectory, then its
 * `trajectory_id` or `<session id>#2`, `#3`... The full-text index follows. Writes apply in the order `save` and
 * `record` were called: a recorded trajectory that reaches the database
 * late (spooled while it was unavailable) never replaces one saved after it.
 */
export class TrajectoryStore extends Effect.Service<TrajectoryStore>()("logbook/TrajectoryStore", {
  effect: Effect.gen(function*() {
    const { sql } = yield* Database
    const redactor = yield* Redactor
    const writeBehind = yield* WriteBehind
    /** Writes trajectories on this store's database: no method requires a `SqlClient` of its caller. */
    const upsert = (batch: Parameters<typeof upsertTrajectories>[0]) =>
      Effect.provideService(upsertTrajectories(batch), SqlClient.SqlClient, sql)

    /**
     * Validates and stores a trajectory, durable on return. The whole
     * trajectory passes through the Redactor first; a trajectory without
     * secrets reads back identical, unknown fields and key order included.
     * Returns the trajectory's id (for `get` and `delete`). The same
     * trajectory saved again is replaced in place; `options.taskId`,
     * `options.score` and `options.embedding`, when absent, keep the stored
     * values. Fails with `ValidationError` naming each bad step and field
     * (e.g. `steps[3].step_id: expected 4 ... got 5`, or an observation whose
     * `source_call_id` matches no tool call of its step).
     */
    const save = Effect.fn("TrajectoryStore.save")(function*(trajectory: Trajectory, options?: SaveOptions) {
      const record = yield* prepareTrajectory(trajectory, options, redactor)
      const [id] = yield* sql.withTransaction(upsert([{ key: null, value: record }])).pipe(
        withDatabaseErrors("TrajectoryStore.save")
      )
      return id!
    })

    /**
     * Stores a test-generation trajectory: the trajectory (with `taskId` and
     * `comprehensivenessScore` as its task id and score) and its
     * `testgen_trajectories` row, in one transaction — if either write fails,
     * neither is stored. Saving the same trajectory again replaces both.
     * Returns the trajectory's id.
     */
    const saveTestGen = Effect.fn("TrajectoryStore.saveTestGen")(function*(input: TestGenTrajectoryInput) {
      const details = yield* prepareTestGen(input, redactor)
      const score = input.comprehensivenessScore
      const record = yield* prepareTrajectory(
        input.trajectory,
        {
          taskId: input.taskId,
          ...(typeof score === "number" ? { score } : {}),
          ...(input.embedding === undefined ? {} : { embedding: input.embedding })
        },
        redactor,
        "trajectory"
      )
      const at = record.at
      return yield* sql.withTransaction(
        Effect.flatMap(upsert([{ key: null, value: record }]), ([id]) =>
          Queries.upsertTestGen(sql, { trajectory_id: id!, ...details, created_at: at, updated_at: at }).pipe(Effect.as(id!)))
      ).pipe(withDatabaseErrors("TrajectoryStore.saveTestGen"))
    })

    /**
     * Records a trajectory through the write-behind recorder: returns at
     * once and never fails. The caller only hands it over; the recorder's
     * writer validates and redacts it; an invalid trajectory is logged as a
     * warning `TrajectoryStore.record: record dropped` (with its issues) and
     * dropped. Do not change the trajectory after the call. Committed in batches, spooled while the database
     * is unavailable; `Logbook.flush` waits for it.
     */
    const record = (trajectory: Trajectory, options?: SaveOptions): Effect.Effect<void> =>
      writeBehind.submit(TrajectorySink, "TrajectoryStore.record", prepareTrajectory(trajectory, options, redactor))

    /**
     * The stored trajectory of `id` (what `save` returned: the session id for
     * a session's only trajectory), if there is one: the stored JSON, parsed,
     * with its indexed fields.
     */
    const get = Effect.fn("TrajectoryStore.get")(function*(id: string) {
      const rows = yield* Queries.selectTrajectory(sql, id).pipe(Effect.flatMap(decodeStoredRows))
      return Option.map(Option.fromNullable(rows[0]), (row): StoredTrajectory => ({ ...toInfo(row), trajectory: row.data }))
    }, withDatabaseErrors("TrajectoryStore.get"))

    /** The test-generation details stored by `saveTestGen` for the trajectory `id`, if any. */
    const getTestGen = Effect.fn("TrajectoryStore.getTestGen")(function*(id: string) {
      const rows = yield* Queries.selectTestGen(sql, id).pipe(Effect.flatMap(decodeTestGenRows))
      return Option.map(Option.fromNullable(rows[0]), toStoredTestGen)
    }, withDatabaseErrors("TrajectoryStore.getTestGen"))

    /**
     * Stored trajectories (their indexed fields, without the trajectory),
     * newest first, filtered as {@link TrajectoryFilter} says. Fails with
     * `ValidationError` on an invalid date, score or paging value.
     */
    const list = Effect.fn("TrajectoryStore.list")(function*(filter: TrajectoryFilter = {}) {
      const f = yield* validate(TrajectoryFilter, "trajectory filter")(filter)
      const rows = yield* Queries.listTrajectories(sql, f, f.limit ?? DEFAULT_LIMIT, f.offset ?? 0).pipe(
        Effect.flatMap(decodeInfoRows)
      )
      return rows.map(toInfo)
    }, withDatabaseErrors("TrajectoryStore.list"))

    /**
     * Full-text search over step messages, reasoning and observation
     * contents, best match first (`rank` is bm25, lower is better), with the
     * filters of {@link list}: the same shape as `LessonsStore.search`.
     * `query` is plain text: any string is safe and never an error; every
     * word must match, each as a prefix. Without a word to match (no `query`,
     * or only punctuation), the filtered trajectories are listed newest first
     * with `rank` 0 and the start of their text as snippet, as
     * `LessonsStore.search` lists lessons. Fails with `ValidationError` on a
     * malformed filter or page (default 20; see `Page`).
     */
    const search = Effect.fn("TrajectoryStore.search")(function*(options: TrajectorySearch) {
      const { query: text, ...filter } = yield* validate(TrajectorySearch, "trajectory search")(options)
      const query = toFtsQuery(text ?? "")
      const limit = filter.limit ?? SEARCH_LIMIT
      const offset = filter.offset ?? 0
      const rows = Option.isNone(query)
        ? yield* Queries.browseTrajectories(sql, filter, SIMILAR_SNIPPET_CHARS, limit, offset).pipe(
          Effect.flatMap(decodeHitRows)
        )
        : yield* Queries.searchTrajectories(sql, { fts5: query.value, words: queryTokens(text ?? "") }, filter, limit, offset)
          .pipe(Effect.flatMap(decodeHitRows))
      return rows.map((row): TrajectoryHit => ({ ...toInfo(row), rank: row.rank, snippet: row.snippet }))
    }, withDatabaseErrors("TrajectoryStore.search"))

    /**
     * The `k` trajectories whose stored embeddings are most similar to
     * `embedding` (cosine similarity, exact), best first; `rank` is the
     * cosine distance `1 - similarity`. Trajectories without an embedding, with one of another
     * dimension or an all-zero one are left out. Fails with
     * `ValidationError` when `k` is not an integer from 1 to 1,000 or the
     * query embedding is empty, not finite, or all zeros.
     */
    const similar = Effect.fn("TrajectoryStore.similar")(
      function*(embedding: EmbeddingInput, options: { readonly k: number }) {
        const k = options?.k
        if (typeof k !== "number" || !Number.isInteger(k) || k < 1 || k > MAX_K) {
          return yield* new ValidationError({
            message: `invalid similarity query: k: expected an integer from 1 to ${MAX_K}`,
            issues: [{ path: "k", message: `expected an integer from 1 to ${MAX_K}` }]
          })
        }
        const checked = queryEmbedding(embedding)
        if (Either.isLeft(checked)) {
          return yield* new ValidationError({
            message: `invalid similarity query: ${checked.left.path}: ${checked.left.message}`,
            issues: [checked.left]
          })
        }
        const vector = checked.right
        const neighbours = yield* nearest(vector, k, (after, size) =>
          Queries.trajectoryVectors(sql, vector.length, after, size).pipe(Effect.flatMap(decodeVectorRows))).pipe(
            withDatabaseErrors("TrajectoryStore.similar")
          )
        if (neighbours.length === 0) return []
        const rows = yield* Queries.trajectoriesBySeq(sql, neighbours.map((n) => n.seq), SIMILAR_SNIPPET_CHARS).pipe(
          Effect.flatMap(decodeHitRows),
          withDatabaseErrors("TrajectoryStore.similar")
        )
        const bySeq = new Map(rows.map((row) => [row.seq, row]))
        return neighbours.flatMap((n): Array<TrajectoryHit> => {
          const row = bySeq.get(n.seq)
          return row === undefined ? [] : [{ ...toInfo(row), rank: 1 - n.score, snippet: row.snippet }]
        })
      }
    )

    const count = Effect.fn("TrajectoryStore.count")(function*(selection: TrajectorySelection = {}) {
      const f = yield* validate(TrajectorySelection, "trajectory selection")(selection)
      const [row] = yield* Queries.countTrajectories(sql, f).pipe(Effect.flatMap(Schema.decodeUnknown(Count)))
      return row.n
    }, withDatabaseErrors("TrajectoryStore.count"))

    const exportStream = (selection: TrajectorySelection = {}): Stream.Stream<string, ValidationError | DatabaseError> =>
      Stream.unwrap(Effect.map(validate(TrajectorySelection, "trajectory selection")(selection), (f) =>
        keysetPages({
          page: (afterSeq: number | undefined, size) =>
            Queries.exportPage(sql, f, afterSeq ?? 0, size).pipe(
              Effect.flatMap(Schema.decodeUnknown(DataRows)),
              withDatabaseErrors("TrajectoryStore.exportStream")
            ),
          keyOf: (row) => row.seq,
          pageSize: EXPORT_PAGE
        }).pipe(Stream.map((rows) => Chunk.join(Chunk.map(rows, (row) => `${row.data}\n`), "")))
      )).pipe(Stream.withSpan("TrajectoryStore.exportStream"))

    /** Deletes the trajectory `id` (and its test-generation details); true when there was one. */
    const delete_ = Effect.fn("TrajectoryStore.delete")(function*(id: string) {
      const rows = yield* Queries.deleteTrajectory(sql, id)
      return rows.length > 0
    }, withDatabaseErrors("TrajectoryStore.delete"))

    return {
      save,
      saveTestGen,
      record,
      get,
      getTestGen,
      list,
      search,
      similar,
      /**
       * How many stored trajectories meet the filters of `selection`,
       * counted by the database. Fails with `ValidationError` on an invalid
       * date or score.
       */
      count,
      /**
       * The stored trajectories that meet the filters of `selection`, as
       * JSON Lines: the stored ATIF document of each on a line of its own, in
       * the order they were first stored. Each piece holds the whole lines of
       * up to 200 trajectories, read with one keyset-paged statement, so
       * memory stays flat whatever the size. Fails with `ValidationError` on
       * an invalid date or score.
       */
      exportStream,
      delete: delete_
    } as const
  }),
  dependencies: [coreLayerConfig]
}) {}

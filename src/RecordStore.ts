/**
 * RecordStore: any other agent record (planner sessions, hook events, ...)
 * as a JSON document of a kind, queried by its fields, aggregated, and found
 * by embedding similarity.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import { coreLayerConfig } from "./Core.js"
import { Database } from "./Database.js"
import { withDatabaseErrors } from "./database/SqlFailure.js"
import { now } from "./domain/Timestamp.js"
import type { ValidationError, ValidationIssue } from "./Errors.js"
import { Redactor } from "./redaction/Redactor.js"
import type { EmbeddingInput } from "./records/Embedding.js"
import { toJsonPath } from "./records/FieldPath.js"
import { nearest } from "./records/Nearest.js"
import * as Queries from "./records/Queries.js"
import {
  compileContentWhere,
  decodeRecordRows,
  decodeStatsRows,
  decodeVectorRows,
  failOnIssues,
  kindIssues,
  prepareRecord,
  queryEmbedding,
  toStoredRecord,
  validationError
} from "./records/RecordRow.js"
import {
  DEFAULT_LIMIT,
  MAX_K,
  QueryOptions,
  type RecordInput,
  type RecordQuery,
  type RecordSimilarQuery,
  type RecordStatsQuery,
  type ScoredRecord,
  StatsOptions
} from "./records/StoredRecord.js"
import type { Where } from "./records/Where.js"
import { checkStoredInput, validate } from "./Validation.js"

export {
  type RecordInput,
  type RecordOrder,
  type RecordQuery,
  type RecordSimilarQuery,
  RecordStats,
  type RecordStatsQuery,
  type ScoredRecord,
  StoredRecord
} from "./records/StoredRecord.js"
export type { Where, WhereOperator } from "./records/Where.js"

const fail = (what: string, issue: ValidationIssue): Effect.Effect<never, ValidationError> =>
  Effect.fail(validationError(what, [issue]))

/**
 * JSON documents per kind. `put` replaces a document with the same kind and
 * id; every document, its metadata and its id pass through the Redactor
 * before they are written.
 */
export class RecordStore extends Effect.Service<RecordStore>()("logbook/RecordStore", {
  effect: Effect.gen(function*() {
    const { sql } = yield* Database
    const redactor = yield* Redactor

    /** The compiled `where` as an SQL fragment with its values bound. */
    const whereFragment = (what: string, where: Where | undefined) =>
      Either.match(compileContentWhere(sql, where), {
        onLeft: (issue) => fail(what, issue),
        onRight: (fragment) => Effect.succeed(sql`(${fragment})`)
      })

    /**
     * Stores a document of `kind` and returns its id (a new UUID when
     * `input.id` is absent). A document with the same kind and id is
     * replaced whole (content, metadata and embedding), keeping its
     * `createdAt`. Fails with `ValidationError` when the kind is not 1 to 100
     * of `A-Z a-z 0-9 _ . : -`, the content or metadata is not a JSON object
     * (non-finite numbers, class instances, `undefined` in arrays), or the
     * embedding is empty or not finite.
     */
    const put = Effect.fn("RecordStore.put")(function*(kind: string, input: RecordInput) {
      // A kind may be exempted from redaction (`exempt: ["RecordStore:<kind>"]`): replayable state kept as given.
      yield* checkStoredInput("record")({ kind, ...input })
      const values = yield* prepareRecord(kind, input, redactor.scoped(`RecordStore:${kind}`))
      const at = yield* now
      yield* Queries.upsertRecord(sql, { ...values, created_at: at, updated_at: at }).pipe(
        withDatabaseErrors("RecordStore.put")
      )
      return values.id
    })

    /** The document of `kind` with `id`, if there is one. */
    const get = Effect.fn("RecordStore.get")(function*(kind: string, id: string) {
      const rows = yield* Queries.selectRecord(sql, kind, redactor.redactIdentifier(id)).pipe(Effect.flatMap(decodeRecordRows))
      return Option.map(Option.fromNullable(rows[0]), toStoredRecord)
    }, withDatabaseErrors("RecordStore.get"))

    /**
     * Documents of `kind` matching `where` (see `Where`), created in
     * [`since`, `until`), newest first unless `orderBy` says otherwise (a
     * content path, or `createdAt` / `updatedAt`; ties in creation order).
     * Ordering by a path sorts missing/null values first, then numbers, then
     * strings. Fails with `ValidationError` (nothing is read) on an invalid
     * kind, filter, path, date or paging value.
     */
    const query = Effect.fn("RecordStore.query")(function*(kind: string, options: RecordQuery = {}) {
      yield* failOnIssues("record query", kindIssues(kind))
      const opts = yield* validate(QueryOptions, "record query")(options)
      const where = yield* whereFragment("record query", options.where)
      let ordering: Queries.RecordOrdering = { _tag: "Newest" }
      if (opts.orderBy !== undefined) {
        const ascending = opts.orderBy.direction === "asc"
        if ("path" in opts.orderBy) {
          const jsonPath = toJsonPath(opts.orderBy.path, "orderBy.path")
          if (Either.isLeft(jsonPath)) return yield* fail("record query", jsonPath.left)
          ordering = { _tag: "Path", jsonPath: jsonPath.right, ascending }
        } else {
          ordering = { _tag: "Column", column: opts.orderBy.column === "createdAt" ? "created_at" : "updated_at", ascending }
        }
      }
      const rows = yield* Queries.queryRecords(sql, {
        kind,
        where,
        since: opts.since,
        until: opts.until,
        ordering,
        limit: opts.limit ?? DEFAULT_LIMIT,
        offset: opts.offset ?? 0
      }).pipe(Effect.flatMap(decodeRecordRows), withDatabaseErrors("RecordStore.query"))
      return rows.map(toStoredRecord)
    })

    /**
     * `count`, `min`, `max`, `avg` and `sum` of the numeric content field
     * `field` over the documents of `kind` matching `where` (and created in
     * [`since`, `until`)), in one SQL query. Only documents where the field
     * is a JSON number count; with none, `count` and `sum` are 0 and the
     * others null. Fails with `ValidationError` on an invalid kind, field
     * path, filter or date.
     */
    const stats = Effect.fn("RecordStore.stats")(function*(kind: string, options: RecordStatsQuery) {
      yield* failOnIssues("record stats", kindIssues(kind))
      const opts = yield* validate(StatsOptions, "record stats")(options)
      const jsonPath = toJsonPath(options.field, "field")
      if (Either.isLeft(jsonPath)) return yield* fail("record stats", jsonPath.left)
      const where = yield* whereFragment("record stats", options.where)
      const [result] = yield* Queries.recordStats(sql, {
        kind,
        jsonPath: jsonPath.right,
        where,
        since: opts.since,
        until: opts.until
      }).pipe(Effect.flatMap(decodeStatsRows), withDatabaseErrors("RecordStore.stats"))
      return result
    })

    /**
     * The `k` documents of `kind` (matching `where`) whose embeddings are
     * most similar to `embedding` by cosine similarity, best first, each with
     * its `score` (-1 to 1). Exact: every stored embedding of the same
     * dimension is compared; documents without an embedding, with one of
     * another dimension, or with an all-zero one are left out. Fails with
     * `ValidationError` on an invalid kind or filter, `k` outside 1 to 1,000,
     * or a query embedding that is empty, not finite or all zeros.
     */
    const similar = Effect.fn("RecordStore.similar")(
      function*(kind: string, embedding: EmbeddingInput, options: RecordSimilarQuery) {
        yield* failOnIssues("similarity query", kindIssues(kind))
        const k = options?.k
        if (typeof k !== "number" || !Number.isInteger(k) || k < 1 || k > MAX_K) {
          return yield* fail("similarity query", { path: "k", message: `expected an integer from 1 to ${MAX_K}` })
        }
        const checked = queryEmbedding(embedding)
        if (Either.isLeft(checked)) return yield* fail("similarity query", checked.left)
        const vector = checked.right
        const where = yield* whereFragment("similarity query", options.where)
        const vectors = { kind, dimension: vector.length, where }
        const neighbours = yield* nearest(vector, k, (after, size) =>
          Queries.recordVectors(sql, vectors, after, size).pipe(Effect.flatMap(decodeVectorRows))).pipe(
            withDatabaseErrors("RecordStore.similar")
          )
        if (neighbours.length === 0) return []
        const rows = yield* Queries.recordsBySeq(sql, neighbours.map((n) => n.seq)).pipe(
          Effect.flatMap(decodeRecordRows),
          withDatabaseErrors("RecordStore.similar")
        )
        const bySeq = new Map(rows.map((row) => [row.seq, row]))
        return neighbours.flatMap((n): Array<ScoredRecord> => {
          const row = bySeq.get(n.seq)
          return row === undefined ? [] : [{ ...toStoredRecord(row), score: n.score }]
        })
      }
    )

    /** Deletes the document of `kind` with `id`; true when there was one. */
    const delete_ = Effect.fn("RecordStore.delete")(function*(kind: string, id: string) {
      const rows = yield* Queries.deleteRecord(sql, kind, redactor.redactIdentifier(id))
      return rows.length > 0
    }, withDatabaseErrors("RecordStore.delete"))

    return { put, get, query, stats, similar, delete: delete_ } as const
  }),
  dependencies: [coreLayerConfig]
}) {}

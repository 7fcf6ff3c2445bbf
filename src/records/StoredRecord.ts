/**
 * The RecordStore's domain: JSON documents of any kind (planner sessions,
 * hook events, ...) with optional metadata and embedding.
 */
import * as Schema from "effect/Schema"
import { Limit, Offset } from "../domain/Page.js"
import { type EmbeddingInput, Float32ArrayFromSelf } from "./Embedding.js"
import { Instant } from "./Instant.js"
import { type JsonObject, JsonObjectFromSelf } from "./JsonDocument.js"
import type { Where } from "./Where.js"

/**
 * A record kind: 1 to 100 characters, letters, digits and `_ . : -`,
 * starting with a letter or digit (`planner_session`, `hook.event`).
 */
export const RecordKind = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/, {
    message: (issue) =>
      `expected a record kind (1 to 100 letters, digits, _ . : - starting with a letter or digit), got ${
        JSON.stringify(issue.actual)
      }`
  })
)

/** A record id: 1 to 1,024 characters of any kind. */
export const RecordId = Schema.String.pipe(
  Schema.minLength(1, { message: () => "expected a non-empty record id" }),
  Schema.maxLength(1024, { message: () => "a record id has at most 1024 characters" })
)

/** What `RecordStore.put` takes. */
export interface RecordInput {
  /** The record's id within its kind; a new UUID when absent. A record with the same kind and id is replaced. */
  readonly id?: string
  /** The document: a JSON object. */
  readonly content: JsonObject
  /** Free JSON metadata about the document (source, version, ...). */
  readonly metadata?: JsonObject
  /** An embedding of the document, for `similar`. */
  readonly embedding?: EmbeddingInput
}

/** A stored record. */
export const StoredRecord = Schema.Struct({
  kind: Schema.String,
  id: Schema.String,
  content: JsonObjectFromSelf,
  metadata: Schema.NullOr(JsonObjectFromSelf),
  embedding: Schema.NullOr(Float32ArrayFromSelf),
  /** When the record was first stored (ISO-8601 UTC); kept when it is replaced. */
  createdAt: Schema.String,
  /** When the record was last stored. */
  updatedAt: Schema.String
})
export type StoredRecord = typeof StoredRecord.Type

/** A record found by `similar`, with its cosine similarity to the query (-1 to 1, higher is closer). */
export type ScoredRecord = StoredRecord & { readonly score: number }

/** How `query` orders records: by a content field path, or by a timestamp. */
export type RecordOrder =
  | { readonly path: string; readonly direction?: "asc" | "desc" }
  | { readonly column: "createdAt" | "updatedAt"; readonly direction?: "asc" | "desc" }

const Direction = Schema.optional(Schema.Literal("asc", "desc"))

/** The orderings `query` accepts. */
export const RecordOrderSchema = Schema.Union(
  Schema.Struct({ path: Schema.String, direction: Direction }),
  Schema.Struct({ column: Schema.Literal("createdAt", "updatedAt"), direction: Direction })
)

/** Options of `RecordStore.query`. */
export interface RecordQuery {
  /** Conditions on content fields (see `Where`). */
  readonly where?: Where
  /** Records created at or after this time. */
  readonly since?: Date | string
  /** Records created before this time. */
  readonly until?: Date | string
  /** Default: newest first (`{ column: "createdAt", direction: "desc" }`). */
  readonly orderBy?: RecordOrder
  /** At most this many records (1 to 10,000; default 100). */
  readonly limit?: number
  /** Skip this many records first (default 0). */
  readonly offset?: number
}

/** The default `limit` of `query`. */
export const DEFAULT_LIMIT = 100

/** The time and paging options of `query`, checked. */
export const QueryOptions = Schema.Struct({
  since: Schema.optional(Instant),
  until: Schema.optional(Instant),
  orderBy: Schema.optional(RecordOrderSchema),
  limit: Schema.optional(Limit),
  offset: Schema.optional(Offset)
})

/** Options of `RecordStore.stats`. */
export interface RecordStatsQuery {
  /** The numeric content field to aggregate, as a path (`confidence`, `costs.total`). */
  readonly field: string
  readonly where?: Where
  readonly since?: Date | string
  readonly until?: Date | string
}

/** The time options of `stats`, checked. */
export const StatsOptions = Schema.Struct({
  since: Schema.optional(Instant),
  until: Schema.optional(Instant)
})

/**
 * Aggregates of a numeric field over the matching records that hold a
 * number there (records where the field is missing, null, a string, ... are
 * not counted). With no such record: `count` and `sum` are 0, `min`, `max`
 * and `avg` are null.
 */
export const RecordStats = Schema.Struct({
  count: Schema.Number,
  min: Schema.NullOr(Schema.Number),
  max: Schema.NullOr(Schema.Number),
  avg: Schema.NullOr(Schema.Number),
  sum: Schema.Number
})
export type RecordStats = typeof RecordStats.Type

/** Options of `RecordStore.similar`. */
export interface RecordSimilarQuery {
  /** How many records at most (1 to 1,000). */
  readonly k: number
  /** Only records whose content matches. */
  readonly where?: Where
}

/** The most neighbours `similar` returns. */
export const MAX_K = 1_000

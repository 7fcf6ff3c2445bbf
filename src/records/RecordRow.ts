/**
 * How a record is prepared for the `records` table (validated, redacted)
 * and how its rows are read back.
 */
import type * as Statement from "@effect/sql/Statement"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { randomUUID } from "node:crypto"
import { Json, Num, Stamp } from "../database/Columns.js"
import { onFirstCall } from "../domain/OnFirstCall.js"
import { ValidationError, type ValidationIssue } from "../Errors.js"
import type { RedactorService } from "../redaction/Redactor.js"
import { EmbeddingFromBlob, encodeEmbedding, norm, toEmbedding } from "./Embedding.js"
import { isPlainObject, jsonIssues, JsonObjectFromSelf } from "./JsonDocument.js"
import { RecordId, RecordKind, type RecordInput, type StoredRecord } from "./StoredRecord.js"
import { compileWhere, type Where } from "./Where.js"

const isKind = onFirstCall(() => Schema.is(RecordKind))
const isId = onFirstCall(() => Schema.is(RecordId))

/** One {@link ValidationError} listing `issues`. */
export const validationError = (what: string, issues: ReadonlyArray<ValidationIssue>): ValidationError =>
  new ValidationError({
    message: `invalid ${what}: ${
      issues.map((issue) => (issue.path === "" ? issue.message : `${issue.path}: ${issue.message}`)).join("; ")
    }`,
    issues
  })

/** Fails with one {@link ValidationError} listing `issues`, if there are any. */
export const failOnIssues = (what: string, issues: ReadonlyArray<ValidationIssue>): Effect.Effect<void, ValidationError> =>
  issues.length === 0 ? Effect.void : Effect.fail(validationError(what, issues))

/** The issue of a bad kind, if it is one. */
export const kindIssues = (kind: unknown): ReadonlyArray<ValidationIssue> =>
  isKind(kind)
    ? []
    : [{
      path: "kind",
      message: `expected a record kind (1 to 100 letters, digits, _ . : - starting with a letter or digit), got ${
        JSON.stringify(typeof kind === "string" ? kind.slice(0, 100) : String(kind))
      }`
    }]

/** A record ready for the `records` table. */
export interface RecordValues {
  readonly kind: string
  readonly id: string
  readonly content: string
  readonly metadata: string | null
  readonly embedding_dim: number | null
  readonly embedding: Buffer | null
}

/**
 * Validates and redacts a record (content, metadata and id; a kind that the
 * Redactor would change is refused, since kinds are names); the id becomes a
 * new UUID when absent.
 */
export const prepareRecord = (
  kind: string,
  input: RecordInput,
  redactor: RedactorService
): Effect.Effect<RecordValues, ValidationError> =>
  Effect.suspend(() => {
    const issues: Array<ValidationIssue> = [...kindIssues(kind)]
    if (issues.length === 0 && redactor.redactText(kind) !== kind) {
      issues.push({ path: "kind", message: "a record kind must not contain a secret" })
    }
    if (!isPlainObject(input)) {
      issues.push({ path: "", message: "expected an object { id?, content, metadata?, embedding? }" })
      return Effect.fail(validationError("record", issues))
    }
    if (input.id !== undefined && !isId(input.id)) {
      issues.push({ path: "id", message: "expected a string of 1 to 1024 characters" })
    }
    if (!isPlainObject(input.content)) {
      issues.push({ path: "content", message: "expected a JSON object" })
    } else {
      issues.push(...jsonIssues(input.content, "content"))
    }
    if (input.metadata !== undefined) {
      if (!isPlainObject(input.metadata)) issues.push({ path: "metadata", message: "expected a JSON object" })
      else issues.push(...jsonIssues(input.metadata, "metadata"))
    }
    let embedding: Float32Array | null = null
    if (input.embedding !== undefined) {
      const checked = toEmbedding(input.embedding, "embedding")
      if (Either.isLeft(checked)) issues.push(checked.left)
      else embedding = checked.right
    }
    return failOnIssues("record", issues).pipe(
      Effect.map(() => ({
        kind,
        id: redactor.redactIdentifier(input.id ?? randomUUID()),
        content: JSON.stringify(redactor.redactJson(input.content)),
        metadata: input.metadata === undefined ? null : JSON.stringify(redactor.redactJson(input.metadata)),
        embedding_dim: embedding === null ? null : embedding.length,
        embedding: embedding === null ? null : encodeEmbedding(embedding)
      }))
    )
  })

/** A query embedding: valid and of non-zero norm. */
export const queryEmbedding = (input: unknown): Either.Either<Float32Array, ValidationIssue> =>
  Either.flatMap(toEmbedding(input, "embedding"), (vector) =>
    norm(vector) === 0
      ? Either.left({ path: "embedding", message: "a query embedding must not be all zeros (cosine similarity is undefined)" })
      : Either.right(vector))

/** A compiled `where` on the `content` column, or the issue naming the offending path. */
export const compileContentWhere = (
  sql: Statement.Constructor,
  where: Where | undefined
): Either.Either<Statement.Fragment, ValidationIssue> =>
  Either.mapLeft(compileWhere(sql, where, "content"), (invalid) => ({
    path: invalid.path === undefined ? "where" : `where[${JSON.stringify(invalid.path)}]`,
    message: invalid.message
  }))

/** A `records` row. */
export const RecordRow = Schema.Struct({
  seq: Num,
  kind: Schema.String,
  id: Schema.String,
  content: Json(JsonObjectFromSelf),
  metadata: Schema.NullOr(Json(JsonObjectFromSelf)),
  embedding: Schema.NullOr(EmbeddingFromBlob),
  created_at: Stamp,
  updated_at: Stamp
})
export type RecordRow = typeof RecordRow.Type

/** Decodes rows read with the record columns of `Queries.ts`. */
export const decodeRecordRows = onFirstCall(() => Schema.decodeUnknown(Schema.Array(RecordRow)))

/** The public form of a row. */
export const toStoredRecord = (row: RecordRow): StoredRecord => ({
  kind: row.kind,
  id: row.id,
  content: row.content,
  metadata: row.metadata,
  embedding: row.embedding,
  createdAt: row.created_at,
  updatedAt: row.updated_at
})

/** A page of stored vectors for the nearest-neighbour scan. */
export const decodeVectorRows = onFirstCall(() => Schema.decodeUnknown(
  Schema.Array(Schema.Struct({ seq: Num, embedding: EmbeddingFromBlob }))
))

/** The one row of `recordStats`: the count a number on either dialect (PostgreSQL's `count` is a `bigint`). */
export const decodeStatsRows = onFirstCall(() => Schema.decodeUnknown(Schema.Tuple(Schema.Struct({
  count: Num,
  min: Schema.NullOr(Num),
  max: Schema.NullOr(Num),
  avg: Schema.NullOr(Num),
  sum: Num
}))))

/**
 * A trajectory ready for the `trajectories` table: validated, redacted,
 * summarised and serialised. It is what `save` writes and what `record`
 * queues (its schema is the spool form), so both write the very same row.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { now } from "../domain/Timestamp.js"
import { ValidationError, type ValidationIssue } from "../Errors.js"
import type { RedactorService } from "../redaction/Redactor.js"
import { type EmbeddingInput, encodeEmbedding, toEmbedding } from "../records/Embedding.js"
import { isPlainObject } from "../records/JsonDocument.js"
import { decodeTrajectory, searchableText, summarize, type TrajectoryIssue } from "./Atif.js"
import { identityOf } from "./Identity.js"
import { TrajectorySummaryFields } from "./StoredTrajectory.js"
import { checkStoredInput } from "../Validation.js"
import { nextWriteOrder, writeOrderOf } from "./WriteOrder.js"

const recordFields = {
  ...TrajectorySummaryFields,
  /** Float32 little-endian bytes. */
  embedding: Schema.NullOr(Schema.Uint8ArrayFromBase64),
  /** The redacted trajectory as JSON text. */
  data: Schema.String,
  /** What full-text search indexes. */
  searchText: Schema.String,
  /** When it was saved or recorded (ISO-8601 UTC). */
  at: Schema.String,
  /** `trajectory_id` (ATIF-v1.7), when it has one. */
  trajectoryId: Schema.NullOr(Schema.String)
}

/**
 * The prepared row with its write stamp (see `WriteOrder`): a stored trajectory is only replaced by a later stamp,
 * and only by the same trajectory (its `identity`, see `Identity`).
 */
const Prepared = Schema.Struct({ ...recordFields, writeOrder: Schema.Int, identity: Schema.String })

const SpooledIdentity = Schema.Struct({
  session_id: Schema.optional(Schema.NullOr(Schema.String)),
  trajectory_id: Schema.optional(Schema.NullOr(Schema.String)),
  steps: Schema.Array(Schema.Unknown)
})
const identityOfData = (data: string): string => identityOf(Schema.decodeUnknownSync(Schema.parseJson(SpooledIdentity))(data))

/**
 * The prepared row; every field is JSON-encodable (the embedding as base64)
 * for the spool. A record spooled by a version without write stamps decodes
 * with the stamp of its `at` (the time it was recorded), which never wins
 * over a write called later.
 */
export const TrajectoryRecord = Schema.transform(
  Schema.Struct({
    ...recordFields,
    sessionId: Schema.NullOr(Schema.String),
    trajectoryId: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }),
    writeOrder: Schema.optional(Schema.Int),
    identity: Schema.optional(Schema.String)
  }),
  Schema.typeSchema(Prepared),
  {
    strict: true,
    decode: (spooled) => ({
      ...spooled,
      writeOrder: spooled.writeOrder ?? writeOrderOf(spooled.at),
      identity: spooled.identity ?? identityOfData(spooled.data)
    }),
    encode: (prepared) => prepared
  }
)
export type TrajectoryRecord = typeof TrajectoryRecord.Type

/** Options of `save` and `record`. */
export interface SaveOptions {
  /** The task the trajectory belongs to (filter `list` by it). Kept from the stored row when absent. */
  readonly taskId?: string
  /** A quality score of the run (filter `list` by `minScore`). Kept from the stored row when absent. */
  readonly score?: number
  /** An embedding of the trajectory, for `similar`. Kept from the stored row when absent. */
  readonly embedding?: EmbeddingInput
}

const issuePath = (prefix: string, path: string): string =>
  prefix === "" ? path : path === "" ? prefix : path.startsWith("[") ? `${prefix}${path}` : `${prefix}.${path}`

/** The public error for an invalid trajectory; issue paths are put under `prefix`. */
export const invalidTrajectory = (
  prefix: string,
  error: { readonly message: string; readonly issues: ReadonlyArray<TrajectoryIssue> }
): ValidationError =>
  new ValidationError({
    message: error.message,
    issues: error.issues.map((issue) => ({ path: issuePath(prefix, issue.path), message: issue.message }))
  })

const optionIssues = (options: unknown): { issues: Array<ValidationIssue>; embedding: Float32Array | null } => {
  const issues: Array<ValidationIssue> = []
  let embedding: Float32Array | null = null
  if (options === undefined) return { issues, embedding }
  if (!isPlainObject(options)) return { issues: [{ path: "options", message: "expected an object" }], embedding }
  const { embedding: given, score, taskId } = options
  if (taskId !== undefined && (typeof taskId !== "string" || taskId === "")) {
    issues.push({ path: "taskId", message: "expected a non-empty string" })
  }
  if (score !== undefined && !(typeof score === "number" && Number.isFinite(score))) {
    issues.push({ path: "score", message: "expected a finite number" })
  }
  if (given !== undefined) {
    const checked = toEmbedding(given, "embedding")
    if (Either.isLeft(checked)) issues.push(checked.left)
    else embedding = checked.right
  }
  return { issues, embedding }
}

/**
 * Validates `input` as ATIF (failing with a `ValidationError` that names
 * each bad step and field, under `prefix`), checks the options, redacts the
 * whole trajectory (key order kept) and summarises it. `at` is the time
 * recorded as created/updated; `writeOrder` is stamped first, when the write
 * is called.
 */
export const prepareTrajectory = (
  input: unknown,
  options: SaveOptions | undefined,
  redactor: RedactorService,
  prefix = ""
): Effect.Effect<TrajectoryRecord, ValidationError> =>
  Effect.gen(function*() {
    const writeOrder = yield* nextWriteOrder
    yield* checkStoredInput("trajectory")(input).pipe(Effect.mapError((error) => invalidTrajectory(prefix, error)))
    yield* checkStoredInput("trajectory options")(options)
    const trajectory = yield* decodeTrajectory(input).pipe(Effect.mapError((error) => invalidTrajectory(prefix, error)))
    const checked = optionIssues(options)
    if (checked.issues.length > 0) {
      return yield* new ValidationError({
        message: `invalid trajectory options: ${checked.issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
        issues: checked.issues
      })
    }
    const at = yield* now
    const redacted = redactor.redactJson(trajectory)
    const summary = summarize(redacted)
    return {
      sessionId: summary.sessionId,
      schemaVersion: summary.schemaVersion,
      agentName: summary.agentName,
      agentVersion: summary.agentVersion,
      modelName: summary.modelName,
      taskId: options?.taskId === undefined ? null : redactor.redactText(options.taskId),
      stepCount: summary.stepCount,
      firstStepAt: summary.firstStepAt,
      lastStepAt: summary.lastStepAt,
      totalPromptTokens: summary.totalPromptTokens,
      totalCompletionTokens: summary.totalCompletionTokens,
      totalCostUsd: summary.totalCostUsd,
      score: options?.score ?? null,
      embedding: checked.embedding === null ? null : encodeEmbedding(checked.embedding),
      data: JSON.stringify(redacted),
      searchText: searchableText(redacted),
      at,
      trajectoryId: redacted.trajectory_id ?? null,
      writeOrder,
      identity: identityOf(redacted)
    }
  })

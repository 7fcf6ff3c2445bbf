/**
 * Test-generation trajectories (seed 001): an ATIF trajectory plus what the
 * test generator produced (tests, reflections, rounds, score, environment),
 * kept in `testgen_trajectories` beside the trajectory row.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { Json, Num, Stamp } from "../database/Columns.js"
import { onFirstCall } from "../domain/OnFirstCall.js"
import type { ValidationError } from "../Errors.js"
import type { RedactorService } from "../redaction/Redactor.js"
import type { EmbeddingInput } from "../records/Embedding.js"
import { jsonIssues } from "../records/JsonDocument.js"
import { failOnIssues } from "../records/RecordRow.js"
import { checkStoredInput, validate } from "../Validation.js"
import type { Trajectory } from "./Atif.js"

/** What `saveTestGen` takes. */
export interface TestGenTrajectoryInput {
  /** The ATIF trajectory of the generation session. */
  readonly trajectory: Trajectory
  /** The task tests were generated for (also the trajectory's `taskId`). */
  readonly taskId: string
  readonly taskDescription: string
  readonly totalTests: number
  readonly totalRounds: number
  /** Rounds per test category (`anti_cheat`, `existence`, `correctness`, ...). */
  readonly categoryRounds?: Readonly<Record<string, number>>
  /** The assessed comprehensiveness of the tests (1 to 10 in seed 001); also the trajectory's `score`. */
  readonly comprehensivenessScore?: number | null
  readonly totalTokensUsed?: number
  readonly durationMs: number
  /** The generated tests, as JSON values. */
  readonly tests: ReadonlyArray<unknown>
  /** The reflection (gap analysis) messages, as JSON values. */
  readonly reflections?: ReadonlyArray<unknown>
  /** The environment context (platform, prohibited tools, languages, files), as JSON. */
  readonly environment?: unknown
  readonly uncertainties?: ReadonlyArray<string>
  /** An embedding of the trajectory, for `similar`. */
  readonly embedding?: EmbeddingInput
}

/** The test-generation fields of {@link TestGenTrajectoryInput}, checked. */
export const TestGenDetails = Schema.Struct({
  taskId: Schema.String.pipe(Schema.minLength(1)),
  taskDescription: Schema.String,
  totalTests: Schema.NonNegativeInt,
  totalRounds: Schema.NonNegativeInt,
  categoryRounds: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.NonNegativeInt })),
  comprehensivenessScore: Schema.optional(Schema.NullOr(Schema.Finite)),
  totalTokensUsed: Schema.optional(Schema.NonNegativeInt),
  durationMs: Schema.Finite.pipe(Schema.nonNegative()),
  tests: Schema.Array(Schema.Unknown),
  reflections: Schema.optional(Schema.Array(Schema.Unknown)),
  environment: Schema.optional(Schema.Unknown),
  uncertainties: Schema.optional(Schema.Array(Schema.String))
})

/** A stored test-generation record of a trajectory. */
export const StoredTestGenTrajectory = Schema.Struct({
  /** The trajectory's id (what `saveTestGen` returned). */
  trajectoryId: Schema.String,
  sessionId: Schema.NullOr(Schema.String),
  taskId: Schema.String,
  taskDescription: Schema.String,
  totalTests: Schema.Number,
  totalRounds: Schema.Number,
  categoryRounds: Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.Number })),
  comprehensivenessScore: Schema.NullOr(Schema.Number),
  totalTokensUsed: Schema.NullOr(Schema.Number),
  durationMs: Schema.Number,
  tests: Schema.Array(Schema.Unknown),
  reflections: Schema.NullOr(Schema.Array(Schema.Unknown)),
  /** null when none was given. */
  environment: Schema.Unknown,
  uncertainties: Schema.NullOr(Schema.Array(Schema.String)),
  createdAt: Schema.String,
  updatedAt: Schema.String
})
export type StoredTestGenTrajectory = typeof StoredTestGenTrajectory.Type

/** A `testgen_trajectories` row, without its trajectory id. */
export interface TestGenValues {
  readonly task_id: string
  readonly task_description: string
  readonly total_tests: number
  readonly total_rounds: number
  readonly category_rounds: string | null
  readonly comprehensiveness_score: number | null
  readonly total_tokens_used: number | null
  readonly duration_ms: number
  readonly tests: string
  readonly reflections: string | null
  readonly environment: string | null
  readonly uncertainties: string | null
}

const json = (value: unknown, redactor: RedactorService): string | null =>
  value === undefined ? null : JSON.stringify(redactor.redactJson(value))

/** Checks and redacts the test-generation fields; issue paths are those of the input. */
export const prepareTestGen = (
  input: TestGenTrajectoryInput,
  redactor: RedactorService
): Effect.Effect<TestGenValues, ValidationError> =>
  Effect.gen(function*() {
    yield* checkStoredInput("test-generation trajectory")(input)
    const details = yield* validate(TestGenDetails, "test-generation trajectory")(input)
    yield* failOnIssues("test-generation trajectory", [
      ...jsonIssues(details.tests, "tests"),
      ...(details.reflections === undefined ? [] : jsonIssues(details.reflections, "reflections")),
      ...(details.environment === undefined ? [] : jsonIssues(details.environment, "environment"))
    ])
    return {
      task_id: redactor.redactText(details.taskId),
      task_description: redactor.redactText(details.taskDescription),
      total_tests: details.totalTests,
      total_rounds: details.totalRounds,
      category_rounds: json(details.categoryRounds, redactor),
      comprehensiveness_score: details.comprehensivenessScore ?? null,
      total_tokens_used: details.totalTokensUsed ?? null,
      duration_ms: Math.round(details.durationMs),
      tests: JSON.stringify(redactor.redactJson(details.tests)),
      reflections: json(details.reflections, redactor),
      environment: json(details.environment, redactor),
      uncertainties: json(details.uncertainties, redactor)
    }
  })

/** A `testgen_trajectories` row with its trajectory's session id. */
export const TestGenRow = Schema.Struct({
  trajectory_id: Schema.String,
  session_id: Schema.NullOr(Schema.String),
  task_id: Schema.String,
  task_description: Schema.String,
  total_tests: Num,
  total_rounds: Num,
  category_rounds: Schema.NullOr(Json(Schema.Record({ key: Schema.String, value: Num }))),
  comprehensiveness_score: Schema.NullOr(Num),
  total_tokens_used: Schema.NullOr(Num),
  duration_ms: Num,
  tests: Json(Schema.Array(Schema.Unknown)),
  reflections: Schema.NullOr(Json(Schema.Array(Schema.Unknown))),
  environment: Schema.NullOr(Json(Schema.Unknown)),
  uncertainties: Schema.NullOr(Json(Schema.Array(Schema.String))),
  created_at: Stamp,
  updated_at: Stamp
})

/** Decodes `testgen_trajectories` rows. */
export const decodeTestGenRows = onFirstCall(() => Schema.decodeUnknown(Schema.Array(TestGenRow)))

/** The public form of a row. */
export const toStoredTestGen = (row: typeof TestGenRow.Type): StoredTestGenTrajectory => ({
  trajectoryId: row.trajectory_id,
  sessionId: row.session_id,
  taskId: row.task_id,
  taskDescription: row.task_description,
  totalTests: row.total_tests,
  totalRounds: row.total_rounds,
  categoryRounds: row.category_rounds,
  comprehensivenessScore: row.comprehensiveness_score,
  totalTokensUsed: row.total_tokens_used,
  durationMs: row.duration_ms,
  tests: row.tests,
  reflections: row.reflections,
  environment: row.environment,
  uncertainties: row.uncertainties,
  createdAt: row.created_at,
  updatedAt: row.updated_at
})

/**
 * The error family of logbook. Every public operation fails only with these
 * tagged errors; driver and decoding errors are mapped to them in one place
 * (`database/SqlFailure.ts`).
 */
import * as Schema from "effect/Schema"
import { redactErrorText } from "./redaction/ErrorText.js"

/** Why the database failed, read from the driver's error code. */
export const DatabaseErrorReason = Schema.Literal(
  "Busy",
  "Constraint",
  "Full",
  "ReadOnly",
  "Corrupt",
  "Connection",
  "Query"
)
export type DatabaseErrorReason = typeof DatabaseErrorReason.Type

/** The database failed while running `operation` (e.g. `"AuditLog.log"`). */
export class DatabaseError extends Schema.TaggedError<DatabaseError>()("DatabaseError", {
  reason: DatabaseErrorReason,
  operation: Schema.String,
  message: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {}

/** Why a migration could not be applied or verified. */
export const MigrationErrorReason = Schema.Literal(
  "ChecksumMismatch",
  "Missing",
  "OutOfOrder",
  "Failed",
  "Locked",
  "BadFile",
  "Pending"
)
export type MigrationErrorReason = typeof MigrationErrorReason.Type

/** A migration could not be applied or verified; `version` names it when there is one. */
export class MigrationError extends Schema.TaggedError<MigrationError>()("MigrationError", {
  reason: MigrationErrorReason,
  version: Schema.NullOr(Schema.Number),
  message: Schema.String
}) {}

/** An entity id does not exist. */
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", {
  /** What was looked for, in lower case and singular: `task`, `checkpoint`, `trace`, `invocation`, `lesson`, `trajectory`. */
  entity: Schema.String,
  id: Schema.String
}) {
  override get message() {
    return `${this.entity} ${this.id} not found`
  }
}

/** One problem found in an input: where (a dotted path) and what. */
export const ValidationIssue = Schema.Struct({
  path: Schema.String,
  message: Schema.String
})
export type ValidationIssue = typeof ValidationIssue.Type

/**
 * An input does not match its schema; nothing was written. Its message and
 * issue messages are redacted when it is made: they quote the input.
 */
export class ValidationError extends Schema.TaggedError<ValidationError>()("ValidationError", {
  message: Schema.String,
  issues: Schema.Array(ValidationIssue)
}) {
  constructor(props: { readonly message: string; readonly issues: ReadonlyArray<ValidationIssue> }) {
    super({
      message: redactErrorText(props.message),
      issues: props.issues.map((issue) => ({ path: redactErrorText(issue.path), message: redactErrorText(issue.message) }))
    })
  }
}

/** A compare-and-set on a task's workflow state lost a race. */
export class StaleState extends Schema.TaggedError<StaleState>()("StaleState", {
  taskId: Schema.String,
  expected: Schema.String,
  actual: Schema.String
}) {
  override get message() {
    return `task ${this.taskId} is in state ${this.actual}, expected ${this.expected}`
  }
}

/** A table whose copy does not match its source. */
export const CopiedTable = Schema.Struct({
  table: Schema.String,
  sourceRows: Schema.Number,
  targetRows: Schema.Number,
  sourceChecksum: Schema.String,
  targetChecksum: Schema.String
})
export type CopiedTable = typeof CopiedTable.Type

/**
 * After `copy`, some tables of the target differ from the source: other
 * rows were already there, or the source changed while it was copied.
 */
export class CopyMismatch extends Schema.TaggedError<CopyMismatch>()("CopyMismatch", {
  tables: Schema.Array(CopiedTable)
}) {
  override get message() {
    return `the copy differs from its source in ${
      this.tables.map((t) => `${t.table} (${t.sourceRows} rows, checksum ${t.sourceChecksum.slice(0, 8)}; copy ${t.targetRows} rows, checksum ${t.targetChecksum.slice(0, 8)})`).join(", ")
    }`
  }
}

/** Any error a logbook operation can fail with. */
export type LogbookError = DatabaseError | MigrationError | NotFound | ValidationError | StaleState | CopyMismatch

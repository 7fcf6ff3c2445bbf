/**
 * Turning caller input into {@link AuditRecord}s: validate, fix the
 * timestamp, and redact every free-text field and the details before anything
 * can reach the database.
 *
 * @module
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { onFirstCall } from "../domain/OnFirstCall.js"
import { now } from "../domain/Timestamp.js"
import { ValidationError } from "../Errors.js"
import type { RedactorService } from "../redaction/Redactor.js"
import { checkStoredInput, fromParseError, storedInputError, validate } from "../Validation.js"
import { AuditEntryInput } from "./AuditEntry.js"
import type { AuditRecord } from "./AuditRecord.js"
import { decodeCommonEntry } from "./decodeEntry.js"

/**
 * A validation error with its messages redacted: a schema message quotes the
 * offending value, which may hold a secret.
 */
export const redactValidationError = (redactor: RedactorService) => (error: ValidationError): ValidationError =>
  new ValidationError({
    message: redactor.redactText(error.message),
    issues: error.issues.map((issue) => ({ path: issue.path, message: redactor.redactText(issue.message) }))
  })

const toRecord = (redactor: RedactorService, now: string) => (entry: typeof AuditEntryInput.Type): AuditRecord => {
  const id = (value: string | undefined) => (value === undefined ? null : redactor.redactIdentifier(value))
  return {
    timestamp: entry.timestamp ?? now,
    projectId: id(entry.projectId),
    taskId: id(entry.taskId),
    agent: id(entry.agent),
    action: redactor.redactIdentifier(entry.action),
    category: entry.category,
    details: entry.details === undefined || entry.details === null
      ? null
      : JSON.stringify(redactor.redactJson(entry.details)),
    userId: id(entry.userId),
    ipAddress: id(entry.ipAddress)
  }
}

const Entries = Schema.Array(AuditEntryInput)

/**
 * Validates entries and makes them ready to insert. Entries without a
 * timestamp get the current time of the Effect `Clock`. When any entry is
 * invalid, fails with a {@link ValidationError} (messages redacted) whose
 * issue paths start with the entry's index.
 */
export const prepareEntries = (redactor: RedactorService) =>
(
  inputs: ReadonlyArray<unknown>
): Effect.Effect<ReadonlyArray<AuditRecord>, ValidationError> =>
  Effect.gen(function*() {
    yield* checkStoredInput("audit entries")(inputs)
    const entries = yield* validate(Entries, "audit entries")(inputs).pipe(
      Effect.mapError(redactValidationError(redactor))
    )
    return entries.map(toRecord(redactor, yield* now))
  })

/** {@link prepareEntries} for one entry; issue paths start at the entry's fields. */
export const prepareEntry = (redactor: RedactorService) =>
(
  input: unknown
): Effect.Effect<AuditRecord, ValidationError> =>
  Effect.gen(function*() {
    yield* checkStoredInput("audit entry")(input)
    const entry = yield* validate(AuditEntryInput, "audit entry")(input).pipe(
      Effect.mapError(redactValidationError(redactor))
    )
    return toRecord(redactor, yield* now)(entry)
  })

const decodeEntry = onFirstCall(() => Schema.decodeUnknownEither(AuditEntryInput, { errors: "all" }))

/**
 * {@link prepareEntry} as plain code, for the write-behind writer: the
 * record of `input` timestamped `at` (milliseconds) when it has none, or
 * the same `ValidationError` (messages redacted). The common well-formed
 * entry is read without the schema's decoder (see `decodeCommonEntry`).
 */
export const prepareEntryAt = (redactor: RedactorService) => {
  const redactError = redactValidationError(redactor)
  const storedInput = storedInputError("audit entry")
  return (input: unknown, at: number): Either.Either<AuditRecord, ValidationError> => {
    const refused = storedInput(input)
    if (refused !== undefined) return Either.left(refused)
    const common = decodeCommonEntry(input)
    const entry = common !== undefined
      ? Either.right(common)
      : Either.mapLeft(decodeEntry(input), (error) => redactError(fromParseError("audit entry")(error)))
    return Either.map(entry, toRecord(redactor, new Date(at).toISOString()))
  }
}

/**
 * The one wrapper of the write-behind `record` methods: whatever goes wrong
 * while a write-behind record is validated, redacted and enqueued (by the
 * writer, on the caller's behalf), the caller's flow goes on.
 *
 * @module
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"

/** The `_tag` of a failure (`ValidationError`, ...), `Defect` for a defect. */
const reasonOf = <E>(cause: Cause.Cause<E>): string =>
  Option.match(Cause.failureOption(cause), {
    onNone: () => "Defect",
    onSome: (error) =>
      typeof error === "object" && error !== null && "_tag" in error && typeof error._tag === "string"
        ? error._tag
        : "Failure"
  })

/**
 * Runs the recording of one write-behind record so that it never fails: a
 * rejected record (invalid input, a defect while preparing it) is logged as
 * a warning `<operation>: record dropped` with its cause, annotated with the
 * operation, the reason (the error's tag, or `Defect`) and `annotations`,
 * and dropped. An interruption ends it quietly. Traced as `operation`.
 */
export const neverFails = (operation: string, annotations: Record<string, unknown> = {}) =>
<E>(self: Effect.Effect<void, E>): Effect.Effect<void> =>
  self.pipe(
    Effect.catchAllCause((cause) =>
      Cause.isInterruptedOnly(cause)
        ? Effect.void
        : Effect.logWarning(`${operation}: record dropped`, cause).pipe(
          Effect.annotateLogs({ operation, reason: reasonOf(cause), ...annotations })
        )
    ),
    // A record is on the caller's hot path: its span skips the stack capture.
    Effect.withSpan(operation, { captureStackTrace: false })
  )

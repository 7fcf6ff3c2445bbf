/**
 * The write-behind recorder: `enqueue` returns at once and never fails; a
 * background fiber commits records in batches (group commit) and spools them
 * to a file while the database cannot take them.
 */
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type * as Either from "effect/Either"
import type { RecordSink } from "./RecordSink.js"

/** The write-behind recorder's interface. */
export interface WriteBehindService {
  /** Queues one record whose value is ready; returns at once and never fails. */
  readonly enqueue: <A, I>(sink: RecordSink<A, I>, value: A) => Effect.Effect<void>
  /**
   * Queues one record still to be prepared: the caller's fiber only hands it
   * over (no validation, redaction or encoding there) and goes on. The
   * writer runs `prepare` later, with the clock standing at the instant of
   * the call; when it fails the record is refused: a warning
   * `<operation>: record dropped` goes to the caller's logger (with
   * `annotations()`), `logbook_records_refused` counts it, nothing is
   * written. Never fails. `prepare` must not depend on values the caller
   * changes after the call.
   */
  readonly submit: <A, I, E>(
    sink: RecordSink<A, I>,
    operation: string,
    prepare: Effect.Effect<A, E>,
    annotations?: () => Record<string, unknown>
  ) => Effect.Effect<void>
  /**
   * {@link submit} with a preparation written as plain code: `prepare(at)`
   * gets the instant of the call (milliseconds) and returns the value, or
   * why the record is refused (a thrown exception refuses it too). The
   * writer runs it for a whole batch in one pass, without an effect per
   * record. Never fails.
   */
  readonly submitSync: <A, I, E>(
    sink: RecordSink<A, I>,
    operation: string,
    prepare: (at: number) => Either.Either<A, E>,
    annotations?: () => Record<string, unknown>
  ) => Effect.Effect<void>
  /** Waits until every record enqueued before the call is durable (in the database or the spool). */
  readonly flush: Effect.Effect<void>
}

/** The write-behind recorder used by `AuditLog.record`, `ExecutionTracker.recordEvent`/`recordLlmUsage` and `TrajectoryStore.record`. */
export class WriteBehind extends Context.Tag("logbook/WriteBehind")<WriteBehind, WriteBehindService>() {}

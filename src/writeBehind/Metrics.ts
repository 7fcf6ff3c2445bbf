/**
 * Counters of the write-behind recorder, as Effect metrics: records enqueued,
 * committed, spooled, replayed from the spool, refused (invalid input) and
 * failed (set aside or lost).
 */
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import type * as MetricLabel from "effect/MetricLabel"

/** Records accepted by `enqueue`. */
export const recordsEnqueued = Metric.counter("logbook_records_enqueued", { incremental: true })
/** Records committed to the database directly. */
export const recordsCommitted = Metric.counter("logbook_records_committed", { incremental: true })
/** Records written to the spool file. */
export const recordsSpooled = Metric.counter("logbook_records_spooled", { incremental: true })
/** Records replayed from the spool into the database. */
export const recordsReplayed = Metric.counter("logbook_records_replayed", { incremental: true })
/** Records refused before they were queued for the database: invalid input, logged as a warning and dropped. */
export const recordsRefused = Metric.counter("logbook_records_refused", { incremental: true })
/** Records set aside (rejected by the database, corrupt spool lines) or lost. */
export const recordsFailed = Metric.counter("logbook_records_failed", { incremental: true })

/**
 * The extra labels of a direct (`unsafeUpdate`) count: always this one
 * array, since a metric caches its hook per labels array in a `WeakMap`. A
 * new `[]` per call misses that cache and churns the map, a pause of tens
 * of microseconds every few dozen calls on the caller's fiber.
 */
export const NO_LABELS: ReadonlyArray<MetricLabel.MetricLabel> = []

const add = (counter: Metric.Metric.Counter<number>) => (n: number) => Metric.incrementBy(counter, n).pipe(Effect.asVoid)

export const enqueued = add(recordsEnqueued)
export const committed = add(recordsCommitted)
export const spooled = add(recordsSpooled)
export const replayed = add(recordsReplayed)
export const failed = add(recordsFailed)
export const refused = add(recordsRefused)

/**
 * Trace events: what happened during a run (seed 004's run events), recorded
 * write-behind and read back in the order they were recorded.
 */
import * as Schema from "effect/Schema"
import { Json, Num, Stamp } from "../database/Columns.js"

/** What {@link ExecutionTracker.recordEvent} takes: a type (e.g. `"tool_called"`) and any JSON data. */
export const TraceEventInput = Schema.Struct({
  type: Schema.NonEmptyString,
  data: Schema.optional(Schema.Unknown)
})
export interface TraceEventInput extends Schema.Schema.Encoded<typeof TraceEventInput> {}

/** A stored trace event; `id` grows in the order events were recorded. */
export const TraceEvent = Schema.Struct({
  id: Schema.Number,
  traceId: Schema.String,
  type: Schema.String,
  data: Schema.optional(Schema.Unknown),
  timestamp: Schema.String
})
export interface TraceEvent extends Schema.Schema.Type<typeof TraceEvent> {}

/**
 * An event waiting in the write-behind queue or spool: validated, redacted,
 * its data already JSON text, its timestamp taken when it was recorded.
 */
export const PendingTraceEvent = Schema.Struct({
  traceId: Schema.String,
  type: Schema.String,
  data: Schema.NullOr(Schema.String),
  timestamp: Schema.String
})
export interface PendingTraceEvent extends Schema.Schema.Type<typeof PendingTraceEvent> {}

/** A row of `trace_events` as selected by {@link eventColumns}, from either driver. */
export const EventRow = Schema.suspend(() =>
  Schema.Struct({
    id: Num,
    traceId: Schema.String,
    type: Schema.String,
    data: Schema.optionalWith(Json(Schema.Unknown), { nullable: true }),
    timestamp: Stamp
  })
)

/**
 * The select list that {@link EventRow} decodes; `data` (any JSON, a string
 * too) as JSON text, which a parsed `jsonb` string could not be told apart from.
 */
export const eventColumns = `id, trace_id AS "traceId", type, CAST(data AS TEXT) AS data, timestamp`

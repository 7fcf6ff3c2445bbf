/**
 * The write-behind sink of trace events: a batch becomes multi-row inserts
 * into `trace_events`, in batch order (so ids follow the order events were
 * recorded), each record stored once however often its batch is replayed.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import type { RecordSink } from "../writeBehind/RecordSink.js"
import { parameterChunks } from "../database/Dialect.js"
import { insertEvents } from "./Queries.js"
import { PendingTraceEvent } from "./TraceEvent.js"

/** Rows per insert, at most (fewer when the dialect's parameter limit says so). */
const MAX_ROWS = 1000

/** Where `ExecutionTracker.recordEvent` sends its events. */
export const EventSink: RecordSink<typeof PendingTraceEvent.Type, typeof PendingTraceEvent.Encoded> = {
  kind: "trace_event",
  schema: PendingTraceEvent,
  write: (batch) =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const rows = batch.map(({ key, value }) => ({
        trace_id: value.traceId,
        type: value.type,
        data: value.data,
        timestamp: value.timestamp,
        record_key: key
      }))
      for (const chunk of parameterChunks(sql, rows, 5, MAX_ROWS)) yield* insertEvents(sql, chunk)
    })
}

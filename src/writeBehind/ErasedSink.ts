/**
 * A {@link RecordSink} seen through its spool form: it takes spool lines
 * (encoded values), decodes them with the sink's schema and writes them.
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { withDatabaseErrors } from "../database/SqlFailure.js"
import { onFirstCall } from "../domain/OnFirstCall.js"
import type { DatabaseError } from "../Errors.js"
import type { RecordSink } from "./RecordSink.js"
import type { SpoolLine } from "./Spool.js"

/** A sink of any value type, taking encoded records. */
export interface ErasedSink {
  readonly kind: string
  readonly write: (lines: ReadonlyArray<SpoolLine>) => Effect.Effect<void, DatabaseError, SqlClient.SqlClient>
}

/** Wraps a typed sink so that records of every kind can share one queue and one spool. */
export const erase = <A, I>(sink: RecordSink<A, I>): ErasedSink => {
  // One decode per batch, not one effect per line; compiled at the first batch, not when logbook is imported.
  const decode = onFirstCall(() => Schema.decodeUnknown(Schema.Array(sink.schema)))
  return {
    kind: sink.kind,
    write: (lines) =>
      decode(lines.map((line) => line.value)).pipe(
        Effect.map((values) => values.map((value, i) => ({ key: lines[i]!.key, value }))),
        Effect.flatMap(sink.write),
        withDatabaseErrors(`WriteBehind.${sink.kind}`)
      )
  }
}

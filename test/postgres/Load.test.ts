// Four real processes writing audit entries (durable and write-behind), trace events and LLM
// usage to one PostgreSQL database at once: no error reaches a caller and every count is exact.
// The throughput beside the same load on a SQLite file is the `pgLoad` workload of `npm run bench`.
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { runScript } from "../support/ChildProcess.js"
import { withDatabase } from "../support/Effects.js"
import { freshPostgresUrl } from "../support/Postgres.js"

const Result = Schema.parseJson(Schema.Struct({
  audit: Schema.Number,
  events: Schema.Number,
  usage: Schema.Number,
  errors: Schema.Number,
  errorSamples: Schema.Array(Schema.String),
  traceId: Schema.String,
  millis: Schema.Number
}))

const Counts = Schema.Tuple(Schema.Struct({ audit: Schema.Number, events: Schema.Number, usage: Schema.Number }))

describe("PostgreSQL under load from several processes", () => {
  it.scopedLive("4 processes recording audit entries, events and LLM usage for 3 s: no caller sees an error, every record is stored once", () =>
    Effect.gen(function*() {
      const url = yield* freshPostgresUrl
      // Migrated once here, so the workers measure writing, not five migrators waiting on the lock.
      yield* withDatabase({ url }, Effect.void)
      const tags = ["w0", "w1", "w2", "w3"]
      const runs = yield* Effect.forEach(tags, (tag) => Effect.promise(() => runScript("test/postgres/loadWorker.ts", [url, "3000", tag])), {
        concurrency: "unbounded"
      })
      const results = runs.map((run) => {
        expect(run.code, run.stderr).toBe(0)
        return Schema.decodeUnknownSync(Result)(run.stdout.trim().split("\n").at(-1))
      })
      yield* withDatabase(
        { url },
        Effect.gen(function*() {
          const sql = yield* SqlClient.SqlClient
          for (const [i, tag] of tags.entries()) {
            const result = results[i]!
            expect(result.errors, result.errorSamples.join("\n")).toBe(0)
            expect(result.audit).toBeGreaterThan(20)
            const [stored] = yield* sql`SELECT
                (SELECT count(*)::int FROM audit_logs WHERE agent = ${tag}) AS audit,
                (SELECT count(*)::int FROM trace_events WHERE trace_id = ${result.traceId}) AS events,
                (SELECT count(*)::int FROM llm_usage WHERE agent = ${tag}) AS usage`.pipe(Effect.flatMap(Schema.decodeUnknown(Counts)))
            expect(stored).toEqual({ audit: result.audit, events: result.events, usage: result.usage })
          }
        })
      )
    }), 120_000)
})

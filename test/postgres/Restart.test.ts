// The PostgreSQL server killed mid-flow (pg_ctl stop -m immediate) and started again: the flow
// never sees a failure and completes, and every record it made through write-behind is stored
// exactly once (the records of the outage wait in the spool and are replayed). The server is
// one of this spec's own, so the shared server of LOGBOOK_TEST_PG_URL stays up.
import * as SqlClient from "@effect/sql/SqlClient"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { statSync } from "node:fs"
import { Database } from "../../src/Database.js"
import * as Logbook from "../../src/Logbook.js"
import { spoolFiles } from "../../src/writeBehind/Spool.js"
import { withDatabase } from "../support/Effects.js"
import { eventually } from "../support/Poll.js"
import { type OwnServer, startOwnServer } from "../support/PostgresServer.js"
import { tempDir } from "../support/TempDir.js"
import { generationFlow, TRACE_ID } from "../writeBehind/GenerationFlow.js"

let server: OwnServer
beforeAll(() => {
  server = startOwnServer()
}, 120_000)
afterAll(() => server.remove())

const STEPS = 60
const Rows = Schema.Array(Schema.Struct({ key: Schema.String, n: Schema.Number }))

describe("write-behind across a PostgreSQL restart", () => {
  it.scopedLive("killed at step 20 and started again at step 40: the flow completes, each record is stored once", () =>
    Effect.gen(function*() {
      const spoolDirectory = yield* tempDir
      const { output, spool } = yield* Effect.gen(function*() {
        const db = yield* Database
        const spoolBytes = () => spoolFiles(db.options.spool).reduce((n, file) => n + statSync(file).size, 0)
        const output = yield* generationFlow(STEPS, (step) =>
          step === 20
            ? Effect.sync(() => server.kill())
            : step === 40
            // What the flow recorded during the outage is in the spool before the server is back.
            ? eventually(Effect.suspend(() => spoolBytes() > 0 ? Effect.void : Effect.fail("the spool is empty"))).pipe(
              Effect.orDie,
              Effect.zipRight(Effect.sync(() => server.restart()))
            )
            : Effect.void).pipe(Effect.zipLeft(Logbook.flush))
        return { output, spool: db.options.spool }
      }).pipe(Effect.provide(Logbook.layer({ url: server.url, spoolDirectory })))
      expect(output).toEqual(Array.from({ length: STEPS }, (_, i) => `part-${i + 1}`))

      yield* withDatabase(
        { url: server.url },
        Effect.gen(function*() {
          const sql = yield* SqlClient.SqlClient
          const counted = (rows: unknown) => Schema.decodeUnknownSync(Rows)(rows).map((row) => [row.key, row.n])
          const each = Array.from({ length: STEPS }, (_, i) => i + 1)
          const audit = yield* sql`SELECT action AS key, count(*)::int AS n FROM audit_logs WHERE project_id = 'flow' GROUP BY action`
          expect(counted(audit).sort()).toEqual(each.map((step) => [`step-${step}`, 1]).sort())
          const events = yield* sql`SELECT data->>'step' AS key, count(*)::int AS n FROM trace_events WHERE trace_id = ${TRACE_ID} GROUP BY 1`
          expect(counted(events).sort()).toEqual(each.map((step) => [String(step), 1]).sort())
          const usage = yield* sql`SELECT prompt AS key, count(*)::int AS n FROM llm_usage WHERE trace_id = ${TRACE_ID} GROUP BY prompt`
          expect(counted(usage).sort()).toEqual(each.map((step) => [`prompt ${step}`, 1]).sort())
          const trajectories = yield* sql`SELECT session_id AS key, count(*)::int AS n FROM trajectories GROUP BY session_id`
          expect(counted(trajectories)).toEqual([["session-flow", 1]])
        })
      )
      // Nothing is left waiting in the spool.
      expect(spoolFiles(spool).reduce((n, file) => n + statSync(file).size, 0)).toBe(0)
    }), 180_000)
})

/**
 * Workload 3, hot reads on the suite's generated database (bench/suite/reads.ts):
 * each read through logbook against the very statements logbook ran
 * (captured with an @effect/sql statement transformer), prepared once and
 * run through raw better-sqlite3 on a read-only connection.
 */
import Sqlite from "better-sqlite3"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { statementCapture } from "../statementCapture.js"
import { generatedDatabase, type Scale } from "../suite/reads.js"
import { loopOf, syncLoopOf } from "./cpuProfile.js"
import type { Services } from "../../src/Logbook.js"
import type { Built } from "./dist.js"
import type { Pair, Workloads } from "./Pair.js"

interface Read {
  readonly slug: string
  readonly name: string
  readonly run: Effect.Effect<unknown, unknown, Services>
}

export const readWorkloads = async (lib: Built, scale: Scale): Promise<Workloads> => {
  const reads: ReadonlyArray<Read> = [
    { slug: "read-audit-page", name: "AuditLog.query, newest page of 50", run: Effect.flatMap(lib.AuditLog, (a) => a.query({ limit: 50 })) },
    { slug: "read-recent-traces", name: "ExecutionTracker.recentTraces, 50", run: Effect.flatMap(lib.ExecutionTracker, (t) => t.recentTraces("project-3", { limit: 50 })) },
    { slug: "read-invocations", name: "ExecutionTracker.invocations of a trace", run: Effect.flatMap(lib.ExecutionTracker, (t) => t.invocations("trace-4242")) },
    { slug: "read-lesson-rare", name: "LessonsStore.search, a rare word, top 10", run: Effect.flatMap(lib.LessonsStore, (l) => l.search({ query: "zeppelin", limit: 10 })) }
  ]
  const file = await generatedDatabase(scale)
  const capture = statementCapture()
  // Statements are captured on a runtime of their own: the profiled one runs without the transformer.
  const capturer = ManagedRuntime.make(lib.Logbook.layer({ url: file }).pipe(Layer.provide(capture.layer)))
  const runtime = ManagedRuntime.make(lib.Logbook.layer({ url: file }))
  const raw = new Sqlite(file, { readonly: true })
  const pairs: Array<Pair> = []
  for (const read of reads) {
    // The statements of a second call: the first one may share its window with start-up work.
    await capturer.runPromise(read.run)
    const { statements: captured } = await capture.during(() => capturer.runPromise(read.run))
    const statements = captured.map(([sql, params]) => ({ statement: raw.prepare(sql), params }))
    pairs.push({
      slug: read.slug,
      workload: `3. read: ${read.name} (${scale.audit.toLocaleString("en-US")} audit rows, ${scale.lessons.toLocaleString("en-US")} lessons, ${(scale.traces * scale.invocationsPerTrace).toLocaleString("en-US")} invocations)`,
      unit: "read",
      durability: "WAL (reads)",
      target: "≥ 0.67× (≤ 1.5× the driver)",
      logbook: { name: `logbook ${read.name}`, loop: loopOf(() => runtime.runPromise(read.run)) },
      baseline: {
        name: `raw better-sqlite3, same ${statements.length} statement${statements.length === 1 ? "" : "s"}`,
        loop: syncLoopOf(() => {
          for (const { statement, params } of statements) {
            if (statement.reader) statement.all(...params)
            else statement.run(...params)
          }
        }, 10)
      }
    })
  }
  await capturer.dispose()
  return {
    pairs,
    close: async () => {
      raw.close()
      await runtime.dispose()
    }
  }
}

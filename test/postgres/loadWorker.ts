/**
 * One writer of the multi-process load (test/postgres/Load.test.ts and the
 * `pgLoad` workload of `npm run bench`):
 * `loadWorker.ts <database url> <millis> <tag>` records, for `millis`, from 4
 * fibers: audit entries (one durable `log`, one write-behind `record` per
 * round), a trace event and an LLM call, all under the agent `tag`; then
 * flushes, and prints one JSON line: the calls that succeeded per kind, the
 * errors that reached it, its trace id and the elapsed milliseconds.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { AuditLog } from "../../src/AuditLog.js"
import { ExecutionTracker } from "../../src/ExecutionTracker.js"
import * as Logbook from "../../src/Logbook.js"

const [url, millis, tag] = process.argv.slice(2)
if (url === undefined || millis === undefined || tag === undefined) throw new Error("usage: <database url> <millis> <tag>")

const program = Effect.gen(function*() {
  const audit = yield* AuditLog
  const tracker = yield* ExecutionTracker
  const trace = yield* tracker.startTrace({ projectId: "load", taskId: tag, prompt: "load" })
  const counts = { audit: 0, events: 0, usage: 0, errors: 0 }
  const errors: Array<string> = []
  const started = Date.now()
  const deadline = started + Number(millis)
  const fiber = (f: number) =>
    Effect.gen(function*() {
      let i = 0
      while (Date.now() < deadline) {
        const logged = yield* Effect.either(audit.log({ action: "load.log", category: "agent", agent: tag, details: { f, i } }))
        if (Either.isRight(logged)) counts.audit++
        else {
          counts.errors++
          errors.push(`${logged.left._tag}: ${logged.left.message}`)
        }
        yield* audit.record({ action: "load.record", category: "agent", agent: tag, details: { f, i } })
        counts.audit++
        yield* tracker.recordEvent(trace.id, { type: "load", data: { f, i } })
        counts.events++
        yield* tracker.recordLlmUsage({ provider: "load", model: "m", agent: tag, traceId: trace.id, inputTokens: 3, outputTokens: 2, totalTokens: 5, costUsd: 0.001 })
        counts.usage++
        i++
      }
    })
  yield* Effect.all([0, 1, 2, 3].map(fiber), { concurrency: "unbounded", discard: true })
  yield* Logbook.flush
  return { ...counts, errorSamples: errors.slice(0, 3), traceId: trace.id, millis: Date.now() - started }
})

Effect.runPromise(program.pipe(Effect.provide(Logbook.layer({ url })))).then(
  (result) => console.log(JSON.stringify(result)),
  (error: unknown) => {
    console.error(error)
    process.exitCode = 1
  }
)

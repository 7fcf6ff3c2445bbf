/**
 * The writer of the retention workload, run as its own process: logs one
 * audit entry (a durable write, `AuditLog.log`) about every millisecond into
 * the database named by its argument, timing each call, until its stdin
 * closes; then prints `[startedAtEpochMs, durationNs]` per call as JSON on stdout.
 */
import * as Effect from "effect/Effect"
import { AuditLog } from "../src/AuditLog.js"
import * as Logbook from "../src/Logbook.js"
import { now } from "./stats.js"

const url = process.argv[2]
if (url === undefined) throw new Error("usage: retentionWriter.ts DATABASE")

let stopping = false
process.stdin.on("end", () => {
  stopping = true
}).resume()

const calls: Array<readonly [number, number]> = []

const program = Effect.gen(function*() {
  const audit = yield* AuditLog
  process.stdout.write("ready\n")
  for (let i = 0; !stopping; i++) {
    const at = Date.now()
    const started = now()
    yield* audit.log({ action: `write-${i}`, category: "agent", details: { i } })
    calls.push([at, now() - started])
    yield* Effect.sleep("1 millis")
  }
}).pipe(Effect.provide(Logbook.layer({ url, migrate: "off" })))

Effect.runPromise(program).then(
  () => process.stdout.write(`${JSON.stringify(calls)}\n`),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`)
    process.exit(1)
  }
)

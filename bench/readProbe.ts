/**
 * In-process probe of the per-call cost of logbook's reads: CPU time per
 * call of `AuditLog.query` (newest page of 50), `ExecutionTracker.recentTraces`,
 * `ExecutionTracker.invocations` and `StateStore.current`, beside the floor
 * under them (an empty effect run the same way, and the very statement
 * through the bare `SqlClient`) and the very statements prepared once
 * through raw better-sqlite3. CPU time (`process.cpuUsage`) holds up on a
 * loaded machine where wall time does not. The database is small and
 * generated in a temp folder: the figures are the cost above SQLite's.
 * First the floor of any statement: `SELECT 1` through a plain
 * `@effect/sql-sqlite-node` client (no logbook), with Effect's tracer on (as
 * by default) and off, and through raw better-sqlite3.
 *
 *   node --import tsx bench/readProbe.ts [--calls 3000] [--only audit,current]
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/readProbe.ts --only audit --subjects logbook
 *
 * `--subjects` picks among `logbook`, `client` and `raw` (all by default),
 * so that a profile holds one of them.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { SqliteClient } from "@effect/sql-sqlite-node"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import Sqlite from "better-sqlite3"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { AuditLog } from "../src/AuditLog.js"
import { ExecutionTracker } from "../src/ExecutionTracker.js"
import * as Logbook from "../src/Logbook.js"
import { StateStore } from "../src/StateStore.js"
import { statementCapture } from "./statementCapture.js"

const args = process.argv.slice(2)
const option = (name: string) => {
  const at = args.indexOf(`--${name}`)
  return at === -1 ? undefined : args[at + 1]
}
const calls = Number(option("calls") ?? 3000)
const only = option("only")?.split(",")
const wanted = (name: string) => only === undefined || only.includes(name)
const subjects = option("subjects")?.split(",")
const measured = (subject: string) => subjects === undefined || subjects.includes(subject)
// Prints each timed loop's window (monotonic µs, the clock of a V8 CPU profile), to read a profile of the loops only.
const marks = args.includes("--marks")

/** CPU µs per call of `f`, run `n` times one after another (after a warm-up of a tenth). */
const cpuPerCall = async (n: number, f: () => unknown): Promise<number> => {
  for (let i = 0; i < Math.ceil(n / 10); i++) await f()
  const c0 = process.cpuUsage()
  const start = process.hrtime.bigint() / 1000n
  for (let i = 0; i < n; i++) await f()
  const cpu = process.cpuUsage(c0)
  if (marks) console.error(`window ${start} ${process.hrtime.bigint() / 1000n}`)
  return (cpu.user + cpu.system) / n
}

const folder = mkdtempSync(path.join(tmpdir(), "logbook-read-probe-"))
const file = path.join(folder, "reads.db")
const capture = statementCapture()
const layer = Logbook.layer({ url: file, synchronous: "normal" })
const runtime = ManagedRuntime.make(layer)
const capturingRuntime = ManagedRuntime.make(layer.pipe(Layer.provide(capture.layer)))

const fill = Effect.gen(function*() {
  const audit = yield* AuditLog
  for (let batch = 0; batch < 20; batch++) {
    yield* audit.logMany(Array.from({ length: 250 }, (_, i) => ({
      projectId: `project-${i % 7}`,
      taskId: `task-${i % 50}`,
      agent: `agent-${i % 5}`,
      action: `action-${i % 7}`,
      category: "file" as const,
      timestamp: new Date(Date.UTC(2026, 0, 1) + (batch * 250 + i) * 3000).toISOString(),
      details: { file: `src/module${i % 97}.ts`, lines: i, summary: `step ${batch * 250 + i}: updated the handler` }
    })))
  }
  const tracker = yield* ExecutionTracker
  for (let t = 0; t < 60; t++) {
    const trace = yield* tracker.startTrace({ projectId: "project-3", taskId: `task-${t}`, prompt: `prompt ${t}` })
    for (let i = 0; i < 10; i++) {
      yield* tracker.recordInvocation({
        traceId: trace.id,
        agent: `agent-${i % 5}`,
        taskFragment: `fragment ${i}`,
        outcome: "success",
        qualityScore: 0.8,
        outputSummary: `output of invocation ${i}`
      })
    }
    yield* tracker.completeTrace(trace.id, { success: true })
  }
  const state = yield* StateStore
  yield* state.save({ taskId: "solo", projectId: "bench", state: "s0", context: { step: 0, notes: "x".repeat(2000) }, history: [] })
  for (let i = 1; i <= 20; i++) yield* state.step("solo", { to: `s${i}`, event: `e${i}`, context: { step: i, notes: "x".repeat(2000) } })
  yield* state.checkpoint("solo")
  return yield* tracker.recentTraces("project-3", { limit: 1 })
})

try {
  const [lastTrace] = await runtime.runPromise(fill)
  const traceId = lastTrace?.id ?? ""
  await capturingRuntime.runPromise(Effect.void)
  const raw = new Sqlite(file, { readonly: true })
  const sql = await runtime.runPromise(Effect.map(SqlClient.SqlClient, (client) => client))
  const reads: ReadonlyArray<readonly [string, Effect.Effect<unknown, unknown, AuditLog | ExecutionTracker | StateStore>]> = [
    ["audit", Effect.flatMap(AuditLog, (a) => a.query({ limit: 50 }))],
    ["recentTraces", Effect.flatMap(ExecutionTracker, (t) => t.recentTraces("project-3", { limit: 50 }))],
    ["invocations", Effect.flatMap(ExecutionTracker, (t) => t.invocations(traceId))],
    ["current", Effect.flatMap(StateStore, (s) => s.current("solo"))]
  ]
  const floor = await cpuPerCall(calls, () => runtime.runPromise(Effect.void))
  console.log(`${"runtime.runPromise(Effect.void)".padEnd(44)} cpu ${floor.toFixed(1).padStart(7)} µs/call`)
  if (wanted("floor")) {
    const plain = ManagedRuntime.make(SqliteClient.layer({ filename: file, readonly: true }))
    const client = await plain.runPromise(SqlClient.SqlClient)
    const one = raw.prepare("SELECT 1")
    const floors: ReadonlyArray<readonly [string, () => unknown]> = [
      ["SELECT 1, plain @effect/sql-sqlite-node", () => plain.runPromise(client`SELECT 1`)],
      ["SELECT 1, the same with the tracer off", () => plain.runPromise(Effect.withTracerEnabled(client`SELECT 1`, false))],
      ["SELECT 1, raw better-sqlite3", () => one.all()]
    ]
    for (const [subject, f] of floors) {
      console.log(`${subject.padEnd(44)} cpu ${(await cpuPerCall(calls, f)).toFixed(1).padStart(7)} µs/call`)
    }
    await plain.dispose()
  }
  for (const [name, read] of reads) {
    if (!wanted(name)) continue
    const { statements: captured } = await capture.during(() => capturingRuntime.runPromise(read))
    const statements = captured.map(([text, params]) => ({ text, params, prepared: raw.prepare(text) }))
    const viaRaw = measured("raw")
      ? await cpuPerCall(calls * 4, () => {
        for (const { params, prepared } of statements) prepared.all(...params)
      })
      : Number.NaN
    const line = (subject: string, cpu: number) =>
      console.log(`  ${subject.padEnd(42)} cpu ${cpu.toFixed(1).padStart(7)} µs/call  ${(viaRaw / cpu).toFixed(2)}× raw`)
    console.log(`${name.padEnd(16)} (${statements.length} statement${statements.length === 1 ? "" : "s"})`)
    if (measured("logbook")) line("logbook", await cpuPerCall(calls, () => runtime.runPromise(read)))
    if (measured("client")) {
      line(
        "same SQL through the bare SqlClient",
        await cpuPerCall(calls, () =>
          runtime.runPromise(Effect.forEach(statements, ({ params, text }) => sql.unsafe(text, params), { discard: true })))
      )
    }
    if (measured("raw")) console.log(`  ${"raw better-sqlite3, prepared once".padEnd(42)} cpu ${viaRaw.toFixed(1).padStart(7)} µs/call`)
  }
  raw.close()
} finally {
  await capturingRuntime.dispose()
  await runtime.dispose()
  rmSync(folder, { recursive: true, force: true })
}

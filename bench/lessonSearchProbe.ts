/**
 * Lesson search at full size, on its own: a database of 100,000 generated
 * lessons (workload 3's lessons, without its audit rows and traces; cached
 * in bench/.data), searched through `LessonsStore.search` and through raw
 * better-sqlite3 running the very statements logbook ran, alternately,
 * p50 of each and their p50 CPU time (the wall time
 * includes waiting for a core on a busy machine).
 *
 *   node --import tsx bench/lessonSearchProbe.ts [--lessons 100000] [--iterations 200] [--candidates 1000]
 */
import Sqlite from "better-sqlite3"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { SEARCH_CANDIDATES, SearchCandidates } from "../src/lessons/Queries.js"
import { LessonsStore } from "../src/LessonsStore.js"
import * as Logbook from "../src/Logbook.js"
import { statementCapture } from "./statementCapture.js"
import { latency, now } from "./stats.js"
import { generatedDatabase } from "./suite/reads.js"

const argument = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name)
  return at < 0 ? fallback : Number(process.argv[at + 1])
}
const lessons = argument("--lessons", 100_000)
const iterations = argument("--iterations", 200)
const candidates = argument("--candidates", SEARCH_CANDIDATES)

const searches = [
  { name: "a common word (error)", query: "error" },
  { name: "a partial common word (err)", query: "err" },
  { name: "two common words (error handl)", query: "error handl" },
  { name: "a rare word (zeppelin)", query: "zeppelin" }
]

const file = await generatedDatabase({ audit: 1, lessons, traces: 1, invocationsPerTrace: 1 })
const capture = statementCapture()
const runtime = ManagedRuntime.make(Logbook.layer({ url: file }).pipe(Layer.provide(capture.layer)))
const raw = new Sqlite(file, { readonly: true })
console.log(`lesson search on ${lessons} lessons, ${candidates} candidates, ${iterations} calls each (${file})`)
try {
  for (const search of searches) {
    const run = Effect.flatMap(LessonsStore, (store) => store.search({ query: search.query, limit: 10 })).pipe(
      Effect.provideService(SearchCandidates, candidates)
    )
    await runtime.runPromise(run)
    const { result: hits, statements: captured } = await capture.during(() => runtime.runPromise(run))
    const statements = captured.map(([sql, params]) => ({ statement: raw.prepare(sql), params }))
    const rawRun = () => statements.forEach(({ params, statement }) => statement.all(...params))
    for (let i = 0; i < 5; i++) {
      await runtime.runPromise(run)
      rawRun()
    }
    const logbookNs = new Float64Array(iterations)
    const rawNs = new Float64Array(iterations)
    const logbookCpuNs = new Float64Array(iterations)
    const rawCpuNs = new Float64Array(iterations)
    for (let i = 0; i < iterations; i++) {
      const cpu = process.cpuUsage()
      const t0 = now()
      await runtime.runPromise(run)
      logbookNs[i] = now() - t0
      const used = process.cpuUsage(cpu)
      logbookCpuNs[i] = (used.user + used.system) * 1e3
      const rawCpu = process.cpuUsage()
      const t1 = now()
      rawRun()
      rawNs[i] = now() - t1
      const rawUsed = process.cpuUsage(rawCpu)
      rawCpuNs[i] = (rawUsed.user + rawUsed.system) * 1e3
    }
    const logbook = latency(logbookNs).p50Us
    const driver = latency(rawNs).p50Us
    const cpuUs = latency(logbookCpuNs).p50Us
    const rawCpuUs = latency(rawCpuNs).p50Us
    console.log(
      `${search.name.padEnd(32)} logbook p50 ${(logbook / 1e3).toFixed(2)} ms (CPU p50 ${(cpuUs / 1e3).toFixed(2)} ms)` +
        `  raw p50 ${(driver / 1e3).toFixed(2)} ms (CPU p50 ${(rawCpuUs / 1e3).toFixed(2)} ms)  ratio ${(logbook / driver).toFixed(2)}x  hits ${hits.length}` +
        `  first ${hits.slice(0, 3).map((hit) => hit.id).join(", ")}`
    )
  }
} finally {
  raw.close()
  await runtime.dispose()
}

/**
 * Workload 3, reads at scale: a generated database (1M audit rows, 100k
 * lessons, 100k traces with 1M invocations; a tenth of that with `--quick`)
 * is built once through raw SQL on a file logbook migrated, and cached in
 * bench/.data (logbook migrates it further when it opens it). Each read runs
 * through logbook, and the very statements logbook ran (captured with an
 * @effect/sql statement transformer) run again through raw better-sqlite3,
 * each prepared once: the ratio is the cost logbook adds over the driver.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import Sqlite from "better-sqlite3"
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { AuditLog } from "../../src/AuditLog.js"
import { ExecutionTracker } from "../../src/ExecutionTracker.js"
import { LessonsStore } from "../../src/LessonsStore.js"
import * as Logbook from "../../src/Logbook.js"
import { migrateFresh } from "../rawBaseline.js"
import { statementCapture } from "../statementCapture.js"
import { latency, now } from "../stats.js"
import { compared, type Row } from "./report.js"

const WORKLOAD = "3. reads at scale"
const DURABILITY = "WAL (reads)"

export const dataDirectory = fileURLToPath(new URL("../.data/", import.meta.url))

/** Sizes of the generated database. */
export interface Scale {
  readonly audit: number
  readonly lessons: number
  readonly traces: number
  readonly invocationsPerTrace: number
}

const generate = (file: string, scale: Scale) => {
  const db = new Sqlite(file)
  db.pragma("journal_mode = WAL")
  db.pragma("synchronous = OFF")
  db.exec(`
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${scale.audit})
INSERT INTO audit_logs (timestamp, project_id, task_id, agent, action, category, details, record_key)
SELECT strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || (i * 3) || ' seconds'),
  'project-' || (i % 7), 'task-' || (i % 5000), 'agent-' || (i % 5),
  CASE WHEN i % 100000 = 7 THEN 'security.escalate' ELSE 'action-' || (i % 7) END,
  CASE i % 5 WHEN 0 THEN 'state' WHEN 1 THEN 'file' WHEN 2 THEN 'agent' WHEN 3 THEN 'security' ELSE 'user' END,
  json_object('file', 'src/module' || (i % 97) || '.ts', 'lines', i % 311, 'summary', 'step ' || i || ': updated the handler'),
  'key-' || i
FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${scale.lessons})
INSERT INTO lessons (id, project_id, category, title, summary, details, tags, created_at, updated_at)
SELECT 'lesson-' || i, CASE WHEN i % 3 = 0 THEN NULL ELSE 'project-' || (i % 7) END,
  CASE i % 5 WHEN 0 THEN 'bug' WHEN 1 THEN 'pattern' WHEN 2 THEN 'preference' WHEN 3 THEN 'security' ELSE 'performance' END,
  'lesson ' || i || CASE WHEN i % 2 = 0 THEN ': error handling in module ' ELSE ': retries in module ' END || (i % 97),
  'when the handler ' || CASE WHEN i % 3 = 0 THEN 'throws an error' ELSE 'times out' END || ', wrap it and retry ' || (i % 13) || ' times'
    || CASE WHEN i % 10000 = 5 THEN ' zeppelin' ELSE '' END,
  'details of lesson ' || i || ': the module logged an error, the agent added a guard and a test for case ' || (i % 211),
  json_array('tag-' || (i % 11)),
  strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || i || ' seconds'),
  strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || i || ' seconds')
FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${scale.traces})
INSERT INTO execution_traces (id, project_id, task_id, prompt, started_at, completed_at, success, duration_ms, status, agent_id)
SELECT 'trace-' || i, 'project-' || (i % 7), 'task-' || (i % 5000), 'prompt of run ' || i,
  strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || (i * 30) || ' seconds'),
  strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || (i * 30 + 20) || ' seconds'), 1, 20000, 'completed', 'agent-' || (i % 5)
FROM n;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${scale.traces * scale.invocationsPerTrace - 1})
INSERT INTO agent_invocations (trace_id, agent, task_fragment, started_at, completed_at, outcome, quality_score, output_summary)
SELECT 'trace-' || (i / ${scale.invocationsPerTrace} + 1), 'agent-' || (i % 5), 'fragment ' || i,
  strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || (i * 3) || ' seconds'),
  strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || (i * 3 + 2) || ' seconds'),
  CASE WHEN i % 10 = 0 THEN 'failure' ELSE 'success' END, 0.8, 'output of invocation ' || i
FROM n;
ANALYZE;`)
  db.pragma("wal_checkpoint(TRUNCATE)")
  db.close()
}

/** The generated database of `scale`, built on first use and kept in bench/.data. */
export const generatedDatabase = async (scale: Scale): Promise<string> => {
  mkdirSync(dataDirectory, { recursive: true })
  const file = path.join(dataDirectory, `reads-${scale.audit}-${scale.lessons}-${scale.traces}x${scale.invocationsPerTrace}.db`)
  if (existsSync(file)) return file
  const partial = `${file}.partial`
  rmSync(partial, { force: true })
  console.log(`generating ${path.relative(process.cwd(), file)} (cached for later runs) ...`)
  const started = now()
  await migrateFresh(partial)
  generate(partial, scale)
  rmSync(`${partial}-wal`, { force: true })
  rmSync(`${partial}-shm`, { force: true })
  renameSync(partial, file)
  console.log(`  generated in ${((now() - started) / 1e9).toFixed(1)} s`)
  return file
}

type Services = AuditLog | LessonsStore | ExecutionTracker

interface Read {
  readonly name: string
  readonly target?: string
  readonly run: Effect.Effect<unknown, unknown, Services>
}

const reads: ReadonlyArray<Read> = [
  { name: "AuditLog.query, newest page of 50", target: "≥ 0.67×, p50 ≤ 2 ms", run: Effect.flatMap(AuditLog, (a) => a.query({ limit: 50 })) },
  { name: "AuditLog.query, project + category, 50", target: "≥ 0.67×", run: Effect.flatMap(AuditLog, (a) => a.query({ projectId: "project-3", category: "file", limit: 50 })) },
  { name: "AuditLog.query, a rare action", target: "≥ 0.67×", run: Effect.flatMap(AuditLog, (a) => a.query({ action: "security.escalate", limit: 50 })) },
  { name: "AuditLog.summary of a project", target: "≥ 0.67×", run: Effect.flatMap(AuditLog, (a) => a.summary("project-3")) },
  { name: "LessonsStore.search, a common word, top 10", target: "≥ 0.67×, p50 ≤ 5 ms", run: Effect.flatMap(LessonsStore, (l) => l.search({ query: "error", limit: 10 })) },
  { name: "LessonsStore.search, a rare word, top 10", target: "≥ 0.67×", run: Effect.flatMap(LessonsStore, (l) => l.search({ query: "zeppelin", limit: 10 })) },
  { name: "ExecutionTracker.recentTraces, 50", target: "≥ 0.67×", run: Effect.flatMap(ExecutionTracker, (t) => t.recentTraces("project-3", { limit: 50 })) },
  { name: "ExecutionTracker.invocations of a trace", target: "≥ 0.67×", run: Effect.flatMap(ExecutionTracker, (t) => t.invocations("trace-4242")) }
]

/** Untimed calls of each read, on each side, before its timed calls. */
const WARM_UP_CALLS = 200

/** Runs workload 3 on the generated database of `scale`; `iterations` timed calls per read (p50). */
export const readsAtScale = async (scale: Scale, iterations: number): Promise<{ rows: ReadonlyArray<Row>; file: string }> => {
  const file = await generatedDatabase(scale)
  const capture = statementCapture()
  const runtime = ManagedRuntime.make(Logbook.layer({ url: file }).pipe(Layer.provide(capture.layer)))
  const raw = new Sqlite(file, { readonly: true })
  const rows: Array<Row> = []
  try {
    for (const read of reads) {
      // The statements of a second call: the first one may share its window with start-up work.
      await runtime.runPromise(read.run)
      const { statements: captured } = await capture.during(() => runtime.runPromise(read.run))
      const statements = captured.map(([sql, params]) => ({ statement: raw.prepare(sql), params }))
      const rawRun = () => {
        for (const { statement, params } of statements) {
          if (statement.reader) statement.all(...params)
          else statement.run(...params)
        }
      }
      const logbookNs = new Float64Array(iterations)
      const rawNs = new Float64Array(iterations)
      // Warm-up until both sides run in steady state: the first hundred or so calls of a read on
      // this large file are slower on both sides (the native side included), which would
      // otherwise weigh on the p50 of the timed calls.
      for (let i = 0; i < Math.min(WARM_UP_CALLS, iterations); i++) {
        await runtime.runPromise(read.run)
        rawRun()
      }
      for (let i = 0; i < iterations; i++) {
        const t0 = now()
        await runtime.runPromise(read.run)
        logbookNs[i] = now() - t0
        const t1 = now()
        rawRun()
        rawNs[i] = now() - t1
      }
      const logbook = latency(logbookNs).p50Us
      const driver = latency(rawNs).p50Us
      rows.push(compared({
        workload: WORKLOAD,
        subject: `logbook ${read.name}`,
        durability: DURABILITY,
        metric: "p50 µs",
        value: logbook,
        better: "lower",
        target: read.target
      }, `raw better-sqlite3, same ${statements.length} statement${statements.length === 1 ? "" : "s"}`, driver))
    }
  } finally {
    raw.close()
    await runtime.dispose()
  }
  return { rows, file }
}

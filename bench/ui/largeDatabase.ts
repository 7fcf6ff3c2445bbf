/**
 * The UI benchmark's large database: `rows` execution traces with as many
 * LLM calls and audit entries, a fifth as many invocations and a tenth as
 * many tasks, spread over the last year; built once and kept in
 * bench/.data (not committed).
 */
import Sqlite from "better-sqlite3"
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { migrateFresh } from "../rawBaseline.js"

const YEAR_MS = 365 * 86_400_000
const AGENTS = ["planner", "coder", "reviewer", "tester", "deployer"]

/**
 * Fills a migrated database with `rows` runs and their companions: one
 * INSERT ... SELECT over a counter per table, in one transaction, so SQLite
 * builds the rows without a round trip to JavaScript per row.
 */
const generate = (file: string, rows: number) => {
  const db = new Sqlite(file)
  db.pragma("journal_mode = WAL")
  db.pragma("synchronous = OFF")
  const start = Date.now() - YEAR_MS
  const step = YEAR_MS / rows
  const at = (offset: string) => `strftime('%Y-%m-%dT%H:%M:%fZ', (${start} + i * ${step}${offset}) / 1000.0, 'unixepoch')`
  const status = `CASE i % 5 WHEN 3 THEN 'error' WHEN 4 THEN 'cancelled' ELSE 'completed' END`
  const agent = `CASE i % 5 ${AGENTS.map((name, n) => `WHEN ${n} THEN '${name}'`).join(" ")} END`
  const counter = (every: number) =>
    `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + ${every} FROM n WHERE i + ${every} < ${rows})`
  db.transaction(() => {
    db.exec(`${counter(1)}
INSERT INTO execution_traces (id, project_id, task_id, prompt, started_at, completed_at, success, duration_ms, status, agent_id, error)
SELECT 'run-' || i, 'project-' || (i % 7), 'task-' || (i % ${rows / 10}), 'prompt ' || i || ': make module ' || (i % 97) || ' faster',
  ${at("")}, ${at(" + 500 + i % 9000")}, CASE i % 5 WHEN 3 THEN 0 WHEN 4 THEN 0 ELSE 1 END, 500 + i % 9000, ${status}, ${agent},
  CASE i % 5 WHEN 3 THEN 'failure ' || (i % 13) END
FROM n`)
    db.exec(`${counter(1)}
INSERT INTO llm_usage (trace_id, agent, provider, model, input_tokens, output_tokens, total_tokens, cost_usd, latency_ms, status, timestamp)
SELECT 'run-' || i, ${agent}, 'anthropic', CASE WHEN i % 3 = 0 THEN 'claude-opus' ELSE 'claude-sonnet' END,
  1000 + i % 500, 200 + i % 90, 1200 + i % 590, 0.001 * (1 + i % 7), 300 + i % 4000, 'success', ${at("")}
FROM n`)
    db.exec(`${counter(1)}
INSERT INTO audit_logs (timestamp, project_id, task_id, agent, action, category, details)
SELECT ${at("")}, 'project-' || (i % 7), 'task-' || (i % ${rows / 10}), ${agent}, 'file.write', 'file', '{"n":' || i || '}'
FROM n`)
    db.exec(`${counter(5)}
INSERT INTO agent_invocations (trace_id, agent, started_at, completed_at, outcome)
SELECT 'run-' || i, ${agent}, ${at("")}, ${at(" + 500 + i % 9000")}, CASE WHEN i % 15 = 0 THEN 'failure' ELSE 'success' END
FROM n`)
    db.exec(`${counter(10)}
INSERT INTO workflow_states (task_id, project_id, state, context, created_at, updated_at)
SELECT 'task-' || (i / 10), 'project-' || (i % 7), ${status}, '{}', ${at("")}, ${at(" + 500 + i % 9000")}
FROM n`)
  })()
  db.exec("ANALYZE")
  db.close()
}

/** The generated database of `rows` runs, built on first use and kept in bench/.data (not committed). */
export const largeDatabase = async (rows: number): Promise<{ file: string; generatedMs: number | "cached" }> => {
  const dataDirectory = fileURLToPath(new URL("../.data/", import.meta.url))
  mkdirSync(dataDirectory, { recursive: true })
  const file = path.join(dataDirectory, `ui-${rows}.db`)
  if (existsSync(file)) {
    // Cached by an earlier run: brought up to logbook's newest migrations (the UI opens no database with pending ones).
    await migrateFresh(file)
    return { file, generatedMs: "cached" }
  }
  const partial = `${file}.partial`
  for (const suffix of ["", "-wal", "-shm"]) rmSync(partial + suffix, { force: true })
  const started = performance.now()
  await migrateFresh(partial)
  generate(partial, rows)
  for (const suffix of ["-wal", "-shm"]) rmSync(partial + suffix, { force: true })
  renameSync(partial, file)
  return { file, generatedMs: Math.round(performance.now() - started) }
}


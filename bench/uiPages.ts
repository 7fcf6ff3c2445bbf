/**
 * The UI on a large database: generates `ROWS` execution traces (default
 * 1,000,000) with as many LLM calls and audit entries, a fifth as many
 * invocations and a tenth as many tasks, spread over a year (built once and
 * cached in bench/.data, as workload 3's database); then serves the
 * UI and measures, for every page, the API call behind its first render
 * (median of 5, server round trip) and the page's first render in headless
 * Chromium (navigation start to its content on screen). Also run on the demo
 * database as the small reference. Prints JSON; nothing is asserted.
 *
 *   npm run build && node --import tsx bench/uiPages.ts [ROWS]
 */
import * as HttpServer from "@effect/platform/HttpServer"
import Sqlite from "better-sqlite3"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { chromium } from "playwright-core"
import { runDemo } from "../src/cli/Demo.js"
import * as Logbook from "../src/Logbook.js"
import { uiServer } from "../src/ui/Server.js"
import { migrateFresh } from "./rawBaseline.js"

const ROWS = Number(process.argv[2] ?? 1_000_000)
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
const largeDatabase = async (rows: number): Promise<{ file: string; generatedMs: number | "cached" }> => {
  const dataDirectory = fileURLToPath(new URL("./.data/", import.meta.url))
  mkdirSync(dataDirectory, { recursive: true })
  const file = path.join(dataDirectory, `ui-${rows}.db`)
  if (existsSync(file)) return { file, generatedMs: "cached" }
  const partial = `${file}.partial`
  for (const suffix of ["", "-wal", "-shm"]) rmSync(partial + suffix, { force: true })
  const started = performance.now()
  await migrateFresh(partial)
  generate(partial, rows)
  for (const suffix of ["-wal", "-shm"]) rmSync(partial + suffix, { force: true })
  renameSync(partial, file)
  return { file, generatedMs: Math.round(performance.now() - started) }
}

/** The pages: the hash route, the selector of their first render, and the API call behind it. */
const PAGES = [
  { name: "runs", hash: "#/runs", selector: "#runs", api: "/api/runs" },
  { name: "runs (status=error)", hash: "#/runs?status=error", selector: "#runs", api: "/api/runs?status=error" },
  { name: "runs (agent=coder)", hash: "#/runs?agent=coder", selector: "#runs", api: "/api/runs?agent=coder" },
  { name: "trajectories", hash: "#/trajectories", selector: "#trajectories", api: "/api/trajectories" },
  { name: "tasks", hash: "#/tasks", selector: "#tasks", api: "/api/tasks" },
  { name: "audit", hash: "#/audit", selector: "#audit", api: "/api/audit?limit=100" },
  { name: "lessons", hash: "#/lessons", selector: "#lessons", api: "/api/lessons" },
  { name: "costs", hash: "#/costs", selector: ".chart canvas", api: `/api/costs?since=${new Date(Date.now() - 30 * 86_400_000).toISOString()}` },
  { name: "agents", hash: "#/agents", selector: "#agent-list", api: "/api/agents" }
] as const

const median = (values: ReadonlyArray<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

const measure = (file: string, run: (page: { baseUrl: string; runId: string }) => Promise<Record<string, unknown>>) =>
  Effect.runPromise(Effect.scoped(Effect.gen(function*() {
    const stores = yield* Layer.build(Logbook.layer({ url: file }))
    const server = yield* Layer.build(uiServer({ port: 0, host: "127.0.0.1" })).pipe(Effect.provide(stores))
    const address = Context.get(server, HttpServer.HttpServer).address
    if (address._tag !== "TcpAddress") return yield* Effect.dieMessage("not on TCP")
    const baseUrl = `http://127.0.0.1:${address.port}`
    const first = yield* Effect.promise(() => fetch(`${baseUrl}/api/runs?limit=1`).then((r) => r.json() as Promise<{ runs: Array<{ id: string }> }>))
    return yield* Effect.promise(() => run({ baseUrl, runId: first.runs[0]!.id }))
  })))

const pagesOf = async ({ baseUrl, runId }: { baseUrl: string; runId: string }) => {
  const pages = [...PAGES, { name: "run", hash: `#/runs/${runId}`, selector: ".waterfall", api: `/api/runs/${runId}` }]
  const api: Record<string, number> = {}
  for (const page of pages) {
    const times: Array<number> = []
    for (let i = 0; i < 5; i++) {
      const started = performance.now()
      await (await fetch(`${baseUrl}${page.api}`)).arrayBuffer()
      times.push(performance.now() - started)
    }
    api[page.name] = Math.round(median(times))
  }
  const doctorStarted = performance.now()
  await (await fetch(`${baseUrl}/api/doctor`)).arrayBuffer()
  const doctorMs = Math.round(performance.now() - doctorStarted)
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"]
  })
  const tab = await browser.newPage()
  await tab.goto(`${baseUrl}/#/runs`)
  const render: Record<string, number> = {}
  for (const page of pages) {
    const times: Array<number> = []
    for (let i = 0; i < 3; i++) {
      await tab.goto("about:blank")
      await tab.goto(`${baseUrl}/${page.hash}`, { waitUntil: "commit" })
      const rendered = await tab.waitForFunction(
        (selector) => ((globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector(selector) === null ? false : performance.now()),
        page.selector,
        { polling: "raf", timeout: 60_000 }
      )
      times.push(Number(await rendered.jsonValue()))
    }
    render[page.name] = Math.round(median(times))
  }
  await browser.close()
  return { apiMs: api, firstRenderMs: render, doctorMs }
}

const main = async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "logbook-bench-ui-"))
  try {
    const demoFile = path.join(dir, "demo.db")
    await Effect.runPromise(Effect.scoped(Effect.asVoid(Effect.provide(runDemo, Logbook.layer({ url: demoFile })))))
    const demo = await measure(demoFile, pagesOf)
    const { file: largeFile, generatedMs } = await largeDatabase(ROWS)
    const large = await measure(largeFile, pagesOf)
    console.log(JSON.stringify({ loadAverage: os.loadavg(), demo, large: { rows: ROWS, generatedMs, ...large } }, null, 2))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

void main()

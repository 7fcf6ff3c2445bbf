/**
 * The SQLite work alone of a workflow step and a resume: the statements
 * `StateStore.step` and `StateStore.current` run (captured from logbook),
 * replayed through raw better-sqlite3, against the statements of LangGraph's
 * `SqliteSaver.put` and `getTuple` replayed the same way, on files shaped
 * like the bench's (WAL, `synchronous = NORMAL`, `history` steps of ~2 KB
 * context with a checkpoint each). Prints the CPU µs per statement of each
 * (best of three rounds), their ratio and the query plans of logbook's: the
 * floor under `npm run bench:profile`'s workflow pairs, without the Effect
 * runtime. Then the pages one step and one put write to the WAL (what a
 * commit at `synchronous = FULL` syncs), by the b-tree they belong to.
 *
 *   node --import tsx bench/stateStatements.ts [--history 100] [--calls 2000]
 */
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import Sqlite from "better-sqlite3"
import { randomUUID } from "node:crypto"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import * as Logbook from "../src/Logbook.js"
import { StateStore } from "../src/StateStore.js"
import { type Captured, statementCapture } from "./statementCapture.js"
import { contextAt, langGraph, stateAt } from "./suite/workflow.js"

const args = process.argv.slice(2)
const option = (name: string) => {
  const at = args.indexOf(`--${name}`)
  return at === -1 ? undefined : args[at + 1]
}
const history = Number(option("history") ?? 100)
const calls = Number(option("calls") ?? 2000)

/** CPU µs per call of `f`, best of three rounds of `calls`. */
const cpuPerCall = (f: (i: number) => void): number => {
  let best = Infinity
  for (let round = 0; round < 3; round++) {
    const c0 = process.cpuUsage()
    for (let i = 0; i < calls; i++) f(i)
    const cpu = process.cpuUsage(c0)
    best = Math.min(best, (cpu.user + cpu.system) / calls)
  }
  return Math.round(best * 10) / 10
}

/**
 * The WAL frames one call of `f` appends, per call over `calls` calls, by the
 * b-tree of their page (`dbstat`): page 1 is the header, a page no b-tree
 * holds is a pointer-map page of `auto_vacuum`.
 */
const walPages = (db: Sqlite.Database, file: string, f: (i: number) => void, calls = 40) => {
  const tally = new Map<string, number>()
  for (let i = 0; i < calls; i++) {
    db.pragma("wal_checkpoint(TRUNCATE)")
    f(i)
    const wal = readFileSync(`${file}-wal`)
    const pageSize = wal.readUInt32BE(8)
    const trees = new Map<number, string>()
    for (const row of db.prepare("SELECT name, pageno FROM dbstat").all() as Array<{ name: string; pageno: number }>) {
      trees.set(row.pageno, row.name)
    }
    for (let at = 32; at + 24 <= wal.length; at += 24 + pageSize) {
      const page = wal.readUInt32BE(at)
      const tree = page === 1 ? "page 1 (header)" : trees.get(page) ?? "pointer map"
      tally.set(tree, (tally.get(tree) ?? 0) + 1)
    }
  }
  const total = [...tally.values()].reduce((sum, count) => sum + count, 0)
  return `${(total / calls).toFixed(2)} WAL pages per call: ${
    [...tally].sort((a, b) => b[1] - a[1]).map(([tree, count]) => `${tree} ${(count / calls).toFixed(2)}`).join(", ")
  }`
}

const line = (name: string, us: number) => console.log(`${name.padEnd(58)} ${String(us).padStart(8)} µs CPU`)

const folder = mkdtempSync(path.join(tmpdir(), "logbook-state-statements-"))
try {
  // logbook: the task built through the store, the statements captured.
  const capture = statementCapture()
  const file = path.join(folder, "logbook.db")
  const runtime = ManagedRuntime.make(Logbook.layer({ url: file, synchronous: "normal" }).pipe(Layer.provide(capture.layer)))
  const store = await runtime.runPromise(StateStore)
  await runtime.runPromise(store.save({ taskId: "solo", projectId: "bench", state: stateAt(0), context: contextAt(0), history: [] }))
  let n = 1
  const stepOnce = () => runtime.runPromise(store.step("solo", { to: stateAt(n), event: "NEXT", context: contextAt(n++), checkpoint: {} }))
  while (n < history) await stepOnce()
  const [stepStatement] = (await capture.during(stepOnce)).statements
  const [currentStatement] = (await capture.during(() => runtime.runPromise(store.current("solo")))).statements
  await runtime.dispose()
  if (stepStatement === undefined || currentStatement === undefined) throw new Error("no statement captured")

  const db = new Sqlite(file)
  db.pragma("journal_mode = WAL")
  db.pragma("synchronous = NORMAL")
  db.pragma("foreign_keys = ON")
  const plan = ([sql, params]: Captured) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((row) => `  ${row.detail}`).join("\n")
  console.log(`logbook step: ${stepStatement[0]}\n${plan(stepStatement)}`)
  console.log(`logbook current: ${currentStatement[0]}\n${plan(currentStatement)}`)
  const step = db.prepare(stepStatement[0])
  const current = db.prepare(currentStatement[0])
  // The step's parameters with a new context, checkpoint id and time per call (the order Queries.step binds them).
  const stepParams = (i: number) => {
    const params = [...stepStatement[1]]
    params[1] = stateAt(n + i)
    params[5] = JSON.stringify(contextAt(n + i))
    params[6] = randomUUID()
    params[8] = new Date().toISOString()
    return params
  }
  let k = 0
  const logbookStep = cpuPerCall(() => step.all(...stepParams(k++)))
  line("logbook step statement", logbookStep)
  console.log(`logbook step: ${walPages(db, file, () => step.all(...stepParams(k++)))}`)
  const logbookCurrent = cpuPerCall(() => current.all(...currentStatement[1]))
  line("logbook current statement", logbookCurrent)
  db.close()

  // LangGraph: its put and getTuple as the bench drives them, and their statements alone.
  const peer = await langGraph(path.join(folder, "langgraph.db"), "normal")
  if (peer !== undefined) {
    for (let i = 0; i <= history; i++) await peer.step("solo", i)
    await peer.close()
    const lg = new Sqlite(path.join(folder, "langgraph.db"))
    lg.pragma("journal_mode = WAL")
    lg.pragma("synchronous = NORMAL")
    const last = lg.prepare("SELECT * FROM checkpoints ORDER BY checkpoint_id DESC LIMIT 1").get() as Record<string, unknown>
    const put = lg.prepare(
      "INSERT OR REPLACE INTO checkpoints (thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, type, checkpoint, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)"
    )
    const langGraphPut = cpuPerCall(() => put.run("solo", "", randomUUID(), last.checkpoint_id, last.type, last.checkpoint, last.metadata))
    line("LangGraph put statement", langGraphPut)
    console.log(`LangGraph put: ${
      walPages(lg, path.join(folder, "langgraph.db"), () =>
        put.run("solo", "", randomUUID(), last.checkpoint_id, last.type, last.checkpoint, last.metadata))
    }`)
    const get = lg.prepare(`SELECT thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, type, checkpoint, metadata,
      (SELECT json_group_array(json_object('task_id', pw.task_id, 'channel', pw.channel, 'type', pw.type, 'value', CAST(pw.value AS TEXT)))
        FROM writes as pw WHERE pw.thread_id = checkpoints.thread_id AND pw.checkpoint_ns = checkpoints.checkpoint_ns
        AND pw.checkpoint_id = checkpoints.checkpoint_id) as pending_writes,
      (SELECT json_group_array(json_object('type', ps.type, 'value', CAST(ps.value AS TEXT)))
        FROM writes as ps WHERE ps.thread_id = checkpoints.thread_id AND ps.checkpoint_ns = checkpoints.checkpoint_ns
        AND ps.checkpoint_id = checkpoints.parent_checkpoint_id AND ps.channel = '__pregel_tasks' ORDER BY ps.idx) as pending_sends
      FROM checkpoints WHERE thread_id = ? AND checkpoint_ns = ? ORDER BY checkpoint_id DESC LIMIT 1`)
    const langGraphGet = cpuPerCall(() => get.get("solo", ""))
    line("LangGraph getTuple statement", langGraphGet)
    lg.close()
    console.log(`statement speed ratio (LangGraph ÷ logbook): step ${(langGraphPut / logbookStep).toFixed(2)}×, current ${(langGraphGet / logbookCurrent).toFixed(2)}×`)
  }
} finally {
  rmSync(folder, { recursive: true, force: true })
}

/**
 * In-process probe of workload 2 (workflow steps): CPU time and SQLite
 * statements per call of `StateStore.step`, `current`, `save` + `checkpoint`
 * and `load` at 1, 100 and 1,000 steps of history, and of LangGraph's
 * `SqliteSaver.put` / `getTuple` beside them, on files at `synchronous =
 * NORMAL`. CPU time (`process.cpuUsage`) holds up on a loaded machine where
 * wall time does not. Statements are counted at the driver (every `run`,
 * `all`, `get` and `iterate` of better-sqlite3, `BEGIN`/`COMMIT`/savepoints
 * included).
 *
 *   node --import tsx bench/workflowProbe.ts [--calls 200] [--histories 1,100,1000]
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/workflowProbe.ts --only step
 */
import * as Effect from "effect/Effect"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import Sqlite from "better-sqlite3"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import * as Logbook from "../src/Logbook.js"
import { type PersistedState, StateStore } from "../src/StateStore.js"
import { contextAt, langGraph, stateAt } from "./suite/workflow.js"

const args = process.argv.slice(2)
const option = (name: string) => {
  const at = args.indexOf(`--${name}`)
  return at === -1 ? undefined : args[at + 1]
}
const calls = Number(option("calls") ?? 200)
const histories = (option("histories") ?? "1,100,1000").split(",").map(Number)
const only = option("only")?.split(",")

// Every statement the driver runs, counted.
let statements = 0
const probe = new Sqlite(":memory:").prepare("SELECT 1")
const statementPrototype = Object.getPrototypeOf(probe) as Record<string, (...args: Array<unknown>) => unknown>
for (const method of ["run", "all", "get", "iterate"]) {
  const original = statementPrototype[method]!
  statementPrototype[method] = function(this: unknown, ...params: Array<unknown>) {
    statements++
    return original.apply(this, params)
  }
}


interface PerCall {
  readonly cpuUs: number
  readonly wallUs: number
  readonly statements: number
}

/** Runs `f` `n` times one after another: CPU, wall time and statements per call. */
const perCall = async (n: number, f: (i: number) => Promise<unknown>): Promise<PerCall> => {
  const s0 = statements
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  for (let i = 0; i < n; i++) await f(i)
  const wall = performance.now() - t0
  const cpu = process.cpuUsage(c0)
  return {
    cpuUs: Math.round((cpu.user + cpu.system) / n),
    wallUs: Math.round(wall * 1000 / n),
    statements: Number(((statements - s0) / n).toFixed(2))
  }
}

const results: Array<Record<string, unknown>> = []
const report = (subject: string, metric: string, at: number | string, figures: PerCall) => {
  results.push({ subject, metric, at, ...figures })
  console.log(`${subject.padEnd(34)} ${metric.padEnd(8)} @${String(at).padEnd(5)} cpu ${String(figures.cpuUs).padStart(6)} µs/call  wall ${String(figures.wallUs).padStart(6)} µs/call  ${figures.statements} statements/call`)
}
const wanted = (name: string) => only === undefined || only.includes(name)

const folder = mkdtempSync(path.join(tmpdir(), "logbook-workflow-probe-"))
try {
  if (wanted("step")) {
    const runtime = ManagedRuntime.make(Logbook.layer({ url: path.join(folder, "step.db"), synchronous: "normal" }))
    const store = await runtime.runPromise(StateStore)
    await runtime.runPromise(store.save({ taskId: "solo", projectId: "bench", state: stateAt(0), context: contextAt(0), history: [] }))
    let step = 1
    const stepOnce = (task: string) =>
      runtime.runPromise(store.step(task, { to: stateAt(step), event: "NEXT", context: contextAt(step++), checkpoint: {} }))
    for (const history of histories) {
      while (step < history) await stepOnce("solo")
      report("StateStore.step", "step", history, await perCall(calls, () => stepOnce("solo")))
      report("StateStore.current", "load", history, await perCall(calls, () => runtime.runPromise(store.current("solo"))))
    }
    const tasks = Array.from({ length: 64 }, (_, i) => `wf-${i}`)
    await Promise.all(tasks.map((task) =>
      runtime.runPromise(store.save({ taskId: task, projectId: "bench", state: stateAt(0), context: contextAt(0), history: [] }))
    ))
    const rounds = Math.max(2, Math.round(calls / 64))
    const s0 = statements
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    await Promise.all(tasks.map(async (task) => {
      for (let r = 1; r <= rounds; r++) {
        await runtime.runPromise(store.step(task, { to: stateAt(r), event: "NEXT", context: contextAt(r), checkpoint: {} }))
      }
    }))
    const n = tasks.length * rounds
    const cpu = process.cpuUsage(c0)
    report("StateStore.step, 64 at once", "step", "-", {
      cpuUs: Math.round((cpu.user + cpu.system) / n),
      wallUs: Math.round((performance.now() - t0) * 1000 / n),
      statements: Number(((statements - s0) / n).toFixed(2))
    })
    await runtime.dispose()
  }

  if (wanted("save")) {
    const runtime = ManagedRuntime.make(Logbook.layer({ url: path.join(folder, "save.db"), synchronous: "normal" }))
    const store = await runtime.runPromise(StateStore)
    let held: PersistedState | undefined
    let step = 0
    const saveOnce = async () => {
      const history = held === undefined
        ? []
        : [...held.history, { from: held.state, to: stateAt(step), event: "NEXT", timestamp: new Date().toISOString() }]
      const next = { taskId: "solo", projectId: "bench", state: stateAt(step), context: { ...contextAt(step), checkpoints: [] }, history }
      await runtime.runPromise(Effect.zipRight(store.save(next), store.checkpoint("solo")))
      held = { ...next, context: { ...next.context, checkpoints: [] } }
      step++
    }
    for (const history of histories) {
      while (step < history) await saveOnce()
      const n = Math.max(5, Math.round(calls / Math.max(1, history / 100)))
      report("save + checkpoint", "step", history, await perCall(n, saveOnce))
      report("StateStore.load", "load", history, await perCall(n, async () => {
        const loaded = await runtime.runPromise(store.load("solo"))
        if (Option.isNone(loaded)) throw new Error("not found")
      }))
    }
    await runtime.dispose()
  }

  if (wanted("langgraph")) {
    const saver = await langGraph(path.join(folder, "langgraph.db"), "normal")
    if (saver === undefined) {
      console.log("LangGraph peer not installed (npm run bench installs it into bench/peers)")
    } else {
      let step = 0
      const put = () => saver.step("solo", step++)
      for (const history of histories) {
        while (step < history) await put()
        report("LangGraph SqliteSaver.put", "step", history, await perCall(calls, put))
        report("LangGraph SqliteSaver.getTuple", "load", history, await perCall(calls, () => saver.load("solo")))
      }
      await saver.close()
    }
  }
} finally {
  rmSync(folder, { recursive: true, force: true })
}

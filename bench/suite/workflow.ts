/**
 * Workload 2, workflow steps: one step is a move of the task to a new state
 * with a checkpoint of its ~2 KB context; a load reads the task back as a
 * resuming orchestrator does. Measured for one workflow at 1, 100 and 1,000
 * steps of history, and for 64 workflows stepping (then loading) at once.
 *
 * - logbook: `StateStore.step` (the move and its checkpoint in one
 *   transaction) and `StateStore.current` (state, latest checkpoint, last
 *   transitions); also the whole-state path, `save` of the grown state then
 *   `checkpoint`, and `load` (full history and checkpoints).
 * - LangGraph `SqliteSaver`: `put` of a checkpoint whose channels changed,
 *   `getTuple` of the latest.
 * - Mastra `LibSQLStore`: `persistWorkflowSnapshot`, `loadWorkflowSnapshot`.
 */
import * as Effect from "effect/Effect"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import Sqlite from "better-sqlite3"
import { Database } from "../../src/Database.js"
import * as Logbook from "../../src/Logbook.js"
import { type PersistedState, StateStore } from "../../src/StateStore.js"
import { latency, now } from "../stats.js"
import { loadPeer } from "./peers.js"
import { compared, plain, type Row } from "./report.js"

const WORKLOAD = "2. workflow steps"

type Sync = "full" | "normal"

const logbookDurable = (runtime: ManagedRuntime.ManagedRuntime<Database, unknown>) => (sync: Sync | "off") =>
  runtime.runPromise(Effect.flatMap(Database, ({ sql }) => sql.unsafe(`PRAGMA synchronous = ${sync.toUpperCase()}`))).then(() => {})
const durabilityOf = (sync: Sync, logbook: boolean) =>
  `WAL, sync=${sync.toUpperCase()}${logbook && sync === "full" ? " (logbook default)" : ""}`

/** A ~2 KB context that changes at every step. */
export const contextAt = (step: number) => ({
  step,
  goal: "refactor the payment module and keep its tests green",
  messages: Array.from({ length: 8 }, (_, i) => ({
    role: i % 2 === 0 ? "user" : "assistant",
    content: `step ${step} message ${i}: ${"lorem ipsum dolor sit amet ".repeat(7)}`
  }))
})

/** The state a workflow is in after `step` steps. */
export const stateAt = (step: number) => `state-${step % 7}`

/** One subject of the workload: a step and a load of task `task`. */
/** A workflow store under measurement: one step and one load of a task, at a durability. */
export interface Subject {
  readonly name: string
  readonly loadName: string
  readonly durability: string
  readonly step: (task: string, step: number) => Promise<void>
  readonly load: (task: string) => Promise<void>
  /** Sets \`synchronous\`: OFF while the history is built (untimed), the subject's own for the timed part. */
  readonly durable: (sync: Sync | "off") => Promise<void>
  readonly close: () => Promise<void>
}

const logbookStep = (file: string, sync: Sync): Subject => {
  const runtime = ManagedRuntime.make(Logbook.layer({ url: file, synchronous: sync }))
  return {
    name: "logbook StateStore.step",
    loadName: "logbook StateStore.current",
    durability: durabilityOf(sync, true),
    step: (task, step) =>
      runtime.runPromise(Effect.flatMap(StateStore, (store) =>
        step === 0
          ? store.save({ taskId: task, projectId: "bench", state: stateAt(0), context: contextAt(0), history: [] })
          : Effect.asVoid(store.step(task, {
            to: stateAt(step),
            event: "NEXT",
            context: contextAt(step),
            checkpoint: {}
          })))),
    load: (task) =>
      runtime.runPromise(Effect.flatMap(StateStore, (store) => store.current(task))).then((state) => {
        if (Option.isNone(state)) throw new Error(`logbook: task ${task} not found`)
      }),
    durable: logbookDurable(runtime),
    close: () => runtime.dispose()
  }
}

/** The whole-state path: the caller keeps the task and saves it grown by one transition, then checkpoints. */
const logbookSave = (file: string, sync: Sync): Subject => {
  const runtime = ManagedRuntime.make(Logbook.layer({ url: file, synchronous: sync }))
  const held = new Map<string, PersistedState>()
  return {
    name: "logbook save + checkpoint",
    loadName: "logbook StateStore.load",
    durability: durabilityOf(sync, true),
    step: async (task, step) => {
      const before = held.get(task)
      const history = before === undefined
        ? []
        : [...before.history, { from: before.state, to: stateAt(step), event: "NEXT", timestamp: new Date().toISOString() }]
      const next = { taskId: task, projectId: "bench", state: stateAt(step), context: { ...contextAt(step), checkpoints: [] }, history }
      await runtime.runPromise(Effect.flatMap(StateStore, (store) =>
        Effect.zipRight(store.save(next), store.checkpoint(task))))
      held.set(task, { ...next, context: { ...next.context, checkpoints: [] } })
    },
    load: (task) =>
      runtime.runPromise(Effect.flatMap(StateStore, (store) => store.load(task))).then((state) => {
        if (Option.isNone(state)) throw new Error(`logbook: task ${task} not found`)
      }),
    durable: logbookDurable(runtime),
    close: () => runtime.dispose()
  }
}

/** LangGraph's SqliteSaver as a subject (`put` a checkpoint, `getTuple`); undefined when the peer is not installed. */
export const langGraph = async (file: string, sync: Sync): Promise<Subject | undefined> => {
  const peer = await loadPeer("langgraph")
  const checkpointModule = await import("@langchain/langgraph-checkpoint")
  if (peer === undefined) return undefined
  const SqliteSaver = peer.SqliteSaver as new(db: Sqlite.Database) => import("@langchain/langgraph-checkpoint").BaseCheckpointSaver
  const db = new Sqlite(file)
  db.pragma("journal_mode = WAL")
  db.pragma(`synchronous = ${sync.toUpperCase()}`)
  const saver = new SqliteSaver(db)
  const last = new Map<string, Record<string, unknown>>()
  return {
    name: "LangGraph SqliteSaver.put",
    loadName: "LangGraph SqliteSaver.getTuple",
    durability: durabilityOf(sync, false),
    step: async (task, step) => {
      const config = { configurable: { thread_id: task, checkpoint_ns: "", ...last.get(task) } }
      const checkpoint = {
        ...checkpointModule.emptyCheckpoint(),
        id: checkpointModule.uuid6(step),
        channel_values: { context: contextAt(step), state: stateAt(step) },
        channel_versions: { context: step + 1, state: step + 1 }
      }
      const next = await saver.put(config, checkpoint, { source: "loop", step, parents: {} }, { context: step + 1, state: step + 1 })
      last.set(task, { checkpoint_id: next.configurable?.checkpoint_id })
    },
    load: async (task) => {
      const tuple = await saver.getTuple({ configurable: { thread_id: task, checkpoint_ns: "" } })
      if (tuple === undefined) throw new Error(`LangGraph: thread ${task} not found`)
    },
    durable: async (level) => void db.pragma(`synchronous = ${level.toUpperCase()}`),
    close: async () => void db.close()
  }
}

interface MastraStore {
  init(): Promise<void>
  persistWorkflowSnapshot(args: { workflowName: string; runId: string; snapshot: unknown }): Promise<void>
  loadWorkflowSnapshot(args: { workflowName: string; runId: string }): Promise<unknown>
  close?: () => Promise<void>
}

const mastra = async (file: string, sync: Sync): Promise<Subject | undefined> => {
  const peer = await loadPeer("mastra")
  if (peer === undefined) return undefined
  const LibSQLStore = peer.LibSQLStore as new(options: { url: string }) => MastraStore
  const store = new LibSQLStore({ url: `file:${file}` })
  await store.init()
  const client = (store as unknown as { client?: { execute: (sql: string) => Promise<unknown> } }).client
  await client?.execute("PRAGMA journal_mode = WAL")
  await client?.execute(`PRAGMA synchronous = ${sync.toUpperCase()}`)
  return {
    name: "Mastra LibSQLStore.persistWorkflowSnapshot",
    loadName: "Mastra LibSQLStore.loadWorkflowSnapshot",
    durability: durabilityOf(sync, false),
    step: (task, step) =>
      store.persistWorkflowSnapshot({
        workflowName: "bench",
        runId: task,
        snapshot: { runId: task, status: "running", value: { state: stateAt(step) }, context: contextAt(step), activePaths: [], serializedStepGraph: [], suspendedPaths: {}, waitingPaths: {}, timestamp: Date.now() }
      }),
    load: async (task) => {
      const snapshot = await store.loadWorkflowSnapshot({ workflowName: "bench", runId: task })
      if (snapshot === null || snapshot === undefined) throw new Error(`Mastra: run ${task} not found`)
    },
    durable: async (level) => void (await client?.execute(`PRAGMA synchronous = ${level.toUpperCase()}`)),
    close: async () => {}
  }
}

interface Figures {
  readonly stepP50: ReadonlyArray<number>
  readonly loadP50: ReadonlyArray<number>
  readonly concurrentSteps: number
  readonly concurrentLoads: number
}

/** One workflow stepped to each of `histories` (untimed in between), then `ops` timed steps and loads there. */
const measure = async (
  subject: Subject,
  sync: Sync,
  histories: ReadonlyArray<number>,
  ops: number,
  workflows: number,
  rounds: number
): Promise<Figures> => {
  process.stdout.write(`  ${subject.name}, ${subject.durability} ...`)
  const t0 = now()
  const stepP50: Array<number> = []
  const loadP50: Array<number> = []
  let step = 0
  for (const history of histories) {
    await subject.durable("off")
    while (step < history) await subject.step("solo", step++)
    await subject.durable(sync)
    const steps = new Float64Array(ops)
    const loads = new Float64Array(ops)
    for (let i = 0; i < ops; i++) {
      const t0 = now()
      await subject.step("solo", step++)
      steps[i] = now() - t0
      const t1 = now()
      await subject.load("solo")
      loads[i] = now() - t1
    }
    stepP50.push(latency(steps).p50Us)
    loadP50.push(latency(loads).p50Us)
  }
  const tasks = Array.from({ length: workflows }, (_, i) => `wf-${i}`)
  await subject.durable("off")
  await Promise.all(tasks.map((task) => subject.step(task, 0)))
  await subject.durable(sync)
  const s0 = now()
  await Promise.all(tasks.map(async (task) => {
    for (let r = 1; r <= rounds; r++) await subject.step(task, r)
  }))
  const concurrentSteps = workflows * rounds / ((now() - s0) / 1e9)
  const l0 = now()
  await Promise.all(tasks.map(async (task) => {
    for (let r = 0; r < rounds; r++) await subject.load(task)
  }))
  const concurrentLoads = workflows * rounds / ((now() - l0) / 1e9)
  await subject.close()
  console.log(` ${((now() - t0) / 1e9).toFixed(1)} s`)
  return { stepP50, loadP50, concurrentSteps, concurrentLoads }
}

/** Runs workload 2 on fresh files made by `file(name)`. */
export const workflow = async (
  file: (name: string) => string,
  sizes: { readonly histories: ReadonlyArray<number>; readonly ops: number; readonly workflows: number; readonly rounds: number }
): Promise<ReadonlyArray<Row>> => {
  const rows: Array<Row> = []
  // Warm-up of every code path on a throwaway file.
  await measure(logbookStep(file("warm-step"), "normal"), "normal", [1], 20, 4, 2)
  await measure(logbookSave(file("warm-save"), "normal"), "normal", [1], 20, 4, 2)
  for (const sync of ["full", "normal"] as const) {
    const baseline = await langGraph(file(`langgraph-${sync}`), sync)
    const base = baseline === undefined ? undefined : { subject: baseline, figures: await measure(baseline, sync, sizes.histories, sizes.ops, sizes.workflows, sizes.rounds) }
    // The whole-state path once, at NORMAL: how the cost of save and load grows with the history.
    const others: Array<Subject | undefined> = [
      logbookStep(file(`logbook-step-${sync}`), sync),
      sync === "normal" ? logbookSave(file(`logbook-save-${sync}`), sync) : undefined,
      await mastra(file(`mastra-${sync}`), sync)
    ]
    const measured: Array<{ subject: Subject; figures: Figures }> = []
    if (base !== undefined) measured.push(base)
    for (const subject of others) {
      if (subject !== undefined) measured.push({ subject, figures: await measure(subject, sync, sizes.histories, sizes.ops, sizes.workflows, sizes.rounds) })
    }
    for (const { subject, figures } of measured) {
      const isBase = base !== undefined && subject === base.subject
      const row = (r: Omit<Row, "ratio" | "versusValue" | "versus" | "workload" | "durability">, baseValue: number | undefined, versus: string | undefined) =>
        baseValue === undefined || versus === undefined || isBase
          ? plain({ ...r, workload: WORKLOAD, durability: subject.durability })
          : compared({ ...r, workload: WORKLOAD, durability: subject.durability }, versus, baseValue)
      sizes.histories.forEach((history, i) => {
        rows.push(row(
          { subject: subject.name, metric: `step p50 µs @ ${history} steps`, value: figures.stepP50[i]!, better: "lower", target: "≥ 1.0×" },
          base?.figures.stepP50[i],
          base?.subject.name
        ))
      })
      sizes.histories.forEach((history, i) => {
        rows.push(row(
          { subject: subject.loadName, metric: `load p50 µs @ ${history} steps`, value: figures.loadP50[i]!, better: "lower", target: "≥ 1.0×, flat" },
          base?.figures.loadP50[i],
          base?.subject.loadName
        ))
      })
      rows.push(row(
        { subject: subject.name, metric: `steps/s, ${sizes.workflows} workflows at once`, value: figures.concurrentSteps, better: "higher", target: "≥ 3×" },
        base?.figures.concurrentSteps,
        base?.subject.name
      ))
      rows.push(row(
        { subject: subject.loadName, metric: `loads/s, ${sizes.workflows} workflows at once`, value: figures.concurrentLoads, better: "higher" },
        base?.figures.concurrentLoads,
        base?.subject.loadName
      ))
    }
  }
  return rows
}

import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as fc from "effect/FastCheck"
import * as Runtime from "effect/Runtime"
import * as TestClock from "effect/TestClock"
import { readFileSync } from "node:fs"
import * as path from "node:path"
import { gunzipSync } from "node:zlib"
import * as Logbook from "../../src/Logbook.js"
import * as Maintenance from "../../src/Maintenance.js"
import type { RetentionPolicyInput } from "../../src/Maintenance.js"
import { TrajectoryStore } from "../../src/TrajectoryStore.js"
import { tempDir } from "../support/TempDir.js"
import { trajectoryOf } from "../writeBehind/GenerationFlow.js"

const NOW = Date.parse("2026-06-01T12:00:00.000Z")
const DAY = 86_400_000

/** An age in days (with a few minutes off the day, so no row sits exactly on a cutoff) as an ISO instant. */
const at = (days: number, minutes = 7) => new Date(NOW - days * DAY - minutes * 60_000).toISOString()
const cutoffOf = (days: number) => new Date(NOW - days * DAY).toISOString()

const age = fc.integer({ min: 0, max: 60 })
const KINDS = ["planner.session", "hook.event", "note"] as const

const history = fc.record({
  tasks: fc.array(fc.record({
    updated: age,
    transitions: fc.array(age, { maxLength: 3 }),
    checkpoints: fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 6 })
  }), { maxLength: 5 }),
  audit: fc.array(age, { maxLength: 8 }),
  traces: fc.array(fc.record({ started: age, invocations: fc.nat({ max: 2 }), events: fc.array(age, { maxLength: 3 }) }), { maxLength: 4 }),
  strayEvents: fc.array(age, { maxLength: 3 }),
  usage: fc.array(age, { maxLength: 4 }),
  trajectories: fc.array(fc.record({ created: age, testgen: fc.boolean() }), { maxLength: 3 }),
  records: fc.array(fc.record({ kind: fc.constantFrom(...KINDS), created: age }), { maxLength: 8 })
})
type History = typeof history extends fc.Arbitrary<infer A> ? A : never

const span = fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined })
const policy = fc.record({
  audit: span,
  traces: span,
  events: span,
  llmUsage: span,
  trajectories: span,
  workflowStates: span,
  checkpoints: fc.option(
    fc.record({ keepLast: fc.option(fc.nat({ max: 4 }), { nil: undefined }), olderThan: span })
      .filter((rule) => rule.keepLast !== undefined || rule.olderThan !== undefined),
    { nil: undefined }
  ),
  records: fc.option(fc.dictionary(fc.constantFrom(...KINDS), fc.integer({ min: 0, max: 60 })), { nil: undefined })
})
type Policy = typeof policy extends fc.Arbitrary<infer A> ? A : never

const inDays = (days: number | undefined) => (days === undefined ? undefined : `${days} days`)
const toInput = (p: Policy): RetentionPolicyInput => ({
  audit: inDays(p.audit),
  traces: inDays(p.traces),
  events: inDays(p.events),
  llmUsage: inDays(p.llmUsage),
  trajectories: inDays(p.trajectories),
  workflowStates: inDays(p.workflowStates),
  checkpoints: p.checkpoints === undefined ? undefined : { keepLast: p.checkpoints.keepLast, olderThan: inDays(p.checkpoints.olderThan) },
  records: p.records === undefined ? undefined : Object.fromEntries(Object.entries(p.records).map(([k, d]) => [k, `${d} days`]))
})

/** The tables, each with the column (or columns) that name a row. */
const TABLES: Readonly<Record<string, string | ReadonlyArray<string>>> = {
  workflow_states: "task_id",
  state_transitions: ["task_id", "seq"],
  checkpoints: "id",
  execution_traces: "id",
  agent_invocations: "id",
  trace_events: "id",
  llm_usage: "id",
  audit_logs: "id",
  trajectories: "seq",
  testgen_trajectories: "trajectory_id",
  records: "seq",
  lessons: "seq",
  configurations: "key"
}

type Row = Record<string, unknown>

/** The name of `row` by the table's key columns. */
const keyOf = (row: Row, key: string | ReadonlyArray<string>): unknown =>
  typeof key === "string" ? row[key] : key.map((column) => String(row[column])).join("#")
type Snapshot = Record<string, ReadonlyArray<Row>>

/** Stores `h` with its ages; every row is inserted in order, so insertion order is rowid order. */
const store = (h: History) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const trajectories = yield* TrajectoryStore
    for (const [t, task] of h.tasks.entries()) {
      const id = `task-${t}`
      yield* sql`INSERT INTO workflow_states (task_id, project_id, state, context, created_at, updated_at)
        VALUES (${id}, 'p', 'running', '{}', ${at(60, 30)}, ${at(task.updated)})`
      for (const [i, days] of task.transitions.entries()) {
        yield* sql`INSERT INTO state_transitions (task_id, seq, from_state, to_state, event, created_at)
          VALUES (${id}, ${i + 1}, 'a', 'b', 'go', ${at(days)})`
      }
      for (const [i, days] of task.checkpoints.entries()) {
        // Same-day checkpoints share a timestamp: insertion order breaks the tie.
        yield* sql`INSERT INTO checkpoints (id, task_id, state, context, created_at)
          VALUES (${`cp-${t}-${i}`}, ${id}, 's', ${JSON.stringify({ i })}, ${at(days)})`
      }
    }
    for (const days of h.audit) {
      yield* sql`INSERT INTO audit_logs (action, category, timestamp) VALUES ('a', 'agent', ${at(days)})`
    }
    for (const [t, trace] of h.traces.entries()) {
      const id = `trace-${t}`
      yield* sql`INSERT INTO execution_traces (id, project_id, task_id, prompt, started_at) VALUES (${id}, 'p', 't', 'go', ${at(trace.started)})`
      for (let i = 0; i < trace.invocations; i++) {
        yield* sql`INSERT INTO agent_invocations (trace_id, agent, started_at) VALUES (${id}, 'builder', ${at(trace.started)})`
      }
      for (const days of trace.events) {
        yield* sql`INSERT INTO trace_events (trace_id, type, timestamp) VALUES (${id}, 'step', ${at(days)})`
      }
    }
    for (const days of h.strayEvents) yield* sql`INSERT INTO trace_events (trace_id, type, timestamp) VALUES ('gone', 'step', ${at(days)})`
    for (const days of h.usage) yield* sql`INSERT INTO llm_usage (provider, model, timestamp) VALUES ('x', 'm', ${at(days)})`
    for (const [i, trajectory] of h.trajectories.entries()) {
      const session = `session-${i}`
      yield* trajectories.save({ ...trajectoryOf(session, 2), steps: [{ step_id: 1, source: "agent", message: `refactor number ${i}` }] })
      yield* sql`UPDATE trajectories SET created_at = ${at(trajectory.created)} WHERE session_id = ${session}`
      if (trajectory.testgen) {
        yield* sql`INSERT INTO testgen_trajectories (trajectory_id, task_id, task_description, total_tests, total_rounds, duration_ms, tests)
          VALUES (${session}, 't', 'tests', 1, 1, 5, '[]')`
      }
    }
    for (const [i, record] of h.records.entries()) {
      yield* sql`INSERT INTO records (kind, id, content, created_at) VALUES (${record.kind}, ${`r${i}`}, '{}', ${at(record.created)})`
    }
    yield* sql`INSERT INTO lessons (id, category, title, summary) VALUES ('l1', 'bug', 'kept lesson', 'never pruned')`
  })

const snapshot = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const tables: Record<string, ReadonlyArray<Row>> = {}
  for (const [table, key] of Object.entries(TABLES)) {
    const order = typeof key === "string" ? [key] : key
    const rows = yield* sql<Row>`SELECT * FROM ${sql(table)} ORDER BY ${sql.literal(order.map((column) => `"${column}"`).join(", "))}`
    tables[table] = rows.map((row) => JSON.parse(JSON.stringify(row)) as Row)
  }
  return tables
})

/** The keys of the rows the policy selects, per table, computed from the rows themselves. */
const expectedDeleted = (before: Snapshot, p: Policy): Record<string, Set<unknown>> => {
  const gone: Record<string, Set<unknown>> = Object.fromEntries(Object.keys(TABLES).map((t) => [t, new Set<unknown>()]))
  const rows = (table: string) => before[table] ?? []
  const older = (value: unknown, days: number | undefined) => days !== undefined && String(value) < cutoffOf(days)
  for (const task of rows("workflow_states")) {
    const activity = [
      String(task.updated_at),
      ...rows("state_transitions").filter((r) => r.task_id === task.task_id).map((r) => String(r.created_at)),
      ...rows("checkpoints").filter((r) => r.task_id === task.task_id).map((r) => String(r.created_at))
    ].sort().at(-1)
    if (older(activity, p.workflowStates)) {
      gone.workflow_states!.add(task.task_id)
      for (const r of rows("state_transitions")) if (r.task_id === task.task_id) gone.state_transitions!.add(keyOf(r, ["task_id", "seq"]))
      for (const r of rows("checkpoints")) if (r.task_id === task.task_id) gone.checkpoints!.add(r.id)
    }
  }
  if (p.checkpoints !== undefined) {
    const rule = p.checkpoints
    // Rows come in key order; the rowid (insertion order) is the index in the original insertion, named by the id.
    const order = (id: unknown) => Number(String(id).split("-")[2])
    const live = rows("checkpoints").filter((r) => !gone.checkpoints!.has(r.id))
    for (const taskId of new Set(live.map((r) => r.task_id))) {
      const newestFirst = live.filter((r) => r.task_id === taskId)
        .sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)) || order(b.id) - order(a.id))
      newestFirst.forEach((r, rank) => {
        const beyond = rule.keepLast === undefined || rank >= rule.keepLast
        const old = rule.olderThan === undefined || older(r.created_at, rule.olderThan)
        if (beyond && old) gone.checkpoints!.add(r.id)
      })
    }
  }
  for (const trace of rows("execution_traces")) {
    if (!older(trace.started_at, p.traces)) continue
    gone.execution_traces!.add(trace.id)
    for (const r of rows("agent_invocations")) if (r.trace_id === trace.id) gone.agent_invocations!.add(r.id)
    for (const r of rows("trace_events")) if (r.trace_id === trace.id) gone.trace_events!.add(r.id)
  }
  for (const r of rows("trace_events")) if (older(r.timestamp, p.events)) gone.trace_events!.add(r.id)
  for (const r of rows("llm_usage")) if (older(r.timestamp, p.llmUsage)) gone.llm_usage!.add(r.id)
  for (const r of rows("audit_logs")) if (older(r.timestamp, p.audit)) gone.audit_logs!.add(r.id)
  for (const r of rows("trajectories")) {
    if (!older(r.created_at, p.trajectories)) continue
    gone.trajectories!.add(r.seq)
    for (const t of rows("testgen_trajectories")) if (t.trajectory_id === r.id) gone.testgen_trajectories!.add(t.trajectory_id)
  }
  for (const r of rows("records")) if (older(r.created_at, p.records?.[String(r.kind)])) gone.records!.add(r.seq)
  return gone
}

interface ArchiveLine {
  readonly table: string
  readonly row: Row
}

const readArchive = (file: string): ReadonlyArray<ArchiveLine> =>
  gunzipSync(readFileSync(file)).toString("utf8").split("\n").filter((line) => line !== "").map((line) => JSON.parse(line) as ArchiveLine)

/** For each child row in the archive, the parent it belongs to comes after it. */
const PARENTS: ReadonlyArray<readonly [child: string, foreignKey: string, parent: string, references: string]> = [
  ["state_transitions", "task_id", "workflow_states", "task_id"],
  ["checkpoints", "task_id", "workflow_states", "task_id"],
  ["agent_invocations", "trace_id", "execution_traces", "id"],
  ["trace_events", "trace_id", "execution_traces", "id"],
  ["testgen_trajectories", "trajectory_id", "trajectories", "id"]
]

const run = (h: History, p: Policy) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(NOW)
    const sql = yield* SqlClient.SqlClient
    const dir = yield* tempDir
    const archive = path.join(dir, "archive.jsonl.gz")
    yield* store(h)
    const before = yield* snapshot
    const gone = expectedDeleted(before, p)
    const dry = yield* Maintenance.prune({ policy: toInput(p), dryRun: true })
    const report = yield* Maintenance.prune({ policy: toInput(p), archive })
    const after = yield* snapshot
    const lines = readArchive(archive)
    for (const [table, key] of Object.entries(TABLES)) {
      const selected = gone[table]!
      const kept = before[table]!.filter((row) => !selected.has(keyOf(row, key)))
      expect(after[table], `${table} keeps exactly the rows the policy does not select`).toEqual(kept)
      const archived = lines.filter((line) => line.table === table).map((line) => line.row)
        .sort((a, b) => String(keyOf(a, key)).localeCompare(String(keyOf(b, key)), "en", { numeric: true }))
      const deleted = before[table]!.filter((row) => selected.has(keyOf(row, key)))
        .sort((a, b) => String(keyOf(a, key)).localeCompare(String(keyOf(b, key)), "en", { numeric: true }))
      expect(archived, `${table}: the archive holds exactly the deleted rows`).toEqual(deleted)
      expect(report.deleted[table] ?? 0, `${table}: reported`).toBe(selected.size)
    }
    expect(report.total).toBe(lines.length)
    expect(dry.deleted, "the dry run counts what the run deletes").toEqual(report.deleted)
    expect(dry.dryRun).toBe(true)
    lines.forEach((line, index) => {
      for (const [child, foreignKey, parent, references] of PARENTS) {
        if (line.table !== child) continue
        const parentAt = lines.findIndex((other) => other.table === parent && other.row[references] === line.row[foreignKey])
        if (parentAt !== -1) expect(parentAt, `${child} archived before its ${parent}`).toBeGreaterThan(index)
      }
    })
    const violations = yield* sql`SELECT * FROM pragma_foreign_key_check`
    expect(violations).toEqual([])
    const checks = yield* Maintenance.checkSearch
    expect(checks.every((check) => check.ok), JSON.stringify(checks)).toBe(true)
  }).pipe(Effect.scoped, Effect.provide(Logbook.layerMemory))

describe("retention properties", () => {
  it.effect("random histories of every table and random policies: exactly the selected rows go, into the archive, children first; the rest stays", () =>
    Effect.gen(function*() {
      const runtime = Runtime.runPromiseExit(yield* Effect.runtime<never>())
      yield* Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(history, policy, async (h, p) => {
            const exit = await runtime(run(h, p))
            if (Exit.isFailure(exit)) throw new Error(String(exit.cause))
          }),
          { numRuns: 30 }
        )
      )
    }), 120_000)
})

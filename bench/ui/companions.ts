/**
 * What the large UI database holds besides its runs, written once through
 * the stores (so each row is what logbook itself would store): trajectories
 * that full-text search reads, lessons, agents with sessions and log trees,
 * a task with a history of transitions and checkpoints, and the events of
 * the newest run. Each kind is added only as far as the database lacks it,
 * so an interrupted run resumes.
 */
import Sqlite from "better-sqlite3"
import * as Effect from "effect/Effect"
import { AgentRegistry } from "../../src/AgentRegistry.js"
import { ExecutionTracker } from "../../src/ExecutionTracker.js"
import { LessonsStore } from "../../src/LessonsStore.js"
import * as Logbook from "../../src/Logbook.js"
import { StateStore } from "../../src/StateStore.js"
import { TrajectoryStore } from "../../src/TrajectoryStore.js"

/** How many of each companion the large database holds. */
export const COMPANIONS = { trajectories: 10_000, lessons: 10_000, agents: 20, sessionsPerAgent: 20, checkpoints: 20, runEvents: 40 }

/** The task that carries the checkpoints, and the run that carries the events. */
export const COMPANION_TASK = "bench-task"
export const NEWEST_RUN = (rows: number) => `run-${rows - 1}`

const AGENTS = ["planner", "coder", "reviewer", "tester", "deployer"]
const WORDS = ["cache", "index", "parser", "retry", "timeout", "schema", "migration", "queue", "lock", "socket", "render", "budget"]
const word = (i: number) => WORDS[i % WORDS.length]!

const trajectory = (i: number) => ({
  schema_version: "ATIF-v1.6" as const,
  session_id: `bench-session-${i}`,
  agent: { name: AGENTS[i % AGENTS.length]!, version: "1.0", model_name: i % 3 === 0 ? "claude-opus" : "claude-sonnet" },
  steps: [
    { step_id: 1, source: "user" as const, message: `make the ${word(i)} of module ${i % 97} faster (task-${i % 100_000})` },
    {
      step_id: 2,
      source: "agent" as const,
      message: `reading the ${word(i + 1)} code`,
      reasoning_content: `the ${word(i)} is slow because of the ${word(i + 2)}`,
      tool_calls: [{ tool_call_id: "c1", function_name: "read_file", arguments: { path: `src/${word(i)}.ts` } }],
      observation: { results: [{ source_call_id: "c1", content: `export const ${word(i)} = ${i}` }] },
      metrics: { prompt_tokens: 1000 + (i % 500), completion_tokens: 200 + (i % 90), cost_usd: 0.001 * (1 + (i % 7)) }
    },
    { step_id: 3, source: "agent" as const, message: `done: the ${word(i)} is ${i % 9 + 2}x faster` }
  ]
})

/** How many rows `table` holds (`where` narrows it). */
const countRows = (file: string, table: string, where = "1 = 1") => {
  const db = new Sqlite(file, { readonly: true })
  try {
    return Number((db.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).get() as { n: number }).n)
  } finally {
    db.close()
  }
}

/** Adds the companions the database at `file` lacks; the time it took, or "present". */
export const addCompanions = (file: string, rows: number) => {
  const have = {
    trajectories: countRows(file, "trajectories"),
    lessons: countRows(file, "lessons"),
    agents: countRows(file, "agents"),
    task: countRows(file, "workflow_states", `task_id = '${COMPANION_TASK}'`),
    events: countRows(file, "trace_events", `trace_id = '${NEWEST_RUN(rows)}'`)
  }
  if (
    have.trajectories >= COMPANIONS.trajectories && have.lessons >= COMPANIONS.lessons && have.agents > 0 && have.task > 0 &&
    have.events > 0
  ) return Promise.resolve("present" as const)
  return Effect.runPromise(Effect.scoped(Effect.gen(function*() {
    const started = performance.now()
    const trajectories = yield* TrajectoryStore
    for (let i = have.trajectories; i < COMPANIONS.trajectories; i++) yield* trajectories.save(trajectory(i))
    const lessons = yield* LessonsStore
    for (let i = have.lessons; i < COMPANIONS.lessons; i++) {
      yield* lessons.create({
        projectId: `project-${i % 7}`,
        category: (["bug", "pattern", "preference", "security", "performance"] as const)[i % 5]!,
        title: `${word(i)} lesson ${i}`,
        summary: `when the ${word(i)} is slow, look at the ${word(i + 3)} first`,
        details: `seen ${i % 13} times in module ${i % 97}`,
        tags: [word(i), word(i + 5)],
        sourceAgent: AGENTS[i % AGENTS.length]!
      })
    }
    const registry = yield* AgentRegistry
    for (let a = have.agents === 0 ? 0 : COMPANIONS.agents; a < COMPANIONS.agents; a++) {
      const agent = yield* registry.createAgent({ name: `agent-${a}`, model: "claude-sonnet", tools: ["read_file", "shell"] })
      for (let s = 0; s < COMPANIONS.sessionsPerAgent; s++) {
        const session = yield* registry.createSession({ agentId: agent.id, name: `session ${a}.${s}` })
        const prompt = yield* registry.appendLog(session.id, { role: "user", type: "message", content: `fix the ${word(s)}` })
        const call = yield* registry.appendLog(session.id, { role: "agent", type: "action", content: { tool: "read_file" }, parentId: prompt })
        yield* registry.appendLog(session.id, { role: "tool", type: "observation", content: `the ${word(s)} source`, parentId: call })
        yield* registry.appendLog(session.id, { role: "agent", type: "message", content: "fixed", parentId: prompt })
      }
    }
    const state = yield* StateStore
    if (have.task === 0) {
      yield* state.save({ taskId: COMPANION_TASK, projectId: "project-0", state: "step-0", context: { goal: "benchmark", step: 0 }, history: [] })
      for (let c = 1; c <= COMPANIONS.checkpoints; c++) {
        yield* state.transition(COMPANION_TASK, { to: `step-${c}`, event: "advance", expected: `step-${c - 1}` })
        yield* state.checkpoint(COMPANION_TASK, {
          context: { goal: "benchmark", step: c, files: Array.from({ length: c }, (_, f) => `src/file-${f}.ts`) }
        })
      }
    }
    const tracker = yield* ExecutionTracker
    for (let e = have.events === 0 ? 0 : COMPANIONS.runEvents; e < COMPANIONS.runEvents; e++) {
      yield* tracker.recordEvent(NEWEST_RUN(rows), { type: e % 10 === 9 ? "tool.error" : "tool.called", data: { n: e } })
    }
    yield* Logbook.flush
    return Math.round(performance.now() - started)
  }).pipe(Effect.provide(Logbook.layer({ url: file })))))
}

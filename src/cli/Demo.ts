/**
 * `logbook demo`: a simulated multi-agent run (planner, builder, tester)
 * recorded through the real stores — workflow state with transitions and a
 * checkpoint, audit entries (durable and write-behind), a trace with an
 * invocation per agent, events and LLM usage, a lesson, a configuration
 * value, an ATIF trajectory, and each agent in the agent registry with a
 * session and its logs — then a summary of what was stored, read
 * back from the database. Every run has its own ids, so it can run again
 * on the same database.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { randomBytes, randomUUID } from "node:crypto"
import { AgentRegistry } from "../AgentRegistry.js"
import { AuditLog } from "../AuditLog.js"
import { ConfigStore, projectScope } from "../ConfigStore.js"
import { Database } from "../Database.js"
import { now } from "../domain/Timestamp.js"
import { ExecutionTracker } from "../ExecutionTracker.js"
import { LessonsStore } from "../LessonsStore.js"
import * as Logbook from "../Logbook.js"
import * as Maintenance from "../Maintenance.js"
import { DATA_TABLES, type DataTable } from "../maintenance/DataTables.js"
import { StateStore } from "../StateStore.js"
import type { RunStats } from "../tracker/Metrics.js"
import type { Step, Trajectory } from "../trajectory/Atif.js"
import { TrajectoryStore } from "../TrajectoryStore.js"
import { table } from "./Common.js"
import { describeStats } from "./DataCommands.js"
import { clip, count, fields, usd } from "./Text.js"

/** The project every demo run is recorded under. */
export const DEMO_PROJECT = "demo"

/** The tables the summary counts, in the order it lists them: the stores the demo writes to. */
export const DEMO_TABLES: ReadonlyArray<DataTable> = DATA_TABLES.slice(0, DATA_TABLES.indexOf("trajectories") + 1)

/** Rows per table, in one statement. */
const tableCounts = Maintenance.rowCounts(DEMO_TABLES)

/** What the demo stored, read back from the database. */
export interface DemoSummary {
  readonly database: string
  readonly runId: string
  readonly projectId: string
  readonly taskId: string
  readonly traceId: string
  readonly sessionId: string
  readonly workflow: {
    readonly state: string
    readonly transitions: ReadonlyArray<{ readonly from: string; readonly to: string; readonly event: string }>
    readonly checkpoints: number
  }
  readonly agents: ReadonlyArray<{
    readonly agent: string
    readonly outcome: string
    readonly totalTokens: number
    readonly costUsd: number
  }>
  /** This run's LLM calls and events. */
  readonly run: {
    readonly llmCalls: number
    readonly inputTokens: number
    readonly outputTokens: number
    readonly totalTokens: number
    readonly costUsd: number
    readonly events: number
    readonly auditEntries: number
  }
  /** Every run in the database. */
  readonly allRuns: RunStats
  readonly lesson: {
    readonly query: string
    readonly title: string
    readonly category: string
    readonly snippet: string
    readonly applicationCount: number
  } | null
  readonly config: { readonly scope: string; readonly key: string; readonly value: unknown }
  readonly trajectory: { readonly sessionId: string; readonly steps: number; readonly searchHit: boolean }
  /** The audit detail that carried a (fake) API key, as it was stored. */
  readonly redaction: { readonly auditId: number; readonly stored: string; readonly redacted: boolean }
  /** Rows per table: added by this run, and in total. */
  readonly tables: ReadonlyArray<{ readonly table: string; readonly added: number; readonly total: number }>
}

interface AgentScript {
  readonly agent: "planner" | "builder" | "tester"
  readonly fragment: string
  readonly prompt: string
  readonly response: string
  readonly inputTokens: number
  readonly outputTokens: number
  readonly latencyMs: number
  readonly qualityScore: number
  readonly tool: { readonly name: string; readonly arguments: Record<string, string>; readonly result: string } | null
  readonly next: { readonly to: string; readonly event: string }
}

const MODEL = "claude-sonnet-4-5"
const GOAL = "Fix the config loader: keys with a hyphen (max-steps) are rejected."

const SCRIPT: ReadonlyArray<AgentScript> = [
  {
    agent: "planner",
    fragment: "Plan the fix",
    prompt: `Plan the work for: ${GOAL}`,
    response: "1. Widen KEY_RE to allow '-'. 2. Add a regression test for max-steps. 3. Run the whole suite.",
    inputTokens: 1_240,
    outputTokens: 310,
    latencyMs: 2_150,
    qualityScore: 0.92,
    tool: null,
    next: { to: "building", event: "PLAN_READY" }
  },
  {
    agent: "builder",
    fragment: "Widen KEY_RE and add the regression test",
    prompt: "Apply steps 1 and 2 of the plan in src/config.py and tests/test_parser.py.",
    response: "KEY_RE now accepts hyphens; test_hyphenated_keys added.",
    inputTokens: 2_860,
    outputTokens: 540,
    latencyMs: 4_020,
    qualityScore: 0.88,
    tool: {
      name: "write_file",
      arguments: { path: "src/config.py", content: "KEY_RE = re.compile(r'^[a-z][a-z0-9_-]*$')\n" },
      result: "wrote 42 bytes"
    },
    next: { to: "testing", event: "BUILD_DONE" }
  },
  {
    agent: "tester",
    fragment: "Run the test suite",
    prompt: "Run the whole test suite and report failures.",
    response: "15 passed: hyphenated keys such as max-steps load correctly.",
    inputTokens: 1_930,
    outputTokens: 220,
    latencyMs: 3_310,
    qualityScore: 0.95,
    tool: { name: "bash", arguments: { command: "python -m pytest -q" }, result: "15 passed in 0.52s" },
    next: { to: "done", event: "TESTS_PASSED" }
  }
]

/** USD at $3 per million input tokens and $15 per million output tokens. */
const costOf = (inputTokens: number, outputTokens: number) =>
  Math.round((inputTokens * 3 + outputTokens * 15)) / 1_000_000

const LESSON = {
  category: "bug",
  title: "Config keys may contain hyphens",
  summary: "The loader's KEY_RE rejected keys such as max-steps; allow '-' after the first letter and keep a regression test.",
  details: "Found by the tester in the demo run: test_parser failed with \"key 'max-steps' rejected by KEY_RE\".",
  tags: ["config", "parser"],
  sourceAgent: "tester",
  sourceFile: "src/config.py",
  confidence: 0.9
} as const

const LESSON_QUERY = "hyphen keys"

/**
 * A fake Anthropic-style key, drawn at run time so that no secret scanner
 * flags this file; the Redactor must catch it before it is stored. Random, as
 * a real key is: a key typed from fillers (`xxxx`, `NotARealKey`) is a
 * placeholder the Redactor leaves as it is.
 */
const fakeApiKey = ["sk", "ant", "api03", `${randomBytes(72).toString("base64url").slice(0, 93)}AA`].join("-")

const isoAt = (start: number, offsetMs: number) => new Date(start + offsetMs).toISOString()

/** The run as an ATIF v1.4 trajectory: the goal, then one agent step per agent with its tool call and observation. */
const trajectoryOf = (sessionId: string, start: number): Trajectory => {
  let offset = 0
  const agentSteps = SCRIPT.map((script, index): Step => {
    offset += script.latencyMs
    const callId = `call_${index + 1}`
    return {
      step_id: index + 3,
      timestamp: isoAt(start, offset),
      source: "agent",
      model_name: MODEL,
      message: `[${script.agent}] ${script.response}`,
      ...(script.tool === null ? {} : {
        tool_calls: [{ tool_call_id: callId, function_name: script.tool.name, arguments: script.tool.arguments }],
        observation: { results: [{ source_call_id: callId, content: script.tool.result }] }
      }),
      metrics: {
        prompt_tokens: script.inputTokens,
        completion_tokens: script.outputTokens,
        cost_usd: costOf(script.inputTokens, script.outputTokens)
      },
      extra: { agent: script.agent }
    }
  })
  return {
    schema_version: "ATIF-v1.4",
    session_id: sessionId,
    agent: { name: "logbook-demo-orchestrator", version: "1.0.0", model_name: MODEL, extra: { agents: SCRIPT.map((s) => s.agent) } },
    steps: [
      {
        step_id: 1,
        timestamp: isoAt(start, 0),
        source: "system",
        message: "You orchestrate a planner, a builder and a tester working in /app."
      },
      { step_id: 2, timestamp: isoAt(start, 10), source: "user", message: GOAL },
      ...agentSteps
    ],
    notes: "Recorded by `logbook demo`.",
    final_metrics: {
      total_prompt_tokens: SCRIPT.reduce((n, s) => n + s.inputTokens, 0),
      total_completion_tokens: SCRIPT.reduce((n, s) => n + s.outputTokens, 0),
      total_cost_usd: SCRIPT.reduce((n, s) => n + costOf(s.inputTokens, s.outputTokens), 0),
      total_steps: 2 + SCRIPT.length
    }
  }
}

const ConfigValue = Schema.Unknown

/**
 * The script's agent in the agent registry (registered by the first run on
 * a database, found by name after), with one session of this run holding
 * the prompt, the tool call and its result, and the answer.
 */
const recordAgentSession = (script: AgentScript, taskId: string) =>
  Effect.gen(function*() {
    const registry = yield* AgentRegistry
    const known = (yield* registry.listAgents({ limit: 1_000 })).find((agent) => agent.name === script.agent)
    const agent = known ?? (yield* registry.createAgent({
      name: script.agent,
      model: MODEL,
      tools: script.tool === null ? [] : [script.tool.name],
      accessiblePaths: ["/app"],
      permissionMode: script.agent === "builder" ? "acceptEdits" : "readOnly"
    }))
    const session = yield* registry.createSession({ agentId: agent.id, name: `${taskId}: ${script.fragment}` })
    yield* registry.updateSessionStatus(session.id, "running")
    const prompt = yield* registry.appendLog(session.id, { role: "user", type: "message", content: script.prompt })
    if (script.tool !== null) {
      const call = yield* registry.appendLog(session.id, {
        role: "agent",
        type: "action",
        content: { tool: script.tool.name, arguments: script.tool.arguments },
        parentId: prompt
      })
      yield* registry.appendLog(session.id, { role: "tool", type: "observation", content: script.tool.result, parentId: call })
    }
    yield* registry.appendLog(session.id, { role: "agent", type: "message", content: script.response, parentId: prompt })
    yield* registry.updateSessionStatus(session.id, "completed")
  })

/**
 * Records one simulated run into the database and returns the summary of
 * what was stored. Needs every store (`Logbook.layer`).
 */
export const runDemo = Effect.gen(function*() {
  const db = yield* Database
  const state = yield* StateStore
  const audit = yield* AuditLog
  const tracker = yield* ExecutionTracker
  const lessons = yield* LessonsStore
  const config = yield* ConfigStore
  const trajectories = yield* TrajectoryStore

  const before = yield* tableCounts
  const runId = randomUUID()
  const projectId = DEMO_PROJECT
  const taskId = `task-${runId}`
  const sessionId = `demo-${runId}`
  const start = yield* Clock.currentTimeMillis
  const scope = projectScope(projectId)

  // The orchestrator's configuration for the project.
  const configKey = "orchestrator"
  yield* config.set(configKey, { agents: SCRIPT.map((s) => s.agent), model: MODEL, maxParallelAgents: 2 }, { scope })

  // The task's workflow state and the trace of the run.
  yield* state.save({ taskId, projectId, state: "planning", context: { goal: GOAL, runId }, history: [] })
  const trace = yield* tracker.startTrace({
    projectId,
    taskId,
    prompt: GOAL,
    agentId: "orchestrator",
    metadata: { runId, agents: SCRIPT.map((s) => s.agent) }
  })
  yield* audit.record({ projectId, taskId, agent: "orchestrator", action: "run.started", category: "agent", details: { traceId: trace.id, runId } })

  let current = "planning"
  let redactionAuditId = 0
  const agents: Array<DemoSummary["agents"][number]> = []
  for (const script of SCRIPT) {
    const { agent } = script
    const invocationId = yield* tracker.recordInvocation({ traceId: trace.id, agent, taskFragment: script.fragment })
    yield* recordAgentSession(script, taskId)
    yield* tracker.recordEvent(trace.id, { type: "agent.started", data: { agent, invocationId } })
    const costUsd = costOf(script.inputTokens, script.outputTokens)
    const totalTokens = script.inputTokens + script.outputTokens
    yield* tracker.recordLlmUsage({
      provider: "anthropic",
      model: MODEL,
      agent,
      traceId: trace.id,
      prompt: script.prompt,
      response: script.response,
      inputTokens: script.inputTokens,
      outputTokens: script.outputTokens,
      costUsd,
      latencyMs: script.latencyMs
    })
    if (script.tool !== null) {
      yield* tracker.recordEvent(trace.id, { type: "tool.called", data: { agent, tool: script.tool.name, arguments: script.tool.arguments } })
      yield* tracker.recordEvent(trace.id, { type: "tool.result", data: { agent, tool: script.tool.name, result: script.tool.result } })
    }

    if (agent === "planner") {
      yield* audit.log({ projectId, taskId, agent, action: "plan.created", category: "agent", details: { steps: script.response.split(/ (?=\d\. )/) } })
    } else if (agent === "builder") {
      yield* audit.record({ projectId, taskId, agent, action: "file.written", category: "file", details: { path: "src/config.py", bytes: 42 } })
      // The builder echoes a command with an API key: the Redactor must keep it out of the database.
      redactionAuditId = yield* audit.log({
        projectId,
        taskId,
        agent,
        action: "tool.command",
        category: "security",
        details: { command: `curl -s -H "x-api-key: ${fakeApiKey}" https://api.example.com/v1/models`, exitCode: 0 }
      })
    } else {
      yield* audit.record({ projectId, taskId, agent, action: "tests.passed", category: "agent", details: { passed: 15, failed: 0 } })
    }

    yield* tracker.updateInvocation(invocationId, {
      completedAt: yield* now,
      outcome: "success",
      qualityScore: script.qualityScore,
      tokenUsage: { inputTokens: script.inputTokens, outputTokens: script.outputTokens, totalTokens },
      outputSummary: script.response
    })
    yield* tracker.recordEvent(trace.id, { type: "agent.completed", data: { agent, outcome: "success" } })
    agents.push({ agent, outcome: "success", totalTokens, costUsd })

    yield* state.transition(taskId, { to: script.next.to, event: script.next.event, expected: current, metadata: { agent } })
    yield* audit.record({
      projectId,
      taskId,
      agent: "orchestrator",
      action: "state.transition",
      category: "state",
      details: { from: current, to: script.next.to, event: script.next.event }
    })
    current = script.next.to
    if (agent === "planner") yield* state.checkpoint(taskId, { artifacts: ["plan.md"] })
  }

  // What the tester learned, for the next run: applied again when it is already known.
  const known = yield* lessons.search({ query: LESSON.title, projectId, category: LESSON.category, limit: 10 })
  const same = known.find((hit) => hit.title === LESSON.title && hit.projectId === projectId)
  if (same === undefined) yield* lessons.create({ ...LESSON, tags: [...LESSON.tags], projectId })
  else yield* lessons.recordApplication(same.id)

  yield* trajectories.save(trajectoryOf(sessionId, start), { taskId, score: 0.92 })

  const totals = SCRIPT.reduce(
    (sum, s) => ({ inputTokens: sum.inputTokens + s.inputTokens, outputTokens: sum.outputTokens + s.outputTokens }),
    { inputTokens: 0, outputTokens: 0 }
  )
  yield* tracker.completeTrace(trace.id, {
    success: true,
    tokenUsage: { ...totals, totalTokens: totals.inputTokens + totals.outputTokens },
    metadata: { finalState: current }
  })
  yield* audit.record({ projectId, taskId, agent: "orchestrator", action: "run.completed", category: "agent", details: { traceId: trace.id } })
  yield* Logbook.flush

  // Everything below is read back from the database.
  const after = yield* tableCounts
  const stored = yield* state.load(taskId)
  const usage = yield* tracker.llmUsage({ traceId: trace.id })
  const events = yield* tracker.events(trace.id)
  const allRuns = yield* tracker.stats()
  const found = yield* lessons.search({ query: LESSON_QUERY, projectId, limit: 1 })
  const configValue = yield* config.get(configKey, ConfigValue, { scope })
  const runEntries = yield* audit.query({ taskId })
  const redactionEntry = runEntries.find((entry) => entry.id === redactionAuditId)
  const storedDetails = redactionEntry === undefined ? "" : JSON.stringify(redactionEntry.details)
  const hits = yield* trajectories.search({ query: GOAL.split(" ").slice(0, 3).join(" "), limit: 50 })

  const summary: DemoSummary = {
    database: Option.getOrElse(db.filename, () => db.options.url),
    runId,
    projectId,
    taskId,
    traceId: trace.id,
    sessionId,
    workflow: {
      state: Option.match(stored, { onNone: () => "(missing)", onSome: (s) => s.state }),
      transitions: Option.match(stored, {
        onNone: () => [],
        onSome: (s) => s.history.map((t) => ({ from: t.from, to: t.to, event: t.event }))
      }),
      checkpoints: Option.match(stored, { onNone: () => 0, onSome: (s) => s.context.checkpoints.length })
    },
    agents,
    run: {
      llmCalls: usage.length,
      inputTokens: usage.reduce((n, u) => n + u.inputTokens, 0),
      outputTokens: usage.reduce((n, u) => n + u.outputTokens, 0),
      totalTokens: usage.reduce((n, u) => n + u.totalTokens, 0),
      costUsd: Math.round(usage.reduce((n, u) => n + (u.costUsd ?? 0), 0) * 1e6) / 1e6,
      events: events.length,
      auditEntries: runEntries.length
    },
    allRuns,
    lesson: found[0] === undefined ? null : {
      query: LESSON_QUERY,
      title: found[0].title,
      category: found[0].category,
      snippet: found[0].snippet,
      applicationCount: found[0].applicationCount
    },
    config: { scope, key: configKey, value: Option.getOrNull(configValue) },
    trajectory: {
      sessionId,
      steps: 2 + SCRIPT.length,
      searchHit: hits.some((hit) => hit.sessionId === sessionId)
    },
    redaction: {
      auditId: redactionAuditId,
      stored: storedDetails,
      redacted: storedDetails.includes("[REDACTED:") && !storedDetails.includes(fakeApiKey)
    },
    tables: after.map(({ rows, table }, i) => ({ table, added: rows - (before[i]?.rows ?? 0), total: rows }))
  }
  return summary
}).pipe(Effect.withSpan("logbook demo"))

const commandOf = (details: string) => {
  const parsed: unknown = JSON.parse(details === "" ? "null" : details)
  return typeof parsed === "object" && parsed !== null && "command" in parsed && typeof parsed.command === "string"
    ? parsed.command
    : details
}

/** The summary as readable text. */
export const describeDemo = (s: DemoSummary): string => {
  const path = [s.workflow.transitions[0]?.from, ...s.workflow.transitions.map((t) => t.to)].filter((x) => x !== undefined)
  const lesson = s.lesson === null
    ? `search "${LESSON_QUERY}" found nothing`
    : `search "${s.lesson.query}" -> "${s.lesson.title}" (${s.lesson.category}, ${
      s.lesson.applicationCount === 0 ? "new" : `applied ${s.lesson.applicationCount} time${s.lesson.applicationCount === 1 ? "" : "s"}`
    }): ${
      clip(s.lesson.snippet, 80)
    }`
  const redaction = `${s.redaction.redacted ? "secret redacted" : "NOT REDACTED"}; audit entry #${s.redaction.auditId} stored: ${
    clip(commandOf(s.redaction.stored), 100)
  }`
  return [
    `Recorded demo run ${s.runId.slice(0, 8)} (planner -> builder -> tester) in ${s.database}`,
    "",
    fields([
      ["workflow", `task ${s.taskId}: ${path.join(" -> ")} (${s.workflow.checkpoints} checkpoint${s.workflow.checkpoints === 1 ? "" : "s"})`],
      ["trace", `${s.traceId}: ${s.agents.map((a) => `${a.agent} ${a.outcome}`).join(", ")}`],
      [
        "this run",
        `${s.run.llmCalls} LLM calls, ${count(s.run.totalTokens)} tokens (${count(s.run.inputTokens)} in, ${
          count(s.run.outputTokens)
        } out), ${usd(s.run.costUsd)}; ${s.run.events} trace events, ${s.run.auditEntries} audit entries`
      ],
      ["lesson", lesson],
      ["config", `${s.config.scope} ${s.config.key} = ${clip(JSON.stringify(s.config.value), 80)}`],
      ["trajectory", `session ${s.trajectory.sessionId}, ${s.trajectory.steps} steps${s.trajectory.searchHit ? ", found by full-text search" : ""}`],
      ["redaction", redaction]
    ]),
    "",
    "All runs in this database:",
    describeStats(s.allRuns),
    "",
    table(["TABLE", "ADDED", "TOTAL"], s.tables.map((t) => [t.table, count(t.added), count(t.total)])),
    "",
    "Explore:",
    `  npx logbook traces show ${s.traceId}`,
    `  npx logbook audit query --project ${s.projectId}`,
    `  npx logbook lessons search ${LESSON_QUERY}`,
    `  npx logbook trajectories show ${s.sessionId}`,
    "  npx logbook stats"
  ].join("\n")
}

/**
 * The data commands: `audit`, `lessons search`, `traces list|show`, `stats`
 * and `trajectories` (in their own modules where they are more than a read).
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { NotFound } from "../Errors.js"
import { ExecutionTracker, TRACE_ENTITY } from "../ExecutionTracker.js"
import { type LessonHit, LessonCategory } from "../lessons/Lesson.js"
import { LessonsStore } from "../LessonsStore.js"
import type { AgentInvocation } from "../tracker/AgentInvocation.js"
import type { ExecutionTrace } from "../tracker/ExecutionTrace.js"
import type { LlmUsage } from "../tracker/LlmUsage.js"
import type { RunStats } from "../tracker/Metrics.js"
import type { TraceEvent } from "../tracker/TraceEvent.js"
import { auditCommand } from "./AuditCommands.js"
import { choice, common, integer, output, table } from "./Common.js"
import { readLogbook } from "./Databases.js"
import { clip, count, fields, usd } from "./Text.js"
import { trajectoriesCommand } from "./TrajectoryCommands.js"

const limit = (fallback: number) =>
  integer("limit").pipe(Options.withDescription(`at most this many (default ${fallback})`), Options.withDefault(fallback))

/** Search words: every argument, joined (`lessons search retry busy`). */
const words = Args.text({ name: "TEXT" }).pipe(Args.withDescription("what to look for (plain words)"), Args.atLeast(1))

// --- lessons ---------------------------------------------------------------

const describeLessons = (hits: ReadonlyArray<LessonHit>) =>
  hits.length === 0
    ? "No lessons found."
    : table(
      ["CATEGORY", "TITLE", "APPLIED", "PROJECT", "SNIPPET"],
      hits.map((hit) => [
        hit.category,
        clip(hit.title, 48),
        String(hit.applicationCount),
        hit.projectId ?? "(global)",
        clip(hit.snippet, 72)
      ])
    )

const lessonsSearch = Command.make(
  "search",
  {
    ...common,
    text: words,
    project: Options.text("project").pipe(
      Options.withDescription("this project's lessons and the global ones"),
      Options.optional
    ),
    category: choice("category", LessonCategory.literals).pipe(
      Options.withDescription("only this category"),
      Options.optional
    ),
    limit: limit(20)
  },
  ({ category, database, json, limit, migrations, project, text }) =>
    Effect.gen(function*() {
      const hits = yield* LessonsStore.search({
        query: text.join(" "),
        projectId: Option.getOrUndefined(project),
        category: Option.getOrUndefined(category),
        limit: Math.max(0, limit)
      })
      yield* output(json, hits, () => describeLessons(hits))
    }).pipe(readLogbook(database, migrations))
).pipe(Command.withDescription("search lessons learned, best match first"))

const lessonsCommand = Command.make("lessons").pipe(
  Command.withDescription("lessons learned by agents"),
  Command.withSubcommands([lessonsSearch])
)

// --- traces ----------------------------------------------------------------

const duration = (ms: number | undefined) => (ms === undefined ? "" : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`)

const describeTraces = (traces: ReadonlyArray<ExecutionTrace>) =>
  traces.length === 0
    ? "No traces."
    : table(
      ["ID", "STATUS", "STARTED", "DURATION", "AGENT", "TASK", "PROMPT"],
      traces.map((t) => [
        t.id,
        t.status,
        t.startedAt,
        duration(t.durationMs),
        clip(t.agentId ?? "", 16),
        clip(t.taskId, 44),
        clip(t.prompt, 48)
      ])
    )

const tracesList = Command.make(
  "list",
  {
    ...common,
    project: Options.text("project").pipe(Options.withDescription("the project whose traces to list")),
    limit: limit(20)
  },
  ({ database, json, limit, migrations, project }) =>
    Effect.gen(function*() {
      const traces = yield* ExecutionTracker.recentTraces(project, { limit })
      yield* output(json, traces, () => describeTraces(traces))
    }).pipe(readLogbook(database, migrations))
).pipe(Command.withDescription("a project's execution traces, newest first"))

/** A trace with everything recorded under it. */
export interface TraceDetails {
  readonly trace: ExecutionTrace
  readonly invocations: ReadonlyArray<AgentInvocation>
  readonly events: ReadonlyArray<TraceEvent>
  readonly llmUsage: ReadonlyArray<LlmUsage>
}

const describeTrace = ({ events, invocations, llmUsage, trace }: TraceDetails) => {
  const header = fields([
    ["trace", trace.id],
    ["project", trace.projectId],
    ["task", trace.taskId],
    ["agent", trace.agentId ?? ""],
    ["status", trace.status],
    ["started", trace.startedAt],
    ["completed", trace.completedAt ?? ""],
    ["duration", duration(trace.durationMs)],
    ["tokens", trace.tokenUsage === undefined ? "" : count(trace.tokenUsage.totalTokens)],
    ["prompt", clip(trace.prompt, 100)],
    ...(trace.error === undefined ? [] : [["error", clip(trace.error, 100)] as const])
  ])
  const calls = llmUsage.length === 0
    ? "LLM calls: none"
    : `LLM calls:\n${
      table(
        ["TIME", "AGENT", "MODEL", "IN", "OUT", "COST", "STATUS"],
        llmUsage.map((u) => [
          u.timestamp,
          u.agent ?? "",
          u.model,
          count(u.inputTokens),
          count(u.outputTokens),
          u.costUsd === null ? "unknown" : usd(u.costUsd),
          u.status
        ])
      )
    }`
  return [
    header,
    invocations.length === 0 ? "Invocations: none" : `Invocations:\n${
      table(
        ["ID", "AGENT", "OUTCOME", "QUALITY", "TOKENS", "SUMMARY"],
        invocations.map((i) => [
          String(i.id),
          i.agent,
          i.outcome ?? "",
          i.qualityScore === undefined ? "" : String(i.qualityScore),
          i.tokenUsage === undefined ? "" : count(i.tokenUsage.totalTokens),
          clip(i.outputSummary ?? i.error ?? "", 60)
        ])
      )
    }`,
    events.length === 0 ? "Events: none" : `Events:\n${
      table(
        ["TIME", "TYPE", "DATA"],
        events.map((e) => [e.timestamp, e.type, e.data === undefined ? "" : clip(JSON.stringify(e.data), 80)])
      )
    }`,
    calls
  ].join("\n\n")
}

const tracesShow = Command.make(
  "show",
  { ...common, id: Args.text({ name: "ID" }).pipe(Args.withDescription("the trace id")) },
  ({ database, id, json, migrations }) =>
    Effect.gen(function*() {
      const tracker = yield* ExecutionTracker
      const trace = yield* tracker.getTrace(id)
      if (Option.isNone(trace)) return yield* new NotFound({ entity: TRACE_ENTITY, id })
      const [invocations, events, llmUsage] = yield* Effect.all([
        tracker.invocations(id),
        tracker.events(id),
        tracker.llmUsage({ traceId: id, limit: 10_000 })
      ])
      const details: TraceDetails = { trace: trace.value, invocations, events, llmUsage }
      yield* output(json, details, () => describeTrace(details))
    }).pipe(readLogbook(database, migrations))
).pipe(Command.withDescription("one trace with its invocations, events and LLM calls"))

const tracesCommand = Command.make("traces").pipe(
  Command.withDescription("execution traces of orchestrated runs"),
  Command.withSubcommands([tracesList, tracesShow])
)

// --- stats -----------------------------------------------------------------

/** Run statistics as readable lines. */
export const describeStats = (stats: RunStats) =>
  fields([
    [
      "runs",
      `${count(stats.totalRuns)} (${count(stats.completedRuns)} completed, ${count(stats.errorRuns)} error, ${
        count(stats.cancelledRuns)
      } cancelled, ${count(stats.runningRuns)} running)`
    ],
    ["LLM calls", count(stats.llmCalls)],
    ["tokens", `${count(stats.totalTokens)} (${count(stats.inputTokens)} in, ${count(stats.outputTokens)} out)`],
    ["cost", usd(stats.costUsd)]
  ])

const statsCommand = Command.make(
  "stats",
  { ...common, agent: Options.text("agent").pipe(Options.withDescription("only this agent's runs and LLM calls"), Options.optional) },
  ({ agent, database, json, migrations }) =>
    Effect.gen(function*() {
      const stats = yield* ExecutionTracker.stats({ agent: Option.getOrUndefined(agent) })
      yield* output(json, stats, () => describeStats(stats))
    }).pipe(readLogbook(database, migrations))
).pipe(Command.withDescription("run statistics: runs by status, LLM calls, tokens and cost"))

/** The data commands. */
export const dataCommands = [auditCommand, lessonsCommand, tracesCommand, statsCommand, trajectoriesCommand] as const

/**
 * `logbook agents list|show` and `logbook sessions list|show|logs`: the
 * agent registry's agents, their sessions and the sessions' logs, as
 * readable tables and trees or as JSON.
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { AGENT_ENTITY, AgentRegistry, SESSION_ENTITY } from "../AgentRegistry.js"
import type { Agent } from "../agents/Agent.js"
import { type EffectiveConfig, type Session, SessionStatus } from "../agents/Session.js"
import type { SessionLog, SessionLogNode } from "../agents/SessionLog.js"
import { NotFound } from "../Errors.js"
import { common, output, table } from "./Common.js"
import { readLogbook } from "./Databases.js"
import { clip, fields } from "./Text.js"

const limit = (fallback: number) =>
  Options.integer("limit").pipe(Options.withDescription(`at most this many (default ${fallback})`), Options.withDefault(fallback))

const offset = Options.integer("offset").pipe(Options.withDescription("skip this many first (default 0)"), Options.withDefault(0))

const list = (values: ReadonlyArray<string>) => (values.length === 0 ? "" : values.join(", "))

/** Any JSON value as one line of text: a string as it is, anything else as JSON. */
const text = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value) ?? "")

// --- agents ----------------------------------------------------------------

const describeAgents = (agents: ReadonlyArray<Agent>) =>
  agents.length === 0
    ? "No agents."
    : table(
      ["ID", "NAME", "MODEL", "PERMISSIONS", "TOOLS", "CREATED"],
      agents.map((a) => [a.id, clip(a.name, 24), clip(a.model, 28), a.permissionMode, clip(list(a.tools), 40), a.createdAt])
    )

const configLines = (config: EffectiveConfig) =>
  [
    ["model", config.model],
    ["small model", config.smallModel ?? ""],
    ["permissions", config.permissionMode],
    ["max steps", config.maxSteps === undefined ? "" : String(config.maxSteps)],
    ["tools", list(config.tools)],
    ["MCP servers", list(config.mcpServerIds)],
    ["knowledge", list(config.knowledgeIds)],
    ["paths", list(config.accessiblePaths)],
    ["instructions", clip(config.instructions ?? "", 100)],
    ["configuration", config.configuration === undefined ? "" : clip(JSON.stringify(config.configuration), 100)]
  ] as const

const describeSessions = (sessions: ReadonlyArray<Session>) =>
  sessions.length === 0
    ? "No sessions."
    : table(
      ["ID", "AGENT", "NAME", "STATUS", "CREATED", "UPDATED"],
      sessions.map((s) => [s.id, s.agentId, clip(s.name ?? "", 32), s.status, s.createdAt, s.updatedAt])
    )

/** An agent with its most recent sessions. */
export interface AgentDetails {
  readonly agent: Agent
  readonly sessions: ReadonlyArray<Session>
}

const describeAgent = ({ agent, sessions }: AgentDetails) =>
  [
    fields([
      ["agent", agent.id],
      ["name", agent.name],
      ...configLines(agent),
      ["created", agent.createdAt],
      ["updated", agent.updatedAt]
    ]),
    sessions.length === 0 ? "Sessions: none" : `Sessions (newest first):\n${describeSessions(sessions)}`
  ].join("\n\n")

const agentsList = Command.make(
  "list",
  { ...common, limit: limit(100), offset },
  ({ database, json, migrations, limit, offset }) =>
    Effect.gen(function*() {
      const agents = yield* AgentRegistry.listAgents({ limit, offset })
      yield* output(json, agents, () => describeAgents(agents))
    }).pipe(readLogbook(database, migrations))
).pipe(Command.withDescription("registered agents, in the order they were registered"))

const agentsShow = Command.make(
  "show",
  { ...common, id: Args.text({ name: "ID" }).pipe(Args.withDescription("the agent id")) },
  ({ database, id, json, migrations }) =>
    Effect.gen(function*() {
      const registry = yield* AgentRegistry
      const agent = yield* registry.getAgent(id)
      if (Option.isNone(agent)) return yield* new NotFound({ entity: AGENT_ENTITY, id })
      const details: AgentDetails = { agent: agent.value, sessions: yield* registry.listSessions({ agentId: id, limit: 20 }) }
      yield* output(json, details, () => describeAgent(details))
    }).pipe(readLogbook(database, migrations))
).pipe(Command.withDescription("one agent with its configuration and its most recent sessions"))

const agentsCommand = Command.make("agents").pipe(
  Command.withDescription("agents of the agent registry"),
  Command.withSubcommands([agentsList, agentsShow])
)

// --- sessions --------------------------------------------------------------

const sessionId = Args.text({ name: "ID" }).pipe(Args.withDescription("the session id"))

const sessionsList = Command.make(
  "list",
  {
    ...common,
    agent: Options.text("agent").pipe(Options.withDescription("only this agent's sessions (its id)"), Options.optional),
    status: Options.choice("status", SessionStatus.literals).pipe(Options.withDescription("only sessions in this status"), Options.optional),
    limit: limit(100),
    offset
  },
  ({ agent, database, json, limit, migrations, offset, status }) =>
    Effect.gen(function*() {
      const sessions = yield* AgentRegistry.listSessions({
        agentId: Option.getOrUndefined(agent),
        status: Option.getOrUndefined(status),
        limit,
        offset
      })
      yield* output(json, sessions, () => describeSessions(sessions))
    }).pipe(readLogbook(database, migrations))
).pipe(Command.withDescription("sessions, newest first"))

/** A session with the configuration it runs with. */
export interface SessionDetails {
  readonly session: Session
  readonly effectiveConfig: EffectiveConfig
}

const describeSession = ({ effectiveConfig, session }: SessionDetails) =>
  [
    fields([
      ["session", session.id],
      ["agent", session.agentId],
      ["name", session.name ?? ""],
      ["status", session.status],
      ["created", session.createdAt],
      ["updated", session.updatedAt],
      ["overrides", Object.keys(session.overrides).length === 0 ? "none" : Object.keys(session.overrides).join(", ")]
    ]),
    `Effective configuration:\n${fields(configLines(effectiveConfig))}`
  ].join("\n\n")

/** The session, or `NotFound`. */
const requireSession = (id: string) =>
  Effect.flatMap(AgentRegistry.getSession(id), Option.match({
    onNone: () => Effect.fail(new NotFound({ entity: SESSION_ENTITY, id })),
    onSome: Effect.succeed
  }))

const sessionsShow = Command.make(
  "show",
  { ...common, id: sessionId },
  ({ database, id, json, migrations }) =>
    Effect.gen(function*() {
      const session = yield* requireSession(id)
      const details: SessionDetails = { session, effectiveConfig: yield* AgentRegistry.effectiveConfig(id) }
      yield* output(json, details, () => describeSession(details))
    }).pipe(readLogbook(database, migrations))
).pipe(Command.withDescription("one session with its overrides and the configuration it runs with"))

const describeLogs = (logs: ReadonlyArray<SessionLog>) =>
  logs.length === 0
    ? "No logs."
    : table(
      ["ID", "PARENT", "TIME", "ROLE", "TYPE", "CONTENT"],
      logs.map((l) => [String(l.id), l.parentId === undefined ? "" : String(l.parentId), l.createdAt, l.role, l.type, clip(text(l.content), 80)])
    )

/** The tree as indented lines (two spaces a level), walked without recursion. */
export const describeTree = (roots: ReadonlyArray<SessionLogNode>): string => {
  if (roots.length === 0) return "No logs."
  const lines: Array<string> = []
  const stack: Array<readonly [SessionLogNode, number]> = roots.map((root) => [root, 0] as const).reverse()
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!
    lines.push(`${"  ".repeat(depth)}#${node.id} ${node.role} ${node.type}: ${clip(text(node.content), 100)}`)
    for (let i = node.children.length - 1; i >= 0; i--) stack.push([node.children[i]!, depth + 1])
  }
  return lines.join("\n")
}

const sessionsLogs = Command.make(
  "logs",
  {
    ...common,
    id: sessionId,
    tree: Options.boolean("tree").pipe(Options.withDescription("every log as a tree: each below its parent (JSON: nested children)")),
    limit: limit(1000),
    offset
  },
  ({ database, id, json, limit, migrations, offset, tree }) =>
    Effect.gen(function*() {
      yield* requireSession(id)
      if (tree) {
        const roots = yield* AgentRegistry.logTree(id)
        return yield* output(json, roots, () => describeTree(roots))
      }
      const logs = yield* AgentRegistry.logs(id, { limit, offset })
      yield* output(json, logs, () => describeLogs(logs))
    }).pipe(readLogbook(database, migrations))
).pipe(Command.withDescription("a session's logs in the order they were written, or with --tree as a tree"))

const sessionsCommand = Command.make("sessions").pipe(
  Command.withDescription("sessions of registered agents and their logs"),
  Command.withSubcommands([sessionsList, sessionsShow, sessionsLogs])
)

/** The agent registry's commands. */
export const agentCommands = [agentsCommand, sessionsCommand] as const

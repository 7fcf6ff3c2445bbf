/**
 * The agent registry (seed 002): agents with their model, tools and
 * permissions; sessions of an agent with a status and configuration
 * overrides; and each session's hierarchical log.
 *
 * Names, instructions, configuration, overrides, log content and metadata
 * pass through the `Redactor` before they reach the database. Deleting an
 * agent deletes its sessions and their logs.
 *
 * @module
 */
import * as Arr from "effect/Array"
import * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { randomUUID } from "node:crypto"
import { type Agent, AgentInput, AgentPatch, DEFAULT_PERMISSION_MODE } from "./agents/Agent.js"
import { readLogs, sessionLog } from "./agents/LogReader.js"
import { linkLogTree, type LogNode, logNode } from "./agents/LogTree.js"
import {
  AgentPage,
  DEFAULT_LIST_LIMIT,
  DEFAULT_LOG_LIMIT,
  LogPage,
  SessionFilter
} from "./agents/Options.js"
import * as Queries from "./agents/Queries.js"
import {
  decodeAgent,
  decodeAgents,
  decodeEffectiveConfig,
  decodeExists,
  decodeIds,
  decodeSessions
} from "./agents/Rows.js"
import {
  type EffectiveConfig,
  type Session,
  SessionInput,
  type SessionOverrides,
  SessionStatus
} from "./agents/Session.js"
import { type SessionLog, SessionLogInput, type SessionLogNode } from "./agents/SessionLog.js"
import { coreLayerConfig } from "./Core.js"
import { Database } from "./Database.js"
import { withDatabaseErrors } from "./database/SqlFailure.js"
import { now } from "./domain/Timestamp.js"
import { type DatabaseError, NotFound, ValidationError } from "./Errors.js"
import { Redactor } from "./redaction/Redactor.js"
import { checkStoredInput, validate } from "./Validation.js"

export { Agent, AgentInput, AgentPatch, PermissionMode } from "./agents/Agent.js"
export { AgentPage, LogPage, SessionFilter } from "./agents/Options.js"
export { EffectiveConfig, Session, SessionInput, SessionOverrides, SessionStatus } from "./agents/Session.js"
export { LogRole, LogType, SessionLog, SessionLogInput, type SessionLogNode } from "./agents/SessionLog.js"

/** The `entity` of a {@link NotFound} for a missing agent. */
export const AGENT_ENTITY = "agent"
/** The `entity` of a {@link NotFound} for a missing session. */
export const SESSION_ENTITY = "session"

/** The AgentRegistry's interface. */
export interface AgentRegistryService {
  /**
   * Registers an agent (permission mode `readOnly` unless given) and returns
   * it with its new id. Fails with `ValidationError` on invalid input, an
   * unknown permission mode or an unknown field.
   */
  readonly createAgent: (input: AgentInput) => Effect.Effect<Agent, ValidationError | DatabaseError>
  /**
   * Replaces the fields given in `patch` and keeps the others. Fails with
   * `NotFound` when there is no such agent, `ValidationError` on invalid input.
   */
  readonly updateAgent: (id: string, patch: AgentPatch) => Effect.Effect<Agent, NotFound | ValidationError | DatabaseError>
  /** One agent, or none. */
  readonly getAgent: (id: string) => Effect.Effect<Option.Option<Agent>, DatabaseError>
  /**
   * Agents in the order they were registered, a page at a time (`limit`
   * 1..1000, default 100; `offset` from 0). A page out of range is a
   * `ValidationError`.
   */
  readonly listAgents: (page?: AgentPage) => Effect.Effect<ReadonlyArray<Agent>, ValidationError | DatabaseError>
  /** Deletes an agent with its sessions and their logs; true when there was one. */
  readonly deleteAgent: (id: string) => Effect.Effect<boolean, DatabaseError>
  /**
   * Opens an `idle` session of an agent, with the overrides given. Fails
   * with `NotFound` when the agent does not exist, `ValidationError` on
   * invalid input.
   */
  readonly createSession: (input: SessionInput) => Effect.Effect<Session, NotFound | ValidationError | DatabaseError>
  /**
   * Sets a session's status (any status may follow any other). Fails with
   * `NotFound` when there is no such session, `ValidationError` on a status
   * that is not `idle | running | completed | failed | stopped`.
   */
  readonly updateSessionStatus: (
    id: string,
    status: SessionStatus
  ) => Effect.Effect<Session, NotFound | ValidationError | DatabaseError>
  /** One session, or none. */
  readonly getSession: (id: string) => Effect.Effect<Option.Option<Session>, DatabaseError>
  /**
   * Sessions, newest first, optionally of one agent and/or in one status
   * (`limit` 1..1000, default 100; `offset` from 0). An unknown status or a
   * page out of range is a `ValidationError`.
   */
  readonly listSessions: (filter?: SessionFilter) => Effect.Effect<ReadonlyArray<Session>, ValidationError | DatabaseError>
  /**
   * The configuration a session runs with: each field of its agent but the
   * name, replaced by the session's override where it sets one. Read in one
   * statement. Fails with `NotFound` when there is no such session.
   */
  readonly effectiveConfig: (sessionId: string) => Effect.Effect<EffectiveConfig, NotFound | DatabaseError>
  /**
   * Appends a log to a session, optionally below a parent log, and returns
   * its id. Fails with `NotFound` when the session does not exist, and with
   * `ValidationError` on invalid input or a parent that is not a log of this
   * session.
   */
  readonly appendLog: (
    sessionId: string,
    log: SessionLogInput
  ) => Effect.Effect<number, NotFound | ValidationError | DatabaseError>
  /**
   * A page of a session's logs in the order they were written (`limit`
   * 1..10000, default 1000; `offset` from 0). A page out of range is a
   * `ValidationError`.
   */
  readonly logs: (sessionId: string, page?: LogPage) => Effect.Effect<ReadonlyArray<SessionLog>, ValidationError | DatabaseError>
  /**
   * Every log of a session as a tree: the root logs in the order they were
   * written, each with its children in that order. One ordered query and a
   * linear build without recursion, however deep or wide the tree.
   */
  readonly logTree: (sessionId: string) => Effect.Effect<ReadonlyArray<SessionLogNode>, DatabaseError>
}

const validateAgent = validate(AgentInput, "agent")
const validatePatch = validate(AgentPatch, "agent patch")
const validateSession = validate(SessionInput, "session")
const validateStatus = validate(Schema.Struct({ status: SessionStatus }), "session status")
const validateAgentPage = validate(Schema.UndefinedOr(AgentPage), "agent page")
const validateSessionFilter = validate(Schema.UndefinedOr(SessionFilter), "session filter")
const validateLog = validate(SessionLogInput, "session log")
const validateLogPage = validate(Schema.UndefinedOr(LogPage), "log page")

const json = (value: unknown): string => JSON.stringify(value)
const jsonOrNull = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value))

/**
 * Logs read per page by `logTree`: the rows of one page are made into nodes
 * and dropped before the next is read, so the driver's rows never pile up.
 */
const LOG_TREE_PAGE = 2_000

/** `override` when the session sets it, else `own`. */
const pick = <A>(override: A | undefined, own: A): A => (override === undefined ? own : override)

/**
 * Agents, their sessions and the sessions' logs.
 *
 * `AgentRegistry.Default` opens the database named by the `LOGBOOK_*`
 * environment variables; `AgentRegistry.DefaultWithoutDependencies` needs
 * the core services (`coreLayer`, `coreLayerMemory`).
 */
export class AgentRegistry extends Effect.Service<AgentRegistry>()("logbook/AgentRegistry", {
  accessors: true,
  effect: Effect.gen(function*() {
    const { sql } = yield* Database
    const redactor = yield* Redactor
    const redactNullable = (text: string | undefined): string | null =>
      text === undefined ? null : redactor.redactText(text)
    const redactIdentifierOrNull = (text: string | null | undefined): string | null =>
      text === undefined || text === null ? null : redactor.redactIdentifier(text)
    const redactedJson = (value: unknown): string | null =>
      value === undefined ? null : json(redactor.redactJson(value))

    /** Overrides as stored: instructions and configuration redacted, unset fields left out. */
    const storedOverrides = (overrides: SessionOverrides | undefined): string =>
      json({
        ...overrides,
        instructions: overrides?.instructions === undefined ? undefined : redactor.redactText(overrides.instructions),
        configuration: overrides?.configuration === undefined ? undefined : redactor.redactJson(overrides.configuration)
      })

    const service: AgentRegistryService = {
      createAgent: Effect.fn("AgentRegistry.createAgent")(function*(input: AgentInput) {
        yield* checkStoredInput("agent")(input)
        const agent = yield* validateAgent(input)
        const at = yield* now
        return yield* Queries.insertAgent(sql, {
          id: randomUUID(),
          name: redactor.redactText(agent.name),
          model: redactor.redactIdentifier(agent.model),
          small_model: redactIdentifierOrNull(agent.smallModel),
          instructions: redactNullable(agent.instructions),
          tools: json(redactor.redactJson(agent.tools ?? [])),
          mcp_server_ids: json(redactor.redactJson(agent.mcpServerIds ?? [])),
          knowledge_ids: json(redactor.redactJson(agent.knowledgeIds ?? [])),
          accessible_paths: json(redactor.redactJson(agent.accessiblePaths ?? [])),
          permission_mode: agent.permissionMode ?? DEFAULT_PERMISSION_MODE,
          max_steps: agent.maxSteps ?? null,
          configuration: redactedJson(agent.configuration),
          created_at: at,
          updated_at: at
        }).pipe(
          Effect.flatMap(decodeAgent),
          Effect.map(([stored]) => stored),
          withDatabaseErrors("AgentRegistry.createAgent")
        )
      }),

      updateAgent: Effect.fn("AgentRegistry.updateAgent")(function*(id: string, patch: AgentPatch) {
        yield* checkStoredInput("agent patch")(patch)
        const valid = yield* validatePatch(patch)
        const at = yield* now
        const changes: Queries.AgentChanges = {
          name: redactNullable(valid.name),
          model: redactIdentifierOrNull(valid.model),
          small_model: redactIdentifierOrNull(valid.smallModel),
          instructions: redactNullable(valid.instructions),
          tools: jsonOrNull(redactor.redactJson(valid.tools)),
          mcp_server_ids: jsonOrNull(redactor.redactJson(valid.mcpServerIds)),
          knowledge_ids: jsonOrNull(redactor.redactJson(valid.knowledgeIds)),
          accessible_paths: jsonOrNull(redactor.redactJson(valid.accessiblePaths)),
          permission_mode: valid.permissionMode ?? null,
          max_steps: valid.maxSteps ?? null,
          configuration: redactedJson(valid.configuration)
        }
        const rows = yield* Queries.updateAgent(sql, id, changes, at).pipe(
          Effect.flatMap(decodeAgents),
          withDatabaseErrors("AgentRegistry.updateAgent")
        )
        if (rows[0] === undefined) return yield* new NotFound({ entity: AGENT_ENTITY, id })
        return rows[0]
      }),

      getAgent: Effect.fn("AgentRegistry.getAgent")(function*(id: string) {
        const rows = yield* Queries.selectAgent(sql, id).pipe(
          Effect.flatMap(decodeAgents),
          withDatabaseErrors("AgentRegistry.getAgent")
        )
        return Arr.head(rows)
      }),

      listAgents: Effect.fn("AgentRegistry.listAgents")(function*(page?: AgentPage) {
        const valid = yield* validateAgentPage(page)
        return yield* Queries.listAgents(sql, valid?.limit ?? DEFAULT_LIST_LIMIT, valid?.offset ?? 0).pipe(
          Effect.flatMap(decodeAgents),
          withDatabaseErrors("AgentRegistry.listAgents")
        )
      }),

      deleteAgent: Effect.fn("AgentRegistry.deleteAgent")(function*(id: string) {
        const rows = yield* Queries.deleteAgent(sql, id).pipe(withDatabaseErrors("AgentRegistry.deleteAgent"))
        return rows.length > 0
      }),

      createSession: Effect.fn("AgentRegistry.createSession")(function*(input: SessionInput) {
        yield* checkStoredInput("session")(input)
        const session = yield* validateSession(input)
        const at = yield* now
        const rows = yield* Queries.insertSession(sql, {
          id: randomUUID(),
          agent_id: session.agentId,
          name: redactNullable(session.name),
          overrides: storedOverrides(session.overrides),
          created_at: at
        }).pipe(Effect.flatMap(decodeSessions), withDatabaseErrors("AgentRegistry.createSession"))
        if (rows[0] === undefined) return yield* new NotFound({ entity: AGENT_ENTITY, id: session.agentId })
        return rows[0]
      }),

      updateSessionStatus: Effect.fn("AgentRegistry.updateSessionStatus")(function*(id: string, status: SessionStatus) {
        const valid = yield* validateStatus({ status })
        const at = yield* now
        const rows = yield* Queries.updateSessionStatus(sql, id, valid.status, at).pipe(
          Effect.flatMap(decodeSessions),
          withDatabaseErrors("AgentRegistry.updateSessionStatus")
        )
        if (rows[0] === undefined) return yield* new NotFound({ entity: SESSION_ENTITY, id })
        return rows[0]
      }),

      getSession: Effect.fn("AgentRegistry.getSession")(function*(id: string) {
        const rows = yield* Queries.selectSession(sql, id).pipe(
          Effect.flatMap(decodeSessions),
          withDatabaseErrors("AgentRegistry.getSession")
        )
        return Arr.head(rows)
      }),

      listSessions: Effect.fn("AgentRegistry.listSessions")(function*(filter?: SessionFilter) {
        const valid = yield* validateSessionFilter(filter)
        return yield* Queries.listSessions(
          sql,
          { agentId: valid?.agentId, status: valid?.status },
          valid?.limit ?? DEFAULT_LIST_LIMIT,
          valid?.offset ?? 0
        ).pipe(Effect.flatMap(decodeSessions), withDatabaseErrors("AgentRegistry.listSessions"))
      }),

      effectiveConfig: Effect.fn("AgentRegistry.effectiveConfig")(function*(sessionId: string) {
        const rows = yield* Queries.selectEffectiveConfig(sql, sessionId).pipe(
          Effect.flatMap(decodeEffectiveConfig),
          withDatabaseErrors("AgentRegistry.effectiveConfig")
        )
        const row = rows[0]
        if (row === undefined) return yield* new NotFound({ entity: SESSION_ENTITY, id: sessionId })
        const o = row.sessionOverrides
        const smallModel = pick(o.smallModel, row.smallModel)
        const instructions = pick(o.instructions, row.instructions)
        const maxSteps = pick(o.maxSteps, row.maxSteps)
        const configuration = pick(o.configuration, row.configuration)
        const config: EffectiveConfig = {
          model: pick(o.model, row.model),
          ...(smallModel === undefined ? {} : { smallModel }),
          ...(instructions === undefined ? {} : { instructions }),
          tools: pick(o.tools, row.tools),
          mcpServerIds: pick(o.mcpServerIds, row.mcpServerIds),
          knowledgeIds: pick(o.knowledgeIds, row.knowledgeIds),
          accessiblePaths: pick(o.accessiblePaths, row.accessiblePaths),
          permissionMode: pick(o.permissionMode, row.permissionMode),
          ...(maxSteps === undefined ? {} : { maxSteps }),
          ...(configuration === undefined ? {} : { configuration })
        }
        return config
      }),

      appendLog: Effect.fn("AgentRegistry.appendLog")(function*(sessionId: string, log: SessionLogInput) {
        yield* checkStoredInput("session log")({ sessionId, ...log })
        const valid = yield* validateLog(log)
        const at = yield* now
        const row: Queries.LogInsert = {
          session_id: sessionId,
          parent_id: valid.parentId ?? null,
          role: valid.role,
          type: valid.type,
          content: json(redactor.redactJson(valid.content)),
          metadata: redactedJson(valid.metadata),
          created_at: at
        }
        return yield* Effect.gen(function*() {
          const inserted = yield* Effect.flatMap(Queries.insertLog(sql, row), decodeIds)
          if (inserted[0] !== undefined) return inserted[0].id
          const [session] = yield* Effect.flatMap(Queries.sessionExists(sql, sessionId), decodeExists)
          if (session.found === 0) return yield* new NotFound({ entity: SESSION_ENTITY, id: sessionId })
          const message = `log ${row.parent_id} is not a log of session ${sessionId}`
          return yield* new ValidationError({
            message: `invalid session log: parentId: ${message}`,
            issues: [{ path: "parentId", message }]
          })
        }).pipe(withDatabaseErrors("AgentRegistry.appendLog"))
      }),

      logs: Effect.fn("AgentRegistry.logs")(function*(sessionId: string, page?: LogPage) {
        const valid = yield* validateLogPage(page)
        return yield* Queries.logs(sql, sessionId, valid?.limit ?? DEFAULT_LOG_LIMIT, valid?.offset ?? 0).values.pipe(
          Effect.flatMap((rows) => readLogs(rows, sessionId, sessionLog)),
          withDatabaseErrors("AgentRegistry.logs")
        )
      }),

      logTree: Effect.fn("AgentRegistry.logTree")(function*(sessionId: string) {
        const nodes: Array<LogNode> = []
        yield* Effect.gen(function*() {
          for (;;) {
            const after = nodes.length === 0 ? undefined : nodes[nodes.length - 1]!.id
            const rows = yield* Queries.logsAfter(sql, sessionId, after, LOG_TREE_PAGE).values
            yield* readLogs(rows, sessionId, logNode, nodes)
            if (rows.length < LOG_TREE_PAGE) return
          }
        }).pipe(sql.withTransaction, withDatabaseErrors("AgentRegistry.logTree"))
        return linkLogTree(nodes)
      })
    }
    return service
  }),
  dependencies: [coreLayerConfig]
}) {}

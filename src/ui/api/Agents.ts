/**
 * The Agents endpoints: the registered agents, one agent with its sessions,
 * and one session with its effective configuration and its log tree.
 */
import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import * as Schema from "effect/Schema"
import { Agent } from "../../agents/Agent.js"
import { MAX_PAGE_LIMIT } from "../../domain/Page.js"
import { EffectiveConfig, Session, SessionStatus } from "../../agents/Session.js"
import { SessionLog, type SessionLogNode } from "../../agents/SessionLog.js"
import { NotFound } from "../../Errors.js"
import { PageSize } from "./Params.js"

/** A page of agents, in the order they were registered. */
export const AgentsParams = Schema.Struct({
  limit: Schema.optional(PageSize(MAX_PAGE_LIMIT)),
  offset: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.nonNegative()))
})

/** The agents of a page. */
export const AgentList = Schema.Struct({ agents: Schema.Array(Agent) })

/** An agent's sessions to show: of one status, at most `limit` (newest first). */
export const AgentParams = Schema.Struct({
  status: Schema.optional(SessionStatus),
  limit: Schema.optional(PageSize(MAX_PAGE_LIMIT))
})

/** An agent and its sessions, newest first. */
export const AgentDetail = Schema.Struct({ agent: Agent, sessions: Schema.Array(Session) })

/** A log node as JSON: the log's own fields and its children. */
export interface SessionLogNodeJson extends Schema.Schema.Encoded<typeof SessionLog> {
  readonly children: ReadonlyArray<SessionLogNodeJson>
}

/** A log with the logs written below it, in the order they were written. */
export const LogNode: Schema.Schema<SessionLogNode, SessionLogNodeJson> = Schema.Struct({
  ...SessionLog.fields,
  children: Schema.Array(Schema.suspend((): Schema.Schema<SessionLogNode, SessionLogNodeJson> => LogNode))
}).annotations({ identifier: "SessionLogNode" })

/** A session, its agent, the configuration it runs with, and its logs as a tree (roots oldest first). */
export const SessionDetail = Schema.Struct({
  session: Session,
  agent: Agent,
  effectiveConfig: EffectiveConfig,
  logs: Schema.Array(LogNode)
})

const id = HttpApiSchema.param("id", Schema.String)

/** The Agents group. */
export class AgentsGroup extends HttpApiGroup.make("agents")
  .add(HttpApiEndpoint.get("list", "/api/agents").setUrlParams(AgentsParams).addSuccess(AgentList))
  .add(
    HttpApiEndpoint.get("get")`/api/agents/${id}`
      .setUrlParams(AgentParams)
      .addSuccess(AgentDetail)
      .addError(NotFound, { status: 404 })
  )
  .add(
    HttpApiEndpoint.get("session")`/api/sessions/${id}`
      .addSuccess(SessionDetail)
      .addError(NotFound, { status: 404 })
  )
{}

/** The Agents handlers, over the AgentRegistry. */
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { AGENT_ENTITY, AgentRegistry, SESSION_ENTITY } from "../../AgentRegistry.js"
import { NotFound } from "../../Errors.js"
import { UiApi } from "../Api.js"

/** Sessions shown with an agent when no limit is given. */
export const DEFAULT_AGENT_SESSIONS = 100

const found = (entity: string, id: string) =>
  Option.match({ onNone: () => Effect.fail(new NotFound({ entity, id })), onSome: Effect.succeed })

/** The Agents group's handlers. */
export const AgentsHandlers = HttpApiBuilder.group(UiApi, "agents", (handlers) =>
  Effect.gen(function*() {
    const registry = yield* AgentRegistry
    const agentOf = (id: string) => Effect.flatMap(registry.getAgent(id), found(AGENT_ENTITY, id))
    return handlers
      .handle("list", ({ urlParams: p }) =>
        Effect.map(registry.listAgents({ limit: p.limit, offset: p.offset }), (agents) => ({ agents })))
      .handle("get", ({ path, urlParams: p }) =>
        Effect.gen(function*() {
          const agent = yield* agentOf(path.id)
          const sessions = yield* registry.listSessions({
            agentId: agent.id,
            status: p.status,
            limit: p.limit ?? DEFAULT_AGENT_SESSIONS
          })
          return { agent, sessions }
        }))
      .handle("session", ({ path }) =>
        Effect.gen(function*() {
          const session = yield* Effect.flatMap(registry.getSession(path.id), found(SESSION_ENTITY, path.id))
          const [agent, effectiveConfig, logs] = yield* Effect.all([
            agentOf(session.agentId),
            registry.effectiveConfig(session.id),
            registry.logTree(session.id)
          ])
          return { session, agent, effectiveConfig, logs }
        }))
  }))

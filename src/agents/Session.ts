/**
 * Sessions of an agent: a status, and configuration overrides that win over
 * the agent's own fields in the session's effective configuration.
 */
import * as Schema from "effect/Schema"
import { choice, optional, strict } from "./Fields.js"
import { agentConfigFields, runSettingsFields } from "./Agent.js"

/** A session's status; a new session is `idle`. */
export const SessionStatus = choice("idle", "running", "completed", "failed", "stopped")
export type SessionStatus = typeof SessionStatus.Type

/** Any of an agent's fields but its name, set for one session. */
export const SessionOverrides = Schema.Struct(agentConfigFields).annotations(strict)
export interface SessionOverrides extends Schema.Schema.Type<typeof SessionOverrides> {}

/** What {@link AgentRegistry.createSession} takes. */
export const SessionInput = Schema.Struct({
  agentId: Schema.NonEmptyString,
  name: optional(Schema.String),
  overrides: optional(SessionOverrides)
}).annotations(strict)
export interface SessionInput extends Schema.Schema.Encoded<typeof SessionInput> {}

/** A stored session; `overrides` holds only the fields it sets. */
export const Session = Schema.Struct({
  id: Schema.String,
  agentId: Schema.String,
  name: Schema.optional(Schema.String),
  status: SessionStatus,
  overrides: SessionOverrides,
  createdAt: Schema.String,
  updatedAt: Schema.String
})
export interface Session extends Schema.Schema.Type<typeof Session> {}

/**
 * The configuration a session runs with: every field of its agent but the
 * name, each the session's override when it sets one, else the agent's.
 */
export const EffectiveConfig = Schema.Struct(runSettingsFields)
export interface EffectiveConfig extends Schema.Schema.Type<typeof EffectiveConfig> {}

/**
 * Agents (seed 002): a model with its tools, knowledge, accessible paths and
 * permission mode. The fields every session may override are declared once,
 * in {@link agentConfigFields}.
 */
import * as Schema from "effect/Schema"
import { JsonObjectFromSelf } from "../records/JsonDocument.js"
import { choice, optional, strict } from "./Fields.js"
import { JsonObjectInput } from "./Json.js"

/** What an agent may do without asking: read only, accept edits, or everything. */
export const PermissionMode = choice("readOnly", "acceptEdits", "bypassPermissions")
export type PermissionMode = typeof PermissionMode.Type

/** The permission mode of an agent created without one. */
export const DEFAULT_PERMISSION_MODE: PermissionMode = "readOnly"

const Ids = Schema.Array(Schema.NonEmptyString)

/** The configuration fields of an agent, each optional as a caller gives it (and as a session overrides it). */
export const agentConfigFields = {
  model: optional(Schema.NonEmptyTrimmedString),
  smallModel: optional(Schema.NonEmptyTrimmedString),
  instructions: optional(Schema.String),
  tools: optional(Ids),
  mcpServerIds: optional(Ids),
  knowledgeIds: optional(Ids),
  accessiblePaths: optional(Ids),
  permissionMode: optional(PermissionMode),
  maxSteps: optional(Schema.Int.pipe(Schema.positive())),
  configuration: optional(JsonObjectInput)
}

/**
 * What {@link AgentRegistry.createAgent} takes: a name and a model, and
 * optionally a small model, instructions, tool, MCP server and knowledge ids,
 * accessible paths, a permission mode (default `readOnly`), a step limit and
 * a free-form configuration object.
 */
export const AgentInput = Schema.Struct({
  ...agentConfigFields,
  name: Schema.NonEmptyTrimmedString,
  model: Schema.NonEmptyTrimmedString
}).annotations(strict)
export interface AgentInput extends Schema.Schema.Encoded<typeof AgentInput> {}

/** What {@link AgentRegistry.updateAgent} takes: the fields to replace; the others are kept. */
export const AgentPatch = Schema.Struct({
  ...agentConfigFields,
  name: optional(Schema.NonEmptyTrimmedString)
}).annotations(strict)
export interface AgentPatch extends Schema.Schema.Encoded<typeof AgentPatch> {}

/** A stored agent. Lists are empty when none were given. */
/** What an agent runs with, every field but its name, as stored: the agent's own, or a session's effective one. */
export const runSettingsFields = {
  model: Schema.String,
  smallModel: Schema.optional(Schema.String),
  instructions: Schema.optional(Schema.String),
  tools: Schema.Array(Schema.String),
  mcpServerIds: Schema.Array(Schema.String),
  knowledgeIds: Schema.Array(Schema.String),
  accessiblePaths: Schema.Array(Schema.String),
  permissionMode: PermissionMode,
  maxSteps: Schema.optional(Schema.Number),
  configuration: Schema.optional(JsonObjectFromSelf)
}

export const Agent = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  ...runSettingsFields,
  createdAt: Schema.String,
  updatedAt: Schema.String
})
export interface Agent extends Schema.Schema.Type<typeof Agent> {}

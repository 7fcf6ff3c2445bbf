/**
 * The log of a session: messages, thoughts, actions and observations, each
 * optionally below a parent log of the same session.
 */
import * as Schema from "effect/Schema"
import { JsonObjectFromSelf } from "../records/JsonDocument.js"
import { choice, optional, strict } from "./Fields.js"
import { JsonObjectInput, JsonValueInput } from "./Json.js"

/** Who wrote a log. */
export const LogRole = choice("user", "agent", "system", "tool")
export type LogRole = typeof LogRole.Type

/** What a log is. */
export const LogType = choice("message", "thought", "action", "observation")
export type LogType = typeof LogType.Type

/**
 * What {@link AgentRegistry.appendLog} takes: the parent log (of the same
 * session) if any, a role, a type, any JSON content and optional metadata.
 */
export const SessionLogInput = Schema.Struct({
  parentId: optional(Schema.Int.pipe(Schema.positive())),
  role: LogRole,
  type: LogType,
  content: JsonValueInput,
  metadata: optional(JsonObjectInput)
}).annotations(strict)
export interface SessionLogInput extends Schema.Schema.Encoded<typeof SessionLogInput> {}

/** A stored log; `id` grows in the order logs were written. A root log has no `parentId`. */
export const SessionLog = Schema.Struct({
  id: Schema.Number,
  sessionId: Schema.String,
  parentId: Schema.optional(Schema.Number),
  role: LogRole,
  type: LogType,
  content: Schema.Unknown,
  metadata: Schema.optional(JsonObjectFromSelf),
  createdAt: Schema.String
})
export interface SessionLog extends Schema.Schema.Type<typeof SessionLog> {}

/** A log with the logs written below it, in the order they were written. */
export interface SessionLogNode extends SessionLog {
  readonly children: ReadonlyArray<SessionLogNode>
}

/**
 * The pages and filters of the registry's reads, validated: a limit outside
 * its range, a negative or fractional offset, an unknown status or an
 * unknown key is a `ValidationError`, never silently adjusted.
 */
import * as Schema from "effect/Schema"
import { optional, strict } from "./Fields.js"
import { SessionStatus } from "./Session.js"

/** Agents or sessions per page when no limit is given. */
export const DEFAULT_LIST_LIMIT = 100
/** The largest page of agents or sessions. */
export const MAX_LIST_LIMIT = 1_000
/** Logs per page when no limit is given. */
export const DEFAULT_LOG_LIMIT = 1_000
/** The largest page of logs. */
export const MAX_LOG_LIMIT = 10_000

const limit = (max: number) => optional(Schema.Int.pipe(Schema.between(1, max)))
const offset = optional(Schema.NonNegativeInt)

/** A page of agents: `limit` 1..1000 (default 100), `offset` from 0. */
export const AgentPage = Schema.Struct({ limit: limit(MAX_LIST_LIMIT), offset }).annotations(strict)
export interface AgentPage extends Schema.Schema.Encoded<typeof AgentPage> {}

/** Sessions of one agent and/or in one status: `limit` 1..1000 (default 100), `offset` from 0. */
export const SessionFilter = Schema.Struct({
  agentId: optional(Schema.String),
  status: optional(SessionStatus),
  limit: limit(MAX_LIST_LIMIT),
  offset
}).annotations(strict)
export interface SessionFilter extends Schema.Schema.Encoded<typeof SessionFilter> {}

/** A page of logs: `limit` 1..10000 (default 1000), `offset` from 0. */
export const LogPage = Schema.Struct({ limit: limit(MAX_LOG_LIMIT), offset }).annotations(strict)
export interface LogPage extends Schema.Schema.Encoded<typeof LogPage> {}

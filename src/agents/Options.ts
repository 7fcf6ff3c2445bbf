/**
 * The pages and filters of the registry's reads, validated: a limit outside
 * its range, a negative or fractional offset, an unknown status or an
 * unknown key is a `ValidationError`, never silently adjusted.
 */
import * as Schema from "effect/Schema"
import { Limit, Offset } from "../domain/Page.js"
import { optional, strict } from "./Fields.js"
import { SessionStatus } from "./Session.js"

/** Agents or sessions per page when no limit is given. */
export const DEFAULT_LIST_LIMIT = 100
/** Logs per page when no limit is given. */
export const DEFAULT_LOG_LIMIT = 1_000

const limit = optional(Limit)
const offset = optional(Offset)

/** A page of agents: `limit` 1..10000 (default 100), `offset` from 0. */
export const AgentPage = Schema.Struct({ limit: limit, offset }).annotations(strict)
export interface AgentPage extends Schema.Schema.Encoded<typeof AgentPage> {}

/** Sessions of one agent and/or in one status: `limit` 1..10000 (default 100), `offset` from 0. */
export const SessionFilter = Schema.Struct({
  agentId: optional(Schema.String),
  status: optional(SessionStatus),
  limit: limit,
  offset
}).annotations(strict)
export interface SessionFilter extends Schema.Schema.Encoded<typeof SessionFilter> {}

/** A page of logs: `limit` 1..10000 (default 1000), `offset` from 0. */
export const LogPage = Schema.Struct({ limit: limit, offset }).annotations(strict)
export interface LogPage extends Schema.Schema.Encoded<typeof LogPage> {}

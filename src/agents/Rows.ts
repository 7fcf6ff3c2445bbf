/**
 * How the registry's rows are selected and decoded: each select list names
 * its columns as the public fields (quoted, so that every dialect keeps their
 * case), and each row schema decodes straight to the public type, with the
 * driver-neutral columns of `Columns` (PostgreSQL gives `bigint` keys and
 * counts as strings).
 */
import * as Schema from "effect/Schema"
import { Num, Stamp } from "../database/Columns.js"
import { onFirstCall } from "../domain/OnFirstCall.js"
import { PermissionMode } from "./Agent.js"
import { StoredJsonObject } from "./Json.js"
import { SessionOverrides, SessionStatus } from "./Session.js"
import { LogRole, LogType } from "./SessionLog.js"

const nullable = <A, I>(schema: Schema.Schema<A, I>) => Schema.optionalWith(schema, { nullable: true })
const StoredIds = Schema.parseJson(Schema.Array(Schema.String))

/** The select list of an agent, its columns qualified by `table` (an alias of `agents`) when given. */
export const agentColumns = (table?: string): string =>
  [
    "id",
    "name",
    "model",
    "small_model AS \"smallModel\"",
    "instructions",
    "tools",
    "mcp_server_ids AS \"mcpServerIds\"",
    "knowledge_ids AS \"knowledgeIds\"",
    "accessible_paths AS \"accessiblePaths\"",
    "permission_mode AS \"permissionMode\"",
    "max_steps AS \"maxSteps\"",
    "configuration",
    "created_at AS \"createdAt\"",
    "updated_at AS \"updatedAt\""
  ].map((column) => {
    const qualified = table === undefined ? column : `${table}.${column}`
    return column.includes(" AS ") ? qualified : `${qualified} AS "${column}"`
  }).join(", ")

/** The fields of {@link AgentRow}, made at each call (a row schema is built at its first use, not at import). */
const agentRowFields = () => ({
  id: Schema.String,
  name: Schema.String,
  model: Schema.String,
  smallModel: nullable(Schema.String),
  instructions: nullable(Schema.String),
  tools: StoredIds,
  mcpServerIds: StoredIds,
  knowledgeIds: StoredIds,
  accessiblePaths: StoredIds,
  permissionMode: PermissionMode,
  maxSteps: nullable(Num),
  configuration: nullable(StoredJsonObject),
  createdAt: Stamp,
  updatedAt: Stamp
})

/** An `agents` row as selected by {@link agentColumns}. */
export const AgentRow = Schema.suspend(() => Schema.Struct(agentRowFields()))

/** The select list of a session. */
export const SESSION_COLUMNS =
  "id, agent_id AS \"agentId\", name, status, overrides, created_at AS \"createdAt\", updated_at AS \"updatedAt\""

/** An `agent_sessions` row as selected by {@link SESSION_COLUMNS}. */
export const SessionRow = Schema.suspend(() =>
  Schema.Struct({
    id: Schema.String,
    agentId: Schema.String,
    name: nullable(Schema.String),
    status: SessionStatus,
    overrides: Schema.parseJson(SessionOverrides),
    createdAt: Stamp,
    updatedAt: Stamp
  })
)

/** A session's agent (as {@link AgentRow}) with the session's overrides. */
export const EffectiveConfigRow = Schema.suspend(() =>
  Schema.Struct({
    ...agentRowFields(),
    sessionOverrides: Schema.parseJson(SessionOverrides)
  })
)

/**
 * The select list of a session's logs, read by position (`LogReader`): the
 * session is the one asked for, so its id is not selected again.
 */
export const LOG_COLUMNS = "id, parent_id, role, type, content, metadata, created_at"

/** A log row (a row of {@link LOG_COLUMNS} with its session) as its schema reads it. */
export const LogRow = Schema.suspend(() =>
  Schema.Struct({
    id: Num,
    sessionId: Schema.String,
    parentId: nullable(Num),
    role: LogRole,
    type: LogType,
    content: Schema.parseJson(),
    metadata: nullable(StoredJsonObject),
    createdAt: Stamp
  })
)

/** Decodes agent rows. */
export const decodeAgents = onFirstCall(() => Schema.decodeUnknown(Schema.Array(AgentRow)))
/** Decodes the one agent row a write returns. */
export const decodeAgent = onFirstCall(() => Schema.decodeUnknown(Schema.Tuple(AgentRow)))
/** Decodes session rows. */
export const decodeSessions = onFirstCall(() => Schema.decodeUnknown(Schema.Array(SessionRow)))
/** Decodes the row of an effective configuration. */
export const decodeEffectiveConfig = onFirstCall(() => Schema.decodeUnknown(Schema.Array(EffectiveConfigRow)))
/** Decodes `RETURNING id` rows. */
export const decodeIds = onFirstCall(() => Schema.decodeUnknown(Schema.Array(Schema.Struct({ id: Num }))))
/** Decodes the one row of an existence check. */
export const decodeExists = onFirstCall(() => Schema.decodeUnknown(Schema.Tuple(Schema.Struct({ found: Num }))))

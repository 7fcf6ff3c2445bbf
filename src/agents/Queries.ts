/**
 * The SQL that the AgentRegistry runs, one builder per statement. Values are
 * always bound parameters, timestamps come from the caller (Effect's clock)
 * and ids from `randomUUID` or the table's integer key, so every statement
 * here is plain SQL that SQLite and PostgreSQL both read. They are exported so
 * that tests can check the very statements the registry runs.
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import { LOG_COLUMNS, SESSION_COLUMNS, agentColumns } from "./Rows.js"

type Sql = SqlClient.SqlClient

const AGENT_COLUMNS = agentColumns()

/** An `agents` row to insert: lists and configuration as JSON text. */
export interface AgentInsert {
  readonly id: string
  readonly name: string
  readonly model: string
  readonly small_model: string | null
  readonly instructions: string | null
  readonly tools: string
  readonly mcp_server_ids: string
  readonly knowledge_ids: string
  readonly accessible_paths: string
  readonly permission_mode: string
  readonly max_steps: number | null
  readonly configuration: string | null
  readonly created_at: string
  readonly updated_at: string
}

/** Inserts an agent and returns it. */
export const insertAgent = (sql: Sql, row: AgentInsert) =>
  sql`INSERT INTO agents ${sql.insert({ ...row })} RETURNING ${sql.literal(AGENT_COLUMNS)}`

/** The columns of an agent to replace: `null` keeps the stored value. */
export type AgentChanges = { readonly [K in Exclude<keyof AgentInsert, "id" | "created_at" | "updated_at">]: AgentInsert[K] | null }

/** Replaces the given (non-null) columns of an agent; returns it, or no row when it is missing. */
export const updateAgent = (sql: Sql, id: string, changes: AgentChanges, updatedAt: string) =>
  sql`UPDATE agents SET
        name = coalesce(${changes.name}, name),
        model = coalesce(${changes.model}, model),
        small_model = coalesce(${changes.small_model}, small_model),
        instructions = coalesce(${changes.instructions}, instructions),
        tools = coalesce(${changes.tools}, tools),
        mcp_server_ids = coalesce(${changes.mcp_server_ids}, mcp_server_ids),
        knowledge_ids = coalesce(${changes.knowledge_ids}, knowledge_ids),
        accessible_paths = coalesce(${changes.accessible_paths}, accessible_paths),
        permission_mode = coalesce(${changes.permission_mode}, permission_mode),
        max_steps = coalesce(${changes.max_steps}, max_steps),
        configuration = coalesce(${changes.configuration}, configuration),
        updated_at = ${updatedAt}
      WHERE id = ${id}
      RETURNING ${sql.literal(AGENT_COLUMNS)}`

/** One agent by id. */
export const selectAgent = (sql: Sql, id: string) =>
  sql`SELECT ${sql.literal(AGENT_COLUMNS)} FROM agents WHERE id = ${id}`

/** Agents in the order they were created. */
export const listAgents = (sql: Sql, limit: number, offset: number) =>
  sql`SELECT ${sql.literal(AGENT_COLUMNS)} FROM agents ORDER BY seq LIMIT ${limit} OFFSET ${offset}`

/** Deletes an agent (its sessions and their logs by cascade); returns its id, or no row. */
export const deleteAgent = (sql: Sql, id: string) => sql`DELETE FROM agents WHERE id = ${id} RETURNING id`

/** An `agent_sessions` row to insert. */
export interface SessionInsert {
  readonly id: string
  readonly agent_id: string
  readonly name: string | null
  readonly overrides: string
  readonly created_at: string
}

/** Inserts an idle session if its agent exists; returns it, or no row when the agent is missing. */
export const insertSession = (sql: Sql, row: SessionInsert) =>
  sql`INSERT INTO agent_sessions (id, agent_id, name, status, overrides, created_at, updated_at)
      SELECT ${row.id}, agents.id, ${row.name}, 'idle', ${row.overrides}, ${row.created_at}, ${row.created_at}
      FROM agents WHERE agents.id = ${row.agent_id}
      RETURNING ${sql.literal(SESSION_COLUMNS)}`

/** Sets a session's status; returns it, or no row when it is missing. */
export const updateSessionStatus = (sql: Sql, id: string, status: string, updatedAt: string) =>
  sql`UPDATE agent_sessions SET status = ${status}, updated_at = ${updatedAt}
      WHERE id = ${id}
      RETURNING ${sql.literal(SESSION_COLUMNS)}`

/** One session by id. */
export const selectSession = (sql: Sql, id: string) =>
  sql`SELECT ${sql.literal(SESSION_COLUMNS)} FROM agent_sessions WHERE id = ${id}`

/** Sessions, newest first, optionally of one agent and/or in one status. */
export const listSessions = (
  sql: Sql,
  filter: { readonly agentId?: string | undefined; readonly status?: string | undefined },
  limit: number,
  offset: number
) =>
  sql`SELECT ${sql.literal(SESSION_COLUMNS)} FROM agent_sessions
      WHERE ${
    sql.and([
      ...(filter.agentId === undefined ? [] : [sql`agent_id = ${filter.agentId}`]),
      ...(filter.status === undefined ? [] : [sql`status = ${filter.status}`])
    ])
  }
      ORDER BY seq DESC
      LIMIT ${limit} OFFSET ${offset}`

/** A session's agent with the session's overrides, in one row (none when the session is missing). */
export const selectEffectiveConfig = (sql: Sql, sessionId: string) =>
  sql`SELECT ${sql.literal(agentColumns("a"))}, s.overrides AS "sessionOverrides"
      FROM agent_sessions s JOIN agents a ON a.id = s.agent_id
      WHERE s.id = ${sessionId}`

/** An `agent_session_logs` row to insert. */
export interface LogInsert {
  readonly session_id: string
  readonly parent_id: number | null
  readonly role: string
  readonly type: string
  readonly content: string
  readonly metadata: string | null
  readonly created_at: string
}

/**
 * Inserts a log if its session exists and its parent (when given) is a log
 * of the same session; returns its id, or no row otherwise.
 */
export const insertLog = (sql: Sql, row: LogInsert) =>
  sql`INSERT INTO agent_session_logs (session_id, parent_id, role, type, content, metadata, created_at)
      SELECT s.id, ${row.parent_id === null ? sql.literal("NULL") : sql`CAST(${row.parent_id} AS INTEGER)`},
        ${row.role}, ${row.type}, ${row.content}, ${row.metadata}, ${row.created_at}
      FROM agent_sessions s
      WHERE s.id = ${row.session_id}${
    row.parent_id === null
      ? sql.literal("")
      : sql` AND EXISTS (SELECT 1 FROM agent_session_logs p WHERE p.session_id = s.id AND p.id = ${row.parent_id})`
  }
      RETURNING id`

/** Whether a session exists, as one row `{ found: 0 | 1 }`. */
export const sessionExists = (sql: Sql, id: string) =>
  sql`SELECT count(*) AS found FROM agent_sessions WHERE id = ${id}`

/** A page of a session's logs in the order they were written (read by position: `LogReader`). */
export const logs = (sql: Sql, sessionId: string, limit: number, offset: number) =>
  sql`SELECT ${sql.literal(LOG_COLUMNS)} FROM agent_session_logs
      WHERE session_id = ${sessionId}
      ORDER BY id
      LIMIT ${limit} OFFSET ${offset}`

/**
 * The next `limit` logs of a session after log `afterId` (from the first when
 * none), in the order they were written, parents before their children (read
 * by position): a keyset page that starts where the previous one ended.
 */
export const logsAfter = (sql: Sql, sessionId: string, afterId: number | undefined, limit: number) =>
  sql`SELECT ${sql.literal(LOG_COLUMNS)} FROM agent_session_logs
      WHERE session_id = ${sessionId}${afterId === undefined ? sql.literal("") : sql` AND id > ${afterId}`}
      ORDER BY id
      LIMIT ${limit}`

/**
 * Every SQL statement of the OpenAI Agents session store, written once on
 * `SqlClient` with bound parameters; SQLite and PostgreSQL read them alike
 * (items are stored as the JSON text the session wrote, `text` on both).
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { parameterChunks } from "../database/Dialect.js"
import { onFirstCall } from "../domain/OnFirstCall.js"

/** Items per INSERT. */
const MAX_ROWS = 200

const ItemRows = Schema.Array(Schema.Struct({ item: Schema.String }))
const decodeItems = onFirstCall(() => Schema.decodeUnknown(ItemRows))

/** Appends items (JSON texts) to a session, in order. */
export const insertItems = (sql: SqlClient.SqlClient, sessionId: string, items: ReadonlyArray<string>) =>
  Effect.forEach(
    parameterChunks(sql, items.map((item) => ({ session_id: sessionId, item })), 2, MAX_ROWS),
    (chunk) => sql`INSERT INTO openai_agents_session_items ${sql.insert(chunk)}`,
    { discard: true }
  )

/** A session's items in insertion order: all, or the newest `limit`. */
export const selectItems = (sql: SqlClient.SqlClient, sessionId: string, limit: number | undefined) =>
  Effect.flatMap(
    limit === undefined
      ? sql`SELECT item FROM openai_agents_session_items WHERE session_id = ${sessionId} ORDER BY seq`
      : sql`SELECT item FROM (
          SELECT seq, item FROM openai_agents_session_items WHERE session_id = ${sessionId}
          ORDER BY seq DESC LIMIT ${limit}) AS newest ORDER BY seq`,
    decodeItems
  )

/** Removes a session's newest item and returns it. */
export const popItem = (sql: SqlClient.SqlClient, sessionId: string) =>
  Effect.flatMap(
    sql`DELETE FROM openai_agents_session_items
      WHERE seq = (SELECT max(seq) FROM openai_agents_session_items WHERE session_id = ${sessionId})
      RETURNING item`,
    decodeItems
  )

/** Removes every item of a session. */
export const clearSession = (sql: SqlClient.SqlClient, sessionId: string) =>
  sql`DELETE FROM openai_agents_session_items WHERE session_id = ${sessionId}`

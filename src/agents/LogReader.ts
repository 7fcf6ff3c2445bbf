/**
 * A session's log rows read straight into what the caller returns, one row
 * at a time: each row (selected by {@link LOG_COLUMNS}, read by position) is
 * checked by hand — integer keys, a known role and type, JSON content, a JSON
 * object or nothing as metadata, a text timestamp — and handed to a builder
 * that makes the final object, with no intermediate row objects.
 *
 * A row that fails the hand check is decoded with its schema ({@link LogRow}),
 * so a malformed stored row fails with the schema's `ParseError` (a
 * `DatabaseError` once mapped) exactly as a schema decode of every row would,
 * and a row the schema accepts is read as the schema reads it.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { onFirstCall } from "../domain/OnFirstCall.js"
import type { JsonObject } from "../records/JsonDocument.js"
import { LogRow } from "./Rows.js"
import { LogRole, LogType, type SessionLog } from "./SessionLog.js"

/** Makes one returned value from a log's checked fields (`parentId` and `metadata` absent when not set). */
export type LogBuilder<A> = (
  id: number,
  sessionId: string,
  parentId: number | undefined,
  role: LogRole,
  type: LogType,
  content: unknown,
  metadata: JsonObject | undefined,
  createdAt: string
) => A

const ROLES: ReadonlyMap<unknown, LogRole> = new Map(LogRole.literals.map((role) => [role, role]))
const TYPES: ReadonlyMap<unknown, LogType> = new Map(LogType.literals.map((type) => [type, type]))

const decodeRow = onFirstCall(() => Schema.decodeUnknownEither(LogRow))

/** A `SessionLog` with its optional keys present only when set, as the schema decodes it. */
export const sessionLog: LogBuilder<SessionLog> = (id, sessionId, parentId, role, type, content, metadata, createdAt) =>
  parentId === undefined
    ? metadata === undefined
      ? { id, sessionId, role, type, content, createdAt }
      : { id, sessionId, role, type, content, metadata, createdAt }
    : metadata === undefined
    ? { id, sessionId, parentId, role, type, content, createdAt }
    : { id, sessionId, parentId, role, type, content, metadata, createdAt }

/** What {@link parse} returns for text that is not JSON. */
const INVALID: unique symbol = Symbol("invalid JSON")

const parse = (text: unknown): unknown => {
  if (typeof text !== "string") return INVALID
  try {
    return JSON.parse(text)
  } catch {
    return INVALID
  }
}

/** `JSON.parse` makes plain objects only, so an object that is not an array is a JSON object. */
const isObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * Reads the rows of session `sessionId`, each as `build` makes it, in order,
 * appended to `into` (a new array when not given), and returns `into`. Fails
 * with the schema's `ParseError` on the first row that does not match
 * {@link LogRow}.
 */
export const readLogs = <A>(
  rows: ReadonlyArray<ReadonlyArray<unknown>>,
  sessionId: string,
  build: LogBuilder<A>,
  into: Array<A> = []
): Effect.Effect<Array<A>, ParseResult.ParseError> => {
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!
    const id = row[0]
    const parentId = row[1]
    const rawRole = row[2]
    const rawType = row[3]
    const rawContent = row[4]
    const rawMetadata = row[5]
    const createdAt = row[6]
    const role = ROLES.get(rawRole)
    const type = TYPES.get(rawType)
    const content = parse(rawContent)
    const metadata = rawMetadata === null ? undefined : parse(rawMetadata)
    if (
      typeof id === "number" && (parentId === null || typeof parentId === "number") && role !== undefined &&
      type !== undefined && content !== INVALID && (metadata === undefined || isObject(metadata)) &&
      typeof createdAt === "string"
    ) {
      into.push(build(id, sessionId, parentId ?? undefined, role, type, content, metadata, createdAt))
      continue
    }
    const decoded = decodeRow({
      id,
      sessionId,
      parentId,
      role: rawRole,
      type: rawType,
      content: rawContent,
      metadata: rawMetadata,
      createdAt
    })
    if (Either.isLeft(decoded)) return Effect.fail(decoded.left)
    const log = decoded.right
    into.push(build(log.id, log.sessionId, log.parentId, log.role, log.type, log.content, log.metadata, log.createdAt))
  }
  return Effect.succeed(into)
}

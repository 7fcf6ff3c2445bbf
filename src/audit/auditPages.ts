/**
 * Reading audit entries page by page with keyset pagination, so that a
 * caller can walk millions of rows with flat memory and without holding the
 * connection between pages.
 *
 * @module
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { retryWhileBusy } from "../database/SqlFailure.js"
import { type AuditFilter, filterConditions } from "./AuditQuery.js"
import { detailsColumn } from "./Queries.js"

/** Rows per page of an export. */
export const EXPORT_PAGE_SIZE = 1000

/** Where the previous page ended: pages continue after this entry in `timestamp DESC, id ASC` order. */
interface Cursor {
  readonly timestamp: string
  readonly id: number
}

interface PageState {
  readonly cursor: Cursor | undefined
  readonly remaining: number
}

/**
 * The entries matching `filter`, newest first (ties in insertion order), as a
 * stream of pages of at most `pageSize` rows, each decoded with `schema`.
 * `filter.offset` skips rows on the first page only; later pages continue
 * from the last row read (keyset pagination, never `OFFSET`), so each page
 * costs the same. Each page is one statement: other work on the connection
 * runs between pages, and a page is retried while the database is busy.
 */
export const auditPages = <A extends Cursor, I>(
  filter: AuditFilter,
  schema: Schema.Schema<A, I>,
  pageSize: number = EXPORT_PAGE_SIZE
): Stream.Stream<Chunk.Chunk<A>, SqlError | ParseResult.ParseError, SqlClient.SqlClient> =>
  Stream.unwrap(Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    // Memory: a page must die young. Decoding a whole page at once, or the
    // per-statement span of @effect/sql (whose end holds the rows), keeps it
    // alive long enough for V8 to promote it to the old generation, which
    // then grows by tens of MB before a full collection. So rows are decoded
    // one at a time and page queries are not traced (the export as a whole
    // is, by the caller's span).
    const decodeRow = Schema.decodeUnknownEither(schema)
    const conditions = filterConditions(sql, filter)
    const page = (state: PageState) =>
      Effect.gen(function*() {
        if (state.remaining <= 0) return Option.none()
        const size = Math.min(pageSize, state.remaining)
        const { cursor } = state
        const after = cursor === undefined
          ? []
          : [sql`timestamp <= ${cursor.timestamp} AND (timestamp < ${cursor.timestamp} OR id > ${cursor.id})`]
        const offset = cursor === undefined ? filter.offset ?? 0 : 0
        const rows = yield* sql`SELECT id, timestamp, project_id, task_id, agent, action, category, ${detailsColumn(sql)}, user_id, ip_address
          FROM audit_logs
          WHERE ${sql.and([...conditions, ...after])}
          ORDER BY timestamp DESC, id ASC
          LIMIT ${size} OFFSET ${offset}`.pipe(
          Effect.withTracerEnabled(false),
          retryWhileBusy
        )
        const decoded: Array<A> = []
        for (const row of rows) decoded.push(yield* decodeRow(row))
        const last = decoded.at(-1)
        if (last === undefined) return Option.none()
        const next: PageState = {
          cursor: { timestamp: last.timestamp, id: last.id },
          remaining: decoded.length < size ? 0 : state.remaining - decoded.length
        }
        return Option.some([Chunk.unsafeFromArray(decoded), next] as const)
      })
    return Stream.unfoldEffect<PageState, Chunk.Chunk<A>, SqlError | ParseResult.ParseError, never>(
      { cursor: undefined, remaining: filter.limit ?? Number.POSITIVE_INFINITY },
      page
    )
  }))

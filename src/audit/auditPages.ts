/**
 * Reading audit entries page by page with keyset pagination, so that a
 * caller can walk millions of rows with flat memory and without holding the
 * connection between pages.
 *
 * @module
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import type * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { keysetPages } from "../database/KeysetPages.js"
import { retryWhileBusy } from "../database/SqlFailure.js"
import type { AuditFilter } from "./AuditQuery.js"
import { type EntryKey, selectPage } from "./Queries.js"

/** Rows per page of an export. */
export const EXPORT_PAGE_SIZE = 1000

/**
 * The entries matching `filter`, newest first (ties in insertion order), as a
 * stream of pages of at most `pageSize` rows, each decoded with `schema`.
 * `filter.offset` skips rows on the first page only; later pages continue
 * from the last row read (keyset pagination, never `OFFSET`), so each page
 * costs the same. Each page is one statement: other work on the connection
 * runs between pages, and a page is retried while the database is busy.
 */
export const auditPages = <A extends EntryKey, I>(
  filter: AuditFilter,
  schema: Schema.Schema<A, I>,
  pageSize: number = EXPORT_PAGE_SIZE
): Stream.Stream<Chunk.Chunk<A>, SqlError | ParseResult.ParseError, SqlClient.SqlClient> =>
  Stream.unwrap(Effect.map(SqlClient.SqlClient, (sql) => {
    // Memory: a page must die young. Decoding a whole page at once, or the
    // per-statement span of @effect/sql (whose end holds the rows), keeps it
    // alive long enough for V8 to promote it to the old generation, which
    // then grows by tens of MB before a full collection. So rows are decoded
    // one at a time and page queries are not traced (the export as a whole
    // is, by the caller's span).
    const decodeRow = Schema.decodeUnknownEither(schema)
    return keysetPages({
      page: (after: EntryKey | undefined, size) =>
        Effect.gen(function*() {
          const rows = yield* selectPage(sql, filter, after, size, filter.offset ?? 0).pipe(
            Effect.withTracerEnabled(false),
            retryWhileBusy
          )
          const decoded: Array<A> = []
          for (const row of rows) decoded.push(yield* decodeRow(row))
          return decoded
        }),
      keyOf: (entry): EntryKey => ({ timestamp: entry.timestamp, id: entry.id }),
      pageSize,
      limit: filter.limit
    })
  }))

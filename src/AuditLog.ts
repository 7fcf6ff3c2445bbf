/**
 * The audit trail: who did what, when, in which project and task. Entries are
 * validated, redacted and append-only; they can be queried, summarised and
 * exported for compliance (JSON, JSON Lines, CSV), streamed page by page.
 *
 * @module
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { SqlError } from "@effect/sql/SqlError"
import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { AuditCategory, type AuditEntryInput } from "./audit/AuditEntry.js"
import { type AuditExportFormat, exportPieces } from "./audit/AuditExport.js"
import { type AuditFilter, AuditQuery } from "./audit/AuditQuery.js"
import { decodeEntries } from "./audit/AuditRow.js"
import { AuditSink } from "./audit/AuditSink.js"
import { insertEntries } from "./audit/insertEntries.js"
import { prepareEntries, prepareEntry, prepareEntryAt } from "./audit/prepareEntries.js"
import * as Queries from "./audit/Queries.js"
import { coreLayerConfig } from "./Core.js"
import { Database } from "./Database.js"
import { Num } from "./database/Columns.js"
import { toDatabaseError, withDatabaseErrors } from "./database/SqlFailure.js"
import type { DatabaseError, ValidationError } from "./Errors.js"
import { Redactor } from "./redaction/Redactor.js"
import { validate } from "./Validation.js"
import { WriteBehind } from "./writeBehind/WriteBehind.js"

export { AuditCategory, AuditEntry, AuditEntryInput } from "./audit/AuditEntry.js"
export type { AuditExportFormat } from "./audit/AuditExport.js"
export { AuditQuery } from "./audit/AuditQuery.js"
export { JsonValue } from "./audit/JsonValue.js"

/** One line of `AuditLog.summary`: how many entries a category has. */
export const AuditCategoryCount = Schema.Struct({ category: AuditCategory, count: Schema.Number })
export type AuditCategoryCount = typeof AuditCategoryCount.Type

const CategoryCounts = Schema.Array(Schema.Struct({ category: AuditCategory, count: Num }))
const Count = Schema.Tuple(Schema.Struct({ n: Num }))

const isDriverFailure = (error: unknown): error is SqlError | ParseResult.ParseError =>
  error instanceof SqlError || ParseResult.isParseError(error)

/**
 * The audit log. Every write is validated (an invalid entry is a
 * `ValidationError` and nothing is written) and passed through the `Redactor`
 * before it reaches the database; entries are append-only (a trigger refuses
 * updates).
 */
export class AuditLog extends Effect.Service<AuditLog>()("logbook/AuditLog", {
  effect: Effect.gen(function*() {
    const { sql } = yield* Database
    const redactor = yield* Redactor
    const writeBehind = yield* WriteBehind
    const withSql = Effect.provideService(SqlClient.SqlClient, sql)
    const id = redactor.redactIdentifier
    const optionalId = (text: string | undefined) => (text === undefined ? undefined : id(text))
    // Identifiers are stored redacted with a stable placeholder: the filter is redacted the same way.
    const validateQuery = (options: AuditQuery | undefined): Effect.Effect<AuditFilter, ValidationError> =>
      validate(AuditQuery, "audit query")(options ?? {}).pipe(Effect.map((filter) => ({
        ...filter,
        projectId: optionalId(filter.projectId),
        taskId: optionalId(filter.taskId),
        agent: optionalId(filter.agent),
        action: optionalId(filter.action)
      })))

    // Validation, redaction and the default timestamp run before the database
    // part, which alone is retried on Busy (and runs on the real clock).
    const log = Effect.fn("AuditLog.log")(function*(entry: AuditEntryInput) {
      const record = yield* prepareEntry(redactor)(entry)
      const ids = yield* insertEntries([{ key: null, record }]).pipe(withSql, withDatabaseErrors("AuditLog.log"))
      return ids[0]
    })

    const logMany = Effect.fn("AuditLog.logMany")(function*(entries: ReadonlyArray<AuditEntryInput>) {
      if (entries.length === 0) return []
      const records = yield* prepareEntries(redactor)(entries)
      return yield* sql.withTransaction(insertEntries(records.map((record) => ({ key: null, record })))).pipe(
        withSql,
        withDatabaseErrors("AuditLog.logMany")
      )
    })

    const prepareAt = prepareEntryAt(redactor)
    const record = (entry: AuditEntryInput): Effect.Effect<void> =>
      writeBehind.submitSync(AuditSink, "AuditLog.record", (at) => prepareAt(entry, at))

    const query = Effect.fn("AuditLog.query")(function*(options?: AuditQuery) {
      const filter = yield* validateQuery(options)
      return yield* Queries.selectEntries(sql, filter).pipe(
        Effect.flatMap(decodeEntries),
        withDatabaseErrors("AuditLog.query")
      )
    })

    const summary = Effect.fn("AuditLog.summary")(function*(projectId: string) {
      return yield* Queries.categoryCounts(sql, id(projectId)).pipe(Effect.flatMap(Schema.decodeUnknown(CategoryCounts)))
    }, withDatabaseErrors("AuditLog.summary"))

    const count = Effect.fn("AuditLog.count")(function*(options?: AuditQuery) {
      const filter = yield* validateQuery(options)
      const [row] = yield* Queries.countEntries(sql, filter).pipe(
        Effect.flatMap(Schema.decodeUnknown(Count)),
        withDatabaseErrors("AuditLog.count")
      )
      return Math.max(0, Math.min(row.n - (filter.offset ?? 0), filter.limit ?? Number.POSITIVE_INFINITY))
    })

    const exportStream = (
      options: AuditQuery | undefined,
      format: AuditExportFormat
    ): Stream.Stream<string, DatabaseError | ValidationError> =>
      Stream.unwrap(Effect.map(validateQuery(options), (filter) => exportPieces(filter, format))).pipe(
        Stream.provideService(SqlClient.SqlClient, sql),
        Stream.mapError((error) => isDriverFailure(error) ? toDatabaseError("AuditLog.exportStream")(error) : error),
        Stream.withSpan("AuditLog.exportStream")
      )

    const exportEntries = Effect.fn("AuditLog.export")(function*(options: AuditQuery | undefined, format: "json" | "csv") {
      return yield* Stream.mkString(exportStream(options, format))
    })

    return {
      /**
       * Writes one entry and returns its id once it is durable. Fails with
       * `ValidationError` (nothing written) when the entry does not match
       * {@link AuditEntryInput}, with `DatabaseError` when the database fails.
       */
      log,
      /**
       * Writes entries in one transaction, with as few multi-row statements
       * as possible, and returns their ids in input order. Any invalid entry
       * fails the whole call with `ValidationError` (issue paths start with
       * its index) and nothing is written.
       */
      logMany,
      /**
       * Records an entry through the write-behind recorder: the caller only
       * hands it over and returns at once; the recorder's writer validates
       * and redacts it (its timestamp defaults to the instant of the call)
       * and commits it with the next batch. Never fails: an invalid entry is
       * dropped with a structured warning `AuditLog.record: record dropped`
       * (annotated with the operation and reason, its message redacted) and
       * counted in `logbook_records_refused`. The entry is read by the
       * writer: do not change it after the call.
       */
      record,
      /**
       * Entries matching every given filter of {@link AuditQuery}, newest
       * first; entries with the same timestamp come in insertion order.
       * Without `limit`, every matching entry. Fails with `ValidationError`
       * on invalid options.
       */
      query,
      /**
       * How many entries `query(options)` returns, and an export with the
       * same options writes: counted by the database, no entry is read.
       * Fails with `ValidationError` on invalid options.
       */
      count,
      /** How many entries each category has in a project, most first (ties by category name). */
      summary,
      /**
       * The whole export of the entries matching `options` as one string
       * (`json`: an array of entries; `csv`: RFC 4180 with a header row). For
       * large exports use {@link exportStream}.
       */
      export: exportEntries,
      /**
       * The export of the entries matching `options` as a stream of text
       * pieces (whole rows, about 32 KB each) that concatenate to the
       * document: `json` (one array), `jsonl` (one entry per line) or `csv`
       * (header row, then every column, `details` as JSON; formulas
       * neutralised). Rows are read in pages of 1000 with keyset pagination,
       * one statement each, so memory stays flat whatever the size and other
       * work runs between pages; an entry written during the export with a
       * timestamp older than the page being read may or may not appear.
       * Fails with `ValidationError` on invalid options.
       */
      exportStream
    } as const
  }),
  dependencies: [coreLayerConfig]
}) {}

/**
 * Shared pieces of the AuditLog specs: direct reads of `audit_logs`.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { Num } from "../../src/database/Columns.js"

/** How many rows `audit_logs` holds. */
export const countEntries = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  sql`SELECT count(*) AS n FROM audit_logs`.pipe(
    Effect.flatMap(Schema.decodeUnknown(Schema.Tuple(Schema.Struct({ n: Num })))),
    Effect.map(([row]) => row.n),
    Effect.orDie
  ))

/** The stored `details` text of every row, by id. */
export const storedDetails = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  sql`SELECT details FROM audit_logs ORDER BY id`.pipe(
    Effect.flatMap(Schema.decodeUnknown(Schema.Array(Schema.Struct({ details: Schema.NullOr(Schema.String) })))),
    Effect.map((rows) => rows.map((row) => row.details)),
    Effect.orDie
  ))

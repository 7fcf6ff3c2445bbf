/**
 * The check that opening an up-to-date SQLite database needs: every
 * migration file applied, unchanged, and nothing applied without its file.
 * It reads the tracking table as plain statements on one reserved
 * connection, none of them compiled or traced: on a migrated file this is
 * all the migrator would do, at a fraction of the cost. Anything else
 * (a new or older database, a changed file, a failure) answers false, and
 * the migrator then runs as usual, with its locks and its errors.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import { DECLINED, decodeCommonRows, decodeRows } from "../database/Rows.js"
import { readMigrations } from "./MigrationFile.js"
import { AppliedMigration, compare } from "./Migrator.js"

/** The tracking table's rows, read in plain code; the schema, compiled only for rows of another shape, decides and reports. */
const decodeApplied = decodeCommonRows(
  (row): AppliedMigration | typeof DECLINED =>
    typeof row.version === "number" && typeof row.name === "string" && typeof row.checksum === "string" &&
      typeof row.applied_at === "string" && typeof row.execution_ms === "number"
      ? { version: row.version, name: row.name, checksum: row.checksum, applied_at: row.applied_at, execution_ms: row.execution_ms }
      : DECLINED,
  decodeRows(AppliedMigration)
)

/**
 * True when the SQLite database of the current `SqlClient` has every
 * migration of `directories` applied as it is on disk (what `migrate` finds
 * nothing to do for, and `verify` accepts). Call it outside a transaction.
 */
export const sqliteUpToDate = (directories: ReadonlyArray<string>): Effect.Effect<boolean, never, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const applied = yield* Effect.scoped(Effect.gen(function*() {
      const connection = yield* sql.reserve
      const tracking = yield* connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'logbook_migrations'",
        [],
        undefined
      )
      if (tracking.length === 0) return undefined
      const rows = yield* connection.execute(
        "SELECT version, name, checksum, applied_at, execution_ms FROM logbook_migrations ORDER BY version",
        [],
        undefined
      )
      return yield* decodeApplied(rows)
    }))
    // A database never migrated is not up to date: the migrator, which reads the files itself, runs.
    if (applied === undefined) return false
    const files = yield* readMigrations(directories)
    return compare(files, applied).every((status) => status.state === "applied" && !status.outOfOrder)
  }).pipe(Effect.orElseSucceed(() => false))

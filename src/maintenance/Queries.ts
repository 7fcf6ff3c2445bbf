/**
 * The SQL of the maintenance operations, one builder per statement.
 *
 * Most of it is about SQLite's file itself, in SQLite branches: PRAGMA
 * reads and steps, `VACUUM`, the WAL checkpoint, `dbstat`, FTS5 upkeep and
 * `json_each` key lists. PostgreSQL variants: table and index sizes from
 * `pg_class` (their sum per table is `pg_total_relation_size`), page counts
 * from `pg_database_size` (no free-page count: autovacuum reuses space),
 * `VACUUM FULL`, no WAL checkpoint (the server runs its own), key lists as
 * bound `IN` lists, `greatest` for the latest of several stamps, and no FTS5
 * tables (its search indexes are in `PostgresChecks.ts`). What has no
 * PostgreSQL form (SQLite's integrity check, stepping incremental vacuum)
 * fails with a `DatabaseError` saying so; the PostgreSQL doctor and backup
 * do not call them.
 *
 * @module
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import type { Fragment } from "@effect/sql/Statement"
import * as Effect from "effect/Effect"
import { type Sql as Constructor, unsupported } from "../database/Dialect.js"
import { DatabaseError } from "../Errors.js"
import type { DataTable } from "./DataTables.js"

type Sql = SqlClient.SqlClient

/** The error of a maintenance step that is SQLite's and has no PostgreSQL form yet. */
const sqliteOnly = (operation: string, what: string): DatabaseError =>
  new DatabaseError({
    reason: "Query",
    operation,
    message: `${what} is an operation of SQLite databases; logbook has no PostgreSQL form of it yet`
  })

/** SQLite's `integrity_check` rows (`ok` alone when the file is sound). */
export const integrityCheck = (sql: Sql, operation: string): Effect.Effect<ReadonlyArray<unknown>, SqlError | DatabaseError> =>
  sql.onDialectOrElse({
    sqlite: () => sql`SELECT integrity_check FROM pragma_integrity_check`,
    pg: () => Effect.fail(sqliteOnly(operation, "the integrity check")),
    orElse: unsupported(sql)
  })

/** One row `n`: rows that break a foreign key (PostgreSQL enforces them on every write: 0). */
export const foreignKeyViolations = (sql: Sql) =>
  sql.onDialectOrElse({
    sqlite: () => sql`SELECT count(*) AS n FROM pragma_foreign_key_check`,
    pg: () => sql`SELECT 0 AS n`,
    orElse: unsupported(sql)
  })

/**
 * One row: `page_size`, `page_count`, `freelist_count` and `auto_vacuum`
 * (0 none, 1 full, 2 incremental). PostgreSQL: its block size, the
 * database's size in blocks, no free pages and no auto-vacuum mode.
 */
export const pageCounts = (sql: Sql) =>
  sql.onDialectOrElse({
    sqlite: () =>
      sql`SELECT (SELECT page_size FROM pragma_page_size) AS page_size,
        (SELECT page_count FROM pragma_page_count) AS page_count,
        (SELECT freelist_count FROM pragma_freelist_count) AS freelist_count,
        (SELECT auto_vacuum FROM pragma_auto_vacuum) AS auto_vacuum`,
    pg: () =>
      sql`SELECT current_setting('block_size')::bigint AS page_size,
        pg_database_size(current_database()) / current_setting('block_size')::bigint AS page_count,
        0 AS freelist_count, 0 AS auto_vacuum`,
    orElse: unsupported(sql)
  })

/** Returns one free page of an incremental auto-vacuum database to the file system (one driver step). */
export const incrementalVacuumStep = (sql: Sql, operation: string): Effect.Effect<unknown, SqlError | DatabaseError> =>
  sql.onDialectOrElse({
    sqlite: () => sql.unsafe("PRAGMA incremental_vacuum"),
    pg: () => Effect.fail(sqliteOnly(operation, "incremental vacuum")),
    orElse: unsupported(sql)
  })

/** Copies the WAL into the database file (`TRUNCATE` also empties it); PostgreSQL checkpoints on its own. */
export const checkpointWal = (sql: Sql, mode: "PASSIVE" | "TRUNCATE"): Effect.Effect<unknown, SqlError> =>
  sql.onDialectOrElse({
    sqlite: () => sql.unsafe(`PRAGMA wal_checkpoint(${mode})`),
    pg: () => Effect.void,
    orElse: unsupported(sql)
  })

/** Rewrites the whole database: SQLite's `VACUUM`, PostgreSQL's `VACUUM FULL`. */
export const vacuumDatabase = (sql: Sql) =>
  sql.onDialectOrElse({
    sqlite: () => sql.unsafe("VACUUM"),
    pg: () => sql.unsafe("VACUUM FULL"),
    orElse: unsupported(sql)
  })

/** One row `n`: 1 when the size of every table and index can be read (SQLite built with `dbstat`). */
export const storageStatsAvailable = (sql: Sql) =>
  sql.onDialectOrElse({
    sqlite: () => sql`SELECT count(*) AS n FROM pragma_module_list WHERE name = 'dbstat'`,
    pg: () => sql`SELECT 1 AS n`,
    orElse: unsupported(sql)
  })

/**
 * Every table and index of logbook's schema, by name: `name`, `type`
 * (`table` or `index`), `tbl_name` (the table an index belongs to),
 * `virtual` (1 for a virtual table, whose rows are not counted), `pages` and
 * `bytes`.
 */
export const storageObjects = (sql: Sql) =>
  sql.onDialectOrElse({
    sqlite: () =>
      sql`SELECT m.name, m.type, m.tbl_name, (m.sql LIKE 'CREATE VIRTUAL TABLE%') AS virtual,
          coalesce(s.pages, 0) AS pages, coalesce(s.bytes, 0) AS bytes
        FROM sqlite_master m
        LEFT JOIN (SELECT name, count(*) AS pages, sum(pgsize) AS bytes FROM dbstat GROUP BY name) s ON s.name = m.name
        WHERE m.type IN ('table', 'index') AND m.name NOT LIKE 'sqlite_%'
        ORDER BY m.name`,
    pg: () =>
      sql`SELECT c.relname AS name, CASE WHEN c.relkind = 'i' THEN 'index' ELSE 'table' END AS type,
          coalesce(t.relname, c.relname) AS tbl_name, 0 AS virtual,
          sizes.bytes / current_setting('block_size')::bigint AS pages, sizes.bytes
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
        LEFT JOIN pg_index i ON i.indexrelid = c.oid
        LEFT JOIN pg_class t ON t.oid = i.indrelid
        CROSS JOIN LATERAL (SELECT CASE WHEN c.relkind = 'i' THEN pg_relation_size(c.oid)
          ELSE pg_table_size(c.oid) END AS bytes) AS sizes
        WHERE c.relkind IN ('r', 'p', 'i')
        ORDER BY c.relname`,
    orElse: unsupported(sql)
  })

/** One row `n`: the rows of `table`. */
export const countTableRows = (sql: Sql, table: string) => sql`SELECT count(*) AS n FROM ${sql(table)}`

/** The ten tasks with the most checkpoint bytes (state, context and artifacts), largest first. */
export const largestCheckpointTasks = (sql: Sql) => {
  const bytes = sql.onDialectOrElse({
    sqlite: () => sql`octet_length(state) + octet_length(context) + octet_length(artifacts)`,
    pg: () => sql`octet_length(state::text) + octet_length(context::text) + octet_length(artifacts::text)`,
    orElse: unsupported(sql)
  })
  return sql`SELECT task_id, count(*) AS checkpoints, sum(${bytes}) AS bytes
    FROM checkpoints GROUP BY task_id ORDER BY bytes DESC, task_id LIMIT 10`
}

/** The value kept under `key` in the reserved configuration scope `scope`. */
export const selectKept = (sql: Sql, scope: string, key: string) =>
  sql`SELECT value FROM configurations WHERE scope = ${scope} AND key = ${key}`

/** Keeps `value` under `key` in the reserved configuration scope `scope`, replacing what was there. */
export const upsertKept = (sql: Sql, scope: string, key: string, value: string, at: string) =>
  sql`INSERT INTO configurations (scope, key, value, updated_at) VALUES (${scope}, ${key}, ${value}, ${at})
    ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`

/**
 * The names of every FTS5 virtual table (not the fts5vocab tables over them), in name order. PostgreSQL has
 * none: its text search is a `tsvector` of the rows themselves.
 */
export const searchIndexTables = (sql: Sql): Effect.Effect<ReadonlyArray<unknown>, SqlError> =>
  sql.onDialectOrElse({
    sqlite: () =>
      sql`SELECT name FROM sqlite_master
        WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%USING fts5%' AND sql NOT LIKE '%USING fts5vocab%'
        ORDER BY name`,
    pg: () => Effect.succeed([]),
    orElse: unsupported(sql)
  })

/** FTS5's `integrity-check` of `table`, comparing with its content (`rank = 1`); fails on a finding. */
export const checkSearchIndex = (sql: Sql, table: string) =>
  sql`INSERT INTO ${sql(table)} (${sql(table)}, rank) VALUES ('integrity-check', 1)`

/** Rebuilds the FTS5 index `table` from its content. */
export const rebuildSearchIndex = (sql: Sql, table: string) =>
  sql`INSERT INTO ${sql(table)} (${sql(table)}) VALUES ('rebuild')`

/**
 * SQLite: a new version of the terms of every search index (migration 0017),
 * so that the word expansions searches keep are read again.
 */
export const renewSearchTermsVersions = (sql: Sql) =>
  sql`UPDATE search_terms_versions SET version = random() % 9007199254740991`

/**
 * `column` is one of `values`, a key list of any length: one bound JSON
 * array on SQLite (`json_each`), a bound `IN` list on PostgreSQL (whose
 * parameter limit is far above a prune chunk).
 */
export const keyIn = (sql: Constructor, column: string, values: ReadonlyArray<unknown>): Fragment =>
  sql.onDialectOrElse({
    sqlite: () => sql`${sql(column)} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`,
    pg: () => values.length === 0 ? sql`false` : sql.in(column, values.map(bindable)),
    orElse: unsupported(sql)
  })

const bindable = (value: unknown): string | number | bigint | null =>
  typeof value === "string" || typeof value === "number" || typeof value === "bigint" ? value : value == null ? null : String(value)

/**
 * A workflow state's last activity (its last save, transition or
 * checkpoint) is before `before`.
 */
export const workflowIdleBefore = (sql: Constructor, before: string): Fragment => {
  const activity = [
    sql`updated_at`,
    sql`coalesce((SELECT max(t.created_at) FROM state_transitions t WHERE t.task_id = workflow_states.task_id), '')`,
    sql`coalesce((SELECT max(c.created_at) FROM checkpoints c WHERE c.task_id = workflow_states.task_id), '')`
  ]
  return sql.onDialectOrElse({
    sqlite: () => sql`max(${sql.csv(activity)}) < ${before}`,
    pg: () => sql`greatest(${sql.csv(activity)}) < ${before}`,
    orElse: unsupported(sql)
  })
}

/**
 * A checkpoint has at least `keepLast` newer ones of its task, in the order
 * `StateStore.checkpoints` lists them: by `created_at`, then insertion
 * (SQLite's rowid; the identity column `seq` on PostgreSQL).
 */
export const checkpointBeyond = (sql: Constructor, keepLast: number): Fragment => {
  const tieBreak = sql.onDialectOrElse({
    sqlite: () => sql`newer.rowid > checkpoints.rowid`,
    pg: () => sql`newer.seq > checkpoints.seq`,
    orElse: unsupported(sql)
  })
  return sql`(SELECT count(*) FROM checkpoints newer
    WHERE newer.task_id = checkpoints.task_id AND (newer.created_at > checkpoints.created_at
      OR (newer.created_at = checkpoints.created_at AND ${tieBreak}))) >= ${keepLast}`
}

/** The rows of each table in one statement: one row with a column per table, named after it. */
export const countRows = (sql: Sql, tables: ReadonlyArray<DataTable>) =>
  sql`SELECT ${sql.csv(tables.map((table) => sql`(SELECT count(*) FROM ${sql(table)}) AS ${sql(table)}`))}`

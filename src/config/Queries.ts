/**
 * The SQL of the `ConfigStore`, one builder per statement.
 *
 * No statement differs per dialect: values are read as their JSON text
 * (`CAST(value AS TEXT)`: SQLite's text as stored, PostgreSQL's `jsonb`
 * written out, which the driver would otherwise hand back parsed), and the
 * upsert's `ON CONFLICT ... DO UPDATE` reads the same on both.
 *
 * @module
 */
import type { Sql } from "../database/Dialect.js"
import { GLOBAL_SCOPE } from "./ConfigScope.js"

/** The columns of a `ConfigEntryFromRow`. */
const entryColumns = (sql: Sql) => sql`scope, key, CAST(value AS TEXT) AS value, updated_at`

/** The value (`value`) of `key` in `scope`, else in the global scope: one row at most. */
export const selectValue = (sql: Sql, key: string, scope: string) =>
  sql`SELECT CAST(value AS TEXT) AS value FROM configurations
    WHERE key = ${key} AND scope IN (${scope}, ${GLOBAL_SCOPE})
    ORDER BY scope = ${GLOBAL_SCOPE} LIMIT 1`

/** Sets `key` in `scope` to the JSON text `value`, replacing what is there. */
export const upsertValue = (sql: Sql, scope: string, key: string, value: string, at: string) =>
  sql`INSERT INTO configurations (scope, key, value, updated_at)
    VALUES (${scope}, ${key}, ${value}, ${at})
    ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`

/** Removes `key` from `scope`, returning its `key` when it was there. */
export const deleteValue = (sql: Sql, scope: string, key: string) =>
  sql`DELETE FROM configurations WHERE scope = ${scope} AND key = ${key} RETURNING key`

/** Every entry, by scope then key. */
export const selectAll = (sql: Sql) =>
  sql`SELECT ${entryColumns(sql)} FROM configurations ORDER BY scope, key`

/** The entries of one scope, by key. */
export const selectScope = (sql: Sql, scope: string) =>
  sql`SELECT ${entryColumns(sql)} FROM configurations WHERE scope = ${scope} ORDER BY key`

/**
 * The entries a project scope sees: its own, and the global ones it does not
 * override, by scope then key.
 */
export const selectEffective = (sql: Sql, scope: string) =>
  sql`SELECT ${entryColumns(sql)} FROM configurations WHERE scope = ${scope}
    UNION ALL
    SELECT ${entryColumns(sql)} FROM configurations g WHERE g.scope = ${GLOBAL_SCOPE}
      AND NOT EXISTS (SELECT 1 FROM configurations p WHERE p.scope = ${scope} AND p.key = g.key)
    ORDER BY scope, key`

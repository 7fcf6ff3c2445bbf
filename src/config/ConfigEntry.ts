/**
 * A configuration value as `ConfigStore.list` returns it.
 *
 * @module
 */
import * as Schema from "effect/Schema"
import { Json, Stamp } from "../database/Columns.js"
import { ConfigScope } from "./ConfigScope.js"

/** One stored configuration value, with where it applies and when it was last set. */
export const ConfigEntry = Schema.Struct({
  scope: ConfigScope,
  key: Schema.String,
  /** The JSON value, as stored (after redaction). */
  value: Schema.Unknown,
  /** ISO-8601 UTC with milliseconds. */
  updatedAt: Schema.String
})
export type ConfigEntry = typeof ConfigEntry.Type

/** A row of the `configurations` table, decoded to a {@link ConfigEntry}. */
export const ConfigEntryFromRow = Schema.transform(
  Schema.Struct({ scope: ConfigScope, key: Schema.String, value: Json(Schema.Unknown), updated_at: Stamp }),
  ConfigEntry,
  {
    strict: true,
    decode: (row) => ({ scope: row.scope, key: row.key, value: row.value, updatedAt: row.updated_at }),
    encode: (entry) => ({ scope: entry.scope, key: entry.key, value: entry.value, updated_at: entry.updatedAt })
  }
)

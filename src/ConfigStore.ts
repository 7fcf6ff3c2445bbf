/**
 * The `ConfigStore`: configuration values as JSON, global or per project,
 * read back through the caller's schema. A project's value overrides the
 * global one; `get` in a project scope falls back to the global value.
 * Values go through the `Redactor` before they are stored (the key name
 * counts as a JSON member name, so `set("apiKey", ...)` is redacted
 * whatever the value looks like): configuration is not a secret store.
 *
 * @module
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { ConfigEntryFromRow, type ConfigEntry } from "./config/ConfigEntry.js"
import { ConfigKey, ConfigScope, GLOBAL_SCOPE } from "./config/ConfigScope.js"
import * as Queries from "./config/Queries.js"
import { coreLayerConfig } from "./Core.js"
import { Database } from "./Database.js"
import { Json } from "./database/Columns.js"
import { withDatabaseErrors } from "./database/SqlFailure.js"
import type { DatabaseError, ValidationError } from "./Errors.js"
import { Redactor } from "./redaction/Redactor.js"
import { JsonValue } from "./state/Json.js"
import { now } from "./domain/Timestamp.js"
import { checkStoredInput, fromParseError, validate } from "./Validation.js"

export { type ConfigEntry } from "./config/ConfigEntry.js"
export { ConfigKey, ConfigScope, GLOBAL_SCOPE, projectScope } from "./config/ConfigScope.js"

/** Which scope a call applies to; `"global"` when left out. */
export interface ConfigScopeOption {
  readonly scope?: ConfigScope | undefined
}

/** Options of `ConfigStore.set`. */
export interface ConfigSetOptions<A, I> extends ConfigScopeOption {
  /** Encodes the value to JSON first (e.g. `Schema.Date` stores a `Date` as its ISO text). */
  readonly schema?: Schema.Schema<A, I> | undefined
}

/** Options of `ConfigStore.list`. */
export interface ConfigListOptions {
  /** Only this scope's entries; every scope's when left out. */
  readonly scope?: ConfigScope | undefined
  /** With a project scope: also the global entries that the project does not override, as `get` sees them. */
  readonly effective?: boolean | undefined
}

/** The `ConfigStore` service. */
export interface ConfigStoreService {
  /**
   * The value of `key` in `scope` (for a project scope: the project's value,
   * else the global one), decoded with `schema`; none when neither is set.
   * Fails with `ValidationError` when the stored value does not match
   * `schema`, or on an empty key or a malformed scope.
   */
  readonly get: <A, I>(
    key: string,
    schema: Schema.Schema<A, I>,
    options?: ConfigScopeOption
  ) => Effect.Effect<Option.Option<A>, ValidationError | DatabaseError>
  /**
   * Sets `key` in `scope` to a JSON value (encoded with `options.schema`
   * first when given), replacing any value there. Fails with
   * `ValidationError` (nothing written) when the value is not JSON, the key
   * is empty or the scope malformed.
   */
  readonly set: <A, I = A>(
    key: string,
    value: A,
    options?: ConfigSetOptions<A, I>
  ) => Effect.Effect<void, ValidationError | DatabaseError>
  /** Removes `key` from `scope` only (never from the global scope on behalf of a project); false if it was not set there. */
  readonly delete: (key: string, options?: ConfigScopeOption) => Effect.Effect<boolean, ValidationError | DatabaseError>
  /** The stored entries (see {@link ConfigListOptions}), by scope then key. */
  readonly list: (options?: ConfigListOptions) => Effect.Effect<ReadonlyArray<ConfigEntry>, ValidationError | DatabaseError>
}

const Found = Schema.Array(Schema.Struct({ value: Json(Schema.Unknown) }))
const Entries = Schema.Array(ConfigEntryFromRow)
const Deleted = Schema.Array(Schema.Struct({ key: Schema.String }))

const make = Effect.gen(function*() {
  const { sql } = yield* Database
  const redactor = yield* Redactor
  // Keys and scopes are identifiers: stored redacted with a stable placeholder, looked up the same way.
  const id = redactor.redactIdentifier

  const checkScope = (options: ConfigScopeOption | undefined) =>
    validate(ConfigScope, "configuration scope")(options?.scope ?? GLOBAL_SCOPE)
  const checkKey = validate(ConfigKey, "configuration key")

  const get = <A, I>(key: string, schema: Schema.Schema<A, I>, options?: ConfigScopeOption) =>
    Effect.gen(function*() {
      const name = id(yield* checkKey(key))
      const scope = id(yield* checkScope(options))
      const found = yield* Queries.selectValue(sql, name, scope).pipe(
        Effect.flatMap(Schema.decodeUnknown(Found)),
        withDatabaseErrors("ConfigStore.get")
      )
      const row = found[0]
      if (row === undefined) return Option.none<A>()
      return Option.some(yield* validate(schema, `configuration value ${name}`)(row.value))
    }).pipe(Effect.withSpan("ConfigStore.get"))

  const set = <A, I = A>(key: string, value: A, options?: ConfigSetOptions<A, I>) =>
    Effect.gen(function*() {
      const name = id(yield* checkKey(key))
      const scope = id(yield* checkScope(options))
      const encoded = options?.schema === undefined
        ? value
        : yield* Schema.encode(options.schema)(value).pipe(Effect.mapError(fromParseError(`configuration value ${name}`)))
      yield* checkStoredInput(`configuration value ${name}`)({ key, value: encoded })
      const json = yield* validate(JsonValue, `configuration value ${name}`)(encoded)
      // Redacted as a member named after the key, so that a sensitive key name counts.
      const redacted = Object.values(redactor.redactJson({ [name]: json }))[0]
      const at = yield* now
      yield* Queries.upsertValue(sql, scope, name, JSON.stringify(redacted), at).pipe(
        withDatabaseErrors("ConfigStore.set")
      )
    }).pipe(Effect.withSpan("ConfigStore.set"))

  const delete_ = Effect.fn("ConfigStore.delete")(function*(key: string, options?: ConfigScopeOption) {
    const name = id(yield* checkKey(key))
    const scope = id(yield* checkScope(options))
    const deleted = yield* Queries.deleteValue(sql, scope, name).pipe(
      Effect.flatMap(Schema.decodeUnknown(Deleted)),
      withDatabaseErrors("ConfigStore.delete")
    )
    return deleted.length > 0
  })

  const list = Effect.fn("ConfigStore.list")(function*(options?: ConfigListOptions) {
    if (options?.scope === undefined) {
      return yield* Queries.selectAll(sql).pipe(
        Effect.flatMap(Schema.decodeUnknown(Entries)),
        withDatabaseErrors("ConfigStore.list")
      )
    }
    const scope = id(yield* checkScope(options))
    const query = options.effective === true && scope !== GLOBAL_SCOPE
      ? Queries.selectEffective(sql, scope)
      : Queries.selectScope(sql, scope)
    return yield* query.pipe(Effect.flatMap(Schema.decodeUnknown(Entries)), withDatabaseErrors("ConfigStore.list"))
  })

  const service: ConfigStoreService = { get, set, delete: delete_, list }
  return service
})

/**
 * Configuration values, global or per project. `ConfigStore.Default` opens
 * the database named by the `LOGBOOK_*` environment variables;
 * `ConfigStore.DefaultWithoutDependencies` needs the core services (`Core`).
 */
export class ConfigStore extends Effect.Service<ConfigStore>()("logbook/ConfigStore", {
  effect: make,
  dependencies: [coreLayerConfig]
}) {}

/**
 * How a logbook database is opened: its URL, the migration mode, durability
 * settings, extra migration folders, the redaction rules and where its
 * write-behind spool files live. Read from the
 * caller's options or from `LOGBOOK_*` environment variables.
 */
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import { createHash } from "node:crypto"
import * as path from "node:path"
import { DatabaseError } from "../Errors.js"
import { describeIssues, parsePolicy, type RetentionPolicy, type RetentionPolicyInput, validatePolicy } from "../maintenance/RetentionPolicy.js"
import type { RedactionOptions } from "../redaction/Redactor.js"

/** What happens to pending migrations when the layer is acquired. */
export type MigrateMode = "apply" | "verify" | "off"

/** Options of `Database.layer` and `Logbook.layer`. */
export interface DatabaseOptions {
  /**
   * A file path, `:memory:`, `file:...`, or `postgres://...`. Default
   * `./.logbook/logbook.db`. A plain path is taken literally (`100%.db`,
   * `a%20b.db` and `x?y.db` are those very names); only a `file:` URL has its
   * `?query` and `#fragment` dropped and its `%HH` escapes decoded.
   */
  readonly url?: string | undefined
  /**
   * `apply` (default) runs pending migrations; `verify` fails on pending or drifted ones without writing; `off` does neither.
   * A database file this process may not change (its mode or owner, a read-only mount) is opened read-only, creating
   * nothing beside it, with `verify` or `off`; with `apply` opening it fails with `DatabaseError` (reason `ReadOnly`).
   */
  readonly migrate?: MigrateMode | undefined
  /** SQLite `synchronous`: `full` (default, durable on return) or `normal` (faster, may lose the last commits on power loss). */
  readonly synchronous?: "normal" | "full" | undefined
  /**
   * How long a statement waits for another connection's lock before `Busy`.
   * Default 5 seconds. A malformed or infinite duration makes opening fail
   * with a `DatabaseError` (reason `Connection`, operation `Database.open`).
   */
  readonly busyTimeout?: Duration.DurationInput | undefined
  /** Extra folders of user migrations, applied after logbook's own. */
  readonly migrationsDirectories?: ReadonlyArray<string> | undefined
  /** Redaction rules; only the explicit `"off"` disables redaction. */
  readonly redaction?: RedactionOptions | undefined
  /**
   * A retention policy applied by a background fiber on a schedule (off when
   * left out), e.g. `{ audit: "90 days", checkpoints: { keepLast: 20 } }`; see
   * `RetentionPolicyInput`. A malformed policy makes opening fail with a
   * `DatabaseError` (reason `Connection`, operation `Database.open`).
   */
  readonly retention?: RetentionPolicyInput | undefined
  /**
   * PostgreSQL only: the most connections the pool opens. Default 10. A value
   * that is not a whole number of at least 1 makes opening fail with a
   * `DatabaseError` (reason `Connection`, operation `Database.open`).
   */
  readonly poolSize?: number | undefined
  /**
   * PostgreSQL only: the server cancels a statement that runs longer than
   * this (`statement_timeout`). Default: no limit. A malformed or negative
   * duration makes opening fail like a malformed `busyTimeout`.
   */
  readonly statementTimeout?: Duration.DurationInput | undefined
  /**
   * The folder of the write-behind spool files: records kept while the
   * database cannot take them, replayed by the next process that opens the
   * same database with the same folder. Default: beside a database file
   * (`<file>.spool-<id>.jsonl`); `./.logbook/spool` for a database that is
   * not a file (`:memory:`, a server), where a process replays into its own
   * database what a process that died spooled.
   */
  readonly spoolDirectory?: string | undefined
}

/** The default database location, relative to the working directory. */
export const DEFAULT_URL = "./.logbook/logbook.db"

/** The spool folder of a database that is not a file, relative to the working directory. */
export const DEFAULT_SPOOL_DIRECTORY = "./.logbook/spool"

/** Where the database lives, as the driver needs it. */
export type Location =
  | { readonly _tag: "Memory" }
  | { readonly _tag: "File"; readonly filename: string }
  | { readonly _tag: "Postgres"; readonly url: string }

/**
 * Decodes each run of `%HH` escapes of a `file:` URL's path. A run that is
 * not valid UTF-8, and a `%` not followed by two hex digits, are left as
 * they are (never thrown on): `file:100%.db` is the file `100%.db`.
 */
const percentDecode = (text: string): string =>
  text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run)
    } catch {
      return run
    }
  })

/**
 * Interprets a database URL. A plain path is used as it is, resolved
 * against the working directory: no character of it is special. Only a
 * `file:` URL (`file:rel.db`, `file:/abs.db`, `file:///abs.db`,
 * `file://localhost/abs.db`) loses its `?query` and `#fragment` and has its
 * percent-escapes decoded; a malformed escape is kept undecoded.
 */
export const locate = (url: string): Location => {
  if (/^postgres(ql)?:\/\//i.test(url)) return { _tag: "Postgres", url }
  if (url === ":memory:" || url === "file::memory:" || /^file::memory:[?#]/.test(url)) return { _tag: "Memory" }
  if (!url.startsWith("file:")) return { _tag: "File", filename: path.resolve(url) }
  const withoutScheme = url.startsWith("file://localhost/")
    ? url.slice("file://localhost".length)
    : url.startsWith("file://")
    ? url.slice("file://".length)
    : url.slice("file:".length)
  const filename = percentDecode(withoutScheme.replace(/[?#][\s\S]*$/, ""))
  return { _tag: "File", filename: path.resolve(filename) }
}

/**
 * A PostgreSQL URL as it may be shown (health reports, messages): its
 * password replaced by `***`. A URL that does not parse is shown as its
 * scheme only.
 */
export const displayUrl = (url: string): string => {
  try {
    const parsed = new URL(url)
    if (parsed.password !== "") parsed.password = "***"
    return parsed.toString()
  } catch {
    return `${url.split(":")[0]}://…`
  }
}

/**
 * The path every spool file name of the database at `location` starts with
 * (`<spool>.spool-<id>.jsonl`, `<spool>.rejected.jsonl`): the database file
 * itself by default; in `spoolDirectory`, the file's name, `memory` for an
 * in-memory database, or `postgres-` and a digest of the server URL (its
 * password left out), so that each server has spool files of its own.
 */
export const spoolOf = (location: Location, spoolDirectory: string | undefined): string => {
  if (location._tag === "File" && spoolDirectory === undefined) return location.filename
  const folder = path.resolve(spoolDirectory ?? DEFAULT_SPOOL_DIRECTORY)
  switch (location._tag) {
    case "File":
      return path.join(folder, path.basename(location.filename))
    case "Memory":
      return path.join(folder, "memory")
    case "Postgres": {
      const server = location.url.replace(/^([^:]+:\/\/[^:/@]*):[^@/]*@/, "$1@")
      return path.join(folder, `postgres-${createHash("sha256").update(server).digest("hex").slice(0, 16)}`)
    }
  }
}

/** Options with every default filled in. */
export interface ResolvedOptions {
  readonly url: string
  readonly location: Location
  readonly migrate: MigrateMode
  readonly synchronous: "normal" | "full"
  readonly busyTimeout: Duration.Duration
  readonly migrationsDirectories: ReadonlyArray<string>
  readonly redaction: RedactionOptions | undefined
  readonly retention: RetentionPolicy | undefined
  readonly poolSize: number
  /** None: no limit. */
  readonly statementTimeout: Option.Option<Duration.Duration>
  /** Where the write-behind spool files live: see {@link spoolOf}. */
  readonly spool: string
}

/** The default size of a PostgreSQL connection pool. */
export const DEFAULT_POOL_SIZE = 10

const describeValue = (value: unknown): string => {
  if (typeof value === "string") return JSON.stringify(value)
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

/** A duration option as a finite duration, or the reason it is not one. */
const finiteDuration = (input: unknown): Either.Either<Duration.Duration, string> => {
  if (typeof input === "number" && Number.isNaN(input)) return Either.left("it is NaN")
  return Option.match(Duration.decodeUnknown(input), {
    onNone: () => Either.left("expected a duration such as 5000 (milliseconds), \"5 seconds\" or Duration.seconds(5)"),
    onSome: (duration) => Duration.isFinite(duration) ? Either.right(duration) : Either.left("it must be finite")
  })
}

const invalid = (message: string) => new DatabaseError({ reason: "Connection", operation: "Database.open", message })

/**
 * Fills in the defaults. Fails with a `DatabaseError` (reason `Connection`,
 * operation `Database.open`) on a malformed `busyTimeout`; never throws.
 */
export const resolveOptions = (options: DatabaseOptions = {}): Either.Either<ResolvedOptions, DatabaseError> => {
  const retention = options.retention === undefined ? Either.right(undefined) : validatePolicy(options.retention)
  if (Either.isLeft(retention)) {
    return Either.left(new DatabaseError({ reason: "Connection", operation: "Database.open", message: `invalid retention policy: ${describeIssues(retention.left)}` }))
  }
  const poolSize = options.poolSize ?? DEFAULT_POOL_SIZE
  if (!Number.isSafeInteger(poolSize) || poolSize < 1) {
    return Either.left(invalid(`invalid poolSize ${describeValue(poolSize)}: expected a whole number of at least 1`))
  }
  const statementTimeout = options.statementTimeout === undefined
    ? Either.right(Option.none<Duration.Duration>())
    : Either.map(finiteDuration(options.statementTimeout), Option.some)
  if (Either.isLeft(statementTimeout)) {
    return Either.left(invalid(`invalid statementTimeout ${describeValue(options.statementTimeout)}: ${statementTimeout.left}`))
  }
  const url = options.url ?? DEFAULT_URL
  const busyInput: unknown = options.busyTimeout ?? Duration.seconds(5)
  return finiteDuration(busyInput).pipe(
    Either.mapLeft((problem) =>
      new DatabaseError({
        reason: "Connection",
        operation: "Database.open",
        message: `invalid busyTimeout ${describeValue(busyInput)}: ${problem}`
      })
    ),
    Either.map((busyTimeout): ResolvedOptions => ({
      url,
      location: locate(url),
      migrate: options.migrate ?? "apply",
      synchronous: options.synchronous ?? "full",
      busyTimeout,
      migrationsDirectories: options.migrationsDirectories ?? [],
      redaction: options.redaction,
      retention: retention.right,
      poolSize,
      statementTimeout: statementTimeout.right,
      spool: spoolOf(locate(url), options.spoolDirectory)
    }))
  )
}

/** `LOGBOOK_RETENTION`: a retention policy as JSON, validated. */
export const retentionFromEnvironment: Config.Config<Option.Option<RetentionPolicy>> = Config.option(
  Config.string("LOGBOOK_RETENTION").pipe(
    Config.mapOrFail((text) =>
      Either.match(parsePolicy(text), {
        onLeft: (issues) => Either.left(ConfigError.InvalidData([], `invalid LOGBOOK_RETENTION: ${describeIssues(issues)}`)),
        onRight: (policy) => Either.right(policy)
      })
    )
  )
)

/**
 * `LOGBOOK_DATABASE_URL`, `LOGBOOK_MIGRATE`, `LOGBOOK_SYNCHRONOUS`, `LOGBOOK_BUSY_TIMEOUT` (e.g. `5 seconds`),
 * `LOGBOOK_RETENTION` (JSON), `LOGBOOK_SPOOL_DIRECTORY`, and for PostgreSQL `LOGBOOK_POOL_SIZE` and
 * `LOGBOOK_STATEMENT_TIMEOUT`.
 */
export const optionsFromEnvironment: Config.Config<DatabaseOptions> = Config.all({
  url: Config.option(Config.string("LOGBOOK_DATABASE_URL")),
  migrate: Config.option(Config.literal("apply", "verify", "off")("LOGBOOK_MIGRATE")),
  synchronous: Config.option(Config.literal("normal", "full")("LOGBOOK_SYNCHRONOUS")),
  busyTimeout: Config.option(Config.duration("LOGBOOK_BUSY_TIMEOUT")),
  retention: retentionFromEnvironment,
  poolSize: Config.option(Config.integer("LOGBOOK_POOL_SIZE")),
  statementTimeout: Config.option(Config.duration("LOGBOOK_STATEMENT_TIMEOUT")),
  spoolDirectory: Config.option(Config.string("LOGBOOK_SPOOL_DIRECTORY"))
}).pipe(
  Config.map((env) => ({
    url: Option.getOrUndefined(env.url),
    migrate: Option.getOrUndefined(env.migrate),
    synchronous: Option.getOrUndefined(env.synchronous),
    busyTimeout: Option.getOrUndefined(env.busyTimeout),
    retention: Option.getOrUndefined(env.retention),
    poolSize: Option.getOrUndefined(env.poolSize),
    statementTimeout: Option.getOrUndefined(env.statementTimeout),
    spoolDirectory: Option.getOrUndefined(env.spoolDirectory)
  }))
)

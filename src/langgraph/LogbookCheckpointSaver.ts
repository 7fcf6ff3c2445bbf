/**
 * A LangGraph checkpoint saver on logbook's database: checkpoints, channel
 * values and pending writes in their own tables, each channel value stored
 * once per version.
 */
import {
  BaseCheckpointSaver,
  type ChannelVersions,
  type Checkpoint,
  type CheckpointListOptions,
  type CheckpointMetadata,
  type CheckpointPendingWrite,
  type CheckpointTuple,
  compareWritesSortKeys,
  getCheckpointId,
  maxChannelVersion,
  type PendingWrite,
  type SerializerProtocol,
  TASKS,
  WRITES_IDX_MAP,
  writesSortKey
} from "@langchain/langgraph-checkpoint"
import type { RunnableConfig } from "@langchain/core/runnables"
import * as Effect from "effect/Effect"
import type * as Runtime from "effect/Runtime"
import * as Schema from "effect/Schema"
import { type BridgeServices, type EffectRunner, fromOptions, fromRuntime } from "../bridge/EffectRunner.js"
import { Database, type DatabaseOptions } from "../Database.js"
import { withDatabaseErrors } from "../database/SqlFailure.js"
import { onFirstCall } from "../domain/OnFirstCall.js"
import { ValidationError } from "../Errors.js"
import { Redactor, type RedactorService } from "../redaction/Redactor.js"
import * as Queries from "./Queries.js"
import { jsonText, type Serialized, serialize } from "./Serialized.js"

/** Options of {@link LogbookCheckpointSaver}. */
export interface LogbookCheckpointSaverOptions {
  /**
   * Keep only the newest `keepLast` checkpoints of each thread and namespace
   * (a positive integer); older ones go with their writes and with every
   * channel value no kept checkpoint uses. Default: keep all.
   */
  readonly keepLast?: number | undefined
  /**
   * `"on"` (default): channel values, writes and metadata pass through the
   * logbook `Redactor` before they are stored, so no secret reaches the
   * disk — but a checkpoint whose state held a secret resumes with the
   * `[REDACTED:<rule>]` placeholder in its place. `"off"` exempts this store:
   * state is stored exactly as the graph produced it, so every checkpoint
   * resumes as it was, secrets included.
   */
  readonly redaction?: "on" | "off" | undefined
  /** The serializer of values (default LangGraph's JsonPlusSerializer). */
  readonly serde?: SerializerProtocol | undefined
}

const ChannelVersion = Schema.Union(Schema.Number, Schema.String)
const StoredCheckpoint = Schema.Struct(
  {
    v: Schema.Number,
    id: Schema.String,
    ts: Schema.String,
    channel_versions: Schema.Record({ key: Schema.String, value: ChannelVersion }),
    versions_seen: Schema.Record({
      key: Schema.String,
      value: Schema.Record({ key: Schema.String, value: ChannelVersion })
    })
  },
  Schema.Record({ key: Schema.String, value: Schema.Unknown })
)
const decodeCheckpoint = onFirstCall(() => Schema.decodeUnknownSync(Schema.parseJson(StoredCheckpoint)))

const invalid = (message: string) => new ValidationError({ message, issues: [] })

/**
 * A LangGraph `BaseCheckpointSaver` on logbook.
 *
 * - `LogbookCheckpointSaver.open(databaseOptions, options)` opens its own
 *   database (migrated on first use) and closes it on `close()`;
 * - `yield* LogbookCheckpointSaver.make(options)` builds one on the
 *   `Database` and `Redactor` of the current Effect context (e.g. inside a
 *   program given `Logbook.layer()`), or `fromRuntime(runtime, options)` on
 *   a runtime that has them.
 *
 * Each channel value is stored once per (channel, version): a checkpoint
 * stores only the channels whose version changed. Methods reject with
 * logbook's `DatabaseError` when the database fails and with
 * `ValidationError` on a config without `thread_id`.
 */
export class LogbookCheckpointSaver extends BaseCheckpointSaver {
  readonly #runner: EffectRunner
  readonly #keepLast: number | undefined
  readonly #redaction: "on" | "off"
  #redactor: RedactorService | undefined

  private constructor(runner: EffectRunner, options: LogbookCheckpointSaverOptions | undefined) {
    super(options?.serde)
    const keepLast = options?.keepLast
    if (keepLast !== undefined && !(Number.isSafeInteger(keepLast) && keepLast > 0)) {
      throw invalid(`keepLast must be a positive integer, got ${String(keepLast)}`)
    }
    const redaction = options?.redaction ?? "on"
    if (redaction !== "on" && redaction !== "off") {
      throw invalid(`redaction must be "on" or "off", got ${String(redaction)}`)
    }
    this.#runner = runner
    this.#keepLast = keepLast
    this.#redaction = redaction
  }

  /** A saver on its own database, opened with `databaseOptions` on first use. */
  static open(databaseOptions?: DatabaseOptions, options?: LogbookCheckpointSaverOptions): LogbookCheckpointSaver {
    return new LogbookCheckpointSaver(fromOptions(databaseOptions), options)
  }

  /** A saver on a runtime that provides logbook's `Database` and `Redactor`. */
  static fromRuntime(runtime: Runtime.Runtime<BridgeServices>, options?: LogbookCheckpointSaverOptions): LogbookCheckpointSaver {
    return new LogbookCheckpointSaver(fromRuntime(runtime), options)
  }

  /** A saver on the `Database` and `Redactor` of the current context. */
  static make(options?: LogbookCheckpointSaverOptions): Effect.Effect<LogbookCheckpointSaver, ValidationError, BridgeServices> {
    return Effect.flatMap(
      Effect.runtime<BridgeServices>(),
      (runtime) =>
        Effect.try({
          try: () => LogbookCheckpointSaver.fromRuntime(runtime, options),
          catch: (error) => error instanceof ValidationError ? error : invalid(String(error))
        })
    )
  }

  /** Closes the database when the saver opened it (`open`); otherwise does nothing. */
  close(): Promise<void> {
    return this.#runner.close()
  }

  async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const threadId = config.configurable?.thread_id
    if (threadId === undefined || threadId === null) return undefined
    const checkpointNs: string = config.configurable?.checkpoint_ns ?? ""
    const checkpointId = getCheckpointId(config) || undefined
    const loaded = await this.#runner.run(
      Effect.gen(function*() {
        const { sql } = yield* Database
        const [row] = yield* Queries.selectCheckpoint(sql, String(threadId), checkpointNs, checkpointId)
        if (row === undefined) return undefined
        const parts = yield* Queries.selectParts(sql, row)
        return { row, parts }
      }).pipe(withDatabaseErrors("LogbookCheckpointSaver.getTuple"), Effect.withSpan("LogbookCheckpointSaver.getTuple"))
    )
    if (loaded === undefined) return undefined
    const [tuple] = await this.#migrateSends([await this.#tuple(loaded.row, loaded.parts)])
    return tuple
  }

  async *list(config: RunnableConfig, options?: CheckpointListOptions): AsyncGenerator<CheckpointTuple> {
    const { filter, before, limit } = options ?? {}
    if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0)) {
      throw invalid(`limit must be a non-negative integer, got ${String(limit)}`)
    }
    const threadId = config.configurable?.thread_id
    const checkpointNs = config.configurable?.checkpoint_ns
    const checkpointId = config.configurable?.checkpoint_id
    const query: Queries.ListQuery = {
      threadId: threadId === undefined || threadId === null ? undefined : String(threadId),
      checkpointNs: checkpointNs === undefined || checkpointNs === null ? undefined : String(checkpointNs),
      checkpointId: checkpointId ? String(checkpointId) : undefined,
      before: before?.configurable?.checkpoint_id ? String(before.configurable.checkpoint_id) : undefined,
      filter: Object.entries(filter ?? {}).flatMap(([key, value]) =>
        value === undefined ? [] : [[key, JSON.stringify(value)] as const]
      ),
      limit
    }
    const rows = await this.#runner.run(
      Effect.flatMap(Database, ({ sql }) => Queries.listCheckpoints(sql, query)).pipe(
        withDatabaseErrors("LogbookCheckpointSaver.list"),
        Effect.withSpan("LogbookCheckpointSaver.list")
      )
    )
    for (const row of rows) {
      const parts = await this.#runner.run(
        Effect.flatMap(Database, ({ sql }) => Queries.selectParts(sql, row)).pipe(
          withDatabaseErrors("LogbookCheckpointSaver.list")
        )
      )
      const [tuple] = await this.#migrateSends([await this.#tuple(row, parts)])
      yield tuple
    }
  }

  async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions
  ): Promise<RunnableConfig> {
    const threadId = config.configurable?.thread_id
    if (threadId === undefined || threadId === null) {
      throw invalid("put needs a config with configurable.thread_id")
    }
    const thread = String(threadId)
    const checkpointNs: string = config.configurable?.checkpoint_ns ?? ""
    const parentId = config.configurable?.checkpoint_id
    const redactor = await this.#activeRedactor()
    const blobs = await Promise.all(Object.entries(newVersions).map(async ([channel, version]) => {
      const value = channel in checkpoint.channel_values
        ? await serialize(this.serde, redactor, checkpoint.channel_values[channel])
        : undefined
      return {
        thread_id: thread,
        checkpoint_ns: checkpointNs,
        channel,
        version: String(version),
        type: value?.type ?? "empty",
        blob: value?.bytes ?? null
      }
    }))
    const { channel_values: _values, ...rest } = checkpoint
    const storedMetadata = await serialize(this.serde, redactor, metadata)
    if (storedMetadata.type !== "json") {
      throw invalid(`checkpoint metadata must serialize to JSON, the serializer gave "${storedMetadata.type}"`)
    }
    const row: Queries.CheckpointInsert = {
      thread_id: thread,
      checkpoint_ns: checkpointNs,
      checkpoint_id: checkpoint.id,
      parent_checkpoint_id: parentId ? String(parentId) : null,
      checkpoint: JSON.stringify(rest),
      metadata: jsonText(storedMetadata)
    }
    const keepLast = this.#keepLast
    await this.#runner.run(
      Effect.gen(function*() {
        const db = yield* Database
        yield* db.transaction(
          "LogbookCheckpointSaver.put",
          Effect.gen(function*() {
            yield* Queries.upsertCheckpoint(db.sql, row)
            yield* Queries.insertBlobs(db.sql, blobs)
            if (keepLast !== undefined) yield* Queries.pruneThread(db.sql, thread, checkpointNs, keepLast)
          })
        )
      }).pipe(Effect.withSpan("LogbookCheckpointSaver.put"))
    )
    return { configurable: { thread_id: threadId, checkpoint_ns: checkpointNs, checkpoint_id: checkpoint.id } }
  }

  async putWrites(config: RunnableConfig, writes: Array<PendingWrite>, taskId: string, taskPath?: string): Promise<void> {
    const threadId = config.configurable?.thread_id
    const checkpointId = config.configurable?.checkpoint_id
    if (threadId === undefined || threadId === null || !checkpointId) {
      throw invalid("putWrites needs a config with configurable.thread_id and configurable.checkpoint_id")
    }
    const checkpointNs: string = config.configurable?.checkpoint_ns ?? ""
    const redactor = await this.#activeRedactor()
    const rows = await Promise.all(writes.map(async ([channel, value], idx): Promise<Queries.WriteInsert> => {
      const stored: Serialized = await serialize(this.serde, redactor, value)
      return {
        thread_id: String(threadId),
        checkpoint_ns: checkpointNs,
        checkpoint_id: String(checkpointId),
        task_id: taskId,
        idx: WRITES_IDX_MAP[channel] ?? idx,
        task_path: taskPath ?? "",
        channel,
        type: stored.type,
        blob: stored.bytes
      }
    }))
    const replace = writes.every(([channel]) => channel in WRITES_IDX_MAP)
    await this.#runner.run(
      Effect.gen(function*() {
        const db = yield* Database
        yield* db.transaction("LogbookCheckpointSaver.putWrites", Queries.insertWrites(db.sql, rows, replace))
      }).pipe(Effect.withSpan("LogbookCheckpointSaver.putWrites"))
    )
  }

  async deleteThread(threadId: string): Promise<void> {
    await this.#runner.run(
      Effect.gen(function*() {
        const db = yield* Database
        yield* db.transaction("LogbookCheckpointSaver.deleteThread", Queries.deleteThread(db.sql, String(threadId)))
      }).pipe(Effect.withSpan("LogbookCheckpointSaver.deleteThread"))
    )
  }

  /** The redactor values pass through, or none when this store is exempted. */
  async #activeRedactor(): Promise<RedactorService | undefined> {
    if (this.#redaction === "off") return undefined
    this.#redactor ??= await this.#runner.run(Redactor)
    return this.#redactor
  }

  async #tuple(row: Queries.CheckpointRow, parts: ReadonlyArray<Queries.PartRow>): Promise<CheckpointTuple> {
    const stored = decodeCheckpoint(row.checkpoint)
    const channelValues: Record<string, unknown> = {}
    const writes: Array<{ readonly key: ReturnType<typeof writesSortKey>; readonly write: CheckpointPendingWrite }> = []
    for (const part of parts) {
      if (part.kind === "blob") {
        if (part.type !== "empty" && part.blob !== null) {
          channelValues[part.channel] = await this.serde.loadsTyped(part.type, part.blob)
        }
      } else if (part.blob !== null && part.taskId !== null) {
        writes.push({
          key: writesSortKey(part.taskPath ?? "", part.taskId, part.idx ?? 0),
          write: [part.taskId, part.channel, await this.serde.loadsTyped(part.type, part.blob)]
        })
      }
    }
    writes.sort((a, b) => compareWritesSortKeys(a.key, b.key))
    const checkpoint: Checkpoint = {
      ...stored,
      channel_versions: { ...stored.channel_versions },
      versions_seen: { ...stored.versions_seen },
      channel_values: channelValues
    }
    const config = (checkpointId: string) => ({
      configurable: { thread_id: row.threadId, checkpoint_ns: row.checkpointNs, checkpoint_id: checkpointId }
    })
    return {
      config: config(row.checkpointId),
      checkpoint,
      metadata: await this.serde.loadsTyped("json", row.metadata),
      parentConfig: row.parentCheckpointId === null ? undefined : config(row.parentCheckpointId),
      pendingWrites: writes.map(({ write }) => write)
    }
  }

  /**
   * Checkpoints of format < 4 kept their pending sends in the writes of
   * their parent: they are read into the TASKS channel, as LangGraph's own
   * savers do.
   */
  async #migrateSends(tuples: ReadonlyArray<CheckpointTuple>): Promise<ReadonlyArray<CheckpointTuple>> {
    const old = tuples.filter((tuple) => tuple.checkpoint.v < 4 && tuple.parentConfig !== undefined)
    for (const tuple of old) {
      const threadId = String(tuple.config.configurable?.thread_id)
      const parentId = String(tuple.parentConfig?.configurable?.checkpoint_id)
      const sends = await this.#runner.run(
        Effect.flatMap(Database, ({ sql }) => Queries.selectPendingSends(sql, threadId, TASKS, [parentId])).pipe(
          withDatabaseErrors("LogbookCheckpointSaver.getTuple")
        )
      )
      if (sends.length === 0) continue
      const versions = Object.values(tuple.checkpoint.channel_versions)
      tuple.checkpoint.channel_values[TASKS] = await Promise.all(
        sends.map((send) => this.serde.loadsTyped(send.type, send.blob))
      )
      tuple.checkpoint.channel_versions[TASKS] = versions.length > 0
        ? maxChannelVersion(...versions)
        : this.getNextVersion(undefined)
    }
    return tuples
  }
}

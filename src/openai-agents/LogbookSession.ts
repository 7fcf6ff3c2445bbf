/**
 * An OpenAI Agents SDK `Session` on logbook's database: a conversation's
 * items, in order, surviving the process.
 */
import type { AgentInputItem, Session } from "@openai/agents-core"
import * as Effect from "effect/Effect"
import type * as Runtime from "effect/Runtime"
import { randomUUID } from "node:crypto"
import { type BridgeServices, type EffectRunner, fromOptions, fromRuntime } from "../bridge/EffectRunner.js"
import { Database, type DatabaseOptions } from "../Database.js"
import { withDatabaseErrors } from "../database/SqlFailure.js"
import { ValidationError } from "../Errors.js"
import { Redactor } from "../redaction/Redactor.js"
import * as Queries from "./Queries.js"

/** Options of {@link LogbookSession}. */
export interface LogbookSessionOptions {
  /** The session's id; default a new UUID. Sessions with the same id share their items. */
  readonly sessionId?: string | undefined
  /**
   * `"on"` (default): items pass through the logbook `Redactor` before they
   * are stored, so no secret reaches the disk, and a conversation that held
   * one continues with the `[REDACTED:<rule>]` placeholder in its place.
   * `"off"` exempts this store: items are stored and returned exactly as
   * given.
   */
  readonly redaction?: "on" | "off" | undefined
}

const invalid = (message: string) => new ValidationError({ message, issues: [] })

/** An item read back: the JSON object that was stored. */
const isItem = (value: unknown): value is AgentInputItem =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const parseItem = (text: string): AgentInputItem => {
  const value: unknown = JSON.parse(text)
  if (!isItem(value)) throw invalid(`a stored session item is not an object: ${text.slice(0, 80)}`)
  return value
}

/**
 * An OpenAI Agents `Session` whose items live in logbook. Items come back
 * as they were given (JSON data), in insertion order.
 *
 * - `LogbookSession.open(databaseOptions, options)` opens its own database
 *   and closes it on `close()`;
 * - `yield* LogbookSession.make(options)` uses the `Database` and `Redactor`
 *   of the current Effect context; `fromRuntime(runtime, options)` those
 *   of a runtime.
 *
 * Methods reject with logbook's `DatabaseError` when the database fails.
 */
export class LogbookSession implements Session {
  readonly #runner: EffectRunner
  readonly #sessionId: string
  readonly #redaction: "on" | "off"

  private constructor(runner: EffectRunner, options: LogbookSessionOptions | undefined) {
    const sessionId = options?.sessionId ?? randomUUID()
    if (typeof sessionId !== "string" || sessionId.length === 0) throw invalid("sessionId must be a non-empty string")
    const redaction = options?.redaction ?? "on"
    if (redaction !== "on" && redaction !== "off") {
      throw invalid(`redaction must be "on" or "off", got ${String(redaction)}`)
    }
    this.#runner = runner
    this.#sessionId = sessionId
    this.#redaction = redaction
  }

  /** A session on its own database, opened with `databaseOptions` on first use. */
  static open(databaseOptions?: DatabaseOptions, options?: LogbookSessionOptions): LogbookSession {
    return new LogbookSession(fromOptions(databaseOptions), options)
  }

  /** A session on a runtime that provides logbook's `Database` and `Redactor`. */
  static fromRuntime(runtime: Runtime.Runtime<BridgeServices>, options?: LogbookSessionOptions): LogbookSession {
    return new LogbookSession(fromRuntime(runtime), options)
  }

  /** A session on the `Database` and `Redactor` of the current context. */
  static make(options?: LogbookSessionOptions): Effect.Effect<LogbookSession, ValidationError, BridgeServices> {
    return Effect.flatMap(Effect.runtime<BridgeServices>(), (runtime) =>
      Effect.try({
        try: () => LogbookSession.fromRuntime(runtime, options),
        catch: (error) => error instanceof ValidationError ? error : invalid(String(error))
      }))
  }

  /** Closes the database when the session opened it (`open`); otherwise does nothing. */
  close(): Promise<void> {
    return this.#runner.close()
  }

  getSessionId(): Promise<string> {
    return Promise.resolve(this.#sessionId)
  }

  /** All items in order, or the newest `limit` of them in order (none for `limit <= 0`). */
  async getItems(limit?: number): Promise<Array<AgentInputItem>> {
    if (limit !== undefined && limit <= 0) return []
    if (limit !== undefined && !Number.isSafeInteger(limit)) throw invalid(`limit must be an integer, got ${limit}`)
    const rows = await this.#run(
      "LogbookSession.getItems",
      Effect.flatMap(Database, ({ sql }) => Queries.selectItems(sql, this.#sessionId, limit))
    )
    return rows.map((row) => parseItem(row.item))
  }

  async addItems(items: Array<AgentInputItem>): Promise<void> {
    if (items.length === 0) return
    const redaction = this.#redaction
    const sessionId = this.#sessionId
    await this.#run(
      "LogbookSession.addItems",
      Effect.gen(function*() {
        const redactor = yield* Redactor
        const texts = items.map((item) => JSON.stringify(redaction === "on" ? redactor.redactJson(item) : item))
        const db = yield* Database
        yield* db.transaction("LogbookSession.addItems", Queries.insertItems(db.sql, sessionId, texts))
      })
    )
  }

  async popItem(): Promise<AgentInputItem | undefined> {
    const [row] = await this.#run(
      "LogbookSession.popItem",
      Effect.flatMap(Database, ({ sql }) => Queries.popItem(sql, this.#sessionId))
    )
    return row === undefined ? undefined : parseItem(row.item)
  }

  async clearSession(): Promise<void> {
    await this.#run(
      "LogbookSession.clearSession",
      Effect.flatMap(Database, ({ sql }) => Queries.clearSession(sql, this.#sessionId))
    )
  }

  #run<A, E>(operation: string, effect: Effect.Effect<A, E, BridgeServices>): Promise<A> {
    return this.#runner.run(effect.pipe(withDatabaseErrors(operation), Effect.withSpan(operation)))
  }
}

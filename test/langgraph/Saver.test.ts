import { emptyCheckpoint, uuid6 } from "@langchain/langgraph-checkpoint"
import type { Checkpoint } from "@langchain/langgraph-checkpoint"
import { describe, expect, it } from "@effect/vitest"
import * as SqlClient from "@effect/sql/SqlClient"
import type * as Statement from "@effect/sql/Statement"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { writeFileSync } from "node:fs"
import * as path from "node:path"
import { Database } from "../../src/Database.js"
import { Num } from "../../src/database/Columns.js"
import { DatabaseError, ValidationError } from "../../src/Errors.js"
import { LogbookCheckpointSaver } from "../../src/langgraph/index.js"
import { type Backend, describeBackends, sharedBackends, sqliteFileBackend } from "../support/Backends.js"
import { anthropicKey } from "../support/Secrets.js"

const SECRET = anthropicKey()

/** Runs `query` (one row with a count `n`) on the database at `url`. */
const countOf = (url: string, query: (sql: SqlClient.SqlClient) => Statement.Statement<unknown>) =>
  Effect.flatMap(Database, ({ sql }) => query(sql)).pipe(
    Effect.flatMap(Schema.decodeUnknown(Schema.Tuple(Schema.Struct({ n: Num })))),
    Effect.map(([row]) => row.n),
    Effect.provide(Database.layer({ url })),
    Effect.runPromise
  )

/** Runs `body` on a fresh database of `backend`, with a way to count rows of its tables beside the saver. */
const withDatabaseOn = (backend: Backend) =>
(
  body: (url: string, rows: (query: (sql: SqlClient.SqlClient) => Statement.Statement<unknown>) => Promise<number>) => Promise<void>
) =>
  Effect.gen(function*() {
    const url = yield* backend.url
    yield* Effect.promise(() => body(url, (query) => countOf(url, query)))
  }).pipe(Effect.scoped, Effect.runPromise)

/** Puts `steps` checkpoints of a thread: `log` grows by one entry a step, `docs` is set once and never changes. */
const run = async (saver: LogbookCheckpointSaver, threadId: string, steps: number) => {
  let config = { configurable: { thread_id: threadId, checkpoint_ns: "" } }
  const log: Array<string> = []
  for (let step = 0; step < steps; step++) {
    log.push(`entry ${step}`)
    const checkpoint: Checkpoint = {
      ...emptyCheckpoint(),
      id: uuid6(step),
      channel_values: { log: [...log], docs: "a large document ".repeat(100) },
      channel_versions: { log: step + 1, docs: 1 }
    }
    const newVersions: Record<string, number> = step === 0 ? { log: 1, docs: 1 } : { log: step + 1 }
    const next = await saver.put(config, checkpoint, { source: "loop", step, parents: {} }, newVersions)
    await saver.putWrites(next, [["log", `write ${step}`]], `task-${step}`)
    config = { configurable: { thread_id: threadId, checkpoint_ns: "", ...next.configurable } }
  }
}

describeBackends("LogbookCheckpointSaver", (backend) => {
const withDatabase = withDatabaseOn(backend)

describe("LogbookCheckpointSaver storage", () => {
  it("stores a channel value once per version: an unchanged channel is not stored again", () =>
    withDatabase(async (url, rows) => {
      const saver = LogbookCheckpointSaver.open({ url })
      await run(saver, "t", 20)
      const latest = await saver.getTuple({ configurable: { thread_id: "t" } })
      await saver.close()
      expect(latest?.checkpoint.channel_values).toEqual({
        log: Array.from({ length: 20 }, (_, i) => `entry ${i}`),
        docs: "a large document ".repeat(100)
      })
      expect(await rows((sql) => sql.unsafe("SELECT count(*) AS n FROM langgraph_blobs WHERE channel = 'docs'"))).toBe(1)
      expect(await rows((sql) => sql.unsafe("SELECT count(*) AS n FROM langgraph_blobs WHERE channel = 'log'"))).toBe(20)
    }))

  it("keepLast keeps the newest checkpoints of each thread, with their writes and the values they use", () =>
    withDatabase(async (url, rows) => {
      const saver = LogbookCheckpointSaver.open({ url }, { keepLast: 3 })
      await run(saver, "kept", 10)
      await run(saver, "other", 2)
      const kept = []
      for await (const tuple of saver.list({ configurable: { thread_id: "kept" } })) kept.push(tuple)
      await saver.close()
      expect(kept.map((t) => t.metadata?.step)).toEqual([9, 8, 7])
      expect(kept[0].checkpoint.channel_values.docs).toBe("a large document ".repeat(100))
      expect(kept[2].pendingWrites).toEqual([["task-7", "log", "write 7"]])
      expect(await rows((sql) => sql.unsafe("SELECT count(*) AS n FROM langgraph_checkpoints WHERE thread_id = 'kept'"))).toBe(3)
      expect(await rows((sql) => sql.unsafe("SELECT count(*) AS n FROM langgraph_writes WHERE thread_id = 'kept'"))).toBe(3)
      // log versions 8..10 and docs version 1.
      expect(await rows((sql) => sql.unsafe("SELECT count(*) AS n FROM langgraph_blobs WHERE thread_id = 'kept'"))).toBe(4)
      expect(await rows((sql) => sql.unsafe("SELECT count(*) AS n FROM langgraph_checkpoints WHERE thread_id = 'other'"))).toBe(2)
    }))

  it("redacts secrets in state by default; a store exempted with redaction off keeps state as given", () =>
    withDatabase(async (url, rows) => {
      const put = async (saver: LogbookCheckpointSaver, threadId: string) => {
        const checkpoint: Checkpoint = {
          ...emptyCheckpoint(),
          id: uuid6(0),
          channel_values: { messages: [`my key is ${SECRET}`] },
          channel_versions: { messages: 1 }
        }
        const config = await saver.put({ configurable: { thread_id: threadId } }, checkpoint, {
          source: "input",
          step: -1,
          parents: {}
        }, { messages: 1 })
        await saver.putWrites(config, [["messages", { api_key: "hunter2" }]], "task")
        return saver.getTuple({ configurable: { thread_id: threadId } })
      }
      const redacting = LogbookCheckpointSaver.open({ url })
      const redacted = await put(redacting, "redacted")
      await redacting.close()
      expect(JSON.stringify(redacted?.checkpoint.channel_values)).not.toContain(SECRET)
      expect(JSON.stringify(redacted?.checkpoint.channel_values)).toContain("[REDACTED:")
      expect(redacted?.pendingWrites).toEqual([["task", "messages", { api_key: "[REDACTED:sensitive-key]" }]])

      const exempt = LogbookCheckpointSaver.open({ url }, { redaction: "off" })
      const kept = await put(exempt, "exempt")
      await exempt.close()
      expect(kept?.checkpoint.channel_values).toEqual({ messages: [`my key is ${SECRET}`] })
      expect(kept?.pendingWrites).toEqual([["task", "messages", { api_key: "hunter2" }]])
      const blobText = (sql: SqlClient.SqlClient) =>
        sql.onDialectOrElse({ pg: () => sql`convert_from(blob, 'UTF8')`, orElse: () => sql`CAST(blob AS TEXT)` })
      expect(await rows((sql) => sql`SELECT count(*) AS n FROM langgraph_blobs WHERE thread_id = 'redacted' AND ${blobText(sql)} LIKE ${`%${SECRET}%`}`))
        .toBe(0)
      expect(await rows((sql) => sql`SELECT count(*) AS n FROM langgraph_blobs WHERE thread_id = 'exempt' AND ${blobText(sql)} LIKE ${`%${SECRET}%`}`))
        .toBe(1)
    }))

  it("deleteThread removes a thread's checkpoints, values and writes, and nothing else", () =>
    withDatabase(async (url, rows) => {
      const saver = LogbookCheckpointSaver.open({ url })
      await run(saver, "gone", 3)
      await run(saver, "stays", 2)
      await saver.deleteThread("gone")
      expect(await saver.getTuple({ configurable: { thread_id: "gone" } })).toBeUndefined()
      expect((await saver.getTuple({ configurable: { thread_id: "stays" } }))?.metadata?.step).toBe(1)
      await saver.close()
      for (const table of ["langgraph_checkpoints", "langgraph_blobs", "langgraph_writes"]) {
        expect(await rows((sql) => sql.unsafe(`SELECT count(*) AS n FROM ${table} WHERE thread_id = 'gone'`))).toBe(0)
      }
    }))
})
}, sharedBackends)

describe("LogbookCheckpointSaver on SQLite", () => {
  it("bad options are a ValidationError; a database that cannot be opened rejects with DatabaseError", () =>
    withDatabaseOn(sqliteFileBackend)(async (url) => {
    expect(() => LogbookCheckpointSaver.open({ url: ":memory:" }, { keepLast: 0 })).toThrow(ValidationError)
    expect(() => LogbookCheckpointSaver.open({ url: ":memory:" }, { keepLast: 1.5 })).toThrow(ValidationError)
    writeFileSync(url, "not a folder")
    const saver = LogbookCheckpointSaver.open({ url: path.join(url, "logbook.db") })
    await expect(saver.getTuple({ configurable: { thread_id: "t" } })).rejects.toBeInstanceOf(DatabaseError)
    await saver.close()
    const memory = LogbookCheckpointSaver.open({ url: ":memory:" })
    await expect(memory.put({ configurable: {} }, emptyCheckpoint(), { source: "input", step: -1, parents: {} }, {}))
      .rejects.toBeInstanceOf(ValidationError)
    await memory.close()
  }))
})

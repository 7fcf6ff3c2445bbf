import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { readdirSync } from "node:fs"
import * as path from "node:path"
import { AuditLog } from "../../src/AuditLog.js"
import { DEFAULT_SPOOL_DIRECTORY, optionsFromEnvironment, resolveOptions } from "../../src/database/DatabaseOptions.js"
import { ExecutionTracker } from "../../src/ExecutionTracker.js"
import * as Logbook from "../../src/Logbook.js"
import { TrajectoryStore } from "../../src/TrajectoryStore.js"
import { spoolFiles } from "../../src/writeBehind/Spool.js"
import { runScript } from "../support/ChildProcess.js"
import { tempDir } from "../support/TempDir.js"
import { eventually } from "../support/Poll.js"
import { generationFlow, TRACE_ID } from "./GenerationFlow.js"
import { range } from "./Stored.js"

const STEPS = 50

const spoolOf = (options: Parameters<typeof resolveOptions>[0]) =>
  Either.getOrThrow(resolveOptions(options)).spool

/** Spools the generation flow of `STEPS` steps in a child on an unwritable `url`, then kills it with SIGKILL. */
const spoolThenKill = (url: string, spoolDirectory: string) =>
  Effect.promise(() =>
    runScript("test/writeBehind/fixtures/spoolThenDie.ts", [url, String(STEPS), spoolDirectory], {
      onStdout: (chunk, kill) => {
        if (chunk.includes("SPOOLED")) kill()
      }
    })
  )

/** What the flow stored, read back through the stores of the current database. */
const readBack = Effect.gen(function*() {
  const audit = yield* AuditLog
  const tracker = yield* ExecutionTracker
  const trajectories = yield* TrajectoryStore
  const steps = (yield* audit.query({ projectId: "flow" })).map((entry) => Number(entry.action.slice("step-".length)))
  return {
    auditSteps: [...steps].sort((a, b) => a - b),
    events: (yield* tracker.events(TRACE_ID)).length,
    usage: (yield* tracker.llmUsage({ traceId: TRACE_ID, limit: 1_000 })).length,
    trajectories: (yield* trajectories.list({})).length
  }
})

describe("spoolDirectory: where write-behind records wait for the database", () => {
  it("defaults to beside a database file, to ./.logbook/spool otherwise, and follows the option and LOGBOOK_SPOOL_DIRECTORY", () => {
    const file = path.resolve("data", "app.db")
    expect(spoolOf({ url: file })).toBe(file)
    expect(spoolOf({ url: ":memory:" })).toBe(path.resolve(DEFAULT_SPOOL_DIRECTORY, "memory"))
    expect(spoolOf({ url: ":memory:", spoolDirectory: "/var/spool/logbook" })).toBe("/var/spool/logbook/memory")
    expect(spoolOf({ url: file, spoolDirectory: "/var/spool/logbook" })).toBe("/var/spool/logbook/app.db")
    const server = spoolOf({ url: "postgres://agent:secret@db.example:5432/logbook" })
    expect(path.dirname(server)).toBe(path.resolve(DEFAULT_SPOOL_DIRECTORY))
    expect(path.basename(server)).toMatch(/^postgres-[0-9a-f]{16}$/)
    expect(server).not.toContain("secret")
    expect(spoolOf({ url: "postgres://agent:other@db.example:5432/logbook" })).toBe(server)
    expect(spoolOf({ url: "postgres://agent@db.example:5432/other" })).not.toBe(server)
    const env = Effect.runSync(
      Effect.withConfigProvider(optionsFromEnvironment, ConfigProvider.fromMap(new Map([["LOGBOOK_SPOOL_DIRECTORY", "/srv/spool"]])))
    )
    expect(env.spoolDirectory).toBe("/srv/spool")
  })

  it.scopedLive("a memory database's records survive a SIGKILL through spoolDirectory and are replayed by the next process, exactly once", () =>
    Effect.gen(function*() {
      const spoolDirectory = yield* tempDir
      const child = yield* spoolThenKill(":memory:", spoolDirectory)
      expect(child.signal).toBe("SIGKILL")
      const spool = path.join(spoolDirectory, "memory")
      expect(spoolFiles(spool)).toHaveLength(1)

      const first = yield* Effect.gen(function*() {
        yield* Logbook.flush
        return yield* readBack
      }).pipe(Effect.provide(Logbook.layer({ url: ":memory:", spoolDirectory })))
      expect(first).toEqual({ auditSteps: range(STEPS), events: STEPS, usage: STEPS, trajectories: 1 })
      expect(spoolFiles(spool)).toEqual([])
      expect(readdirSync(spoolDirectory)).toEqual([])

      const next = yield* Effect.gen(function*() {
        yield* Logbook.flush
        return yield* readBack
      }).pipe(Effect.provide(Logbook.layer({ url: ":memory:", spoolDirectory })))
      expect(next).toEqual({ auditSteps: [], events: 0, usage: 0, trajectories: 0 })
    }), 120_000)

  it.scopedLive("a file database with a spoolDirectory spools there, not beside the file, and replays from there", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "app.db")
      const spoolDirectory = path.join(dir, "spool")
      const spool = path.join(spoolDirectory, "app.db")
      const stored = yield* Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        yield* Effect.orDie(sql.unsafe("PRAGMA query_only = ON"))
        yield* generationFlow(10)
        yield* Logbook.flush
        expect(spoolFiles(url)).toEqual([])
        expect(spoolFiles(spool)).toHaveLength(1)
        yield* Effect.orDie(sql.unsafe("PRAGMA query_only = OFF"))
        yield* eventually(Effect.flatMap(readBack, (read) => Effect.try(() => expect(read.auditSteps).toEqual(range(10)))))
        return yield* readBack
      }).pipe(Effect.provide(Logbook.layer({ url, spoolDirectory })))
      expect(stored).toEqual({ auditSteps: range(10), events: 10, usage: 10, trajectories: 1 })
      expect(readdirSync(spoolDirectory)).toEqual([])
    }), 60_000)
})

/**
 * Trajectory writes are applied in the order they were called: a `record`
 * spooled while the database was read-only and replayed after a newer
 * `save` never replaces it, a newer record does replace an older save, and
 * saves within one millisecond keep the last.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import Sqlite from "better-sqlite3"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { Database } from "../../src/Database.js"
import * as Logbook from "../../src/Logbook.js"
import { migrationDirectories, rollback } from "../../src/migrations/Migrator.js"
import { type Trajectory, TrajectoryStore } from "../../src/TrajectoryStore.js"
import { spoolFiles } from "../../src/writeBehind/Spool.js"
import { tempDir } from "../support/TempDir.js"

/** A minimal valid trajectory of session `sessionId` whose agent answers `word`. */
const version = (sessionId: string, word: string): Trajectory => ({
  schema_version: "ATIF-v1.6",
  session_id: sessionId,
  agent: { name: "ordered", version: "1.0" },
  steps: [
    { step_id: 1, source: "user", message: "which version" },
    { step_id: 2, source: "agent", message: word }
  ]
})

const WRITE_ORDER_VERSION = 9

/** How many of logbook's own migrations are at or after the write order's (their down sections run first). */
const stepsBackToWriteOrder = readdirSync(new URL("../../migrations/sqlite", import.meta.url))
  .filter((file) => file.endsWith(".sql") && Number(file.split("_")[0]) >= WRITE_ORDER_VERSION).length

/** The stored rows of `trajectories`, read with another connection. */
const trajectoryRows = (file: string) => {
  const db = new Sqlite(file, { readonly: true })
  try {
    return db.prepare("SELECT * FROM trajectories ORDER BY seq").all() as Array<Record<string, unknown>>
  } finally {
    db.close()
  }
}

const spoolBytes = (url: string) => spoolFiles(url).reduce((bytes, file) => bytes + (existsSync(file) ? statSync(file).size : 0), 0)

/** The agent's answer in the stored trajectory of `sessionId`. */
const storedWord = (sessionId: string) =>
  Effect.gen(function*() {
    const store = yield* TrajectoryStore
    const stored = Option.getOrThrow(yield* store.get(sessionId))
    return stored.trajectory.steps[1]?.message
  })

/** The sessions full-text search finds for `word`. */
const found = (word: string) =>
  Effect.flatMap(TrajectoryStore, (store) => store.search({ query: word })).pipe(
    Effect.map((hits) => hits.map((hit) => hit.sessionId))
  )

const setQueryOnly = (on: boolean) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => Effect.orDie(sql.unsafe(`PRAGMA query_only = ${on ? "ON" : "OFF"}`)))

/** Records `trajectory` while the database is read-only, so that it is spooled, and makes the database writable again. */
const recordWhileReadOnly = (url: string, trajectory: Trajectory, rewriteSpool?: () => void) =>
  Effect.gen(function*() {
    const store = yield* TrajectoryStore
    yield* setQueryOnly(true)
    yield* store.record(trajectory)
    yield* Logbook.flush
    expect(spoolBytes(url)).toBeGreaterThan(0)
    rewriteSpool?.()
    yield* setQueryOnly(false)
  })

describe("trajectory write order", () => {
  it.scopedLive("a record spooled while the database was read-only, replayed after a newer save, leaves the newer one", () =>
    Effect.gen(function*() {
      const url = path.join(yield* tempDir, "order.db")
      yield* Effect.gen(function*() {
        const store = yield* TrajectoryStore
        yield* recordWhileReadOnly(url, version("s", "alpha"))
        yield* store.save(version("s", "bravo"))
        yield* Logbook.flush
        expect(spoolBytes(url)).toBe(0)
        expect(yield* storedWord("s")).toBe("bravo")
        // the search index follows the stored trajectory
        expect(yield* found("bravo")).toEqual(["s"])
        expect(yield* found("alpha")).toEqual([])
      }).pipe(Effect.provide(Logbook.layer({ url })))
    }))

  it.scopedLive("a newer record, spooled and replayed, replaces an older save", () =>
    Effect.gen(function*() {
      const url = path.join(yield* tempDir, "newer.db")
      yield* Effect.gen(function*() {
        const store = yield* TrajectoryStore
        yield* store.save(version("s", "alpha"))
        yield* recordWhileReadOnly(url, version("s", "bravo"))
        yield* Logbook.flush
        expect(spoolBytes(url)).toBe(0)
        expect(yield* storedWord("s")).toBe("bravo")
        expect(yield* found("alpha")).toEqual([])
      }).pipe(Effect.provide(Logbook.layer({ url })))
    }))

  it.scopedLive("a record spooled without a write stamp (by an earlier version) replays, and never replaces a later save", () =>
    Effect.gen(function*() {
      const url = path.join(yield* tempDir, "legacy.db")
      /** Rewrites the spool as an earlier version wrote it: its trajectory records carry no `writeOrder`. */
      const withoutStamps = () => {
        for (const file of spoolFiles(url)) {
          const lines = readFileSync(file, "utf8").split("\n").filter((line) => line.trim() !== "")
          const legacy = lines.map((line) => {
            const { value, ...rest } = JSON.parse(line)
            const { writeOrder, ...unstamped } = value
            expect(typeof writeOrder).toBe("number")
            return JSON.stringify({ ...rest, value: unstamped })
          })
          writeFileSync(file, legacy.join("\n") + "\n")
        }
      }
      yield* Effect.gen(function*() {
        const store = yield* TrajectoryStore
        yield* recordWhileReadOnly(url, version("replayed", "alpha"), withoutStamps)
        yield* Logbook.flush
        expect(yield* storedWord("replayed")).toBe("alpha")

        yield* recordWhileReadOnly(url, version("s", "alpha"), withoutStamps)
        yield* store.save(version("s", "bravo"))
        yield* Logbook.flush
        expect(spoolBytes(url)).toBe(0)
        expect(yield* storedWord("s")).toBe("bravo")
      }).pipe(Effect.provide(Logbook.layer({ url })))
    }))

  it.effect("saves and records within one millisecond keep the last", () =>
    Effect.gen(function*() {
      // The test clock stands still: every write below is called in the same millisecond.
      const store = yield* TrajectoryStore
      for (let i = 0; i < 50; i++) yield* store.save(version("saved", `word${i}`))
      expect(yield* storedWord("saved")).toBe("word49")
      for (let i = 0; i < 50; i++) yield* store.record(version("recorded", `word${i}`))
      yield* Logbook.flush
      expect(yield* storedWord("recorded")).toBe("word49")
      yield* store.save(version("recorded", "direct"))
      yield* store.record(version("recorded", "last"))
      yield* Logbook.flush
      expect(yield* storedWord("recorded")).toBe("last")
    }).pipe(Effect.provide(Logbook.layerMemory)))

  it.scoped("migration 0009 stamps stored trajectories with their updated_at; a later save still replaces them; down removes the column", () =>
    Effect.gen(function*() {
      const url = path.join(yield* tempDir, "migrated.db")
      yield* TrajectoryStore.pipe(
        Effect.flatMap((store) => store.save(version("s", "alpha"))),
        Effect.provide(Logbook.layer({ url }))
      )
      yield* Effect.scoped(
        Layer.build(Database.layer({ url, migrate: "off" })).pipe(
          Effect.flatMap((context) =>
            Effect.provide(rollback({ directories: migrationDirectories([]), steps: stepsBackToWriteOrder }), context)
          )
        )
      )
      const before = trajectoryRows(url)
      expect(before).toHaveLength(1)
      expect(before[0]).not.toHaveProperty("write_order")
      yield* Effect.gen(function*() {
        const after = trajectoryRows(url)
        expect(after[0]?.write_order).toBe(Date.parse(String(after[0]?.updated_at)) * 1000)
        const store = yield* TrajectoryStore
        yield* store.save(version("s", "bravo"))
        expect(yield* storedWord("s")).toBe("bravo")
        expect(yield* found("alpha")).toEqual([])
      }).pipe(Effect.provide(Logbook.layer({ url })))
    }))
})

import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as HashSet from "effect/HashSet"
import * as Logger from "effect/Logger"
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import * as Logbook from "../../src/Logbook.js"
import { spoolFiles } from "../../src/writeBehind/Spool.js"
import { runScript } from "../support/ChildProcess.js"
import { eventually } from "../support/Poll.js"
import { tempDir } from "../support/TempDir.js"
import { generationFlow } from "./GenerationFlow.js"
import { range, readStored } from "./Stored.js"

const STEPS = 200
/** Per fiber: the processes start together, so a few hundred transactions overlap throughout. */
const COUNTER_STEPS = 150

/** Runs `effect` with a logger that also keeps every warning and error message. */
const capturingLogs = <A, E, R>(effect: Effect.Effect<A, E, R>) => {
  const logs: Array<{ level: string; message: string }> = []
  const logger = Logger.make(({ logLevel, message }) => {
    if (logLevel._tag === "Warning" || logLevel._tag === "Error") {
      logs.push({ level: logLevel._tag, message: Array.isArray(message) ? message.join(" ") : String(message) })
    }
  })
  return Effect.map(
    Effect.locallyWith(effect, FiberRef.currentLoggers, (loggers) => HashSet.add(HashSet.filter(loggers, (l) => l !== Logger.defaultLogger), logger)),
    (result) => ({ result, logs })
  )
}

const spoolBytes = (url: string) => spoolFiles(url).reduce((bytes, file) => bytes + (existsSync(file) ? statSync(file).size : 0), 0)
const spoolLines = (url: string) =>
  spoolFiles(url).flatMap((file) => readFileSync(file, "utf8").split("\n").filter((line) => line.trim() !== ""))

/** Runs the flow with the database unwritable from step 60 to step 150 (`breakIt` / `fixIt` on our connection). */
const flowWithOutage = (url: string, breakIt: string, fixIt: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    let spooledDuringOutage = 0
    const output = yield* generationFlow(STEPS, (step) => {
      if (step === 60) return Effect.zipRight(Logbook.flush, Effect.orDie(sql.unsafe(breakIt)))
      if (step === 150) {
        return Logbook.flush.pipe(
          Effect.tap(() => Effect.sync(() => (spooledDuringOutage = spoolBytes(url)))),
          Effect.zipRight(Effect.orDie(sql.unsafe(fixIt)))
        )
      }
      return Effect.void
    })
    yield* Logbook.flush
    return { output, spooledDuringOutage }
  }).pipe(Effect.provide(Logbook.layer({ url })))

describe("write-behind under faults", () => {
  it.scopedLive("the flow completes while the database turns read-only and back; every record lands once, in order", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const baseline = yield* generationFlow(STEPS).pipe(Effect.provide(Logbook.layer({ url: path.join(dir, "baseline.db") })))
      const url = path.join(dir, "faulty.db")
      const { logs, result } = yield* capturingLogs(flowWithOutage(url, "PRAGMA query_only = ON", "PRAGMA query_only = OFF"))
      expect(result.output).toEqual(baseline)
      expect(result.spooledDuringOutage).toBeGreaterThan(0)
      expect(logs.some((log) => log.level === "Warning" && /spooled/.test(log.message))).toBe(true)
      const stored = readStored(url)
      expect(stored.auditSteps).toEqual(range(STEPS))
      expect(stored.eventSteps).toEqual(range(STEPS))
      expect(stored.usageSteps).toEqual(range(STEPS))
      expect(stored.trajectories).toBe(1)
      expect(spoolBytes(url)).toBe(0)
    }))

  it.scopedLive("the same when the disk is full (SQLITE_FULL through max_page_count)", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "full.db")
      const { logs, result } = yield* capturingLogs(
        Effect.gen(function*() {
          const sql = yield* SqlClient.SqlClient
          const rows = yield* Effect.orDie(sql<{ page_count: number }>`SELECT page_count FROM pragma_page_count`)
          return yield* flowWithOutage(url, `PRAGMA max_page_count = ${rows[0]!.page_count}`, "PRAGMA max_page_count = 4294967294")
        }).pipe(Effect.provide(Logbook.layer({ url: path.join(dir, "probe.db") })))
      )
      expect(result.output).toHaveLength(STEPS)
      expect(result.spooledDuringOutage).toBeGreaterThan(0)
      expect(logs.some((log) => log.level === "Warning")).toBe(true)
      const stored = readStored(url)
      expect(stored.auditSteps).toEqual(range(STEPS))
      expect(stored.eventSteps).toEqual(range(STEPS))
      expect(stored.usageSteps).toEqual(range(STEPS))
      expect(stored.trajectories).toBe(1)
    }))

  it.scopedLive("records spooled by a process killed with SIGKILL are replayed at the next start, exactly once", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "killed.db")
      const child = yield* Effect.promise(() =>
        runScript("test/writeBehind/fixtures/spoolThenDie.ts", [url, String(STEPS)], {
          onStdout: (chunk, kill) => {
            if (chunk.includes("SPOOLED")) kill()
          }
        })
      )
      expect(child.signal).toBe("SIGKILL")
      const [spoolFile, ...others] = spoolFiles(url)
      expect(others).toEqual([])
      expect(spoolLines(url)).toHaveLength(3 * STEPS + 1)
      expect(readStored(url).auditSteps).toEqual([])
      copyFileSync(spoolFile!, path.join(dir, "spool-copy.jsonl"))

      yield* Logbook.flush.pipe(Effect.provide(Logbook.layer({ url })))
      const stored = readStored(url)
      expect(stored.auditSteps).toEqual(range(STEPS))
      expect(stored.eventSteps).toEqual(range(STEPS))
      expect(stored.usageSteps).toEqual(range(STEPS))
      expect(stored.trajectories).toBe(1)
      expect(spoolBytes(url)).toBe(0)

      expect(spoolFiles(url)).toEqual([])
      copyFileSync(path.join(dir, "spool-copy.jsonl"), spoolFile!)
      yield* Logbook.flush.pipe(Effect.provide(Logbook.layer({ url })))
      expect(readStored(url)).toEqual(stored)
    }), 120_000)

  it.scopedLive("a live process's spool is never replayed or truncated by another process; once it dies, it is", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "shared.db")
      let killChild: (kill: () => void) => void = () => {}
      const spooled = new Promise<() => void>((resolve) => (killChild = resolve))
      const childDone = runScript("test/writeBehind/fixtures/spoolThenDie.ts", [url, "50"], {
        onStdout: (chunk, kill) => {
          if (chunk.includes("SPOOLED")) killChild(kill)
        }
      })
      const kill = yield* Effect.promise(() => spooled)
      expect(spoolLines(url)).toHaveLength(151)
      yield* Logbook.flush.pipe(Effect.provide(Logbook.layer({ url })))
      expect(spoolLines(url)).toHaveLength(151)
      expect(readStored(url).auditSteps).toEqual([])
      kill()
      const child = yield* Effect.promise(() => childDone)
      expect(child.signal).toBe("SIGKILL")
      yield* Logbook.flush.pipe(Effect.provide(Logbook.layer({ url })))
      expect(readStored(url).auditSteps).toEqual(range(50))
      expect(spoolFiles(url)).toEqual([])
    }), 120_000)

  it.scopedLive("a spool is retried on its own once the database is writable again, with nothing new recorded", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "retry.db")
      yield* Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        yield* Effect.orDie(sql.unsafe("PRAGMA query_only = ON"))
        yield* generationFlow(20)
        yield* Logbook.flush
        expect(spoolBytes(url)).toBeGreaterThan(0)
        yield* Effect.orDie(sql.unsafe("PRAGMA query_only = OFF"))
        yield* eventually(Effect.try(() => {
          expect(readStored(url).auditSteps).toEqual(range(20))
          expect(spoolBytes(url)).toBe(0)
        }))
      }).pipe(Effect.provide(Logbook.layer({ url })))
    }), 60_000)

  it.scopedLive("a corrupt spool line is reported and skipped; the rest is replayed", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "corrupt.db")
      const child = yield* Effect.promise(() =>
        runScript("test/writeBehind/fixtures/spoolThenDie.ts", [url, "10"], {
          onStdout: (chunk, kill) => {
            if (chunk.includes("SPOOLED")) kill()
          }
        })
      )
      expect(child.signal).toBe("SIGKILL")
      const lines = spoolLines(url)
      writeFileSync(spoolFiles(url)[0]!, [lines[0], "{not json", ...lines.slice(1), "\u0000garbage"].join("\n") + "\n")
      const { logs } = yield* capturingLogs(Logbook.flush.pipe(Effect.provide(Logbook.layer({ url }))))
      expect(logs.some((log) => /corrupt spool line/.test(log.message))).toBe(true)
      const stored = readStored(url)
      expect(stored.auditSteps).toEqual(range(10))
      expect(stored.eventSteps).toEqual(range(10))
    }), 120_000)

  it.scopedLive(`2 processes x 4 fibers x ${COUNTER_STEPS} read-then-write transactions, started together: exact count, no Busy`, () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "counter.db")
      const Sqlite = (yield* Effect.promise(() => import("better-sqlite3"))).default
      const setup = new Sqlite(url)
      setup.pragma("journal_mode = WAL")
      setup.exec("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL); INSERT INTO counter VALUES (1, 0)")
      setup.close()
      let ready = 0
      const results = yield* Effect.promise(() =>
        Promise.all([1, 2].map(() =>
          runScript("test/writeBehind/fixtures/counter.ts", [url, "4", String(COUNTER_STEPS)], {
            onStdout: (chunk) => {
              if (chunk.includes("READY") && ++ready === 2) writeFileSync(`${url}.go`, "")
            }
          })
        ))
      )
      for (const result of results) {
        expect(result.stderr).toBe("")
        expect(result.stdout).toContain("DONE")
        expect(result.code).toBe(0)
      }
      const check = new Sqlite(url, { readonly: true })
      const row = check.prepare("SELECT n FROM counter WHERE id = 1").get() as { n: number }
      check.close()
      expect(row.n).toBe(2 * 4 * COUNTER_STEPS)
    }), 180_000)
})

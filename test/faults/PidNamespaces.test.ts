import { describe, expect, it } from "@effect/vitest"
import Sqlite from "better-sqlite3"
import * as Effect from "effect/Effect"
import { readFileSync } from "node:fs"
import * as path from "node:path"
import * as Logbook from "../../src/Logbook.js"
import { spoolFiles } from "../../src/writeBehind/Spool.js"
import { tempDir } from "../support/TempDir.js"
import { range, readStored } from "../writeBehind/Stored.js"
import { runInPidNamespace } from "./Namespaced.js"

const STEPS = 100

const spoolLines = (url: string) =>
  spoolFiles(url).flatMap((file) => readFileSync(file, "utf8").split("\n").filter((line) => line.trim() !== ""))

const countOther = (url: string) => {
  const db = new Sqlite(url, { readonly: true })
  try {
    return Number((db.prepare("SELECT count(*) AS n FROM audit_logs WHERE project_id = 'other'").get() as { n: number }).n)
  } finally {
    db.close()
  }
}

describe("two containers sharing the database folder (separate PID namespaces, both pid 1)", () => {
  it.scopedLive("a live process's spool is never taken by the other; once its owner dies, it is replayed exactly once", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "shared.db")
      let spooled: (kill: () => void) => void = () => {}
      const ready = new Promise<() => void>((resolve) => (spooled = resolve))
      const owner = runInPidNamespace("test/writeBehind/fixtures/spoolThenDie.ts", [url, String(STEPS)], (chunk, kill) => {
        if (chunk.includes("SPOOLED")) spooled(kill)
      })
      const kill = yield* Effect.promise(() => ready)
      const acknowledged = spoolLines(url).length
      expect(acknowledged).toBe(3 * STEPS + 1)

      const other = yield* Effect.promise(() => runInPidNamespace("test/faults/fixtures/recordAndExit.ts", [url, "100"]))
      expect(other.stderr).toBe("")
      expect(other.stdout).toContain("DONE pid=1")
      expect(spoolLines(url)).toHaveLength(acknowledged)
      expect(readStored(url).auditSteps).toEqual([])
      expect(countOther(url)).toBe(100)

      kill()
      const ended = yield* Effect.promise(() => owner)
      expect(ended.signal).toBe("SIGKILL")
      yield* Logbook.flush.pipe(Effect.provide(Logbook.layer({ url })))
      const stored = readStored(url)
      const found = stored.auditSteps.length + stored.eventSteps.length + stored.usageSteps.length + stored.trajectories
      console.log(`pid namespaces: ${acknowledged} acknowledged (spooled by the pid-1 owner), ${found} found`)
      expect(stored.auditSteps).toEqual(range(STEPS))
      expect(stored.eventSteps).toEqual(range(STEPS))
      expect(stored.usageSteps).toEqual(range(STEPS))
      expect(stored.trajectories).toBe(1)
      expect(spoolFiles(url)).toEqual([])
    }), 180_000)
})

import { describe, expect, it } from "@effect/vitest"
import Sqlite from "better-sqlite3"
import * as Effect from "effect/Effect"
import * as path from "node:path"
import * as Logbook from "../../src/Logbook.js"
import { spoolFiles } from "../../src/writeBehind/Spool.js"
import { childEntry, runCommand } from "../support/ChildProcess.js"
import { tempDir } from "../support/TempDir.js"
import { writeBigSpool } from "./BigSpool.js"

const SPOOL_BYTES = Number(process.env.LOGBOOK_SPOOL_MIB ?? 64) * 1024 * 1024
const HEAP_MB = 56

/**
 * The replay in a child whose V8 heap is capped below the spool's size: reading the file whole would crash it.
 * 64 MiB keeps the suite fast (the replay itself peaks near 37 MiB of heap, so the cap leaves room); `LOGBOOK_SPOOL_MIB=600` runs the 600 MiB acceptance run (slow: minutes).
 */
const replayInSmallHeap = (url: string) =>
  runCommand(process.execPath, [`--max-old-space-size=${HEAP_MB}`, childEntry("test/faults/fixtures/replaySpool.ts"), url])

describe("a spool larger than memory allows is replayed in bounded chunks", () => {
  it.scopedLive(`a ${SPOOL_BYTES / 1024 / 1024} MiB spool is replayed by a process with a ${HEAP_MB} MB heap, every record once`, () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "big.db")
      yield* Logbook.flush.pipe(Effect.provide(Logbook.layer({ url })))
      const records = writeBigSpool(url, SPOOL_BYTES, 32_768)
      const child = yield* Effect.promise(() => replayInSmallHeap(url))
      expect(child.stderr).toBe("")
      expect(child.code).toBe(0)
      const peaks = JSON.parse(child.stdout.replace(/^[\s\S]*REPLAYED /, "")) as { peakHeap: number; peakRss: number }
      const db = new Sqlite(url, { readonly: true })
      const found = Number((db.prepare("SELECT count(DISTINCT json_extract(details, '$.n')) AS n FROM audit_logs WHERE project_id = 'big'").get() as { n: number }).n)
      db.close()
      console.log(
        `spool of ${SPOOL_BYTES / 1024 / 1024} MiB: ${records} spooled, ${found} found; peak heap ${(peaks.peakHeap / 1048576).toFixed(0)} MiB, ` +
          `peak RSS ${(peaks.peakRss / 1048576).toFixed(0)} MiB (heap capped at ${HEAP_MB} MB)`
      )
      expect(found).toBe(records)
      expect(spoolFiles(url)).toEqual([])
    }), 600_000)
})

import { describe, expect, it } from "vitest"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { shrinkRun } from "../../bench/retentionShrink.js"
import { childEntry } from "../support/ChildProcess.js"

/**
 * 16 MB: 256 checkpoints of 64 KB over 2 tasks, of which keepLast 5 keeps 10. How close the pruned file
 * comes to a fresh one, and the writer's latency during the prune, are measured by `bench/retentionShrink.ts`
 * (1 GB by default).
 */
const MEGABYTES = 16

describe("space given back", () => {
  it(`a ${MEGABYTES} MB database of checkpoints pruned to keepLast 5 under a writer gives most of its space back`, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "logbook-shrink-"))
    try {
      const run = await shrinkRun(dir, MEGABYTES, { writer: [childEntry("bench/retentionWriter.ts")], settleMillis: 100 })
      expect(run.grownBytes).toBeGreaterThan(MEGABYTES * 1_000_000)
      expect(run.checkpointsAfter).toBe(10)
      expect(run.deleted).toEqual({ checkpoints: run.checkpointsBefore - 10 })
      expect(run.pagesReturned).toBeGreaterThan(0)
      // 10 of 256 checkpoints remain: without the pages given back, the file would keep its grown size.
      expect(run.prunedBytes).toBeLessThan(run.grownBytes / 4)
      // The writer wrote through the run.
      expect(run.writer.calls).toBeGreaterThan(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 180_000)
})

import { describe, expect, it } from "vitest"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { shrinkRun } from "../../bench/retentionShrink.js"

describe("space given back", () => {
  it("a 50 MB database of checkpoints pruned to keepLast 5 under a writer shrinks to within 10% of a fresh database of the same rows", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "logbook-shrink-"))
    try {
      const run = await shrinkRun(dir, 50)
      expect(run.grownBytes).toBeGreaterThan(50_000_000)
      // 800 checkpoints over 5 tasks: 5 kept per task.
      expect(run.checkpointsAfter).toBe(25)
      expect(run.deleted).toEqual({ checkpoints: run.checkpointsBefore - 25 })
      expect(run.pagesReturned).toBeGreaterThan(0)
      expect(run.prunedBytes / run.freshBytes).toBeLessThanOrEqual(1.1)
      // The writer kept writing while the prune ran.
      expect(run.writerDuringPrune.calls).toBeGreaterThan(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 180_000)
})

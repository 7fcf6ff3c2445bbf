// `logbook copy` between two SQLite files: a progress bar on a terminal only, the verified
// report, a second run that writes nothing, and the refusal to copy a database onto itself.
import { describe, expect, it } from "vitest"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { logbook, oneLineError } from "../support/Cli.js"

describe("logbook copy", () => {
  it("copies the demo database into a new file with a bar on a terminal, then again writing nothing, and refuses a copy onto itself", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "logbook-cli-copy-"))
    try {
      const demo = path.join(dir, "demo.db")
      const copy = path.join(dir, "copy.db")
      expect((await logbook(["demo", "--database", demo])).code).toBe(0)

      const first = await logbook(["copy", "--from", demo, "--to", copy], { tty: true })
      expect(first.code, first.stderr).toBe(0)
      expect(first.stderr).toMatch(/copying \[[#-]+\]/)
      expect(first.stdout).toMatch(/^copied \d+ rows from file:.*demo\.db to file:.*copy\.db \(\d+ written, 0 already there\); every table verified$/m)
      expect(first.stdout).toMatch(/^audit_logs\s+9\s+9\s+[0-9a-f]{16}$/m)

      const second = await logbook(["copy", "--from", demo, "--to", copy, "--json"], { tty: true })
      expect(second.code, second.stderr).toBe(0)
      expect(second.stderr).toBe("")
      const report = JSON.parse(second.stdout)
      expect(report.inserted).toBe(0)
      expect(report.tables.every((t: { sourceChecksum: string; targetChecksum: string }) => t.sourceChecksum === t.targetChecksum)).toBe(true)

      const self = await logbook(["copy", "--from", demo, "--to", `file:${demo}`])
      expect(self.code).toBe(1)
      expect(oneLineError(self)).toMatch(/the source and the target are the same database/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})

import { describe, expect, it } from "vitest"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { logbook as runCli } from "../support/Cli.js"

const logbook = (args: ReadonlyArray<string>, env: Record<string, string> = {}) => runCli(args, { env })

describe("logbook schema commands", () => {
  it("migrate, status, rollback, verify and new work end to end with readable output, JSON and exit codes", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "logbook-cli-"))
    try {
      const url = path.join(dir, "db", "logbook.db")
      const userDir = path.join(dir, "migrations")

      const dry = await logbook(["migrate", "--database", url, "--dry-run"])
      expect(dry.code).toBe(0)
      expect(dry.stdout).toContain("CREATE TABLE workflow_states")

      const pending = await logbook(["status", "--database", url])
      expect(pending.code).toBe(1)
      expect(pending.stdout).toMatch(/initial\s+pending/)

      const migrated = await logbook(["migrate"], { LOGBOOK_DATABASE_URL: url })
      expect(migrated.code).toBe(0)
      expect(migrated.stdout).toMatch(/applied 1_initial/)

      const clean = await logbook(["status", "--database", url, "--json"])
      expect(clean.code).toBe(0)
      const statuses: Array<{ state: string }> = JSON.parse(clean.stdout)
      expect(statuses.every((s) => s.state === "applied")).toBe(true)

      const created = await logbook(["new", "add_widgets", "--dir", userDir, "--json"])
      expect(created.code).toBe(0)
      const { file, version } = JSON.parse(created.stdout)
      expect(version).toBe(1000)
      expect(readFileSync(file, "utf8")).toContain("-- migrate:up")
      writeFileSync(file, "-- migrate:up\nCREATE TABLE widgets (id INTEGER);\n-- migrate:down\nDROP TABLE widgets;\n")
      rmSync(file)
      const ownFile = path.join(userDir, "1001_add_widgets.sql")
      writeFileSync(ownFile, "-- migrate:up\nCREATE TABLE widgets (id INTEGER);\n-- migrate:down\nDROP TABLE widgets;\n")

      const unverified = await logbook(["verify", "--database", url, "--migrations", userDir])
      expect(unverified.code).toBe(1)
      expect(unverified.stderr.trim().split("\n")).toHaveLength(1)
      expect(unverified.stderr).toMatch(/^logbook: MigrationError \(Pending\)/)

      expect((await logbook(["migrate", "--database", url, "--migrations", userDir])).code).toBe(0)
      expect((await logbook(["verify", "--database", url, "--migrations", userDir])).code).toBe(0)

      const rolled = await logbook(["rollback", "--database", url, "--migrations", userDir, "--steps", "1"])
      expect(rolled.code).toBe(0)
      expect(rolled.stdout).toContain("rolled back 1001_add_widgets")

      writeFileSync(path.join(dir, "not-a-db"), "plain text, not a database ".repeat(40))
      const broken = await logbook(["status", "--database", path.join(dir, "not-a-db")])
      expect(broken.code).toBe(1)
      expect(broken.stderr).toMatch(/^logbook: DatabaseError \(Corrupt\)/)
      expect(broken.stderr).not.toContain("    at ")

      const usage = await logbook(["frobnicate"])
      expect(usage.code).toBe(2)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)
})

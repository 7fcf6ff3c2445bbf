/**
 * `logbook status` and `logbook doctor` on a database the user cannot write:
 * a 0444 file seen by an unprivileged user (root ignores file modes, so that
 * case runs as `nobody` in a child process), and a file on a read-only mount
 * (which binds root too, so that case runs in-process). Both commands report,
 * migrate nothing, and leave nothing beside the database.
 */
import Sqlite from "better-sqlite3"
import { afterEach, describe, expect, it } from "vitest"
import { execFileSync } from "node:child_process"
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { childEntry, type ChildResult, runCommand } from "../support/ChildProcess.js"
import { logbook, oneLineError } from "../support/Cli.js"

const NOBODY = "65534"

/** `logbook ARGS` run as the unprivileged user `nobody`, in a child process. */
const logbookAsNobody = (cwd: string, args: ReadonlyArray<string>): Promise<ChildResult> =>
  runCommand(
    "setpriv",
    [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", process.execPath, childEntry("src/bin.ts"), ...args],
    { cwd, env: { PATH: process.env["PATH"] ?? "", HOME: cwd, NO_COLOR: "1" } }
  )

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup()
})

/** A fresh folder with a database migrated up to `to` (all migrations when left out), closed cleanly. */
const migratedIn = async (dir: string, to?: number) => {
  const url = path.join(dir, "logbook.db")
  const migrated = await logbook(["migrate", "--database", url, ...(to === undefined ? [] : ["--to", String(to)])])
  expect(migrated.code, migrated.stderr).toBe(0)
  expect(readdirSync(dir)).toEqual(["logbook.db"])
  return url
}

const freshDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "logbook-read-only-"))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

interface Status {
  readonly version: number
  readonly state: string
}

interface Doctor {
  readonly ok: boolean
  readonly integrity: ReadonlyArray<string>
  readonly migrations: { readonly applied: number; readonly pending: ReadonlyArray<number> }
  readonly searchIndexes: ReadonlyArray<{ readonly table: string; readonly ok: boolean }>
}

describe("status and doctor on a database that cannot be written", () => {
  it("a 0444 file, for a user who is not its owner: both report, nothing is migrated or created beside it", async () => {
    const dir = freshDir()
    const url = await migratedIn(dir)
    const before = readFileSync(url)
    chmodSync(url, 0o444)
    // The user may create files in the folder: the commands must still create none.
    chmodSync(dir, 0o777)

    const status = await logbookAsNobody(dir, ["status", "--database", url, "--json"])
    expect(status.stderr).toBe("")
    expect(status.code).toBe(0)
    const statuses: ReadonlyArray<Status> = JSON.parse(status.stdout)
    expect(statuses.length).toBeGreaterThan(0)
    expect(statuses.every((s) => s.state === "applied")).toBe(true)

    const doctor = await logbookAsNobody(dir, ["doctor", "--database", url, "--json"])
    expect(doctor.stderr).toBe("")
    expect(doctor.code).toBe(0)
    const report: Doctor = JSON.parse(doctor.stdout)
    expect(report.ok).toBe(true)
    expect(report.integrity).toEqual(["ok"])
    expect(report.searchIndexes.length).toBeGreaterThan(0)
    expect(report.searchIndexes.every((check) => check.ok)).toBe(true)

    expect(readdirSync(dir)).toEqual(["logbook.db"])
    expect(readFileSync(url).equals(before)).toBe(true)
  })

  it("a database open in another process, in a folder the user may not write: read in place, with what the writer committed", async () => {
    const dir = freshDir()
    const url = await migratedIn(dir)
    chmodSync(dir, 0o755)
    // The writer's connection stays open, so its -wal and -shm stay beside the file.
    const writer = new Sqlite(url)
    cleanups.push(() => writer.close())
    writer.pragma("wal_autocheckpoint = 0")
    writer.prepare("SELECT count(*) FROM sqlite_master").get()
    const demo = await logbook(["demo", "--database", url, "--json"])
    expect(demo.code, demo.stderr).toBe(0)
    const files = readdirSync(dir).sort()
    expect(files).toEqual(["logbook.db", "logbook.db-shm", "logbook.db-wal"])

    const query = await logbookAsNobody(dir, ["audit", "query", "--database", url, "--format", "jsonl"])
    expect(query.stderr).toBe("")
    expect(query.code).toBe(0)
    const entries = query.stdout.trim().split("\n").map((line) => JSON.parse(line) as { readonly projectId: string })
    expect(entries.length).toBeGreaterThan(0)

    const doctor = await logbookAsNobody(dir, ["doctor", "--database", url, "--json"])
    expect(doctor.stderr).toBe("")
    expect(doctor.code).toBe(0)
    expect((JSON.parse(doctor.stdout) as Doctor).ok).toBe(true)
    expect(readdirSync(dir).sort()).toEqual(files)
  })

  it("a file on a read-only mount: status lists the pending migrations, doctor reports them and a drifted search index, migrate fails with ReadOnly", async () => {
    const dir = freshDir()
    const mount = path.join(dir, "ro")
    execFileSync("mkdir", [mount])
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=8m", "tmpfs", mount])
    cleanups.push(() => execFileSync("umount", ["-l", mount]))
    const url = await migratedIn(mount, 5)
    // A search index that no longer matches its content: the doctor must still find it.
    const raw = new Sqlite(url)
    raw.exec("INSERT INTO lessons_fts (rowid, title, summary, details) VALUES (999, 'ghost', 'ghost', 'ghost')")
    raw.close()
    const before = readFileSync(url)
    execFileSync("mount", ["-o", "remount,ro", mount])

    const status = await logbook(["status", "--database", url, "--json"])
    expect(status.stderr).toBe("")
    expect(status.code).toBe(1)
    const statuses: ReadonlyArray<Status> = JSON.parse(status.stdout)
    expect(statuses.filter((s) => s.state === "applied").map((s) => s.version)).toEqual([1, 2, 3, 4, 5])
    const pending = statuses.filter((s) => s.state === "pending").map((s) => s.version)
    expect(pending.length).toBeGreaterThan(0)
    expect(pending.every((version) => version > 5)).toBe(true)

    const doctor = await logbook(["doctor", "--database", url, "--json"])
    expect(doctor.code).toBe(1)
    expect(doctor.stderr).toContain(`pending migrations ${pending.join(", ")}`)
    const report: Doctor = JSON.parse(doctor.stdout)
    expect(report.integrity).toEqual(["ok"])
    expect(report.migrations.applied).toBe(5)
    expect(report.migrations.pending).toEqual(pending)
    expect(report.searchIndexes.find((check) => check.table === "lessons_fts")?.ok).toBe(false)

    const migrate = await logbook(["migrate", "--database", url])
    expect(migrate.code).toBe(1)
    expect(oneLineError(migrate)).toMatch(/ReadOnly/)

    expect(readdirSync(mount)).toEqual(["logbook.db"])
    expect(readFileSync(url).equals(before)).toBe(true)
  })
})

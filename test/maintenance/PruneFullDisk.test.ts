import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { execFileSync } from "node:child_process"
import { randomBytes } from "node:crypto"
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, statfsSync, writeSync } from "node:fs"
import * as path from "node:path"
import { gunzipSync } from "node:zlib"
import { AuditLog } from "../../src/AuditLog.js"
import * as Logbook from "../../src/Logbook.js"
import * as Maintenance from "../../src/Maintenance.js"
import { tempDir } from "../support/TempDir.js"

const OLD = "2020-01-01T00:00:00.000Z"

/** A real tmpfs of `size` mounted on a fresh folder of `dir`, unmounted when the scope closes. */
const tmpfs = (dir: string, size: string) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const mountPoint = path.join(dir, "tmpfs")
      mkdirSync(mountPoint)
      execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", mountPoint])
      return mountPoint
    }),
    (mountPoint) => Effect.sync(() => execFileSync("umount", ["-l", mountPoint]))
  )

/** Fills the filesystem of `dir` until about `leave` bytes are free. */
const fillUntil = (dir: string, leave: number) => {
  const fd = openSync(path.join(dir, "filler"), "w")
  const block = Buffer.alloc(4096, 7)
  try {
    while (true) {
      const stats = statfsSync(dir)
      if (stats.bavail * stats.bsize <= leave) break
      writeSync(fd, block)
    }
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

const auditActions = Effect.flatMap(
  SqlClient.SqlClient,
  (sql) => sql<{ action: string }>`SELECT action FROM audit_logs ORDER BY action`
).pipe(Effect.map((rows) => rows.map((row) => row.action)))

const archivedActions = (file: string): ReadonlyArray<string> =>
  existsSync(file)
    ? gunzipSync(readFileSync(file)).toString("utf8").split("\n").filter((line) => line !== "")
      .map((line) => String((JSON.parse(line) as { row: { action: string } }).row.action))
    : []

/**
 * Stores 1,000 old audit entries whose random details do not compress (an
 * archive of about 1 MB), fills a 4 MB tmpfs until `leave` bytes are free,
 * and prunes with the archive on it.
 */
const pruneOnFullDisk = (leave: number) =>
  Effect.gen(function*() {
    const dir = yield* tempDir
    const disk = yield* tmpfs(dir, "4m")
    const archive = path.join(disk, "archive.jsonl.gz")
    const audit = yield* AuditLog
    yield* audit.logMany(Array.from({ length: 1_000 }, (_, i) => ({
      action: `old-${String(i).padStart(4, "0")}`,
      category: "agent" as const,
      timestamp: OLD,
      details: { noise: randomBytes(600).toString("base64") }
    })))
    fillUntil(disk, leave)
    const exit = yield* Effect.exit(Maintenance.prune({ olderThan: "30 days", archive }))
    expect(Exit.isFailure(exit)).toBe(true)
    if (Exit.isFailure(exit)) {
      const failure = exit.cause._tag === "Fail" ? exit.cause.error : undefined
      expect(failure).toMatchObject({ _tag: "DatabaseError", reason: "Full", operation: "Maintenance.prune" })
    }
    // Every row is in the database or, whole, in the archive (which reads back as gzip): none lost, none twice.
    const stored = yield* auditActions
    const archived = archivedActions(archive)
    expect([...stored, ...archived].sort()).toEqual(Array.from({ length: 1_000 }, (_, i) => `old-${String(i).padStart(4, "0")}`))
    return { stored, archived }
  })

describe("prune on a nearly full disk", () => {
  it.scopedLive("fails with DatabaseError(Full) when the first chunk's archive does not fit, and deletes nothing", () =>
    Effect.gen(function*() {
      const { archived, stored } = yield* pruneOnFullDisk(16 * 1024)
      expect(stored).toHaveLength(1_000)
      expect(archived).toEqual([])
    }).pipe(Effect.provide(Logbook.layer({ url: ":memory:" }))))

  it.scopedLive("fails with DatabaseError(Full) when the disk fills midway: each deleted row is in the archive, the rest stored", () =>
    Effect.gen(function*() {
      const { archived, stored } = yield* pruneOnFullDisk(256 * 1024)
      expect(archived.length).toBeGreaterThan(0)
      expect(stored.length).toBeGreaterThan(0)
    }).pipe(Effect.provide(Logbook.layer({ url: ":memory:" }))))

  it.scopedLive("with nothing to prune, --archive leaves a valid empty gzip file", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const archive = path.join(dir, "empty.jsonl.gz")
      const report = yield* Maintenance.prune({ olderThan: "30 days", archive })
      expect(report.total).toBe(0)
      const bytes = readFileSync(archive)
      expect(bytes.length).toBeGreaterThan(0)
      expect(gunzipSync(bytes).length).toBe(0)
    }).pipe(Effect.provide(Logbook.layerMemory)))
})
